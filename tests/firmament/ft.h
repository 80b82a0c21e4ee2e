/*
 * ft.h: checks for the firmament's test programs (wasm, run by init from
 * a manifest; see tests/firmament.sh): "PASS name" or "FAIL name: ...".
 */
#ifndef FT_H
#define FT_H

#include <stdio.h>

static int ft_failed;

/* EXPECT(name, got, want): one check of a status or value. */
#define EXPECT(name, got, want)                                                \
	ft_expect(name, (long long)(got), (long long)(want), __LINE__)

static inline void ft_expect(const char *name, long long got, long long want,
			     int line)
{
	if (got == want) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s: got %lld, want %lld (line %d)\n", name, got,
		       want, line);
		ft_failed++;
	}
	fflush(stdout);
}

#endif
