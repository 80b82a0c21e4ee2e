/*
 * validate_bench.c: decode+validate throughput of the nucleus.
 *   validate_bench FILE.wasm [MIN_SECONDS]
 * Loads FILE, then calls wasm_module_new/wasm_module_free on it in a loop
 * for at least MIN_SECONDS (default 1) and prints one line:
 *   "mb_per_s VALUE iterations N bytes LEN seconds S"
 * Exits 1 if the module does not validate or the file cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hal/hal.h"
#include "nucleus/nucleus.h"

/* Monotonic time in seconds. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads a whole file into a malloc'd buffer; NULL on failure. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 1 << 16;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

/* Decodes and validates the module `iters` times; false if it fails. */
static bool run(const uint8_t *bytes, size_t len, long iters, wasm_error *err)
{
	for (long i = 0; i < iters; i++) {
		wasm_module *m = wasm_module_new(bytes, len, err);

		if (!m)
			return false;
		wasm_module_free(m);
	}
	return true;
}

int main(int argc, char **argv)
{
	double min_secs = argc > 2 ? atof(argv[2]) : 1.0, t0, dt;
	long iters = 1, total = 0;
	wasm_error err;
	uint8_t *bytes;
	size_t len;

	if (argc < 2) {
		fprintf(stderr,
			"usage: validate_bench FILE.wasm [MIN_SECONDS]\n");
		return 2;
	}
	hal_init();
	bytes = read_file(argv[1], &len);
	if (!bytes) {
		fprintf(stderr, "validate_bench: cannot read %s\n", argv[1]);
		return 1;
	}
	/* One untimed run to check the module and warm the caches. */
	if (!run(bytes, len, 1, &err)) {
		fprintf(stderr, "validate_bench: %s: %s\n", argv[1], err.msg);
		return 1;
	}
	t0 = now();
	do {
		run(bytes, len, iters, &err);
		total += iters;
		iters *= 2;
		dt = now() - t0;
	} while (dt < min_secs);
	printf("mb_per_s %.3f iterations %ld bytes %zu seconds %.3f\n",
	       (double)len * (double)total / dt / 1e6, total, len, dt);
	free(bytes);
	return 0;
}
