/*
 * ipc.c: kernel benchmarks, run as init by `nebulet kernel` with the echo
 * child (tests/kernel/child.c) as its boot image. Prints
 *   ipc.roundtrip_ns N  a 16-byte message to another wasm process and
 *                       back over a channel pair (write, blocking read)
 *   syscall.null_ns N   the cheapest kernel call: object_signal on an
 *                       event changing nothing (handle lookup and rights
 *                       check, no wake-up)
 * Argument-free; the iteration counts are fixed.
 */
#include <stdio.h>

#include "../bench.h"

#define ROUNDTRIPS 200000
#define CALLS 2000000

static double roundtrip(const unsigned char *image, uint32_t len)
{
	nb_handle a, b, p;
	char msg[16] = "0123456789abcdef", back[16];
	uint32_t n;
	double ns;

	if (nb_channel_create(&a, &b) ||
	    nb_process_create(image, len, &b, 1, &p) ||
	    nb_channel_write(a, "echo", 4, NULL, 0))
		return -1;
	BENCH_NS(ns, ROUNDTRIPS,
		 !nb_channel_write(a, msg, 16, NULL, 0) &&
			 !nb_channel_read(a, NB_CHANNEL_READ_WAIT, back, 16,
					  NULL, 0, &n, NULL),
		 return -1);
	nb_handle_close(a);
	nb_object_wait_one(p, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE, NULL);
	return ns;
}

static double null_call(void)
{
	nb_handle ev;
	double ns;

	if (nb_event_create(&ev))
		return -1;
	BENCH_NS(ns, CALLS, !nb_object_signal(ev, 0, 0), return -1);
	return ns;
}

int main(void)
{
	uint32_t len;
	unsigned char *child = nb_boot_read(nb_startup_handle(0), &len, NULL);
	double rt, nc;

	if (!child)
		return 1;
	rt = roundtrip(child, len);
	nc = null_call();
	if (rt < 0 || nc < 0)
		return 1;
	printf("ipc.roundtrip_ns %.1f ns\n", rt);
	printf("syscall.null_ns %.1f ns\n", nc);
	return 0;
}
