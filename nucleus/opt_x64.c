/*
 * opt_x64.c: the optimizing tier's x86-64 back end: SSA IR (opt.h) ->
 * machine code, in the baseline JIT's block and with its calling
 * convention (jit.h), so both kinds of function call each other.
 *
 * Values live where opt_ra.c put them: a register (rsi, rdi, r8-r11;
 * rbp, r12, r14, r15 across calls) or an 8-byte stack slot below the
 * pushed registers; constants nowhere (immediates, or materialized in a
 * scratch register). Scratch: rax, rcx, rdx, xmm0, xmm1. i32 values are
 * kept zero-extended, so they index memory as they are: loads and stores
 * address [r13 + index + offset] with no bounds check, like the baseline
 * (the guard pages fault, and the pc map names the wasm offset). Phis
 * become parallel moves on their edges (inline, or in a stub for a
 * conditional edge). Calls, the preemption checks (function entry, loop
 * headers), the stack check and the trap stubs are the baseline's.
 */
#include <stddef.h>

#include "nucleus/jit_gen.h"
#include "nucleus/opt_ra.h"

/* A branch or table entry to patch: value = addr(label) - base. */
struct lfix {
	uint32_t pos, base, label;
};

/* An edge that needs its phi moves in a stub. */
struct estub {
	uint32_t from, to;
};

struct og {
	struct jc *c;
	struct xbuf *b;
	struct opt_fn *fn;
	struct opt_ra ra;
	const icell *cells; /* the lowered code */
	uint32_t *addr;	    /* labels: blocks, then edge stubs */
	struct lfix *fx;
	uint32_t nfx, cfx;
	struct estub *es;
	uint32_t nes, ces;
	uint32_t frame; /* bytes of stack slots and padding */
	int push[4];
	uint32_t npush;
	/* value fwd_v was just stored from register fwd_r to its stack
	 * slot, and the code is still at fwd_at: a read takes the register */
	uint32_t fwd_v, fwd_at;
	int fwd_r;
	bool oom;
};

/* Room for one more element of a growing array. */
static bool more(void **p, uint32_t *cap, uint32_t n, size_t sz, bool *oom)
{
	if (n < *cap)
		return true;
	uint32_t c = *cap ? *cap * 2 : 64;
	void *q = realloc(*p, (size_t)c * sz);
	if (!q) {
		*oom = true;
		return false;
	}
	*p = q;
	*cap = c;
	return true;
}

/* A jcc (cc) or jmp (cc < 0) to label l. */
static void jump(struct og *g, int cc, uint32_t l)
{
	uint32_t pos = cc < 0 ? xjmp32(g->b) : xjcc32(g->b, cc);
	if (more((void **)&g->fx, &g->cfx, g->nfx, sizeof *g->fx, &g->oom))
		g->fx[g->nfx++] = (struct lfix){pos, pos + 4, l};
}

static bool is_k(const struct og *g, uint32_t v)
{
	return g->fn->ins[v].op == OPT_CONST;
}

/* Is v a constant that fits an instruction's imm32 (w: sign-extended
 * to 64 bits)? */
static bool imm(const struct og *g, uint32_t v, int w, int32_t *k)
{
	if (!is_k(g, v))
		return false;
	uint64_t x = g->fn->ins[v].k;
	*k = (int32_t)(uint32_t)x;
	return !w || (int64_t)x == (int64_t)*k;
}

static void mov(struct og *g, int d, int s)
{
	if (d != s)
		xrr(g->b, 0, 1, 0x8B, d, s);
}

/* Stack slot i: [rsp + 8i]. */
#define SPILL(i) RSP, NOIDX, (int32_t)((i)*8)

/* Value v into register r. */
static void get_to(struct og *g, uint32_t v, int r)
{
	if (g->ra.reg[v] >= 0)
		mov(g, r, g->ra.reg[v]);
	else if (g->fwd_v == v && g->fwd_at == g->b->len)
		mov(g, r, g->fwd_r);
	else if (is_k(g, v))
		xmovi(g->b, r, g->fn->ins[v].k);
	else
		xmem(g->b, 0, 1, 0x8B, r, SPILL(g->ra.slot[v]));
}

/* A register holding v: its own, else scratch loaded with it. */
static int get(struct og *g, uint32_t v, int scratch)
{
	if (g->ra.reg[v] >= 0)
		return g->ra.reg[v];
	get_to(g, v, scratch);
	return scratch;
}

/* Where v is computed: its register, else rax (put stores it). */
static int dst(const struct og *g, uint32_t v)
{
	return g->ra.reg[v] >= 0 ? g->ra.reg[v] : RAX;
}

/* v, computed in r, to its location. */
static void put(struct og *g, uint32_t v, int r)
{
	if (g->ra.reg[v] >= 0)
		mov(g, g->ra.reg[v], r);
	else if (g->ra.slot[v] >= 0) {
		xmem(g->b, 0, 1, 0x89, r, SPILL(g->ra.slot[v]));
		g->fwd_v = v, g->fwd_r = r, g->fwd_at = g->b->len;
	}
}

/* Value v to frame slot s (all 64 bits). */
static void to_frame(struct og *g, uint32_t v, uint32_t s)
{
	xmem(g->b, 0, 1, 0x89, get(g, v, RAX), SLOT(s));
}

