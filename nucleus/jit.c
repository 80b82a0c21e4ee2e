/*
 * jit.c: translates a function's internal code (lower.h) into x86-64
 * machine code. See jit.h for the code model and calling convention.
 *
 * One pass: the lowering (lower.c) reads the body, models the operand
 * stack and hands
 * over each internal instruction as soon as it is final (lower_sink).
 * Before it starts, the busiest slots, locals and operand-stack entries
 * alike, get registers; validation counted their uses (wasm_profile).
 * Each instruction becomes a short template that reads its
 * operands from those registers or frame cells ([rbx + 16*slot]), computes
 * in rax/rcx/rdx/xmm0 (or straight into a pinned result register) and
 * writes its result slot. Immediates go into the instructions; loads and
 * stores address [r13 + index + offset] with no bounds check (the
 * memory's 8 GiB reservation turns a stray access into a fault, which
 * jit_fault_location maps back to the wasm offset). Branches to later
 * cells and traps are patched/emitted at the end; traps jump to
 * out-of-line stubs that call jit_trap_pc. Rare or complex instructions
 * (table and bulk memory ops, float rounding, min/max, float-to-int
 * truncations, memory.atomic.wait/notify) call jit_slow, which runs them
 * in C; the other atomics are inline (jit_ops.c).
 * Calls to functions of the same block are direct (call rel32 to the
 * callee's body, past its entry stub: see jit.h).
 */

#include <stddef.h>

#include "nucleus/jit_gen.h"

/* Makes room for need elements of size sz in *a (capacity *cap); false
 * when out of memory. */
static bool reserve(void **a, uint32_t *cap, uint32_t need, size_t sz)
{
	if (need <= *cap)
		return true;
	uint32_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *p = realloc(*a, (size_t)c * sz);
	if (!p)
		return false;
	*a = p;
	*cap = c;
	return true;
}

/* Room for one more element in a JIT_VEC; false (and c->oom) if none. */
#define GROW(c, v)                                                             \
	((c)->n##v < (c)->c##v || reserve((void **)&(c)->v, &(c)->c##v,        \
					  (c)->n##v + 1, sizeof *(c)->v)       \
		 ? true                                                        \
		 : ((c)->oom = true, false))

static void add_fix(struct jc *c, uint32_t pos, uint32_t base, uint32_t cell)
{
	if (GROW(c, fx))
		c->fx[c->nfx++] = (struct fix){pos, base, cell};
}

void jit_br(struct jc *c, int cc, const icell *t)
{
	uint32_t pos = cc < 0 ? xjmp32(&c->b) : xjcc32(&c->b, cc);
	add_fix(c, pos, pos + 4, (uint32_t)(t - c->cells));
}

/* Jump on cc to a stub raising `kind` at the current instruction. */
void jit_trap_if(struct jc *c, int cc, int kind)
{
	uint32_t pos = cc < 0 ? xjmp32(&c->b) : xjcc32(&c->b, cc);
	if (GROW(c, ts))
		c->ts[c->nts++] = (struct tsite){pos, c->pc, kind};
}

/*
 * Preemption check (function entries, loop headers): when
 * wasm_preempt_flag is set, jumps to an out-of-line stub (finish) that
 * calls rt_preempt with the pinned locals saved. May clobber rax.
 */
void jit_preempt_check(struct jc *c)
{
	struct xbuf *b = &c->b;
	intptr_t flag = (intptr_t)&wasm_preempt_flag;
	/* rip after the 7-byte rip-relative form */
	intptr_t rel = flag - (intptr_t)(b->p + b->len + 7);
	if (flag == (int32_t)flag) { /* cmp byte [abs32], 0 */
		xb(b, 0x80);
		xb(b, 0x3C);
		xb(b, 0x25);
		x32(b, (uint32_t)flag);
	} else if (b->fixed && rel == (int32_t)rel) { /* cmp [rip+rel] */
		xb(b, 0x80);
		xb(b, 0x3D);
		x32(b, (uint32_t)rel);
	} else {
		xmovi(b, RAX, (uintptr_t)flag);
		xmem(b, 0, 0, 0x80, 7, RAX, NOIDX, 0); /* cmp byte [rax] */
	}
	xb(b, 0);
	uint32_t pos = xjcc32(b, CC_NE);
	if (GROW(c, ps))
		c->ps[c->nps++] = pos;
}

/* op reg, slot: the slot's register or its frame cell as the r/m. */
void jit_sop(struct jc *c, int pfx, int w, uint32_t opc, int reg, uint32_t s)
{
	int r = jit_src(c, s);
	if (r >= 0)
		xrr(&c->b, pfx, w, opc, reg, r);
	else
		xmem(&c->b, pfx, w, opc, reg, SLOT(s));
}

/* mov r, slot (32 or 64 bits) and back. */
void jit_ldslot(struct jc *c, int w, int r, uint32_t s)
{
	if (c->zext >> r & 1)
		w = 0; /* an i32 local's register: keep it zero-extended */
	if (r == RAX && c->cvalid) {
		c->cvalid = false;
		if (s == c->cslot) {
			if (c->cw && !w)
				xrr(&c->b, 0, 0, 0x8B, RAX, RAX); /* zero-ext */
			return;
		}
		/* rax is overwritten: keep the result in rdx for a later
		 * operand of this instruction (unless it has a register). */
		if (jit_pinned(c, c->cslot) < 0) {
			xrr(&c->b, 0, 1, 0x89, RAX, RDX);
			c->rdx_valid = true;
		}
	}
	jit_sop(c, 0, w, 0x8B, r, s);
}

void jit_stslot(struct jc *c, int w, uint32_t s, int r)
{
	int p = jit_pinned(c, s);
	if (p >= 0 && (!w || c->zext >> p & 1)) {
		xrr(&c->b, 0, 0, 0x89, r, p);
		jit_zext_out(c, p);
	} else if (p >= 0)
		xrr(&c->b, 0, w, 0x89, r, p);
	else
		xmem(&c->b, 0, w, 0x89, r, SLOT(s));
	if (r == RAX) {
		c->cslot = s;
		c->cw = w;
		c->cend = c->b.len;
	}
}

int jit_opnd(struct jc *c, int w, uint32_t s)
{
	int r = jit_src(c, s);
	if (r >= 0)
		return r;
	jit_ldslot(c, w, RAX, s);
	return RAX;
}

