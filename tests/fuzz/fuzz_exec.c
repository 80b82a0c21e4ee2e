/*
 * fuzz_exec.c: execution target. Its input must be a valid module (made by
 * gen.sh with `wasm-opt -ttf`); a module the nucleus rejects is a failure.
 * The module is instantiated with dummy imports (stubs.c: the
 * "fuzzing-support" log functions become no-ops) and every exported function
 * is called with zero arguments, after "hangLimitInitializer" when the
 * module exports it. Traps are normal. The whole run is done twice, in two
 * stores, and must give the same results and memory both times.
 *
 * Not for libFuzzer's mutator (it would mostly feed invalid bytes): it is
 * linked with replay.c, which bounds each input's run time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/stubs.h"

/* FNV-1a over `len` bytes, continuing from h. */
static uint64_t hash(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Folds a value of type `type` into h: only the bits the type defines
 * (an i32 leaves the union's upper half unspecified), and for references
 * only their nullness, since addresses differ between stores. */
static uint64_t hash_val(uint64_t h, uint8_t type, const wasm_val *v)
{
	uint8_t isnull;

	switch (type) {
	case WASM_I32:
		return hash(h, &v->i32, sizeof v->i32);
	case WASM_F32:
		return hash(h, &v->f32, sizeof v->f32);
	case WASM_I64:
		return hash(h, &v->i64, sizeof v->i64);
	case WASM_F64:
		return hash(h, &v->f64, sizeof v->f64);
	default:
		isnull = v->ref == NULL;
		return hash(h, &isnull, 1);
	}
}

/* Calls export `name` with zero args; folds the outcome into h. */
static uint64_t call(wasm_instance *inst, const char *name, uint64_t h)
{
	wasm_extern ext;
	const wasm_functype *t;
	wasm_val *args, *res;
	wasm_error err;
	bool ok;

	if (!wasm_instance_export(inst, name, &ext) ||
	    ext.kind != WASM_EXTERN_FUNC)
		return h;
	t = wasm_func_type(ext.of.func);
	args = calloc(t->nparams + 1, sizeof *args);
	res = calloc(t->nresults + 1, sizeof *res);
	if (!args || !res)
		abort();
	ok = wasm_func_call(ext.of.func, args, res, &err);
	h = hash(h, &ok, sizeof ok);
	if (!ok)
		h = hash(h, &err.kind, sizeof err.kind);
	for (uint32_t i = 0; ok && i < t->nresults; i++)
		h = hash_val(h, t->results[i], &res[i]);
	free(args);
	free(res);
	return h;
}

/* One full run in a fresh store; returns a hash of everything observed. */
static uint64_t run(const wasm_module *m)
{
	struct fuzz_ctx ctx = {wasm_store_new(WASM_ENGINE_INTERP), m};
	uint64_t h = 0xcbf29ce484222325ull;
	wasm_instance *inst;
	wasm_extern ext;
	wasm_error err;

	if (!ctx.store)
		abort();
	inst = wasm_instantiate(ctx.store, m, fuzz_resolve, &ctx, &err);
	h = hash(h, &(bool){inst != NULL}, sizeof(bool));
	for (uint32_t i = 0; inst && i < m->num_exports; i++) {
		const char *name = m->exports[i].name;

		if (m->exports[i].kind != WASM_EXTERN_FUNC ||
		    strcmp(name, "hangLimitInitializer") == 0)
			continue;
		h = call(inst, "hangLimitInitializer", h);
		h = call(inst, name, h);
	}
	if (inst && wasm_instance_export(inst, "memory", &ext) &&
	    ext.kind == WASM_EXTERN_MEMORY)
		h = hash(h, wasm_memory_data(ext.of.memory),
			 wasm_memory_size(ext.of.memory));
	wasm_store_free(ctx.store);
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wasm_error err;
	wasm_module *m = wasm_module_new(data, size, &err);
	uint64_t h1, h2;

	if (!m) {
		fprintf(stderr, "fuzz_exec: valid module rejected: %s\n",
			err.msg);
		abort();
	}
	h1 = run(m);
	h2 = run(m);
	if (h1 != h2) {
		fprintf(stderr, "fuzz_exec: two runs differ\n");
		abort();
	}
	wasm_module_free(m);
	return 0;
}
