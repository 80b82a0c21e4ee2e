/*
 * opt.h: the optimizing tier's SSA IR and its passes (opt_*.c). Internal
 * to nucleus/.
 *
 * A function's IR is built from its validated body as the lowering
 * (lower.h) translated it: every frame slot (locals and operand-stack
 * entries alike) becomes SSA values, with phis where control flow joins
 * (opt_build.c). The IR is machine-independent: its operations are the
 * wasm instructions (enum iop's IOP_W_ part, operands as values instead
 * of slots) plus a few of its own (enum opt_op). The passes (opt_pass.c,
 * opt_gvn.c) fold constants, propagate copies, remove dead code and
 * merge equal computations (value numbering); the x86-64 back
 * end (opt_x64.c, opt_ra.c) allocates registers across blocks and emits
 * code with the baseline JIT's calling convention (jit.h), so optimized
 * and baseline functions call each other freely.
 *
 * Every value is one instruction's result, 64 bits wide; an i32 value
 * has its upper 32 bits zero (the back end keeps them so).
 */
#ifndef NUCLEUS_OPT_H
#define NUCLEUS_OPT_H

#include "nucleus/lower.h"

/* clang-format off */
/* The IR's own operations, numbered after enum iop's. */
#define OPT_OWN(X) \
	X(CONST)   /* k: the value */ \
	X(PARAM)   /* k: the param's index */ \
	X(PHI)     /* one operand per predecessor, in order (list) */ \
	X(CALL)    /* k: fidx, or typeidx | table << 32 (indirect; the
		      index last in the list); list: the arguments;
		      x: the frame slot of the first argument */ \
	X(RES)     /* a0: the call, k: which result */ \
	X(GGET)    /* k: global */ \
	X(GSET)    /* k: global, a0: value */ \
	X(SEL)     /* a2 != 0 ? a0 : a1 */ \
	X(PREEMPT) /* a loop header's preemption check */ \
	X(NOP)     /* removed */ \
	X(JMP)     /* to succ 0 */ \
	X(BRIF)    /* a0 != 0: succ 0, else succ 1 */ \
	X(BRTAB)   /* a0: index; succs: the targets, default last */ \
	X(RET)     /* list: the results */ \
	X(TRAP)    /* k: enum rt_trap */
/* clang-format on */

enum opt_op {
	OPT_FIRST = IOP_COUNT - 1,
#define OPT_E(name) OPT_##name,
	OPT_OWN(OPT_E)
#undef OPT_E
		OPT_COUNT
};

#define OPT_NONE UINT32_MAX

/* One instruction, defining value number = its index. */
struct opt_ins {
	uint16_t op; /* enum iop (a wasm instruction) or enum opt_op */
	uint8_t w64; /* its value is 64 bits wide (else i32/f32, or none) */
	uint8_t n;   /* operands in a[] (or in the list: see `list`) */
	uint32_t a[3];
	uint32_t list; /* PHI, CALL, RET: nl operands at pool[list] */
	uint32_t nl;
	uint32_t x;  /* CALL: first argument slot; PHI: its slot */
	uint64_t k;  /* constant, memarg offset, index, ... */
	uint32_t pc; /* its lowered instruction's cell, for traps */
	uint32_t blk;
	uint32_t uses; /* opt_pass: how many instructions use it */
};

struct opt_blk {
	uint32_t *ins; /* its instructions in order, phis first */
	uint32_t n, cap;
	uint32_t pred, npred; /* pool offset: predecessor blocks */
	uint32_t succ, nsucc; /* pool offset: successor blocks */
	uint32_t cell;	      /* its first lowered cell */
	uint32_t idom, rpo;
	bool loop; /* a back edge lands here */
	bool bad;  /* a branch to nowhere (opt_build refuses it if reached) */
};

struct opt_fn {
	const wasm_func *f;
	struct lower_code *code; /* f's lowered code, from opt_build */
	struct opt_ins *ins;
	uint32_t nins, cins;
	struct opt_blk *blk;
	uint32_t nblk;
	uint32_t *pool;
	uint32_t npool, cpool;
	uint32_t *order; /* blocks in reverse postorder (nblk: reachable) */
	uint32_t norder;
	uint32_t nslots;
	bool calls; /* has a call or SLOW instruction */
	bool oom;
	enum iop uncovered; /* why building failed (IOP_COUNT: size/memory) */
};

static inline bool opt_listed(const struct opt_ins *v)
{
	return v->op == OPT_PHI || v->op == OPT_CALL || v->op == OPT_RET;
}
/* Instruction v's operands (a[] or its list), and how many. */
static inline uint32_t *opt_args(struct opt_fn *fn, struct opt_ins *v)
{
	return opt_listed(v) ? fn->pool + v->list : v->a;
}
static inline uint32_t opt_nargs(const struct opt_ins *v)
{
	return opt_listed(v) ? v->nl : v->n;
}

/* Is op a wasm instruction that may trap on its operands (division,
 * remainder, float-to-integer truncation)? */
static inline bool opt_may_trap(uint32_t op)
{
	bool div = (op >= IOP_W_I32_DIV_S && op <= IOP_W_I32_REM_U) ||
		   (op >= IOP_W_I64_DIV_S && op <= IOP_W_I64_REM_U);
	bool trunc =
		op >= IOP_W_I32_TRUNC_F32_S && op <= IOP_W_I64_TRUNC_F64_U &&
		op != IOP_W_I64_EXTEND_I32_S && op != IOP_W_I64_EXTEND_I32_U;
	return div || trunc;
}

/* opt_build.c: f's IR, from its body lowered afresh (fn->code, which
 * the caller may take: set it NULL then); false (fn->uncovered naming
 * the instruction, or IOP_COUNT) when f uses something the tier does not
 * cover or memory runs out. opt_free releases it. */
bool opt_build(struct opt_fn *fn, const wasm_func *f);
/* The same for on-stack replacement (jit_tier.c): an entry that jumps
 * to the block at cell osr (a loop header), every slot live there read
 * from the frame; false also if osr starts no instruction. */
bool opt_build_at(struct opt_fn *fn, const wasm_func *f, uint32_t osr);
void opt_free(struct opt_fn *fn);
/* Appends an instruction to block b; its value number, or OPT_NONE. */
uint32_t opt_add(struct opt_fn *fn, uint32_t b, struct opt_ins v);

/* opt_pass.c: constant folding, copy propagation (trivial phis),
 * dead-code elimination, to a fixed point, then global value numbering
 * and dead-code elimination again. */
void opt_optimize(struct opt_fn *fn);
/* opt_gvn.c: records in rep (rep[v] == v: none yet; operands already
 * rewritten through it) each pure instruction an equal dominating one
 * replaces; true if any. */
bool opt_gvn(struct opt_fn *fn, uint32_t *rep);

/* Counters, for --engine=opt reports (opt_x64.c). */
struct opt_stats {
	uint64_t compiled, fallback, ins_in, ins_out;
	uint32_t uncovered[IOP_COUNT + 1]; /* functions, by the op refused */
};
extern struct opt_stats opt_stats;

#endif