/* xmm x <- slot / slot <- xmm x (sd: 64 bits). */
void jit_fld(struct jc *c, int sd, int x, uint32_t s)
{
	int r = jit_src(c, s);
	if (r >= 0)
		xrr(&c->b, 0x66, 1, 0x0F6E, x, r); /* movq xmm, r64 */
	else
		xmem(&c->b, sd ? 0xF2 : 0xF3, 0, 0x0F10, x, SLOT(s));
}

void jit_fst(struct jc *c, int sd, uint32_t s, int x)
{
	int r = jit_pinned(c, s);
	if (r >= 0)
		xrr(&c->b, 0x66, sd, 0x0F7E, x, r); /* movd/movq r, xmm */
	else
		xmem(&c->b, sd ? 0xF2 : 0xF3, 0, 0x0F11, x, SLOT(s));
}

/* SSE op xmm x, slot (through xmm1 when the slot is in a register). */
void jit_fop(struct jc *c, int pfx, uint32_t opc, int x, uint32_t s)
{
	int r = jit_src(c, s);
	if (r >= 0) {
		xrr(&c->b, 0x66, 1, 0x0F6E, XMM1, r);
		xrr(&c->b, pfx, 0, opc, x, XMM1);
	} else {
		xmem(&c->b, pfx, 0, opc, x, SLOT(s));
	}
}

/*
 * Writes pinned slots to their frame cells, or reads them back (back):
 * the slots in [lo, hi), and every slot below hi that lives in a
 * caller-saved register.
 */
static void spill(struct jc *c, uint32_t lo, uint32_t hi, bool back)
{
	for (uint32_t i = 0; i < c->npin; i++) {
		uint32_t s = c->pslot[i];
		int r = c->preg[i];
		if (s >= hi || (s < lo && jit_callee_saved(r)))
			continue;
		xmem(&c->b, 0, !(c->zext >> r & 1), back ? 0x8B : 0x89, r,
		     SLOT(s));
	}
}

/* Return: results (slots 0..) to memory, registers restored, ret. */
static void epilogue(struct jc *c)
{
	struct xbuf *b = &c->b;
	for (uint32_t i = 0; i < c->npin; i++)
		if (c->pslot[i] < c->nresults)
			xmem(b, 0, 1, 0x89, c->preg[i], SLOT(c->pslot[i]));
	if (c->pad)
		xalui(b, 1, 0, RSP, 8);
	for (uint32_t i = c->npush; i-- > 0;)
		xhead(b, 0, 0, 0, 0, c->push[i], 0x58 + (c->push[i] & 7));
	xb(b, 0xC3);
}

/* r = the running instance (jit_st.inst). */
static void jit_inst(struct jc *c, int r)
{
	xmovi(&c->b, r, (uintptr_t)&jit_st.inst);
	xmem(&c->b, 0, 1, 0x8B, r, r, NOIDX, 0);
}

void jit_inst_elem(struct jc *c, int r, size_t off, uint32_t i)
{
	jit_inst(c, r);
	xmem(&c->b, 0, 1, 0x8B, r, r, NOIDX, (int32_t)off);
	xmem(&c->b, 0, 1, 0x8B, r, r, NOIDX, (int32_t)(i * 8));
}

static void call_ind(struct jc *c, const icell *p)
{
	struct xbuf *b = &c->b;
	wasm_instance *inst = c->inst;
	jit_ldslot(c, 0, RAX, p[4]);
	jit_inst_elem(c, RCX, offsetof(wasm_instance, tables), p[2]);
	xmem(b, 0, 0, 0x3B, RAX, RCX, NOIDX,
	     (int32_t)offsetof(wasm_table, size));
	jit_trap_if(c, CC_AE, TRAP_UNDEFINED_ELEMENT);
	xmem(b, 0, 1, 0x8B, RCX, RCX, NOIDX,
	     (int32_t)offsetof(wasm_table, elems));
	/* mov rax, [rcx + rax*8] */
	xhead(b, 0, 1, RAX, RAX, RCX, 0x8B);
	xb(b, 0x04);
	xb(b, (uint8_t)(3 << 6 | RAX << 3 | RCX));
	xrr(b, 0, 1, 0x85, RAX, RAX);
	jit_trap_if(c, CC_E, TRAP_UNINITIALIZED_ELEMENT);
	xmem(b, 0, 0, 0x81, 7, RAX, NOIDX, (int32_t)offsetof(wasm_func, sig));
	x32(b, inst->type_sigs[p[1]]);
	jit_trap_if(c, CC_NE, TRAP_INDIRECT_MISMATCH);
	xmem(b, 0, 1, 0x8B, RCX, RAX, NOIDX,
	     (int32_t)offsetof(wasm_func, jit_entry));
	xrr(b, 0, 1, 0x85, RCX, RCX);
	uint32_t ok = xj8(b, CC_NE);
	xb(b, 0x50); /* push rax (twice: keeps rsp aligned) */
	xb(b, 0x50);
	xrr(b, 0, 1, 0x89, RAX, RDI); /* mov rdi, rax */
	xcall(b, (void *)jit_resolve);
	xrr(b, 0, 1, 0x89, RAX, RCX); /* mov rcx, rax */
	xb(b, 0x58);
	xb(b, 0x58);
	xbind8(b, ok);
	jit_inst(c, RDX);
	xmem(b, 0, 1, 0x3B, RDX, RAX, NOIDX,
	     (int32_t)offsetof(wasm_func, inst));
	uint32_t other = xj8(b, CC_NE);
	xalui(b, 1, 0, RCX, JIT_ENTRY_STUB);
	xbind8(b, other);
}

/*
 * call fidx base / call_indirect typeidx table base i. Pinned slots go to
 * their cells first: the arguments, and the live ones below them in
 * caller-saved registers; afterwards those come back, with the results.
 */
