/*
 * clock.c: the Clock service: the kernel's monotonic clock and WASI's
 * realtime clock. Published as "clock".
 */
#include <time.h>

#include "clock.h"
#include "svc.h"

/* Clock.monotonic. */
static nb_status on_monotonic(void *ctx, clock_monotonic_resp *resp)
{
	resp->ns = nb_clock_monotonic();
	return NB_OK;
}

/* Clock.realtime. */
static nb_status on_realtime(void *ctx, clock_realtime_resp *resp)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts))
		return NB_ERR_BAD_STATE;
	resp->ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return NB_OK;
}

/* Clock.resolution. */
static nb_status on_resolution(void *ctx, clock_resolution_resp *resp)
{
	struct timespec ts;

	if (clock_getres(CLOCK_MONOTONIC, &ts))
		return NB_ERR_BAD_STATE;
	resp->ns = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	return NB_OK;
}

static const struct clock_ops ops = {on_monotonic, on_realtime, on_resolution};

int main(void)
{
	return -svc_serve("clock", clock_dispatch_any, &ops, NULL);
}
