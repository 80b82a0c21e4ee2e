/*
 * kt.h: helpers for the kernel test programs (wasm32-wasi programs run by
 * `nebulet kernel`, see tests/kernel.sh): checks that print "PASS name"
 * or "FAIL name: ..." and the boot channel's image loader.
 */
#ifndef KT_H
#define KT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * Reads the next image from the boot channel (a header message: u32
 * size then the name; then chunks). Returns a malloc'd buffer, or NULL.
 * When name is not NULL it gets the image's name, NUL-terminated (room
 * for 257 bytes).
 */
static inline unsigned char *kt_load_image(nb_handle boot, uint32_t *len,
					   char *name)
{
	unsigned char hdr[4 + 256], *buf;
	uint32_t n, off = 0, got;

	if (nb_channel_read(boot, 0, hdr, sizeof hdr, NULL, 0, &n, NULL) ||
	    n < 4)
		return NULL;
	memcpy(len, hdr, 4);
	if (name) {
		memcpy(name, hdr + 4, n - 4);
		name[n - 4] = 0;
	}
	if (!(buf = malloc(*len ? *len : 1)))
		return NULL;
	while (off < *len) {
		if (nb_channel_read(boot, 0, buf + off, *len - off, NULL, 0,
				    &got, NULL)) {
			free(buf);
			return NULL;
		}
		off += got;
	}
	return buf;
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
