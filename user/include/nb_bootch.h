/*
 * nb_bootch.h: the reader of the boot channel, the startup handle 0 of a
 * program the kernel starts with images (`nebulet kernel`, a boot
 * manifest's `--kernel` line). Its one writer is process_boot_send
 * (kernel/process.c). Each file is a header message, u32 size
 * (little-endian) then the name (at most NB_BOOT_NAME_MAX bytes, no
 * NUL), then the file's bytes in messages of at most
 * NB_CHANNEL_MAX_BYTES. Header-only: wasm programs take it as it is.
 */
#ifndef NB_BOOTCH_H
#define NB_BOOTCH_H

#include <stdlib.h>
#include <string.h>

#include "nebulet.h"

/*
 * Reads the next file from boot, waiting for its chunks: a malloc'd
 * buffer of *len bytes and a NUL after them; when name is not NULL it
 * gets the file's name, NUL-terminated (room for NB_BOOT_NAME_MAX + 1).
 * NULL when no file is left (the channel is empty or closed), on a
 * malformed header or when out of memory.
 */
static inline unsigned char *nb_boot_read(nb_handle boot, uint32_t *len,
					  char *name)
{
	unsigned char hdr[4 + NB_BOOT_NAME_MAX], *buf;
	uint32_t n, got;

	if (nb_channel_read(boot, 0, hdr, sizeof hdr, NULL, 0, &n, NULL) ||
	    n < 4)
		return NULL;
	memcpy(len, hdr, 4);
	if (name) {
		memcpy(name, hdr + 4, n - 4);
		name[n - 4] = 0;
	}
	if (*len == UINT32_MAX || !(buf = malloc(*len + 1u)))
		return NULL;
	for (uint32_t off = 0; off < *len; off += got)
		if (nb_channel_read(boot, NB_CHANNEL_READ_WAIT, buf + off,
				    *len - off, NULL, 0, &got, NULL) ||
		    got == 0) {
			free(buf);
			return NULL;
		}
	buf[*len] = 0;
	return buf;
}

#endif