/* Condition code of each i32/i64 compare, EQ .. GE_U. */
static const uint8_t icc[] = {CC_E, CC_NE, CC_L,  CC_B,	 CC_G,
			      CC_A, CC_LE, CC_BE, CC_GE, CC_AE};

/* The compare op's index (0..9) and width, or -1. */
static int cmp_index(uint32_t op, int *w)
{
	*w = op >= IOP_W_I64_EQ && op <= IOP_W_I64_GE_U;
	if (op >= IOP_W_I32_EQ && op <= IOP_W_I32_GE_U)
		return (int)(op - IOP_W_I32_EQ);
	if (*w)
		return (int)(op - IOP_W_I64_EQ);
	return -1;
}

/* Is v an i32 and with an immediate (a branch on it becomes a test)? */
static bool is_test(const struct og *g, const struct opt_ins *v)
{
	int32_t k;
	return v->op == IOP_W_I32_AND && imm(g, v->a[1], 0, &k);
}

/* Sets the flags for integer compare (or eqz, or and with an immediate:
 * nonzero) v; its condition code. */
static int flags(struct og *g, const struct opt_ins *v)
{
	int w, i = cmp_index(v->op, &w);
	int32_t k = 0;
	if (is_test(g, v)) { /* test r32, imm32 */
		int r = get(g, v->a[0], RAX);
		imm(g, v->a[1], 0, &k);
		xrr(g->b, 0, 0, 0xF7, 0, r);
		x32(g->b, (uint32_t)k);
		return CC_NE;
	}
	if (i < 0) { /* eqz */
		int r = get(g, v->a[0], RAX);
		xrr(g->b, 0, v->op == IOP_W_I64_EQZ, 0x85, r, r);
		return CC_E;
	}
	int ra = get(g, v->a[0], RAX);
	if (imm(g, v->a[1], w, &k))
		xalui(g->b, w, 7, ra, k);
	else
		xrr(g->b, 0, w, 0x3B, ra, get(g, v->a[1], RCX));
	return icc[i];
}

static bool is_icmp(uint32_t op)
{
	int w;
	return cmp_index(op, &w) >= 0 || op == IOP_W_I32_EQZ ||
	       op == IOP_W_I64_EQZ;
}

/* add, or, and, sub, xor (group-1 ext), and imul (ext -1). */
static void alu(struct og *g, uint32_t v, const struct opt_ins *p, int ext,
		int w)
{
	struct xbuf *b = g->b;
	int rd = dst(g, v);
	int32_t k;
	uint32_t opc = ext < 0 ? 0x0FAF : (uint32_t)(ext * 8 + 3);
	if (imm(g, p->a[1], w, &k)) {
		int ra = ext == 0 || (ext == 5 && k != INT32_MIN)
				 ? get(g, p->a[0], RAX)
				 : rd;
		if (ext < 0) { /* imul rd, ra, imm32 */
			xrr(b, 0, w, 0x69, rd, get(g, p->a[0], RAX));
			x32(b, (uint32_t)k);
		} else if (ra != rd) { /* lea rd, [ra +- k]: three operands */
			xmem(b, 0, w, 0x8D, rd, ra, NOIDX, ext ? -k : k);
		} else {
			get_to(g, p->a[0], rd);
			xalui(b, w, ext, rd, k);
		}
	} else {
		int rb = get(g, p->a[1], RCX);
		if (rb == rd && ext != 5) { /* commutative: rd op= a */
			xrr(b, 0, w, opc, rd, get(g, p->a[0], RAX));
		} else if (rb == rd) {
			get_to(g, p->a[0], RAX);
			xrr(b, 0, w, opc, RAX, rb);
			mov(g, rd, RAX);
		} else {
			get_to(g, p->a[0], rd);
			xrr(b, 0, w, opc, rd, rb);
		}
	}
	put(g, v, rd);
}

/* Shifts and rotates (group-2 ext). */
static void shift(struct og *g, uint32_t v, const struct opt_ins *p, int ext,
		  int w)
{
	struct xbuf *b = g->b;
	int rd = dst(g, v);
	if (is_k(g, p->a[1])) {
		get_to(g, p->a[0], rd);
		xrr(b, 0, w, 0xC1, ext, rd);
		xb(b, (uint8_t)(g->fn->ins[p->a[1]].k & (w ? 63 : 31)));
	} else {
		get_to(g, p->a[1], RCX);
		get_to(g, p->a[0], rd);
		xrr(b, 0, w, 0xD3, ext, rd);
	}
	put(g, v, rd);
}

/* Division and remainder, with wasm's traps. */
static void divide(struct og *g, uint32_t v, const struct opt_ins *p, int w,
		   bool sign, bool rem)
{
	struct xbuf *b = g->b;
	get_to(g, p->a[1], RCX);
	get_to(g, p->a[0], RAX);
	xrr(b, 0, w, 0x85, RCX, RCX);
	jit_trap_if(g->c, CC_E, TRAP_DIV_ZERO);
	uint32_t skip = 0;
	if (sign) {
		xalui(b, w, 7, RCX, -1);
		uint32_t norm = xj8(b, CC_NE);
		if (rem) {
			xrr(b, 0, 0, 0x33, RDX, RDX);
			skip = xj8(b, -1);
		} else {
			xmovi(b, RDX, w ? 0x8000000000000000ull : 0x80000000u);
			xrr(b, 0, w, 0x3B, RAX, RDX);
			jit_trap_if(g->c, CC_E, TRAP_INT_OVERFLOW);
		}
		xbind8(b, norm);
		xhead(b, 0, w, 0, 0, 0, 0x99); /* cdq / cqo */
		xrr(b, 0, w, 0xF7, 7, RCX);    /* idiv */
	} else {
		xrr(b, 0, 0, 0x33, RDX, RDX);
		xrr(b, 0, w, 0xF7, 6, RCX); /* div */
	}
	if (skip)
		xbind8(b, skip);
	put(g, v, rem ? RDX : RAX);
}