void jit_call(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	wasm_instance *inst = c->inst;
	uint32_t base = op == IOP_CALL ? p[2] : p[3];
	wasm_func *g = op == IOP_CALL ? inst->funcs[p[1]] : NULL;
	const wasm_functype *t = g ? &g->type : &inst->module->types[p[1]];
	spill(c, base, base + t->nparams, false);
	if (g && !g->inst) {
		jit_inst(c, RSI);
		xmem(b, 0, 1, 0x8B, RDI, RSI, NOIDX,
		     (int32_t)offsetof(wasm_instance, funcs));
		xmem(b, 0, 1, 0x8B, RDI, RDI, NOIDX, (int32_t)(p[1] * 8));
		xmem(b, 0, 1, 0x8D, RDX, SLOT(base));
		xcall(b, (void *)jit_host);
		spill(c, base, base + t->nresults, true);
		return;
	}
	bool direct = g && g->inst == inst && !g->jit && p[1] >= c->first;
	if (g && !direct) {
		jit_resolve(g); /* (jit_attach: for the other instances) */
		jit_inst_elem(c, RAX, offsetof(wasm_instance, funcs), p[1]);
		xmem(b, 0, 1, 0x8B, RCX, RAX, NOIDX,
		     (int32_t)offsetof(wasm_func, jit_entry));
		/* compiled code of this instance (its entry always is, even
		 * once tiering replaces it): enter its body, r13 is right */
		if (g->inst == inst && g->jit)
			xalui(b, 1, 0, RCX, JIT_ENTRY_STUB);
	} else if (!g) {
		call_ind(c, p);
	}
	if (base)
		xmem(b, 0, 1, 0x8D, RBX, SLOT(base));
	if (direct) {
		uint32_t pos = xcall32(b); /* patched by jit_compile_instance */
		if (GROW(c, cf))
			c->cf[c->ncf++] = (struct cfix){pos, p[1]};
	} else {
		xcallr(b, RCX);
	}
	if (base)
		xmem(b, 0, 1, 0x8D, RBX, RBX, NOIDX, -(int32_t)(base * 16));
	spill(c, base, base + t->nresults, true);
}

/*
 * Tiering (baseline code of a tiered instance): takes one from the
 * function's budget (wasm_func.tier_budget) and jumps, once it has run
 * out, to a stub (tier_stubs) that calls jit_tier.c. Clobbers rax. At a
 * body's entry it is at least 14 bytes, which jit_tier.c overwrites with
 * a jump to the optimized body. Returns the position of the jump's rel32.
 */
static uint32_t tier_check(struct jc *c)
{
	struct xbuf *b = &c->b;
	xmovi(b, RAX, (uintptr_t)&c->f->tier_budget);
	xb(b, 0x83); /* sub dword [rax], 1 */
	xb(b, 0x28);
	xb(b, 1);
	return xjcc32(b, CC_S);
}

/*
 * The tiering stubs of a baseline function. Entry: jit_tier_up(f), then
 * its optimized body (the frame and rsp as the caller left them), or
 * back. Each loop: every pinned slot to its frame cell, then
 * jit_tier_osr(f, pc); given an OSR entry, the prologue is undone (rsp
 * back at the return address, callee-saved registers restored) and the
 * entry continues the frame; else the slots come back and the loop goes
 * on in the baseline.
 */
static void tier_stubs(struct jc *c)
{
	struct xbuf *b = &c->b;
	xpatch32(b, c->tier_pos, (int32_t)(b->len - (c->tier_pos + 4)));
	xalui(b, 1, 5, RSP, 8); /* rsp 16-aligned for the C call */
	xmovi(b, RDI, (uintptr_t)c->f);
	xcall(b, (void *)jit_tier_up);
	xalui(b, 1, 0, RSP, 8);
	xrr(b, 0, 1, 0x85, RAX, RAX);
	uint32_t j = xjcc32(b, CC_E);
	xpatch32(b, j, (int32_t)(c->tier_pos + 4 - (j + 4)));
	xrr(b, 0, 0, 0xFF, 4, RAX); /* jmp rax */
	for (uint32_t i = 0; i < c->nls; i++) {
		uint32_t pos = c->ls[i].pos;
		xpatch32(b, pos, (int32_t)(b->len - (pos + 4)));
		spill(c, 0, UINT32_MAX, false);
		xmovi(b, RDI, (uintptr_t)c->f);
		xmovi(b, RSI, c->ls[i].pc);
		xcall(b, (void *)jit_tier_osr);
		xrr(b, 0, 1, 0x85, RAX, RAX);
		uint32_t fail = xj8(b, CC_E);
		if (c->pad)
			xalui(b, 1, 0, RSP, 8);
		for (uint32_t k = c->npush; k-- > 0;)
			xhead(b, 0, 0, 0, 0, c->push[k],
			      0x58 + (c->push[k] & 7));
		xrr(b, 0, 0, 0xFF, 4, RAX); /* jmp rax */
		xbind8(b, fail);
		spill(c, 0, UINT32_MAX, true);
		j = xjmp32(b);
		xpatch32(b, j, (int32_t)(pos + 4 - (j + 4)));
	}
}

/* Translates op with its family's template; its length in cells, or 0
 * if it has none (or the template leaves op to insn): one table lookup
 * instead of asking each template in turn. */
static uint32_t template(struct jc *c, enum iop op, const icell *p)
{
	/* the family: the wasm instruction's class (opcodes.h) */
	unsigned k = iop_class(op);
	if ((op >= IOP_I32_ADD_RI && op <= IOP_I32_GE_U_RI) ||
	    (op >= IOP_BR_EQ && op <= IOP_BR_GE_U_RI))
		k = OPC_IBINARY; /* the immediate forms, compare-and-branch */
	switch (k) {
	case OPC_LOAD:
		return jit_op_load(c, op, p) ? 4 : 0;
	case OPC_STORE:
		return jit_op_store(c, op, p) ? 4 : 0;
	case OPC_UNARY:
		return jit_op_unary(c, op, p) ? 3 : 0;
	case OPC_IBINARY:
		return jit_op_icmp(c, op, p) || jit_op_ibin(c, op, p) ? 4 : 0;
	case OPC_FBINARY:
		return jit_op_fbin(c, op, p) ? 4 : 0;
	default:
		return 0;
	}
}

/* An indirect jump through a table of rel32 entries (relative to the
 * table) that follows it: to entry eax. Returns the table's position;
 * clobbers rax, rcx. */
uint32_t jit_jump_table(struct xbuf *b)
{
	/* lea rcx, [rip + table]; movsxd rax, [rcx + rax*4];
	 * add rax, rcx; jmp rax */
	xb(b, 0x48);
	xb(b, 0x8D);
	xb(b, 0x0D);
	x32(b, 0);
	uint32_t lea = b->len;
	xb(b, 0x48);
	xb(b, 0x63);
	xb(b, 0x04);
	xb(b, 0x81);
	xrr(b, 0, 1, 0x03, RAX, RCX);
	xrr(b, 0, 0, 0xFF, 4, RAX);
	xpatch32(b, lea - 4, (int32_t)(b->len - lea));
	return b->len;
}

/* Whether a move between slots d and s (and t) may carry a v128: f
 * holds some, and none of them is pinned (no v128 slot ever is). */
