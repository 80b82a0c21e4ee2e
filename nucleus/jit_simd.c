/*
 * jit_simd.c: the SIMD instructions the JIT writes inline with SSE2,
 * SSSE3 and SSE4.1 (loads and stores, v128.const, integer and float
 * lane arithmetic, bitwise ops, integer compares (i64x2's ordered ones
 * without SSE4.2's pcmpgtq), splats, lane loads, stores, extraction and
 * replacement, shuffles through pshufb, narrowing). The rest, and all of them
 * on a CPU without SSE4.1 and SSSE3, call simd.c through jit_slow, so a module
 * using SIMD runs on any x86-64.
 *
 * No slot that ever holds a v128 lives in a register (the validator's
 * profile leaves them out), so v128 operands are read from their frame
 * cells and results written back there (scalar ones may be pinned:
 * jit_ldslot, jit_stslot): xmm0-xmm2 hold values only within one
 * instruction, and nothing SIMD is live in a register at a call or a
 * preemption point (which is why kernel context switches need not save
 * the xmm registers). Memory accesses address [r13 + index + offset]
 * with no bounds check, as the scalar ones do.
 */
#include "nucleus/jit_gen.h"

#define X0 0
#define X1 1
#define X2 2

/* 1 when the CPU has SSSE3 and SSE4.1, 0 when not (or the inline code
 * is turned off), -1 before the first look. */
static int sse41 = -1;

/* Whether to write SSE4.1 code (cpuid leaf 1, ecx bits 9 and 19). */
static bool have_sse41(void)
{
	if (sse41 < 0) {
		uint32_t a = 1, b, c = 0, d;
		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		sse41 = (c >> 9 & 1) && (c >> 19 & 1);
	}
	return sse41;
}

void wasm_jit_simd_inline(bool on)
{
	sse41 = on ? -1 : 0;
}

/* movups xmm, slot and back. */
static void vld(struct jc *c, int x, uint32_t s)
{
	xmem(&c->b, 0, 0, 0x0F10, x, SLOT(s));
}

static void vst(struct jc *c, uint32_t s, int x)
{
	xmem(&c->b, 0, 0, 0x0F11, x, SLOT(s));
}

/* A 66-prefixed op xmm, xmm (opc: 0x0Fxx, 0x0F38xx or 0x0F3Axx). */
static void p66(struct jc *c, uint32_t opc, int x, int y)
{
	xrr(&c->b, 0x66, 0, opc, x, y);
}

/* The width of a lane of op's shape, from its name's prefix. */
static unsigned lane_width(enum wasm_op op)
{
	const char *t = wasm_ops[op].text;
	return t[1] == '8' ? 1 : t[1] == '1' ? 2 : t[1] == '3' ? 4 : 8;
}

/* Integer and float ops of the form d = a OP b on whole registers:
 * the opcode (a 66 prefix unless np), and whether the operands swap
 * (then d = b OP a). */
