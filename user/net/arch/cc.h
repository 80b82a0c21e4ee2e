/*
 * arch/cc.h: what lwIP asks of the compiler and C library (lwIP's
 * port interface), for wasm32-wasi and the native build alike: both
 * have C11's stdint.h and endian.h; diagnostics go to standard error,
 * and a failed assertion (a bug in lwIP or in its use, never input)
 * aborts the process.
 */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <endian.h> /* BYTE_ORDER, LITTLE_ENDIAN (glibc, wasi-libc) */
#include <stdio.h>
#include <stdlib.h>

#define LWIP_NO_UNISTD_H 1
/* Prints lwIP's diagnostics (LWIP_PLATFORM_DIAG(("fmt", ...))). */
void net_port_diag(const char *fmt, ...);
#define LWIP_PLATFORM_DIAG(x) net_port_diag x
#define LWIP_PLATFORM_ASSERT(x)                                                \
	do {                                                                   \
		fprintf(stderr, "lwip: assertion \"%s\" at %s:%d\n", x,        \
			__FILE__, __LINE__);                                   \
		abort();                                                       \
	} while (0)

#endif