/* xmm x <- value v's bits. */
static void fload(struct og *g, int x, uint32_t v)
{
	xrr(g->b, 0x66, 1, 0x0F6E, x, get(g, v, RAX));
}

/* v <- xmm0 (sd: all 64 bits, else the low 32, zero-extended). */
static void fput(struct og *g, uint32_t v, int sd)
{
	int rd = dst(g, v);
	xrr(g->b, 0x66, sd, 0x0F7E, 0, rd);
	put(g, v, rd);
}

/* Float arithmetic and compares inline; false if op is not one. */
static bool fop(struct og *g, uint32_t v, const struct opt_ins *p)
{
	struct xbuf *b = g->b;
	uint32_t op = p->op;
	static const uint8_t arith[] = {0x58, 0x5C, 0x59, 0x5E}; /* + - * / */
	int sd = op >= IOP_W_F64_EQ && op <= IOP_W_F64_GE;
	if ((op >= IOP_W_F32_EQ && op <= IOP_W_F32_GE) || sd) {
		uint32_t i = op - (sd ? IOP_W_F64_EQ : IOP_W_F32_EQ);
		/* eq ne lt gt le ge: lt and le compare b with a */
		bool swap = i == 2 || i == 4;
		fload(g, 0, p->a[swap]);
		fload(g, 1, p->a[!swap]);
		xrr(b, sd ? 0x66 : 0, 0, 0x0F2E, 0, 1); /* ucomis */
		if (i < 2) {
			xrr(b, 0, 0, 0x0F90 + (i ? CC_NE : CC_E), 0, RAX);
			xrr(b, 0, 0, 0x0F90 + (i ? CC_P : CC_NP), 0, RCX);
			xrr(b, 0, 0, i ? 0x0A : 0x22, RAX, RCX); /* or/and */
			xrr(b, 0, 0, 0x0FB6, RAX, RAX);
		} else {
			xsetcc(b, i < 4 ? CC_A : CC_AE);
		}
		put(g, v, RAX);
		return true;
	}
	sd = op >= IOP_W_F64_ADD && op <= IOP_W_F64_DIV;
	if ((op >= IOP_W_F32_ADD && op <= IOP_W_F32_DIV) || sd) {
		fload(g, 0, p->a[0]);
		fload(g, 1, p->a[1]);
		xrr(b, sd ? 0xF2 : 0xF3, 0,
		    0x0F00 + arith[op - (sd ? IOP_W_F64_ADD : IOP_W_F32_ADD)],
		    0, 1);
		fput(g, v, sd);
		return true;
	}
	int rd;
	switch (op) {
	case IOP_W_F32_SQRT:
	case IOP_W_F64_SQRT:
		sd = op == IOP_W_F64_SQRT;
		fload(g, 0, p->a[0]);
		xrr(b, sd ? 0xF2 : 0xF3, 0, 0x0F51, 0, 0);
		fput(g, v, sd);
		return true;
	case IOP_W_F32_CONVERT_I32_S:
	case IOP_W_F32_CONVERT_I32_U:
	case IOP_W_F32_CONVERT_I64_S:
	case IOP_W_F64_CONVERT_I32_S:
	case IOP_W_F64_CONVERT_I32_U:
	case IOP_W_F64_CONVERT_I64_S:
		sd = op >= IOP_W_F64_CONVERT_I32_S;
		/* u32 zero-extended converts exactly as an s64 */
		xrr(b, sd ? 0xF2 : 0xF3,
		    op != IOP_W_F32_CONVERT_I32_S &&
			    op != IOP_W_F64_CONVERT_I32_S,
		    0x0F2A, 0, get(g, p->a[0], RAX));
		fput(g, v, sd);
		return true;
	case IOP_W_F32_DEMOTE_F64:
	case IOP_W_F64_PROMOTE_F32:
		sd = op == IOP_W_F64_PROMOTE_F32;
		fload(g, 0, p->a[0]);
		xrr(b, sd ? 0xF3 : 0xF2, 0, 0x0F5A, 0, 0);
		fput(g, v, sd);
		return true;
	case IOP_W_F32_ABS:
	case IOP_W_F32_NEG:
		rd = dst(g, v);
		get_to(g, p->a[0], rd);
		xalui(b, 0, op == IOP_W_F32_ABS ? 4 : 6, rd,
		      op == IOP_W_F32_ABS ? 0x7FFFFFFF : INT32_MIN);
		put(g, v, rd);
		return true;
	case IOP_W_F64_ABS:
	case IOP_W_F64_NEG:
		rd = dst(g, v);
		get_to(g, p->a[0], rd);
		xrr(b, 0, 1, 0x0FBA, op == IOP_W_F64_ABS ? 6 : 7, rd);
		xb(b, 63); /* btr / btc */
		put(g, v, rd);
		return true;
	case IOP_W_F32_COPYSIGN:
		get_to(g, p->a[1], RCX);
		get_to(g, p->a[0], RAX);
		xalui(b, 0, 4, RAX, 0x7FFFFFFF);
		xalui(b, 0, 4, RCX, INT32_MIN);
		xrr(b, 0, 0, 0x0B, RAX, RCX);
		put(g, v, RAX);
		return true;
	case IOP_W_F64_COPYSIGN:
		get_to(g, p->a[1], RCX);
		get_to(g, p->a[0], RAX);
		xrr(b, 0, 1, 0x0FBA, 6, RAX);
		xb(b, 63);
		xrr(b, 0, 1, 0xC1, 5, RCX); /* shr rcx, 63; shl rcx, 63 */
		xb(b, 63);
		xrr(b, 0, 1, 0xC1, 4, RCX);
		xb(b, 63);
		xrr(b, 0, 1, 0x0B, RAX, RCX);
		put(g, v, RAX);
		return true;
	default:
		return false;
	}
}