static bool wide_move(const struct jc *c, uint32_t d, uint32_t s, uint32_t t)
{
	return c->simd && jit_pinned(c, d) < 0 && jit_pinned(c, s) < 0 &&
	       jit_pinned(c, t) < 0;
}

/* Copies slot s to slot d, all 16 bytes (movups through xmm0). */
static void jit_copy16(struct jc *c, uint32_t d, uint32_t s)
{
	xmem(&c->b, 0, 0, 0x0F10, 0, SLOT(s));
	xmem(&c->b, 0, 0, 0x0F11, 0, SLOT(d));
}

/* Translates the instruction at cell c->pc; its length in cells, 0 if the
 * JIT does not know it. */
static uint32_t insn(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	uint32_t n;
	if ((n = template(c, op, p)) != 0)
		return n;
	switch (op) {
	case IOP_W_UNREACHABLE:
		jit_trap_if(c, -1, TRAP_UNREACHABLE);
		return 1;
	case IOP_W_LOOP:
		jit_preempt_check(c);
		if (c->tier && GROW(c, ls))
			c->ls[c->nls++] =
				(struct tsite){tier_check(c), c->pc, 0};
		return 1;
	case IOP_BR:
		jit_br(c, -1, &p[1]);
		return 2;
	case IOP_BR_IF:
	case IOP_BR_IFZ:
		jit_sop(c, 0, 0, 0x83, 7, p[1]);
		xb(b, 0);
		jit_br(c, op == IOP_BR_IF ? CC_NE : CC_E, &p[2]);
		return 3;
	case IOP_BR_IF_MOV:
	case IOP_BR_IFZ_MOV: {
		jit_sop(c, 0, 0, 0x83, 7, p[1]);
		xb(b, 0);
		uint32_t skip = xj8(b, op == IOP_BR_IF_MOV ? CC_E : CC_NE);
		if (wide_move(c, p[3], p[4], p[4])) {
			jit_copy16(c, p[3], p[4]);
		} else {
			jit_ldslot(c, 1, RAX, p[4]);
			jit_stslot(c, 1, p[3], RAX);
		}
		jit_br(c, -1, &p[2]);
		xbind8(b, skip);
		return 5;
	}
	case IOP_BR_TABLE: {
		/* index >= nt: the default target; else through the table */
		uint32_t nt = p[2];
		if (nt > INT32_MAX) /* more targets than a body can hold */
			return 0;
		int r = jit_src(c, p[1]);
		if (r < 0 || r == RAX) {
			jit_ldslot(c, 0, RAX, p[1]);
			r = RAX;
		}
		xalui(b, 0, 7, r, (int32_t)nt); /* cmp r32, nt */
		jit_br(c, CC_AE, &p[3 + nt]);
		if (r != RAX)
			xrr(b, 0, 0, 0x8B, RAX, r); /* mov eax, r32 */
		uint32_t tab = jit_jump_table(b);
		for (uint32_t i = 0; i < nt; i++) {
			add_fix(c, b->len, tab,
				(uint32_t)(&p[3 + i] - c->cells));
			x32(b, 0);
		}
		return 4 + nt;
	}
	case IOP_RET:
		epilogue(c);
		return 1;
	case IOP_CALL:
		jit_call(c, op, p);
		return 3;
	case IOP_CALL_IND:
		jit_call(c, op, p);
		return 5;
	case IOP_COPY: {
		if (wide_move(c, p[1], p[2], p[2])) {
			jit_copy16(c, p[1], p[2]);
			return 3;
		}
		int r = jit_pinned(c, p[1]);
		if (r >= 0)
			jit_ldslot(c, 1, r, p[2]);
		else if ((r = jit_src(c, p[2])) >= 0)
			jit_stslot(c, 1, p[1], r);
		else {
			jit_ldslot(c, 1, RAX, p[2]);
			jit_stslot(c, 1, p[1], RAX);
		}
		return 3;
	}
	case IOP_CONST32: {
		int r = jit_pinned(c, p[1]);
		xmovi(b, r >= 0 ? r : RAX, p[2]);
		if (r < 0)
			jit_stslot(c, 1, p[1], RAX);
		return 3;
	}
	case IOP_CONST64:
		xmovi(b, RAX, p[2] | (uint64_t)p[3] << 32);
		jit_stslot(c, 1, p[1], RAX);
		return 4;
	case IOP_SEL:
		if (wide_move(c, p[1], p[2], p[3])) {
			/* lea rax, [a]; lea rdx, [b]; test ecx; cmovz; copy */
			jit_ldslot(c, 0, RCX, p[4]);
			xmem(b, 0, 1, 0x8D, RAX, SLOT(p[2]));
			xmem(b, 0, 1, 0x8D, RDX, SLOT(p[3]));
			xrr(b, 0, 0, 0x85, RCX, RCX);
			xrr(b, 0, 1, 0x0F40 + CC_E, RAX, RDX);
			xmem(b, 0, 0, 0x0F10, 0, RAX, NOIDX, 0);
			xmem(b, 0, 0, 0x0F11, 0, SLOT(p[1]));
			return 5;
		}
		jit_ldslot(c, 0, RCX, p[4]);
		jit_ldslot(c, 1, RAX, p[2]);
		xrr(b, 0, 0, 0x85, RCX, RCX);
		jit_sop(c, 0, 1, 0x0F40 + CC_E, RAX, p[3]); /* cmovz */
		jit_stslot(c, 1, p[1], RAX);
		return 5;
	case IOP_GGET:
	case IOP_GSET: {
		uint32_t gi = op == IOP_GGET ? p[2] : p[1];
		const int32_t val = (int32_t)offsetof(wasm_global, val);
		jit_inst_elem(c, RCX, offsetof(wasm_instance, globals), gi);
		uint8_t type = c->inst->module->globals[gi].type;
		if (type == WASM_V128 && op == IOP_GGET) { /* via xmm0 */
			xmem(b, 0, 0, 0x0F10, 0, RCX, NOIDX, val);
			xmem(b, 0, 0, 0x0F11, 0, SLOT(p[1]));
		} else if (type == WASM_V128) {
			xmem(b, 0, 0, 0x0F10, 0, SLOT(p[2]));
			xmem(b, 0, 0, 0x0F11, 0, RCX, NOIDX, val);
		} else if (op == IOP_GGET) {
			xmem(b, 0, 1, 0x8B, RAX, RCX, NOIDX, val);
			jit_stslot(c, 1, p[1], RAX);
		} else {
			jit_ldslot(c, 1, RAX, p[2]);
			xmem(b, 0, 1, 0x89, RAX, RCX, NOIDX, val);
		}
		return 3;
	}
	case IOP_REF_NULL:
		xrr(b, 0, 0, 0x33, RAX, RAX);
		jit_stslot(c, 1, p[1], RAX);
		return 2;
	case IOP_REF_ISNULL:
		jit_sop(c, 0, 1, 0x83, 7, p[2]);
		xb(b, 0);
		xsetcc(b, CC_E);
		jit_stslot(c, 0, p[1], RAX);
		return 3;
	case IOP_REF_FUNC:
		jit_inst_elem(c, RAX, offsetof(wasm_instance, funcs), p[2]);
		jit_stslot(c, 1, p[1], RAX);
		return 3;
	case IOP_W_MEMORY_SIZE:
		jit_inst_elem(c, RCX, offsetof(wasm_instance, mems), 0);
		xmem(b, 0, 0, 0x8B, RAX, RCX, NOIDX,
		     (int32_t)offsetof(wasm_memory, pages));
		jit_stslot(c, 0, p[1], RAX);
		return 2;
	case IOP_I32_SHRU_AND:
		jit_ldslot(c, 0, RAX, p[2]);
		xrr(b, 0, 0, 0xC1, 5, RAX);
		xb(b, (uint8_t)(p[3] & 31));
		xrr(b, 0, 0, 0x81, 4, RAX);
		x32(b, p[4]);
		jit_stslot(c, 0, p[1], RAX);
		return 5;
	case IOP_I32_MUL_ADD:
		jit_ldslot(c, 0, RAX, p[2]);
		jit_sop(c, 0, 0, 0x0FAF, RAX, p[3]);
		jit_sop(c, 0, 0, 0x03, RAX, p[4]);
		jit_stslot(c, 0, p[1], RAX);
		return 5;
	case IOP_W_F32_COPYSIGN:
		jit_ldslot(c, 0, RAX, p[2]);
		jit_ldslot(c, 0, RCX, p[3]);
		xalui(b, 0, 4, RAX, 0x7FFFFFFF);
		xrr(b, 0, 0, 0x81, 4, RCX);
		x32(b, 0x80000000u);
		xrr(b, 0, 0, 0x0B, RAX, RCX);
		jit_stslot(c, 0, p[1], RAX);
		return 4;
	case IOP_W_F64_COPYSIGN:
		jit_ldslot(c, 1, RAX, p[2]);
		jit_ldslot(c, 1, RCX, p[3]);
		xrr(b, 0, 1, 0x0FBA, 6, RAX);
		xb(b, 63);
		xrr(b, 0, 1, 0xC1, 5, RCX);
		xb(b, 63);
		xrr(b, 0, 1, 0xC1, 4, RCX);
		xb(b, 63);
		xrr(b, 0, 1, 0x0B, RAX, RCX);
		jit_stslot(c, 1, p[1], RAX);
		return 4;
	default:
		break;
	}
	if (IOP_IS_ATOMIC(op) && jit_op_atomic(c, op, p))
		return LOWER_ATOMIC_LEN;
	if (IOP_IS_SIMD(op) && jit_op_simd(c, op, p))
		return LOWER_SIMD_LEN;
	if ((n = jit_slow_len(op)) != 0) {
		spill(c, 0, UINT32_MAX, false);
		jit_inst_elem(c, RDI, offsetof(wasm_instance, funcs),
			      c->f->index);
		xrr(b, 0, 1, 0x89, RBX, RSI); /* mov rsi, rbx */
		xmovi(b, RDX, c->pc);
		xmovi(b, RCX, op);
		xcall(b, (void *)jit_slow);
		spill(c, 0, UINT32_MAX, true);
		return n;
	}
	return 0;
}

