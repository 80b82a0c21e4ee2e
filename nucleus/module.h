/*
 * module.h: a decoded module, as the decoder leaves it and the validator,
 * compiler and instantiation read it. Internal to nucleus/.
 *
 * Index spaces put imports first: funcs[0..num_imported_funcs) are imports,
 * the rest are defined in the code section (code[i - num_imported_funcs]).
 * The same holds for tables, memories and globals. All pointers into the
 * module bytes point into `bytes`, the module's own copy.
 */
#ifndef NUCLEUS_MODULE_H
#define NUCLEUS_MODULE_H

#include "nucleus/nucleus.h"

typedef struct wasm_limits {
	uint32_t min;
	uint32_t max; /* UINT32_MAX when absent */
} wasm_limits;

typedef struct wasm_tabletype {
	uint8_t elem; /* WASM_FUNCREF or WASM_EXTERNREF */
	wasm_limits limits;
} wasm_tabletype;

typedef struct wasm_memtype {
	wasm_limits limits; /* in 64 KiB pages */
	bool shared;	    /* threads: limits flag 2 or 3 */
} wasm_memtype;

typedef struct wasm_globaltype {
	uint8_t type;
	bool mut;
} wasm_globaltype;

/* A constant expression: its bytes, ending with the `end` opcode. */
typedef struct wasm_constexpr {
	const uint8_t *code;
	uint32_t len;
	uint32_t offset; /* in the module, for messages */
} wasm_constexpr;

typedef struct wasm_import {
	char *module, *name; /* NUL-terminated copies (names may hold NUL:
				module_len/name_len are the true lengths) */
	uint32_t module_len, name_len;
	uint8_t kind; /* enum wasm_extern_kind */
	union {
		uint32_t func_type; /* type index */
		wasm_tabletype table;
		wasm_memtype mem;
		wasm_globaltype global;
	} of;
} wasm_import;

typedef struct wasm_export {
	char *name;
	uint32_t name_len;
	uint8_t kind;
	uint32_t index;
} wasm_export;

/*
 * What validation learned of a body for the JIT's registers (the JIT is
 * one pass: it must choose before it reads the body). Slots are numbered
 * as in the lowering's frames (lower.h): params and locals, one zero slot,
 * nv slots for v128 stack values, then the operand stack. A use weighs 8
 * times more per enclosing loop.
 */
#define WASM_NHOT 10
typedef struct wasm_profile {
	uint32_t maxh;		 /* greatest operand-stack height */
	uint32_t nv;		 /* v128 stack slots: maxh if simd, else 0 */
	uint32_t hot[WASM_NHOT]; /* busiest slots first, each used twice or more
				  */
	uint8_t nhot;
	bool calls; /* the body has a call or call_indirect */
	bool simd;  /* it holds v128 values: no hot slot ever holds one
		       (the JIT's registers hold 8 bytes: only call
		       arguments and results pass through stack slots),
		       and the JIT's moves between unpinned slots copy 16 */
} wasm_profile;

/* A defined function's body. */
typedef struct wasm_code {
	uint32_t num_locals;  /* declared locals, not counting params */
	uint8_t *local_types; /* num_locals entries, expanded */
	const uint8_t *body;  /* first instruction .. final `end` inclusive */
	uint32_t body_len;
	uint32_t body_offset; /* offset of `body` in the module */
	wasm_profile prof;    /* filled by validation */
} wasm_code;

typedef struct wasm_global_def {
	wasm_globaltype type;
	wasm_constexpr init;
} wasm_global_def;

enum wasm_segment_mode {
	WASM_SEG_ACTIVE,
	WASM_SEG_PASSIVE,
	WASM_SEG_DECLARATIVE,
};

typedef struct wasm_elem {
	uint8_t mode;	       /* enum wasm_segment_mode */
	uint8_t type;	       /* WASM_FUNCREF or WASM_EXTERNREF */
	uint32_t table;	       /* active only */
	wasm_constexpr offset; /* active only */
	uint32_t count;
	/* Exactly one of these is set: function indices (the legacy forms)
	 * or one constant expression per item. */
	uint32_t *funcs;
	wasm_constexpr *exprs;
} wasm_elem;

typedef struct wasm_data {
	uint8_t mode; /* WASM_SEG_ACTIVE or WASM_SEG_PASSIVE */
	uint32_t mem;
	wasm_constexpr offset;
	const uint8_t *bytes;
	uint32_t len;
} wasm_data;

typedef struct wasm_custom {
	char *name;
	const uint8_t *data;
	uint32_t len;
} wasm_custom;

struct wasm_module {
	uint8_t *bytes; /* owned copy of the binary */
	size_t len;

	uint32_t num_types;
	wasm_functype *types; /* params/results point into `valtypes` storage */

	uint32_t num_imports;
	wasm_import *imports;

	uint32_t num_funcs, num_imported_funcs;
	uint32_t *func_types; /* type index of every function */

	uint32_t num_tables, num_imported_tables;
	wasm_tabletype *tables;

	uint32_t num_mems, num_imported_mems;
	wasm_memtype *mems;

	uint32_t num_globals, num_imported_globals;
	wasm_globaltype *globals;     /* every global's type */
	wasm_constexpr *global_inits; /* defined ones: [i - num_imported] */

	uint32_t num_exports;
	wasm_export *exports;

	bool has_start;
	uint32_t start;

	uint32_t num_elems;
	wasm_elem *elems;

	bool has_data_count;
	uint32_t data_count;
	uint32_t num_datas;
	wasm_data *datas;

	wasm_code *code; /* num_funcs - num_imported_funcs entries */

	/* name section: NULL where absent */
	char *module_name;
	char **func_names; /* num_funcs entries, or NULL */

	uint32_t num_customs;
	wasm_custom *customs;

	/* Shared by every instance of the module (so a module must outlive
	 * its instances): each defined function's lowered code, made on
	 * first use and published once (lower_publish), [0, n) the
	 * interpreter's and [n, 2n) the JIT's (n defined functions); and
	 * the JIT's code for the whole module, one block per tier (baseline,
	 * optimizing), which reaches instance state only through the running
	 * instance (jit.h). Freed with the module. */
	struct lower_code **lowered;
	struct jit_block *jit[2];
};

/* decode.c: fills *m from bytes (copied); on failure frees what it made. */
bool wasm_decode(wasm_module *m, const uint8_t *bytes, size_t len,
		 wasm_error *err);
/* validate.c: validates a decoded module. */
bool wasm_validate(wasm_module *m, wasm_error *err);
/* decode.c: frees everything wasm_decode allocated (not m itself). */
void wasm_module_release(wasm_module *m);

/* Name of function `idx` for messages: the name section's, else NULL. */
const char *wasm_func_name(const wasm_module *m, uint32_t idx);

#endif
