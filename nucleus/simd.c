/*
 * simd.c: the semantics of the SIMD instructions (0xFD prefix), one lane
 * at a time in C, for the interpreter and for the JIT's calls out
 * (simd.h). No state, no locking: each call reads its operand slots and
 * writes its result slot.
 *
 * Floats keep wasm's rules: a NaN result is whatever the hardware makes
 * of its NaN operands (arithmetic), or the canonical NaN when none was
 * a NaN; min and max as numeric.h's scalar ones; the saturating
 * conversions give 0 for NaN and clamp. Lanes are little-endian, as the
 * hosts are (x86-64).
 */
#include <math.h>
#include <string.h>

#include "nucleus/numeric.h"
#include "nucleus/simd.h"

typedef union v128 {
	uint8_t u8[16];
	int8_t i8[16];
	uint16_t u16[8];
	int16_t i16[8];
	uint32_t u32[4];
	int32_t i32[4];
	uint64_t u64[2];
	int64_t i64[2];
	float f32[4];
	double f64[2];
} v128;

/* A lane loop: `e` once per lane i of n. */
#define EACH(n, e)                                                             \
	for (int i = 0; i < (n); i++) {                                        \
		e;                                                             \
	}

static int32_t sat_s(int64_t x, int64_t lo, int64_t hi)
{
	return (int32_t)(x < lo ? lo : x > hi ? hi : x);
}

/* Saturating float-to-int of one lane: NaN gives 0. */
static int32_t trunc_sat_s(double x)
{
	return x != x		    ? 0
	       : x <= -2147483648.0 ? INT32_MIN
	       : x >= 2147483647.0  ? INT32_MAX
				    : (int32_t)x;
}

static uint32_t trunc_sat_u(double x)
{
	return x != x		   ? 0
	       : x <= 0		   ? 0
	       : x >= 4294967295.0 ? UINT32_MAX
				   : (uint32_t)x;
}

/* Rounding that quiets a NaN (a + a) rather than passing it on. */
static float round32(float a, int how)
{
	if (a != a)
		return a + a;
	switch (how) {
	case 0:
		return ceilf(a);
	case 1:
		return floorf(a);
	case 2:
		return truncf(a);
	default:
		return rintf(a);
	}
}

static double round64(double a, int how)
{
	if (a != a)
		return a + a;
	switch (how) {
	case 0:
		return ceil(a);
	case 1:
		return floor(a);
	case 2:
		return trunc(a);
	default:
		return rint(a);
	}
}

/* Loads and stores: address slot a, value slot b, offset and lane in
 * the immediates (simd.h). */
static void memory(enum wasm_op op, v128 *d, const v128 *b, uint8_t *ea,
		   uint32_t lane)
{
	v128 t;
	memset(&t, 0, sizeof t);
	switch (op) {
	case OP_V128_LOAD:
		memcpy(d, ea, 16);
		return;
	case OP_V128_STORE:
		memcpy(ea, b, 16);
		return;
	case OP_V128_LOAD8X8_S:
		EACH(8, t.i16[i] = (int8_t)ea[i]);
		break;
	case OP_V128_LOAD8X8_U:
		EACH(8, t.u16[i] = ea[i]);
		break;
	case OP_V128_LOAD16X4_S:
		EACH(4, int16_t v; memcpy(&v, ea + 2 * i, 2); t.i32[i] = v);
		break;
	case OP_V128_LOAD16X4_U:
		EACH(4, uint16_t v; memcpy(&v, ea + 2 * i, 2); t.u32[i] = v);
		break;
	case OP_V128_LOAD32X2_S:
		EACH(2, int32_t v; memcpy(&v, ea + 4 * i, 4); t.i64[i] = v);
		break;
	case OP_V128_LOAD32X2_U:
		EACH(2, uint32_t v; memcpy(&v, ea + 4 * i, 4); t.u64[i] = v);
		break;
	case OP_V128_LOAD8_SPLAT:
		EACH(16, t.u8[i] = ea[0]);
		break;
	case OP_V128_LOAD16_SPLAT:
		EACH(8, memcpy(&t.u16[i], ea, 2));
		break;
	case OP_V128_LOAD32_SPLAT:
		EACH(4, memcpy(&t.u32[i], ea, 4));
		break;
	case OP_V128_LOAD64_SPLAT:
		EACH(2, memcpy(&t.u64[i], ea, 8));
		break;
	case OP_V128_LOAD32_ZERO:
		memcpy(&t, ea, 4);
		break;
	case OP_V128_LOAD64_ZERO:
		memcpy(&t, ea, 8);
		break;
	case OP_V128_LOAD8_LANE:
	case OP_V128_LOAD16_LANE:
	case OP_V128_LOAD32_LANE:
	case OP_V128_LOAD64_LANE: {
		unsigned w = 1u << (op - OP_V128_LOAD8_LANE);
		t = *b;
		memcpy(t.u8 + lane * w, ea, w);
		break;
	}
	default: { /* the lane stores */
		unsigned w = 1u << (op - OP_V128_STORE8_LANE);
		memcpy(ea, b->u8 + lane * w, w);
		return;
	}
	}
	*d = t;
}

