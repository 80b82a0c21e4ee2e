/*
 * stubs.c: dummy imports for the fuzz targets (see stubs.h).
 */
#include <string.h>

#include "tests/fuzz/stubs.h"

void (*fuzz_host_hook)(const wasm_functype *t, const wasm_val *args);

/* Host function stub: shows fuzz_host_hook its arguments, writes a zero
 * for every result. */
static bool stub_fn(wasm_caller *caller, void *env, const wasm_val *args,
		    wasm_val *results)
{
	const wasm_functype *t = env;

	if (fuzz_host_hook)
		fuzz_host_hook(t, args);
	for (uint32_t i = 0; i < t->nresults; i++)
		memset(&results[i], 0, sizeof results[i]);
	return true;
}

/* The module's first import with this module name, field name and kind. */
static const wasm_import *find_import(const wasm_module *m, const char *mod,
				      const char *name, unsigned kind)
{
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const wasm_import *im = &m->imports[i];

		if (im->kind == kind && strcmp(im->module, mod) == 0 &&
		    strcmp(im->name, name) == 0)
			return im;
	}
	return NULL;
}

bool fuzz_resolve(void *ctx, const char *module, const char *name,
		  enum wasm_extern_kind kind, wasm_extern *out)
{
	struct fuzz_ctx *c = ctx;
	const wasm_import *im = find_import(c->module, module, name, kind);
	wasm_val zero;

	if (!im)
		return false;
	memset(&zero, 0, sizeof zero);
	out->kind = kind;
	switch (kind) {
	case WASM_EXTERN_FUNC: {
		const wasm_functype *t = &c->module->types[im->of.func_type];

		out->of.func =
			wasm_func_new_host(c->store, t, stub_fn, (void *)t);
		return out->of.func != NULL;
	}
	case WASM_EXTERN_TABLE:
		out->of.table = wasm_table_new(c->store, im->of.table.elem,
					       im->of.table.limits.min,
					       im->of.table.limits.max);
		return out->of.table != NULL;
	case WASM_EXTERN_MEMORY:
		if (im->of.mem.shared)
			out->of.memory = wasm_memory_new_shared(
				c->store, im->of.mem.limits.min,
				im->of.mem.limits.max);
		else
			out->of.memory =
				wasm_memory_new(c->store, im->of.mem.limits.min,
						im->of.mem.limits.max);
		return out->of.memory != NULL;
	case WASM_EXTERN_GLOBAL:
		out->of.global = wasm_global_new(c->store, im->of.global.type,
						 im->of.global.mut, zero);
		return out->of.global != NULL;
	}
	return false;
}
