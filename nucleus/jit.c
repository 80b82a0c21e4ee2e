/*
 * jit.c: translates a function's internal code (interp.h) into x86-64
 * machine code. See jit.h for the code model and calling convention.
 *
 * One pass over the cells: each instruction becomes a short template
 * that reads its operands from frame slots ([rbx + 8*slot]), computes in
 * rax/rcx/rdx/xmm0 and writes its result slot. Immediates go into the
 * instructions; loads and stores address [r13 + index + offset] with no
 * bounds check (the memory's 8 GiB reservation turns a stray access into
 * a fault, which jit_fault_location maps back to the wasm offset).
 * Branches to later cells and traps are patched/emitted at the end; traps
 * jump to out-of-line stubs that call jit_trap_pc. Rare or complex
 * instructions (table and bulk memory ops, float rounding, min/max,
 * float-to-int truncations) call jit_slow, which runs them in C.
 */

#include <stddef.h>

#include "jit_gen.h"

/* Appends v to a growing array (*a, *n, *cap); false when out of memory. */
static bool grow(void **a, uint32_t *n, uint32_t *cap, size_t sz)
{
	if (*n < *cap)
		return true;
	uint32_t c = *cap ? *cap * 2 : 64;
	void *p = realloc(*a, c * sz);
	if (!p)
		return false;
	*a = p;
	*cap = c;
	return true;
}

static void add_fix(struct jc *c, uint32_t pos, uint32_t base, uint32_t cell)
{
	if (cell <= c->ic->len)
		c->target[cell] = 1;
	if (!grow((void **)&c->fx, &c->nfx, &c->cfx, sizeof *c->fx)) {
		c->oom = true;
		return;
	}
	c->fx[c->nfx++] = (struct fix){pos, base, cell};
}

/* Branch (cc, or -1 for jmp) to cell t. */
void jit_br(struct jc *c, int cc, uint32_t t)
{
	uint32_t pos = cc < 0 ? xjmp32(&c->b) : xjcc32(&c->b, cc);
	add_fix(c, pos, pos + 4, t);
}

/* Jump on cc to a stub raising `kind` at the current instruction. */
void jit_trap_if(struct jc *c, int cc, int kind)
{
	uint32_t pos = cc < 0 ? xjmp32(&c->b) : xjcc32(&c->b, cc);
	if (!grow((void **)&c->ts, &c->nts, &c->cts, sizeof *c->ts)) {
		c->oom = true;
		return;
	}
	c->ts[c->nts++] = (struct tsite){pos, c->pc, kind};
}

/*
 * Preemption check (function entries, loop headers): when
 * wasm_preempt_flag is set, jumps to an out-of-line stub (finish) that
 * calls rt_preempt with the pinned locals saved. Clobbers rax.
 */
static void preempt_check(struct jc *c)
{
	struct xbuf *b = &c->b;
	xmovi(b, RAX, (uintptr_t)&wasm_preempt_flag);
	xmem(b, 0, 0, 0x80, 7, RAX, NOIDX, 0); /* cmp byte [rax], 0 */
	xb(b, 0);
	uint32_t pos = xjcc32(b, CC_NE);
	if (!grow((void **)&c->ps, &c->nps, &c->cps, sizeof *c->ps)) {
		c->oom = true;
		return;
	}
	c->ps[c->nps++] = pos;
}

/* The register holding local `s`, or -1 (counts the use in pass 1). */
int jit_pinned(struct jc *c, uint32_t s)
{
	if (s >= c->ic->nlocals)
		return -1;
	if (c->uses)
		c->uses[s]++;
	return c->pin ? c->pin[s] : -1;
}

/* Where a slot read finds its value: a pinned local's register, rax or
 * rdx while they hold the previous instruction's result (cslot), or -1
 * for its frame cell. */
static int src(struct jc *c, uint32_t s)
{
	int r = jit_pinned(c, s);
	if (r >= 0 || s != c->cslot)
		return r;
	if (c->cvalid)
		return RAX;
	return c->rdx_valid ? RDX : -1;
}

