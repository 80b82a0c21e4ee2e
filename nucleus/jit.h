/*
 * jit.h: the x86-64 JIT's internal interface, between the translator
 * (jit.c) and its run-time support (jit_rt.c). Internal to the JIT.
 *
 * Code model. One pass over each validated body: the lowering (lower.c)
 * reads it,
 * assigns every local and operand-stack entry a frame slot, folds
 * constants into immediates and fuses compares with branches, and hands
 * each internal instruction (lower.h) to the JIT as soon as it is final;
 * the JIT emits its machine code there and then, one template per
 * instruction. Which slots live in registers is decided before, from
 * the profile validation left (wasm_profile).
 *
 * Calling convention between wasm functions (frame-based, the same frame
 * layout as the interpreter): rbx points at the callee's frame, whose
 * first slots hold the arguments and, on return, the results; rax holds
 * the callee's wasm_func (stubs use it); rdx the caller's instance (for
 * host functions). r13 holds the base of the running instance's linear
 * memory 0. A function's entry (jit_entry) is a stub of JIT_ENTRY_STUB
 * bytes that saves r13 and jit_st.inst, sets them to the callee's
 * instance (from rax) and its memory, calls the body right after it and
 * restores them; calls between functions of one instance enter the
 * body directly (call rel32 when both are in the same block).
 *
 * Shared code. The code of a module is compiled once, at its first
 * instance's first call, and every later instance of the module (of
 * the same engine, base or opt, whose imported functions are host or
 * wasm functions alike) runs the same block (tiered code, which counts
 * in its instance's functions and is patched on promotion, is each
 * instance's own): code reaches its instance's globals,
 * tables, memory size, functions and imports through jit_st.inst
 * (jit_inst_elem), never through addresses fixed at compile time. The
 * module owns the block (module.h) and frees it with itself. Anything
 * that patched code per instance (a call site bound to one instance's
 * function) would break this: patch only what holds for every
 * instance, or give that instance a private block. A caller
 * calls through callee->jit_entry otherwise, which is the machine code, a
 * stub that compiles on first call, or the host stub. rbx and r13 are
 * preserved by callees, and rbp, r12, r14 and r15 (bodies push those they
 * use for slots kept in registers); every other register is scratch.
 */
#ifndef NUCLEUS_JIT_H
#define NUCLEUS_JIT_H

#include "nucleus/atomic.h"
#include "nucleus/lower.h"

/* A mapping holding the code of an instance's functions. */
struct jit_block {
	uint8_t *mem; /* READ|EXEC */
	size_t len;
	uint32_t refs;		   /* functions whose code is in it (a private
				      block), or 0: the module's (shared) */
	const wasm_module *module; /* a shared block's */
	uint8_t *host_imports;	   /* a shared block's: per imported function,
				      1 if it was a host function */
	struct jit_code *copies;   /* their jit_codes (one allocation) */
	uint32_t *pcs;		   /* their pc maps (one allocation) */
};

/* Bytes of a function's entry stub, before its body. */
#define JIT_ENTRY_STUB 64

/* One function's machine code. */
struct jit_code {
	uint8_t *mem; /* its entry, in block */
	struct jit_block *block;
	uint32_t size;
	const wasm_func *f;  /* of the instance that compiled it (a shared
				block's: maybe gone; see index) */
	uint32_t index;	     /* its function index in the module */
	const uint32_t *pcs; /* nmap pairs: native offset, cell pc (sorted) */
	uint32_t nmap;
	struct jit_code *prev, *next; /* every live code, for faults */
	/* tiering (jit_tier.c): what this code is, and f's other codes
	 * (the baseline it replaced, OSR entries), freed with it */
	uint8_t tier;	 /* JIT_TIER_FIRST, _OPT or _OSR */
	uint32_t osr_pc; /* _OSR: the loop cell it enters at */
	struct jit_code *older;
};
enum { JIT_TIER_FIRST, JIT_TIER_OPT, JIT_TIER_OSR };

/* Process-wide run-time state the generated code reads (one wasm thread
 * runs at a time, as in trap.c). */
struct jit_state {
	wasm_instance *inst; /* the running instance (entry stubs set it) */
	uintptr_t limit;     /* lowest rsp allowed at a function entry */
	wasm_val *vend;	     /* end of the value stack */
	wasm_val *stack;     /* the value stack */
	wasm_val *top;	     /* first free slot while a host function runs */
	uint32_t nest;	     /* host functions in progress */
};
extern struct jit_state jit_st;

/* jit.c: compiles every function of inst that has no code yet (their
 * internal code first), in one block. False when out of memory. */
bool jit_compile_instance(wasm_instance *inst);

/* jit.c: compiles f alone with the optimizing tier (osr: 0, or 1 + the
 * loop cell an on-stack-replacement entry starts at) into a block of its
 * own and installs it: f->jit and f->jit_entry become the new code.
 * False where the tier does not cover f or memory runs out. */
bool jit_compile_opt(wasm_func *f, uint32_t osr);

/* jit_tier.c: tiering (WASM_ENGINE_JIT). The budget a baseline function
 * starts with; the calls its baseline code makes when the budget runs
 * out at its entry (returns the optimized body to jump to, or NULL to go
 * on in the baseline) and at loop cell pc (returns the body of the OSR
 * entry, or NULL). */
int32_t jit_tier_start(void);
void *jit_tier_up(wasm_func *f);
void *jit_tier_osr(wasm_func *f, uint32_t pc);

/* jit_rt.c: */
/* Copies len bytes of code to fresh READ|EXEC pages; NULL on failure. */
uint8_t *jit_map_code(const uint8_t *code, uint32_t len, size_t *maplen);
/* READ|WRITE pages for len bytes of code (*maplen: their size, maybe
 * more): a mapping the pool kept from a released block, else fresh pages
 * touched only as written; NULL on failure. jit_install_block makes them
 * READ|EXEC; hal_vm_release frees them. */
uint8_t *jit_code_pages(size_t len, size_t *maplen);
/* Installs the n functions jcs (mem: offset in code, pcs: offset in pcs;
 * f NULL for none) whose code is at mem (from jit_code_pages, maplen
 * bytes): makes it READ|EXEC and each f gets a copy of its jit_code. The
 * block takes mem and pcs (malloc'd) when it succeeds. */
bool jit_install_block(uint8_t *mem, size_t maplen, const struct jit_code *jcs,
		       uint32_t n, uint32_t *pcs, struct jit_block **share);
/* With share non-NULL and every defined function of the module among
 * jcs, the block becomes the module's shared one (*share). jit_attach
 * gives inst (with no code yet) the functions of a module's shared
 * block; false if inst cannot run it (an import bound to a host
 * function where the compiling instance had a wasm one, or back). */
bool jit_attach(struct jit_block *blk, wasm_instance *inst);
/* Raises trap `kind` at cell pc of f. */
_Noreturn void jit_trap_pc(int kind, uint32_t pc, const wasm_func *f);
/* Calls host function f with args/results at fp. */
void jit_host(wasm_func *f, wasm_instance *caller, wasm_val *fp);
/* f's entry, setting f->jit_entry to a stub if it has none yet. */
void *jit_resolve(wasm_func *f);
/* Runs the instruction at cell pc of f in C (rare or complex ones). */
void jit_slow(wasm_func *f, wasm_val *fp, uint32_t pc, uint32_t op);

#endif
