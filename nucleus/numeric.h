/*
 * numeric.h: WebAssembly number semantics shared by the interpreter and the
 * JIT's C slow paths: float <-> bit pattern casts (no NaN is touched) and
 * min/max with wasm's rules (a NaN operand gives a NaN, -0 < +0).
 * Internal to nucleus/.
 */
#ifndef NUCLEUS_NUMERIC_H
#define NUCLEUS_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float f32_of(uint32_t b)
{
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static inline uint32_t f32_bits(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static inline double f64_of(uint64_t b)
{
	double f;
	memcpy(&f, &b, 8);
	return f;
}

static inline uint64_t f64_bits(double f)
{
	uint64_t b;
	memcpy(&b, &f, 8);
	return b;
}

/* min/max with wasm's rules: NaN wins, -0 < +0. (Rounding ops quiet a
 * signaling NaN with a + a: SSE4.1 round* passes it through.) */
static inline float wmin32(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static inline float wmax32(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

static inline double wmin64(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static inline double wmax64(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == 0 && b == 0)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

#endif