static const struct {
	uint32_t opc;
	uint8_t np, swap;
} bin[OP_COUNT] = {
	[OP_I8X16_ADD] = {.opc = 0x0FFC},
	[OP_I16X8_ADD] = {.opc = 0x0FFD},
	[OP_I32X4_ADD] = {.opc = 0x0FFE},
	[OP_I64X2_ADD] = {.opc = 0x0FD4},
	[OP_I8X16_SUB] = {.opc = 0x0FF8},
	[OP_I16X8_SUB] = {.opc = 0x0FF9},
	[OP_I32X4_SUB] = {.opc = 0x0FFA},
	[OP_I64X2_SUB] = {.opc = 0x0FFB},
	[OP_I8X16_ADD_SAT_S] = {.opc = 0x0FEC},
	[OP_I16X8_ADD_SAT_S] = {.opc = 0x0FED},
	[OP_I8X16_ADD_SAT_U] = {.opc = 0x0FDC},
	[OP_I16X8_ADD_SAT_U] = {.opc = 0x0FDD},
	[OP_I8X16_SUB_SAT_S] = {.opc = 0x0FE8},
	[OP_I16X8_SUB_SAT_S] = {.opc = 0x0FE9},
	[OP_I8X16_SUB_SAT_U] = {.opc = 0x0FD8},
	[OP_I16X8_SUB_SAT_U] = {.opc = 0x0FD9},
	[OP_I16X8_MUL] = {.opc = 0x0FD5},
	[OP_I32X4_MUL] = {.opc = 0x0F3840},
	[OP_V128_AND] = {.opc = 0x0FDB},
	[OP_V128_OR] = {.opc = 0x0FEB},
	[OP_V128_XOR] = {.opc = 0x0FEF},
	[OP_V128_ANDNOT] = {.opc = 0x0FDF, .swap = 1},
	[OP_I8X16_MIN_U] = {.opc = 0x0FDA},
	[OP_I8X16_MAX_U] = {.opc = 0x0FDE},
	[OP_I16X8_MIN_S] = {.opc = 0x0FEA},
	[OP_I16X8_MAX_S] = {.opc = 0x0FEE},
	[OP_I8X16_MIN_S] = {.opc = 0x0F3838},
	[OP_I8X16_MAX_S] = {.opc = 0x0F383C},
	[OP_I16X8_MIN_U] = {.opc = 0x0F383A},
	[OP_I16X8_MAX_U] = {.opc = 0x0F383E},
	[OP_I32X4_MIN_S] = {.opc = 0x0F3839},
	[OP_I32X4_MAX_S] = {.opc = 0x0F383D},
	[OP_I32X4_MIN_U] = {.opc = 0x0F383B},
	[OP_I32X4_MAX_U] = {.opc = 0x0F383F},
	[OP_I8X16_AVGR_U] = {.opc = 0x0FE0},
	[OP_I16X8_AVGR_U] = {.opc = 0x0FE3},
	[OP_I8X16_EQ] = {.opc = 0x0F74},
	[OP_I16X8_EQ] = {.opc = 0x0F75},
	[OP_I32X4_EQ] = {.opc = 0x0F76},
	[OP_I64X2_EQ] = {.opc = 0x0F3829},
	[OP_I8X16_GT_S] = {.opc = 0x0F64},
	[OP_I16X8_GT_S] = {.opc = 0x0F65},
	[OP_I32X4_GT_S] = {.opc = 0x0F66},
	[OP_I8X16_LT_S] = {.opc = 0x0F64, .swap = 1},
	[OP_I16X8_LT_S] = {.opc = 0x0F65, .swap = 1},
	[OP_I32X4_LT_S] = {.opc = 0x0F66, .swap = 1},
	[OP_F32X4_ADD] = {.opc = 0x0F58, .np = 1},
	[OP_F64X2_ADD] = {.opc = 0x0F58},
	[OP_F32X4_SUB] = {.opc = 0x0F5C, .np = 1},
	[OP_F64X2_SUB] = {.opc = 0x0F5C},
	[OP_F32X4_MUL] = {.opc = 0x0F59, .np = 1},
	[OP_F64X2_MUL] = {.opc = 0x0F59},
	[OP_F32X4_DIV] = {.opc = 0x0F5E, .np = 1},
	[OP_F64X2_DIV] = {.opc = 0x0F5E},
	[OP_F32X4_PMIN] = {.opc = 0x0F5D, .np = 1, .swap = 1},
	[OP_F64X2_PMIN] = {.opc = 0x0F5D, .swap = 1},
	[OP_F32X4_PMAX] = {.opc = 0x0F5F, .np = 1, .swap = 1},
	[OP_F64X2_PMAX] = {.opc = 0x0F5F, .swap = 1},
	[OP_I8X16_SWIZZLE] = {.opc = 0x0F3800},
	[OP_I8X16_NARROW_I16X8_S] = {.opc = 0x0F63},   /* packsswb */
	[OP_I8X16_NARROW_I16X8_U] = {.opc = 0x0F67},   /* packuswb */
	[OP_I16X8_NARROW_I32X4_S] = {.opc = 0x0F6B},   /* packssdw */
	[OP_I16X8_NARROW_I32X4_U] = {.opc = 0x0F382B}, /* packusdw */
};

/* Integer compares besides eq, gt_s and lt_s: a >= b is max(a, b) == a
 * and a <= b is min(a, b) == a (mm: pmin or pmax of the lane type, 0
 * for a plain eq), then the complement when neg (ne, lt_u, gt_u). */
