/*
 * spec_host.c: what the spec scripts' modules import (spec.h): the
 * "spectest" host module (print functions, globals, a table, memories)
 * made in each file's store, and the instances registered under a name
 * (`register`), through one resolver; and the "$name" bindings of
 * modules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/nebulet/spec.h"

/* The spectest print functions and their types (static storage, so the
 * host functions may keep pointers to them). */
static const uint8_t t_i32[] = {WASM_I32}, t_i64[] = {WASM_I64},
		     t_f32[] = {WASM_F32}, t_f64[] = {WASM_F64},
		     t_i32_f32[] = {WASM_I32, WASM_F32},
		     t_f64_f64[] = {WASM_F64, WASM_F64};
static const struct {
	const char *name;
	wasm_functype type;
} print_fns[NUM_PRINTS] = {
	{"print", {0, 0, NULL, NULL}},
	{"print_i32", {1, 0, t_i32, NULL}},
	{"print_i64", {1, 0, t_i64, NULL}},
	{"print_f32", {1, 0, t_f32, NULL}},
	{"print_f64", {1, 0, t_f64, NULL}},
	{"print_i32_f32", {2, 0, t_i32_f32, NULL}},
	{"print_f64_f64", {2, 0, t_f64_f64, NULL}},
};

/* spectest.print*: prints its arguments when verbose, returns nothing. */
static bool spectest_print(wasm_caller *c, void *env, const wasm_val *args,
			   wasm_val *results)
{
	const struct print_env *pe = env;
	char buf[96];
	uint32_t i;

	if (!pe->r->verbose)
		return true;
	printf("%s(", pe->name);
	for (i = 0; i < pe->type->nparams; i++) {
		spec_describe_value(buf, sizeof buf, pe->type->params[i],
				    args[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
	printf(")\n");
	return true;
}

/* Creates the spectest objects in r->store; false if the store refused. */
bool spec_host_create(struct runner *r)
{
	static const char *const names[] = {
		"global_i32", "global_i64", "global_f32",    "global_f64",
		"table",      "memory",	    "shared_memory",
	};
	static const uint8_t gtypes[] = {WASM_I32, WASM_I64, WASM_F32,
					 WASM_F64};
	float f = 666.6f;
	double d = 666.6;
	wasm_val v[4] = {{.i32 = 666}, {.i64 = 666}, {0}, {0}};
	wasm_extern *e;
	int i;

	memcpy(&v[2].f32, &f, 4);
	memcpy(&v[3].f64, &d, 8);
	for (i = 0; i < NUM_SPECTEST; i++) {
		e = &r->spectest[i].ext;
		if (i < NUM_PRINTS) {
			r->prints[i] = (struct print_env){r, print_fns[i].name,
							  &print_fns[i].type};
			r->spectest[i].name = print_fns[i].name;
			e->kind = WASM_EXTERN_FUNC;
			e->of.func = wasm_func_new_host(
				r->store, &print_fns[i].type, spectest_print,
				&r->prints[i]);
			continue;
		}
		r->spectest[i].name = names[i - NUM_PRINTS];
		if (i < NUM_PRINTS + 4) {
			e->kind = WASM_EXTERN_GLOBAL;
			e->of.global = wasm_global_new(
				r->store, gtypes[i - NUM_PRINTS], false,
				v[i - NUM_PRINTS]);
		} else if (i == NUM_PRINTS + 4) {
			e->kind = WASM_EXTERN_TABLE;
			e->of.table =
				wasm_table_new(r->store, WASM_FUNCREF, 10, 20);
		} else { /* "memory", then "shared_memory" */
			e->kind = WASM_EXTERN_MEMORY;
			e->of.memory = i == NUM_PRINTS + 5
					       ? wasm_memory_new(r->store, 1, 2)
					       : wasm_memory_new_shared(
							 r->store, 1, 2);
		}
	}
	for (i = 0; i < NUM_SPECTEST; i++)
		if (!r->spectest[i].ext.of.func)
			return false;
	return true;
}

void spec_bind(struct bindings *b, const char *name, wasm_instance *inst)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->v = spec_realloc(b->v, b->cap * sizeof b->v[0]);
	}
	b->v[b->n].name = spec_strdup(name);
	b->v[b->n].inst = inst;
	b->n++;
}

/* The latest binding of name; *found tells whether there was one (the
 * instance may be NULL when its module failed). */
wasm_instance *spec_lookup(const struct bindings *b, const char *name,
			   bool *found)
{
	size_t i;

	for (i = b->n; i-- > 0;) {
		if (strcmp(b->v[i].name, name) == 0) {
			*found = true;
			return b->v[i].inst;
		}
	}
	*found = false;
	return NULL;
}

void spec_bindings_free(struct bindings *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].name);
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* The resolver: registered instances first, then spectest. */
bool spec_resolve(void *ctx, const char *module, const char *name,
		  enum wasm_extern_kind kind, wasm_extern *out)
{
	struct runner *r = ctx;
	bool found;
	wasm_instance *inst = spec_lookup(&r->regs, module, &found);

	if (found)
		return inst && wasm_instance_export(inst, name, out);
	for (int i = 0; i < NUM_SPECTEST && !strcmp(module, "spectest"); i++) {
		if (strcmp(name, r->spectest[i].name) == 0) {
			*out = r->spectest[i].ext;
			return true;
		}
	}
	return false;
}
