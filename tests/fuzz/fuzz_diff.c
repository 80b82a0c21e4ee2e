/*
 * fuzz_diff.c: differential target: the interpreter, the JIT's baseline
 * (WASM_ENGINE_BASE), its optimizing tier (WASM_ENGINE_OPT) and the
 * tiered JIT (WASM_ENGINE_JIT with a budget of FUZZ_TIER_BUDGET, so that
 * functions move to the optimizing tier and loops are replaced while they
 * run). Its input is a valid module (gen.sh / diff.sh make them with
 * `wasm-opt -ttf`). The module is run once in a store of each engine,
 * the way fuzz_exec.c runs it (dummy imports, every exported function
 * called with zero arguments after "hangLimitInitializer"); each run
 * writes a transcript (the arguments of every import call; every call's
 * outcome: results, or the trap's kind and message; then the exported
 * memory's hash), and the transcripts must be equal. On a mismatch all
 * are printed to stderr and the run aborts. With FUZZ_DIFF_REF=DIR in
 * the environment, the interpreter's transcript is also written in the
 * form diff_node.mjs writes for node's V8 (traps without a message, NaNs
 * as "nan") to DIR/HASH.ref, HASH the module's FNV-1a 64 in hex.
 * Linked with replay.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/stubs.h"

/* The tiered run's budget: calls plus loop iterations in the baseline
 * before a function is optimized (a loop of -ttf code rarely runs long). */
#define FUZZ_TIER_BUDGET 3

struct log {
	char *s;
	size_t len, cap;
	bool ref; /* the form node's is compared with */
};

static void say(struct log *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	if (l->len + (size_t)n + 1 > l->cap) {
		l->cap = (l->len + (size_t)n + 1) * 2;
		l->s = realloc(l->s, l->cap);
		if (!l->s)
			abort();
	}
	memcpy(l->s + l->len, buf, (size_t)n + 1);
	l->len += (size_t)n;
}

/* Writes one value: the bits its type defines, or a reference's nullness
 * (in the reference form, a NaN is "nan": JavaScript keeps no payload). */
static void say_val(struct log *l, uint8_t type, const wasm_val *v)
{
	bool nan32 = (v->i32 & 0x7fffffffu) > 0x7f800000u;
	bool nan64 = (v->i64 & ~(1ull << 63)) > 0x7ff0000000000000ull;
	switch (type) {
	case WASM_F32:
		if (l->ref && nan32) {
			say(l, " nan");
			break;
		}
		/* fall through */
	case WASM_I32:
		say(l, " %08x", v->i32);
		break;
	case WASM_F64:
		if (l->ref && nan64) {
			say(l, " nan");
			break;
		}
		/* fall through */
	case WASM_I64:
		say(l, " %016llx", (unsigned long long)v->i64);
		break;
	case WASM_V128:
		say(l, " ");
		for (int i = 15; i >= 0; i--)
			say(l, "%02x", v->v128[i]);
		break;
	default:
		say(l, v->ref ? " ref" : " null");
	}
}

/* Calls export `name` with zero args and logs the outcome. */
static void call(struct log *l, wasm_instance *inst, const char *name)
{
	wasm_extern ext;
	wasm_error err;
	if (!wasm_instance_export(inst, name, &ext) ||
	    ext.kind != WASM_EXTERN_FUNC)
		return;
	const wasm_functype *t = wasm_func_type(ext.of.func);
	wasm_val *args = calloc(t->nparams + 1, sizeof *args);
	wasm_val *res = calloc(t->nresults + 1, sizeof *res);
	if (!args || !res)
		abort();
	bool ok = wasm_func_call(ext.of.func, args, res, &err);
	say(l, "%s:", name);
	if (!ok && l->ref)
		say(l, " trap");
	else if (!ok)
		say(l, " trap %d %s", (int)err.kind, err.msg);
	for (uint32_t i = 0; ok && i < t->nresults; i++)
		say_val(l, t->results[i], &res[i]);
	say(l, "\n");
	free(args);
	free(res);
}

