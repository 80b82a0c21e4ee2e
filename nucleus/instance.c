/*
 * instance.c: stores, runtime objects, signatures, and instantiation.
 *
 * A store owns every object created in it (instances, functions,
 * tables, memories, globals) through a list of owned allocations, and
 * frees them all at once. Instantiation follows the spec: resolve and
 * check imports, create the module's own objects, apply element and data
 * segments in order, then run the start function.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/reader.h"
#include "nucleus/runtime.h"

enum own_kind {
	OWN_INSTANCE,
	OWN_FUNC,
	OWN_FUNCS, /* an instance's own functions, one array of n */
	OWN_TABLE,
	OWN_MEMORY,
	OWN_GLOBAL
};

struct owned {
	uint8_t kind;
	uint32_t n;
	void *p;
};

struct wasm_store {
	enum wasm_engine engine;
	struct owned *owned;
	size_t n, cap;
	struct rt_mem_budget budget; /* its memories' pages */
};

/* ---- signatures ---- */

struct sig {
	uint32_t hash, nparams, nresults;
	uint8_t *vt; /* params then results */
};

static struct sig *sigs; /* by id */
static uint32_t num_sigs, sigs_cap;
static uint32_t *sig_slots; /* open addressing: id + 1, 0 = empty */
static uint32_t num_slots;  /* a power of two */

static uint32_t type_hash(const wasm_functype *t)
{
	uint32_t h = 2166136261u;
	h = (h ^ t->nparams) * 16777619u;
	h = (h ^ t->nresults) * 16777619u;
	for (uint32_t i = 0; i < t->nparams; i++)
		h = (h ^ t->params[i]) * 16777619u;
	for (uint32_t i = 0; i < t->nresults; i++)
		h = (h ^ t->results[i]) * 16777619u;
	return h;
}

static bool sig_equal(const struct sig *s, const wasm_functype *t)
{
	return s->nparams == t->nparams && s->nresults == t->nresults &&
	       (!t->nparams || !memcmp(s->vt, t->params, t->nparams)) &&
	       (!t->nresults ||
		!memcmp(s->vt + t->nparams, t->results, t->nresults));
}

/* Doubles the slot array, placing every id again. */
static bool sig_rehash(void)
{
	uint32_t n = num_slots ? num_slots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof *slots);
	if (!slots)
		return false;
	for (uint32_t id = 0; id < num_sigs; id++) {
		uint32_t i = sigs[id].hash & (n - 1);
		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = id + 1;
	}
	free(sig_slots);
	sig_slots = slots;
	num_slots = n;
	return true;
}

/*
 * The canonical id of a function type: equal types get equal ids, in
 * every store. Ids are never freed. Out of memory ends the process,
 * since no two types may then share an id.
 */
uint32_t rt_sig_id(const wasm_functype *t)
{
	uint32_t h = type_hash(t);
	if (num_slots) {
		for (uint32_t i = h & (num_slots - 1); sig_slots[i];
		     i = (i + 1) & (num_slots - 1)) {
			struct sig *s = &sigs[sig_slots[i] - 1];
			if (s->hash == h && sig_equal(s, t))
				return sig_slots[i] - 1;
		}
	}
	if ((num_sigs + 1) * 2 > num_slots && !sig_rehash())
		goto oom;
	if (num_sigs == sigs_cap) {
		uint32_t cap = sigs_cap ? sigs_cap * 2 : 64;
		struct sig *n = realloc(sigs, cap * sizeof *n);
		if (!n)
			goto oom;
		sigs = n;
		sigs_cap = cap;
	}
	struct sig *s = &sigs[num_sigs];
	s->vt = malloc((size_t)t->nparams + t->nresults + 1);
	if (!s->vt)
		goto oom;
	s->hash = h;
	s->nparams = t->nparams;
	s->nresults = t->nresults;
	if (t->nparams)
		memcpy(s->vt, t->params, t->nparams);
	if (t->nresults)
		memcpy(s->vt + t->nparams, t->results, t->nresults);
	uint32_t i = h & (num_slots - 1);
	while (sig_slots[i])
		i = (i + 1) & (num_slots - 1);
	sig_slots[i] = num_sigs + 1;
	return num_sigs++;
oom:;
	static const char m[] = "nucleus: out of memory for signatures\n";
	hal_console_write(2, m, sizeof m - 1);
	hal_exit(70);
}

