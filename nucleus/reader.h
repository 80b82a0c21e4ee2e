/*
 * reader.h: bounds-checked reading of the binary format (LEB128 integers,
 * bytes, floats; opcodes and their immediates), shared by the decoder,
 * the validator and the lowering.
 *
 * A reader never reads past `end`. On a bad or truncated encoding it sets
 * r->err (a static message) and r->err_at (the offending position: a bad
 * LEB128 at its start, a truncated one at `end`) and returns 0; later
 * reads keep failing, so callers may check once. A LEB128 cut short by
 * `end` is looked at on to `limit` (if set; the decoder sets the module's
 * end): an encoding too long or too large anyway is reported as such, as
 * the spec's reference decoder does and its suite expects.
 */
#ifndef NUCLEUS_READER_H
#define NUCLEUS_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "nucleus/nucleus.h"
#include "nucleus/opcodes.h"

typedef struct wasm_reader {
	const uint8_t *p, *end;
	const uint8_t *base; /* start of the module, for offsets */
	const char *err;
	const uint8_t *err_at;
	const uint8_t *limit; /* see above; NULL: end */
} wasm_reader;

/* Records the first error, at `at`; stops reading. */
static inline void rd_fail_at(wasm_reader *r, const uint8_t *at,
			      const char *msg)
{
	if (!r->err) {
		r->err = msg;
		r->err_at = at;
	}
	r->p = r->end;
}

