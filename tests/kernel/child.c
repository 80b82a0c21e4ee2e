/*
 * child.c: the process the kernel tests start. Its startup handle 0 is a
 * channel; the first message says what to do:
 *   "echo"     send every message back (bytes and handles) until the
 *              peer closes, then exit 0
 *   "exit N"   exit with status N
 *   "block"    wait forever (until killed)
 *   "trap"     trap
 *   "signal"   the next message carries an event: signal it, exit 5
 *   "spin"     loop forever without a kernel call (until killed)
 *   "progress" loop forever too, but send "tick" after a million rounds
 *              (one non-blocking write): a sign that it got the CPU
 */
#include <stdlib.h>
#include <string.h>

#include "nebulet.h"

static char buf[65536];
static nb_handle hs[64];

static void echo(nb_handle ch)
{
	uint32_t n, nh;
	nb_status s;

	for (;;) {
		s = nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf,
				    hs, 64, &n, &nh);
		if (s == NB_ERR_PEER_CLOSED)
			exit(0);
		if (s || nb_channel_write(ch, buf, n, hs, nh))
			exit(99);
	}
}

/* Endless loops the compiler keeps (a volatile counter); only
 * preemption lets anything else run. */
static volatile unsigned spins;

static void spin(nb_handle ch, int tick)
{
	for (;;) {
		spins++;
		if (tick && spins == 1000000)
			nb_channel_write(ch, "tick", 4, NULL, 0);
	}
}

int main(void)
{
	nb_handle ch = nb_startup_handle(0), ev;
	uint32_t n, nh;

	if (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf - 1, NULL,
			    0, &n, NULL))
		return 98;
	buf[n] = 0;
	if (strcmp(buf, "echo") == 0)
		echo(ch);
	if (strncmp(buf, "exit ", 5) == 0)
		nb_process_exit(atoi(buf + 5));
	if (strcmp(buf, "block") == 0)
		nb_object_wait_one(ch, NB_SIGNAL_USER0, NB_TIME_INFINITE, NULL);
	if (strcmp(buf, "spin") == 0 || strcmp(buf, "progress") == 0)
		spin(ch, buf[0] == 'p');
	if (strcmp(buf, "trap") == 0)
		__builtin_trap();
	if (strcmp(buf, "signal") == 0) {
		if (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf,
				    &ev, 1, &n, &nh) ||
		    nh != 1)
			return 97;
		nb_object_signal(ev, 0, NB_SIGNAL_SIGNALED);
		return 5;
	}
	return 96;
}