/* The entry stub (JIT_ENTRY_STUB bytes, the function's jit_entry; rax:
 * the callee): around a call of the body, which direct calls from the
 * same instance enter instead, makes the callee's instance the running
 * one (jit_st.inst) and r13 its memory 0's base (0 without memory). */
void jit_entry_stub(struct jc *c)
{
	struct xbuf *b = &c->b;
	uint32_t start = b->len;
	const int32_t in = (int32_t)offsetof(struct jit_state, inst);
	xb(b, 0x41); /* push r13 */
	xb(b, 0x55);
	xmovi(b, RCX, (uintptr_t)&jit_st);
	xmem(b, 0, 0, 0xFF, 6, RCX, NOIDX, in); /* push [rcx + inst] */
	xmem(b, 0, 1, 0x8B, RDX, RAX, NOIDX,
	     (int32_t)offsetof(wasm_func, inst));
	xmem(b, 0, 1, 0x89, RDX, RCX, NOIDX, in);
	if (c->inst->module->num_mems) {
		xmem(b, 0, 1, 0x8B, R13, RDX, NOIDX,
		     (int32_t)offsetof(wasm_instance, mems));
		xmem(b, 0, 1, 0x8B, R13, R13, NOIDX, 0);
		xmem(b, 0, 1, 0x8B, R13, R13, NOIDX,
		     (int32_t)offsetof(wasm_memory, base));
	} else {
		xrr(b, 0, 0, 0x33, R13, R13); /* xor r13d, r13d */
	}
	xalui(b, 1, 5, RSP, 8); /* sub rsp, 8: the body's rsp as a call's */
	uint32_t call = xcall32(b);
	xalui(b, 1, 0, RSP, 8);
	xmovi(b, RCX, (uintptr_t)&jit_st);
	xmem(b, 0, 0, 0x8F, 0, RCX, NOIDX, in); /* pop [rcx + inst] */
	xb(b, 0x41);				/* pop r13; ret */
	xb(b, 0x5D);
	xb(b, 0xC3);
	if (b->len - start > JIT_ENTRY_STUB) {
		c->oom = true; /* (a bug: JIT_ENTRY_STUB too small) */
		return;
	}
	while (b->len - start < JIT_ENTRY_STUB)
		xb(b, 0xCC); /* int3: never reached */
	xpatch32(b, call, (int32_t)(b->len - (call + 4)));
}

/* Traps unless the machine stack has room (rsp above the limit) and the
 * value stack has nslots more slots from rbx. Clobbers rax, rcx. */
