/*
 * jit_gen.h: the JIT translator's state and emit helpers, shared by the
 * translator (jit.c: control, calls, functions) and the instruction
 * templates (jit_ops.c: arithmetic, compares, loads and stores). Internal
 * to the JIT.
 */
#ifndef NUCLEUS_JIT_GEN_H
#define NUCLEUS_JIT_GEN_H

#include "jit.h"
#include "jit_x64.h"

/* At most this many locals live in registers (r8-r12, r14, r15). */
#define NPIN 7

/* A reference to a cell's native address, patched at the end. */
struct fix {
	uint32_t pos;  /* where the 32-bit value goes */
	uint32_t base; /* value = native(target) - base */
	uint32_t cell; /* target cell */
};

/* A trap site: a jcc at pos to a stub raising kind at cell pc. */
struct tsite {
	uint32_t pos, pc;
	int kind;
};

struct jc {
	struct xbuf b;
	wasm_func *f;
	const struct interp_code *ic;
	wasm_instance *inst;
	uint32_t *at; /* native offset of each cell (UINT32_MAX: none) */
	struct fix *fx;
	uint32_t nfx, cfx;
	struct tsite *ts;
	uint32_t nts, cts;
	uint32_t *ps; /* preemption checks: their jne's rel32 positions */
	uint32_t nps, cps;
	uint32_t *npc, *cpc, nmap, cmap;
	uint32_t pc; /* cell of the instruction being translated */
	bool oom;
	/* Locals kept in registers: pin[slot] is the register or -1 (NULL
	 * in the first pass, which counts uses[] instead). */
	int8_t *pin;
	uint32_t *uses;
	bool has_call;
	uint32_t npin, pslot[NPIN];
	int preg[NPIN];
	uint32_t npush; /* callee-saved registers pushed after r13 */
	int push[3];
	bool pad; /* rsp adjusted by 8 for alignment */
	/* rax still holds slot cslot (cw: all 64 bits) when the code
	 * reaches b.len == cend by falling through: the next instruction
	 * reads it from rax (cvalid), or from rdx once its first operand
	 * has replaced rax (rdx_valid). Pass 2 only; target[] marks the
	 * cells branches land on, found in pass 1. */
	uint8_t *target;
	uint32_t start; /* where this function's code begins in b */
	uint32_t cslot, cend;
	int cw;
	bool cvalid;
	bool rdx_valid; /* rdx holds cslot (rax was overwritten) */
};

/* jit.c: emit helpers. Slots are frame slots; a local may live in a
 * register instead (jit_pinned), which these hide. */
void jit_br(struct jc *c, int cc, uint32_t t);
void jit_trap_if(struct jc *c, int cc, int kind);
int jit_pinned(struct jc *c, uint32_t s);
void jit_sop(struct jc *c, int pfx, int w, uint32_t opc, int reg, uint32_t s);
void jit_ldslot(struct jc *c, int w, int r, uint32_t s);
void jit_stslot(struct jc *c, int w, uint32_t s, int r);
void jit_fld(struct jc *c, int sd, int x, uint32_t s);
void jit_fst(struct jc *c, int sd, uint32_t s, int x);
void jit_fop(struct jc *c, int pfx, uint32_t opc, int x, uint32_t s);

/* jit_ops.c: templates; each false if op is not one of its kind. */
bool jit_op_load(struct jc *c, enum iop op, const icell *p);
bool jit_op_store(struct jc *c, enum iop op, const icell *p);
bool jit_op_fbin(struct jc *c, enum iop op, const icell *p);
bool jit_op_unary(struct jc *c, enum iop op, const icell *p);
bool jit_op_ibin(struct jc *c, enum iop op, const icell *p);
bool jit_op_icmp(struct jc *c, enum iop op, const icell *p);
/* Length in cells of an instruction jit_slow runs, or 0. */
uint32_t jit_slow_len(enum iop op);

#endif