#define EQ8 0x0F74
#define EQ16 0x0F75
#define EQ32 0x0F76
static const struct {
	uint32_t mm, eq;
	uint8_t neg;
} icmp[OP_COUNT] = {
	[OP_I8X16_NE] = {0, EQ8, 1},
	[OP_I8X16_LT_U] = {0x0FDE, EQ8, 1},
	[OP_I8X16_GT_U] = {0x0FDA, EQ8, 1},
	[OP_I8X16_LE_S] = {0x0F3838, EQ8, 0},
	[OP_I8X16_LE_U] = {0x0FDA, EQ8, 0},
	[OP_I8X16_GE_S] = {0x0F383C, EQ8, 0},
	[OP_I8X16_GE_U] = {0x0FDE, EQ8, 0},
	[OP_I16X8_NE] = {0, EQ16, 1},
	[OP_I16X8_LT_U] = {0x0F383E, EQ16, 1},
	[OP_I16X8_GT_U] = {0x0F383A, EQ16, 1},
	[OP_I16X8_LE_S] = {0x0FEA, EQ16, 0},
	[OP_I16X8_LE_U] = {0x0F383A, EQ16, 0},
	[OP_I16X8_GE_S] = {0x0FEE, EQ16, 0},
	[OP_I16X8_GE_U] = {0x0F383E, EQ16, 0},
	[OP_I32X4_NE] = {0, EQ32, 1},
	[OP_I32X4_LT_U] = {0x0F383F, EQ32, 1},
	[OP_I32X4_GT_U] = {0x0F383B, EQ32, 1},
	[OP_I32X4_LE_S] = {0x0F3839, EQ32, 0},
	[OP_I32X4_LE_U] = {0x0F383B, EQ32, 0},
	[OP_I32X4_GE_S] = {0x0F383D, EQ32, 0},
	[OP_I32X4_GE_U] = {0x0F383F, EQ32, 0},
	[OP_I64X2_NE] = {0, 0x0F3829, 1},
};

/* Float compares: cmpps/cmppd's predicate, whether the operands swap. */
static const struct {
	uint8_t pred, swap, ok;
} fcmp[OP_COUNT] = {
	[OP_F32X4_EQ] = {0, 0, 1}, [OP_F32X4_NE] = {4, 0, 1},
	[OP_F32X4_LT] = {1, 0, 1}, [OP_F32X4_GT] = {1, 1, 1},
	[OP_F32X4_LE] = {2, 0, 1}, [OP_F32X4_GE] = {2, 1, 1},
	[OP_F64X2_EQ] = {0, 0, 1}, [OP_F64X2_NE] = {4, 0, 1},
	[OP_F64X2_LT] = {1, 0, 1}, [OP_F64X2_GT] = {1, 1, 1},
	[OP_F64X2_LE] = {2, 0, 1}, [OP_F64X2_GE] = {2, 1, 1},
};

/* One-operand ops d = OP a: the opcode, its legacy prefix (0 for none),
 * and whether a's high half is shifted down first (the _high extends). */
static const struct {
	uint32_t opc;
	uint8_t pfx, high;
} un[OP_COUNT] = {
	[OP_I8X16_ABS] = {.opc = 0x0F381C, .pfx = 0x66},
	[OP_I16X8_ABS] = {.opc = 0x0F381D, .pfx = 0x66},
	[OP_I32X4_ABS] = {.opc = 0x0F381E, .pfx = 0x66},
	[OP_I16X8_EXTEND_LOW_I8X16_S] = {.opc = 0x0F3820, .pfx = 0x66},
	[OP_I16X8_EXTEND_HIGH_I8X16_S] = {.opc = 0x0F3820,
					  .pfx = 0x66,
					  .high = 1},
	[OP_I16X8_EXTEND_LOW_I8X16_U] = {.opc = 0x0F3830, .pfx = 0x66},
	[OP_I16X8_EXTEND_HIGH_I8X16_U] = {.opc = 0x0F3830,
					  .pfx = 0x66,
					  .high = 1},
	[OP_I32X4_EXTEND_LOW_I16X8_S] = {.opc = 0x0F3823, .pfx = 0x66},
	[OP_I32X4_EXTEND_HIGH_I16X8_S] = {.opc = 0x0F3823,
					  .pfx = 0x66,
					  .high = 1},
	[OP_I32X4_EXTEND_LOW_I16X8_U] = {.opc = 0x0F3833, .pfx = 0x66},
	[OP_I32X4_EXTEND_HIGH_I16X8_U] = {.opc = 0x0F3833,
					  .pfx = 0x66,
					  .high = 1},
	[OP_I64X2_EXTEND_LOW_I32X4_S] = {.opc = 0x0F3825, .pfx = 0x66},
	[OP_I64X2_EXTEND_HIGH_I32X4_S] = {.opc = 0x0F3825,
					  .pfx = 0x66,
					  .high = 1},
	[OP_I64X2_EXTEND_LOW_I32X4_U] = {.opc = 0x0F3835, .pfx = 0x66},
	[OP_I64X2_EXTEND_HIGH_I32X4_U] = {.opc = 0x0F3835,
					  .pfx = 0x66,
					  .high = 1},
	[OP_F32X4_SQRT] = {.opc = 0x0F51},
	[OP_F64X2_SQRT] = {.opc = 0x0F51, .pfx = 0x66},
	[OP_F32X4_CONVERT_I32X4_S] = {.opc = 0x0F5B},
	[OP_F64X2_CONVERT_LOW_I32X4_S] = {.opc = 0x0FE6, .pfx = 0xF3},
	[OP_F64X2_PROMOTE_LOW_F32X4] = {.opc = 0x0F5A},
	[OP_F32X4_DEMOTE_F64X2_ZERO] = {.opc = 0x0F5A, .pfx = 0x66},
};

