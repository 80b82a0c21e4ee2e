/*
 * nucleus.h: the WebAssembly runtime's public interface (the only header the
 * kernel, the hosted runner and the spec runner include from nucleus/).
 *
 * Life cycle: wasm_module_new() decodes and validates bytes; a wasm_store
 * owns every runtime object (instances, functions, tables, memories,
 * globals) and frees them all at once; wasm_instantiate() links a module's
 * imports through a resolver callback, runs its start function, and gives
 * its exports; wasm_func_call() runs a function. Errors never crash: each
 * call returns false/NULL and fills a wasm_error.
 *
 * Not thread-safe: one store is used by one thread at a time.
 */
#ifndef NUCLEUS_NUCLEUS_H
#define NUCLEUS_NUCLEUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types, by their binary encoding. */
enum wasm_valtype {
	WASM_I32 = 0x7F,
	WASM_I64 = 0x7E,
	WASM_F32 = 0x7D,
	WASM_F64 = 0x7C,
	WASM_V128 = 0x7B,
	WASM_FUNCREF = 0x70,
	WASM_EXTERNREF = 0x6F,
};

/*
 * A value. Floats are carried as bit patterns so that NaN payloads survive.
 * A reference is a pointer: NULL is the null reference, a funcref points at
 * a wasm_func, an externref is whatever the host passed in. A v128 is its
 * 16 bytes in memory order (lane 0 first), which makes every value (and
 * every frame slot of the engines) 16 bytes.
 */
typedef union wasm_val {
	uint32_t i32;
	uint64_t i64;
	uint32_t f32;
	uint64_t f64;
	void *ref;
	uint8_t v128[16];
} wasm_val;

/* What went wrong, for every call that can fail. */
enum wasm_error_kind {
	WASM_OK = 0,
	WASM_ERR_MALFORMED, /* decoding failed (binary format) */
	WASM_ERR_INVALID,   /* validation failed */
	WASM_ERR_LINK,	    /* an import is missing or has the wrong type */
	WASM_ERR_TRAP,	    /* a trap: at run time, or while instantiating */
	WASM_ERR_EXHAUSTED, /* call stack exhausted */
	WASM_ERR_EXIT,	    /* the program asked to exit (WASI proc_exit) */
	WASM_ERR_RESOURCE,  /* out of memory or an implementation limit */
};

typedef struct wasm_error {
	enum wasm_error_kind kind;
	int exit_code; /* for WASM_ERR_EXIT */
	char msg[256]; /* "offset 0x1f: section size past end of module",
			  "integer divide by zero in function 'f' at 0x4a" */
} wasm_error;

typedef struct wasm_module wasm_module;
typedef struct wasm_store wasm_store;
typedef struct wasm_instance wasm_instance;
typedef struct wasm_func wasm_func;
typedef struct wasm_table wasm_table;
typedef struct wasm_memory wasm_memory;
typedef struct wasm_global wasm_global;

/* Function signature: params then results. */
typedef struct wasm_functype {
	uint32_t nparams, nresults;
	const uint8_t *params; /* enum wasm_valtype each */
	const uint8_t *results;
} wasm_functype;

/* Import/export kinds, by their binary encoding. */
enum wasm_extern_kind {
	WASM_EXTERN_FUNC = 0,
	WASM_EXTERN_TABLE = 1,
	WASM_EXTERN_MEMORY = 2,
	WASM_EXTERN_GLOBAL = 3,
};

typedef struct wasm_extern {
	enum wasm_extern_kind kind;
	union {
		wasm_func *func;
		wasm_table *table;
		wasm_memory *memory;
		wasm_global *global;
	} of;
} wasm_extern;

enum wasm_engine {
	WASM_ENGINE_INTERP, /* portable interpreter */
	WASM_ENGINE_JIT,    /* x86-64 compiler (nucleus/jit*.c), tiered:
			       functions start in the baseline, hot ones
			       move to the optimizing tier (jit_tier.c) */
	WASM_ENGINE_OPT,    /* the JIT's optimizing tier wherever it covers a
			       function (nucleus/opt*.c), the baseline
			       elsewhere */
	WASM_ENGINE_BASE,   /* the JIT's baseline alone (no tiering) */
};
/* The default engine: the JIT where it runs (x86-64), else the interp. */
#if defined(__x86_64__)
#define WASM_ENGINE_DEFAULT WASM_ENGINE_JIT
#else
#define WASM_ENGINE_DEFAULT WASM_ENGINE_INTERP
#endif

