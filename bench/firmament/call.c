/*
 * call.c: firmament.call_roundtrip_ns, run as `nebulet kernel call.wasm
 * call.wasm`. As init it reads its own image from the boot channel and
 * starts it again as the server (startup handles: the channel, and an
 * event that marks the role); then it times Ping.ping (ping.fir), an
 * empty method call and its reply through firc's generated client and
 * server code, and prints "firmament.call_roundtrip_ns N ns".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ping.h"

#define CALLS 200000

static nb_status on_ping(void *ctx)
{
	return NB_OK;
}

/* The server: dispatches until the client goes. */
static int serve(nb_handle ch)
{
	static const struct ping_ops ops = {on_ping};
	static uint8_t buf[FIR_MAX_BYTES];
	nb_handle h[FIR_MAX_HANDLES];
	uint32_t n, nh;

	while (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf, h,
			       FIR_MAX_HANDLES, &n, &nh) == NB_OK)
		ping_dispatch(&ops, NULL, ch, buf, n, h, nh);
	return 0;
}

/* Reads the next boot image (as tests/kernel/kt.h). */
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
	for (; off < *len; off += got)
		if (nb_channel_read(boot, 0, buf + off, *len - off, NULL, 0,
				    &got, NULL))
			return NULL;
	return buf;
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0), give[2], a, p;
	unsigned char *image;
	uint32_t len;
	nb_time t0 = 0, t1 = 0;

	if (nb_startup_handle(1) != NB_HANDLE_INVALID)
		return serve(boot);
	if (!(image = load_image(boot, &len)) ||
	    nb_channel_create(&a, &give[0]) || nb_event_create(&give[1]) ||
	    nb_process_create(image, len, give, 2, &p)) {
		fprintf(stderr, "call: cannot start the server\n");
		return 1;
	}
	for (int warm = 0; warm < 2; warm++) {
		t0 = nb_clock_monotonic();
		for (int i = 0; i < CALLS; i++)
			if (ping_ping(a) != NB_OK) {
				fprintf(stderr, "call: ping failed\n");
				return 1;
			}
		t1 = nb_clock_monotonic();
	}
	nb_handle_close(a);
	nb_object_wait_one(p, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE, NULL);
	printf("firmament.call_roundtrip_ns %.0f ns\n",
	       (double)(t1 - t0) / CALLS);
	return 0;
}