/* Splats, lane extraction and replacement: scalar slot s. */
static void lanes(enum wasm_op op, wasm_val *d, const v128 *a,
		  const wasm_val *s, uint32_t l)
{
	v128 t;
	memcpy(&t, a, 16);
	switch (op) {
	case OP_I8X16_SPLAT:
		EACH(16, t.u8[i] = (uint8_t)s->i32);
		break;
	case OP_I16X8_SPLAT:
		EACH(8, t.u16[i] = (uint16_t)s->i32);
		break;
	case OP_I32X4_SPLAT:
	case OP_F32X4_SPLAT:
		EACH(4, t.u32[i] = s->i32);
		break;
	case OP_I64X2_SPLAT:
	case OP_F64X2_SPLAT:
		EACH(2, t.u64[i] = s->i64);
		break;
	case OP_I8X16_EXTRACT_LANE_S:
		d->i64 = (uint32_t)(int32_t)t.i8[l];
		return;
	case OP_I8X16_EXTRACT_LANE_U:
		d->i64 = t.u8[l];
		return;
	case OP_I16X8_EXTRACT_LANE_S:
		d->i64 = (uint32_t)(int32_t)t.i16[l];
		return;
	case OP_I16X8_EXTRACT_LANE_U:
		d->i64 = t.u16[l];
		return;
	case OP_I32X4_EXTRACT_LANE:
	case OP_F32X4_EXTRACT_LANE:
		d->i64 = t.u32[l];
		return;
	case OP_I64X2_EXTRACT_LANE:
	case OP_F64X2_EXTRACT_LANE:
		d->i64 = t.u64[l];
		return;
	case OP_I8X16_REPLACE_LANE:
		t.u8[l] = (uint8_t)s->i32;
		break;
	case OP_I16X8_REPLACE_LANE:
		t.u16[l] = (uint16_t)s->i32;
		break;
	case OP_I32X4_REPLACE_LANE:
	case OP_F32X4_REPLACE_LANE:
		t.u32[l] = s->i32;
		break;
	default: /* i64x2, f64x2 */
		t.u64[l] = s->i64;
		break;
	}
	memcpy(d->v128, &t, 16);
}

/* Results of v128 -> i32 tests. */
static uint32_t test(enum wasm_op op, const v128 *a)
{
	uint32_t r = 0;
	switch (op) {
	case OP_V128_ANY_TRUE:
		return (a->u64[0] | a->u64[1]) != 0;
	case OP_I8X16_ALL_TRUE:
		r = 1;
		EACH(16, r &= a->u8[i] != 0);
		return r;
	case OP_I16X8_ALL_TRUE:
		r = 1;
		EACH(8, r &= a->u16[i] != 0);
		return r;
	case OP_I32X4_ALL_TRUE:
		r = 1;
		EACH(4, r &= a->u32[i] != 0);
		return r;
	case OP_I64X2_ALL_TRUE:
		r = 1;
		EACH(2, r &= a->u64[i] != 0);
		return r;
	case OP_I8X16_BITMASK:
		EACH(16, r |= (uint32_t)(a->u8[i] >> 7) << i);
		return r;
	case OP_I16X8_BITMASK:
		EACH(8, r |= (uint32_t)(a->u16[i] >> 15) << i);
		return r;
	case OP_I32X4_BITMASK:
		EACH(4, r |= (a->u32[i] >> 31) << i);
		return r;
	default: /* i64x2.bitmask */
		EACH(2, r |= (uint32_t)(a->u64[i] >> 63) << i);
		return r;
	}
}