/* ---- stores ---- */

wasm_store *wasm_store_new(enum wasm_engine engine)
{
	wasm_store *s = calloc(1, sizeof *s);
	if (s) {
		s->engine = engine;
		s->budget.limit = UINT64_MAX;
	}
	return s;
}

void wasm_store_set_memory_limit(wasm_store *s, uint64_t bytes)
{
	s->budget.limit = bytes / WASM_PAGE;
}

uint64_t wasm_store_memory_size(const wasm_store *s)
{
	return s->budget.pages * WASM_PAGE;
}

/* Records p as owned by s; on failure frees p and returns false. */
static bool own(wasm_store *s, enum own_kind kind, void *p);

static void free_owned(const struct owned *o)
{
	switch (o->kind) {
	case OWN_INSTANCE: /* one block with its arrays (new_instance) */
	case OWN_GLOBAL:
		free(o->p);
		break;
	case OWN_FUNC:
	case OWN_FUNCS:
		for (uint32_t i = 0; i < o->n; i++) {
			wasm_func *f = (wasm_func *)o->p + i;
			jit_free(f); /* JIT engine: its machine code, if any
					(its lowered code is the module's) */
		}
		free(o->p);
		break;
	case OWN_TABLE:
		rt_table_destroy(o->p);
		break;
	case OWN_MEMORY:
		rt_memory_destroy(o->p);
		break;
	}
}

/* The same for an array of n objects of kind. */
static bool own_n(wasm_store *s, enum own_kind kind, void *p, uint32_t n)
{
	struct owned o = {kind, n, p};
	if (!p)
		return false;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct owned *n = realloc(s->owned, cap * sizeof *n);
		if (!n) {
			free_owned(&o);
			return false;
		}
		s->owned = n;
		s->cap = cap;
	}
	s->owned[s->n++] = o;
	return true;
}

static bool own(wasm_store *s, enum own_kind kind, void *p)
{
	return own_n(s, kind, p, 1);
}

void wasm_store_free(wasm_store *s)
{
	if (!s)
		return;
	for (size_t i = s->n; i-- > 0;)
		free_owned(&s->owned[i]);
	free(s->owned);
	free(s);
}

/* ---- host objects ---- */

/* A host function with its own copy of the type. */
wasm_func *wasm_func_new_host(wasm_store *s, const wasm_functype *type,
			      wasm_host_fn fn, void *env)
{
	size_t nvt = (size_t)type->nparams + type->nresults;
	wasm_func *f = calloc(1, sizeof *f + nvt);
	if (!f)
		return NULL;
	uint8_t *vt = (uint8_t *)(f + 1);
	if (type->nparams)
		memcpy(vt, type->params, type->nparams);
	if (type->nresults)
		memcpy(vt + type->nparams, type->results, type->nresults);
	f->type.nparams = type->nparams;
	f->type.nresults = type->nresults;
	f->type.params = vt;
	f->type.results = vt + type->nparams;
	f->sig = rt_sig_id(&f->type);
	f->host = fn;
	f->env = env;
	return own(s, OWN_FUNC, f) ? f : NULL;
}

const wasm_functype *wasm_func_type(const wasm_func *f)
{
	return &f->type;
}

