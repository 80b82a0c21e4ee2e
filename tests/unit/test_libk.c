/*
 * test_libk.c: the kernel image's C library against the host's: libk's
 * math functions (libk/math.c, built here under other names) give the
 * same bits as glibc's for special values and many random ones; libk's
 * vsnprintf (libk/stdio.c) formats like glibc's; the boot archive reader
 * (bootld/bootfs.c) finds files and rejects every truncation of an archive.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libk/math.c without glibc's math.h, its functions renamed k_*. */
#define _MATH_H 1
#define isnan(x) __builtin_isnan(x)
#define signbit(x) __builtin_signbit(x)
#define trunc k_trunc
#define floor k_floor
#define ceil k_ceil
#define rint k_rint
#define nearbyint k_nearbyint
#define sqrt k_sqrt
#define fabs k_fabs
#define copysign k_copysign
#define fmin k_fmin
#define fmax k_fmax
#define truncf k_truncf
#define floorf k_floorf
#define ceilf k_ceilf
#define rintf k_rintf
#define nearbyintf k_nearbyintf
#define sqrtf k_sqrtf
#define fabsf k_fabsf
#define copysignf k_copysignf
#define fminf k_fminf
#define fmaxf k_fmaxf
double trunc(double), floor(double), ceil(double), rint(double);
double nearbyint(double), sqrt(double), fabs(double), copysign(double, double);
double fmin(double, double), fmax(double, double);
float truncf(float), floorf(float), ceilf(float), rintf(float);
float nearbyintf(float), sqrtf(float), fabsf(float), copysignf(float, float);
float fminf(float, float), fmaxf(float, float);
#include "libk/math.c"
#undef trunc
#undef floor
#undef ceil
#undef rint
#undef nearbyint
#undef sqrt
#undef fabs
#undef truncf
#undef floorf
#undef ceilf
#undef rintf
#undef nearbyintf
#undef sqrtf
#undef fabsf
double trunc(double), floor(double), ceil(double), rint(double);
double nearbyint(double), sqrt(double), fabs(double);
float truncf(float), floorf(float), ceilf(float), rintf(float);
float nearbyintf(float), sqrtf(float), fabsf(float);

#define vsnprintf k_vsnprintf
#define snprintf k_snprintf
#include "libk/stdio.c"
#undef vsnprintf
#undef snprintf

#include "bootld/bootfs.c"

#include "tests/unit/check.h"

/* Same result: equal bits, or both NaN and both quiet. */
static bool same64(double a, double b)
{
	uint64_t x = bits64(a), y = bits64(b);
	if (a != a && b != b)
		return (x >> 51 & 1) == (y >> 51 & 1);
	return x == y;
}