/*
 * The JIT writes SIMD instructions inline with SSE4.1 (and SSSE3) when
 * the CPU has them, else calls C for each (any x86-64 runs SIMD code).
 * wasm_jit_simd_inline(false) makes it call C always (for the tests of
 * that path); true restores the CPU check. Affects code compiled later.
 */
void wasm_jit_simd_inline(bool on);
/* The optimizing tier's counters (WASM_ENGINE_OPT, process-wide):
 * functions it compiled and functions it left to the baseline; then, for
 * i = 0, 1, ... until NULL, the instructions that made functions fall
 * back, by name, with how many functions each (*count). */
void wasm_opt_counts(uint64_t *compiled, uint64_t *fallback);
const char *wasm_opt_uncovered(uint32_t i, uint64_t *count);
/* Tiering (WASM_ENGINE_JIT, process-wide): functions promoted to the
 * optimizing tier, and on-stack replacements (a running baseline loop
 * continued in optimized code). */
void wasm_jit_tier_counts(uint64_t *promoted, uint64_t *osr);
/* The tiering budget: calls plus loop iterations a function runs in the
 * baseline before it is optimized (0: the default, JIT_TIER_BUDGET in
 * jit_tier.c). Small values make tests and fuzzers tier at once. Affects
 * code compiled later. */
void wasm_jit_tier_budget(int32_t budget);

/* Modules (nucleus/decode.c, nucleus/validate.c). */

/* Decodes and validates `len` bytes (copied). NULL with err filled on
 * failure (MALFORMED or INVALID), the message prefixed "offset 0x..: ". */
wasm_module *wasm_module_new(const uint8_t *bytes, size_t len, wasm_error *err);
/* Frees m, with the code its instances shared: m must outlive them. */
void wasm_module_free(wasm_module *m);
/* m's copy of the bytes it was made from (*len: their length). */
const uint8_t *wasm_module_bytes(const wasm_module *m, size_t *len);

/* Stores and instances (nucleus/instance.c). */

wasm_store *wasm_store_new(enum wasm_engine engine);
/* Frees the store and every object created in it. */
void wasm_store_free(wasm_store *s);
/* Bounds the bytes that the store's memories may hold in all (creating
 * or growing one past it fails: memory.grow returns -1); the bytes they
 * hold now. */
void wasm_store_set_memory_limit(wasm_store *s, uint64_t bytes);
uint64_t wasm_store_memory_size(const wasm_store *s);

/*
 * Resolves one import. Return true and fill *out, or false if there is no
 * such import (the instantiation then fails with WASM_ERR_LINK, "unknown
 * import module.field"). The runtime checks the kind and type itself.
 */
typedef bool (*wasm_resolve_fn)(void *ctx, const char *module, const char *name,
				enum wasm_extern_kind kind, wasm_extern *out);

/*
 * Instantiates `m` in `s`: resolves imports, allocates memories, tables and
 * globals, applies element and data segments, runs the start function.
 * `m` must outlive the store. NULL on failure: LINK, TRAP (then the partial
 * effects on imported tables/memories stay, as the spec says), RESOURCE.
 */
wasm_instance *wasm_instantiate(wasm_store *s, const wasm_module *m,
				wasm_resolve_fn resolve, void *ctx,
				wasm_error *err);
bool wasm_instance_export(wasm_instance *inst, const char *name,
			  wasm_extern *out);
/* The same for a name of `len` bytes (export names may hold NUL bytes). */
bool wasm_instance_export_n(wasm_instance *inst, const char *name, size_t len,
			    wasm_extern *out);

/*
 * Calls `f` with args (as many as its params) and writes its results.
 * On a trap returns false with err kind TRAP or EXHAUSTED and a message
 * that names the function and offset; a host function's exit gives EXIT.
 */
bool wasm_func_call(wasm_func *f, const wasm_val *args, wasm_val *results,
		    wasm_error *err);
const wasm_functype *wasm_func_type(const wasm_func *f);

/* Host objects, for the embedder's imports. */

typedef struct wasm_caller wasm_caller;
/*
 * A host function. Return true with results written, or false after
 * wasm_caller_trap() or wasm_caller_exit().
 */