/* Shifts by a scalar: the opcode, and the count's mask (lane bits - 1). */
static const struct {
	uint32_t opc;
	uint8_t mask;
} shifts[OP_COUNT] = {
	[OP_I16X8_SHL] = {0x0FF1, 15},	 [OP_I32X4_SHL] = {0x0FF2, 31},
	[OP_I64X2_SHL] = {0x0FF3, 63},	 [OP_I16X8_SHR_U] = {0x0FD1, 15},
	[OP_I32X4_SHR_U] = {0x0FD2, 31}, [OP_I64X2_SHR_U] = {0x0FD3, 63},
	[OP_I16X8_SHR_S] = {0x0FE1, 15}, [OP_I32X4_SHR_S] = {0x0FE2, 31},
};

/* Loads that widen 8 bytes (pmovsx/pmovzx from memory). */
static const uint32_t widen_load[OP_COUNT] = {
	[OP_V128_LOAD8X8_S] = 0x0F3820,	 [OP_V128_LOAD8X8_U] = 0x0F3830,
	[OP_V128_LOAD16X4_S] = 0x0F3823, [OP_V128_LOAD16X4_U] = 0x0F3833,
	[OP_V128_LOAD32X2_S] = 0x0F3825, [OP_V128_LOAD32X2_U] = 0x0F3835,
};

/* d = OP a (un[]), d = a shifted by b (shifts[]), or d = -a. */
static bool unary(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	if (un[op].opc) {
		vld(c, X1, p[2]);
		if (un[op].high) {
			p66(c, 0x0F73, 3, X1); /* psrldq xmm1, 8 */
			xb(b, 8);
		}
		xrr(b, un[op].pfx, 0, un[op].opc, X0, X1);
	} else if (shifts[op].opc) {
		jit_ldslot(c, 0, RAX, p[3]);
		xalui(b, 0, 4, RAX, shifts[op].mask); /* and eax, mask */
		p66(c, 0x0F6E, X1, RAX);	      /* movd xmm1, eax */
		vld(c, X0, p[2]);
		p66(c, shifts[op].opc, X0, X1);
	} else if (op == OP_I8X16_NEG || op == OP_I16X8_NEG ||
		   op == OP_I32X4_NEG || op == OP_I64X2_NEG) {
		static const uint32_t sub[] = {0x0FF8, 0x0FF9, 0x0FFA, 0x0FFB};
		unsigned w = lane_width(op);
		vld(c, X1, p[2]);
		p66(c, 0x0FEF, X0, X0); /* pxor xmm0, xmm0 */
		p66(c, sub[w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3], X0, X1);
	} else {
		return false;
	}
	vst(c, p[1], X0);
	return true;
}

/* bitmask and all_true: an i32 from the lanes' top bits, or whether
 * every lane is nonzero. */
static bool lane_test(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	static const uint32_t eq[] = {0x0F74, 0x0F75, 0x0F76, 0x0F3829};
	unsigned w;
	switch (op) {
	case OP_I8X16_BITMASK:
	case OP_I16X8_BITMASK:
		vld(c, X0, p[2]);
		if (op == OP_I16X8_BITMASK)
			p66(c, 0x0F63, X0, X0); /* packsswb: words to bytes */
		p66(c, 0x0FD7, RAX, X0);	/* pmovmskb eax, xmm0 */
		if (op == OP_I16X8_BITMASK)
			xrr(b, 0, 0, 0x0FB6, RAX, RAX); /* movzx eax, al */
		break;
	case OP_I32X4_BITMASK:
		vld(c, X0, p[2]);
		xrr(b, 0, 0, 0x0F50, RAX, X0); /* movmskps eax, xmm0 */
		break;
	case OP_I64X2_BITMASK:
		vld(c, X0, p[2]);
		p66(c, 0x0F50, RAX, X0); /* movmskpd eax, xmm0 */
		break;
	case OP_I8X16_ALL_TRUE:
	case OP_I16X8_ALL_TRUE:
	case OP_I32X4_ALL_TRUE:
	case OP_I64X2_ALL_TRUE:
		w = lane_width(op);
		vld(c, X0, p[2]);
		p66(c, 0x0FEF, X1, X1); /* pxor xmm1, xmm1 */
		p66(c, eq[w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3], X1, X0);
		p66(c, 0x0F3817, X1, X1); /* ptest: no zero lane */
		xsetcc(b, CC_E);
		break;
	default:
		return false;
	}
	jit_stslot(c, 1, p[1], RAX);
	return true;
}