/* Integer unary instructions, reinterpretations; false if not one. */
static bool unop(struct og *g, uint32_t v, const struct opt_ins *p)
{
	struct xbuf *b = g->b;
	int rd = dst(g, v);
	switch (p->op) {
	case IOP_W_I32_WRAP_I64:
	case IOP_W_I64_EXTEND_I32_U:
		xrr(b, 0, 0, 0x8B, rd, get(g, p->a[0], RAX));
		break;
	case IOP_W_I64_EXTEND_I32_S:
	case IOP_W_I64_EXTEND32_S:
		xrr(b, 0, 1, 0x63, rd, get(g, p->a[0], RAX));
		break;
	case IOP_W_I32_EXTEND8_S:
	case IOP_W_I64_EXTEND8_S:
	case IOP_W_I32_EXTEND16_S:
	case IOP_W_I64_EXTEND16_S:
		get_to(g, p->a[0], RAX); /* al: no REX needed */
		xrr(b, 0,
		    p->op == IOP_W_I64_EXTEND8_S ||
			    p->op == IOP_W_I64_EXTEND16_S,
		    p->op == IOP_W_I32_EXTEND8_S || p->op == IOP_W_I64_EXTEND8_S
			    ? 0x0FBE
			    : 0x0FBF,
		    rd, RAX);
		break;
	case IOP_W_I32_REINTERPRET_F32:
	case IOP_W_F32_REINTERPRET_I32:
	case IOP_W_I64_REINTERPRET_F64:
	case IOP_W_F64_REINTERPRET_I64:
		get_to(g, p->a[0], rd);
		break;
	default:
		return false;
	}
	put(g, v, rd);
	return true;
}

/* Integer binary instructions; false if op is not one. */
static bool binop(struct og *g, uint32_t v, const struct opt_ins *p)
{
	uint32_t op = p->op;
	int w = op >= IOP_W_I64_CLZ && op <= IOP_W_I64_ROTR;
	uint32_t base = w ? IOP_W_I64_ADD : IOP_W_I32_ADD;
	if (!(op >= IOP_W_I32_ADD && op <= IOP_W_I32_ROTR) &&
	    !(op >= IOP_W_I64_ADD && op <= IOP_W_I64_ROTR))
		return false;
	/* add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u
	 * rotl rotr */
	static const int8_t ext[] = {0, 5, -1, 0, 0, 0, 0, 4,
				     1, 6, 4,  7, 5, 0, 1};
	uint32_t i = op - base;
	if (i >= 3 && i <= 6)
		divide(g, v, p, w, i == 3 || i == 5, i >= 5);
	else if (i >= 10)
		shift(g, v, p, ext[i], w);
	else
		alu(g, v, p, ext[i], w);
	return true;
}

/* Effective address [r13 + *idx + disp] of address value a plus off. */
static int32_t addr(struct og *g, uint32_t a, uint32_t off, int *idx)
{
	if (is_k(g, a)) {
		uint64_t ea = (uint32_t)g->fn->ins[a].k + (uint64_t)off;
		if (ea <= 0x7FFFFFFF) {
			*idx = NOIDX;
			return (int32_t)ea;
		}
		xmovi(g->b, RAX, ea);
		*idx = RAX;
		return 0;
	}
	int r = get(g, a, RAX);
	*idx = r;
	if (off <= 0x7FFFFFFF)
		return (int32_t)off;
	xmovi(g->b, RDX, off);
	xmem(g->b, 0, 1, 0x8D, RAX, r, RDX, 0); /* lea rax, [r + rdx] */
	*idx = RAX;
	return 0;
}

static bool memop(struct og *g, uint32_t v, const struct opt_ins *p)
{
	uint32_t opc;
	int w, pfx, idx;
	if (jit_load_form((enum iop)p->op, &opc, &w)) {
		int32_t d = addr(g, p->a[0], (uint32_t)p->k, &idx);
		int rd = dst(g, v);
		xmem(g->b, 0, w, opc, rd, R13, idx, d);
		put(g, v, rd);
		return true;
	}
	if (!jit_store_form((enum iop)p->op, &opc, &w, &pfx))
		return false;
	int rv = get(g, p->a[1], RCX);
	if (opc == 0x88 && rv >= RSP && rv <= RDI) { /* no sil, dil, bpl */
		mov(g, RCX, rv);
		rv = RCX;
	}
	int32_t d = addr(g, p->a[0], (uint32_t)p->k, &idx);
	xmem(g->b, pfx, w, opc, rv, R13, idx, d);
	return true;
}

