/*
 * test_runtime.c: the runtime half of the nucleus (stores, linking,
 * instantiation, memories, tables, traps, host functions). Modules are
 * built byte by byte with a small builder below. Prints "PASS name" or
 * "FAIL name" per case and exits non-zero if any failed. Runs under
 * ASan/LSan, so every store must free everything it made.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "hal/hal.h"
#include "nucleus/jit.h"
#include "nucleus/runtime.h"

/* ---- a tiny module builder ---- */

typedef struct buf {
	uint8_t b[4096];
	size_t n;
	uint32_t count; /* entries, for a section's vector */
} buf;

static void put(buf *b, const uint8_t *p, size_t n)
{
	if (b->n + n > sizeof b->b) {
		fprintf(stderr, "builder overflow\n");
		exit(2);
	}
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void byte(buf *b, uint8_t v)
{
	put(b, &v, 1);
}

static void uleb(buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		byte(b, c | (v ? 0x80 : 0));
	} while (v);
}

static void name(buf *b, const char *s)
{
	uleb(b, strlen(s));
	put(b, (const uint8_t *)s, strlen(s));
}

#define BYTES(...)                                                             \
	(const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

enum { T_I32 = 0x7f, T_I64 = 0x7e, T_F32 = 0x7d, FUNCREF = 0x70 };

typedef struct mb {
	buf type, import, func, table, mem, global, export, start, elem, code,
		data, names;
	uint32_t nfuncs, nimported;
	uint32_t body_at[32]; /* instruction start, within the code payload */
	uint32_t code_at;     /* code payload start, within the module */
	buf out;
} mb;

static uint32_t add_type(mb *m, int np, int nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	byte(&m->type, 0x60);
	uleb(&m->type, np);
	for (int i = 0; i < np; i++)
		byte(&m->type, (uint8_t)va_arg(ap, int));
	uleb(&m->type, nr);
	for (int i = 0; i < nr; i++)
		byte(&m->type, (uint8_t)va_arg(ap, int));
	va_end(ap);
	return m->type.count++;
}

static void import_head(mb *m, const char *mod, const char *nm, uint8_t k)
{
	name(&m->import, mod);
	name(&m->import, nm);
	byte(&m->import, k);
	m->import.count++;
}

static void limits(buf *b, uint32_t min, uint32_t max)
{
	byte(b, max == UINT32_MAX ? 0 : 1);
	uleb(b, min);
	if (max != UINT32_MAX)
		uleb(b, max);
}

static uint32_t import_func(mb *m, const char *mod, const char *nm,
			    uint32_t type)
{
	import_head(m, mod, nm, 0);
	uleb(&m->import, type);
	m->nimported++;
	return m->nfuncs++;
}

static void import_table(mb *m, const char *mod, const char *nm, uint8_t elem,
			 uint32_t min, uint32_t max)
{
	import_head(m, mod, nm, 1);
	byte(&m->import, elem);
	limits(&m->import, min, max);
}

static void import_mem(mb *m, const char *mod, const char *nm, uint32_t min,
		       uint32_t max)
{
	import_head(m, mod, nm, 2);
	limits(&m->import, min, max);
}

static void import_global(mb *m, const char *mod, const char *nm, uint8_t type,
			  bool mut)
{
	import_head(m, mod, nm, 3);
	byte(&m->import, type);
	byte(&m->import, mut);
}

/* A function: body is locals declaration + instructions + end. */
static uint32_t func(mb *m, uint32_t type, const char *fname,
		     const uint8_t *body, size_t len)
{
	uint32_t idx = m->nfuncs++;
	uleb(&m->func, type);
	m->func.count++;
	uleb(&m->code, len);
	m->body_at[idx - m->nimported] =
		(uint32_t)m->code.n + 1; /* 1: locals */
	put(&m->code, body, len);
	m->code.count++;
	if (fname) {
		uleb(&m->names, idx);
		name(&m->names, fname);
		m->names.count++;
	}
	return idx;
}

static void table(mb *m, uint8_t elem, uint32_t min, uint32_t max)
{
	byte(&m->table, elem);
	limits(&m->table, min, max);
	m->table.count++;
}

static void mem(mb *m, uint32_t min, uint32_t max)
{
	limits(&m->mem, min, max);
	m->mem.count++;
}

/* A global with an init expression (without the final end). */
static void global(mb *m, uint8_t type, bool mut, const uint8_t *init,
		   size_t len)
{
	byte(&m->global, type);
	byte(&m->global, mut);
	put(&m->global, init, len);
	byte(&m->global, 0x0b);
	m->global.count++;
}

static void export(mb *m, const char *nm, uint8_t kind, uint32_t idx)
{
	name(&m->export, nm);
	byte(&m->export, kind);
	uleb(&m->export, idx);
	m->export.count++;
}

/* Ends an element segment: its n function indices. */
static void elem_funcs(mb *m, int n, const uint32_t *funcs)
{
	uleb(&m->elem, n);
	for (int i = 0; i < n; i++)
		uleb(&m->elem, funcs[i]);
	m->elem.count++;
}

/* Active element segment for table 0 at i32 offset, legacy form. */
static void elem_active(mb *m, int32_t offset, int n, const uint32_t *funcs)
{
	byte(&m->elem, 0);
	byte(&m->elem, 0x41);
	uleb(&m->elem, (uint32_t)offset & 0x7f); /* small offsets only */
	byte(&m->elem, 0x0b);
	elem_funcs(m, n, funcs);
}

/* Passive element segment of function indices. */
static void elem_passive(mb *m, int n, const uint32_t *funcs)
{
	byte(&m->elem, 1);
	byte(&m->elem, 0x00); /* elemkind funcref */
	elem_funcs(m, n, funcs);
}

/* Active data segment in memory 0 at an i32.const offset (any value). */
static void data_active(mb *m, uint32_t offset, const char *s)
{
	byte(&m->data, 0);
	byte(&m->data, 0x41);
	int32_t v = (int32_t)offset;
	for (;;) { /* signed LEB128 */
		uint8_t c = v & 0x7f;
		v >>= 7;
		if ((v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40))) {
			byte(&m->data, c);
			break;
		}
		byte(&m->data, c | 0x80);
	}
	byte(&m->data, 0x0b);
	name(&m->data, s);
	m->data.count++;
}

