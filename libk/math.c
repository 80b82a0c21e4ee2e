/*
 * math.c: libk's floating-point functions, exact as IEEE 754 requires and
 * as the hosted build's libm gives them: rounding to an integral value by
 * masking off fraction bits, round-to-nearest-even by the 2^52 (2^23)
 * addition trick, square root with SSE2's sqrtsd/sqrtss (correctly
 * rounded). No x87, no SSE4.1 (QEMU's default CPU lacks it). A NaN
 * argument gives a quiet NaN (x + x), as the hardware instructions do.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

static uint64_t bits64(double x)
{
	uint64_t b;
	memcpy(&b, &x, 8);
	return b;
}

static double of64(uint64_t b)
{
	double x;
	memcpy(&x, &b, 8);
	return x;
}

static uint32_t bits32(float x)
{
	uint32_t b;
	memcpy(&b, &x, 4);
	return b;
}

static float of32(uint32_t b)
{
	float x;
	memcpy(&x, &b, 4);
	return x;
}

/* Rounds toward zero: clears the bits below the binary point. */
double trunc(double x)
{
	uint64_t b = bits64(x);
	int e = (int)(b >> 52 & 0x7ff) - 1023;
	if (e == 1024)
		return x + x; /* inf stays, NaN is quieted */
	if (e >= 52)
		return x;
	if (e < 0)
		return of64(b & 1ull << 63);
	return of64(b & ~((1ull << (52 - e)) - 1));
}

double floor(double x)
{
	double t = trunc(x);
	return x < 0 && t != x ? t - 1 : t;
}

double ceil(double x)
{
	double t = trunc(x);
	return x > 0 && t != x ? t + 1 : t;
}

/* Rounds to nearest, ties to even (the default rounding mode): below
 * 2^52 adding and subtracting 2^52 leaves just the integer part. */
double rint(double x)
{
	const double big = 4503599627370496.0; /* 2^52 */
	volatile double y;
	double a = fabs(x);
	if (!(a < big))
		return isnan(x) ? x + x : x; /* integral; NaN quieted */
	y = a + big;
	return copysign(y - big, x);
}

double nearbyint(double x)
{
	return rint(x);
}

double sqrt(double x)
{
	__asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x));
	return x;
}

double fabs(double x)
{
	return of64(bits64(x) & ~(1ull << 63));
}

double copysign(double x, double y)
{
	return of64((bits64(x) & ~(1ull << 63)) | (bits64(y) & 1ull << 63));
}

/* C's fmin/fmax: a NaN argument is ignored; -0 < +0. */
double fmin(double x, double y)
{
	if (isnan(x))
		return y;
	if (isnan(y) || x < y || (x == y && signbit(x)))
		return x;
	return y;
}

double fmax(double x, double y)
{
	if (isnan(x))
		return y;
	if (isnan(y) || x > y || (x == y && !signbit(x)))
		return x;
	return y;
}

float truncf(float x)
{
	uint32_t b = bits32(x);
	int e = (int)(b >> 23 & 0xff) - 127;
	if (e == 128)
		return x + x;
	if (e >= 23)
		return x;
	if (e < 0)
		return of32(b & 1u << 31);
	return of32(b & ~((1u << (23 - e)) - 1));
}

float floorf(float x)
{
	float t = truncf(x);
	return x < 0 && t != x ? t - 1 : t;
}

float ceilf(float x)
{
	float t = truncf(x);
	return x > 0 && t != x ? t + 1 : t;
}

float rintf(float x)
{
	const float big = 8388608.0f; /* 2^23 */
	volatile float y;
	float a = fabsf(x);
	if (!(a < big))
		return isnan(x) ? x + x : x;
	y = a + big;
	return copysignf(y - big, x);
}

float nearbyintf(float x)
{
	return rintf(x);
}

float sqrtf(float x)
{
	__asm__("sqrtss %1, %0" : "=x"(x) : "x"(x));
	return x;
}

float fabsf(float x)
{
	return of32(bits32(x) & ~(1u << 31));
}

float copysignf(float x, float y)
{
	return of32((bits32(x) & ~(1u << 31)) | (bits32(y) & 1u << 31));
}

float fminf(float x, float y)
{
	if (isnan(x))
		return y;
	if (isnan(y) || x < y || (x == y && signbit(x)))
		return x;
	return y;
}

float fmaxf(float x, float y)
{
	if (isnan(x))
		return y;
	if (isnan(y) || x > y || (x == y && !signbit(x)))
		return x;
	return y;
}