/* Which instructions call out (jit_slow, calls): caller-saved registers
 * do not survive them. */
static bool slow(uint32_t op);
static bool clobbers(const struct opt_ins *v)
{
	return v->op == OPT_CALL || slow(v->op);
}

/* Is op an instruction jit_slow runs for this tier (not inline)? */
static bool slow(uint32_t op)
{
	if (op == IOP_W_MEMORY_GROW || op == IOP_W_MEMORY_FILL ||
	    op == IOP_W_MEMORY_COPY)
		return true;
	if (op >= OP_COUNT || op == IOP_W_F32_COPYSIGN ||
	    op == IOP_W_F64_COPYSIGN || op == IOP_W_I64_EXTEND_I32_S ||
	    op == IOP_W_I64_EXTEND_I32_U)
		return false;
	unsigned cls = wasm_ops[op].cls;
	return (cls == OPC_UNARY || cls == OPC_IBINARY || cls == OPC_FBINARY) &&
	       jit_slow_len((enum iop)op) != 0;
}

/* Runs instruction v in C (jit_slow): its operands to the frame slots
 * its lowered cells name, its result back from there. */
static void slow_call(struct og *g, uint32_t v, const struct opt_ins *p)
{
	struct xbuf *b = g->b;
	const icell *q = g->cells + p->pc;
	bool res = p->op != IOP_W_MEMORY_FILL && p->op != IOP_W_MEMORY_COPY;
	for (uint32_t i = 0; i < p->n; i++)
		to_frame(g, p->a[i], q[1 + res + i]);
	jit_inst_elem(g->c, RDI, offsetof(wasm_instance, funcs),
		      g->c->f->index);
	xrr(b, 0, 1, 0x89, RBX, RSI); /* mov rsi, rbx */
	xmovi(b, RDX, p->pc);
	xmovi(b, RCX, p->op);
	xcall(b, (void *)jit_slow);
	if (res && (g->ra.reg[v] >= 0 || g->ra.slot[v] >= 0)) {
		int rd = dst(g, v);
		xmem(b, 0, p->w64, 0x8B, rd, SLOT(q[1]));
		put(g, v, rd);
	}
}

/* A call: arguments (and call_indirect's index) to the frame slots of
 * the lowered instruction, then the baseline's call sequence. */
static void call(struct og *g, const struct opt_ins *p)
{
	const icell *q = g->cells + p->pc;
	enum iop op = (enum iop)q[0];
	uint32_t *a = g->fn->pool + p->list, n = p->nl;
	if (op == IOP_CALL_IND) {
		n--;
		to_frame(g, a[n], q[4]);
	}
	for (uint32_t i = 0; i < n; i++)
		to_frame(g, a[i], p->x + i);
	jit_call(g->c, op, q);
}

/* The other non-control instructions; false if op is not one. */
static bool misc(struct og *g, uint32_t v, const struct opt_ins *p)
{
	struct xbuf *b = g->b;
	int rd = dst(g, v);
	const wasm_instance *inst = g->c->inst;
	switch (p->op) {
	case OPT_CONST:
		return true; /* where it is used */
	case OPT_PARAM:
	case OPT_RES: {
		uint32_t s = p->op == OPT_PARAM
				     ? (uint32_t)p->k
				     : g->fn->ins[p->a[0]].x + (uint32_t)p->k;
		xmem(b, 0, p->w64, 0x8B, rd, SLOT(s));
		break;
	}
	case OPT_GGET: {
		uint8_t t = inst->module->globals[p->k].type;
		int w = t != WASM_I32 && t != WASM_F32;
		jit_inst_elem(g->c, RCX, offsetof(wasm_instance, globals),
			      (uint32_t)p->k);
		xmem(b, 0, w, 0x8B, rd, RCX, NOIDX,
		     (int32_t)offsetof(wasm_global, val));
		break;
	}
	case OPT_GSET: {
		int r = get(g, p->a[0], RAX);
		jit_inst_elem(g->c, RCX, offsetof(wasm_instance, globals),
			      (uint32_t)p->k);
		xmem(b, 0, 1, 0x89, r, RCX, NOIDX,
		     (int32_t)offsetof(wasm_global, val));
		return true;
	}
	case OPT_SEL: {
		int rc = get(g, p->a[2], RCX);
		xrr(b, 0, 0, 0x85, rc, rc);
		get_to(g, p->a[0], RAX); /* mov: the flags stay */
		xrr(b, 0, 1, 0x0F40 + CC_E, RAX, get(g, p->a[1], RDX));
		rd = RAX;
		break;
	}
	case IOP_W_MEMORY_SIZE:
		jit_inst_elem(g->c, RCX, offsetof(wasm_instance, mems), 0);
		xmem(b, 0, 0, 0x8B, rd, RCX, NOIDX,
		     (int32_t)offsetof(wasm_memory, pages));
		break;
	case OPT_PREEMPT:
		jit_preempt_check(g->c);
		return true;
	case OPT_TRAP:
		jit_trap_if(g->c, -1, (int)p->k);
		return true;
	case OPT_CALL:
		call(g, p);
		return true;
	default:
		if (is_icmp(p->op)) {
			xsetcc(b, flags(g, p));
			rd = RAX;
			break;
		}
		return false;
	}
	put(g, v, rd);
	return true;
}

