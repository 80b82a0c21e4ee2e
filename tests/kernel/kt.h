/*
 * kt.h: helpers for the kernel test programs (wasm32-wasi programs run by
 * `nebulet kernel`, see tests/kernel.sh): checks that print "PASS name"
 * or "FAIL name: ..."; nb_bootch.h reads the boot channel.
 */
#ifndef KT_H
#define KT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nb_bootch.h"
#include "nebulet.h"

static int kt_failed;

/* EXPECT(name, got, want): one check of a status or value. */
#define EXPECT(name, got, want)                                                \
	kt_expect(name, (long long)(got), (long long)(want), __LINE__)

static inline void kt_expect(const char *name, long long got, long long want,
			     int line)
{
	if (got == want) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s: got %lld, want %lld (line %d)\n", name, got,
		       want, line);
		kt_failed++;
	}
	fflush(stdout);
}

/* Starts the child image with one startup channel; *ch gets our end. */
static inline nb_handle kt_spawn(const unsigned char *image, uint32_t len,
				 nb_handle *ch)
{
	nb_handle a, b, p = NB_HANDLE_INVALID;

	if (nb_channel_create(&a, &b))
		return NB_HANDLE_INVALID;
	if (nb_process_create(image, len, &b, 1, &p)) {
		nb_handle_close(a);
		nb_handle_close(b);
		return NB_HANDLE_INVALID;
	}
	*ch = a;
	return p;
}

/* Waits for process p to end and returns its exit status (or -1000). */
static inline int kt_join(nb_handle p)
{
	int32_t code;

	if (nb_object_wait_one(p, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE,
			       NULL) ||
	    nb_process_status(p, &code))
		return -1000;
	return code;
}

#endif