/* op reg, slot: the slot's register or its frame cell as the r/m. */
void jit_sop(struct jc *c, int pfx, int w, uint32_t opc, int reg, uint32_t s)
{
	int r = src(c, s);
	if (r >= 0)
		xrr(&c->b, pfx, w, opc, reg, r);
	else
		xmem(&c->b, pfx, w, opc, reg, SLOT(s));
}

/* mov r, slot (32 or 64 bits) and back. */
void jit_ldslot(struct jc *c, int w, int r, uint32_t s)
{
	if (r == RAX && c->cvalid) {
		c->cvalid = false;
		if (s == c->cslot) {
			if (c->cw && !w)
				xrr(&c->b, 0, 0, 0x8B, RAX, RAX); /* zero-ext */
			return;
		}
		/* rax is overwritten: keep the result in rdx for a later
		 * operand of this instruction. */
		xrr(&c->b, 0, 1, 0x89, RAX, RDX);
		c->rdx_valid = true;
	}
	jit_sop(c, 0, w, 0x8B, r, s);
}

void jit_stslot(struct jc *c, int w, uint32_t s, int r)
{
	int p = jit_pinned(c, s);
	if (p >= 0) {
		xrr(&c->b, 0, w, 0x89, r, p);
		return;
	}
	xmem(&c->b, 0, w, 0x89, r, SLOT(s));
	if (r == RAX && c->pin) {
		c->cslot = s;
		c->cw = w;
		c->cend = c->b.len;
	}
}

/* xmm x <- slot / slot <- xmm x (sd: 64 bits). */
void jit_fld(struct jc *c, int sd, int x, uint32_t s)
{
	int r = src(c, s);
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
	int r = src(c, s);
	if (r >= 0) {
		xrr(&c->b, 0x66, 1, 0x0F6E, XMM1, r);
		xrr(&c->b, pfx, 0, opc, x, XMM1);
	} else {
		xmem(&c->b, pfx, 0, opc, x, SLOT(s));
	}
}

/* Writes pinned locals to their frame cells (all, or only those in
 * caller-saved registers), or reads them back. */
static void spill(struct jc *c, bool all, bool back)
{
	for (uint32_t i = 0; i < c->npin; i++) {
		int r = c->preg[i];
		if (!all && r >= R12)
			continue;
		if (back)
			xmem(&c->b, 0, 1, 0x8B, r, SLOT(c->pslot[i]));
		else
			xmem(&c->b, 0, 1, 0x89, r, SLOT(c->pslot[i]));
	}
}

/* Return: results (slots 0..) to memory, registers restored, ret. */
static void epilogue(struct jc *c)
{
	struct xbuf *b = &c->b;
	for (uint32_t i = 0; i < c->npin; i++)
		if (c->pslot[i] < c->ic->nresults)
			xmem(b, 0, 1, 0x89, c->preg[i], SLOT(c->pslot[i]));
	if (c->pad)
		xalui(b, 1, 0, RSP, 8);
	for (uint32_t i = c->npush; i-- > 0;)
		xhead(b, 0, 0, 0, 0, c->push[i], 0x58 + (c->push[i] & 7));
	xb(b, 0x41); /* pop r13; ret */
	xb(b, 0x5D);
	xb(b, 0xC3);
}

/* Internal opcode of a handler cell (inverse of interp_op_table). */
static struct {
	int32_t off;
	uint16_t op;
} rev[IOP_COUNT];
static bool rev_ready;

static int rev_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* A direct map from handler offset to opcode when the offsets span a
 * small range (they do: they are label distances inside one function). */
static uint16_t *direct;
static int32_t dmin, dmax;

static enum iop op_of(icell cell)
{
	if (!rev_ready) {
		const int32_t *t = interp_op_table();
		for (int i = 0; i < IOP_COUNT; i++) {
			rev[i].off = t[i];
			rev[i].op = (uint16_t)i;
		}
		qsort(rev, IOP_COUNT, sizeof rev[0], rev_cmp);
		dmin = rev[0].off;
		dmax = rev[IOP_COUNT - 1].off;
		if ((int64_t)dmax - dmin < (1 << 20) &&
		    (direct = calloc((size_t)(dmax - dmin) + 1, 2))) {
			for (int i = 0; i < IOP_COUNT; i++)
				direct[rev[i].off - dmin] = rev[i].op;
		}
		rev_ready = true;
	}
	int32_t v = (int32_t)cell;
	if (direct && v >= dmin && v <= dmax)
		return (enum iop)direct[v - dmin];
	uint32_t lo = 0, hi = IOP_COUNT;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (rev[mid].off <= v)
			lo = mid;
		else
			hi = mid;
	}
	return (enum iop)rev[lo].op;
}

