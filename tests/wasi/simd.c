/*
 * simd.c: loops that clang auto-vectorizes when built with -msimd128 (as
 * the Makefile builds this test), plus a few SIMD intrinsics with scalar
 * twins, each printing a checksum. The output must be the same with and
 * without SIMD (simd.expect is the scalar build's, the same as gcc's), on
 * every engine.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define N 1000

static int32_t ia[N], ib[N], ic[N];
static float fa[N], fb[N];
static uint8_t ba[N], bb[N];
static int16_t sa[N];
static double da[N];

/* A 32-bit FNV-1a over n bytes, to print results compactly. */
static uint32_t hash(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static void fill(void)
{
	uint32_t x = 12345;
	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		ia[i] = (int32_t)(x >> 3) - (1 << 27);
		ib[i] = (int32_t)(x % 2001) - 1000;
		fa[i] = (float)ib[i] / 7.0f;
		fb[i] = (float)(i % 37) - 18.5f;
		ba[i] = (uint8_t)(x >> 13);
		bb[i] = (uint8_t)(x >> 21);
		sa[i] = (int16_t)(x >> 9);
		da[i] = (double)ia[i] / 3.0;
	}
}

/* Vectorized loops: integer, float, byte and widening arithmetic; their
 * results printed if say. */
#define SAY(...) (say ? (void)printf(__VA_ARGS__) : (void)0)
static void loops(bool say)
{
	int64_t sum = 0;
	for (int i = 0; i < N; i++)
		ic[i] = ia[i] * ib[i] + (ia[i] >> 3) - (ib[i] ^ 0x55);
	SAY("i32 mul-add: %08x\n", (unsigned)hash(ic, sizeof ic));
	for (int i = 0; i < N; i++)
		sum += ib[i] * 3;
	SAY("i32 sum: %lld\n", (long long)sum);
	for (int i = 0; i < N; i++)
		fa[i] = 2.5f * fa[i] + fb[i];
	SAY("saxpy: %08x\n", (unsigned)hash(fa, sizeof fa));
	for (int i = 0; i < N; i++)
		fb[i] = fa[i] < fb[i] ? fa[i] : fb[i];
	SAY("f32 min: %08x\n", (unsigned)hash(fb, sizeof fb));
	for (int i = 0; i < N; i++) {
		unsigned s = ba[i] + bb[i];
		ba[i] = (uint8_t)(s > 255 ? 255 : s);
	}
	SAY("u8 add_sat: %08x\n", (unsigned)hash(ba, sizeof ba));
	for (int i = 0; i < N; i++)
		bb[i] = (uint8_t)((ba[i] + bb[i] + 1) >> 1);
	SAY("u8 avgr: %08x\n", (unsigned)hash(bb, sizeof bb));
	int32_t dot = 0;
	for (int i = 0; i < N; i++)
		dot += sa[i] * (int16_t)ib[i];
	SAY("i16 dot: %d\n", (int)dot);
	for (int i = 0; i < N; i++)
		da[i] = da[i] * 0.5 - (double)ib[i];
	SAY("f64: %08x\n", (unsigned)hash(da, sizeof da));
	for (int i = 0; i < N; i++)
		ic[i] = (int32_t)fa[i];
	SAY("f32->i32: %08x\n", (unsigned)hash(ic, sizeof ic));
}

/* Intrinsics with scalar twins: a byte reversal (shuffle), saturating
 * float-to-int with NaN and out-of-range lanes, and lane moves. */
static void intrinsics(void)
{
	uint8_t in[16], out[16];
	float f[4] = {1e10f, -1e10f, 0.0f / 0.0f, -2.75f};
	int32_t t[4];
	for (int i = 0; i < 16; i++)
		in[i] = (uint8_t)(i * 17 + 3);
#ifdef __wasm_simd128__
	v128_t v = wasm_v128_load(in);
	v = wasm_i8x16_shuffle(v, v, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
			       3, 2, 1, 0);
	v = wasm_i8x16_replace_lane(v, 3, wasm_i8x16_extract_lane(v, 0));
	wasm_v128_store(out, v);
	wasm_v128_store(t, wasm_i32x4_trunc_sat_f32x4(wasm_v128_load(f)));
#else
	for (int i = 0; i < 16; i++)
		out[i] = in[15 - i];
	out[3] = out[0];
	for (int i = 0; i < 4; i++)
		t[i] = f[i] != f[i]		? 0
		       : f[i] >= 2147483647.0f	? INT32_MAX
		       : f[i] <= -2147483648.0f ? INT32_MIN
						: (int32_t)f[i];
#endif
	printf("shuffle: %08x\n", (unsigned)hash(out, sizeof out));
	printf("trunc_sat: %d %d %d %d\n", (int)t[0], (int)t[1], (int)t[2],
	       (int)t[3]);
}

/* simd [ROUNDS]: the loops ROUNDS times (default 1; tests/boot.sh runs
 * long ones at once, preempting each other), printed once. */
int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	for (int r = 1; r < rounds; r++) {
		fill();
		loops(false);
	}
	fill();
	loops(true);
	intrinsics();
	return 0;
}