void jit_stack_check(struct jc *c, uint32_t nslots)
{
	struct xbuf *b = &c->b;
	xmovi(b, RCX, (uintptr_t)&jit_st);
	xmem(b, 0, 1, 0x3B, RSP, RCX, NOIDX,
	     (int32_t)offsetof(struct jit_state, limit));
	jit_trap_if(c, CC_B, TRAP_EXHAUSTED);
	xmem(b, 0, 1, 0x8D, RAX, SLOT(nslots));
	xmem(b, 0, 1, 0x3B, RAX, RCX, NOIDX,
	     (int32_t)offsetof(struct jit_state, vend));
	jit_trap_if(c, CC_A, TRAP_EXHAUSTED);
}

/* The body's entry: stack checks, zeroed locals, pinned params loaded. */
static void prologue(struct jc *c)
{
	struct xbuf *b = &c->b;
	for (uint32_t i = 0; i < c->npush; i++)
		xhead(b, 0, 0, 0, 0, c->push[i], 0x50 + (c->push[i] & 7));
	if (c->pad)
		xalui(b, 1, 5, RSP, 8);
	jit_stack_check(c, c->nslots);
	uint32_t n = c->nlocals - c->nparams;
	if (n <= 8 && !c->simd) {
		xrr(b, 0, 0, 0x33, RAX, RAX);
		for (uint32_t i = c->nparams; i < c->nlocals; i++)
			if (jit_pinned(c, i) < 0)
				xmem(b, 0, 1, 0x89, RAX, SLOT(i));
	} else if (n <= 256) {
		/* xorps xmm0, xmm0; movups [slot], xmm0 (16 bytes each) */
		xrr(b, 0, 0, 0x0F57, 0, 0);
		for (uint32_t i = c->nparams; i < c->nlocals; i++)
			xmem(b, 0, 0, 0x0F11, 0, SLOT(i));
	} else {
		xrr(b, 0, 0, 0x33, RAX, RAX);
		xmem(b, 0, 1, 0x8D, RDI, SLOT(c->nparams));
		xmovi(b, RCX, 2 * (uint64_t)n);
		xb(b, 0xF3); /* rep stosq */
		xb(b, 0x48);
		xb(b, 0xAB);
	}
	for (uint32_t i = 0; i < c->npin; i++) {
		int r = c->preg[i];
		if (c->pslot[i] < c->nparams) /* i32: the upper half zeroed */
			xmem(b, 0, !(c->zext >> r & 1), 0x8B, r,
			     SLOT(c->pslot[i]));
		else if (c->pslot[i] < c->nlocals)
			xrr(b, 0, 0, 0x33, r, r);
	}
	jit_preempt_check(c);
}

/* The function's out-of-line stubs: one per trap site and preemption
 * check, and their shared tails. */
void jit_stubs(struct jc *c)
{
	struct xbuf *b = &c->b;
	/* Each trap site: a call of the function's trap tail, followed by
	 * the trap's cell pc and kind, which the tail reads at the return
	 * address it pops (rsp is then 16-aligned again for jit_trap_pc,
	 * which never returns). */
	uint32_t stub = 0;
	for (uint32_t i = 0; i < c->nts; i++) {
		struct tsite *t = &c->ts[i];
		if (i == 0 || t->kind != t[-1].kind || t->pc != t[-1].pc) {
			stub = xcall32(b) - 1; /* patched below */
			x32(b, t->pc);
			xb(b, (uint8_t)t->kind);
		}
		/* the same trap as the previous site shares its stub */
		xpatch32(b, t->pos, (int32_t)(stub - (t->pos + 4)));
		t->pos = stub + 1;
	}
	if (c->nts) {
		uint32_t tail = b->len;
		xb(b, 0x58 + RSI); /* pop rsi */
		/* movzx edi, byte [rsi+4]; mov esi, [rsi] */
		xmem(b, 0, 0, 0x0FB6, RDI, RSI, NOIDX, 4);
		xmem(b, 0, 0, 0x8B, RSI, RSI, NOIDX, 0);
		jit_inst_elem(c, RDX, offsetof(wasm_instance, funcs),
			      c->f->index);
		xcall(b, (void *)jit_trap_pc);
		for (uint32_t i = 0; i < c->nts; i++)
			xpatch32(b, c->ts[i].pos,
				 (int32_t)(tail - (c->ts[i].pos + 4)));
	}
	/* Each preemption site: call the function's one preemption stub,
	 * then back. The stub saves every pinned slot around rt_preempt
	 * (rsp is 16-aligned in the body: the call's 8 bytes plus 8 more). */
	for (uint32_t i = 0; i < c->nps; i++) {
		uint32_t pos = c->ps[i];
		xpatch32(b, pos, (int32_t)(b->len - (pos + 4)));
		c->ps[i] = xcall32(b); /* patched below */
		uint32_t j = xjmp32(b);
		xpatch32(b, j, (int32_t)(pos + 4 - (j + 4)));
	}
	for (uint32_t i = 0; i < c->nps; i++)
		xpatch32(b, c->ps[i], (int32_t)(b->len - (c->ps[i] + 4)));
	if (c->nps) {
		static const int scratch[] = {RSI, RDI, R8, R9, R10, R11};
		for (int i = 0; i < 6 && c->save_scratch; i++)
			xhead(b, 0, 0, 0, 0, scratch[i],
			      0x50 + (scratch[i] & 7));
		xalui(b, 1, 5, RSP, 8);
		spill(c, UINT32_MAX, UINT32_MAX, false);
		xcall(b, (void *)rt_preempt);
		spill(c, UINT32_MAX, UINT32_MAX, true);
		xalui(b, 1, 0, RSP, 8);
		for (int i = 6; i-- > 0 && c->save_scratch;)
			xhead(b, 0, 0, 0, 0, scratch[i],
			      0x58 + (scratch[i] & 7));
		xb(b, 0xC3);
	}
}

/* Out-of-line stubs, then branch and table fix-ups (ic: the function's
 * code, complete). */
static void finish(struct jc *c, const struct lower_code *ic)
{
	struct xbuf *b = &c->b;
	jit_stubs(c);
	for (uint32_t i = 0; i < c->nfx; i++) {
		struct fix *x = &c->fx[i];
		uint32_t t = ic->code[x->cell];
		uint32_t to = t <= ic->len ? c->at[t] : 0;
		if (to <= c->start || to > b->len) {
			c->oom = true; /* a branch into the middle of nothing */
			return;
		}
		xpatch32(b, x->pos, (int32_t)(to - x->base));
	}
}

/* Registers a body saves before using (jit.h's convention). */
bool jit_callee_saved(int r)
{
	return r == RBP || r == R12 || r == R14 || r == R15;
}