/* Shifts by scalar n (taken modulo the lane width). */
static void shift(enum wasm_op op, v128 *d, const v128 *a, uint32_t n)
{
	switch (op) {
	case OP_I8X16_SHL:
		EACH(16, d->u8[i] = (uint8_t)(a->u8[i] << (n & 7)));
		break;
	case OP_I8X16_SHR_S:
		EACH(16, d->i8[i] = (int8_t)(a->i8[i] >> (n & 7)));
		break;
	case OP_I8X16_SHR_U:
		EACH(16, d->u8[i] = (uint8_t)(a->u8[i] >> (n & 7)));
		break;
	case OP_I16X8_SHL:
		EACH(8, d->u16[i] = (uint16_t)(a->u16[i] << (n & 15)));
		break;
	case OP_I16X8_SHR_S:
		EACH(8, d->i16[i] = (int16_t)(a->i16[i] >> (n & 15)));
		break;
	case OP_I16X8_SHR_U:
		EACH(8, d->u16[i] = (uint16_t)(a->u16[i] >> (n & 15)));
		break;
	case OP_I32X4_SHL:
		EACH(4, d->u32[i] = a->u32[i] << (n & 31));
		break;
	case OP_I32X4_SHR_S:
		EACH(4, d->i32[i] = a->i32[i] >> (n & 31));
		break;
	case OP_I32X4_SHR_U:
		EACH(4, d->u32[i] = a->u32[i] >> (n & 31));
		break;
	case OP_I64X2_SHL:
		EACH(2, d->u64[i] = a->u64[i] << (n & 63));
		break;
	case OP_I64X2_SHR_S:
		EACH(2, d->i64[i] = a->i64[i] >> (n & 63));
		break;
	default: /* i64x2.shr_u */
		EACH(2, d->u64[i] = a->u64[i] >> (n & 63));
		break;
	}
}

/* Lane compares: all ones where true. */
#define CMP(n, f, e) EACH(n, d->f[i] = (e) ? -1 : 0)
#define ICMPS(P, n, s, u)                                                      \
	case OP_##P##_EQ:                                                      \
		CMP(n, s, a->u[i] == b->u[i]);                                 \
		return true;                                                   \
	case OP_##P##_NE:                                                      \
		CMP(n, s, a->u[i] != b->u[i]);                                 \
		return true;                                                   \
	case OP_##P##_LT_S:                                                    \
		CMP(n, s, a->s[i] < b->s[i]);                                  \
		return true;                                                   \
	case OP_##P##_GT_S:                                                    \
		CMP(n, s, a->s[i] > b->s[i]);                                  \
		return true;                                                   \
	case OP_##P##_LE_S:                                                    \
		CMP(n, s, a->s[i] <= b->s[i]);                                 \
		return true;                                                   \
	case OP_##P##_GE_S:                                                    \
		CMP(n, s, a->s[i] >= b->s[i]);                                 \
		return true;
#define UCMPS(P, n, s, u)                                                      \
	case OP_##P##_LT_U:                                                    \
		CMP(n, s, a->u[i] < b->u[i]);                                  \
		return true;                                                   \
	case OP_##P##_GT_U:                                                    \
		CMP(n, s, a->u[i] > b->u[i]);                                  \
		return true;                                                   \
	case OP_##P##_LE_U:                                                    \
		CMP(n, s, a->u[i] <= b->u[i]);                                 \
		return true;                                                   \
	case OP_##P##_GE_U:                                                    \
		CMP(n, s, a->u[i] >= b->u[i]);                                 \
		return true;