/* call fidx base / call_indirect typeidx table base i. */
static void call(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	wasm_instance *inst = c->inst;
	uint32_t base = op == IOP_CALL ? p[2] : p[3];
	c->has_call = true;
	spill(c, false, false);
	if (op == IOP_CALL) {
		wasm_func *g = inst->funcs[p[1]];
		if (!g->inst) {
			xmovi(b, RDI, (uintptr_t)g);
			xmovi(b, RSI, (uintptr_t)inst);
			xmem(b, 0, 1, 0x8D, RDX, SLOT(base));
			xcall(b, (void *)jit_host);
			spill(c, false, true);
			return;
		}
		jit_resolve(g);
		xmovi(b, RAX, (uintptr_t)g);
		xmem(b, 0, 1, 0x8B, RCX, RAX, NOIDX,
		     (int32_t)offsetof(wasm_func, jit_entry));
	} else {
		wasm_table *t = inst->tables[p[2]];
		jit_ldslot(c, 0, RAX, p[4]);
		xmovi(b, RCX, (uintptr_t)t);
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
		xmem(b, 0, 0, 0x81, 7, RAX, NOIDX,
		     (int32_t)offsetof(wasm_func, sig));
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
		xmovi(b, RDX, (uintptr_t)inst);
	}
	if (base)
		xmem(b, 0, 1, 0x8D, RBX, SLOT(base));
	xcallr(b, RCX);
	if (base)
		xmem(b, 0, 1, 0x8D, RBX, RBX, NOIDX, -(int32_t)(base * 8));
	spill(c, false, true);
}

/* Translates the instruction at cell c->pc; its length in cells, 0 if the
 * JIT does not know it. */
