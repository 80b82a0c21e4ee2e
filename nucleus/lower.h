/*
 * lower.h: the internal code both engines run, and the lowering (lower.c)
 * that translates a validated function body into it: the interpreter
 * (interp.c) dispatches on it, the JIT (jit.c) turns it into machine code
 * as it is produced. Internal to nucleus/.
 *
 * A function body is translated once into an array of 32-bit cells. An
 * instruction is a handler cell followed by its operands. Locals and the
 * operand stack are all slots of the function's frame (the validated stack
 * height is static), so operands are frame slot numbers, branch targets
 * are cell indices, and block results are moved into place by explicit
 * COPY instructions the lowering emits. A frame holds the params, the
 * declared locals, one slot that is always zero, then the operand stack.
 * A callee's frame starts at the caller's first argument slot, so its
 * results (left in its first slots) are where the caller expects them.
 * In a function with SIMD, a v128 value at stack height h lives in slot
 * h of its own range of prof.nv slots between the zero slot and the
 * stack (below any callee's frame), so that the stack slots, which
 * registers may hold (8 bytes), never hold one; only a call's v128
 * arguments and results are moved through stack slots.
 *
 * The handler cell holds what the engine asks for (lower_func's
 * handlers): the interpreter's handler offsets (computed goto) or the
 * internal opcode itself.
 */
#ifndef NUCLEUS_LOWER_H
#define NUCLEUS_LOWER_H

#include "nucleus/opcodes.h"
#include "nucleus/runtime.h"

typedef uint32_t icell;

/* clang-format off */
/* i32 compares that fuse with br_if / if: name, C operator, operand type. */
#define ICMP32(X) \
	X(EQ, ==, uint32_t) \
	X(NE, !=, uint32_t) \
	X(LT_S, <, int32_t) \
	X(LT_U, <, uint32_t) \
	X(GT_S, >, int32_t) \
	X(GT_U, >, uint32_t) \
	X(LE_S, <=, int32_t) \
	X(LE_U, <=, uint32_t) \
	X(GE_S, >=, int32_t) \
	X(GE_U, >=, uint32_t)

/*
 * Internal opcodes: every wasm opcode (IOP_W_name, used for the plain
 * numeric instructions: operands d, a[, b]) and the engine's own below.
 * Operands in cells after the handler, in the order listed.
 *   _RI forms: d a imm (i64 ones: imm is an s32, sign-extended)
 *   BR_<cmp>: a b t;  BR_<cmp>_RI: a imm t
 */
#define IOP_OWN(X) \
	X(BR)         /* t: jump to cell t */ \
	X(BR_IF)      /* c t: jump if slot c != 0 */ \
	X(BR_IFZ)     /* c t: jump if slot c == 0 */ \
	X(BR_TABLE)   /* i n t0..tn: jump to t[min(slot i, n)] */ \
	X(RET)        /* results already in slots 0.. */ \
	X(CALL)       /* fidx base: args/results at slot base */ \
	X(CALL_IND)   /* typeidx table base i */ \
	X(COPY)       /* d s */ \
	X(CONST32)    /* d v */ \
	X(CONST64)    /* d lo hi */ \
	X(SEL)        /* d a b c: d = c ? a : b */ \
	X(GGET)       /* d g */ \
	X(GSET)       /* g s */ \
	X(I32_ADD_RI) X(I32_SUB_RI) X(I32_MUL_RI) X(I32_AND_RI) X(I32_OR_RI) \
	X(I32_XOR_RI) X(I32_SHL_RI) X(I32_SHR_S_RI) X(I32_SHR_U_RI) \
	X(I64_ADD_RI) X(I64_SUB_RI) X(I64_AND_RI) X(I64_OR_RI) X(I64_XOR_RI) \
	X(I64_SHL_RI) X(I64_SHR_S_RI) X(I64_SHR_U_RI) \
	X(I32_EQ_RI) X(I32_NE_RI) X(I32_LT_S_RI) X(I32_LT_U_RI) X(I32_GT_S_RI) \
	X(I32_GT_U_RI) X(I32_LE_S_RI) X(I32_LE_U_RI) X(I32_GE_S_RI) \
	X(I32_GE_U_RI) \
	X(BR_EQ) X(BR_NE) X(BR_LT_S) X(BR_LT_U) X(BR_GT_S) X(BR_GT_U) \
	X(BR_LE_S) X(BR_LE_U) X(BR_GE_S) X(BR_GE_U) \
	X(BR_EQ_RI) X(BR_NE_RI) X(BR_LT_S_RI) X(BR_LT_U_RI) X(BR_GT_S_RI) \
	X(BR_GT_U_RI) X(BR_LE_S_RI) X(BR_LE_U_RI) X(BR_GE_S_RI) X(BR_GE_U_RI) \
	X(REF_NULL)     /* d */ \
	X(REF_ISNULL)   /* d s */ \
	X(REF_FUNC)     /* d fidx */ \
	X(BR_IF_MOV)    /* c t d s: if slot c != 0, copy s to d and jump */ \
	X(BR_IFZ_MOV)   /* c t d s: the same if slot c == 0 */ \
	X(I32_SHRU_AND) /* d a shift mask: d = (a >> shift) & mask */ \
	X(I32_MUL_ADD)  /* d a b c: d = a * b + c */