#define FCMPS(P, n, s, f)                                                      \
	case OP_##P##_EQ:                                                      \
		CMP(n, s, a->f[i] == b->f[i]);                                 \
		return true;                                                   \
	case OP_##P##_NE:                                                      \
		CMP(n, s, a->f[i] != b->f[i]);                                 \
		return true;                                                   \
	case OP_##P##_LT:                                                      \
		CMP(n, s, a->f[i] < b->f[i]);                                  \
		return true;                                                   \
	case OP_##P##_GT:                                                      \
		CMP(n, s, a->f[i] > b->f[i]);                                  \
		return true;                                                   \
	case OP_##P##_LE:                                                      \
		CMP(n, s, a->f[i] <= b->f[i]);                                 \
		return true;                                                   \
	case OP_##P##_GE:                                                      \
		CMP(n, s, a->f[i] >= b->f[i]);                                 \
		return true;

static bool compare(enum wasm_op op, v128 *d, const v128 *a, const v128 *b)
{
	switch (op) {
		ICMPS(I8X16, 16, i8, u8)
		UCMPS(I8X16, 16, i8, u8)
		ICMPS(I16X8, 8, i16, u16)
		UCMPS(I16X8, 8, i16, u16)
		ICMPS(I32X4, 4, i32, u32)
		UCMPS(I32X4, 4, i32, u32)
		ICMPS(I64X2, 2, i64, u64)
		FCMPS(F32X4, 4, i32, f32)
		FCMPS(F64X2, 2, i64, f64)
	default:
		return false;
	}
}

/* The integer lane arithmetic of one shape: P prefix, n lanes, s/u the
 * signed and unsigned views, W a type twice as wide, MIN/MAX the signed
 * range, UMAX the unsigned one. */
#define IARITH(P, n, s, u, W, MIN, MAX, UMAX)                                  \
	case OP_##P##_ADD:                                                     \
		EACH(n, d->u[i] = (__typeof__(d->u[i]))(a->u[i] + b->u[i]));   \
		return true;                                                   \
	case OP_##P##_SUB:                                                     \
		EACH(n, d->u[i] = (__typeof__(d->u[i]))(a->u[i] - b->u[i]));   \
		return true;                                                   \
	case OP_##P##_MIN_S:                                                   \
		EACH(n, d->s[i] = a->s[i] < b->s[i] ? a->s[i] : b->s[i]);      \
		return true;                                                   \
	case OP_##P##_MIN_U:                                                   \
		EACH(n, d->u[i] = a->u[i] < b->u[i] ? a->u[i] : b->u[i]);      \
		return true;                                                   \
	case OP_##P##_MAX_S:                                                   \
		EACH(n, d->s[i] = a->s[i] > b->s[i] ? a->s[i] : b->s[i]);      \
		return true;                                                   \
	case OP_##P##_MAX_U:                                                   \
		EACH(n, d->u[i] = a->u[i] > b->u[i] ? a->u[i] : b->u[i]);      \
		return true;
#define ISAT(P, n, s, u, MIN, MAX, UMAX)                                       \
	case OP_##P##_ADD_SAT_S:                                               \
		EACH(n, d->s[i] = (__typeof__(d->s[i]))sat_s(                  \
				(int64_t)a->s[i] + b->s[i], MIN, MAX));        \
		return true;                                                   \
	case OP_##P##_ADD_SAT_U:                                               \
		EACH(n, d->u[i] = (__typeof__(d->u[i]))sat_s(                  \
				(int64_t)a->u[i] + b->u[i], 0, UMAX));         \
		return true;                                                   \
	case OP_##P##_SUB_SAT_S:                                               \
		EACH(n, d->s[i] = (__typeof__(d->s[i]))sat_s(                  \
				(int64_t)a->s[i] - b->s[i], MIN, MAX));        \
		return true;                                                   \
	case OP_##P##_SUB_SAT_U:                                               \
		EACH(n, d->u[i] = (__typeof__(d->u[i]))sat_s(                  \
				(int64_t)a->u[i] - b->u[i], 0, UMAX));         \
		return true;                                                   \
	case OP_##P##_AVGR_U:                                                  \
		EACH(n, d->u[i] = (__typeof__(d->u[i]))(((uint32_t)a->u[i] +   \
							 b->u[i] + 1) >>       \
							1));                   \
		return true;
/* Extending multiplies: lanes h*n/2 .. of a and b, widened. */
#define EXTMUL(P, n, D, S, d_, s_, T)                                          \
	case OP_##P##_EXTMUL_LOW_##S:                                          \
		EACH(n, d->d_[i] = (T)x.s_[i] * (T)y.s_[i]);                   \
		return true;                                                   \
	case OP_##P##_EXTMUL_HIGH_##S:                                         \
		EACH(n, d->d_[i] = (T)x.s_[i + n] * (T)y.s_[i + n]);           \
		return true;

