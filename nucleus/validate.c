/*
 * validate.c: module-level validation (WebAssembly 2.0, no SIMD, plus
 * shared memories): limits, index bounds, constant expressions, exports,
 * start, segments; function bodies are left to validate_code.c.
 *
 * Errors are INVALID with the spec suite's wording, prefixed with the best
 * offset we know ("offset 0x..: unknown global 3 in global 2"); items that
 * keep no offset in module.h report offset 0.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/module.h"
#include "nucleus/reader.h"
#include "nucleus/validate.h"

#define MAX_PAGES 65536u

typedef struct vmod {
	const wasm_module *m;
	wasm_error *err;
	bool failed;
	uint8_t *declared; /* functions ref.func may name */
} vmod;

/* Records the first error: "offset 0x..: " then the formatted text. */
static bool fail(vmod *v, uint32_t offset, enum wasm_error_kind kind,
		 const char *fmt, ...)
{
	if (v->failed)
		return false;
	v->failed = true;
	v->err->kind = kind;
	int n = snprintf(v->err->msg, sizeof v->err->msg,
			 "offset 0x%x: ", offset);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->err->msg + n, sizeof v->err->msg - n, fmt, ap);
	va_end(ap);
	return false;
}

static bool check_limits(vmod *v, const wasm_limits *l, uint32_t bound,
			 const char *too_big, const char *what, uint32_t i)
{
	if (bound &&
	    (l->min > bound || (l->max != UINT32_MAX && l->max > bound)))
		return fail(v, 0, WASM_ERR_INVALID, "%s in %s %u", too_big,
			    what, i);
	if (l->min > l->max)
		return fail(v, 0, WASM_ERR_INVALID,
			    "size minimum must not be greater than maximum in "
			    "%s %u",
			    what, i);
	return true;
}

static bool check_table(vmod *v, const wasm_tabletype *t, uint32_t i)
{
	return check_limits(v, &t->limits, 0, NULL, "table", i);
}

/* A memory's limits; a shared memory (threads) must have a maximum. */
static bool check_mem(vmod *v, const wasm_memtype *t, uint32_t i)
{
	if (!check_limits(v, &t->limits, MAX_PAGES,
			  "memory size must be at most 65536 pages (4GiB)",
			  "memory", i))
		return false;
	if (t->shared && t->limits.max == UINT32_MAX)
		return fail(v, 0, WASM_ERR_INVALID,
			    "shared memory must have maximum in memory %u", i);
	return true;
}

/*
 * A constant expression producing one value of type `want`: t.const
 * (v128.const too),
 * ref.null, ref.func (marking the function declared), global.get of an
 * immutable imported global.
 */
static bool check_constexpr(vmod *v, const wasm_constexpr *ce, uint8_t want,
			    const char *what, uint32_t i)
{
	const wasm_module *m = v->m;
	wasm_reader r = {
		.p = ce->code, .end = ce->code + ce->len, .base = m->bytes};
	wasm_immval im = {0};
	uint32_t n = 0;
	uint8_t t = 0;
	for (;;) {
		const uint8_t *at = r.p;
		enum wasm_op op = rd_op(&r);
		uint32_t idx;
		if (op == OP_END || r.err)
			break;
		rd_imm(&r, op, &im);
		if (r.err)
			break;
		n++;
		switch (op) {
		case OP_I32_CONST:
		case OP_I64_CONST:
		case OP_F32_CONST:
		case OP_F64_CONST:
		case OP_V128_CONST:
			t = wasm_ops[op].res;
			break;
		case OP_REF_NULL:
			t = (uint8_t)im.k;
			break;
		case OP_REF_FUNC:
			idx = im.x;
			if (idx >= m->num_funcs)
				return fail(v, rd_offset(&r, at),
					    WASM_ERR_INVALID,
					    "unknown function %u in %s %u", idx,
					    what, i);
			v->declared[idx] = 1;
			t = WASM_FUNCREF;
			break;
		case OP_GLOBAL_GET:
			idx = im.x;
			if (idx >= m->num_imported_globals)
				return fail(v, rd_offset(&r, at),
					    WASM_ERR_INVALID,
					    "unknown global %u in %s %u", idx,
					    what, i);
			if (m->globals[idx].mut)
				return fail(
					v, rd_offset(&r, at), WASM_ERR_INVALID,
					"constant expression required in %s %u",
					what, i);
			t = m->globals[idx].type;
			break;
		default:
			return fail(v, rd_offset(&r, at), WASM_ERR_INVALID,
				    "constant expression required in %s %u",
				    what, i);
		}
	}
	if (r.err)
		return fail(v, rd_offset(&r, r.err_at), WASM_ERR_MALFORMED,
			    "%s", r.err);
	if (n != 1 || t != want)
		return fail(v, ce->offset, WASM_ERR_INVALID,
			    "type mismatch in %s %u", what, i);
	return true;
}

static bool check_imports(vmod *v)
{
	const wasm_module *m = v->m;
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const wasm_import *im = &m->imports[i];
		if (im->kind == WASM_EXTERN_FUNC &&
		    im->of.func_type >= m->num_types)
			return fail(v, 0, WASM_ERR_INVALID,
				    "unknown type %u in import %u",
				    im->of.func_type, i);
		if (im->kind == WASM_EXTERN_TABLE &&
		    !check_table(v, &im->of.table, i))
			return false;
		if (im->kind == WASM_EXTERN_MEMORY &&
		    !check_mem(v, &im->of.mem, i))
			return false;
	}
	return true;
}