/* xmm0 = a OP b (or b OP a), stored in d. */
static void binary(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	bool swap = bin[op].swap;
	vld(c, X0, p[swap ? 3 : 2]);
	vld(c, X1, p[swap ? 2 : 3]);
	if (op == OP_I8X16_SWIZZLE) {
		/* indices of 16 and more select 0: saturate them past 0x7F */
		xmovi(b, RAX, 0x70707070);
		p66(c, 0x0F6E, X2, RAX); /* movd xmm2, eax */
		p66(c, 0x0F70, X2, X2);	 /* pshufd xmm2, xmm2, 0 */
		xb(b, 0);
		p66(c, 0x0FDC, X1, X2); /* paddusb xmm1, xmm2 */
	}
	xrr(b, bin[op].np ? 0 : 0x66, 0, bin[op].opc, X0, X1);
	vst(c, p[1], X0);
}

/* xmm2 = the 16 bytes lo, hi (rax clobbered). */
static void vconst(struct jc *c, int x, uint64_t lo, uint64_t hi)
{
	struct xbuf *b = &c->b;
	xmovi(b, RAX, lo);
	xrr(b, 0x66, 1, 0x0F6E, x, RAX); /* movq xmm, rax */
	xmovi(b, RAX, hi);
	xrr(b, 0x66, 1, 0x0F3A22, x, RAX); /* pinsrq xmm, rax, 1 */
	xb(b, 1);
}

/* i8x16.shuffle: each source through pshufb with a mask that keeps its
 * own lanes (the others' mask bytes 0x80 clear them), then or. */
static void shuffle(struct jc *c, const icell *p)
{
	uint8_t l[16], ma[16], mb[16];
	uint64_t q[4];
	bool usesb = false;
	memcpy(l, &p[5], 16);
	for (int i = 0; i < 16; i++) {
		ma[i] = l[i] < 16 ? l[i] : 0x80;
		mb[i] = l[i] >= 16 ? (uint8_t)(l[i] - 16) : 0x80;
		usesb |= l[i] >= 16;
	}
	memcpy(q, ma, 16);
	memcpy(q + 2, mb, 16);
	vld(c, X0, p[2]);
	vconst(c, X2, q[0], q[1]);
	p66(c, 0x0F3800, X0, X2); /* pshufb xmm0, xmm2 */
	if (usesb) {
		vld(c, X1, p[3]);
		vconst(c, X2, q[2], q[3]);
		p66(c, 0x0F3800, X1, X2);
		p66(c, 0x0FEB, X0, X1); /* por */
	}
	vst(c, p[1], X0);
}

/* xmm0's low lane of w bytes copied to every lane. */
static void broadcast(struct jc *c, unsigned w)
{
	struct xbuf *b = &c->b;
	switch (w) {
	case 1:
		p66(c, 0x0FEF, X1, X1);	  /* pxor xmm1, xmm1 */
		p66(c, 0x0F3800, X0, X1); /* pshufb xmm0, xmm1 */
		break;
	case 2:
		xrr(b, 0xF2, 0, 0x0F70, X0, X0); /* pshuflw xmm0, xmm0, 0 */
		xb(b, 0);
		p66(c, 0x0F70, X0, X0); /* pshufd xmm0, xmm0, 0 */
		xb(b, 0);
		break;
	case 4:
		p66(c, 0x0F70, X0, X0);
		xb(b, 0);
		break;
	default:
		p66(c, 0x0F6C, X0, X0); /* punpcklqdq xmm0, xmm0 */
		break;
	}
}

