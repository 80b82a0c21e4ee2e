/*
 * module.c: a module's life cycle around the decoder and validator:
 * wasm_module_new (decode, then validate), freeing, and names for
 * messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/lower.h"

/* Frees everything wasm_decode allocated in m (not m itself). */
void wasm_module_release(wasm_module *m)
{
	jit_free_module(m);
	lower_free_module(m);
	for (uint32_t i = 0; i < m->num_imports; i++) {
		free(m->imports[i].module);
		free(m->imports[i].name);
	}
	for (uint32_t i = 0; i < m->num_exports; i++)
		free(m->exports[i].name);
	for (uint32_t i = 0; i < m->num_elems; i++) {
		free(m->elems[i].funcs);
		free(m->elems[i].exprs);
	}
	if (m->code)
		for (uint32_t i = 0; i < m->num_funcs - m->num_imported_funcs;
		     i++)
			free(m->code[i].local_types);
	if (m->func_names)
		for (uint32_t i = 0; i < m->num_funcs; i++)
			free(m->func_names[i]);
	for (uint32_t i = 0; i < m->num_customs; i++)
		free(m->customs[i].name);
	free(m->imports);
	free(m->exports);
	free(m->elems);
	free(m->code);
	free(m->func_names);
	free(m->module_name);
	free(m->customs);
	free(m->types);
	free(m->func_types);
	free(m->tables);
	free(m->mems);
	free(m->globals);
	free(m->global_inits);
	free(m->datas);
	free(m->bytes);
	memset(m, 0, sizeof *m);
}

/* Fills err for out of memory; true (to end a failing condition). */
static bool fail_oom(wasm_error *err)
{
	err->kind = WASM_ERR_RESOURCE;
	snprintf(err->msg, sizeof err->msg, "out of memory");
	return true;
}

/* Decodes then validates; the module owns a copy of the bytes. */
wasm_module *wasm_module_new(const uint8_t *bytes, size_t len, wasm_error *err)
{
	wasm_module *m = calloc(1, sizeof *m);
	if (!m) {
		fail_oom(err);
		return NULL;
	}
	if (!wasm_decode(m, bytes, len, err)) {
		free(m);
		return NULL;
	}
	uint32_t n = m->num_funcs - m->num_imported_funcs;
	if (!wasm_validate(m, err) ||
	    (n && !(m->lowered = calloc(2 * (size_t)n, sizeof *m->lowered)) &&
	     fail_oom(err))) {
		wasm_module_release(m);
		free(m);
		return NULL;
	}
	err->kind = WASM_OK;
	err->msg[0] = 0;
	return m;
}

void wasm_module_free(wasm_module *m)
{
	if (!m)
		return;
	wasm_module_release(m);
	free(m);
}

const uint8_t *wasm_module_bytes(const wasm_module *m, size_t *len)
{
	*len = m->len;
	return m->bytes;
}

/* The name section's name of function idx, or NULL. */
const char *wasm_func_name(const wasm_module *m, uint32_t idx)
{
	if (!m->func_names || idx >= m->num_funcs)
		return NULL;
	return m->func_names[idx];
}
