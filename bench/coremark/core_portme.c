/*
 * core_portme.c: timing and start-up for Nebulet's CoreMark port (see
 * core_portme.h). Works unchanged for native Linux and wasm32-wasi.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <stdio.h>
#include <time.h>

#include "coremark.h"

ee_u32 default_num_contexts = 1;

static uint64_t start_ns, stop_ns;

/* Monotonic clock in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Marks the start of the timed section. */
void start_time(void)
{
	start_ns = now_ns();
}

/* Marks the end of the timed section. */
void stop_time(void)
{
	stop_ns = now_ns();
}

/* Length of the timed section, in microseconds (CoreMark prints ticks as
 * an unsigned long, 32 bits on wasm32: nanoseconds would wrap at 4 s). */
CORE_TICKS get_time(void)
{
	return (stop_ns - start_ns) / 1000;
}

/* Converts get_time()'s microseconds to seconds. */
secs_ret time_in_secs(CORE_TICKS ticks)
{
	return (secs_ret)ticks / 1e6;
}

/* Checks the type sizes CoreMark relies on. */
void portable_init(core_portable *p, int *argc, char *argv[])
{
	(void)argc;
	(void)argv;
	if (sizeof(ee_ptr_int) != sizeof(ee_u8 *))
		ee_printf("ERROR! ee_ptr_int cannot hold a pointer!\n");
	if (sizeof(ee_u32) != 4)
		ee_printf("ERROR! ee_u32 is not 32 bits!\n");
	p->portable_id = 1;
}

void portable_fini(core_portable *p)
{
	p->portable_id = 0;
}
