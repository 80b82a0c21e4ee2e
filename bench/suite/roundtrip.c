/* bench/suite/roundtrip.c: the compression workload of the suite.
 * Usage: PROG ROUNDS [KIB]. Each round fills a buffer of KIB KiB
 * (default 1024) with generated text (a different text each round),
 * compresses it with the codec the program is linked with (zlib_codec.c
 * or bzip2_codec.c), decompresses it and checks that the bytes came back.
 * The last line printed, "checksum: HASH BYTES", is an FNV-1a hash of
 * every compressed byte and their count; it is the same on every
 * correct runner. Exit status 1 on a codec error or a mismatch. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* fill: n bytes of text made of words and numbers drawn by an LCG from
 * seed; compresses about 3:1, like prose or logs. */
static void fill(unsigned char *buf, size_t n, uint32_t seed)
{
	static const char *const words[] = {
		"the",	    "quick", "brown",  "fox",	  "jumps",  "over",
		"lazy",	    "dog",   "kernel", "channel", "handle", "process",
		"memory",   "page",  "thread", "message", "wasm",   "module",
		"function", "table", "global", "export",  "import", "value",
		"and",	    "of",    "to",     "in",	  "is",	    "that",
		"for",	    "with",
	};
	size_t i = 0;
	while (i < n) {
		seed = seed * 1103515245u + 12345u;
		uint32_t r = seed >> 8;
		char tmp[16];
		const char *w = tmp;
		if (r % 7 == 0)
			snprintf(tmp, sizeof tmp, "%u", (unsigned)(r % 10000));
		else
			w = words[r % (sizeof words / sizeof words[0])];
		for (; *w && i < n; w++)
			buf[i++] = (unsigned char)*w;
		if (i < n)
			buf[i++] = r % 13 == 0 ? '\n' : ' ';
	}
}

/* fnv: the 32-bit FNV-1a hash of n bytes, continuing from h. */
static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 0;
	long kib = argc > 2 ? atol(argv[2]) : 1024;
	if (rounds <= 0 || kib <= 0 || kib > 65536) {
		fprintf(stderr, "usage: %s ROUNDS [KIB (1-65536)]\n", argv[0]);
		return 2;
	}
	size_t n = (size_t)kib * 1024, cap = n + n / 50 + 1024;
	unsigned char *in = malloc(n), *out = malloc(cap), *back = malloc(n);
	if (!in || !out || !back) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 1;
	}
	uint32_t h = 2166136261u;
	unsigned long long total = 0;
	for (long r = 0; r < rounds; r++) {
		fill(in, n, (uint32_t)r + 1);
		size_t m = cap, k = n;
		const char *err = codec_compress(in, n, out, &m);
		if (!err)
			err = codec_decompress(out, m, back, &k);
		if (!err && (k != n || memcmp(in, back, n) != 0))
			err = "data differs after the round trip";
		if (err) {
			fprintf(stderr, "%s: round %ld: %s\n", argv[0], r, err);
			return 1;
		}
		h = fnv(h, out, m);
		total += m;
	}
	printf("checksum: %08x %llu\n", (unsigned)h, total);
	free(in);
	free(out);
	free(back);
	return 0;
}