static bool int_binary(enum wasm_op op, v128 *d, const v128 *a, const v128 *b)
{
	v128 x = *a, y = *b; /* d may be a or b */
	switch (op) {
		IARITH(I8X16, 16, i8, u8, int16_t, -128, 127, 255)
		ISAT(I8X16, 16, i8, u8, -128, 127, 255)
		IARITH(I16X8, 8, i16, u16, int32_t, -32768, 32767, 65535)
		ISAT(I16X8, 8, i16, u16, -32768, 32767, 65535)
		IARITH(I32X4, 4, i32, u32, int64_t, INT32_MIN, INT32_MAX,
		       UINT32_MAX)
		EXTMUL(I16X8, 8, I16X8, I8X16_S, i16, i8, int16_t)
		EXTMUL(I16X8, 8, I16X8, I8X16_U, u16, u8, uint16_t)
		EXTMUL(I32X4, 4, I32X4, I16X8_S, i32, i16, int32_t)
		EXTMUL(I32X4, 4, I32X4, I16X8_U, u32, u16, uint32_t)
		EXTMUL(I64X2, 2, I64X2, I32X4_S, i64, i32, int64_t)
		EXTMUL(I64X2, 2, I64X2, I32X4_U, u64, u32, uint64_t)
	case OP_I64X2_ADD:
		EACH(2, d->u64[i] = x.u64[i] + y.u64[i]);
		return true;
	case OP_I64X2_SUB:
		EACH(2, d->u64[i] = x.u64[i] - y.u64[i]);
		return true;
	case OP_I16X8_MUL:
		EACH(8, d->u16[i] = (uint16_t)((uint32_t)x.u16[i] * y.u16[i]));
		return true;
	case OP_I32X4_MUL:
		EACH(4, d->u32[i] = x.u32[i] * y.u32[i]);
		return true;
	case OP_I64X2_MUL:
		EACH(2, d->u64[i] = x.u64[i] * y.u64[i]);
		return true;
	case OP_I16X8_Q15MULR_SAT_S:
		EACH(8, d->i16[i] = (int16_t)sat_s(
				((int32_t)x.i16[i] * y.i16[i] + 0x4000) >> 15,
				-32768, 32767));
		return true;
	case OP_I32X4_DOT_I16X8_S:
		EACH(4, d->i32[i] = (int32_t)((uint32_t)(x.i16[2 * i] *
							 y.i16[2 * i]) +
					      (uint32_t)(x.i16[2 * i + 1] *
							 y.i16[2 * i + 1])));
		return true;
	case OP_I8X16_NARROW_I16X8_S:
		EACH(8, d->i8[i] = (int8_t)sat_s(x.i16[i], -128, 127);
		     d->i8[i + 8] = (int8_t)sat_s(y.i16[i], -128, 127));
		return true;
	case OP_I8X16_NARROW_I16X8_U:
		EACH(8, d->u8[i] = (uint8_t)sat_s(x.i16[i], 0, 255);
		     d->u8[i + 8] = (uint8_t)sat_s(y.i16[i], 0, 255));
		return true;
	case OP_I16X8_NARROW_I32X4_S:
		EACH(4, d->i16[i] = (int16_t)sat_s(x.i32[i], -32768, 32767);
		     d->i16[i + 4] = (int16_t)sat_s(y.i32[i], -32768, 32767));
		return true;
	case OP_I16X8_NARROW_I32X4_U:
		EACH(4, d->u16[i] = (uint16_t)sat_s(x.i32[i], 0, 65535);
		     d->u16[i + 4] = (uint16_t)sat_s(y.i32[i], 0, 65535));
		return true;
	case OP_I8X16_SWIZZLE:
		EACH(16, d->u8[i] = y.u8[i] < 16 ? x.u8[y.u8[i]] : 0);
		return true;
	default:
		return false;
	}
}

/* The float lane arithmetic of one shape: P prefix, n lanes, f the
 * view, MIN/MAX wasm's min and max. */
