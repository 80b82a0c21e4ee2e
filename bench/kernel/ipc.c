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
#include <stdlib.h>
#include <string.h>

#include "nebulet.h"

#define ROUNDTRIPS 200000
#define CALLS 2000000

/* Reads the next boot image (see tests/kernel/kt.h). */
static unsigned char *load_image(nb_handle boot, uint32_t *len)
{
	unsigned char hdr[260], *buf;
	uint32_t n, off = 0, got;

	if (nb_channel_read(boot, 0, hdr, sizeof hdr, NULL, 0, &n, NULL) ||
	    n < 4)
		return NULL;
	memcpy(len, hdr, 4);
	if (!(buf = malloc(*len)))
		return NULL;
	while (off < *len) {
		if (nb_channel_read(boot, 0, buf + off, *len - off, NULL, 0,
				    &got, NULL))
			return NULL;
		off += got;
	}
	return buf;
}

static double roundtrip(const unsigned char *image, uint32_t len)
{
	nb_handle a, b, p;
	char msg[16] = "0123456789abcdef", back[16];
	uint32_t n;
	nb_time t0, t1;

	if (nb_channel_create(&a, &b) ||
	    nb_process_create(image, len, &b, 1, &p) ||
	    nb_channel_write(a, "echo", 4, NULL, 0))
		return -1;
	for (int warm = 0; warm < 2; warm++) {
		t0 = nb_clock_monotonic();
		for (int i = 0; i < ROUNDTRIPS; i++)
			if (nb_channel_write(a, msg, 16, NULL, 0) ||
			    nb_channel_read(a, NB_CHANNEL_READ_WAIT, back, 16,
					    NULL, 0, &n, NULL))
				return -1;
		t1 = nb_clock_monotonic();
	}
	nb_handle_close(a);
	nb_object_wait_one(p, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE, NULL);
	return (double)(t1 - t0) / ROUNDTRIPS;
}

static double null_call(void)
{
	nb_handle ev;
	nb_time t0, t1;

	if (nb_event_create(&ev))
		return -1;
	for (int warm = 0; warm < 2; warm++) {
		t0 = nb_clock_monotonic();
		for (int i = 0; i < CALLS; i++)
			if (nb_object_signal(ev, 0, 0))
				return -1;
		t1 = nb_clock_monotonic();
	}
	return (double)(t1 - t0) / CALLS;
}

int main(void)
{
	uint32_t len;
	unsigned char *child = load_image(nb_startup_handle(0), &len);
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
