/*
 * runtime.h: runtime objects and the contract between instantiation
 * (instance.c, memory.c, table.c: "rt_") and the execution engines (the
 * interpreter, interp.c: "interp_"; the JIT, "jit_"), which both run the
 * lowering's code (lower.c, lower.h: "lower_"). Internal to nucleus/.
 */
#ifndef NUCLEUS_RUNTIME_H
#define NUCLEUS_RUNTIME_H

#include "hal/hal.h"
#include "nucleus/module.h"

#define WASM_PAGE 65536u
/* Address space reserved per linear memory: any i32 index plus any u32
 * offset plus a 16-byte access (v128) lands inside it, so no bounds check is
 * needed on loads and stores. */
#define WASM_MEM_RESERVE (((size_t)8 << 30) + (size_t)WASM_PAGE)

/* The pages all memories of one store hold, and how many they may:
 * memory creation and memory.grow fail past the limit. */
struct rt_mem_budget {
	uint64_t pages, limit;
};

/* Whether n more pages fit in b. */
static inline bool rt_budget_room(const struct rt_mem_budget *b, uint64_t n)
{
	return n <= b->limit - b->pages;
}

struct wasm_memory {
	struct rt_mem_budget *budget; /* its store's */
	uint8_t *base;		      /* start of the reservation */
	uint64_t pages;		      /* current size in pages */
	uint32_t max_pages;	      /* limit (65536 when the type has none) */
	bool has_max; /* the type's maximum, for import matching */
	bool shared;  /* threads: a shared memory (import matching,
			 memory.atomic.wait) */
	bool fresh;   /* a new reservation, no page backed yet (not a pooled
			 one): instantiation commits the pages it writes */
};

struct wasm_table {
	uint8_t elem; /* WASM_FUNCREF or WASM_EXTERNREF */
	uint32_t size;
	uint32_t max; /* UINT32_MAX when none */
	void **elems; /* size entries; NULL = null reference */
};

struct wasm_global {
	uint8_t type;
	bool mut;
	wasm_val val;
};

struct wasm_func {
	wasm_functype type;	 /* points at the module's or own storage */
	uint32_t sig;		 /* canonical signature id: two funcs have the
				    same sig iff their types are equal */
	wasm_instance *inst;	 /* NULL for host functions */
	uint32_t index;		 /* function index within inst->module */
	struct lower_code *code; /* lowered body (lower.h), lazily */
	void *jit_entry;	 /* JIT: machine code or a stub, lazily */
	struct jit_code *jit;	 /* JIT: f's machine code, or NULL */
	wasm_host_fn host;	 /* host functions only */
	void *env;
	int32_t tier_budget; /* tiered JIT: runs left before it is optimized
				(jit_tier.c; the baseline's code counts) */
};

struct wasm_instance {
	const wasm_module *module;
	wasm_store *store;
	wasm_func **funcs; /* module->num_funcs, imports first */
	wasm_table **tables;
	wasm_memory **mems;
	wasm_global **globals;
	bool *elem_dropped;	 /* module->num_elems */
	bool *data_dropped;	 /* module->num_datas */
	uint32_t *type_sigs;	 /* canonical sig id of each module type */
	enum wasm_engine engine; /* the store's engine, for wasm_func_call */
};

/* Trap kinds, with the spec's wording (rt_trap_message). */
enum rt_trap {
	TRAP_UNREACHABLE,	    /* "unreachable" */
	TRAP_DIV_ZERO,		    /* "integer divide by zero" */
	TRAP_INT_OVERFLOW,	    /* "integer overflow" */
	TRAP_INVALID_CONVERSION,    /* "invalid conversion to integer" */
	TRAP_MEMORY_OOB,	    /* "out of bounds memory access" */
	TRAP_TABLE_OOB,		    /* "out of bounds table access" */
	TRAP_UNDEFINED_ELEMENT,	    /* "undefined element" */
	TRAP_UNINITIALIZED_ELEMENT, /* "uninitialized element" */
	TRAP_INDIRECT_MISMATCH,	    /* "indirect call type mismatch" */
	TRAP_EXHAUSTED,		    /* "call stack exhausted" */
	TRAP_HOST,		    /* a host function trapped (message kept) */
	TRAP_EXIT,		    /* a host function asked to exit */
	TRAP_INTERRUPTED,	    /* "interrupted" (the preempt hook) */
	TRAP_UNALIGNED_ATOMIC,	    /* "unaligned atomic" */
	TRAP_UNSHARED_WAIT,	    /* "expected shared memory" (wait) */
	TRAP_WAIT_FOREVER,	    /* wait, no timeout, nothing to wake it */
	TRAP_NO_MEMORY,		    /* "out of memory": a page no RAM backs */
};
const char *rt_trap_message(enum rt_trap t);

/* instance.c: canonical signature id of a function type (same id iff
 * same params and results), shared by every store of the process. */
uint32_t rt_sig_id(const wasm_functype *t);