typedef bool (*wasm_host_fn)(wasm_caller *caller, void *env,
			     const wasm_val *args, wasm_val *results);

wasm_func *wasm_func_new_host(wasm_store *s, const wasm_functype *type,
			      wasm_host_fn fn, void *env);
/* The calling instance's memory 0 (NULL if it has none). */
wasm_memory *wasm_caller_memory(wasm_caller *c);
/* Element i of the calling instance's table 0 if it is a function (the
 * kernel's thread_create), else NULL. */
wasm_func *wasm_caller_table_func(wasm_caller *c, uint32_t i);
/* Make the host function trap with this message. */
void wasm_caller_trap(wasm_caller *c, const char *msg);
/* Make the whole call stack unwind with WASM_ERR_EXIT and this code. */
void wasm_caller_exit(wasm_caller *c, int code);

/*
 * Execution state of one kernel thread: the engine's value stack, call
 * frames and trap chain, which the engine otherwise keeps per OS thread.
 * A kernel that runs several wasm threads on one OS thread, each on a
 * context of its own (hal_context_*), gives each a wasm_exec and calls
 * wasm_exec_switch(outgoing, incoming) at every context switch. A new
 * wasm_exec is empty: its stacks are allocated on first use. Freeing one
 * frees the stacks it holds (a wasm_exec holds the state while its thread
 * is switched out).
 */
typedef struct wasm_exec wasm_exec;
wasm_exec *wasm_exec_new(void);
void wasm_exec_free(wasm_exec *e);
void wasm_exec_switch(wasm_exec *save, wasm_exec *load);

/*
 * Preemption (as wasmtime's epoch interruption). A timer sets
 * wasm_preempt_flag (only that: safe in a signal handler); running wasm
 * code tests it at function entries and loop headers and then
 * clears it and calls the hook, on the wasm thread's own context: the
 * hook may switch to another context (wasm_exec_switch) and come back
 * later; the code then resumes where it was. A hook returning false
 * makes the running code trap ("interrupted"). No hook: the flag is only
 * cleared. One flag per process: one wasm thread runs at a time.
 */
extern volatile uint8_t wasm_preempt_flag;
void wasm_set_preempt_hook(bool (*hook)(void));

/*
 * memory.atomic.wait32/64 and memory.atomic.notify on a shared memory
 * call these hooks, which the kernel's threads provide. The nucleus has
 * already checked the address (bounds, alignment) and, for wait, that
 * the value equals the expected one (else it returns 1, "not-equal",
 * itself); nothing else runs between that check and the hook, so the
 * hook may block without a race. wait returns 0 ("ok", woken by notify)
 * or 2 ("timed-out"); timeout_ns < 0 means forever. notify returns how
 * many waiters it woke, at most count. Without hooks (one thread only)
 * wait sleeps for its timeout and returns 2, or traps when the timeout is
 * infinite (nothing could ever wake it), and notify returns 0.
 */
typedef uint32_t (*wasm_wait_hook)(wasm_memory *mem, uint64_t addr,
				   int64_t timeout_ns);
typedef uint32_t (*wasm_notify_hook)(wasm_memory *mem, uint64_t addr,
				     uint32_t count);
void wasm_set_atomic_hooks(wasm_wait_hook wait, wasm_notify_hook notify);

/* max_pages / max: UINT32_MAX when there is no maximum. */
wasm_memory *wasm_memory_new(wasm_store *s, uint32_t min_pages,
			     uint32_t max_pages);
/* A shared memory (threads proposal): max_pages is required. */
wasm_memory *wasm_memory_new_shared(wasm_store *s, uint32_t min_pages,
				    uint32_t max_pages);
bool wasm_memory_is_shared(const wasm_memory *mem);
uint8_t *wasm_memory_data(wasm_memory *mem);
uint64_t wasm_memory_size(const wasm_memory *mem); /* bytes */

wasm_table *wasm_table_new(wasm_store *s, enum wasm_valtype elem, uint32_t min,
			   uint32_t max);
wasm_global *wasm_global_new(wasm_store *s, enum wasm_valtype type, bool mut,
			     wasm_val v);
wasm_val wasm_global_get(const wasm_global *g);
/* Sets a global's value (of its type; the kernel keeps C's
 * __stack_pointer per thread with it). */
void wasm_global_set(wasm_global *g, wasm_val v);
enum wasm_valtype wasm_global_type(const wasm_global *g);

#endif