wasm_memory *wasm_memory_new(wasm_store *s, uint32_t min_pages,
			     uint32_t max_pages)
{
	wasm_memory *m;

	/* (refused before its pages are reserved and backed) */
	if (!rt_budget_room(&s->budget, min_pages))
		return NULL;
	m = rt_memory_create(min_pages, max_pages);
	if (m && !rt_memory_charge(m, &s->budget)) {
		rt_memory_destroy(m);
		return NULL;
	}
	return own(s, OWN_MEMORY, m) ? m : NULL;
}

wasm_table *wasm_table_new(wasm_store *s, enum wasm_valtype elem, uint32_t min,
			   uint32_t max)
{
	if (elem != WASM_FUNCREF && elem != WASM_EXTERNREF)
		return NULL;
	wasm_table *t = rt_table_create(elem, min, max);
	return own(s, OWN_TABLE, t) ? t : NULL;
}

wasm_global *wasm_global_new(wasm_store *s, enum wasm_valtype type, bool mut,
			     wasm_val v)
{
	wasm_global *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->type = type;
	g->mut = mut;
	g->val = v;
	return own(s, OWN_GLOBAL, g) ? g : NULL;
}

wasm_val wasm_global_get(const wasm_global *g)
{
	return g->val;
}

void wasm_global_set(wasm_global *g, wasm_val v)
{
	g->val = v;
}

enum wasm_valtype wasm_global_type(const wasm_global *g)
{
	return (enum wasm_valtype)g->type;
}

/* ---- constant expressions ---- */

/* The extended-const arithmetic: i32/i64 add, sub, mul. */
static wasm_val const_binop(enum wasm_op op, wasm_val a, wasm_val b)
{
	wasm_val v = {0};
	switch (op) {
	case OP_I32_ADD:
		v.i32 = a.i32 + b.i32;
		break;
	case OP_I32_SUB:
		v.i32 = a.i32 - b.i32;
		break;
	case OP_I32_MUL:
		v.i32 = a.i32 * b.i32;
		break;
	case OP_I64_ADD:
		v.i64 = a.i64 + b.i64;
		break;
	case OP_I64_SUB:
		v.i64 = a.i64 - b.i64;
		break;
	default:
		v.i64 = a.i64 * b.i64;
		break;
	}
	return v;
}

/*
 * Evaluates a (validated) constant expression: t.const, global.get,
 * ref.null, ref.func, and the extended-const i32/i64 add, sub and mul.
 * Anything unexpected yields zero rather than a crash.
 */
wasm_val rt_eval_const(wasm_instance *inst, const wasm_constexpr *e)
{
	wasm_val st[16] = {0}, zero = {0};
	int sp = 0;
	wasm_reader r = {
		.p = e->code, .end = e->code + e->len, .base = e->code};
	const wasm_module *m = inst->module;
	wasm_immval im = {0};
	while (!r.err && sp < 16) {
		enum wasm_op op = rd_op(&r);
		wasm_val v = {0};
		rd_imm(&r, op, &im);
		if (r.err)
			break;
		switch (op) {
		case OP_END:
			return sp ? st[sp - 1] : zero;
		case OP_I32_CONST:
		case OP_F32_CONST:
			v.i32 = (uint32_t)im.k;
			break;
		case OP_I64_CONST:
		case OP_F64_CONST:
			v.i64 = im.k;
			break;
		case OP_V128_CONST:
			memcpy(v.v128, im.vec, 16);
			break;
		case OP_GLOBAL_GET:
			if (im.x < m->num_globals && inst->globals[im.x])
				v = inst->globals[im.x]->val;
			break;
		case OP_REF_NULL:
			break;
		case OP_REF_FUNC:
			if (im.x < m->num_funcs)
				v.ref = inst->funcs[im.x];
			break;
		case OP_I32_ADD:
		case OP_I32_SUB:
		case OP_I32_MUL:
		case OP_I64_ADD:
		case OP_I64_SUB:
		case OP_I64_MUL:
			if (sp < 2)
				return zero;
			sp -= 2;
			v = const_binop(op, st[sp], st[sp + 1]);
			break;
		default:
			return zero;
		}
		st[sp++] = v;
	}
	return zero;
}

