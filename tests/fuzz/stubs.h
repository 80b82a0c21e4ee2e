/*
 * stubs.h: dummy imports for the fuzz targets. fuzz_resolve() satisfies any
 * import of a module with an object of the declared type: host functions
 * that return zeros, fresh tables, memories and zeroed globals.
 */
#ifndef FUZZ_STUBS_H
#define FUZZ_STUBS_H

#include "nucleus/module.h"

struct fuzz_ctx {
	wasm_store *store;
	const wasm_module *module;
};

/* When set, the host function stubs call it with their arguments
 * (fuzz_diff.c logs them). */
extern void (*fuzz_host_hook)(const wasm_functype *t, const wasm_val *args);

/* A wasm_resolve_fn; ctx is a struct fuzz_ctx. */
bool fuzz_resolve(void *ctx, const char *module, const char *name,
		  enum wasm_extern_kind kind, wasm_extern *out);

#endif
