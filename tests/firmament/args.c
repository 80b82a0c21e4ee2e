/*
 * args.c: a program for the Launcher tests. Prints "args:" and its
 * arguments (from Startup.args); "wait" as argument 1 blocks forever
 * (to be killed); otherwise it exits with status argc.
 */
#include <stdio.h>
#include <string.h>

#include "svc.h"

int main(void)
{
	char **argv;
	int argc = svc_args("args.wasm", &argv);
	nb_handle ev;

	printf("args:");
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "wait") && !nb_event_create(&ev))
		nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, NB_TIME_INFINITE,
				   NULL);
	return argc;
}
