/*
 * fuzz_decode.c: libFuzzer target for the decoder and validator. Any bytes
 * go to wasm_module_new(); a module that validates is then instantiated in
 * a fresh store with dummy imports (stubs.c), its start function disabled
 * so that no wasm code runs, and its exports are looked up.
 */
#include "tests/fuzz/stubs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wasm_error err;
	wasm_module *m = wasm_module_new(data, size, &err);
	struct fuzz_ctx ctx;
	wasm_instance *inst;

	if (!m)
		return 0;
	/* Run nothing: constant expressions and segments only. */
	m->has_start = false;
	ctx.store = wasm_store_new(WASM_ENGINE_INTERP);
	ctx.module = m;
	if (ctx.store) {
		inst = wasm_instantiate(ctx.store, m, fuzz_resolve, &ctx, &err);
		for (uint32_t i = 0; inst && i < m->num_exports; i++) {
			wasm_extern ext;

			wasm_instance_export(inst, m->exports[i].name, &ext);
		}
		wasm_store_free(ctx.store);
	}
	wasm_module_free(m);
	return 0;
}
