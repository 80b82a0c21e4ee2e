/*
 * bootfs.h: the boot archive, the files the kernel finds in RAM at boot
 * (QEMU's -initrd, a PVH module): wasm programs, their standard inputs,
 * and the manifest that says what to run (bootld.c). Packed on the host by
 * `nebulet boot` (tools/nebulet/boot.c). Layout, all integers little-
 * endian, every record starting at a multiple of 8 from the archive start:
 *
 *   header   "NBLTARC1" (8 bytes), u32 file count, u32 zero
 *   file     u32 name length, u32 data length,
 *            the name (no NUL; any bytes but NUL), zeros to a multiple of 8,
 *            the data, zeros to a multiple of 8
 *
 * The data of each file is then 8-byte aligned (QEMU loads the archive on
 * a page boundary). Names are unique; the kernel reads the file
 * "manifest" first.
 */
#ifndef BOOTLD_BOOTFS_H
#define BOOTLD_BOOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOTFS_MAGIC "NBLTARC1"
#define BOOTFS_HEADER 16 /* bytes of the archive header */
#define BOOTFS_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define BOOTFS_MANIFEST "manifest"

struct bootfs_file {
	const char *name; /* not NUL-terminated */
	size_t name_len;
	const uint8_t *data;
	size_t len;
};

/* Checks the whole archive (header, every record inside len); false with
 * *why set to a message if it is malformed. */
bool bootfs_check(const void *archive, size_t len, const char **why);

/* Finds the file called name in a checked archive; false if absent. */
bool bootfs_find(const void *archive, size_t len, const char *name,
		 struct bootfs_file *out);

#endif
