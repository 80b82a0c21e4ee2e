/*
 * jit_ops.c: the JIT's templates for numeric instructions, compares,
 * loads/stores and atomics (see jit.c). Operands come from frame slots or the
 * registers of pinned locals (jit_ld, jit_sop...); results go back the
 * same way. Scratch: rax, rcx, rdx, xmm0, xmm1.
 */
#include "nucleus/jit_gen.h"

/* Condition code of each ICMP32 compare, in order. */
static const uint8_t icc[] = {CC_E, CC_NE, CC_L,  CC_B,	 CC_G,
			      CC_A, CC_LE, CC_BE, CC_GE, CC_AE};

/* Group-1 extension + 1 (0: none) of add, or, and, sub and xor, plain
 * and immediate forms; the reg, r/m form's opcode is ext * 8 + 3. Tables,
 * not switches: the translator then takes no indirect jump to find out. */
#define ALU1(op, ext)                                                          \
	[IOP_W_I32_##op] = ext + 1, [IOP_W_I64_##op] = ext + 1,                \
	[IOP_I32_##op##_RI] = ext + 1, [IOP_I64_##op##_RI] = ext + 1
static const uint8_t alu_ext1[IOP_COUNT] = {
	ALU1(ADD, 0), ALU1(OR, 1), ALU1(AND, 4), ALU1(SUB, 5), ALU1(XOR, 6)};

/* Group-2 extension + 1 (0: none) of the shifts and rotates. */
#define SHIFT1(op, ext)                                                        \
	[IOP_W_I32_##op] = ext + 1, [IOP_W_I64_##op] = ext + 1,                \
	[IOP_I32_##op##_RI] = ext + 1, [IOP_I64_##op##_RI] = ext + 1
static const uint8_t shift_ext1[IOP_COUNT] = {
	[IOP_W_I32_ROTL] = 1, [IOP_W_I64_ROTL] = 1, [IOP_W_I32_ROTR] = 2,
	[IOP_W_I64_ROTR] = 2, SHIFT1(SHL, 4),	    SHIFT1(SHR_S, 7),
	SHIFT1(SHR_U, 5)};

/* Integer division and remainder, with wasm's traps. */
static void divide(struct jc *c, const icell *p, int w, bool sign, bool rem)
{
	struct xbuf *b = &c->b;
	jit_ldslot(c, w, RAX, p[2]);
	jit_ldslot(c, w, RCX, p[3]);
	xrr(b, 0, w, 0x85, RCX, RCX); /* test rcx, rcx */
	jit_trap_if(c, CC_E, TRAP_DIV_ZERO);
	uint32_t skip = 0;
	if (sign) {
		xalui(b, w, 7, RCX, -1);
		uint32_t norm = xj8(b, CC_NE);
		if (rem) {
			xrr(b, 0, 0, 0x33, RDX, RDX); /* xor edx, edx */
			skip = xj8(b, -1);
		} else {
			xmovi(b, RDX, w ? 0x8000000000000000ull : 0x80000000u);
			xrr(b, 0, w, 0x3B, RAX, RDX);
			jit_trap_if(c, CC_E, TRAP_INT_OVERFLOW);
		}
		xbind8(b, norm);
		xhead(b, 0, w, 0, 0, 0, 0x99); /* cdq / cqo */
		xrr(b, 0, w, 0xF7, 7, RCX);    /* idiv rcx */
	} else {
		xrr(b, 0, 0, 0x33, RDX, RDX);
		xrr(b, 0, w, 0xF7, 6, RCX); /* div rcx */
	}
	if (skip)
		xbind8(b, skip);
	jit_stslot(c, w, p[1], rem ? RDX : RAX);
}

/* Effective address of a memory access: [r13 + *idx + disp], the i32
 * index zero-extended in *idx (an i32 local's register, else rax);
 * returns disp. */
static int32_t addr(struct jc *c, uint32_t slot, uint32_t off, int *idx)
{
	struct xbuf *b = &c->b;
	int r = jit_pinned(c, slot);
	if (r >= 0 && (c->zext >> r & 1 || r == c->zok) && off <= 0x7FFFFFFF) {
		*idx = r;
		return (int32_t)off;
	}
	*idx = RAX;
	jit_ldslot(c, 0, RAX, slot); /* zero-extends the i32 index */
	if (off <= 0x7FFFFFFF)
		return (int32_t)off;
	xmovi(b, RDX, off);
	xrr(b, 0, 1, 0x03, RAX, RDX); /* add rax, rdx */
	return 0;
}

/* Loads: d a off. */
/* Each load's opcode, whether it writes 64 bits (ow) and whether its
 * slot holds 64 (w): a table, so no indirect jump picks them. */
static const struct {
	uint16_t opc;
	uint8_t w, ow;
} loads[IOP_COUNT] = {
	[IOP_W_I32_LOAD] = {0x8B, 0, 0},
	[IOP_W_F32_LOAD] = {0x8B, 0, 0},
	[IOP_W_I64_LOAD] = {0x8B, 1, 1},
	[IOP_W_F64_LOAD] = {0x8B, 1, 1},
	[IOP_W_I32_LOAD8_S] = {0x0FBE, 0, 0},
	[IOP_W_I32_LOAD8_U] = {0x0FB6, 0, 0},
	[IOP_W_I32_LOAD16_S] = {0x0FBF, 0, 0},
	[IOP_W_I32_LOAD16_U] = {0x0FB7, 0, 0},
	[IOP_W_I64_LOAD8_S] = {0x0FBE, 1, 1},
	[IOP_W_I64_LOAD8_U] = {0x0FB6, 1, 0},
	[IOP_W_I64_LOAD16_S] = {0x0FBF, 1, 1},
	[IOP_W_I64_LOAD16_U] = {0x0FB7, 1, 0},
	[IOP_W_I64_LOAD32_S] = {0x63, 1, 1},
	[IOP_W_I64_LOAD32_U] = {0x8B, 1, 0},
};

bool jit_load_form(enum iop op, uint32_t *opc, int *w)
{
	*opc = loads[op].opc;
	*w = loads[op].ow;
	return *opc != 0;
}

bool jit_op_load(struct jc *c, enum iop op, const icell *p)
{
	uint32_t opc = loads[op].opc;
	int w = loads[op].w, ow = loads[op].ow;
	if (!opc)
		return false;
	int idx;
	int32_t d = addr(c, p[2], p[3], &idx);
	int r = jit_pinned(c, p[1]);
	xmem(&c->b, 0, ow, opc, r >= 0 ? r : RAX, R13, idx, d);
	if (r < 0)
		jit_stslot(c, w, p[1], RAX);
	else if (!ow)
		jit_zext_out(c, r);
	return true;
}

bool jit_store_form(enum iop op, uint32_t *opc, int *w, int *pfx)
{
	*pfx = 0, *w = 0, *opc = 0x89;
	switch (op) {
	case IOP_W_I32_STORE:
	case IOP_W_F32_STORE:
	case IOP_W_I64_STORE32:
		break;
	case IOP_W_I64_STORE:
	case IOP_W_F64_STORE:
		*w = 1;
		break;
	case IOP_W_I32_STORE8:
	case IOP_W_I64_STORE8:
		*opc = 0x88;
		break;
	case IOP_W_I32_STORE16:
	case IOP_W_I64_STORE16:
		*pfx = 0x66;
		break;
	default:
		return false;
	}
	return true;
}

/* Stores: a v off. */
bool jit_op_store(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	int pfx, w;
	uint32_t opc;
	if (!jit_store_form(op, &opc, &w, &pfx))
		return false;
	/* The value's own register, unless a byte store would need a REX
	 * prefix for it (sil, dil, bpl). */
	int v = jit_pinned(c, p[2]);
	if (v < 0 || (opc == 0x88 && v >= RSP && v <= RDI)) {
		jit_ldslot(c, w, RCX, p[2]);
		v = RCX;
	}
	int idx;
	int32_t d = addr(c, p[1], p[3], &idx);
	xmem(b, pfx, w, opc, v, R13, idx, d);
	return true;
}

/* Float binary ops and compares (sd: f64). */
bool jit_op_fbin(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	int sd = 0, arith = 0, cc = 0;
	bool swap = false;
	switch (op) {
	case IOP_W_F64_ADD:
		sd = 1; /* fall through */
	case IOP_W_F32_ADD:
		arith = 0x0F58;
		break;
	case IOP_W_F64_SUB:
		sd = 1; /* fall through */
	case IOP_W_F32_SUB:
		arith = 0x0F5C;
		break;
	case IOP_W_F64_MUL:
		sd = 1; /* fall through */
	case IOP_W_F32_MUL:
		arith = 0x0F59;
		break;
	case IOP_W_F64_DIV:
		sd = 1; /* fall through */
	case IOP_W_F32_DIV:
		arith = 0x0F5E;
		break;
	case IOP_W_F64_EQ:
		sd = 1; /* fall through */
	case IOP_W_F32_EQ:
		cc = CC_E;
		break;
	case IOP_W_F64_NE:
		sd = 1; /* fall through */
	case IOP_W_F32_NE:
		cc = CC_NE;
		break;
	case IOP_W_F64_LT:
		sd = 1; /* fall through */
	case IOP_W_F32_LT:
		cc = CC_A;
		swap = true;
		break;
	case IOP_W_F64_GT:
		sd = 1; /* fall through */
	case IOP_W_F32_GT:
		cc = CC_A;
		break;
	case IOP_W_F64_LE:
		sd = 1; /* fall through */
	case IOP_W_F32_LE:
		cc = CC_AE;
		swap = true;
		break;
	case IOP_W_F64_GE:
		sd = 1; /* fall through */
	case IOP_W_F32_GE:
		cc = CC_AE;
		break;
	default:
		return false;
	}
	int pfx = sd ? 0xF2 : 0xF3;
	if (arith) {
		jit_fld(c, sd, 0, p[2]);
		jit_fop(c, pfx, (uint32_t)arith, 0, p[3]);
		jit_fst(c, sd, p[1], 0);
		return true;
	}
	jit_fld(c, sd, 0, swap ? p[3] : p[2]);
	/* ucomiss / ucomisd xmm0, [other] */
	jit_fop(c, sd ? 0x66 : 0, 0x0F2E, 0, swap ? p[2] : p[3]);
	if (cc == CC_E || cc == CC_NE) {
		xrr(b, 0, 0, 0x0F90 + cc, 0, RAX);
		xrr(b, 0, 0, 0x0F90 + (cc == CC_E ? CC_NP : CC_P), 0, RCX);
		/* and al, cl / or al, cl */
		xrr(b, 0, 0, cc == CC_E ? 0x20 : 0x08, RCX, RAX);
		xrr(b, 0, 0, 0x0FB6, RAX, RAX);
	} else {
		xsetcc(b, cc);
	}
	jit_stslot(c, 0, p[1], RAX);
	return true;
}

/* Unary numeric ops done inline; false for the rest (jit_slow). Reads
 * no cell before it knows op has two operands: the instruction may be
 * the last the lowering has written. */
bool jit_op_unary(struct jc *c, enum iop op, const icell *p)
{
	if (iop_class(op) != OPC_UNARY)
		return false;
	struct xbuf *b = &c->b;
	uint32_t d = p[1], a = p[2];
	switch (op) {
	case IOP_W_I32_EQZ:
	case IOP_W_I64_EQZ:
		jit_sop(c, 0, op == IOP_W_I64_EQZ, 0x83, 7, a);
		xb(b, 0);
		xsetcc(b, CC_E);
		jit_stslot(c, 0, d, RAX);
		return true;
	case IOP_W_I32_WRAP_I64:
		jit_ldslot(c, 0, RAX, a);
		jit_stslot(c, 0, d, RAX);
		return true;
	case IOP_W_I64_EXTEND_I32_U:
		jit_ldslot(c, 0, RAX, a);
		jit_stslot(c, 1, d, RAX);
		return true;
	case IOP_W_I64_EXTEND_I32_S:
	case IOP_W_I64_EXTEND32_S:
		jit_sop(c, 0, 1, 0x63, RAX, a);
		jit_stslot(c, 1, d, RAX);
		return true;
	case IOP_W_I32_EXTEND8_S:
	case IOP_W_I64_EXTEND8_S:
		/* Without a REX prefix, rsp..rdi as a byte register mean
		 * ah..bh: take those through rax. */
		if (jit_src(c, a) >= RSP && jit_src(c, a) <= RDI) {
			jit_ldslot(c, 0, RAX, a);
			xrr(b, 0, op == IOP_W_I64_EXTEND8_S, 0x0FBE, RAX, RAX);
		} else {
			jit_sop(c, 0, op == IOP_W_I64_EXTEND8_S, 0x0FBE, RAX,
				a);
		}
		jit_stslot(c, 1, d, RAX);
		return true;
	case IOP_W_I32_EXTEND16_S:
	case IOP_W_I64_EXTEND16_S:
		jit_sop(c, 0, op == IOP_W_I64_EXTEND16_S, 0x0FBF, RAX, a);
		jit_stslot(c, 1, d, RAX);
		return true;
	case IOP_W_I32_REINTERPRET_F32:
	case IOP_W_F32_REINTERPRET_I32:
	case IOP_W_I64_REINTERPRET_F64:
	case IOP_W_F64_REINTERPRET_I64:
		jit_ldslot(c, 1, RAX, a);
		jit_stslot(c, 1, d, RAX);
		return true;
	case IOP_W_F32_ABS:
	case IOP_W_F32_NEG:
		jit_ldslot(c, 0, RAX, a);
		xrr(b, 0, 0, 0x81, op == IOP_W_F32_ABS ? 4 : 6, RAX);
		x32(b, op == IOP_W_F32_ABS ? 0x7FFFFFFFu : 0x80000000u);
		jit_stslot(c, 0, d, RAX);
		return true;
	case IOP_W_F64_ABS:
	case IOP_W_F64_NEG:
		jit_ldslot(c, 1, RAX, a);
		xrr(b, 0, 1, 0x0FBA, op == IOP_W_F64_ABS ? 6 : 7, RAX);
		xb(b, 63); /* btr / btc rax, 63 */
		jit_stslot(c, 1, d, RAX);
		return true;
	case IOP_W_F32_SQRT:
	case IOP_W_F64_SQRT: {
		int pfx = op == IOP_W_F32_SQRT ? 0xF3 : 0xF2;
		jit_fop(c, pfx, 0x0F51, 0, a);
		jit_fst(c, pfx == 0xF2, d, 0);
		return true;
	}
	case IOP_W_F32_CONVERT_I32_S:
	case IOP_W_F64_CONVERT_I32_S:
	case IOP_W_F32_CONVERT_I64_S:
	case IOP_W_F64_CONVERT_I64_S: {
		bool to64 = op == IOP_W_F64_CONVERT_I32_S ||
			    op == IOP_W_F64_CONVERT_I64_S;
		bool from64 = op == IOP_W_F32_CONVERT_I64_S ||
			      op == IOP_W_F64_CONVERT_I64_S;
		int pfx = to64 ? 0xF2 : 0xF3;
		xrr(b, 0, 0, 0x0F57, 0, 0); /* xorps xmm0, xmm0 */
		jit_sop(c, pfx, from64, 0x0F2A, 0, a);
		jit_fst(c, pfx == 0xF2, d, 0);
		return true;
	}
	case IOP_W_F32_CONVERT_I32_U:
	case IOP_W_F64_CONVERT_I32_U: {
		int pfx = op == IOP_W_F64_CONVERT_I32_U ? 0xF2 : 0xF3;
		jit_ldslot(c, 0, RAX, a);
		xrr(b, 0, 0, 0x0F57, 0, 0);
		xrr(b, pfx, 1, 0x0F2A, 0, RAX);
		jit_fst(c, pfx == 0xF2, d, 0);
		return true;
	}
	case IOP_W_F64_PROMOTE_F32:
	case IOP_W_F32_DEMOTE_F64: {
		bool pro = op == IOP_W_F64_PROMOTE_F32;
		xrr(b, 0, 0, 0x0F57, 0, 0);
		jit_fop(c, pro ? 0xF3 : 0xF2, 0x0F5A, 0, a);
		jit_fst(c, pro, d, 0);
		return true;
	}
	default:
		return false;
	}
}

/* Where d's result goes: its register if pinned, else rax (then
 * stored by done()). */
static int dst(struct jc *c, uint32_t d)
{
	int r = jit_pinned(c, d);
	return r >= 0 ? r : RAX;
}

static void done(struct jc *c, int w, uint32_t d, int r)
{
	if (r == RAX)
		jit_stslot(c, w, d, RAX);
	else if (!w)
		jit_zext_out(c, r);
}

/* d = a op b, for add sub and or xor imul (opc; ext < 0: commutative
 * too): into d's register when it has one. */
static void alu(struct jc *c, int w, int opc, int ext, const icell *p)
{
	uint32_t d = p[1], a = p[2], bb = p[3];
	bool commut = ext != 5;
	int r = dst(c, d);
	if (r != RAX && a != d && bb == d) {
		if (!commut)
			r = RAX; /* sub: b would be overwritten */
		else
			a = bb, bb = p[2];
	}
	if (r == RAX || a != d)
		jit_ldslot(c, w, r, a);
	jit_sop(c, 0, w, (uint32_t)opc, r, bb);
	done(c, w, d, r);
}

/* d = a op imm: a group-1 ALU op (grp 0x81) or a shift (grp 0xC1). */
static void alu_ri(struct jc *c, int w, int ext, int grp, const icell *p)
{
	struct xbuf *b = &c->b;
	int r = dst(c, p[1]);
	if (r == RAX || p[2] != p[1])
		jit_ldslot(c, w, r, p[2]);
	if (grp == 0x81) {
		xalui(b, w, ext, r, (int32_t)p[3]);
	} else {
		xrr(b, 0, w, 0xC1, ext, r);
		xb(b, (uint8_t)(p[3] & (w ? 63 : 31)));
	}
	done(c, w, p[1], r);
}

/* Integer binary ops (register-register and RI forms). */
bool jit_op_ibin(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	int w = (op >= IOP_W_I64_CLZ && op <= IOP_W_I64_ROTR) ||
		(op >= IOP_I64_ADD_RI && op <= IOP_I64_SHR_U_RI);
	bool ri = op >= IOP_I32_ADD_RI && op <= IOP_I64_SHR_U_RI;
	int ext;
	if ((ext = alu_ext1[op] - 1) >= 0) {
		if (ri)
			alu_ri(c, w, ext, 0x81, p);
		else
			alu(c, w, ext * 8 + 3, ext, p);
		return true;
	}
	if ((ext = shift_ext1[op] - 1) >= 0) {
		if (ri) {
			alu_ri(c, w, ext, 0xC1, p);
			return true;
		}
		jit_ldslot(c, w, RAX, p[2]);
		jit_ldslot(c, 0, RCX, p[3]);
		xrr(b, 0, w, 0xD3, ext, RAX);
		jit_stslot(c, w, p[1], RAX);
		return true;
	}
	switch (op) {
	case IOP_W_I32_DIV_S:
	case IOP_W_I64_DIV_S:
		divide(c, p, w, true, false);
		return true;
	case IOP_W_I32_DIV_U:
	case IOP_W_I64_DIV_U:
		divide(c, p, w, false, false);
		return true;
	case IOP_W_I32_REM_S:
	case IOP_W_I64_REM_S:
		divide(c, p, w, true, true);
		return true;
	case IOP_W_I32_REM_U:
	case IOP_W_I64_REM_U:
		divide(c, p, w, false, true);
		return true;
	case IOP_W_I32_MUL:
	case IOP_W_I64_MUL:
		alu(c, w, 0x0FAF, -1, p);
		return true;
	case IOP_I32_MUL_RI: {
		int d = jit_pinned(c, p[1]);
		jit_sop(c, 0, 0, 0x69, d >= 0 ? d : RAX, p[2]);
		x32(b, p[3]);
		if (d < 0)
			jit_stslot(c, 0, p[1], RAX);
		return true;
	}
	default:
		return false;
	}
}

/* i32/i64 compares producing 0/1, and the fused compare-and-branch. */
bool jit_op_icmp(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	int w = op >= IOP_W_I64_EQ && op <= IOP_W_I64_GE_U;
	if (w || (op >= IOP_W_I32_EQ && op <= IOP_W_I32_GE_U)) {
		int r = jit_opnd(c, w, p[2]);
		jit_sop(c, 0, w, 0x3B, r, p[3]);
		xsetcc(b, icc[op - (w ? IOP_W_I64_EQ : IOP_W_I32_EQ)]);
		jit_stslot(c, 0, p[1], RAX);
		return true;
	}
	if (op >= IOP_I32_EQ_RI && op <= IOP_I32_GE_U_RI) {
		xalui(b, 0, 7, jit_opnd(c, 0, p[2]), (int32_t)p[3]);
		xsetcc(b, icc[op - IOP_I32_EQ_RI]);
		jit_stslot(c, 0, p[1], RAX);
		return true;
	}
	if (op >= IOP_BR_EQ && op <= IOP_BR_GE_U) {
		int r = jit_opnd(c, 0, p[1]);
		jit_sop(c, 0, 0, 0x3B, r, p[2]);
		jit_br(c, icc[op - IOP_BR_EQ], &p[3]);
		return true;
	}
	if (op >= IOP_BR_EQ_RI && op <= IOP_BR_GE_U_RI) {
		xalui(b, 0, 7, jit_opnd(c, 0, p[1]), (int32_t)p[2]);
		jit_br(c, icc[op - IOP_BR_EQ_RI], &p[3]);
		return true;
	}
	return false;
}

/*
 * Atomics (0xFE). x86-64 keeps aligned accesses atomic and, with locked
 * read-modify-writes and xchg as the store, sequentially consistent: an
 * atomic load is a plain load, a store is xchg, add/sub are lock xadd,
 * xchg is xchg, and/or/xor a lock cmpxchg loop, cmpxchg lock cmpxchg.
 * Addresses are [r13 + index + offset] as for plain loads, so an access
 * out of bounds faults in the guard pages and is reported at this
 * instruction. memory.atomic.wait/notify stay in jit_slow.
 */
enum { A_LOAD, A_STORE, A_ADD, A_SUB, A_AND, A_OR, A_XOR, A_XCHG, A_CMPXCHG };

/* The 0xFE sub-opcode of each atomic instruction. */
#define FE_SUB(name, prefix, code, imm, p1, p2, res, text)                     \
	[IOP_W_##name - IOP_W_MEMORY_ATOMIC_NOTIFY] = (code),
static const uint8_t fe_sub[] = {WASM_ATOMIC_OPCODES(FE_SUB)};
#undef FE_SUB

/* Sub-opcodes 0x10.. come in groups (A_*) of 7 widths: access size in
 * bytes, and whether the value is an i64. */
static const uint8_t a_size[7] = {4, 8, 1, 2, 1, 2, 4};
static const bool a_i64[7] = {false, true, false, false, true, true, true};

/* The group, access size and value type of atomic access op; false for
 * wait, notify and fence (and any other instruction). */
static bool atomic_kind(enum iop op, unsigned *g, unsigned *size, int *w)
{
	if (!IOP_IS_ATOMIC(op))
		return false;
	unsigned code = fe_sub[op - IOP_W_MEMORY_ATOMIC_NOTIFY];
	if (code < 0x10)
		return false;
	*g = (code - 0x10) / 7;
	*size = a_size[(code - 0x10) % 7];
	*w = a_i64[(code - 0x10) % 7];
	return true;
}

/*
 * With rax = the index (zero-extended), makes it the effective address
 * index + off and checks its alignment. A misaligned access traps
 * "unaligned atomic" unless it is also out of bounds: a read of its last
 * byte faults first then, so the spec's order (bounds, then alignment,
 * as atomic.c checks) holds. Clobbers rdx if off >= 2^31.
 */
static void atomic_ea(struct jc *c, uint32_t off, unsigned size)
{
	struct xbuf *b = &c->b;
	if (off > 0x7FFFFFFF) {
		xmovi(b, RDX, off);
		xrr(b, 0, 1, 0x03, RAX, RDX); /* add rax, rdx */
		c->rdx_valid = false;
	} else if (off) {
		xalui(b, 1, 0, RAX, (int32_t)off);
	}
	if (size == 1)
		return;
	xb(b, 0xA8); /* test al, size - 1 */
	xb(b, (uint8_t)(size - 1));
	uint32_t ok = xj8(b, CC_E);
	xmem(b, 0, 0, 0x80, 7, R13, RAX, (int32_t)size - 1); /* cmp byte */
	xb(b, 0);
	jit_trap_if(c, -1, TRAP_UNALIGNED_ATOMIC);
	xbind8(b, ok);
}

/* [lock] op [r13 + idx], reg at the access size (opc8: the byte form;
 * the wider one is opc8 + 1). */
static void amem(struct xbuf *b, bool lock, unsigned size, uint32_t opc8,
		 int reg, int idx)
{
	if (lock)
		xb(b, 0xF0);
	xmem(b, size == 2 ? 0x66 : 0, size == 8, size == 1 ? opc8 : opc8 + 1,
	     reg, R13, idx, 0);
}

/* reg = the size bytes at [r13 + idx], zero-extended. */
static void aload(struct xbuf *b, unsigned size, int reg, int idx)
{
	uint32_t opc = size == 1 ? 0x0FB6 : size == 2 ? 0x0FB7 : 0x8B;
	xmem(b, 0, size == 8, opc, reg, R13, idx, 0);
}

/* Zero-extends the low size bytes of reg (rax or rcx) when narrower
 * than 32 bits. */
static void zext(struct xbuf *b, unsigned size, int reg)
{
	if (size < 4)
		xrr(b, 0, 0, size == 1 ? 0x0FB6 : 0x0FB7, reg, reg);
}

/* and/or/xor: rdx = the address, then a lock cmpxchg loop; the old
 * value ends in rax. The operand is read from its register or frame
 * cell (rax and rdx no longer cache it). */
static void atomic_bitop(struct jc *c, unsigned g, unsigned size, uint32_t s)
{
	struct xbuf *b = &c->b;
	static const uint8_t opc[] = {
		[A_AND] = 0x23, [A_OR] = 0x0B, [A_XOR] = 0x33};
	int w = size == 8, r = jit_pinned(c, s);
	xrr(b, 0, 1, 0x89, RAX, RDX); /* mov rdx, rax */
	c->rdx_valid = false;
	aload(b, size, RAX, RDX);
	uint32_t top = b->len;
	xrr(b, 0, w, 0x89, RAX, RCX); /* mov rcx, rax */
	if (r >= 0)
		xrr(b, 0, w, opc[g], RCX, r);
	else
		xmem(b, 0, w, opc[g], RCX, SLOT(s));
	amem(b, true, size, 0x0FB0, RCX, RDX); /* lock cmpxchg */
	xb(b, (uint8_t)(0x70 + CC_NE));	       /* jne top */
	xb(b, (uint8_t)(top - (b->len + 1)));
}

/* Atomic loads, stores, read-modify-writes and atomic.fence: d a b c
 * off (lower.h). False for the other instructions. */
bool jit_op_atomic(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	unsigned g, size;
	int w;
	if (op == IOP_W_ATOMIC_FENCE) {
		/* mfence: the fence also orders the plain accesses around
		 * it, and a store then a load is the reordering x86 does. */
		xb(b, 0x0F);
		xb(b, 0xAE);
		xb(b, 0xF0);
		return true;
	}
	if (!atomic_kind(op, &g, &size, &w))
		return false;
	jit_ldslot(c, 0, RAX, p[2]); /* the index, zero-extended */
	if (g == A_LOAD) {
		atomic_ea(c, p[5], size);
		int r = jit_pinned(c, p[1]);
		aload(b, size, r >= 0 ? r : RAX, RAX);
		if (r < 0)
			jit_stslot(c, w, p[1], RAX);
		return true;
	}
	if (g == A_AND || g == A_OR || g == A_XOR) {
		atomic_ea(c, p[5], size);
		atomic_bitop(c, g, size, p[3]);
		jit_stslot(c, w, p[1], RAX);
		return true;
	}
	/* The value (cmpxchg: the replacement) in rcx, read while rax or
	 * rdx may still cache it. */
	jit_ldslot(c, w, RCX, p[g == A_CMPXCHG ? 4 : 3]);
	atomic_ea(c, p[5], size);
	if (g == A_CMPXCHG) {
		xrr(b, 0, 1, 0x89, RAX, RDX); /* mov rdx, rax */
		c->rdx_valid = false;
		/* rax = expected, wrapped: the 32-bit load clears the high
		 * half, and the narrow compare ignores the rest. */
		jit_ldslot(c, size == 8, RAX, p[3]);
		amem(b, true, size, 0x0FB0, RCX, RDX); /* lock cmpxchg */
		zext(b, size, RAX);
		jit_stslot(c, w, p[1], RAX);
		return true;
	}
	if (g == A_SUB)
		xrr(b, 0, size == 8, 0xF7, 3, RCX); /* neg rcx */
	if (g == A_STORE || g == A_XCHG)
		amem(b, false, size, 0x86, RCX, RAX); /* xchg (locked) */
	else
		amem(b, true, size, 0x0FC0, RCX, RAX); /* lock xadd */
	if (g == A_STORE)
		return true;
	zext(b, size, RCX);
	jit_stslot(c, w, p[1], RCX);
	return true;
}

/* Instructions jit_slow runs, with their length in cells. */
uint32_t jit_slow_len(enum iop op)
{
	switch (op) {
	case IOP_W_MEMORY_GROW:
	case IOP_W_TABLE_SIZE:
		return 3;
	case IOP_W_DATA_DROP:
	case IOP_W_ELEM_DROP:
		return 2;
	case IOP_W_MEMORY_COPY:
	case IOP_W_MEMORY_FILL:
	case IOP_W_TABLE_GET:
	case IOP_W_TABLE_SET:
		return 4;
	case IOP_W_MEMORY_INIT:
	case IOP_W_TABLE_GROW:
	case IOP_W_TABLE_FILL:
		return 5;
	case IOP_W_TABLE_COPY:
	case IOP_W_TABLE_INIT:
		return 6;
	case IOP_W_I32_CLZ:
	case IOP_W_I32_CTZ:
	case IOP_W_I32_POPCNT:
	case IOP_W_I64_CLZ:
	case IOP_W_I64_CTZ:
	case IOP_W_I64_POPCNT:
	case IOP_W_F32_CEIL:
	case IOP_W_F32_FLOOR:
	case IOP_W_F32_TRUNC:
	case IOP_W_F32_NEAREST:
	case IOP_W_F64_CEIL:
	case IOP_W_F64_FLOOR:
	case IOP_W_F64_TRUNC:
	case IOP_W_F64_NEAREST:
	case IOP_W_F32_CONVERT_I64_U:
	case IOP_W_F64_CONVERT_I64_U:
		return 3;
	case IOP_W_F32_MIN:
	case IOP_W_F32_MAX:
	case IOP_W_F64_MIN:
	case IOP_W_F64_MAX:
	case IOP_W_F32_COPYSIGN:
	case IOP_W_F64_COPYSIGN:
		return 4;
	default:
		if (op >= IOP_W_I32_TRUNC_F32_S && op <= IOP_W_I64_TRUNC_F64_U)
			return 3;
		if (op >= IOP_W_I32_TRUNC_SAT_F32_S &&
		    op <= IOP_W_I64_TRUNC_SAT_F64_U)
			return 3;
		if (IOP_IS_ATOMIC(op))
			return LOWER_ATOMIC_LEN;
		if (IOP_IS_SIMD(op))
			return LOWER_SIMD_LEN;
		return 0;
	}
}