static void emit(mb *m, uint8_t id, buf *s, bool vec)
{
	buf payload = {.n = 0};
	if (!s->n)
		return;
	if (vec)
		uleb(&payload, s->count);
	size_t head = payload.n;
	put(&payload, s->b, s->n);
	byte(&m->out, id);
	uleb(&m->out, payload.n);
	if (id == 10)
		m->code_at = (uint32_t)(m->out.n + head);
	put(&m->out, payload.b, payload.n);
}

/* Assembles the sections in order into m->out. */
static void finish(mb *m)
{
	m->out.n = 0;
	put(&m->out, BYTES(0, 'a', 's', 'm', 1, 0, 0, 0));
	emit(m, 1, &m->type, true);
	emit(m, 2, &m->import, true);
	emit(m, 3, &m->func, true);
	emit(m, 4, &m->table, true);
	emit(m, 5, &m->mem, true);
	emit(m, 6, &m->global, true);
	emit(m, 7, &m->export, true);
	emit(m, 8, &m->start, false);
	emit(m, 9, &m->elem, true);
	emit(m, 10, &m->code, true);
	emit(m, 11, &m->data, true);
	if (m->names.n) {
		buf sub = {.n = 0}, sec = {.n = 0};
		uleb(&sub, m->names.count);
		put(&sub, m->names.b, m->names.n);
		name(&sec, "name");
		byte(&sec, 1);
		uleb(&sec, sub.n);
		put(&sec, sub.b, sub.n);
		byte(&m->out, 0);
		uleb(&m->out, sec.n);
		put(&m->out, sec.b, sec.n);
	}
}

/* Module offset of byte k of defined function f's instructions. */
static uint32_t code_offset(const mb *m, uint32_t f, uint32_t k)
{
	return m->code_at + m->body_at[f - m->nimported] + k;
}

static wasm_module *build(mb *m)
{
	wasm_error err;
	finish(m);
	wasm_module *mod = wasm_module_new(m->out.b, m->out.n, &err);
	if (!mod)
		printf("  module rejected: %s\n", err.msg);
	return mod;
}

/* ---- a resolver over a list of named externs ---- */

typedef struct binding {
	const char *module, *name;
	wasm_extern x;
} binding;

typedef struct imports {
	int n;
	binding b[8];
} imports;

static bool resolve(void *ctx, const char *module, const char *nm,
		    enum wasm_extern_kind kind, wasm_extern *out)
{
	imports *im = ctx;
	for (int i = 0; i < im->n; i++) {
		if (!strcmp(im->b[i].module, module) &&
		    !strcmp(im->b[i].name, nm)) {
			*out = im->b[i].x;
			return true;
		}
	}
	return false;
}

static void bind(imports *im, const char *nm, enum wasm_extern_kind k, void *p)
{
	binding *b = &im->b[im->n++];
	b->module = "env";
	b->name = nm;
	b->x.kind = k;
	switch (k) {
	case WASM_EXTERN_FUNC:
		b->x.of.func = p;
		break;
	case WASM_EXTERN_TABLE:
		b->x.of.table = p;
		break;
	case WASM_EXTERN_MEMORY:
		b->x.of.memory = p;
		break;
	default:
		b->x.of.global = p;
		break;
	}
}

static wasm_func *export_func(wasm_instance *in, const char *nm)
{
	wasm_extern x;
	if (!wasm_instance_export(in, nm, &x) || x.kind != WASM_EXTERN_FUNC)
		return NULL;
	return x.of.func;
}

/* Calls export nm with one i32 (or none if argc 0); result or -999. */
static int32_t call_i32(wasm_instance *in, const char *nm, int argc, uint32_t a,
			wasm_error *err)
{
	wasm_val args[1] = {{.i32 = a}}, res[1] = {{.i32 = 0}};
	wasm_func *f = export_func(in, nm);
	if (!f)
		return -999;
	(void)argc;
	if (!wasm_func_call(f, args, res, err))
		return -999;
	return (int32_t)res[0].i32;
}

static const uint8_t vt_i32[] = {T_I32, T_I32};

/* ---- host functions ---- */

static bool host_add(wasm_caller *c, void *env, const wasm_val *a, wasm_val *r)
{
	r[0].i32 = a[0].i32 + a[1].i32;
	return true;
}

static bool host_fail(wasm_caller *c, void *env, const wasm_val *a, wasm_val *r)
{
	wasm_caller_trap(c, "host says no");
	return false;
}

static bool host_exit(wasm_caller *c, void *env, const wasm_val *a, wasm_val *r)
{
	wasm_caller_exit(c, 7);
	return false;
}

/* ---- cases ---- */

static bool wasm_table_grow_ok(wasm_table *t, wasm_val init)
{
	return rt_table_grow(t, 1, init.ref) >= 0;
}

static void t_sig_id(void)
{
	wasm_functype a = {1, 1, vt_i32, vt_i32};
	wasm_functype b = {2, 0, vt_i32, NULL};
	wasm_functype c = {0, 2, NULL, vt_i32};
	uint8_t copy[1] = {T_I32};
	wasm_functype a2 = {1, 1, copy, copy};
	CHECK(rt_sig_id(&a) == rt_sig_id(&a2));
	CHECK(rt_sig_id(&a) != rt_sig_id(&b));
	CHECK(rt_sig_id(&b) != rt_sig_id(&c));
	CHECK(rt_sig_id(&b) == rt_sig_id(&b));
	CHECK(!strcmp(rt_trap_message(TRAP_DIV_ZERO),
		      "integer divide by zero"));
}

static void t_link_unknown(void)
{
	mb m = {0};
	uint32_t t = add_type(&m, 0, 0);
	import_func(&m, "env", "f", t);
	wasm_module *mod = build(&m);
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	imports im = {0};
	wasm_error err;
	CHECK(mod && !wasm_instantiate(s, mod, resolve, &im, &err));
	CHECK(err.kind == WASM_ERR_LINK);
	CHECK(!strcmp(err.msg, "unknown import \"env\" \"f\""));
	wasm_store_free(s);
	wasm_module_free(mod);
}

