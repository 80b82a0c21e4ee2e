/*
 * math.c: libk's floating-point functions, exact as IEEE 754 requires and
 * as the hosted build's libm gives them: rounding to an integral value by
 * masking off fraction bits, round-to-nearest-even by the 2^52 (2^23)
 * addition trick, square root with SSE2's sqrtsd/sqrtss (correctly
 * rounded). No x87, no SSE4.1 (QEMU's default CPU lacks it). A NaN
 * argument gives a quiet NaN (x + x), as the hardware instructions do.
 * Each function is written once, in MATH_FUNCS, for double and for float.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * MATH_FUNCS(T, F, W, FRAC, SQRT): the functions for the type T, each
 * name with the suffix F (empty for double, f for float). T is W bits
 * wide, with FRAC fraction bits; SQRT is SSE2's square root instruction
 * for T. EXP and BIAS below are T's exponent mask and bias.
 */
#define ONE(W) ((uint##W##_t)1)
#define EXP(W, FRAC) ((1 << (W - 1 - FRAC)) - 1)
#define BIAS(W, FRAC) (EXP(W, FRAC) >> 1)
#define MATH_FUNCS(T, F, W, FRAC, SQRT)                                        \
	/* bitsW(x): x's bits; ofW(b): the T with bits b. */                   \
	static uint##W##_t bits##W(T x)                                        \
	{                                                                      \
		uint##W##_t b;                                                 \
		memcpy(&b, &x, sizeof b);                                      \
		return b;                                                      \
	}                                                                      \
                                                                               \
	static T of##W(uint##W##_t b)                                          \
	{                                                                      \
		T x;                                                           \
		memcpy(&x, &b, sizeof x);                                      \
		return x;                                                      \
	}                                                                      \
                                                                               \
	/* Rounds toward zero: clears the bits below the binary point. */      \
	T trunc##F(T x)                                                        \
	{                                                                      \
		uint##W##_t b = bits##W(x);                                    \
		int e = (int)(b >> FRAC & EXP(W, FRAC)) - BIAS(W, FRAC);       \
		if (e == BIAS(W, FRAC) + 1)                                    \
			return x + x; /* inf stays, NaN is quieted */          \
		if (e >= FRAC)                                                 \
			return x;                                              \
		if (e < 0)                                                     \
			return of##W(b & ONE(W) << (W - 1));                   \
		return of##W(b & ~((ONE(W) << (FRAC - e)) - 1));               \
	}                                                                      \
                                                                               \
	T floor##F(T x)                                                        \
	{                                                                      \
		T t = trunc##F(x);                                             \
		return x < 0 && t != x ? t - 1 : t;                            \
	}                                                                      \
                                                                               \
	T ceil##F(T x)                                                         \
	{                                                                      \
		T t = trunc##F(x);                                             \
		return x > 0 && t != x ? t + 1 : t;                            \
	}                                                                      \
                                                                               \
	/* Rounds to nearest, ties to even (the default rounding mode):        \
	 * below 2^FRAC adding and subtracting 2^FRAC leaves just the          \
	 * integer part. */                                                    \
	T rint##F(T x)                                                         \
	{                                                                      \
		const T big = (T)(ONE(W) << FRAC);                             \
		volatile T y;                                                  \
		T a = fabs##F(x);                                              \
		if (!(a < big)) /* integral; NaN quieted */                    \
			return isnan(x) ? x + x : x;                           \
		y = a + big;                                                   \
		return copysign##F(y - big, x);                                \
	}                                                                      \
                                                                               \
	T nearbyint##F(T x)                                                    \
	{                                                                      \
		return rint##F(x);                                             \
	}                                                                      \
                                                                               \
	T sqrt##F(T x)                                                         \
	{                                                                      \
		__asm__(SQRT " %1, %0" : "=x"(x) : "x"(x));                    \
		return x;                                                      \
	}                                                                      \
                                                                               \
	T fabs##F(T x)                                                         \
	{                                                                      \
		return of##W(bits##W(x) & ~(ONE(W) << (W - 1)));               \
	}                                                                      \
                                                                               \
	T copysign##F(T x, T y)                                                \
	{                                                                      \
		return of##W((bits##W(x) & ~(ONE(W) << (W - 1))) |             \
			     (bits##W(y) & ONE(W) << (W - 1)));                \
	}                                                                      \
                                                                               \
	/* C's fmin/fmax: a NaN argument is ignored; -0 < +0. */               \
	T fmin##F(T x, T y)                                                    \
	{                                                                      \
		if (isnan(x))                                                  \
			return y;                                              \
		if (isnan(y) || x < y || (x == y && signbit(x)))               \
			return x;                                              \
		return y;                                                      \
	}                                                                      \
                                                                               \
	T fmax##F(T x, T y)                                                    \
	{                                                                      \
		if (isnan(x))                                                  \
			return y;                                              \
		if (isnan(y) || x > y || (x == y && !signbit(x)))              \
			return x;                                              \
		return y;                                                      \
	}

MATH_FUNCS(double, , 64, 52, "sqrtsd")
MATH_FUNCS(float, f, 32, 23, "sqrtss")
