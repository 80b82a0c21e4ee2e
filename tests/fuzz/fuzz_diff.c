/*
 * fuzz_diff.c: differential target, interpreter against JIT and the JIT's
 * optimizing tier. Its input is a valid module (gen.sh / diff.sh make them
 * with `wasm-opt -ttf`). The module is run once in an interpreter store,
 * once in a JIT store and once in an optimizing (WASM_ENGINE_OPT) one, the
 * way fuzz_exec.c runs it (dummy imports, every exported function called
 * with zero arguments after "hangLimitInitializer"); each run writes a
 * transcript (every call's outcome: results, or the trap's kind and
 * message; then the exported memory's hash), and the transcripts must be
 * equal. On a mismatch all are printed to stderr and the run aborts.
 * Linked with replay.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/stubs.h"

struct log {
	char *s;
	size_t len, cap;
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

/* Writes one value: the bits its type defines, or a reference's nullness. */
static void say_val(struct log *l, uint8_t type, const wasm_val *v)
{
	switch (type) {
	case WASM_I32:
	case WASM_F32:
		say(l, " %08x", v->i32);
		break;
	case WASM_I64:
	case WASM_F64:
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
	if (!ok)
		say(l, " trap %d %s", (int)err.kind, err.msg);
	for (uint32_t i = 0; ok && i < t->nresults; i++)
		say_val(l, t->results[i], &res[i]);
	say(l, "\n");
	free(args);
	free(res);
}

/* One full run in a fresh store of `engine`, logged to l. */
static void run(const wasm_module *m, enum wasm_engine engine, struct log *l)
{
	struct fuzz_ctx ctx = {wasm_store_new(engine), m};
	wasm_extern ext;
	wasm_error err;
	if (!ctx.store)
		abort();
	wasm_instance *inst =
		wasm_instantiate(ctx.store, m, fuzz_resolve, &ctx, &err);
	say(l, "instantiate: %s\n", inst ? "ok" : err.msg);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wasm_error err;
	wasm_module *m = wasm_module_new(data, size, &err);
	struct log a = {0}, b = {0}, c = {0};
	if (!m) {
		fprintf(stderr, "fuzz_diff: valid module rejected: %s\n",
			err.msg);
		abort();
	}
	say(&a, "");
	say(&b, "");
	say(&c, "");
	run(m, WASM_ENGINE_INTERP, &a);
	run(m, WASM_ENGINE_JIT, &b);
	run(m, WASM_ENGINE_OPT, &c); /* the JIT's optimizing tier */
	if (strcmp(a.s, b.s) != 0 || strcmp(a.s, c.s) != 0) {
		fprintf(stderr,
			"fuzz_diff: interp, jit and opt differ\n"
			"--- interp\n%s--- jit\n%s--- opt\n%s",
			a.s, b.s, c.s);
		abort();
	}
	free(a.s);
	free(b.s);
	free(c.s);
	wasm_module_free(m);
	return 0;
}
