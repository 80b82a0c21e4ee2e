/*
 * jit_x64.h: a small x86-64 instruction encoder for the JIT (jit.c).
 * Only the forms the JIT uses: an instruction with a register and either
 * a register or a memory operand [base + index + disp], immediates, and
 * rel32/rel8 branches patched later. Internal to the JIT.
 */
#ifndef NUCLEUS_JIT_X64_H
#define NUCLEUS_JIT_X64_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	RAX,
	RCX,
	RDX,
	RBX,
	RSP,
	RBP,
	RSI,
	RDI,
	R8,
	R9,
	R10,
	R11,
	R12,
	R13,
	R14,
	R15
};
#define XMM1 1
#define NOIDX (-1)

/* Condition codes (the low nibble of jcc/setcc/cmovcc). */
enum {
	CC_B = 2,
	CC_AE = 3,
	CC_E = 4,
	CC_NE = 5,
	CC_BE = 6,
	CC_S = 8,
	CC_A = 7,
	CC_P = 0xA,
	CC_NP = 0xB,
	CC_L = 0xC,
	CC_GE = 0xD,
	CC_LE = 0xE,
	CC_G = 0xF
};

/* A code buffer, growing unless fixed (then it is a mapping of cap
 * bytes); oom is set (and bytes dropped) when it is full or out of
 * memory. */
struct xbuf {
	uint8_t *p;
	uint32_t len, cap;
	bool oom, fixed;
};

/* Makes room for n more bytes; false (oom set, bytes dropped) if none. */
static inline bool xroom(struct xbuf *b, uint32_t n)
{
	if (b->cap - b->len >= n)
		return true;
	uint32_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n)
		cap *= 2;
	uint8_t *p = b->fixed || b->oom ? NULL : realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		b->len = 0;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static inline void xb(struct xbuf *b, uint8_t v)
{
	if (b->len < b->cap || xroom(b, 1))
		b->p[b->len++] = v;
}

static inline void x32(struct xbuf *b, uint32_t v)
{
	if (b->cap - b->len >= 4 || xroom(b, 4)) {
		memcpy(b->p + b->len, &v, 4); /* x86 is little-endian */
		b->len += 4;
	}
}

static inline void x64(struct xbuf *b, uint64_t v)
{
	x32(b, (uint32_t)v);
	x32(b, (uint32_t)(v >> 32));
}

/* Overwrites 4 bytes at pos (a branch displacement, a table entry). */
static inline void xpatch32(struct xbuf *b, uint32_t pos, int32_t v)
{
	if (!b->oom && pos + 4 <= b->len)
		memcpy(b->p + pos, &v, 4);
}

/* Where the next instruction (at most 16 bytes) goes, at the end of b:
 * its bytes are written there, then b->len advanced. NULL (oom set) if
 * there is no room. Writing in place, not through a buffer, spares the
 * loads of freshly stored bytes that processors forward slowly. */
static inline uint8_t *xat(struct xbuf *b)
{
	if (b->cap - b->len >= 16 || xroom(b, 16))
		return b->p + b->len;
	return NULL;
}

/* Assembles a legacy prefix (0 for none), REX, then the opcode bytes
 * (1-3, big end first in opc) at t[n]; returns the new n. */
static inline uint32_t xhead_at(uint8_t *t, uint32_t n, int pfx, int w, int reg,
				int idx, int base, uint32_t opc)
{
	if (pfx)
		t[n++] = (uint8_t)pfx;
	int rex = (w ? 8 : 0) | (reg >= 8 ? 4 : 0) | (idx >= 8 ? 2 : 0) |
		  (base >= 8 ? 1 : 0);
	if (rex)
		t[n++] = (uint8_t)(0x40 | rex);
	if (opc > 0xFFFF)
		t[n++] = (uint8_t)(opc >> 16);
	if (opc > 0xFF)
		t[n++] = (uint8_t)(opc >> 8);
	t[n++] = (uint8_t)opc;
	return n;
}

/* Legacy prefix, REX, then the opcode bytes (see xhead_at). */
static inline void xhead(struct xbuf *b, int pfx, int w, int reg, int idx,
			 int base, uint32_t opc)
{
	uint8_t *t = xat(b);
	if (t)
		b->len += xhead_at(t, 0, pfx, w, reg, idx, base, opc);
}