/* Splats of the scalar in slot a: movd/movq, then broadcast. */
static void splat(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	bool wide = op == OP_I64X2_SPLAT || op == OP_F64X2_SPLAT;
	int r = jit_pinned(c, p[2]);
	if (r >= 0) /* movd/movq xmm0, the scalar */
		xrr(b, 0x66, wide, 0x0F6E, X0, r);
	else
		xmem(b, 0x66, wide, 0x0F6E, X0, SLOT(p[2]));
	broadcast(c, op == OP_I8X16_SPLAT			    ? 1
		     : op == OP_I16X8_SPLAT			    ? 2
		     : op == OP_I32X4_SPLAT || op == OP_F32X4_SPLAT ? 4
								    : 8);
	vst(c, p[1], X0);
}

/* extract_lane: a scalar load from the lane's bytes in the frame. */
static void extract(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	unsigned w = lane_width(op);
	int32_t disp = (int32_t)(p[2] * 16 + p[5] * w);
	bool sgn =
		op == OP_I8X16_EXTRACT_LANE_S || op == OP_I16X8_EXTRACT_LANE_S;
	uint32_t opc = w == 1	? (sgn ? 0x0FBE : 0x0FB6)
		       : w == 2 ? (sgn ? 0x0FBF : 0x0FB7)
				: 0x8B;
	xmem(b, 0, w == 8, opc, RAX, RBX, NOIDX, disp);
	jit_stslot(c, w == 8, p[1], RAX);
}

/* replace_lane: the vector copied, then the scalar's low bytes over
 * its lane. */
static void replace(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	unsigned w = lane_width(op);
	int32_t disp = (int32_t)(p[1] * 16 + p[5] * w);
	jit_ldslot(c, w == 8, RCX, p[3]);
	vld(c, X0, p[2]);
	vst(c, p[1], X0);
	xmem(b, w == 2 ? 0x66 : 0, w == 8, w == 1 ? 0x88 : 0x89, RCX, RBX,
	     NOIDX, disp);
}

/* rax = the access's index, zero-extended; the displacement to add
 * (the offset, or 0 once added to rax). */
static int32_t vaddr(struct jc *c, uint32_t slot, uint32_t off)
{
	jit_ldslot(c, 0, RAX, slot);
	if (off <= 0x7FFFFFFF)
		return (int32_t)off;
	xmovi(&c->b, RCX, off);
	xrr(&c->b, 0, 1, 0x03, RAX, RCX); /* add rax, rcx */
	return 0;
}

/* Loads and stores of whole vectors and the zero-extending ones. */
static bool memory(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	int32_t disp;
	switch (op) {
	case OP_V128_LOAD:
		disp = vaddr(c, p[2], p[5]);
		xmem(b, 0, 0, 0x0F10, X0, R13, RAX, disp);
		vst(c, p[1], X0);
		return true;
	case OP_V128_STORE:
		disp = vaddr(c, p[2], p[5]);
		vld(c, X0, p[3]);
		xmem(b, 0, 0, 0x0F11, X0, R13, RAX, disp);
		return true;
	case OP_V128_LOAD32_ZERO:
		disp = vaddr(c, p[2], p[5]);
		xmem(b, 0x66, 0, 0x0F6E, X0, R13, RAX, disp); /* movd */
		vst(c, p[1], X0);
		return true;
	case OP_V128_LOAD64_ZERO:
		disp = vaddr(c, p[2], p[5]);
		xmem(b, 0xF3, 0, 0x0F7E, X0, R13, RAX, disp); /* movq */
		vst(c, p[1], X0);
		return true;
	default:
		if (!widen_load[op])
			return false;
		disp = vaddr(c, p[2], p[5]);
		xmem(b, 0x66, 0, widen_load[op], X0, R13, RAX, disp);
		vst(c, p[1], X0);
		return true;
	}
}

/* A scalar of w bytes: movzx/mov r, [..] (zero-extended), and the
 * store mov [..], r. */
static const uint32_t ld_op[9] = {
	[1] = 0x0FB6, [2] = 0x0FB7, [4] = 0x8B, [8] = 0x8B};
#define ST_PFX(w) ((w) == 2 ? 0x66 : 0)
#define ST_OP(w) ((w) == 1 ? 0x88 : 0x89)

/* The lane loads and stores and the load splats, through rcx: memory
 * at [r13 + index + offset], the lane in the frame cell as extract and
 * replace address it. */