/* ---- instantiation ---- */

/* Fills err; returns false for the callers' convenience. */
static bool fail(wasm_error *err, enum wasm_error_kind kind, const char *fmt,
		 ...)
{
	va_list ap;
	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return false;
}

/* Carves n elements of `size` bytes from *at (zeroed memory). */
static void *carve(uint8_t **at, size_t n, size_t size)
{
	void *p = *at;
	*at += n * size;
	return p;
}

/* An instance with its arrays, owned by s; NULL if out of memory. One
 * zeroed block holds it all: pointer arrays first, then the narrower. */
static wasm_instance *new_instance(wasm_store *s, const wasm_module *m)
{
	size_t nptr = (size_t)m->num_funcs + m->num_tables + m->num_mems +
		      m->num_globals;
	size_t len = sizeof(wasm_instance) + nptr * sizeof(void *) +
		     (size_t)m->num_types * sizeof(uint32_t) + m->num_elems +
		     m->num_datas;
	wasm_instance *in = calloc(1, len);
	if (!own(s, OWN_INSTANCE, in))
		return NULL;
	uint8_t *at = (uint8_t *)(in + 1);
	in->module = m;
	in->store = s;
	in->engine = s->engine; /* which engine wasm_func_call uses */
	in->funcs = carve(&at, m->num_funcs, sizeof *in->funcs);
	in->tables = carve(&at, m->num_tables, sizeof *in->tables);
	in->mems = carve(&at, m->num_mems, sizeof *in->mems);
	in->globals = carve(&at, m->num_globals, sizeof *in->globals);
	in->type_sigs = carve(&at, m->num_types, sizeof(uint32_t));
	in->elem_dropped = carve(&at, m->num_elems, sizeof(bool));
	in->data_dropped = carve(&at, m->num_datas, sizeof(bool));
	for (uint32_t i = 0; i < m->num_types; i++)
		in->type_sigs[i] = rt_sig_id(&m->types[i]);
	return in;
}

/* Limits subtyping: actual {min, max} matches the declared limits. */
static bool limits_match(uint64_t min, bool has_max, uint64_t max,
			 const wasm_limits *decl)
{
	if (min < decl->min)
		return false;
	if (decl->max == UINT32_MAX)
		return true;
	return has_max && max <= decl->max;
}

/* Does the resolved extern fit import im? */
static bool import_matches(wasm_instance *in, const wasm_import *im,
			   const wasm_extern *x)
{
	if (x->kind != im->kind)
		return false;
	switch (im->kind) {
	case WASM_EXTERN_FUNC:
		return x->of.func && im->of.func_type < in->module->num_types &&
		       x->of.func->sig == in->type_sigs[im->of.func_type];
	case WASM_EXTERN_TABLE: {
		const wasm_table *t = x->of.table;
		return t && t->elem == im->of.table.elem &&
		       limits_match(t->size, t->max != UINT32_MAX, t->max,
				    &im->of.table.limits);
	}
	case WASM_EXTERN_MEMORY: {
		const wasm_memory *mem = x->of.memory;
		return mem && mem->shared == im->of.mem.shared &&
		       limits_match(mem->pages, mem->has_max, mem->max_pages,
				    &im->of.mem.limits);
	}
	case WASM_EXTERN_GLOBAL: {
		const wasm_global *g = x->of.global;
		return g && g->type == im->of.global.type &&
		       g->mut == im->of.global.mut;
	}
	}
	return false;
}

