/*
 * reader.h: bounds-checked reading of the binary format (LEB128 integers,
 * bytes, floats), shared by the decoder, validator and compiler.
 *
 * A reader never reads past `end`. On a bad or truncated encoding it sets
 * r->err (a static message) and r->err_at (the offending position) and
 * returns 0; later reads keep failing, so callers may check once.
 */
#ifndef NUCLEUS_READER_H
#define NUCLEUS_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct wasm_reader {
	const uint8_t *p, *end;
	const uint8_t *base; /* start of the module, for offsets */
	const char *err;
	const uint8_t *err_at;
} wasm_reader;

static inline void rd_fail(wasm_reader *r, const char *msg)
{
	if (!r->err) {
		r->err = msg;
		r->err_at = r->p;
	}
	r->p = r->end;
}

static inline uint32_t rd_offset(const wasm_reader *r, const uint8_t *at)
{
	return (uint32_t)(at - r->base);
}

static inline uint8_t rd_u8(wasm_reader *r)
{
	if (r->p >= r->end) {
		rd_fail(r, "unexpected end");
		return 0;
	}
	return *r->p++;
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64). */
static inline uint64_t rd_uleb(wasm_reader *r, unsigned bits)
{
	uint64_t v = 0;
	unsigned shift = 0;
	for (;;) {
		if (r->p >= r->end) {
			rd_fail(r, "unexpected end");
			return 0;
		}
		uint8_t b = *r->p++;
		if (shift + 7 > bits && shift < 64) {
			/* last byte: unused bits must be zero */
			unsigned used = bits - shift;
			if ((b & 0x80) || (b >> used) != 0) {
				rd_fail(r, (b & 0x80)
						   ? "integer representation "
						     "too long"
						   : "integer too large");
				return 0;
			}
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
}

/* Signed LEB128 of at most `bits` bits (32, 33 or 64). */
static inline int64_t rd_sleb(wasm_reader *r, unsigned bits)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;
	for (;;) {
		if (r->p >= r->end) {
			rd_fail(r, "unexpected end");
			return 0;
		}
		b = *r->p++;
		if (shift + 7 >= bits) {
			/* last byte: the unused bits must all equal the sign
			 * bit */
			unsigned used = bits - shift; /* 1..7 bits of payload */
			int8_t rest =
				(int8_t)(b << 1) >> used; /* sign-extended */
			if (b & 0x80) {
				rd_fail(r, "integer representation too long");
				return 0;
			}
			if (rest != 0 && rest != -1) {
				rd_fail(r, "integer too large");
				return 0;
			}
			(void)rest;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

static inline uint32_t rd_u32(wasm_reader *r)
{
	return (uint32_t)rd_uleb(r, 32);
}

static inline int32_t rd_s32(wasm_reader *r)
{
	return (int32_t)rd_sleb(r, 32);
}

static inline int64_t rd_s64(wasm_reader *r)
{
	return rd_sleb(r, 64);
}

/* Fixed-width little-endian (f32/f64 immediates): raw bits. */
static inline uint32_t rd_fixed32(wasm_reader *r)
{
	uint32_t v = 0;
	if (r->end - r->p < 4) {
		rd_fail(r, "unexpected end");
		return 0;
	}
	memcpy(&v, r->p, 4);
	r->p += 4;
	return v;
}

static inline uint64_t rd_fixed64(wasm_reader *r)
{
	uint64_t v = 0;
	if (r->end - r->p < 8) {
		rd_fail(r, "unexpected end");
		return 0;
	}
	memcpy(&v, r->p, 8);
	r->p += 8;
	return v;
}

#endif