static inline void rd_fail(wasm_reader *r, const char *msg)
{
	rd_fail_at(r, r->p, msg);
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

static inline uint64_t rd_uleb(wasm_reader *r, unsigned bits);
static inline int64_t rd_sleb(wasm_reader *r, unsigned bits);

/* A LEB128 that started at `start` and ran into r->end: "unexpected end",
 * unless reading on to r->limit finds a worse error (see above). */
static inline uint64_t rd_leb_cut(wasm_reader *r, const uint8_t *start,
				  unsigned bits, bool sign)
{
	const char *msg = "unexpected end";
	const uint8_t *at = r->p;
	if (!r->err && r->limit > r->end) {
		wasm_reader t = {.p = start, .end = r->limit, .base = r->base};
		if (sign)
			rd_sleb(&t, bits);
		else
			rd_uleb(&t, bits);
		if (t.err && strcmp(t.err, "unexpected end") != 0) {
			msg = t.err;
			at = start;
		}
	}
	rd_fail_at(r, at, msg);
	return 0;
}

/* Unsigned LEB128 of at most `bits` bits (32 or 64). */
static inline uint64_t rd_uleb(wasm_reader *r, unsigned bits)
{
	const uint8_t *start = r->p;
	uint64_t v = 0;
	unsigned shift = 0;
	for (;;) {
		if (r->p >= r->end)
			return rd_leb_cut(r, start, bits, false);
		uint8_t b = *r->p++;
		if (shift + 7 > bits && shift < 64) {
			/* last byte: unused bits must be zero */
			unsigned used = bits - shift;
			if ((b & 0x80) || (b >> used) != 0) {
				rd_fail_at(r, start,
					   (b & 0x80)
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
	const uint8_t *start = r->p;
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;
	for (;;) {
		if (r->p >= r->end)
			return (int64_t)rd_leb_cut(r, start, bits, true);
		b = *r->p++;
		if (shift + 7 >= bits) {
			/* last byte: the unused bits must all equal the sign
			 * bit */
			unsigned used = bits - shift; /* 1..7 bits of payload */
			int8_t rest =
				(int8_t)(b << 1) >> used; /* sign-extended */
			if (b & 0x80) {
				rd_fail_at(r, start,
					   "integer representation too long");
				return 0;
			}
			if (rest != 0 && rest != -1) {
				rd_fail_at(r, start, "integer too large");
				return 0;
			}
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

/* u32 (one byte, the usual case, read inline). */
static inline uint32_t rd_u32(wasm_reader *r)
{
	if (r->p < r->end && *r->p < 0x80)
		return *r->p++;
	return (uint32_t)rd_uleb(r, 32);
}

/* A signed LEB128 of one byte (the usual case, read inline: bit 6 is its
 * sign), else of at most `bits` bits. */
static inline int64_t rd_sleb_fast(wasm_reader *r, unsigned bits)
{
	if (r->p < r->end && *r->p < 0x80)
		return (int64_t)((uint64_t)*r->p++ << 57) >> 57;
	return rd_sleb(r, bits);
}

static inline int32_t rd_s32(wasm_reader *r)
{
	return (int32_t)rd_sleb_fast(r, 32);
}

static inline int64_t rd_s64(wasm_reader *r)
{
	return rd_sleb_fast(r, 64);
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

static inline bool rd_is_reftype(uint8_t t)
{
	return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

static inline bool rd_is_valtype(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 ||
	       t == WASM_F64 || t == WASM_V128 || rd_is_reftype(t);
}

/*
 * Reads an opcode (a byte, or a prefix byte and its LEB128 sub-opcode):
 * its enum wasm_op, or OP_COUNT after an error ("illegal opcode", at the
 * opcode, for one nucleus does not know).
 */
static inline enum wasm_op rd_op(wasm_reader *r)
{
	const uint8_t *at = r->p;
	uint32_t b = rd_u8(r);
	if (b == 0xFC || b == 0xFD || b == 0xFE) {
		uint32_t sub = rd_u32(r);
		b = OP_SUB_INDEX(b, sub);
	}
	if (r->err)
		return OP_COUNT;
	uint32_t op = wasm_op_at[b];
	if (!op) {
		rd_fail_at(r, at, "illegal opcode");
		return OP_COUNT;
	}
	return (enum wasm_op)(op - 1);
}

/*
 * An instruction's immediates, as rd_imm reads them by kind:
 *   x, y  the u32 immediates in order (label, function, local, global,
 *         table, data or elem index; memarg align, offset; call_indirect
 *         type, table; memory.init data; table.init elem, table;
 *         table.copy destination, source); br_table and typed select:
 *         the count of labels (not counting the default) or types
 *   k     a constant's bits (i32 and f32 zero-extended), a block type
 *         (s33, sign-extended), ref.null's type, a SIMD lane index
 *   vec   br_table: its first label (x + 1 u32s, the default last);
 *         typed select: its types (x bytes); v128.const and
 *         i8x16.shuffle: their 16 bytes
 */
typedef struct wasm_immval {
	uint32_t x, y;
	uint64_t k;
	const uint8_t *vec;
} wasm_immval;

/* A count of at least one byte each: more than the bytes left is an
 * unexpected end. */
static inline uint32_t rd_count(wasm_reader *r)
{
	uint32_t n = rd_u32(r);
	if (!r->err && n > (size_t)(r->end - r->p))
		rd_fail(r, "unexpected end");
	return r->err ? 0 : n;
}

/* A reserved byte that must be zero. */
static inline void rd_zero(wasm_reader *r)
{
	const uint8_t *at = r->p;
	if (rd_u8(r) != 0 && !r->err)
		rd_fail_at(r, at, "zero byte expected");
}

/* A type byte: a value type, or only a reference type if ref; else
 * "malformed value type" or "malformed reference type". */
static inline uint8_t rd_type(wasm_reader *r, bool ref)
{
	const uint8_t *at = r->p;
	uint8_t t = rd_u8(r);
	if (!r->err && !(ref ? rd_is_reftype(t) : rd_is_valtype(t)))
		rd_fail_at(r, at,
			   ref ? "malformed reference type"
			       : "malformed value type");
	return t;
}

static inline uint8_t rd_valtype(wasm_reader *r)
{
	return rd_type(r, false);
}

static inline uint8_t rd_reftype(wasm_reader *r)
{
	return rd_type(r, true);
}

/* A block type (s33): empty (-64), a value type (one byte) or a type
 * index. */
static inline int64_t rd_blocktype(wasm_reader *r)
{
	const uint8_t *at = r->p;
	int64_t bt = rd_sleb_fast(r, 33);
	if (!r->err && bt < 0 && bt != -64 &&
	    (r->p != at + 1 || !rd_is_valtype(*at)))
		rd_fail_at(r, at, "malformed value type");
	return bt;
}

/* The rarer immediates (rd_imm's slow path). */
static inline void rd_imm_rare(wasm_reader *r, unsigned kind, wasm_immval *im)
{
	switch (kind) {
	case IMM_BR_TABLE:
		im->x = rd_count(r);
		im->vec = r->p;
		for (uint32_t i = 0; i <= im->x && !r->err; i++)
			rd_u32(r);
		break;
	case IMM_SELECT_T:
		im->x = rd_count(r);
		im->vec = r->p;
		for (uint32_t i = 0; i < im->x && !r->err; i++)
			rd_valtype(r);
		break;
	case IMM_MEMIDX:
	case IMM_FENCE:
		rd_zero(r);
		break;
	case IMM_MEM_INIT:
		im->x = rd_u32(r);
		rd_zero(r);
		break;
	case IMM_MEM_COPY:
		rd_zero(r);
		rd_zero(r);
		break;
	case IMM_REFTYPE:
		im->k = rd_reftype(r);
		break;
	case IMM_I64:
		im->k = (uint64_t)rd_s64(r);
		break;
	case IMM_F32:
		im->k = rd_fixed32(r);
		break;
	case IMM_F64:
		im->k = rd_fixed64(r);
		break;
	case IMM_LANE16:
	case IMM_LANE8:
	case IMM_LANE4:
	case IMM_LANE2:
		im->k = rd_u8(r);
		break;
	case IMM_V128:
	case IMM_SHUFFLE:
		im->vec = r->p;
		if (r->end - r->p < 16)
			rd_fail(r, "unexpected end");
		else
			r->p += 16;
		break;
	case IMM_MEMLANE1:
	case IMM_MEMLANE2:
	case IMM_MEMLANE4:
	case IMM_MEMLANE8:
		im->x = rd_u32(r);
		im->y = rd_u32(r);
		im->k = rd_u8(r);
		break;
	default: /* two u32s: memargs, call_indirect, table.init/copy */
		im->x = rd_u32(r);
		im->y = rd_u32(r);
		break;
	}
}

/*
 * Reads the immediates of opcode op (OP_COUNT: none) into *im, checking
 * their encoding (LEB128s, zero bytes, value and reference types, a block
 * type's form): every "malformed" error of an instruction. What they
 * refer to is the validator's business.
 */
static inline void rd_imm(wasm_reader *r, enum wasm_op op, wasm_immval *im)
{
	unsigned kind = wasm_ops[op].imm;
	if (kind == IMM_NONE) /* most instructions */
		return;
	switch (kind) {
	case IMM_LABEL:
	case IMM_FUNC:
	case IMM_LOCAL:
	case IMM_GLOBAL:
	case IMM_TABLE:
	case IMM_DATA:
	case IMM_ELEM:
		im->x = rd_u32(r);
		break;
	case IMM_I32:
		im->k = (uint32_t)rd_s32(r);
		break;
	case IMM_BLOCKTYPE:
		im->k = (uint64_t)rd_blocktype(r);
		break;
	default:
		rd_imm_rare(r, kind, im);
		break;
	}
}

#endif