#define FARITH(P, n, f, MIN, MAX)                                              \
	case OP_##P##_ADD:                                                     \
		EACH(n, d->f[i] = x.f[i] + y.f[i]);                            \
		return true;                                                   \
	case OP_##P##_SUB:                                                     \
		EACH(n, d->f[i] = x.f[i] - y.f[i]);                            \
		return true;                                                   \
	case OP_##P##_MUL:                                                     \
		EACH(n, d->f[i] = x.f[i] * y.f[i]);                            \
		return true;                                                   \
	case OP_##P##_DIV:                                                     \
		EACH(n, d->f[i] = x.f[i] / y.f[i]);                            \
		return true;                                                   \
	case OP_##P##_MIN:                                                     \
		EACH(n, d->f[i] = MIN(x.f[i], y.f[i]));                        \
		return true;                                                   \
	case OP_##P##_MAX:                                                     \
		EACH(n, d->f[i] = MAX(x.f[i], y.f[i]));                        \
		return true;                                                   \
	case OP_##P##_PMIN:                                                    \
		EACH(n, d->f[i] = y.f[i] < x.f[i] ? y.f[i] : x.f[i]);          \
		return true;                                                   \
	case OP_##P##_PMAX:                                                    \
		EACH(n, d->f[i] = x.f[i] < y.f[i] ? y.f[i] : x.f[i]);          \
		return true;

/* Float arithmetic and the bitwise ops. */
static bool float_binary(enum wasm_op op, v128 *d, const v128 *a, const v128 *b)
{
	v128 x = *a, y = *b;
	switch (op) {
		FARITH(F32X4, 4, f32, wmin32, wmax32)
		FARITH(F64X2, 2, f64, wmin64, wmax64)
	case OP_V128_AND:
		EACH(2, d->u64[i] = x.u64[i] & y.u64[i]);
		return true;
	case OP_V128_ANDNOT:
		EACH(2, d->u64[i] = x.u64[i] & ~y.u64[i]);
		return true;
	case OP_V128_OR:
		EACH(2, d->u64[i] = x.u64[i] | y.u64[i]);
		return true;
	case OP_V128_XOR:
		EACH(2, d->u64[i] = x.u64[i] ^ y.u64[i]);
		return true;
	default:
		return false;
	}
}

/* Widening: lanes from `from` on of a, n of them. */
#define WIDEN(n, d_, s_, T, from) EACH(n, d->d_[i] = (T)x.s_[(from) + i])

