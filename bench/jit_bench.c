/*
 * jit_bench.c: JIT compile throughput and instantiation time.
 *   jit_bench FILE.wasm [MIN_SECONDS] [opt]
 * Function imports are satisfied by host functions that return zeros
 * (a WASI module needs nothing else). Prints one line:
 *   "compile_mb_per_s V instantiate_us U code_bytes N cold_mb_per_s C"
 * compile_mb_per_s: bytes of function bodies translated per second by the
 * JIT (lower.c's lowering plus jit.c's code generation, installing the
 * code included), every defined function of FILE compiled in a fresh
 * store, repeated for at least MIN_SECONDS (default 1): the steady state,
 * where the code pages come from the JIT's pool of released ones.
 * cold_mb_per_s: the same for the first compile only (fresh pages, one
 * measurement, so noisier). instantiate_us:
 * the mean time of wasm_instantiate on the decoded module (imports
 * resolved, memories, tables, globals and segments set up) in a fresh
 * store; the module has no start section, or its start runs too.
 * With "opt", every figure is the optimizing tier's (WASM_ENGINE_OPT:
 * its IR, passes, register allocation and code for every function).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nucleus/jit.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall time bounds the loops; what is measured is this thread's CPU time
 * (user and kernel, page faults included), so other processes sharing
 * the machine do not count against us. */
static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double cpu(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static bool zeros(wasm_caller *c, void *env, const wasm_val *args,
		  wasm_val *results)
{
	const wasm_functype *t = env;
	for (uint32_t i = 0; i < t->nresults; i++)
		results[i].i64 = 0;
	return true;
}

struct ctx {
	wasm_store *s;
	const wasm_module *m;
	uint32_t next; /* import index being resolved */
};

/* Imports are resolved in order: the next one's type gives the stub's. */
static bool resolve(void *p, const char *module, const char *name,
		    enum wasm_extern_kind kind, wasm_extern *out)
{
	struct ctx *c = p;
	if (kind != WASM_EXTERN_FUNC)
		return false;
	while (c->next < c->m->num_imports &&
	       c->m->imports[c->next].kind != WASM_EXTERN_FUNC)
		c->next++;
	if (c->next >= c->m->num_imports)
		return false;
	const wasm_functype *t =
		&c->m->types[c->m->imports[c->next++].of.func_type];
	out->kind = WASM_EXTERN_FUNC;
	out->of.func = wasm_func_new_host(c->s, t, zeros, (void *)t);
	return out->of.func != NULL;
}

static wasm_instance *instantiate(struct ctx *c, wasm_error *err)
{
	c->next = 0;
	return wasm_instantiate(c->s, c->m, resolve, c, err);
}

int main(int argc, char **argv)
{
	double min_secs = argc > 2 ? atof(argv[2]) : 1.0;
	enum wasm_engine engine = argc > 3 && !strcmp(argv[3], "opt")
					  ? WASM_ENGINE_OPT
					  : WASM_ENGINE_JIT;
	wasm_error err;
	size_t len, body = 0, code = 0;
	if (argc < 2) {
		fprintf(stderr,
			"usage: jit_bench FILE.wasm [MIN_SECONDS] [opt]\n");
		return 2;
	}
	hal_init();
	uint8_t *bytes = read_file(argv[1], &len);
	wasm_module *m = bytes ? wasm_module_new(bytes, len, &err) : NULL;
	if (!m) {
		fprintf(stderr, "jit_bench: %s: cannot load\n", argv[1]);
		return 1;
	}
	uint32_t nimp = m->num_imported_funcs;
	for (uint32_t i = nimp; i < m->num_funcs; i++)
		body += m->code[i - nimp].body_len;
	double t0 = now(), dt, tc = 0, cold = 0;
	long rounds = 0;
	do {
		struct ctx c = {wasm_store_new(engine), m, 0};
		wasm_instance *inst = instantiate(&c, &err);
		if (!inst) {
			fprintf(stderr, "jit_bench: %s\n", err.msg);
			return 1;
		}
		double t1 = cpu();
		if (!jit_compile_instance(inst)) {
			fprintf(stderr, "jit_bench: compile failed\n");
			return 1;
		}
		for (uint32_t i = nimp; !rounds && i < m->num_funcs; i++)
			code += inst->funcs[i]->jit->size;
		if (!rounds)
			cold = cpu() - t1;
		tc += cpu() - t1;
		wasm_store_free(c.s);
		rounds++;
		dt = now() - t0;
	} while (dt < min_secs);
	double mbps = (double)body * rounds / tc / 1e6;
	long n = 0;
	double ti = 0;
	t0 = now();
	do {
		struct ctx c = {wasm_store_new(engine), m, 0};
		double t1 = cpu();
		if (!instantiate(&c, &err))
			return 1;
		ti += cpu() - t1;
		wasm_store_free(c.s);
		n++;
	} while (now() - t0 < min_secs);
	printf("compile_mb_per_s %.3f instantiate_us %.2f code_bytes %zu "
	       "cold_mb_per_s %.3f\n",
	       mbps, ti / n * 1e6, code, (double)body / cold / 1e6);
	wasm_module_free(m);
	free(bytes);
	return 0;
}
