/*
 * fuzz_bootfs.c: libFuzzer target for the boot archive reader
 * (bootld/bootfs.c). Any bytes go to bootfs_check; an archive it accepts
 * is walked record by record (the layout of bootfs.h) and every file is
 * looked up by its name with bootfs_find, which must find that record or
 * an earlier one of the same name (bootfs_check lets names repeat; the
 * first wins), and a lookup of "manifest" succeed only on a name match.
 * The input is copied into an allocation of its exact size (ASan sees
 * any read past it).
 */
#include <stdlib.h>
#include <string.h>

#include "bootld/bootfs.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Walks a checked archive's records, looking each one up by name. */
static void walk(const uint8_t *a, size_t len)
{
	uint32_t n = get32(a + 8);
	size_t off = BOOTFS_HEADER;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t nl = get32(a + off), dl = get32(a + off + 4);
		const uint8_t *name = a + off + 8;
		char *z = malloc(nl + 1);
		struct bootfs_file f;

		if (!z)
			return;
		memcpy(z, name, nl);
		z[nl] = 0;
		/* A name holding NUL cannot be asked for by a C string. */
		if (strlen(z) == nl &&
		    (!bootfs_find(a, len, z, &f) || f.name_len != nl ||
		     memcmp(f.name, name, nl) != 0 ||
		     (const uint8_t *)f.name > name ||
		     ((const uint8_t *)f.name == name && f.len != dl)))
			abort();
		free(z);
		off += BOOTFS_ALIGN(8 + (size_t)nl) + BOOTFS_ALIGN(dl);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *a = malloc(size ? size : 1);
	const char *why = NULL;
	struct bootfs_file f;

	if (!a)
		return 0;
	memcpy(a, data, size);
	if (bootfs_check(a, size, &why)) {
		walk(a, size);
		if (bootfs_find(a, size, BOOTFS_MANIFEST, &f) &&
		    (f.name_len != 8 || memcmp(f.name, "manifest", 8) != 0))
			abort();
	} else if (!why || !*why) {
		abort(); /* a rejection always says why */
	}
	free(a);
	return 0;
}
