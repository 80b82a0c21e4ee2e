/*
 * jit_gen.h: the JIT translator's state and emit helpers, shared by the
 * translator (jit.c: control, calls, functions) and the instruction
 * templates (jit_ops.c: arithmetic, compares, loads and stores). Internal
 * to the JIT.
 */
#ifndef NUCLEUS_JIT_GEN_H
#define NUCLEUS_JIT_GEN_H

#include "nucleus/jit.h"
#include "nucleus/jit_x64.h"

/* At most this many slots live in registers: r8-r11, rsi, rdi (caller-
 * saved: written to their cells around calls) and r12, r14, r15, rbp
 * (callee-saved: pushed by the prologue). */
#define NPIN 10
#define NCALLEE 4

/* A reference to a branch target's native address, patched at the end
 * (when the lowering has filled in every target cell). */
struct fix {
	uint32_t pos;  /* where the 32-bit value goes */
	uint32_t base; /* value = native(target) - base */
	uint32_t cell; /* the cell holding the target (a cell index) */
};

/* A trap site: a jcc at pos to a stub raising kind at cell pc. */
struct tsite {
	uint32_t pos, pc;
	int kind;
};

/* A direct call at pos (rel32) to defined function fidx of the block. */
struct cfix {
	uint32_t pos, fidx;
};

/* A growing array of n elements (cap allocated). */
#define JIT_VEC(T, name)                                                       \
	T *name;                                                               \
	uint32_t n##name, c##name

/*
 * Translator state. The arrays are reused from one function to the next
 * (they only grow); map and calls span the whole block.
 */
struct jc {
	struct xbuf b;
	wasm_func *f;
	wasm_instance *inst;
	uint32_t first;	    /* index of the block's first defined function */
	const icell *cells; /* the lowered code, as of this instruction */
	uint32_t nparams, nresults, nlocals, nslots; /* f's frame */
	/* native offset of each instruction's first cell; any other cell
	 * holds 0 or an offset of an earlier function (<= start) */
	uint32_t *at;
	uint8_t *target; /* cells that branches land on (0 once passed) */
	uint32_t ccells;
	int8_t *pin; /* pin[slot]: its register or -1 */
	uint32_t cslots;
	JIT_VEC(struct fix, fx);
	JIT_VEC(struct tsite, ts);
	JIT_VEC(uint32_t, ps);	/* preemption checks: their jne's rel32 */
	JIT_VEC(uint32_t, map); /* pairs: native offset, cell pc */
	JIT_VEC(struct cfix, cf);
	uint32_t pc; /* cell of the instruction being translated */
	bool oom;
	bool simd; /* f holds v128 values: moves copy whole 16-byte slots */
	uint32_t npin, pslot[NPIN];
	int preg[NPIN];
	/* registers of pinned i32 locals: always zero-extended (every write
	 * to them is 32 bits wide), so they index memory as they are */
	uint32_t zext;
	/* register zreg got a zero-extended value at b.len == zend (the end
	 * of an instruction); zok: it, when the next one starts there and
	 * no branch lands there (else -1) */
	int zreg, zok;
	uint32_t zend;
	uint32_t npush; /* callee-saved registers the prologue pushes */
	int push[NCALLEE];
	bool pad; /* rsp adjusted by 8 for alignment */
	/* rax still holds slot cslot (cw: all 64 bits) when the code
	 * reaches b.len == cend by falling through: the next instruction
	 * reads it from rax (cvalid), or from rdx once its first operand
	 * has replaced rax (rdx_valid). target[] marks the cells branches
	 * land on. */
	uint32_t start; /* where this function's code begins in b */
	uint32_t cslot, cend;
	int cw;
	bool cvalid;
	bool rdx_valid; /* rdx holds cslot (rax was overwritten) */
	/* the preemption stub saves rsi, rdi, r8-r11 (optimized code keeps
	 * values there; the baseline's pinned slots are saved by spill) */
	bool save_scratch;
	/* tiering: baseline code counts calls and loop iterations
	 * (jit_tier.c); tier_pos: the entry check's jump, ls: the loops'
	 * (pos: their jump, pc: the loop's cell) */
	bool tier;
	uint32_t tier_pos;
	JIT_VEC(struct tsite, ls);
	uint32_t osr; /* opt_compile: 0, or 1 + the OSR entry's loop cell */
};

