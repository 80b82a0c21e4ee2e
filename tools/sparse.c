/*
 * sparse.c: `sparse IN OUT` writes disk image IN in the sparse disk
 * format that the RAM disk reads from a boot archive
 * (user/firmament/ramdisk.c), keeping only its non-zero 512-byte blocks,
 * so that a mostly empty disk (a fresh mkfs.fat of 33 MiB holds about
 * 100 KiB) fits the boot channel. The format, little-endian:
 *   "NBSPARSE", u64 size (bytes, whole blocks)
 *   then runs: u64 offset, u32 length (whole blocks), length bytes
 * Exits 1 with a message on any error (IN not whole blocks included).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512

/* Writes the n low bytes of v, little-endian. */
static void put(FILE *f, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		fputc((int)(v >> 8 * i & 0xFF), f);
}

/* True if block b is all zeros. */
static int zero(const uint8_t *b)
{
	for (int i = 0; i < BLOCK; i++)
		if (b[i])
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sparse IN OUT\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	if (!in || fseek(in, 0, SEEK_END)) {
		perror(argv[1]);
		return 1;
	}
	long size = ftell(in);
	rewind(in);
	uint8_t *img = malloc(size > 0 ? (size_t)size : 1);
	if (size <= 0 || size % BLOCK || !img ||
	    fread(img, 1, (size_t)size, in) != (size_t)size) {
		fprintf(stderr,
			"sparse: %s: not a whole number of %d-byte "
			"blocks\n",
			argv[1], BLOCK);
		return 1;
	}
	fclose(in);
	FILE *out = fopen(argv[2], "wb");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fwrite("NBSPARSE", 1, 8, out);
	put(out, (uint64_t)size, 8);
	for (long b = 0; b < size;) {
		if (zero(img + b)) {
			b += BLOCK;
			continue;
		}
		long e = b;
		while (e < size && !zero(img + e))
			e += BLOCK;
		put(out, (uint64_t)b, 8);
		put(out, (uint64_t)(e - b), 4);
		fwrite(img + b, 1, (size_t)(e - b), out);
		b = e;
	}
	free(img);
	if (fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