static bool same32(float a, float b)
{
	uint32_t x = bits32(a), y = bits32(b);
	if (a != a && b != b)
		return (x >> 22 & 1) == (y >> 22 & 1);
	return x == y;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Inputs: special values, values near integers and halves, and random
 * bit patterns (all exponents). */
static double input64(int i)
{
	static const double special[] = {0.0,
					 -0.0,
					 0.5,
					 -0.5,
					 1.5,
					 -1.5,
					 2.5,
					 -2.5,
					 0.49999999999999994,
					 4503599627370495.5,
					 4503599627370496.0,
					 -4503599627370497.0,
					 1e300,
					 -1e-300,
					 __builtin_inf(),
					 -__builtin_inf()};
	int n = sizeof special / sizeof special[0];
	if (i < n)
		return special[i];
	if (i == n)
		return of64(0x7ff4000000000000u); /* signalling NaN */
	if (i == n + 1)
		return of64(0xfff8000000000001u);
	if (i % 2)
		return (double)(int64_t)(next() >> 20) / 1024.0;
	return of64(next());
}

#define N_INPUTS 200000

static void test_math(void)
{
/* CMP(f, T, same, pick): k_f and libm's f agree on N_INPUTS inputs x of
 * type T, x = pick (d, the next double input, or something made of it). */
#define CMP(f, T, same, pick)                                                  \
	do {                                                                   \
		bool ok = true;                                                \
		rng = 0x9e3779b97f4a7c15u;                                     \
		for (int i = 0; i < N_INPUTS && ok; i++) {                     \
			double d = input64(i);                                 \
			T x = pick;                                            \
			ok = same(k_##f(x), f(x));                             \
			if (!ok)                                               \
				printf("  " #f "(%a): %a, libm %a\n", x,       \
				       k_##f(x), f(x));                        \
		}                                                              \
		check("libk " #f, ok);                                         \
	} while (0)
#define CMP64(f) CMP(f, double, same64, d)
#define CMP32(f)                                                               \
	CMP(f, float, same32, i % 3 ? (float)d : of32((uint32_t)next()))
	CMP64(trunc);
	CMP64(floor);
	CMP64(ceil);
	CMP64(rint);
	CMP64(nearbyint);
	CMP64(sqrt);
	CMP64(fabs);
	CMP32(truncf);
	CMP32(floorf);
	CMP32(ceilf);
	CMP32(rintf);
	CMP32(nearbyintf);
	CMP32(sqrtf);
	CMP32(fabsf);
}

/* libk's snprintf and glibc's agree on a format. */
#define FMT(...)                                                               \
	do {                                                                   \
		char a_[128], b_[128];                                         \
		int na_ = k_snprintf(a_, sizeof a_, __VA_ARGS__);              \
		int nb_ = snprintf(b_, sizeof b_, __VA_ARGS__);                \
		bool ok_ = na_ == nb_ && strcmp(a_, b_) == 0;                  \
		if (!ok_)                                                      \
			printf("  libk \"%s\" (%d), glibc \"%s\" (%d)\n", a_,  \
			       na_, b_, nb_);                                  \
		check("snprintf " #__VA_ARGS__, ok_);                          \
	} while (0)

static void test_printf(void)
{
	char small[4];
	FMT("%d %i %u", -42, 7, 3000000000u);
	FMT("%x %X %#x %o %#o", 255u, 255u, 255u, 8u, 8u);
	FMT("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, -42, 42, 42);
	FMT("%lld %llu %zu %ld", -(1ll << 62), ~0ull, (size_t)12345, -7l);
	FMT("%hhd %hu", (signed char)-3, (unsigned short)65000);
	FMT("[%s] [%.3s] [%8s] [%-8s] [%*d] [%.*s]", "str", "string", "ab",
	    "ab", 6, 9, 2, "xyz");
	FMT("%c%c %% %.0d|%.3d", 'o', 'k', 0, 5);
	FMT("%p", (void *)0x1234);
	check("snprintf truncates and counts",
	      k_snprintf(small, sizeof small, "%s", "abcdef") == 6 &&
		      strcmp(small, "abc") == 0);
}

/* Appends a bootfs record to a[*len]. */
static void put_file(uint8_t *a, size_t *len, const char *name,
		     const char *data, size_t data_len)
{
	uint32_t h[2] = {(uint32_t)strlen(name), (uint32_t)data_len};
	memcpy(a + *len, h, 8);
	memcpy(a + *len + 8, name, h[0]);
	*len = BOOTFS_ALIGN(*len + 8 + h[0]);
	memcpy(a + *len, data, h[1]);
	*len = BOOTFS_ALIGN(*len + h[1]);
}

static void test_bootfs(void)
{
	uint8_t *a = calloc(1, 256), *copy;
	size_t len = BOOTFS_HEADER, need;
	struct bootfs_file f;
	const char *why = NULL;
	bool ok = true;

	memcpy(a, BOOTFS_MAGIC, 8);
	a[8] = 2;
	put_file(a, &len, "manifest", "hello.wasm 1\n", 13);
	put_file(a, &len, "hello.wasm", "\0asm", 4);
	check("bootfs valid", bootfs_check(a, len, &why));
	check("bootfs find", bootfs_find(a, len, "hello.wasm", &f) &&
				     f.len == 4 &&
				     !memcmp(f.data, "\0asm", 4) &&
				     (uintptr_t)(f.data - a) % 8 == 0);
	need = (size_t)(f.data - a) + f.len; /* the end of the last data */
	check("bootfs absent", !bootfs_find(a, len, "hello", &f) &&
				       !bootfs_find(a, len, "", &f));
	/* Every truncation is rejected, read from a buffer of exactly that
	 * size so ASan catches any read past it. */
	for (size_t n = 0; n < len && ok; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, a, n);
		bool valid = bootfs_check(copy, n, &why);
		ok = valid == (n >= need);
		free(copy);
	}
	check("bootfs truncations rejected", ok);
	a[8] = 0xff; /* more files than there are */
	check("bootfs bad count", !bootfs_check(a, len, &why));
	a[8] = 2;
	a[BOOTFS_HEADER + 4] = 0xff; /* a data length past the end */
	a[BOOTFS_HEADER + 7] = 0xff;
	check("bootfs bad length", !bootfs_check(a, len, &why));
	a[0] = 'X';
	check("bootfs bad magic", !bootfs_check(a, len, &why));
	free(a);
}

int main(void)
{
	test_math();
	test_printf();
	test_bootfs();
	return failures != 0;
}