/* Locations for parallel moves: a register (0-15) or stack slot
 * (16 + i). */
static int loc(const struct og *g, uint32_t v)
{
	return g->ra.reg[v] >= 0 ? g->ra.reg[v] : 16 + g->ra.slot[v];
}

static void move_loc(struct og *g, int d, int s)
{
	if (d == s)
		return;
	if (d < 16 && s < 16)
		mov(g, d, s);
	else if (d < 16)
		xmem(g->b, 0, 1, 0x8B, d, SPILL(s - 16));
	else if (s < 16)
		xmem(g->b, 0, 1, 0x89, s, SPILL(d - 16));
	else {
		xmem(g->b, 0, 1, 0x8B, RCX, SPILL(s - 16));
		xmem(g->b, 0, 1, 0x89, RCX, SPILL(d - 16));
	}
}

/* The phi operand index of edge from -> to (any, if several). */
static uint32_t pred_index(const struct opt_fn *fn, uint32_t from, uint32_t to)
{
	const struct opt_blk *k = &fn->blk[to];
	for (uint32_t j = 0; j < k->npred; j++)
		if (fn->pool[k->pred + j] == from)
			return j;
	return 0;
}

/* Emits (or with emit false, counts) the moves of edge from -> to:
 * each live phi of `to` gets its operand, all read before any is
 * written (a cycle is broken through rax). */
static uint32_t edge_moves(struct og *g, uint32_t from, uint32_t to, bool emit)
{
	struct opt_fn *fn = g->fn;
	struct opt_blk *k = &fn->blk[to];
	uint32_t j = pred_index(fn, from, to), n = 0, nk = 0;
	int d[64], s[64];
	uint32_t kv[64], kd[64];
	for (uint32_t i = 0; i < k->n; i++) {
		struct opt_ins *p = &fn->ins[k->ins[i]];
		if (p->op != OPT_PHI)
			break;
		uint32_t x = fn->pool[p->list + j], v = k->ins[i];
		if (g->ra.reg[v] < 0 && g->ra.slot[v] < 0)
			continue;
		if (is_k(g, x)) {
			if (nk < 64)
				kv[nk] = x, kd[nk] = (uint32_t)loc(g, v);
			nk++;
		} else if (loc(g, x) != loc(g, v)) {
			if (n < 64)
				d[n] = loc(g, v), s[n] = loc(g, x);
			n++;
		}
	}
	if (n > 64 || nk > 64) {
		g->oom = true; /* too many: leave f to the baseline */
		return 0;
	}
	if (!emit)
		return n + nk;
	bool done[64] = {0};
	for (uint32_t left = n; left;) {
		bool progress = false;
		for (uint32_t i = 0; i < n; i++) {
			if (done[i])
				continue;
			bool blocked = false;
			for (uint32_t m = 0; m < n && !blocked; m++)
				blocked = !done[m] && m != i && s[m] == d[i];
			if (blocked)
				continue;
			move_loc(g, d[i], s[i]);
			done[i] = progress = true;
			left--;
		}
		if (progress)
			continue;
		for (uint32_t i = 0; i < n; i++) { /* a cycle: free one */
			if (done[i])
				continue;
			move_loc(g, RAX, d[i]);
			for (uint32_t m = 0; m < n; m++)
				if (!done[m] && s[m] == d[i])
					s[m] = RAX;
			break;
		}
	}
	for (uint32_t i = 0; i < nk; i++) {
		uint64_t x = fn->ins[kv[i]].k;
		if (kd[i] < 16) {
			xmovi(g->b, (int)kd[i], x);
		} else {
			xmovi(g->b, RCX, x);
			xmem(g->b, 0, 1, 0x89, RCX, SPILL(kd[i] - 16));
		}
	}
	return n + nk;
}

/* A label for edge from -> to: the block itself when the edge needs no
 * moves, else a stub emitted at the end. */
static uint32_t edge_label(struct og *g, uint32_t from, uint32_t to)
{
	if (!edge_moves(g, from, to, false))
		return to;
	if (!more((void **)&g->es, &g->ces, g->nes, sizeof *g->es, &g->oom))
		return to;
	g->es[g->nes] = (struct estub){from, to};
	return g->fn->nblk + g->nes++;
}

/* Function exit: restores rsp and the pushed registers, returns. */
static void epilogue(struct og *g)
{
	if (g->frame)
		xalui(g->b, 1, 0, RSP, (int32_t)g->frame);
	for (uint32_t i = g->npush; i-- > 0;)
		xhead(g->b, 0, 0, 0, 0, g->push[i], 0x58 + (g->push[i] & 7));
	xb(g->b, 0xC3);
}