/* op reg, [base + idx + disp] (or the reverse, by the opcode). */
static inline void xmem(struct xbuf *b, int pfx, int w, uint32_t opc, int reg,
			int base, int idx, int32_t disp)
{
	uint8_t *t = xat(b);
	if (!t)
		return;
	uint32_t n = xhead_at(t, 0, pfx, w, reg, idx < 0 ? 0 : idx, base, opc);
	int mod = (disp == 0 && (base & 7) != 5)  ? 0
		  : (disp >= -128 && disp <= 127) ? 1
						  : 2;
	if (idx < 0 && (base & 7) != 4) {
		t[n++] = (uint8_t)(mod << 6 | (reg & 7) << 3 | (base & 7));
	} else {
		t[n++] = (uint8_t)(mod << 6 | (reg & 7) << 3 | 4);
		t[n++] = (uint8_t)(((idx < 0 ? 4 : idx) & 7) << 3 | (base & 7));
	}
	if (mod == 1) {
		t[n++] = (uint8_t)disp;
	} else if (mod == 2) {
		memcpy(t + n, &disp, 4);
		n += 4;
	}
	b->len += n;
}

/* op reg, rm (both registers). */
static inline void xrr(struct xbuf *b, int pfx, int w, uint32_t opc, int reg,
		       int rm)
{
	uint8_t *t = xat(b);
	if (!t)
		return;
	uint32_t n = xhead_at(t, 0, pfx, w, reg, 0, rm, opc);
	t[n++] = (uint8_t)(0xC0 | (reg & 7) << 3 | (rm & 7));
	b->len += n;
}

/* Frame slot i: [rbx + 16i] (a slot holds a wasm_val). */
#define SLOT(i) RBX, NOIDX, (int32_t)((i)*16)

/* mov r, imm64 (shortest form). */
static inline void xmovi(struct xbuf *b, int r, uint64_t v)
{
	uint8_t *t = xat(b);
	if (!t)
		return;
	bool wide = v > 0xFFFFFFFFu;
	uint32_t n = xhead_at(t, 0, 0, wide, 0, 0, r, 0xB8 + (r & 7));
	memcpy(t + n, &v, 8); /* little-endian: the low 4 bytes first */
	b->len += n + (wide ? 8 : 4);
}

/* Group-1 ALU op (ext: 0 add, 1 or, 4 and, 5 sub, 6 xor, 7 cmp) r, imm32. */
static inline void xalui(struct xbuf *b, int w, int ext, int r, int32_t imm)
{
	uint8_t *t = xat(b);
	if (!t)
		return;
	bool small = imm >= -128 && imm <= 127;
	uint32_t n = xhead_at(t, 0, 0, w, ext, 0, r, small ? 0x83 : 0x81);
	t[n++] = (uint8_t)(0xC0 | (ext & 7) << 3 | (r & 7));
	memcpy(t + n, &imm, 4);
	b->len += n + (small ? 1 : 4);
}

/* call r (absolute address through a register). */
static inline void xcallr(struct xbuf *b, int r)
{
	xrr(b, 0, 0, 0xFF, 2, r);
}

/* Calls a C function at a fixed address (clobbers rax). */
static inline void xcall(struct xbuf *b, const void *fn)
{
	xmovi(b, RAX, (uint64_t)(uintptr_t)fn);
	xcallr(b, RAX);
}

/* setcc al; movzx eax, al. */
static inline void xsetcc(struct xbuf *b, int cc)
{
	xrr(b, 0, 0, 0x0F90 + cc, 0, RAX);
	xrr(b, 0, 0, 0x0FB6, RAX, RAX);
}

/* jcc/jmp rel32 with a zero displacement: returns its position to patch. */
static inline uint32_t xjcc32(struct xbuf *b, int cc)
{
	xb(b, 0x0F);
	xb(b, (uint8_t)(0x80 + cc));
	x32(b, 0);
	return b->len - 4;
}
static inline uint32_t xjmp32(struct xbuf *b)
{
	xb(b, 0xE9);
	x32(b, 0);
	return b->len - 4;
}
/* call rel32 with a zero displacement: returns its position to patch. */
static inline uint32_t xcall32(struct xbuf *b)
{
	xb(b, 0xE8);
	x32(b, 0);
	return b->len - 4;
}

/* Short forward jumps: xj8 emits, xbind8 points it here. */
static inline uint32_t xj8(struct xbuf *b, int cc)
{
	xb(b, cc < 0 ? 0xEB : (uint8_t)(0x70 + cc));
	xb(b, 0);
	return b->len - 1;
}
static inline void xbind8(struct xbuf *b, uint32_t pos)
{
	if (!b->oom && pos < b->len)
		b->p[pos] = (uint8_t)(b->len - pos - 1);
}

#endif
