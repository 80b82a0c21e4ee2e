/*
 * port.c: what lwIP needs from the system when it runs without one
 * (NO_SYS): the time in milliseconds, random numbers, diagnostics. The
 * same code for wasm32-wasi (WASI's clock) and the native build.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "lwip/sys.h"

/* Milliseconds of the monotonic clock (lwIP's timers; wraps). */
u32_t sys_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u32_t)((uint64_t)ts.tv_sec * 1000 +
		       (uint64_t)ts.tv_nsec / 1000000);
}

/* xorshift32, seeded from the clock at first use: initial sequence
 * numbers and ports that differ from run to run (not secrets; the
 * same in every run of the fuzzer). */
uint32_t net_port_rand(void)
{
	static uint32_t x;
	struct timespec ts;

	if (!x) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u;
#ifdef NET_FUZZ
		x = 1; /* the fuzzer's runs repeat */
#endif
		x |= 1;
	}
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* lwIP's diagnostic messages, to standard error. */
void net_port_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("lwip: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