/* Block bi's terminator p (next: the block laid out after it). */
static void terminator(struct og *g, uint32_t bi, const struct opt_ins *p,
		       uint32_t next, bool fused)
{
	struct opt_fn *fn = g->fn;
	struct xbuf *b = g->b;
	const uint32_t *succ = fn->pool + fn->blk[bi].succ;
	switch (p->op) {
	case OPT_JMP:
		edge_moves(g, bi, succ[0], true);
		if (succ[0] != next)
			jump(g, -1, succ[0]);
		return;
	case OPT_BRIF: {
		int cc = CC_NE;
		if (fused) {
			cc = flags(g, &fn->ins[p->a[0]]);
		} else {
			int r = get(g, p->a[0], RAX);
			xrr(b, 0, 0, 0x85, r, r);
		}
		uint32_t t = edge_label(g, bi, succ[0]);
		uint32_t f = edge_label(g, bi, succ[1]);
		if (f == next) {
			jump(g, cc, t);
		} else if (t == next) {
			jump(g, cc ^ 1, f);
		} else {
			jump(g, cc, t);
			jump(g, -1, f);
		}
		return;
	}
	case OPT_BRTAB: {
		uint32_t nt = fn->blk[bi].nsucc - 1;
		int r = get(g, p->a[0], RAX);
		xalui(b, 0, 7, r, (int32_t)nt);
		jump(g, CC_AE, edge_label(g, bi, succ[nt]));
		xrr(b, 0, 0, 0x8B, RAX, r);
		uint32_t tab = jit_jump_table(b);
		for (uint32_t i = 0; i < nt; i++) {
			uint32_t l = edge_label(g, bi, succ[i]);
			if (more((void **)&g->fx, &g->cfx, g->nfx,
				 sizeof *g->fx, &g->oom))
				g->fx[g->nfx++] = (struct lfix){b->len, tab, l};
			x32(b, 0);
		}
		return;
	}
	case OPT_RET: {
		const uint32_t *a = fn->pool + p->list;
		for (uint32_t i = 0; i < p->nl; i++)
			to_frame(g, a[i], i);
		epilogue(g);
		return;
	}
	default: /* OPT_TRAP */
		return;
	}
}

/* Records native offset -> lowered cell pc for the fault handler. */
static void map_pc(struct og *g, uint32_t pc)
{
	struct jc *c = g->c;
	if (!more((void **)&c->map, &c->cmap, c->nmap + 1, 4, &g->oom))
		return;
	c->map[c->nmap++] = g->b->len - c->start;
	c->map[c->nmap++] = pc;
}

/* Saves (or with back, restores) the values kept in caller-saved
 * registers that live across the call at layout index i. */
static void save_around(struct og *g, uint32_t i, bool back)
{
	const struct opt_ra *ra = &g->ra;
	for (uint32_t j = 0; j < ra->nsaved; j++) {
		uint32_t v = ra->saved[j];
		if (ra->reg[v] < 0 || ra->start[v] >= 2 * i ||
		    ra->end[v] <= 2 * i)
			continue;
		xmem(g->b, 0, 1, back ? 0x8B : 0x89, ra->reg[v],
		     SPILL(ra->slot[v]));
	}
}

/* Emits instruction v, the i-th of the layout (false: one this back end
 * has no code for). */
static bool emit(struct og *g, uint32_t v, uint32_t i)
{
	const struct opt_ins *p = &g->fn->ins[v];
	g->c->pc = p->pc;
	map_pc(g, p->pc);
	if (!clobbers(p))
		return misc(g, v, p) || memop(g, v, p) || binop(g, v, p) ||
		       unop(g, v, p) || fop(g, v, p);
	save_around(g, i, false);
	if (slow(p->op))
		slow_call(g, v, p);
	else
		call(g, p);
	save_around(g, i, true);
	return true;
}

/* Is compare (or and with an immediate) v only used by the branch right
 * after it (fused there)? */
static bool fusable(const struct og *g, uint32_t i)
{
	const struct opt_fn *fn = g->fn;
	const struct opt_ins *p = &fn->ins[g->ra.ord[i]];
	if (!(is_icmp(p->op) || is_test(g, p)) || p->uses != 1 ||
	    i + 1 >= g->ra.nord)
		return false;
	const struct opt_ins *t = &fn->ins[g->ra.ord[i + 1]];
	return t->op == OPT_BRIF && t->a[0] == g->ra.ord[i];
}

/* Prologue: entry stub, pushes, stack slots, checks. */
static void prologue(struct og *g)
{
	static const int callee[] = {RBP, R12, R14, R15};
	jit_entry_stub(g->c);
	g->npush = 0;
	for (int i = 0; i < 4; i++)
		if (g->ra.used >> callee[i] & 1)
			g->push[g->npush++] = callee[i];
	for (uint32_t i = 0; i < g->npush; i++)
		xhead(g->b, 0, 0, 0, 0, g->push[i], 0x50 + (g->push[i] & 7));
	g->frame = 8 * g->ra.nslot;
	if ((8 + 8 * g->npush + g->frame) % 16)
		g->frame += 8;
	if (g->frame)
		xalui(g->b, 1, 5, RSP, (int32_t)g->frame);
	g->c->pc = 0;
	jit_stack_check(g->c, g->fn->nslots);
	jit_preempt_check(g->c);
}