static bool lane_memory(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	unsigned w;
	int32_t disp;
	if (op >= OP_V128_LOAD8_SPLAT && op <= OP_V128_LOAD64_SPLAT) {
		w = 1u << (op - OP_V128_LOAD8_SPLAT);
		disp = vaddr(c, p[2], p[5]);
		xmem(b, 0, w == 8, ld_op[w], RCX, R13, RAX, disp);
		xrr(b, 0x66, w == 8, 0x0F6E, X0, RCX); /* movd/movq xmm0 */
		broadcast(c, w);
		vst(c, p[1], X0);
		return true;
	}
	if (op >= OP_V128_LOAD8_LANE && op <= OP_V128_LOAD64_LANE) {
		w = 1u << (op - OP_V128_LOAD8_LANE);
		disp = vaddr(c, p[2], p[5]);
		xmem(b, 0, w == 8, ld_op[w], RCX, R13, RAX, disp);
		vld(c, X0, p[3]);
		vst(c, p[1], X0);
		xmem(b, ST_PFX(w), w == 8, ST_OP(w), RCX, RBX, NOIDX,
		     (int32_t)(p[1] * 16 + p[6] * w));
		return true;
	}
	if (op >= OP_V128_STORE8_LANE && op <= OP_V128_STORE64_LANE) {
		w = 1u << (op - OP_V128_STORE8_LANE);
		disp = vaddr(c, p[2], p[5]);
		xmem(b, 0, w == 8, ld_op[w], RCX, RBX, NOIDX,
		     (int32_t)(p[3] * 16 + p[6] * w));
		xmem(b, ST_PFX(w), w == 8, ST_OP(w), RCX, R13, RAX, disp);
		return true;
	}
	return false;
}

/* The compares of icmp[]: xmm1 = min/max(b, a) == a, complemented. */
static void icompare(struct jc *c, enum wasm_op op, const icell *p)
{
	vld(c, X0, p[2]);
	vld(c, X1, p[3]);
	if (icmp[op].mm)
		p66(c, icmp[op].mm, X1, X0);
	p66(c, icmp[op].eq, X1, X0);
	if (icmp[op].neg) {
		p66(c, 0x0F76, X2, X2); /* pcmpeqd xmm2, xmm2: all ones */
		p66(c, 0x0FEF, X1, X2);
	}
	vst(c, p[1], X1);
}

/* i64x2's ordered compares without SSE4.2: a > b in each high dword is
 * hi(a) > hi(b), or hi(a) == hi(b) and the borrow of lo(b) - lo(a)
 * (the high dword of b - a), then copied to the low dword. lt swaps the
 * operands; le and ge are the complements of gt and lt. */
static bool compare64(struct jc *c, enum wasm_op op, const icell *p)
{
	uint32_t a = p[2], b = p[3];
	if (op < OP_I64X2_LT_S || op > OP_I64X2_GE_S)
		return false;
	if (op == OP_I64X2_LT_S || op == OP_I64X2_GE_S)
		a = p[3], b = p[2];
	vld(c, X0, a);
	vld(c, X1, b);
	xrr(&c->b, 0, 0, 0x0F28, X2, X1); /* movaps xmm2, b */
	p66(c, 0x0FFB, X2, X0);		  /* psubq: b - a */
	p66(c, 0x0F76, X1, X0);		  /* pcmpeqd: a == b */
	p66(c, 0x0FDB, X2, X1);		  /* pand */
	vld(c, X1, b);
	p66(c, 0x0F66, X0, X1); /* pcmpgtd: a > b */
	p66(c, 0x0FEB, X0, X2); /* por */
	p66(c, 0x0F70, X0, X0); /* pshufd xmm0, xmm0, 0xF5: high dwords */
	xb(&c->b, 0xF5);
	if (op == OP_I64X2_LE_S || op == OP_I64X2_GE_S) {
		p66(c, 0x0F76, X1, X1); /* pcmpeqd xmm1, xmm1: all ones */
		p66(c, 0x0FEF, X0, X1);
	}
	vst(c, p[1], X0);
	return true;
}

/* i8x16 shifts, which SSE lacks: shl and shr_u shift words and mask
 * each byte (0xFF shifted the same way, broadcast); shr_s doubles each
 * byte into a word (b << 8 | b), shifts arithmetically by n + 8 and
 * packs back with signed saturation (exact: every word fits). */