/* Types of defined functions, tables, memories, globals. */
static bool check_defs(vmod *v)
{
	const wasm_module *m = v->m;
	for (uint32_t i = m->num_imported_funcs; i < m->num_funcs; i++)
		if (m->func_types[i] >= m->num_types)
			return fail(v, 0, WASM_ERR_INVALID,
				    "unknown type %u in function %u",
				    m->func_types[i], i);
	for (uint32_t i = m->num_imported_tables; i < m->num_tables; i++)
		if (!check_table(v, &m->tables[i], i))
			return false;
	if (m->num_mems > 1)
		return fail(v, 0, WASM_ERR_INVALID, "multiple memories");
	for (uint32_t i = m->num_imported_mems; i < m->num_mems; i++)
		if (!check_mem(v, &m->mems[i], i))
			return false;
	for (uint32_t i = m->num_imported_globals; i < m->num_globals; i++)
		if (!check_constexpr(
			    v, &m->global_inits[i - m->num_imported_globals],
			    m->globals[i].type, "global", i))
			return false;
	return true;
}

static int cmp_export(const void *a, const void *b)
{
	const wasm_export *x = *(const wasm_export *const *)a;
	const wasm_export *y = *(const wasm_export *const *)b;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return memcmp(x->name, y->name, x->name_len);
}

static bool check_exports(vmod *v)
{
	const wasm_module *m = v->m;
	static const char *const kinds[] = {"function", "table", "memory",
					    "global"};
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const wasm_export *e = &m->exports[i];
		uint32_t limit = e->kind == WASM_EXTERN_FUNC	? m->num_funcs
				 : e->kind == WASM_EXTERN_TABLE ? m->num_tables
				 : e->kind == WASM_EXTERN_MEMORY
					 ? m->num_mems
					 : m->num_globals;
		if (e->index >= limit)
			return fail(v, 0, WASM_ERR_INVALID,
				    "unknown %s %u in export %u",
				    kinds[e->kind], e->index, i);
		if (e->kind == WASM_EXTERN_FUNC)
			v->declared[e->index] = 1;
	}
	if (m->num_exports < 2)
		return true;
	const wasm_export **sorted = malloc(m->num_exports * sizeof *sorted);
	if (!sorted)
		return fail(v, 0, WASM_ERR_RESOURCE, "out of memory");
	for (uint32_t i = 0; i < m->num_exports; i++)
		sorted[i] = &m->exports[i];
	qsort(sorted, m->num_exports, sizeof *sorted, cmp_export);
	for (uint32_t i = 1; i < m->num_exports; i++)
		if (cmp_export(&sorted[i - 1], &sorted[i]) == 0) {
			fail(v, 0, WASM_ERR_INVALID,
			     "duplicate export name \"%s\"", sorted[i]->name);
			break;
		}
	free(sorted);
	return !v->failed;
}

static bool check_start(vmod *v)
{
	const wasm_module *m = v->m;
	if (!m->has_start)
		return true;
	if (m->start >= m->num_funcs)
		return fail(v, 0, WASM_ERR_INVALID,
			    "unknown function %u (start)", m->start);
	const wasm_functype *t = &m->types[m->func_types[m->start]];
	if (t->nparams || t->nresults)
		return fail(v, 0, WASM_ERR_INVALID,
			    "start function %u must have type [] -> []",
			    m->start);
	return true;
}

static bool check_elems(vmod *v)
{
	const wasm_module *m = v->m;
	for (uint32_t i = 0; i < m->num_elems; i++) {
		const wasm_elem *e = &m->elems[i];
		if (e->mode == WASM_SEG_ACTIVE) {
			if (e->table >= m->num_tables)
				return fail(
					v, e->offset.offset, WASM_ERR_INVALID,
					"unknown table %u in elem segment %u",
					e->table, i);
			if (!check_constexpr(v, &e->offset, WASM_I32,
					     "elem segment", i))
				return false;
			if (m->tables[e->table].elem != e->type)
				return fail(
					v, e->offset.offset, WASM_ERR_INVALID,
					"type mismatch in elem segment %u", i);
		}
		for (uint32_t k = 0; k < e->count; k++) {
			if (e->exprs) {
				if (!check_constexpr(v, &e->exprs[k], e->type,
						     "elem segment", i))
					return false;
			} else if (e->funcs[k] >= m->num_funcs) {
				return fail(v, 0, WASM_ERR_INVALID,
					    "unknown function %u in elem "
					    "segment %u",
					    e->funcs[k], i);
			} else {
				v->declared[e->funcs[k]] = 1;
			}
		}
	}
	return true;
}

static bool check_datas(vmod *v)
{
	const wasm_module *m = v->m;
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const wasm_data *d = &m->datas[i];
		if (d->mode != WASM_SEG_ACTIVE)
			continue;
		if (d->mem >= m->num_mems)
			return fail(v, d->offset.offset, WASM_ERR_INVALID,
				    "unknown memory %u in data segment %u",
				    d->mem, i);
		if (!check_constexpr(v, &d->offset, WASM_I32, "data segment",
				     i))
			return false;
	}
	return true;
}

/*
 * Validates a decoded module. On failure fills err (INVALID; MALFORMED for
 * encoding errors found inside function bodies) and returns false.
 */
bool wasm_validate(wasm_module *m, wasm_error *err)
{
	vmod v = {m, err, false, NULL};
	v.declared = calloc(m->num_funcs + 1, 1);
	if (!v.declared)
		return fail(&v, 0, WASM_ERR_RESOURCE, "out of memory");
	if (check_imports(&v) && check_defs(&v) && check_exports(&v) &&
	    check_start(&v) && check_elems(&v) && check_datas(&v)) {
		for (uint32_t f = m->num_imported_funcs; f < m->num_funcs; f++)
			if (!wasm_validate_code(
				    m, f, v.declared, err,
				    &m->code[f - m->num_imported_funcs].prof)) {
				v.failed = true;
				break;
			}
	}
	free(v.declared);
	return !v.failed;
}