/* The body: blocks in layout order, then the edge stubs. */
static bool body(struct og *g)
{
	struct opt_fn *fn = g->fn;
	struct opt_ra *ra = &g->ra;
	for (uint32_t o = 0; o < fn->norder && !g->oom; o++) {
		uint32_t bi = fn->order[o];
		uint32_t next =
			o + 1 < fn->norder ? fn->order[o + 1] : OPT_NONE;
		g->addr[bi] = g->b->len;
		g->fwd_at = UINT32_MAX; /* other paths land here */
		for (uint32_t i = ra->bfrom[bi]; i < ra->bto[bi]; i++) {
			uint32_t v = ra->ord[i];
			struct opt_ins *p = &fn->ins[v];
			if (p->op == OPT_PHI)
				continue;
			if (p->op >= OPT_JMP && p->op != OPT_TRAP) {
				g->c->pc = p->pc;
				map_pc(g, p->pc);
				terminator(g, bi, p, next,
					   i > ra->bfrom[bi] &&
						   fusable(g, i - 1));
				continue;
			}
			if (fusable(g, i))
				continue;
			if (!emit(g, v, i)) {
				fn->uncovered = (enum iop)p->op;
				return false;
			}
		}
	}
	for (uint32_t i = 0; i < g->nes && !g->oom; i++) {
		g->addr[fn->nblk + i] = g->b->len;
		g->fwd_at = UINT32_MAX;
		edge_moves(g, g->es[i].from, g->es[i].to, true);
		jump(g, -1, g->es[i].to);
	}
	return !g->oom;
}

/* Is every instruction of fn one this back end emits? Names the first
 * that is not. */
static bool covered(struct og *g)
{
	struct opt_fn *fn = g->fn;
	for (uint32_t i = 0; i < fn->nins; i++) {
		uint32_t op = fn->ins[i].op;
		if (op > OPT_FIRST || slow(op) || is_icmp(op))
			continue;
		if (op == IOP_W_MEMORY_SIZE ||
		    (op >= IOP_W_I32_LOAD && op <= IOP_W_I64_STORE32) ||
		    (op >= IOP_W_I32_ADD && op <= IOP_W_I32_ROTR) ||
		    (op >= IOP_W_I64_ADD && op <= IOP_W_I64_ROTR) ||
		    (op >= IOP_W_F32_EQ && op <= IOP_W_F64_GE) ||
		    (op >= IOP_W_F32_ABS && op <= IOP_W_F64_REINTERPRET_I64) ||
		    (op >= IOP_W_I32_EXTEND8_S && op <= IOP_W_I64_EXTEND32_S))
			continue;
		fn->uncovered = (enum iop)op;
		return false;
	}
	return true;
}

/* Patches every branch and table entry. */
static bool link_labels(struct og *g)
{
	for (uint32_t i = 0; i < g->nfx; i++) {
		struct lfix *x = &g->fx[i];
		uint32_t to = g->addr[x->label];
		if (to == UINT32_MAX)
			return false;
		xpatch32(g->b, x->pos, (int32_t)(to - x->base));
	}
	return true;
}

/* Compiles fn into c (already built and optimized). */
static bool generate(struct og *g)
{
	struct jc *c = g->c;
	if (!covered(g) || !opt_alloc(g->fn, &g->ra, clobbers))
		return false;
	size_t nl = (size_t)g->fn->nblk + 2 * g->fn->nins + 2;
	g->addr = malloc(nl * 4);
	if (!g->addr)
		return false;
	memset(g->addr, 0xFF, nl * 4);
	c->nts = c->nps = c->nfx = 0;
	c->nslots = 0; /* no baseline pinning: jit_call reads frame cells */
	c->npin = 0;
	c->zext = 0;
	c->cvalid = c->rdx_valid = false;
	c->cslot = c->cend = c->zend = UINT32_MAX;
	c->save_scratch = true;
	prologue(g);
	bool ok = body(g) && !c->b.oom && !c->oom;
	if (ok)
		jit_stubs(c);
	c->save_scratch = false;
	return ok && !c->b.oom && !c->oom && link_labels(g);
}

bool opt_compile(struct jc *c, wasm_func *f, struct jit_code *out)
{
	struct opt_fn fn;
	struct og g = {.c = c, .b = &c->b, .fn = &fn, .fwd_at = UINT32_MAX};
	uint32_t map0 = c->nmap, cf0 = c->ncf;
	c->f = f;
	c->inst = f->inst;
	c->start = c->b.len;
	bool ok = opt_build_at(&fn, f, c->osr ? c->osr - 1 : OPT_NONE);
	if (ok) {
		opt_stats.ins_in += fn.nins;
		opt_optimize(&fn);
		g.cells = fn.code->code;
		ok = !fn.oom && generate(&g);
	}
	if (ok) {
		opt_stats.compiled++;
		if (!f->code) { /* jit_slow and the pc map read it */
			f->code = lower_publish(f, true, fn.code);
			fn.code = NULL;
		}
		out->f = f;
		out->size = c->b.len - c->start;
		out->mem = (uint8_t *)(uintptr_t)c->start;
		out->pcs = (uint32_t *)(uintptr_t)map0;
		out->nmap = (c->nmap - map0) / 2;
	} else {
		opt_stats.fallback++;
		opt_stats.uncovered[fn.uncovered]++;
		if (!c->b.oom)
			c->b.len = c->start;
		c->nmap = map0;
		c->ncf = cf0;
		c->oom = false;
	}
	opt_ra_free(&g.ra);
	free(g.addr);
	free(g.fx);
	free(g.es);
	opt_free(&fn);
	return ok;
}
