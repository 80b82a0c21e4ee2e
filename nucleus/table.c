/*
 * table.c: tables of references and the bulk table instructions.
 *
 * A table is a growable array of pointers: NULL is the null reference, a
 * funcref points at a wasm_func, an externref is the host's pointer. The
 * bounds checks follow the spec: an access of n elements at i is in
 * bounds iff i + n <= size (so n = 0 at exactly size is allowed).
 */
#include <stdlib.h>
#include <string.h>

#include "nucleus/runtime.h"

/* An implementation limit on table size, to keep growth sane. */
#define TABLE_CAP 10000000u

/* Creates a table of `min` null elements; NULL if min is too large. */
wasm_table *rt_table_create(uint8_t elem, uint32_t min, uint32_t max)
{
	if (min > TABLE_CAP || min > max)
		return NULL;
	wasm_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->elems = calloc(min ? min : 1, sizeof *t->elems);
	if (!t->elems) {
		free(t);
		return NULL;
	}
	t->elem = elem;
	t->size = min;
	t->max = max;
	return t;
}

void rt_table_destroy(wasm_table *t)
{
	if (!t)
		return;
	free(t->elems);
	free(t);
}

/* table.grow: the old size, or -1 leaving the table as it was. */
int32_t rt_table_grow(wasm_table *t, uint32_t delta, void *init)
{
	uint64_t old = t->size, want = old + delta;
	if (want > t->max || want > TABLE_CAP)
		return -1;
	if (delta) {
		void **e = realloc(t->elems, (size_t)want * sizeof *e);
		if (!e)
			return -1;
		for (uint64_t i = old; i < want; i++)
			e[i] = init;
		t->elems = e;
		t->size = (uint32_t)want;
	}
	return (int32_t)old;
}

/* table.fill: n copies of val from dst; false if out of bounds. */
bool rt_table_fill(wasm_table *t, uint32_t dst, void *val, uint32_t n)
{
	if ((uint64_t)dst + n > t->size)
		return false;
	for (uint32_t i = 0; i < n; i++)
		t->elems[dst + i] = val;
	return true;
}

/* table.copy: as memmove; false if either range is out of bounds. */
bool rt_table_copy(wasm_table *dst, uint32_t d, wasm_table *src, uint32_t s,
		   uint32_t n)
{
	if ((uint64_t)d + n > dst->size || (uint64_t)s + n > src->size)
		return false;
	if (n)
		memmove(dst->elems + d, src->elems + s, n * sizeof(void *));
	return true;
}

/* Item i of an element segment, as a reference. */
static void *elem_item(wasm_instance *inst, const wasm_elem *e, uint32_t i)
{
	if (e->funcs) {
		uint32_t f = e->funcs[i];
		return f < inst->module->num_funcs ? inst->funcs[f] : NULL;
	}
	return rt_eval_const(inst, &e->exprs[i]).ref;
}

/*
 * table.init: copies n items of element segment `elem` (from item s) to
 * table t at d. A dropped segment counts as empty. False if out of bounds.
 */
bool rt_table_init(wasm_instance *inst, wasm_table *t, uint32_t elem,
		   uint32_t d, uint32_t s, uint32_t n)
{
	const wasm_elem *e = &inst->module->elems[elem];
	uint32_t len = inst->elem_dropped[elem] ? 0 : e->count;
	if ((uint64_t)s + n > len || (uint64_t)d + n > t->size)
		return false;
	for (uint32_t i = 0; i < n; i++)
		t->elems[d + i] = elem_item(inst, e, s + i);
	return true;
}
