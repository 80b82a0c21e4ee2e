/*
 * math.h for the kernel image (libk): the exact IEEE functions the
 * nucleus needs (rounding to integers, square root, sign and magnitude),
 * with SSE2 arithmetic only, never x87. See libk/math.c.
 */
#ifndef LIBK_MATH_H
#define LIBK_MATH_H

#define INFINITY (__builtin_inff())
#define NAN (__builtin_nanf(""))
#define HUGE_VAL (__builtin_huge_val())
#define HUGE_VALF (__builtin_huge_valf())
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)
#define signbit(x) __builtin_signbit(x)

double trunc(double x);
double floor(double x);
double ceil(double x);
double rint(double x);
double nearbyint(double x);
double sqrt(double x);
double fabs(double x);
double copysign(double x, double y);
double fmin(double x, double y);
double fmax(double x, double y);
float truncf(float x);
float floorf(float x);
float ceilf(float x);
float rintf(float x);
float nearbyintf(float x);
float sqrtf(float x);
float fabsf(float x);
float copysignf(float x, float y);
float fminf(float x, float y);
float fmaxf(float x, float y);

#endif
