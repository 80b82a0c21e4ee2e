/*
 * deadlock.c: init starts a child that blocks forever, then blocks
 * forever itself. With nothing left to run and no deadline, the kernel
 * reports a deadlock and kills both: init's status is NB_EXIT_KILLED.
 */
#include "kt.h"

int main(void)
{
	uint32_t len;
	unsigned char *child = nb_boot_read(nb_startup_handle(0), &len, NULL);
	nb_handle ch, ev;

	if (!child || kt_spawn(child, len, &ch) == NB_HANDLE_INVALID)
		return 1;
	nb_channel_write(ch, "block", 5, NULL, 0);
	nb_event_create(&ev);
	nb_object_wait_one(ev, NB_SIGNAL_SIGNALED, NB_TIME_INFINITE, NULL);
	return 2;
}