/*
 * Raise a trap in the running wasm call: unwinds to the wasm_func_call
 * that entered wasm. `func` and `offset` locate it for the message
 * (func may be NULL). Must be called only while wasm code runs.
 */
_Noreturn void rt_trap(enum rt_trap t, const wasm_func *func, uint32_t offset);
/* Re-raise after a host function returned false (trap or exit). */
_Noreturn void rt_trap_host(void);

/* Calls a host function from wasm code, arguments at fp, results written
 * back there; false means: restore the engine's state, then call
 * rt_trap_host(). */
bool rt_call_host(wasm_func *f, wasm_instance *caller, wasm_val *fp);

/* memory.c */
/* Charged to an unlimited budget of its own; rt_memory_charge moves
 * it to b (false, changing nothing, if b has no room). */
wasm_memory *rt_memory_create(uint32_t min_pages, uint32_t max_pages);
bool rt_memory_charge(wasm_memory *m, struct rt_mem_budget *b);
void rt_memory_destroy(wasm_memory *m);
/* memory.grow: old size in pages, or -1 (memory unchanged). */
int32_t rt_memory_grow(wasm_memory *m, uint32_t delta);
/* true if addr lies in some live memory's reservation (fault handler;
 * the caller holds rt_reg_lock). */
bool rt_memory_owns(uintptr_t addr);
/*
 * The registries' lock (live memories here, live JIT code in jit_rt.c):
 * a spin lock held only while a node is linked in or out and while the
 * fault handler (trap.c) looks an address up, on any CPU, so those
 * lookups never see a half-changed list. Innermost of all locks: nothing
 * under it allocates, maps, calls out or faults, so a CPU spinning for it
 * with interrupts off waits only for a few stores.
 */
void rt_reg_lock(void);
void rt_reg_unlock(void);
/* An engine's stack (value stack, frames) of len bytes: zeroed, its
 * pages backed as they are touched, so that megabytes of stack cost RAM
 * only for the part used; NULL if the address space cannot be had. */
void *rt_stack_new(size_t len);
void rt_stack_free(void *p, size_t len);

/* table.c: each returns false when it must trap (out of bounds). */
wasm_table *rt_table_create(uint8_t elem, uint32_t min, uint32_t max);
void rt_table_destroy(wasm_table *t);
int32_t rt_table_grow(wasm_table *t, uint32_t delta, void *init);
bool rt_table_fill(wasm_table *t, uint32_t dst, void *val, uint32_t n);
bool rt_table_copy(wasm_table *dst, uint32_t d, wasm_table *src, uint32_t s,
		   uint32_t n);
/* table.init from element segment `elem` of inst. */
bool rt_table_init(wasm_instance *inst, wasm_table *t, uint32_t elem,
		   uint32_t d, uint32_t s, uint32_t n);
/* Evaluate a constant expression in inst (globals, ref.func). */
wasm_val rt_eval_const(wasm_instance *inst, const wasm_constexpr *e);

/*
 * The engine (interp.c). interp_invoke runs a wasm (non-host) function:
 * called by wasm_func_call inside its trap context. Traps leave through
 * rt_trap, never by returning.
 */
void interp_invoke(wasm_func *f, const wasm_val *args, wasm_val *results);
/* Where the running code is, for a fault's trap message. */
void interp_fault_location(const wasm_func **func, uint32_t *offset);
/* lower.c: frees f->code. */
void lower_free_code(struct lower_code *code);

/* Per-context engine state, for wasm_exec (exec.c): a zeroed state, its
 * release, and the swap of the live per-thread state with saved ones
 * (interp.c); the same for the trap chain (trap.c). */
struct interp_thread;
struct interp_thread *interp_state_new(void);
void interp_state_free(struct interp_thread *t);
void interp_state_swap(struct interp_thread *save, struct interp_thread *load);
/* The same for the JIT's state (jit_rt.c). */
struct jit_state;
struct jit_state *jit_state_new(void);
void jit_state_free(struct jit_state *s);
void jit_state_swap(struct jit_state *save, struct jit_state *load);
/* exec.c: the engines' preemption point, called when wasm_preempt_flag is
 * set: clears it, runs the hook; traps if the hook says so. */
void rt_preempt(void);
/* exec.c: the kernel's memory.atomic.wait/notify hooks (NULL: none). */
extern wasm_wait_hook rt_wait_hook;
extern wasm_notify_hook rt_notify_hook;
void *rt_trap_chain_swap(void *chain);

/*
 * The x86-64 JIT (jit.c, jit_rt.c): the same contract as interp_invoke.
 * jit_fault_location is true when pc lies in JIT code (and then fills
 * func and offset; the caller holds rt_reg_lock); jit_free frees f's
 * machine code.
 */
void jit_invoke(wasm_func *f, const wasm_val *args, wasm_val *results);
bool jit_fault_location(void *pc, const wasm_func **func, uint32_t *offset);
void jit_free(wasm_func *f);
/* Frees the JIT code a module's instances shared (module.c). */
void jit_free_module(wasm_module *m);

#endif