/* jit.c: emit helpers. Slots are frame slots; a local may live in a
 * register instead (jit_pinned), which these hide. */
/* Branch (cc, or -1 for jmp) to the target in cell t of the current
 * instruction. */
void jit_br(struct jc *c, int cc, const icell *t);
void jit_trap_if(struct jc *c, int cc, int kind);
/* The register holding slot `s`, or -1 for its frame cell. */
static inline int jit_pinned(const struct jc *c, uint32_t s)
{
	return s < c->nslots ? c->pin[s] : -1;
}
/* A register holding slot s now (pinned, or rax/rdx caching the last
 * result), or -1. */
static inline int jit_src(const struct jc *c, uint32_t s)
{
	int r = jit_pinned(c, s);
	if (r >= 0 || s != c->cslot)
		return r;
	if (c->cvalid)
		return RAX;
	return c->rdx_valid ? RDX : -1;
}
/* The instruction just emitted ends with register r zero-extended. */
static inline void jit_zext_out(struct jc *c, int r)
{
	c->zreg = r;
	c->zend = c->b.len;
}
/* A register holding slot s: jit_src's, else rax loaded with it. */
int jit_opnd(struct jc *c, int w, uint32_t s);
void jit_sop(struct jc *c, int pfx, int w, uint32_t opc, int reg, uint32_t s);
void jit_ldslot(struct jc *c, int w, int r, uint32_t s);
void jit_stslot(struct jc *c, int w, uint32_t s, int r);
void jit_fld(struct jc *c, int sd, int x, uint32_t s);
void jit_fst(struct jc *c, int sd, uint32_t s, int x);
void jit_fop(struct jc *c, int pfx, uint32_t opc, int x, uint32_t s);

/* jit.c: */
bool jit_callee_saved(int r);
/* Parts of a function the optimizing tier (opt_x64.c) shares: the entry
 * stub, the stack check, a preemption check, a call or call_indirect
 * (operands in their frame slots, results left there: lower.h's cells
 * at p), the out-of-line trap and preemption stubs. */
void jit_entry_stub(struct jc *c);
/* r = element i of the running instance's array at offset off
 * (offsetof(wasm_instance, funcs), globals, tables, mems): generated
 * code reaches instance state only this way, never by an address
 * fixed at compile time, so every instance of a module runs the same
 * code (jit.h). Clobbers only r. */
void jit_inst_elem(struct jc *c, int r, size_t off, uint32_t i);
void jit_stack_check(struct jc *c, uint32_t nslots);
void jit_preempt_check(struct jc *c);
void jit_call(struct jc *c, enum iop op, const icell *p);
void jit_stubs(struct jc *c);
/* jmp through the rel32 table that follows, entry eax: the table's
 * position. */
uint32_t jit_jump_table(struct xbuf *b);
/* Load and store forms (jit_ops.c): opcode, operand width (*w) and, for
 * stores, the legacy prefix; false if op is not a plain load/store. */
bool jit_load_form(enum iop op, uint32_t *opc, int *w);
bool jit_store_form(enum iop op, uint32_t *opc, int *w, int *pfx);

/* opt_x64.c: compiles f with the optimizing tier into c->b as
 * compile_one would (the same *out); false, leaving c as it was, where
 * the tier does not cover f. */
bool opt_compile(struct jc *c, wasm_func *f, struct jit_code *out);

/* jit_ops.c: templates; each false if op is not one of its kind. */
bool jit_op_load(struct jc *c, enum iop op, const icell *p);
bool jit_op_store(struct jc *c, enum iop op, const icell *p);
bool jit_op_fbin(struct jc *c, enum iop op, const icell *p);
bool jit_op_unary(struct jc *c, enum iop op, const icell *p);
bool jit_op_ibin(struct jc *c, enum iop op, const icell *p);
bool jit_op_icmp(struct jc *c, enum iop op, const icell *p);
/* The atomics but memory.atomic.wait/notify (those run in jit_slow). */
bool jit_op_atomic(struct jc *c, enum iop op, const icell *p);
/* jit_simd.c: SIMD instructions inline (false: leave them to jit_slow). */
bool jit_op_simd(struct jc *c, enum iop op, const icell *p);
/* Length in cells of an instruction jit_slow runs, or 0. */
uint32_t jit_slow_len(enum iop op);

#endif