/* clang-format on */

/* Memory instructions use their wasm names: loads d a off, stores a v off;
 * memory.size d; memory.grow d n; memory.init d seg dst src n (d unused);
 * memory.copy dst src n; memory.fill dst val n; data.drop seg; table.get
 * d t i; table.set t i v; table.size d t; table.grow d t init n;
 * table.fill t i v n; table.copy dt st d s n; table.init t e d s n;
 * elem.drop e. Atomic instructions (0xFE) all take LOWER_ATOMIC_LEN
 * cells: d a b c off, with a the address, b and c the value operands in
 * order (the zero slot where there are fewer), off the memarg offset, d
 * the result slot (not written when there is no result). */
#define LOWER_ATOMIC_LEN 6
#define IOP_IS_ATOMIC(op)                                                      \
	((op) >= IOP_W_MEMORY_ATOMIC_NOTIFY &&                                 \
	 (op) <= IOP_W_I64_ATOMIC_RMW32_CMPXCHG_U)
/* SIMD instructions (0xFD) all take LOWER_SIMD_LEN cells: d a b c x0 x1
 * x2 x3, with a, b, c the operands in order (the zero slot where there
 * are fewer: a load's or store's address is a, its value b), d the result
 * slot (the zero slot when there is none), x0..x3 the immediates: a
 * memarg's offset then a lane index, one lane index, or the 16 bytes of
 * v128.const or i8x16.shuffle. A v128 fills its whole 16-byte slot. */
#define LOWER_SIMD_LEN 9
#define IOP_IS_SIMD(op)                                                        \
	((op) >= IOP_W_V128_LOAD && (op) <= IOP_W_F64X2_CONVERT_LOW_I32X4_U)

/* clang-format off */
enum iop {
#define IOP_W(name, prefix, code, imm, p1, p2, res, text) IOP_W_##name,
	WASM_OPCODES(IOP_W)
#undef IOP_W
#define IOP_E(name) IOP_##name,
	IOP_OWN(IOP_E)
#undef IOP_E
	IOP_COUNT
};
/* clang-format on */

/* The class (enum wasm_opclass) of a wasm instruction's internal opcode
 * (IOP_W_x is OP_x: enum iop lists the wasm opcodes first); OPC_OTHER for
 * the engine's own. */
static inline unsigned iop_class(enum iop op)
{
	return op < (enum iop)OP_COUNT ? wasm_ops[op].cls : OPC_OTHER;
}

/* Maps an internal pc (cell index) to the wasm offset of its instruction. */
struct lower_pcmap {
	uint32_t pc, off;
};

struct lower_code {
	icell *code;
	uint32_t len;
	uint32_t nparams, nresults;
	uint32_t nlocals;	 /* params + declared locals + the zero slot */
	uint32_t nslots;	 /* frame size: locals + maximum stack height */
	struct lower_pcmap *map; /* sorted by pc */
	uint32_t nmap;
};

/*
 * A consumer of the code as it is produced: the JIT, which turns
 * each instruction into machine code in the same pass. insn gets an
 * instruction (opcode op, cells code[pc .. pc+n)) once nothing can change
 * it any more, that is when the next one starts: only the last
 * instruction is ever retargeted or fused away. Branch targets are the
 * exception: a forward branch's target cell is filled in when its label
 * is reached, so read targets once the lowering is over. label(pc) says
 * that branches land on cell pc, before the instruction there reaches
 * insn. Nothing is delivered once out of memory.
 */
struct lower_sink {
	void (*insn)(void *ctx, const icell *code, uint32_t pc, uint32_t n,
		     enum iop op);
	void (*label)(void *ctx, uint32_t pc);
	void *ctx;
};

/*
 * lower.c: translates f's (validated) body; NULL if out of memory. The
 * handler cell of internal opcode op is handlers[op] (NULL: op itself);
 * each instruction is also given to sink, if not NULL.
 */
struct lower_code *lower_func(const wasm_func *f, const int32_t *handlers,
			      const struct lower_sink *sink);

/*
 * The lowered code every instance of f's module shares, for the
 * interpreter (jit false: handler cells filled) or the JIT. lower_shared
 * is it, or NULL when not made yet; lower_publish makes ic (from
 * lower_func, NULL: out of memory) the shared one unless another
 * instance published first (ic is then freed), and returns the one that
 * stays. Lock-free: threads of different processes may race.
 */
struct lower_code *lower_shared(const wasm_func *f, bool jit);
struct lower_code *lower_publish(const wasm_func *f, bool jit,
				 struct lower_code *ic);
/* Frees a module's shared lowered code (module.c). */
void lower_free_module(wasm_module *m);

/* Wasm offset of the instruction at cell index pc. */
uint32_t lower_wasm_offset(const struct lower_code *c, uint32_t pc);

#endif