static uint32_t insn(struct jc *c, enum iop op, const icell *p)
{
	struct xbuf *b = &c->b;
	uint32_t n;
	switch (op) {
	case IOP_W_UNREACHABLE:
		jit_trap_if(c, -1, TRAP_UNREACHABLE);
		return 1;
	case IOP_W_LOOP:
		preempt_check(c);
		return 1;
	case IOP_BR:
		jit_br(c, -1, p[1]);
		return 2;
	case IOP_BR_IF:
	case IOP_BR_IFZ:
		jit_sop(c, 0, 0, 0x83, 7, p[1]);
		xb(b, 0);
		jit_br(c, op == IOP_BR_IF ? CC_NE : CC_E, p[2]);
		return 3;
	case IOP_BR_IF_MOV:
	case IOP_BR_IFZ_MOV: {
		jit_sop(c, 0, 0, 0x83, 7, p[1]);
		xb(b, 0);
		uint32_t skip = xj8(b, op == IOP_BR_IF_MOV ? CC_E : CC_NE);
		jit_ldslot(c, 1, RAX, p[4]);
		jit_stslot(c, 1, p[3], RAX);
		jit_br(c, -1, p[2]);
		xbind8(b, skip);
		return 5;
	}
	case IOP_BR_TABLE: {
		uint32_t nt = p[2];
		jit_ldslot(c, 0, RAX, p[1]);
		xmovi(b, RCX, nt);
		xrr(b, 0, 0, 0x3B, RAX, RCX);
		xrr(b, 0, 0, 0x0F40 + CC_A, RAX, RCX); /* cmova eax, ecx */
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
		uint32_t tab = b->len;
		xpatch32(b, lea - 4, (int32_t)(tab - lea));
		for (uint32_t i = 0; i <= nt; i++) {
			add_fix(c, b->len, tab, p[3 + i]);
			x32(b, 0);
		}
		return 4 + nt;
	}
	case IOP_RET:
		epilogue(c);
		return 1;
	case IOP_CALL:
		call(c, op, p);
		return 3;
	case IOP_CALL_IND:
		call(c, op, p);
		return 5;
	case IOP_COPY:
		jit_ldslot(c, 1, RAX, p[2]);
		jit_stslot(c, 1, p[1], RAX);
		return 3;
	case IOP_CONST32:
		xmovi(b, RAX, p[2]);
		jit_stslot(c, 1, p[1], RAX);
		return 3;
	case IOP_CONST64:
		xmovi(b, RAX, p[2] | (uint64_t)p[3] << 32);
		jit_stslot(c, 1, p[1], RAX);
		return 4;
	case IOP_SEL:
		jit_ldslot(c, 0, RCX, p[4]);
		jit_ldslot(c, 1, RAX, p[2]);
		xrr(b, 0, 0, 0x85, RCX, RCX);
		jit_sop(c, 0, 1, 0x0F40 + CC_E, RAX, p[3]); /* cmovz */
		jit_stslot(c, 1, p[1], RAX);
		return 5;
	case IOP_GGET:
	case IOP_GSET: {
		wasm_global *g = c->inst->globals[op == IOP_GGET ? p[2] : p[1]];
		xmovi(b, RCX, (uintptr_t)&g->val);
		if (op == IOP_GGET) {
			xmem(b, 0, 1, 0x8B, RAX, RCX, NOIDX, 0);
			jit_stslot(c, 1, p[1], RAX);
		} else {
			jit_ldslot(c, 1, RAX, p[2]);
			xmem(b, 0, 1, 0x89, RAX, RCX, NOIDX, 0);
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
		xmovi(b, RAX, (uintptr_t)c->inst->funcs[p[2]]);
		jit_stslot(c, 1, p[1], RAX);
		return 3;
	case IOP_W_MEMORY_SIZE:
		xmovi(b, RCX, (uintptr_t)&c->inst->mems[0]->pages);
		xmem(b, 0, 0, 0x8B, RAX, RCX, NOIDX, 0);
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
	if (jit_op_load(c, op, p) || jit_op_store(c, op, p))
		return 4;
	if (jit_op_icmp(c, op, p) || jit_op_ibin(c, op, p) ||
	    jit_op_fbin(c, op, p))
		return 4;
	if (jit_op_unary(c, op, p))
		return 3;
	if ((n = jit_slow_len(op)) != 0) {
		spill(c, true, false);
		xmovi(b, RDI, (uintptr_t)c->f);
		xrr(b, 0, 1, 0x89, RBX, RSI); /* mov rsi, rbx */
		xmovi(b, RDX, c->pc);
		xmovi(b, RCX, op);
		xcall(b, (void *)jit_slow);
		spill(c, true, true);
		return n;
	}
	return 0;
}

/* Entry: stack checks, zeroed locals, the memory base in r13. */
static void prologue(struct jc *c)
{
	struct xbuf *b = &c->b;
	const struct interp_code *ic = c->ic;
	xb(b, 0x41); /* push r13, the callee-saved registers used, padding */
	xb(b, 0x55);
	for (uint32_t i = 0; i < c->npush; i++)
		xhead(b, 0, 0, 0, 0, c->push[i], 0x50 + (c->push[i] & 7));
	if (c->pad)
		xalui(b, 1, 5, RSP, 8);
	xmovi(b, RCX, (uintptr_t)&jit_st);
	xmem(b, 0, 1, 0x3B, RSP, RCX, NOIDX,
	     (int32_t)offsetof(struct jit_state, limit));
	jit_trap_if(c, CC_B, TRAP_EXHAUSTED);
	xmem(b, 0, 1, 0x8D, RAX, SLOT(ic->nslots));
	xmem(b, 0, 1, 0x3B, RAX, RCX, NOIDX,
	     (int32_t)offsetof(struct jit_state, vend));
	jit_trap_if(c, CC_A, TRAP_EXHAUSTED);
	uint32_t n = ic->nlocals - ic->nparams;
	xrr(b, 0, 0, 0x33, RAX, RAX);
	if (n <= 16) {
		for (uint32_t i = ic->nparams; i < ic->nlocals; i++)
			jit_stslot(c, 1, i, RAX);
	} else {
		xmem(b, 0, 1, 0x8D, RDI, SLOT(ic->nparams));
		xmovi(b, RCX, n);
		xb(b, 0xF3); /* rep stosq */
		xb(b, 0x48);
		xb(b, 0xAB);
	}
	for (uint32_t i = 0; i < c->npin; i++) {
		int r = c->preg[i];
		if (c->pslot[i] < ic->nparams)
			xmem(b, 0, 1, 0x8B, r, SLOT(c->pslot[i]));
		else
			xrr(b, 0, 0, 0x33, r, r);
	}
	if (c->inst->module->num_mems)
		xmovi(b, R13, (uintptr_t)c->inst->mems[0]->base);
	preempt_check(c);
}

/* Out-of-line trap stubs, then branch and table fix-ups. */
static void finish(struct jc *c)
{
	struct xbuf *b = &c->b;
	for (uint32_t i = 0; i < c->nts; i++) {
		struct tsite *t = &c->ts[i];
		xpatch32(b, t->pos, (int32_t)(b->len - (t->pos + 4)));
		xmovi(b, RDI, (uint32_t)t->kind);
		xmovi(b, RSI, t->pc);
		xmovi(b, RDX, (uintptr_t)c->f);
		xcall(b, (void *)jit_trap_pc);
	}
	for (uint32_t i = 0; i < c->nps; i++) {
		uint32_t pos = c->ps[i];
		xpatch32(b, pos, (int32_t)(b->len - (pos + 4)));
		spill(c, false, false);
		xcall(b, (void *)rt_preempt);
		spill(c, false, true);
		uint32_t j = xjmp32(b);
		xpatch32(b, j, (int32_t)(pos + 4 - (j + 4)));
	}
	for (uint32_t i = 0; i < c->nfx; i++) {
		struct fix *x = &c->fx[i];
		uint32_t to =
			x->cell < c->ic->len ? c->at[x->cell] : UINT32_MAX;
		if (to == UINT32_MAX) {
			c->oom = true; /* a branch into the middle of nothing */
			return;
		}
		xpatch32(b, x->pos, (int32_t)(to - x->base));
	}
}

static void release(struct jc *c)
{
	free(c->target);
	free(c->uses);
	free(c->at);
	free(c->fx);
	free(c->ts);
	free(c->ps);
	free(c->npc);
	free(c->cpc);
}

/* One translation of the whole function into c->b. */
static void translate(struct jc *c)
{
	c->b.len = c->start;
	c->nfx = c->nts = c->nmap = c->nps = 0;
	c->cend = UINT32_MAX;
	c->cslot = UINT32_MAX;
	c->cvalid = c->rdx_valid = false;
	for (uint32_t i = 0; i <= c->ic->len; i++)
		c->at[i] = UINT32_MAX;
	c->pc = 0; /* stack-check traps name the first instruction */
	prologue(c);
	for (uint32_t pc = 0; pc < c->ic->len && !c->oom && !c->b.oom;) {
		const icell *p = c->ic->code + pc;
		enum iop op = op_of(*p);
		c->pc = pc;
		c->at[pc] = c->b.len;
		if (c->nmap == c->cmap) {
			uint32_t cap = c->cmap;
			void *q = realloc(c->cpc, (cap ? 2 * cap : 64) * 4);
			if (q)
				c->cpc = q;
			if (!q ||
			    !grow((void **)&c->npc, &c->nmap, &c->cmap, 4)) {
				c->oom = true;
				break;
			}
		}
		c->npc[c->nmap] = c->b.len - c->start;
		c->cpc[c->nmap++] = pc;
		c->cvalid = c->cend == c->b.len && !c->target[pc];
		c->rdx_valid = false;
		uint32_t n = insn(c, op, p);
		if (!n) {
			c->oom = true;
			break;
		}
		pc += n;
	}
	c->at[c->ic->len] = c->b.len; /* the end: return (never reached) */
	epilogue(c);
	if (!c->oom)
		finish(c);
}

/* Picks the locals used most (pass 1's counts) to live in registers:
 * caller-saved ones first in a function without calls, else callee-saved
 * ones first (they survive calls without a spill). */
static void choose_pins(struct jc *c)
{
	static const int leaf[NPIN] = {R8, R9, R10, R11, R12, R14, R15};
	static const int nonleaf[NPIN] = {R12, R14, R15, R8, R9, R10, R11};
	const int *order = c->has_call ? nonleaf : leaf;
	uint32_t n = c->ic->nlocals;
	for (uint32_t k = 0; k < NPIN; k++) {
		uint32_t best = UINT32_MAX, bu = 1;
		for (uint32_t s = 0; s < n; s++)
			if (c->pin[s] < 0 && c->uses[s] > bu)
				best = s, bu = c->uses[s];
		if (best == UINT32_MAX)
			break;
		c->pin[best] = (int8_t)order[k];
		c->pslot[c->npin] = best;
		c->preg[c->npin++] = order[k];
		if (order[k] >= R12)
			c->push[c->npush++] = order[k];
	}
	c->pad = c->npush % 2 == 1;
}

/*
 * Translates f, appending to c->b (shared by the instance's functions): a
 * first pass counts how often each local is used, a second one emits the
 * code with the busiest locals in registers. Fills *out (its offset in
 * c->b, size and pc map); false when out of memory.
 */
static bool compile_one(struct jc *c, wasm_func *f, struct jit_code *out)
{
	struct xbuf b = c->b;
	memset(c, 0, sizeof *c);
	c->b = b;
	c->start = b.len;
	if (!f->code)
		f->code = interp_compile(f);
	if (!f->code)
		return false;
	c->f = f;
	c->ic = f->code;
	c->inst = f->inst;
	c->at = malloc((c->ic->len + 1) * sizeof *c->at);
	c->uses = calloc(c->ic->nlocals + 1, sizeof *c->uses);
	c->target = calloc(c->ic->len + 1, 1);
	c->pin = malloc(c->ic->nlocals + 1);
	bool ok = c->at && c->uses && c->target && c->pin;
	if (ok) {
		int8_t *pin = c->pin;
		c->pin = NULL;
		translate(c);
		memset(pin, -1, c->ic->nlocals + 1);
		c->pin = pin;
		choose_pins(c);
		translate(c);
		ok = !c->oom && !c->b.oom;
	}
	if (ok) {
		out->f = f;
		out->size = c->b.len - c->start;
		out->npc = c->npc;
		out->cpc = c->cpc;
		out->nmap = c->nmap;
		out->mem = (uint8_t *)(uintptr_t)c->start; /* offset for now */
		c->npc = c->cpc = NULL;
	}
	free(c->pin);
	release(c);
	return ok;
}

/*
 * Compiles every function of inst not compiled yet into one block of
 * code (one mapping, made READ|EXEC once) and sets their entries. False
 * when out of memory.
 */
bool jit_compile_instance(wasm_instance *inst)
{
	const wasm_module *m = inst->module;
	uint32_t first = m->num_imported_funcs, n = m->num_funcs - first;
	struct jit_code *jcs = calloc(n + 1, sizeof *jcs);
	struct jc c;
	memset(&c, 0, sizeof c);
	/* Room for the usual code size up front (about 5 bytes of code per
	 * byte of wasm), so that the buffer rarely moves. */
	size_t body = 0;
	for (uint32_t i = 0; i < n; i++)
		body += m->code[i].body_len;
	c.b.cap =
		body * 6 + 4096 < (1u << 30) ? (uint32_t)(body * 6 + 4096) : 0;
	c.b.p = c.b.cap ? malloc(c.b.cap) : NULL;
	if (!c.b.p)
		c.b.cap = 0;
	bool ok = jcs != NULL;
	for (uint32_t i = 0; ok && i < n; i++) {
		wasm_func *f = inst->funcs[first + i];
		if (f->jit || f->inst != inst)
			continue;
		ok = compile_one(&c, f, &jcs[i]);
	}
	if (ok)
		ok = jit_install_block(c.b.p, c.b.len, jcs, n);
	if (!ok) {
		for (uint32_t i = 0; jcs && i < n; i++) {
			free(jcs[i].npc);
			free(jcs[i].cpc);
		}
	}
	free(c.b.p);
	free(jcs);
	return ok;
}
