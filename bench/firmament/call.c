/*
 * call.c: firmament.call_roundtrip_ns, run as `nebulet kernel call.wasm
 * call.wasm`. As init it reads its own image from the boot channel and
 * starts it again as the server (startup handles: the channel, and an
 * event that marks the role); then it times Ping.ping (ping.fir), an
 * empty method call and its reply through firc's generated client and
 * server code, and prints "firmament.call_roundtrip_ns N ns" (timing and
 * image loading: ../bench.h).
 */
#include <stdio.h>

#include "../bench.h"
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

int main(void)
{
	nb_handle boot = nb_startup_handle(0), give[2], a, p;
	unsigned char *image;
	uint32_t len;
	double ns;

	if (nb_startup_handle(1) != NB_HANDLE_INVALID)
		return serve(boot);
	if (!(image = nb_boot_read(boot, &len, NULL)) ||
	    nb_channel_create(&a, &give[0]) || nb_event_create(&give[1]) ||
	    nb_process_create(image, len, give, 2, &p)) {
		fprintf(stderr, "call: cannot start the server\n");
		return 1;
	}
	BENCH_NS(ns, CALLS, ping_ping(a) == NB_OK, goto failed);
	nb_handle_close(a);
	nb_object_wait_one(p, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE, NULL);
	printf("firmament.call_roundtrip_ns %.0f ns\n", ns);
	return 0;
failed:
	fprintf(stderr, "call: ping failed\n");
	return 1;
}