/* Resolves and checks every import, filling the index spaces. */
static bool link_imports(wasm_instance *in, wasm_resolve_fn resolve, void *ctx,
			 wasm_error *err)
{
	const wasm_module *m = in->module;
	uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const wasm_import *im = &m->imports[i];
		wasm_extern x;
		memset(&x, 0, sizeof x);
		if (!resolve || !resolve(ctx, im->module, im->name,
					 (enum wasm_extern_kind)im->kind, &x)) {
			fail(err, WASM_ERR_LINK, "unknown import \"%s\" \"%s\"",
			     im->module, im->name);
			return false;
		}
		if (!import_matches(in, im, &x)) {
			fail(err, WASM_ERR_LINK,
			     "incompatible import type \"%s\" \"%s\"",
			     im->module, im->name);
			return false;
		}
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			in->funcs[nf++] = x.of.func;
			break;
		case WASM_EXTERN_TABLE:
			in->tables[nt++] = x.of.table;
			break;
		case WASM_EXTERN_MEMORY:
			in->mems[nm++] = x.of.memory;
			break;
		default:
			in->globals[ng++] = x.of.global;
			break;
		}
	}
	return true;
}

/* Creates the module's own functions, tables, memories and globals. */
static bool create_objects(wasm_instance *in, wasm_error *err)
{
	const wasm_module *m = in->module;
	wasm_store *s = in->store;
	uint32_t nf = m->num_funcs - m->num_imported_funcs;
	wasm_func *fs = nf ? malloc(nf * sizeof *fs) : NULL;
	for (uint32_t i = m->num_imported_funcs; fs && i < m->num_funcs; i++) {
		wasm_func *f = &fs[i - m->num_imported_funcs];
		uint32_t t = m->func_types[i];
		f->type = m->types[t]; /* every field: fs is not zeroed */
		f->sig = in->type_sigs[t];
		f->inst = in;
		f->index = i;
		f->code = NULL;
		f->jit_entry = NULL;
		f->jit = NULL;
		f->host = NULL;
		f->env = NULL;
		in->funcs[i] = f;
	}
	if (nf && !own_n(s, OWN_FUNCS, fs, nf))
		return fail(err, WASM_ERR_RESOURCE, "out of memory");
	for (uint32_t i = m->num_imported_tables; i < m->num_tables; i++) {
		const wasm_tabletype *tt = &m->tables[i];
		in->tables[i] = wasm_table_new(s, (enum wasm_valtype)tt->elem,
					       tt->limits.min, tt->limits.max);
		if (!in->tables[i])
			return fail(err, WASM_ERR_RESOURCE,
				    "cannot allocate table of %u elements",
				    tt->limits.min);
	}
	for (uint32_t i = m->num_imported_mems; i < m->num_mems; i++) {
		const wasm_limits *l = &m->mems[i].limits;
		in->mems[i] =
			m->mems[i].shared
				? wasm_memory_new_shared(s, l->min, l->max)
				: wasm_memory_new(s, l->min, l->max);
		if (!in->mems[i])
			return fail(err, WASM_ERR_RESOURCE,
				    "cannot allocate memory of %u pages",
				    l->min);
	}
	for (uint32_t i = m->num_imported_globals; i < m->num_globals; i++) {
		const wasm_globaltype *gt = &m->globals[i];
		wasm_val v = rt_eval_const(
			in, &m->global_inits[i - m->num_imported_globals]);
		in->globals[i] = wasm_global_new(s, (enum wasm_valtype)gt->type,
						 gt->mut, v);
		if (!in->globals[i])
			return fail(err, WASM_ERR_RESOURCE, "out of memory");
	}
	return true;
}

/* Applies active element segments in order, dropping them and the
 * declarative ones. A segment out of bounds traps (earlier ones stay). */
static bool init_elems(wasm_instance *in, wasm_error *err)
{
	const wasm_module *m = in->module;
	for (uint32_t i = 0; i < m->num_elems; i++) {
		const wasm_elem *e = &m->elems[i];
		if (e->mode == WASM_SEG_ACTIVE) {
			uint32_t d = rt_eval_const(in, &e->offset).i32;
			if (e->table >= m->num_tables ||
			    !rt_table_init(in, in->tables[e->table], i, d, 0,
					   e->count))
				return fail(err, WASM_ERR_TRAP, "%s",
					    rt_trap_message(TRAP_TABLE_OOB));
		}
		if (e->mode != WASM_SEG_PASSIVE)
			in->elem_dropped[i] = true;
	}
	return true;
}