/* cells_room's rare case: at[] and target[] grow. */
static bool cells_grow(struct jc *c, uint32_t n)
{
	uint32_t cap = c->ccells, cap2 = c->ccells;
	if (!reserve((void **)&c->at, &cap, n, sizeof *c->at) ||
	    !reserve((void **)&c->target, &cap2, n, 1))
		return false;
	memset(c->at + c->ccells, 0, (cap - c->ccells) * sizeof *c->at);
	memset(c->target + c->ccells, 0, cap2 - c->ccells);
	c->ccells = cap < cap2 ? cap : cap2;
	return true;
}

/* Room for cells [0, n) in at[] and target[], their new parts zero. */
static inline bool cells_room(struct jc *c, uint32_t n)
{
	return n <= c->ccells || cells_grow(c, n);
}

/* The lowering's sink: branches land on cell pc. */
static void on_label(void *ctx, uint32_t pc)
{
	struct jc *c = ctx;
	if (cells_room(c, pc + 1))
		c->target[pc] = 1;
	else
		c->oom = true;
}

/* The lowering's sink: translates instruction op at cells
 * code[pc..pc+n). */
static void on_insn(void *ctx, const icell *code, uint32_t pc, uint32_t n,
		    enum iop op)
{
	struct jc *c = ctx;
	if (c->oom || c->b.oom)
		return;
	if (!cells_room(c, pc + n + 1) ||
	    (c->nmap + 2 > c->cmap &&
	     !reserve((void **)&c->map, &c->cmap, c->nmap + 2, 4))) {
		c->oom = true;
		return;
	}
	c->cells = code;
	c->pc = pc;
	c->map[c->nmap++] = c->b.len - c->start;
	c->map[c->nmap++] = pc;
	c->cvalid = c->cend == c->b.len && !c->target[pc];
	c->zok = c->zend == c->b.len && !c->target[pc] ? c->zreg : -1;
	c->rdx_valid = false;
	c->at[pc] = c->b.len;
	c->target[pc] = 0; /* passed: zero for the next function */
	if (insn(c, op, code + pc) != n)
		c->oom = true; /* not an instruction the JIT knows */
}

/* Is slot s an i32 local whose register may stay zero-extended? Not
 * if a result of another type goes to it at a return. */
static bool zext_local(const struct jc *c, const wasm_code *wc, uint32_t s)
{
	const wasm_functype *t = &c->f->type;
	if (s >= c->nlocals - 1 ||
	    (s < t->nresults && t->results[s] != WASM_I32))
		return false;
	return (s < t->nparams ? t->params[s]
			       : wc->local_types[s - t->nparams]) == WASM_I32;
}

/*
 * Picks the slots f's profile found busiest (validation, wasm_profile) to
 * live in registers. In a function that calls, locals go to callee-saved
 * registers first (they survive calls without a spill) and operand-stack
 * slots to caller-saved ones (most die before the next call); in a leaf,
 * caller-saved first.
 */
static void choose_pins(struct jc *c, const wasm_profile *pr,
			const wasm_code *wc)
{
	static const int callee[NCALLEE] = {R12, R14, R15, RBP};
	static const int caller[NPIN - NCALLEE] = {R8, R9, R10, R11, RSI, RDI};
	uint32_t ne = 0, nr = 0;
	memset(c->pin, -1, c->nslots);
	c->npin = c->npush = 0;
	c->zext = 0;
	for (uint32_t k = 0; k < pr->nhot && k < NPIN; k++) {
		uint32_t s = pr->hot[k];
		bool want_callee = pr->calls && s < c->nlocals;
		int r;
		if (s >= c->nslots)
			continue;
		if (nr == NPIN - NCALLEE || (want_callee && ne < NCALLEE))
			r = callee[ne++];
		else
			r = caller[nr++];
		if (jit_callee_saved(r))
			c->push[c->npush++] = r;
		c->pin[s] = (int8_t)r;
		if (zext_local(c, wc, s))
			c->zext |= 1u << r;
		c->pslot[c->npin] = s;
		c->preg[c->npin++] = r;
	}
	c->pad = c->npush % 2 == 0;
}

/*
 * Compiles f in one pass, appending to c->b (shared by the block's
 * functions): lower_func reads the body and hands each instruction to
 * on_insn as soon as it is final. Fills *out: its offset in c->b (mem),
 * size, and its pc map as an offset in c->map (pcs). False when out of
 * memory.
 */
static bool compile_one(struct jc *c, wasm_func *f, struct jit_code *out)
{
	const wasm_module *m = f->inst->module;
	const wasm_code *wc = &m->code[f->index - m->num_imported_funcs];
	c->f = f;
	c->inst = f->inst;
	c->start = c->b.len;
	c->nparams = f->type.nparams;
	c->nresults = f->type.nresults;
	c->nlocals = c->nparams + wc->num_locals + 1;
	c->nslots = c->nlocals + wc->prof.nv + wc->prof.maxh;
	c->simd = wc->prof.simd;
	if (c->nslots < c->nresults)
		c->nslots = c->nresults;
	if (!reserve((void **)&c->pin, &c->cslots, c->nslots + 1, 1) ||
	    !cells_room(c, wc->body_len + 8))
		return false;
	choose_pins(c, &wc->prof, wc);
	c->nfx = c->nts = c->nps = 0;
	c->cend = c->zend = UINT32_MAX;
	c->cslot = UINT32_MAX;
	c->cvalid = c->rdx_valid = false;
	c->save_scratch = false;
	c->nls = 0;
	jit_entry_stub(c);
	if (c->tier) {
		f->tier_budget = jit_tier_start();
		c->tier_pos = tier_check(c);
	}
	c->pc = 0; /* stack-check traps name the first instruction */
	prologue(c);
	uint32_t map0 = c->nmap;
	struct lower_sink sink = {on_insn, on_label, c};
	struct lower_code *ic = lower_func(f, NULL, &sink);
	if (!ic || ic->nslots > c->nslots || !cells_room(c, ic->len + 1)) {
		/* (a frame larger than validation's bound, which the
		 * prologue checked, would be a bug: refuse it) */
		c->oom = true;
	} else {
		c->at[ic->len] = c->b.len; /* the end: return (never reached) */
		c->target[ic->len] = 0;
		epilogue(c);
		if (c->tier)
			tier_stubs(c);
		if (!c->oom && !c->b.oom)
			finish(c, ic);
	}
	if (c->oom || c->b.oom) {
		lower_free_code(ic);
		return false;
	}
	/* the lowering is deterministic: code lowered already for f has the
	 * same operand cells, which the pc map and jit_slow refer to (the
	 * JIT reads no handler cell) */
	f->code = lower_publish(f, true, ic); /* the module's, maybe older */
	out->f = f;
	out->size = c->b.len - c->start;
	out->mem = (uint8_t *)(uintptr_t)c->start; /* offsets for now */
	out->pcs = (uint32_t *)(uintptr_t)map0;
	out->nmap = (c->nmap - map0) / 2;
	return true;
}

