/*
 * bootfs.c: reading the boot archive (format in bootfs.h). Every length is
 * checked against the archive's size before it is used, in 64-bit
 * arithmetic, so a corrupt archive gives an error, never a read past it.
 */
#include "bootld/bootfs.h"

#include <string.h>

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Reads the record at *pos into out and moves *pos past it; false if the
 * record does not fit in len.
 */
static bool next_file(const uint8_t *a, size_t len, size_t *pos,
		      struct bootfs_file *out)
{
	uint64_t p = *pos, name_len, data_len, data_at, end;
	if (p + 8 > len)
		return false;
	name_len = get_u32(a + p);
	data_len = get_u32(a + p + 4);
	data_at = BOOTFS_ALIGN(p + 8 + name_len);
	end = BOOTFS_ALIGN(data_at + data_len);
	if (data_at + data_len > len)
		return false;
	out->name = (const char *)a + p + 8;
	out->name_len = name_len;
	out->data = a + data_at;
	out->len = data_len;
	*pos = end < len ? end : len;
	return true;
}

bool bootfs_check(const void *archive, size_t len, const char **why)
{
	const uint8_t *a = archive;
	struct bootfs_file f;
	size_t pos = BOOTFS_HEADER;
	uint32_t n;

	if (len < BOOTFS_HEADER || memcmp(a, BOOTFS_MAGIC, 8) != 0) {
		*why = "not a boot archive (bad magic)";
		return false;
	}
	n = get_u32(a + 8);
	for (uint32_t i = 0; i < n; i++) {
		if (!next_file(a, len, &pos, &f)) {
			*why = "boot archive truncated";
			return false;
		}
		if (memchr(f.name, 0, f.name_len) != NULL) {
			*why = "boot archive: a name holds a NUL byte";
			return false;
		}
	}
	return true;
}

bool bootfs_find(const void *archive, size_t len, const char *name,
		 struct bootfs_file *out)
{
	const uint8_t *a = archive;
	size_t pos = BOOTFS_HEADER, nlen = strlen(name);
	uint32_t n = len >= BOOTFS_HEADER ? get_u32(a + 8) : 0;

	for (uint32_t i = 0; i < n; i++) {
		if (!next_file(a, len, &pos, out))
			return false;
		if (out->name_len == nlen && memcmp(out->name, name, nlen) == 0)
			return true;
	}
	return false;
}