static void t_link_types(void)
{
	mb m = {0};
	uint32_t t = add_type(&m, 2, 1, T_I32, T_I32, T_I32);
	import_func(&m, "env", "f", t);
	import_mem(&m, "env", "mem", 1, 2);
	import_table(&m, "env", "tab", FUNCREF, 2, UINT32_MAX);
	import_global(&m, "env", "g", T_I32, false);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_functype ft = {2, 1, vt_i32, vt_i32}, bad = {1, 1, vt_i32, vt_i32};
	wasm_val zero = {0};
	wasm_func *f = wasm_func_new_host(s, &ft, host_add, NULL);
	wasm_func *fbad = wasm_func_new_host(s, &bad, host_add, NULL);
	wasm_memory *mem12 = wasm_memory_new(s, 1, 2);
	wasm_memory *mem1 = wasm_memory_new(s, 1, UINT32_MAX);
	wasm_memory *mem02 = wasm_memory_new(s, 0, 2);
	wasm_memory *mem13 = wasm_memory_new(s, 1, 3);
	wasm_memory *mem22 = wasm_memory_new(s, 2, 2);
	wasm_table *tab2 = wasm_table_new(s, WASM_FUNCREF, 2, 5);
	wasm_table *tab1 = wasm_table_new(s, WASM_FUNCREF, 1, UINT32_MAX);
	wasm_table *tabx = wasm_table_new(s, WASM_EXTERNREF, 2, UINT32_MAX);
	wasm_global *g = wasm_global_new(s, WASM_I32, false, zero);
	wasm_global *gmut = wasm_global_new(s, WASM_I32, true, zero);
	wasm_global *g64 = wasm_global_new(s, WASM_I64, false, zero);

	imports ok = {0};
	bind(&ok, "f", WASM_EXTERN_FUNC, f);
	bind(&ok, "mem", WASM_EXTERN_MEMORY, mem12);
	bind(&ok, "tab", WASM_EXTERN_TABLE, tab2);
	bind(&ok, "g", WASM_EXTERN_GLOBAL, g);
	wasm_error err;
	CHECK(wasm_instantiate(s, mod, resolve, &ok, &err));

	/* Each case: replace one binding, expect incompatible. */
	struct {
		int slot;
		enum wasm_extern_kind k;
		void *p;
		bool good;
	} cases[] = {
		{0, WASM_EXTERN_FUNC, fbad, false},
		{0, WASM_EXTERN_MEMORY, mem12, false},
		{1, WASM_EXTERN_MEMORY, mem1, false},  /* no max */
		{1, WASM_EXTERN_MEMORY, mem02, false}, /* min too small */
		{1, WASM_EXTERN_MEMORY, mem13, false}, /* max too large */
		{1, WASM_EXTERN_MEMORY, mem22, true},
		{2, WASM_EXTERN_TABLE, tab1, false},
		{2, WASM_EXTERN_TABLE, tabx, false},
		{3, WASM_EXTERN_GLOBAL, gmut, false},
		{3, WASM_EXTERN_GLOBAL, g64, false},
		{3, WASM_EXTERN_FUNC, f, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		imports im = ok;
		im.b[cases[i].slot].x.kind = cases[i].k;
		im.b[cases[i].slot].x.of.func = cases[i].p;
		switch (cases[i].k) {
		case WASM_EXTERN_TABLE:
			im.b[cases[i].slot].x.of.table = cases[i].p;
			break;
		case WASM_EXTERN_MEMORY:
			im.b[cases[i].slot].x.of.memory = cases[i].p;
			break;
		case WASM_EXTERN_GLOBAL:
			im.b[cases[i].slot].x.of.global = cases[i].p;
			break;
		default:
			break;
		}
		wasm_instance *in =
			wasm_instantiate(s, mod, resolve, &im, &err);
		if ((in != NULL) != cases[i].good)
			printf("  link case %zu: got %s (%s)\n", i,
			       in ? "linked" : "error", err.msg);
		CHECK((in != NULL) == cases[i].good);
		if (!in)
			CHECK(err.kind == WASM_ERR_LINK &&
			      !strncmp(err.msg, "incompatible import type",
				       24));
	}
	/* A grown table satisfies a larger minimum (its current size). */
	{
		wasm_val nul = {.ref = NULL};
		imports im = ok;
		CHECK(wasm_table_grow_ok(tab1, nul));
		im.b[2].x.of.table = tab1;
		CHECK(wasm_instantiate(s, mod, resolve, &im, &err));
	}
	wasm_store_free(s);
	wasm_module_free(mod);
}

/* Module: imports add/fail/exit/reenter, exports wrappers around them,
 * "ok" returning 42 and "boom" that is unreachable. */
typedef struct host_env {
	wasm_instance *inst;
	wasm_error inner;
	bool inner_ok;
} host_env;

static bool host_reenter(wasm_caller *c, void *env, const wasm_val *a,
			 wasm_val *r)
{
	host_env *h = env;
	wasm_val none[1], res[1];
	/* A trap in a nested call is caught by that call ... */
	h->inner_ok = wasm_func_call(export_func(h->inst, "boom"), none, res,
				     &h->inner);
	/* ... and wasm can be entered again afterwards. */
	if (!wasm_func_call(export_func(h->inst, "ok"), none, res, NULL))
		return false;
	r[0].i32 = res[0].i32 + a[0].i32;
	return true;
}

static void t_host_calls(void)
{
	mb m = {0};
	uint32_t t2 = add_type(&m, 2, 1, T_I32, T_I32, T_I32);
	uint32_t t0 = add_type(&m, 0, 0);
	uint32_t t01 = add_type(&m, 0, 1, T_I32);
	uint32_t t11 = add_type(&m, 1, 1, T_I32, T_I32);
	uint32_t add = import_func(&m, "env", "add", t2);
	uint32_t hf = import_func(&m, "env", "fail", t0);
	uint32_t he = import_func(&m, "env", "exit", t0);
	uint32_t hr = import_func(&m, "env", "reenter", t11);
	/* call_add(a, b) = add(a, b) + 1 */
	uint32_t f1 = func(
		&m, t2, "call_add",
		BYTES(0, 0x20, 0, 0x20, 1, 0x10, add, 0x41, 1, 0x6a, 0x0b));
	uint32_t f2 = func(&m, t0, "call_fail", BYTES(0, 0x10, hf, 0x0b));
	uint32_t f3 = func(&m, t0, "call_exit", BYTES(0, 0x10, he, 0x0b));
	uint32_t f4 = func(&m, t11, "call_reenter",
			   BYTES(0, 0x20, 0, 0x10, hr, 0x0b));
	uint32_t f5 = func(&m, t01, "ok", BYTES(0, 0x41, 42, 0x0b));
	uint32_t f6 = func(&m, t01, "boom", BYTES(0, 0x00, 0x0b));
	export(&m, "call_add", 0, f1);
	export(&m, "call_fail", 0, f2);
	export(&m, "call_exit", 0, f3);
	export(&m, "call_reenter", 0, f4);
	export(&m, "ok", 0, f5);
	export(&m, "boom", 0, f6);
	export(&m, "add", 0, add);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_functype ft2 = {2, 1, vt_i32, vt_i32}, ft0 = {0, 0, 0, 0},
		      ft11 = {1, 1, vt_i32, vt_i32};
	host_env h = {0};
	imports im = {0};
	bind(&im, "add", WASM_EXTERN_FUNC,
	     wasm_func_new_host(s, &ft2, host_add, NULL));
	bind(&im, "fail", WASM_EXTERN_FUNC,
	     wasm_func_new_host(s, &ft0, host_fail, NULL));
	bind(&im, "exit", WASM_EXTERN_FUNC,
	     wasm_func_new_host(s, &ft0, host_exit, NULL));
	bind(&im, "reenter", WASM_EXTERN_FUNC,
	     wasm_func_new_host(s, &ft11, host_reenter, &h));
	wasm_error err;
	wasm_instance *in = wasm_instantiate(s, mod, resolve, &im, &err);
	CHECK(in);
	if (!in)
		goto out;
	h.inst = in;
	wasm_val args[2] = {{.i32 = 2}, {.i32 = 3}}, res[1];
	CHECK(wasm_func_call(export_func(in, "call_add"), args, res, &err));
	CHECK(res[0].i32 == 6);
	/* The host function itself, called from C. */
	CHECK(wasm_func_call(export_func(in, "add"), args, res, &err));
	CHECK(res[0].i32 == 5);
	CHECK(!wasm_func_call(export_func(in, "add"), NULL, res, &err));

	CHECK(!wasm_func_call(export_func(in, "call_fail"), NULL, NULL, &err));
	CHECK(err.kind == WASM_ERR_TRAP && !strcmp(err.msg, "host says no"));
	CHECK(!wasm_func_call(export_func(in, "call_exit"), NULL, NULL, &err));
	CHECK(err.kind == WASM_ERR_EXIT && err.exit_code == 7);

	CHECK(call_i32(in, "call_reenter", 1, 8, &err) == 50);
	CHECK(!h.inner_ok && h.inner.kind == WASM_ERR_TRAP);
	CHECK(!strncmp(h.inner.msg, "unreachable in function 'boom'", 30));
	/* The outer level still catches its own traps. */
	CHECK(call_i32(in, "boom", 0, 0, &err) == -999);
	CHECK(err.kind == WASM_ERR_TRAP);
	CHECK(call_i32(in, "ok", 0, 0, &err) == 42);
out:
	wasm_store_free(s);
	wasm_module_free(mod);
}

/* Twenty results, each read after the one before it was written: a host
 * writing its results over its arguments would see a wrong a[0]. */
#define MANY 20
static bool host_many(wasm_caller *c, void *env, const wasm_val *a, wasm_val *r)
{
	for (int i = 0; i < MANY; i++)
		r[i].i32 = a[0].i32 + i + 1;
	return true;
}

/* More results than the 16 that rt_call_host keeps on its stack, called
 * from wasm on both engines: all come back, in order. f(x) folds the
 * results r[0..MANY-1] as s = r[i] + 3 * s, from the last one down. */
static void t_host_many_results(void)
{
	static const uint8_t p_i32[] = {T_I32};
	uint8_t vt[MANY];
	buf body = {0};
	mb m = {0};
	memset(vt, T_I32, sizeof vt);
	byte(&m.type, 0x60); /* type 0: (i32) -> (i32 x MANY) */
	uleb(&m.type, 1);
	byte(&m.type, T_I32);
	uleb(&m.type, MANY);
	put(&m.type, vt, MANY);
	m.type.count++;
	uint32_t t11 = add_type(&m, 1, 1, T_I32, T_I32);
	uint32_t hm = import_func(&m, "env", "many", 0);
	put(&body, BYTES(1, 1, T_I32, 0x20, 0, 0x10, (uint8_t)hm));
	for (int i = 0; i < MANY; i++) /* local 1 = top + 3 * local 1 */
		put(&body, BYTES(0x20, 1, 0x41, 3, 0x6c, 0x6a, 0x21, 1));
	put(&body, BYTES(0x20, 1, 0x0b));
	export(&m, "f", 0, func(&m, t11, "f", body.b, body.n));
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	uint32_t want = 0;
	for (int i = MANY - 1; i >= 0; i--)
		want = (uint32_t)(1000 + i + 1) + 3 * want;
	for (int e = 0; e < 2; e++) {
		wasm_store *s = wasm_store_new(e ? WASM_ENGINE_JIT
						 : WASM_ENGINE_INTERP);
		wasm_functype ft = {1, MANY, p_i32, vt};
		imports im = {0};
		wasm_error err;
		bind(&im, "many", WASM_EXTERN_FUNC,
		     wasm_func_new_host(s, &ft, host_many, NULL));
		wasm_instance *in =
			wasm_instantiate(s, mod, resolve, &im, &err);
		CHECK(in && (uint32_t)call_i32(in, "f", 1, 1000, &err) == want);
		wasm_store_free(s);
	}
	wasm_module_free(mod);
}

static void t_memory_direct(void)
{
	wasm_memory *m = rt_memory_create(1, 3);
	CHECK(m);
	if (!m)
		return;
	CHECK(rt_memory_owns((uintptr_t)m->base));
	CHECK(rt_memory_owns((uintptr_t)m->base + WASM_MEM_RESERVE - 1));
	CHECK(!rt_memory_owns((uintptr_t)m->base - 1) ||
	      rt_memory_owns((uintptr_t)m->base - 1)); /* a neighbour may */
	m->base[WASM_PAGE - 1] = 1;
	CHECK(rt_memory_grow(m, 1) == 1);
	m->base[2 * WASM_PAGE - 1] = 2;
	CHECK(m->base[WASM_PAGE] == 0);
	CHECK(rt_memory_grow(m, 2) == -1);
	CHECK(rt_memory_grow(m, 1) == 2);
	CHECK(rt_memory_grow(m, 0) == 3);
	CHECK(rt_memory_grow(m, 1) == -1);
	CHECK(wasm_memory_size(m) == 3 * WASM_PAGE);
	CHECK(m->base[WASM_PAGE - 1] == 1 && m->base[2 * WASM_PAGE - 1] == 2);
	rt_memory_destroy(m);

	m = rt_memory_create(0, UINT32_MAX);
	CHECK(m && m->pages == 0 && m->max_pages == 65536 && !m->has_max);
	if (m) {
		CHECK(rt_memory_grow(m, 65537) == -1);
		CHECK(rt_memory_grow(m, 2) == 0);
		rt_memory_destroy(m);
	}
	CHECK(!rt_memory_create(2, 1));
	CHECK(!rt_memory_create(65537, UINT32_MAX));
	CHECK(!rt_memory_create(0, 65537));
}

/* A store's memory limit bounds all its memories together: creation and
 * memory.grow fail past it, and a destroyed memory gives its pages back. */
static void t_memory_limit(void)
{
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_memory *a, *b;

	CHECK(s);
	if (!s)
		return;
	wasm_store_set_memory_limit(s, 3 * WASM_PAGE);
	a = wasm_memory_new(s, 2, 10);
	CHECK(a && wasm_store_memory_size(s) == 2 * WASM_PAGE);
	CHECK(!wasm_memory_new(s, 2, 10));
	b = wasm_memory_new(s, 1, 10);
	CHECK(b && wasm_store_memory_size(s) == 3 * WASM_PAGE);
	if (a && b) {
		CHECK(rt_memory_grow(a, 1) == -1);
		CHECK(rt_memory_grow(b, 0) == 1);
		CHECK(wasm_memory_size(a) == 2 * WASM_PAGE);
	}
	wasm_store_set_memory_limit(s, 4 * WASM_PAGE);
	CHECK(a && rt_memory_grow(a, 1) == 2);
	CHECK(wasm_store_memory_size(s) == 4 * WASM_PAGE);
	wasm_store_free(s);
}

/* Loads, grow and out-of-bounds traps naming the offset, on engine e. */
static void memory_wasm_on(enum wasm_engine e)
{
	mb m = {0};
	uint32_t t11 = add_type(&m, 1, 1, T_I32, T_I32);
	mem(&m, 1, 2);
	uint32_t g = func(&m, t11, "grow", BYTES(0, 0x20, 0, 0x40, 0, 0x0b));
	uint32_t l = func(&m, t11, "load", BYTES(0, 0x20, 0, 0x28, 2, 0, 0x0b));
	uint32_t sz = func(&m, t11, NULL,
			   BYTES(0, 0x3f, 0, 0x0b)); /* param ignored */
	export(&m, "grow", 0, g);
	export(&m, "load", 0, l);
	export(&m, "size", 0, sz);
	export(&m, "mem", 2, 0);
	data_active(&m, 16, "hello");
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(e);
	wasm_error err;
	wasm_instance *in = wasm_instantiate(s, mod, NULL, NULL, &err);
	CHECK(in);
	if (!in)
		goto out;
	wasm_extern x;
	CHECK(wasm_instance_export(in, "mem", &x) &&
	      x.kind == WASM_EXTERN_MEMORY);
	CHECK(!memcmp(wasm_memory_data(x.of.memory) + 16, "hello", 5));
	CHECK(!wasm_instance_export(in, "nope", &x));
	wasm_memory_data(x.of.memory)[65532] = 0x5a;
	CHECK(call_i32(in, "load", 1, 65532, &err) == 0x5a);
	CHECK(call_i32(in, "load", 1, 65533, &err) == -999);
	CHECK(err.kind == WASM_ERR_TRAP);
	char want[128];
	snprintf(
		want, sizeof want,
		"out of bounds memory access in function 'load' at offset 0x%x",
		code_offset(&m, l, 2));
	if (strcmp(err.msg, want))
		printf("  got \"%s\"\n  want \"%s\"\n", err.msg, want);
	CHECK(!strcmp(err.msg, want));
	CHECK(call_i32(in, "load", 1, 0xfffffff0u, &err) == -999);
	CHECK(call_i32(in, "grow", 1, 1, &err) == 1);
	CHECK(call_i32(in, "size", 1, 0, &err) == 2);
	CHECK(call_i32(in, "load", 1, 65536 + 4, &err) == 0);
	CHECK(call_i32(in, "grow", 1, 1, &err) == -1);
	CHECK(call_i32(in, "grow", 1, 0, &err) == 2);
	CHECK(call_i32(in, "load", 1, 2 * 65536 - 4, &err) == 0);
	CHECK(call_i32(in, "load", 1, 2 * 65536 - 3, &err) == -999);
out:
	wasm_store_free(s);
	wasm_module_free(mod);
}

static void t_memory_wasm(void)
{
	memory_wasm_on(WASM_ENGINE_INTERP);
	memory_wasm_on(WASM_ENGINE_JIT);
	memory_wasm_on(WASM_ENGINE_OPT);
}

static void t_memory_zero(void)
{
	mb m = {0};
	uint32_t t11 = add_type(&m, 1, 1, T_I32, T_I32);
	mem(&m, 0, UINT32_MAX);
	uint32_t l = func(&m, t11, NULL, BYTES(0, 0x20, 0, 0x2d, 0, 0, 0x0b));
	export(&m, "load8", 0, l);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_error err;
	wasm_instance *in = wasm_instantiate(s, mod, NULL, NULL, &err);
	CHECK(in);
	if (in) {
		CHECK(call_i32(in, "load8", 1, 0, &err) == -999);
		CHECK(!strncmp(err.msg,
			       "out of bounds memory access in function #0",
			       42));
	}
	wasm_store_free(s);
	wasm_module_free(mod);
}

static void t_table_direct(void)
{
	int a, b, c;
	wasm_table *t = rt_table_create(WASM_FUNCREF, 2, 4);
	CHECK(t && t->size == 2 && !t->elems[0] && !t->elems[1]);
	if (!t)
		return;
	CHECK(rt_table_grow(t, 1, &a) == 2 && t->size == 3 &&
	      t->elems[2] == &a);
	CHECK(rt_table_grow(t, 2, &a) == -1 && t->size == 3);
	CHECK(rt_table_grow(t, 0, &a) == 3);
	CHECK(rt_table_fill(t, 1, &b, 2) && t->elems[1] == &b &&
	      t->elems[2] == &b && !t->elems[0]);
	CHECK(rt_table_fill(t, 3, &b, 0));  /* n = 0 at size */
	CHECK(!rt_table_fill(t, 4, &b, 0)); /* past size */
	CHECK(!rt_table_fill(t, 2, &c, 2) && t->elems[2] == &b);
	t->elems[0] = &a, t->elems[1] = &b, t->elems[2] = &c;
	CHECK(rt_table_copy(t, 1, t, 0, 2)); /* overlapping, forwards */
	CHECK(t->elems[0] == &a && t->elems[1] == &a && t->elems[2] == &b);
	t->elems[0] = &a, t->elems[1] = &b, t->elems[2] = &c;
	CHECK(rt_table_copy(t, 0, t, 1, 2)); /* overlapping, backwards */
	CHECK(t->elems[0] == &b && t->elems[1] == &c && t->elems[2] == &c);
	CHECK(rt_table_copy(t, 3, t, 3, 0));
	CHECK(!rt_table_copy(t, 4, t, 0, 0));
	CHECK(!rt_table_copy(t, 0, t, 2, 2));
	CHECK(!rt_table_copy(t, 0, t, 0, UINT32_MAX));
	rt_table_destroy(t);

	t = rt_table_create(WASM_EXTERNREF, 0, UINT32_MAX);
	CHECK(t && rt_table_grow(t, 10000001, NULL) == -1);
	CHECK(t && rt_table_grow(t, 1000, &a) == 0 && t->elems[999] == &a);
	rt_table_destroy(t);
	CHECK(!rt_table_create(WASM_FUNCREF, 20000000, UINT32_MAX));
}

static void t_table_init(void)
{
	mb m = {0};
	uint32_t t01 = add_type(&m, 0, 1, T_I32);
	table(&m, FUNCREF, 4, UINT32_MAX);
	uint32_t f0 = func(&m, t01, "one", BYTES(0, 0x41, 1, 0x0b));
	uint32_t f1 = func(&m, t01, "two", BYTES(0, 0x41, 2, 0x0b));
	uint32_t seg[3] = {f1, f0, f1};
	elem_active(&m, 1, 1, seg + 1);
	elem_passive(&m, 3, seg);
	export(&m, "tab", 1, 0);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_error err;
	wasm_instance *in = wasm_instantiate(s, mod, NULL, NULL, &err);
	CHECK(in);
	if (!in)
		goto out;
	wasm_table *t = in->tables[0];
	CHECK(in->elem_dropped[0] && !in->elem_dropped[1]);
	CHECK(t->elems[1] == in->funcs[f0] && !t->elems[0]);
	CHECK(rt_table_init(in, t, 1, 0, 1, 2));
	CHECK(t->elems[0] == in->funcs[f0] && t->elems[1] == in->funcs[f1]);
	CHECK(rt_table_init(in, t, 1, 4, 3, 0));  /* both at their ends */
	CHECK(!rt_table_init(in, t, 1, 0, 2, 2)); /* segment overrun */
	CHECK(!rt_table_init(in, t, 1, 3, 0, 2)); /* table overrun */
	CHECK(rt_table_init(in, t, 0, 0, 0, 0));  /* dropped: empty */
	CHECK(!rt_table_init(in, t, 0, 0, 0, 1));
	wasm_val r;
	CHECK(wasm_func_call(t->elems[1], NULL, &r, &err) && r.i32 == 2);
out:
	wasm_store_free(s);
	wasm_module_free(mod);
}

static void t_segments_oob(void)
{
	/* Data: the first segment's write stays, the second traps. */
	mb m = {0};
	import_mem(&m, "env", "mem", 1, UINT32_MAX);
	data_active(&m, 0, "ab");
	data_active(&m, 65535, "xy");
	wasm_module *mod = build(&m);
	CHECK(mod);
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_memory *mem1 = wasm_memory_new(s, 1, UINT32_MAX);
	imports im = {0};
	bind(&im, "mem", WASM_EXTERN_MEMORY, mem1);
	wasm_error err;
	CHECK(mod && !wasm_instantiate(s, mod, resolve, &im, &err));
	CHECK(err.kind == WASM_ERR_TRAP &&
	      !strcmp(err.msg, "out of bounds memory access"));
	CHECK(!memcmp(wasm_memory_data(mem1), "ab", 2));
	CHECK(wasm_memory_data(mem1)[65535] == 0);
	wasm_module_free(mod);

	/* Elements: likewise with a table. */
	mb e = {0};
	uint32_t t0 = add_type(&e, 0, 0);
	import_table(&e, "env", "tab", FUNCREF, 2, UINT32_MAX);
	uint32_t f = func(&e, t0, NULL, BYTES(0, 0x0b));
	uint32_t fs[2] = {f, f};
	elem_active(&e, 0, 1, fs);
	elem_active(&e, 1, 2, fs);
	mod = build(&e);
	CHECK(mod);
	wasm_table *tab = wasm_table_new(s, WASM_FUNCREF, 2, UINT32_MAX);
	bind(&im, "tab", WASM_EXTERN_TABLE, tab);
	CHECK(mod && !wasm_instantiate(s, mod, resolve, &im, &err));
	CHECK(err.kind == WASM_ERR_TRAP &&
	      !strcmp(err.msg, "out of bounds table access"));
	CHECK(tab->elems[0] != NULL && tab->elems[1] == NULL);
	wasm_module_free(mod);

	/* An empty segment just past the end also traps. */
	mb z = {0};
	import_table(&z, "env", "tab", FUNCREF, 2, UINT32_MAX);
	elem_active(&z, 3, 0, NULL);
	mod = build(&z);
	CHECK(mod && !wasm_instantiate(s, mod, resolve, &im, &err));
	CHECK(err.kind == WASM_ERR_TRAP);
	wasm_module_free(mod);
	mb z2 = {0};
	import_table(&z2, "env", "tab", FUNCREF, 2, UINT32_MAX);
	elem_active(&z2, 2, 0, NULL);
	mod = build(&z2);
	CHECK(mod && wasm_instantiate(s, mod, resolve, &im, &err));
	wasm_module_free(mod);
	wasm_store_free(s);
}

/* The trap messages name function and offset, on engine e. */
static void trap_messages_on(enum wasm_engine e)
{
	mb m = {0};
	uint32_t t0 = add_type(&m, 0, 0);
	uint32_t t11 = add_type(&m, 1, 1, T_I32, T_I32);
	uint32_t boom = func(&m, t0, "boom", BYTES(0, 0x01, 0x00, 0x0b));
	uint32_t anon = func(&m, t0, NULL, BYTES(0, 0x00, 0x0b));
	uint32_t div =
		func(&m, t11, "div", BYTES(0, 0x41, 1, 0x20, 0, 0x6d, 0x0b));
	export(&m, "boom", 0, boom);
	export(&m, "anon", 0, anon);
	export(&m, "div", 0, div);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(e);
	wasm_error err;
	wasm_instance *in = wasm_instantiate(s, mod, NULL, NULL, &err);
	CHECK(in);
	if (!in)
		goto out;
	char want[128];
	CHECK(!wasm_func_call(export_func(in, "boom"), NULL, NULL, &err));
	snprintf(want, sizeof want,
		 "unreachable in function 'boom' at offset 0x%x",
		 code_offset(&m, boom, 1));
	if (strcmp(err.msg, want))
		printf("  got \"%s\"\n  want \"%s\"\n", err.msg, want);
	CHECK(err.kind == WASM_ERR_TRAP && !strcmp(err.msg, want));
	CHECK(!wasm_func_call(export_func(in, "anon"), NULL, NULL, &err));
	snprintf(want, sizeof want, "unreachable in function #1 at offset 0x%x",
		 code_offset(&m, anon, 0));
	if (strcmp(err.msg, want))
		printf("  got \"%s\"\n  want \"%s\"\n", err.msg, want);
	CHECK(!strcmp(err.msg, want));
	CHECK(call_i32(in, "div", 1, 0, &err) == -999);
	snprintf(want, sizeof want,
		 "integer divide by zero in function 'div' at offset 0x%x",
		 code_offset(&m, div, 4));
	if (strcmp(err.msg, want))
		printf("  got \"%s\"\n  want \"%s\"\n", err.msg, want);
	CHECK(!strcmp(err.msg, want));
	CHECK(call_i32(in, "div", 1, 1, &err) == 1);
out:
	wasm_store_free(s);
	wasm_module_free(mod);
}

/* On every engine: the optimizing tier's code too. */
static void t_trap_messages(void)
{
	trap_messages_on(WASM_ENGINE_INTERP);
	trap_messages_on(WASM_ENGINE_JIT);
	trap_messages_on(WASM_ENGINE_OPT);
}

static void t_start_and_globals(void)
{
	mb m = {0};
	uint32_t t0 = add_type(&m, 0, 0);
	import_global(&m, "env", "base", T_I32, false);
	/* g1 = base (global.get), g2 mutable, set to 5 by start */
	global(&m, T_I32, false, BYTES(0x23, 0));
	global(&m, T_I32, true, BYTES(0x41, 0));
	global(&m, T_I64, false, BYTES(0x42, 0x7f));		 /* -1 */
	global(&m, T_F32, false, BYTES(0x43, 0, 0, 0x80, 0x3f)); /* 1.0 */
	uint32_t st = func(&m, t0, "start", BYTES(0, 0x41, 5, 0x24, 2, 0x0b));
	global(&m, FUNCREF, false, BYTES(0xd2, 0));
	global(&m, FUNCREF, false, BYTES(0xd0, 0x70));
	uleb(&m.start, st);
	export(&m, "g1", 3, 1);
	export(&m, "g2", 3, 2);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_val v = {.i32 = 77};
	imports im = {0};
	bind(&im, "base", WASM_EXTERN_GLOBAL,
	     wasm_global_new(s, WASM_I32, false, v));
	wasm_error err;
	wasm_instance *in = wasm_instantiate(s, mod, resolve, &im, &err);
	CHECK(in);
	if (!in)
		goto out;
	wasm_extern x;
	CHECK(wasm_instance_export(in, "g1", &x) &&
	      x.kind == WASM_EXTERN_GLOBAL &&
	      wasm_global_get(x.of.global).i32 == 77 &&
	      wasm_global_type(x.of.global) == WASM_I32);
	CHECK(wasm_instance_export(in, "g2", &x) &&
	      wasm_global_get(x.of.global).i32 == 5);
	CHECK(in->globals[3]->val.i64 == UINT64_MAX);
	CHECK(in->globals[4]->val.f32 == 0x3f800000u);
	CHECK(in->globals[5]->val.ref == in->funcs[0]);
	CHECK(in->globals[6]->val.ref == NULL);
out:
	wasm_store_free(s);
	wasm_module_free(mod);

	/* A start function that traps fails the instantiation. */
	mb b = {0};
	t0 = add_type(&b, 0, 0);
	st = func(&b, t0, "bad_start", BYTES(0, 0x00, 0x0b));
	uleb(&b.start, st);
	mod = build(&b);
	s = wasm_store_new(WASM_ENGINE_INTERP);
	CHECK(mod && !wasm_instantiate(s, mod, NULL, NULL, &err));
	CHECK(err.kind == WASM_ERR_TRAP &&
	      !strncmp(err.msg, "unreachable in function 'bad_start'", 35));
	wasm_store_free(s);
	wasm_module_free(mod);
}

/* Recursion without end: call stack exhausted, then calls work again. */
static void t_exhaustion(void)
{
	mb m = {0};
	uint32_t t0 = add_type(&m, 0, 0);
	uint32_t f = func(&m, t0, "rec", BYTES(0, 0x10, 0, 0x0b));
	uint32_t ok = func(&m, t0, "fine", BYTES(0, 0x0b));
	export(&m, "rec", 0, f);
	export(&m, "fine", 0, ok);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_error err;
	wasm_instance *in = wasm_instantiate(s, mod, NULL, NULL, &err);
	CHECK(in);
	if (in) {
		for (int i = 0; i < 3; i++) {
			CHECK(!wasm_func_call(export_func(in, "rec"), NULL,
					      NULL, &err));
			CHECK(err.kind == WASM_ERR_EXHAUSTED);
			CHECK(!strncmp(err.msg, "call stack exhausted", 20));
			CHECK(wasm_func_call(export_func(in, "fine"), NULL,
					     NULL, &err));
		}
	}
	wasm_store_free(s);
	wasm_module_free(mod);
}

/* Many instances and objects in one store, freed at once (LSan). */
static void t_store_free(void)
{
	mb m = {0};
	uint32_t t01 = add_type(&m, 0, 1, T_I32);
	mem(&m, 1, UINT32_MAX);
	table(&m, FUNCREF, 3, UINT32_MAX);
	uint32_t f = func(&m, t01, "f", BYTES(0, 0x41, 3, 0x0b));
	elem_active(&m, 0, 1, &f);
	global(&m, T_I32, true, BYTES(0x41, 1));
	export(&m, "f", 0, f);
	wasm_module *mod = build(&m);
	CHECK(mod);
	if (!mod)
		return;
	wasm_store *s = wasm_store_new(WASM_ENGINE_INTERP);
	wasm_error err;
	for (int i = 0; i < 20; i++) {
		wasm_instance *in = wasm_instantiate(s, mod, NULL, NULL, &err);
		CHECK(in && call_i32(in, "f", 0, 0, &err) == 3);
	}
	wasm_store_free(s);
	wasm_store_free(wasm_store_new(WASM_ENGINE_INTERP));
	wasm_module_free(mod);
}

/* The permissions ("rwxp") of the mapping holding address a, from
 * /proc/self/maps; "" if none. */
static void perms_of(uintptr_t a, char out[5])
{
	FILE *fp = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char perms[5];
	out[0] = 0;
	while (fp && fscanf(fp, "%lx-%lx %4s%*[^\n]", &lo, &hi, perms) == 3)
		if (a >= lo && a < hi) {
			memcpy(out, perms, 5);
			break;
		}
	if (fp)
		fclose(fp);
}

/* JIT code memory: READ|EXEC once installed (never writable), and a
 * released block's mapping reused (from the pool) by the next instance,
 * with that instance's code in it. */
static void t_jit_code_pool(void)
{
	uintptr_t first = 0;
	for (int k = 0; k < 2; k++) {
		mb m = {0};
		uint32_t t11 = add_type(&m, 1, 1, T_I32, T_I32);
		/* f(x) = x + 7, then x + 1000 */
		uint8_t body[] = {0, 0x20, 0, 0x41, 7, 0x6a, 0x0b};
		uint8_t body2[] = {0, 0x20, 0, 0x41, 0xE8, 0x07, 0x6a, 0x0b};
		export(&m, "f", 0,
		       k ? func(&m, t11, "f", body2, sizeof body2)
			 : func(&m, t11, "f", body, sizeof body));
		wasm_module *mod = build(&m);
		CHECK(mod);
		if (!mod)
			return;
		wasm_store *s = wasm_store_new(WASM_ENGINE_JIT);
		wasm_error err;
		wasm_instance *in = wasm_instantiate(s, mod, NULL, NULL, &err);
		CHECK(in && call_i32(in, "f", 1, 1, &err) == (k ? 1001 : 8));
		wasm_func *f = in ? export_func(in, "f") : NULL;
		CHECK(f && f->jit);
		if (f && f->jit) {
			uintptr_t mem = (uintptr_t)f->jit->block->mem;
			char perms[5];
			perms_of((uintptr_t)f->jit->mem, perms);
			CHECK(strcmp(perms, "r-xp") == 0);
			if (k == 0)
				first = mem;
			else
				CHECK(mem == first); /* the pooled mapping */
		}
		wasm_store_free(s);
		wasm_module_free(mod);
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	hal_init();
	run("sig_id", t_sig_id);
	run("link_unknown", t_link_unknown);
	run("link_types", t_link_types);
	run("host_calls", t_host_calls);
	run("host_many_results", t_host_many_results);
	run("memory_direct", t_memory_direct);
	run("memory_wasm", t_memory_wasm);
	run("memory_limit", t_memory_limit);
	run("memory_zero_pages", t_memory_zero);
	run("table_direct", t_table_direct);
	run("table_init", t_table_init);
	run("segments_oob", t_segments_oob);
	run("trap_messages", t_trap_messages);
	run("start_and_globals", t_start_and_globals);
	run("exhaustion", t_exhaustion);
	run("store_free", t_store_free);
	run("jit_code_pool", t_jit_code_pool);
	return failures ? 1 : 0;
}