static bool int_unary(enum wasm_op op, v128 *d, const v128 *a)
{
	v128 x = *a;
	switch (op) {
	case OP_V128_NOT:
		EACH(2, d->u64[i] = ~x.u64[i]);
		return true;
	case OP_I8X16_ABS:
		EACH(16,
		     d->u8[i] = (uint8_t)(x.i8[i] < 0 ? -x.u8[i] : x.u8[i]));
		return true;
	case OP_I8X16_NEG:
		EACH(16, d->u8[i] = (uint8_t)-x.u8[i]);
		return true;
	case OP_I8X16_POPCNT:
		EACH(16, d->u8[i] = (uint8_t)__builtin_popcount(x.u8[i]));
		return true;
	case OP_I16X8_ABS:
		EACH(8, d->u16[i] = (uint16_t)(x.i16[i] < 0 ? -x.u16[i]
							    : x.u16[i]));
		return true;
	case OP_I16X8_NEG:
		EACH(8, d->u16[i] = (uint16_t)-x.u16[i]);
		return true;
	case OP_I32X4_ABS:
		EACH(4, d->u32[i] = x.i32[i] < 0 ? -x.u32[i] : x.u32[i]);
		return true;
	case OP_I32X4_NEG:
		EACH(4, d->u32[i] = -x.u32[i]);
		return true;
	case OP_I64X2_ABS:
		EACH(2, d->u64[i] = x.i64[i] < 0 ? -x.u64[i] : x.u64[i]);
		return true;
	case OP_I64X2_NEG:
		EACH(2, d->u64[i] = -x.u64[i]);
		return true;
	case OP_I16X8_EXTEND_LOW_I8X16_S:
		WIDEN(8, i16, i8, int16_t, 0);
		return true;
	case OP_I16X8_EXTEND_HIGH_I8X16_S:
		WIDEN(8, i16, i8, int16_t, 8);
		return true;
	case OP_I16X8_EXTEND_LOW_I8X16_U:
		WIDEN(8, u16, u8, uint16_t, 0);
		return true;
	case OP_I16X8_EXTEND_HIGH_I8X16_U:
		WIDEN(8, u16, u8, uint16_t, 8);
		return true;
	case OP_I32X4_EXTEND_LOW_I16X8_S:
		WIDEN(4, i32, i16, int32_t, 0);
		return true;
	case OP_I32X4_EXTEND_HIGH_I16X8_S:
		WIDEN(4, i32, i16, int32_t, 4);
		return true;
	case OP_I32X4_EXTEND_LOW_I16X8_U:
		WIDEN(4, u32, u16, uint32_t, 0);
		return true;
	case OP_I32X4_EXTEND_HIGH_I16X8_U:
		WIDEN(4, u32, u16, uint32_t, 4);
		return true;
	case OP_I64X2_EXTEND_LOW_I32X4_S:
		WIDEN(2, i64, i32, int64_t, 0);
		return true;
	case OP_I64X2_EXTEND_HIGH_I32X4_S:
		WIDEN(2, i64, i32, int64_t, 2);
		return true;
	case OP_I64X2_EXTEND_LOW_I32X4_U:
		WIDEN(2, u64, u32, uint64_t, 0);
		return true;
	case OP_I64X2_EXTEND_HIGH_I32X4_U:
		WIDEN(2, u64, u32, uint64_t, 2);
		return true;
	case OP_I16X8_EXTADD_PAIRWISE_I8X16_S:
		EACH(8, d->i16[i] = (int16_t)(x.i8[2 * i] + x.i8[2 * i + 1]));
		return true;
	case OP_I16X8_EXTADD_PAIRWISE_I8X16_U:
		EACH(8, d->u16[i] = (uint16_t)(x.u8[2 * i] + x.u8[2 * i + 1]));
		return true;
	case OP_I32X4_EXTADD_PAIRWISE_I16X8_S:
		EACH(4, d->i32[i] = x.i16[2 * i] + x.i16[2 * i + 1]);
		return true;
	case OP_I32X4_EXTADD_PAIRWISE_I16X8_U:
		EACH(4, d->u32[i] = (uint32_t)x.u16[2 * i] + x.u16[2 * i + 1]);
		return true;
	default:
		return false;
	}
}

static void float_unary(enum wasm_op op, v128 *d, const v128 *a)
{
	v128 x = *a;
	switch (op) {
	case OP_F32X4_ABS:
		EACH(4, d->u32[i] = x.u32[i] & 0x7fffffffu);
		break;
	case OP_F32X4_NEG:
		EACH(4, d->u32[i] = x.u32[i] ^ 0x80000000u);
		break;
	case OP_F32X4_SQRT:
		EACH(4, d->f32[i] = sqrtf(x.f32[i]));
		break;
	case OP_F32X4_CEIL:
	case OP_F32X4_FLOOR:
	case OP_F32X4_TRUNC:
	case OP_F32X4_NEAREST:
		EACH(4, d->f32[i] = round32(x.f32[i], op - OP_F32X4_CEIL));
		break;
	case OP_F64X2_ABS:
		EACH(2, d->u64[i] = x.u64[i] & ~(1ull << 63));
		break;
	case OP_F64X2_NEG:
		EACH(2, d->u64[i] = x.u64[i] ^ (1ull << 63));
		break;
	case OP_F64X2_SQRT:
		EACH(2, d->f64[i] = sqrt(x.f64[i]));
		break;
	case OP_F64X2_CEIL:
		EACH(2, d->f64[i] = round64(x.f64[i], 0));
		break;
	case OP_F64X2_FLOOR:
		EACH(2, d->f64[i] = round64(x.f64[i], 1));
		break;
	case OP_F64X2_TRUNC:
		EACH(2, d->f64[i] = round64(x.f64[i], 2));
		break;
	case OP_F64X2_NEAREST:
		EACH(2, d->f64[i] = round64(x.f64[i], 3));
		break;
	case OP_F32X4_DEMOTE_F64X2_ZERO:
		EACH(2, d->f32[i] = (float)x.f64[i]);
		d->u64[1] = 0;
		break;
	case OP_F64X2_PROMOTE_LOW_F32X4:
		EACH(2, d->f64[i] = (double)x.f32[i]);
		break;
	case OP_I32X4_TRUNC_SAT_F32X4_S:
		EACH(4, d->i32[i] = trunc_sat_s(x.f32[i]));
		break;
	case OP_I32X4_TRUNC_SAT_F32X4_U:
		EACH(4, d->u32[i] = trunc_sat_u(x.f32[i]));
		break;
	case OP_F32X4_CONVERT_I32X4_S:
		EACH(4, d->f32[i] = (float)x.i32[i]);
		break;
	case OP_F32X4_CONVERT_I32X4_U:
		EACH(4, d->f32[i] = (float)x.u32[i]);
		break;
	case OP_I32X4_TRUNC_SAT_F64X2_S_ZERO:
		EACH(2, d->i32[i] = trunc_sat_s(x.f64[i]));
		d->u64[1] = 0;
		break;
	case OP_I32X4_TRUNC_SAT_F64X2_U_ZERO:
		EACH(2, d->u32[i] = trunc_sat_u(x.f64[i]));
		d->u64[1] = 0;
		break;
	case OP_F64X2_CONVERT_LOW_I32X4_S:
		EACH(2, d->f64[i] = (double)x.i32[i]);
		break;
	default: /* f64x2.convert_low_i32x4_u */
		EACH(2, d->f64[i] = (double)x.u32[i]);
		break;
	}
}