static struct log *host_log; /* the run in progress */

/* fuzz_host_hook: an import's call, with its arguments. */
static void log_host(const wasm_functype *t, const wasm_val *args)
{
	say(host_log, "host:");
	for (uint32_t i = 0; i < t->nparams; i++)
		say_val(host_log, t->params[i], &args[i]);
	say(host_log, "\n");
}

/* One full run in a fresh store of `engine`, logged to l. */
static void run(const wasm_module *m, enum wasm_engine engine, struct log *l)
{
	struct fuzz_ctx ctx = {wasm_store_new(engine), m};
	wasm_extern ext;
	wasm_error err;
	if (!ctx.store)
		abort();
	host_log = l;
	fuzz_host_hook = log_host;
	wasm_instance *inst =
		wasm_instantiate(ctx.store, m, fuzz_resolve, &ctx, &err);
	say(l, "instantiate: %s\n", inst ? "ok" : l->ref ? "fail" : err.msg);
	for (uint32_t i = 0; inst && i < m->num_exports; i++) {
		const char *name = m->exports[i].name;
		if (m->exports[i].kind != WASM_EXTERN_FUNC ||
		    strcmp(name, "hangLimitInitializer") == 0)
			continue;
		call(l, inst, "hangLimitInitializer");
		call(l, inst, name);
	}
	if (inst && wasm_instance_export(inst, "memory", &ext) &&
	    ext.kind == WASM_EXTERN_MEMORY) {
		uint64_t h = 0xcbf29ce484222325ull;
		const uint8_t *p = wasm_memory_data(ext.of.memory);
		for (uint64_t i = 0; i < wasm_memory_size(ext.of.memory); i++)
			h = (h ^ p[i]) * 0x100000001b3ull;
		say(l, "memory: %016llx\n", (unsigned long long)h);
	}
	wasm_store_free(ctx.store);
}

/* With FUZZ_DIFF_REF=DIR: the interpreter's transcript in the reference
 * form, to DIR/HASH.ref for diff_node.mjs. */
static void write_ref(const wasm_module *m, const uint8_t *data, size_t size)
{
	const char *dir = getenv("FUZZ_DIFF_REF");
	struct log r = {.ref = true};
	char path[4096];
	uint64_t h = 0xcbf29ce484222325ull;
	if (!dir)
		return;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	say(&r, "");
	run(m, WASM_ENGINE_INTERP, &r);
	snprintf(path, sizeof path, "%s/%016llx.ref", dir,
		 (unsigned long long)h);
	FILE *f = fopen(path, "w");
	if (!f || fputs(r.s, f) < 0 || fclose(f) != 0)
		abort();
	free(r.s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum wasm_engine engines[] = {
		WASM_ENGINE_INTERP, WASM_ENGINE_BASE, WASM_ENGINE_OPT,
		WASM_ENGINE_JIT};
	static const char *names[] = {"interp", "base", "opt", "jit (tiered)"};
	wasm_error err;
	wasm_module *m = wasm_module_new(data, size, &err);
	struct log l[4] = {0};
	if (!m) {
		fprintf(stderr, "fuzz_diff: valid module rejected: %s\n",
			err.msg);
		abort();
	}
	wasm_jit_tier_budget(FUZZ_TIER_BUDGET);
	for (int i = 0; i < 4; i++) {
		say(&l[i], "");
		run(m, engines[i], &l[i]);
	}
	for (int i = 1; i < 4; i++) {
		if (strcmp(l[0].s, l[i].s) == 0)
			continue;
		fprintf(stderr, "fuzz_diff: engines differ\n");
		for (int j = 0; j < 4; j++)
			fprintf(stderr, "--- %s\n%s", names[j], l[j].s);
		abort();
	}
	write_ref(m, data, size);
	for (int i = 0; i < 4; i++)
		free(l[i].s);
	wasm_module_free(m);
	return 0;
}