static bool shift8(struct jc *c, enum wasm_op op, const icell *p)
{
	struct xbuf *b = &c->b;
	if (op != OP_I8X16_SHL && op != OP_I8X16_SHR_S && op != OP_I8X16_SHR_U)
		return false;
	jit_ldslot(c, 0, RCX, p[3]);
	xalui(b, 0, 4, RCX, 7); /* and ecx, 7 */
	vld(c, X0, p[2]);
	if (op == OP_I8X16_SHR_S) {
		xalui(b, 0, 0, RCX, 8);	      /* add ecx, 8 */
		p66(c, 0x0F6E, X1, RCX);      /* movd xmm1, ecx */
		xrr(b, 0, 0, 0x0F28, X2, X0); /* movaps xmm2, xmm0 */
		p66(c, 0x0F60, X0, X0);	      /* punpcklbw */
		p66(c, 0x0F68, X2, X2);	      /* punpckhbw */
		p66(c, 0x0FE1, X0, X1);	      /* psraw */
		p66(c, 0x0FE1, X2, X1);
		p66(c, 0x0F63, X0, X2); /* packsswb */
	} else {
		bool left = op == OP_I8X16_SHL;
		p66(c, 0x0F6E, X1, RCX);		/* movd xmm1, ecx */
		p66(c, left ? 0x0FF1 : 0x0FD1, X0, X1); /* psllw/psrlw */
		xmovi(b, RDX, 0xFF);
		xrr(b, 0, 0, 0xD3, left ? 4 : 5, RDX); /* shl/shr edx, cl */
		p66(c, 0x0F6E, X2, RDX);	       /* movd xmm2, edx */
		p66(c, 0x0F60, X2, X2);		       /* punpcklbw */
		xrr(b, 0xF2, 0, 0x0F70, X2, X2); /* pshuflw xmm2, xmm2, 0 */
		xb(b, 0);
		p66(c, 0x0F70, X2, X2); /* pshufd xmm2, xmm2, 0 */
		xb(b, 0);
		p66(c, 0x0FDB, X0, X2); /* pand */
	}
	vst(c, p[1], X0);
	return true;
}

/* Translates SIMD instruction op inline; false to leave it to jit_slow
 * (simd.c). */
bool jit_op_simd(struct jc *c, enum iop op, const icell *p)
{
	enum wasm_op w = (enum wasm_op)op;
	if (!have_sse41())
		return false;
	c->cvalid = false; /* rax and rdx are clobbered */
	c->rdx_valid = false;
	if (bin[w].opc) {
		binary(c, w, p);
		return true;
	}
	if (fcmp[w].ok) {
		bool f64 = w >= OP_F64X2_EQ;
		vld(c, X0, p[fcmp[w].swap ? 3 : 2]);
		vld(c, X1, p[fcmp[w].swap ? 2 : 3]);
		xrr(&c->b, f64 ? 0x66 : 0, 0, 0x0FC2, X0, X1);
		xb(&c->b, fcmp[w].pred);
		vst(c, p[1], X0);
		return true;
	}
	switch (w) {
	case OP_V128_CONST: {
		uint64_t q[2];
		memcpy(q, &p[5], 16);
		vconst(c, X0, q[0], q[1]);
		vst(c, p[1], X0);
		return true;
	}
	case OP_I8X16_SHUFFLE:
		shuffle(c, p);
		return true;
	case OP_V128_NOT:
		vld(c, X0, p[2]);
		p66(c, 0x0F76, X1, X1); /* pcmpeqd xmm1, xmm1: all ones */
		p66(c, 0x0FEF, X0, X1);
		vst(c, p[1], X0);
		return true;
	case OP_V128_BITSELECT:
		vld(c, X0, p[2]);
		vld(c, X1, p[3]);
		vld(c, X2, p[4]);
		p66(c, 0x0FDB, X0, X2); /* pand xmm0, c */
		p66(c, 0x0FDF, X2, X1); /* pandn xmm2 (~c), b */
		p66(c, 0x0FEB, X0, X2); /* por */
		vst(c, p[1], X0);
		return true;
	case OP_V128_ANY_TRUE:
		vld(c, X0, p[2]);
		p66(c, 0x0F3817, X0, X0); /* ptest xmm0, xmm0 */
		xsetcc(&c->b, CC_NE);
		jit_stslot(c, 1, p[1], RAX);
		return true;
	default:
		break;
	}
	if (icmp[w].eq) {
		icompare(c, w, p);
		return true;
	}
	if (unary(c, w, p) || lane_test(c, w, p) || shift8(c, w, p) ||
	    compare64(c, w, p) || lane_memory(c, w, p))
		return true;
	if (w >= OP_I8X16_SPLAT && w <= OP_F64X2_SPLAT) {
		splat(c, w, p);
		return true;
	}
	if (w >= OP_I8X16_EXTRACT_LANE_S && w <= OP_F64X2_REPLACE_LANE) {
		if (strstr(wasm_ops[w].text, "extract"))
			extract(c, w, p);
		else
			replace(c, w, p);
		return true;
	}
	return memory(c, w, p);
}