/* Backs the pages [at, at+len) of fresh memory mem with memory before a
 * segment is copied there: a hint to the HAL, one call instead of a page
 * fault per page (a pooled memory keeps its pages). */
static void commit_pages(wasm_memory *mem, uint64_t at, uint64_t len)
{
	uint64_t ps = hal_page_size();
	uint64_t lo = at / ps * ps, hi = (at + len + ps - 1) / ps * ps;
	if (mem->fresh && hi <= mem->pages * WASM_PAGE)
		hal_vm_commit(mem->base + lo, (size_t)(hi - lo));
}

/* Copies active data segments in order and drops them; out of bounds
 * traps, leaving earlier segments' writes in place. */
static bool init_datas(wasm_instance *in, wasm_error *err)
{
	const wasm_module *m = in->module;
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const wasm_data *d = &m->datas[i];
		if (d->mode != WASM_SEG_ACTIVE)
			continue;
		uint64_t at = rt_eval_const(in, &d->offset).i32;
		wasm_memory *mem =
			d->mem < m->num_mems ? in->mems[d->mem] : NULL;
		if (!mem || at + d->len > mem->pages * WASM_PAGE)
			return fail(err, WASM_ERR_TRAP, "%s",
				    rt_trap_message(TRAP_MEMORY_OOB));
		if (d->len) {
			commit_pages(mem, at, d->len);
			memcpy(mem->base + at, d->bytes, d->len);
		}
		in->data_dropped[i] = true;
	}
	return true;
}

/*
 * Instantiates m in s (see nucleus.h). Objects made before a failure stay
 * in the store until it is freed.
 */
wasm_instance *wasm_instantiate(wasm_store *s, const wasm_module *m,
				wasm_resolve_fn resolve, void *ctx,
				wasm_error *err)
{
	wasm_error dummy;
	if (!err)
		err = &dummy;
	err->kind = WASM_OK;
	err->exit_code = 0;
	err->msg[0] = '\0';
	wasm_instance *in = s && m ? new_instance(s, m) : NULL;
	if (!in) {
		fail(err, WASM_ERR_RESOURCE, "out of memory");
		return NULL;
	}
	if (!link_imports(in, resolve, ctx, err) || !create_objects(in, err) ||
	    !init_elems(in, err) || !init_datas(in, err))
		return NULL;
	if (m->has_start && m->start < m->num_funcs &&
	    !wasm_func_call(in->funcs[m->start], NULL, NULL, err))
		return NULL;
	return in;
}

/* Finds export `name`; false if the instance has none by that name. */
bool wasm_instance_export(wasm_instance *inst, const char *name,
			  wasm_extern *out)
{
	return wasm_instance_export_n(inst, name, strlen(name), out);
}

bool wasm_instance_export_n(wasm_instance *inst, const char *name, size_t len,
			    wasm_extern *out)
{
	const wasm_module *m = inst->module;
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const wasm_export *e = &m->exports[i];
		if (e->name_len != len || memcmp(e->name, name, len))
			continue;
		out->kind = (enum wasm_extern_kind)e->kind;
		switch (e->kind) {
		case WASM_EXTERN_FUNC:
			out->of.func = inst->funcs[e->index];
			break;
		case WASM_EXTERN_TABLE:
			out->of.table = inst->tables[e->index];
			break;
		case WASM_EXTERN_MEMORY:
			out->of.memory = inst->mems[e->index];
			break;
		default:
			out->of.global = inst->globals[e->index];
			break;
		}
		return true;
	}
	return false;
}