/* A memarg's natural alignment is the width accessed. */
uint32_t simd_access_width(enum iop op)
{
	unsigned k = wasm_ops[op].imm;
	if (k >= IMM_MEM1 && k <= IMM_MEM8)
		return 1u << (k - IMM_MEM1);
	if (k >= IMM_MEMLANE1 && k <= IMM_MEMLANE8)
		return 1u << (k - IMM_MEMLANE1);
	return k == IMM_MEM16 ? 16 : 0;
}

void simd_run(enum iop op, wasm_val *fp, const icell *pc, uint8_t *mb)
{
	enum wasm_op w = (enum wasm_op)op;
	const wasm_opinfo *o = &wasm_ops[w];
	wasm_val *dv = &fp[pc[1]];
	v128 r, a, b, c;
	memcpy(&a, fp[pc[2]].v128, 16);
	memcpy(&b, fp[pc[3]].v128, 16);
	if (simd_access_width(op)) {
		uint8_t *ea = mb + (uint64_t)fp[pc[2]].i32 + pc[5];
		memcpy(&r, dv->v128, 16);
		memory(w, &r, &b, ea, pc[6]);
		if (o->res)
			memcpy(dv->v128, &r, 16);
		return;
	}
	switch (w) {
	case OP_V128_CONST:
		memcpy(dv->v128, &pc[5], 16);
		return;
	case OP_I8X16_SHUFFLE: {
		const uint8_t *l = (const uint8_t *)&pc[5];
		EACH(16, r.u8[i] = l[i] < 16 ? a.u8[l[i]] : b.u8[l[i] - 16]);
		break;
	}
	case OP_V128_BITSELECT:
		memcpy(&c, fp[pc[4]].v128, 16);
		EACH(2,
		     r.u64[i] = (a.u64[i] & c.u64[i]) | (b.u64[i] & ~c.u64[i]));
		break;
	default:
		if (o->imm >= IMM_LANE16 || o->p1 != WASM_V128) {
			lanes(w, dv, &a,
			      &fp[o->p1 == WASM_V128 ? pc[3] : pc[2]], pc[5]);
			return;
		}
		if (o->res == WASM_I32) {
			dv->i64 = test(w, &a);
			return;
		}
		if (o->p2 == WASM_I32) {
			shift(w, &r, &a, fp[pc[3]].i32);
			break;
		}
		if (o->p2 == WASM_V128) {
			if (!compare(w, &r, &a, &b) &&
			    !int_binary(w, &r, &a, &b))
				float_binary(w, &r, &a, &b);
			break;
		}
		if (!int_unary(w, &r, &a))
			float_unary(w, &r, &a);
		break;
	}
	memcpy(dv->v128, &r, 16);
}