/* Frees the translator's arrays. */
static void release(struct jc *c)
{
	free(c->map);
	free(c->at);
	free(c->target);
	free(c->pin);
	free(c->fx);
	free(c->ts);
	free(c->ps);
	free(c->cf);
	free(c->ls);
	memset(c, 0, sizeof *c);
}

/*
 * Backs the code pages the next function may write (about 8 bytes per
 * byte of wasm, as the block is sized) before it writes them: committing
 * 64 KiB at a time costs far less than a page fault per page.
 * *committed: bytes of c->b already committed.
 */
static void commit_ahead(struct jc *c, uint32_t *committed, uint32_t body)
{
	uint64_t want = (uint64_t)c->b.len + (uint64_t)body * 8 + 4096;
	if (want <= *committed)
		return;
	want = (want + 65535) & ~(uint64_t)65535;
	if (want > c->b.cap)
		want = c->b.cap;
	if (want > *committed)
		hal_vm_commit(c->b.p + *committed, want - *committed);
	*committed = (uint32_t)want;
}

/*
 * Translates the n defined functions of inst not compiled yet straight
 * into code pages of cap bytes (jcs: their jit_codes, offsets for now),
 * then links the direct calls between them. On success, the pages are
 * c->b.p (*maplen bytes). False when out of memory, with c->b.oom set if
 * only the pages were too small.
 */
static bool compile_all(struct jc *c, wasm_instance *inst, struct jit_code *jcs,
			uint32_t n, size_t cap, size_t *maplen)
{
	memset(c, 0, sizeof *c);
	memset(jcs, 0, (n + 1) * sizeof *jcs);
	c->first = inst->module->num_imported_funcs;
	c->tier = inst->engine == WASM_ENGINE_JIT;
	c->b.p = jit_code_pages(cap, maplen);
	if (!c->b.p)
		return false;
	c->b.cap = (uint32_t)*maplen;
	c->b.fixed = true;
	bool ok = true;
	uint32_t committed = 0;
	for (uint32_t i = 0; ok && i < n; i++) {
		wasm_func *f = inst->funcs[c->first + i];
		if (!f->jit && f->inst == inst) {
			commit_ahead(c, &committed,
				     inst->module->code[i].body_len);
			ok = (inst->engine == WASM_ENGINE_OPT &&
			      opt_compile(c, f, &jcs[i])) ||
			     compile_one(c, f, &jcs[i]);
		}
	}
	for (uint32_t i = 0; ok && i < c->ncf; i++) {
		struct cfix *x = &c->cf[i];
		uint32_t to = (uint32_t)(uintptr_t)jcs[x->fidx - c->first].mem;
		xpatch32(&c->b, x->pos,
			 (int32_t)(to + JIT_ENTRY_STUB - (x->pos + 4)));
	}
	if (!ok)
		hal_vm_release(c->b.p, *maplen);
	return ok;
}

/*
 * Compiles every function of inst not compiled yet into one block of
 * code (one mapping, written in place, then made READ|EXEC once) and
 * sets their entries; or, when another instance of the module compiled
 * it already for this tier, gives inst that code (jit_attach). Tiered
 * code (WASM_ENGINE_JIT) is never shared: it counts its budget in the
 * instance's wasm_func and is patched when promoted (jit_tier.c). The
 * mapping is sized from the bodies' length (code is about 5 bytes per
 * byte of wasm), larger on a retry in the rare case it was too small.
 * False when out of memory.
 */
bool jit_compile_instance(wasm_instance *inst)
{
	const wasm_module *m = inst->module;
	struct jit_block **share =
		inst->engine == WASM_ENGINE_JIT
			? NULL
			: &((wasm_module *)m)
				   ->jit[inst->engine == WASM_ENGINE_OPT];
	if (share && *share && jit_attach(*share, inst))
		return true;
	uint32_t n = m->num_funcs - m->num_imported_funcs;
	struct jit_code *jcs = malloc((n + 1) * sizeof *jcs);
	struct jc c = {0};
	size_t body = 0, maplen = 0;
	for (uint32_t i = 0; i < n; i++)
		body += m->code[i].body_len;
	bool ok = false;
	for (size_t cap = body * 8 + 65536; jcs && cap < (1u << 31); cap *= 2) {
		ok = compile_all(&c, inst, jcs, n, cap, &maplen);
		if (ok || !c.b.oom || c.oom)
			break;
		release(&c);
	}
	if (ok && jit_install_block(c.b.p, maplen, jcs, n, c.map,
				    share && !*share ? share : NULL))
		c.map = NULL; /* the block's now */
	else if (ok)
		hal_vm_release(c.b.p, maplen), ok = false;
	release(&c);
	free(jcs);
	return ok;
}

/* f alone, optimized, in a block of its own (jit.h; the mapping sized
 * like jit_compile_instance's, larger on a retry). */
bool jit_compile_opt(wasm_func *f, uint32_t osr)
{
	const wasm_module *m = f->inst->module;
	size_t body = m->code[f->index - m->num_imported_funcs].body_len;
	struct jit_code jc;
	struct jc c = {0};
	size_t maplen = 0;
	bool ok = false;
	for (size_t cap = body * 12 + 8192; cap < (1u << 31); cap *= 2) {
		release(&c);
		memset(&jc, 0, sizeof jc);
		c.first = UINT32_MAX; /* no direct calls: its own block */
		c.osr = osr;
		if (!(c.b.p = jit_code_pages(cap, &maplen)))
			break;
		c.b.cap = (uint32_t)maplen;
		c.b.fixed = true;
		ok = opt_compile(&c, f, &jc) && !c.b.oom;
		if (ok || !c.b.oom)
			break;
		hal_vm_release(c.b.p, maplen); /* too small: a larger one */
		c.b.p = NULL;
	}
	if (ok && jit_install_block(c.b.p, maplen, &jc, 1, c.map, NULL))
		c.map = NULL; /* the block's now */
	else if (c.b.p)
		hal_vm_release(c.b.p, maplen), ok = false;
	release(&c);
	return ok;
}
