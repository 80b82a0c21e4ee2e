/*
 * ticker.c: writes "tick N" once a second for ARGV[1] seconds (default
 * 8), then exits 0. tests/boot.sh runs it under `nebulet boot
 * --timeout=4`: a program that keeps writing is not a boot that hangs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic seconds, as a double. */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	double start = now();

	for (int i = 1; i <= n; i++) {
		while (now() - start < i)
			;
		printf("tick %d\n", i);
		fflush(stdout);
	}
	return 0;
}
