/*
 * handle.c: per-process handle tables.
 *
 * A handle value packs a slot index (low 10 bits, NB_HANDLES_MAX slots)
 * and the slot's generation (the upper 22 bits, never 0), which changes
 * every time the slot is freed. A value that names a free slot, or a slot
 * reused since, is caught as NB_ERR_BAD_HANDLE; 0 is never valid. The
 * slots are allocated as they are needed (HTABLE_FIRST, then doubling up
 * to NB_HANDLES_MAX), charged to the table's account: an idle process
 * with a few handles keeps a few hundred bytes, not the whole table.
 */
#include <string.h>

#include "kernel/object.h"

#define INDEX_BITS 10
#define INDEX_MASK ((1u << INDEX_BITS) - 1)
#define GEN_MAX (UINT32_MAX >> INDEX_BITS)

_Static_assert(NB_HANDLES_MAX == 1u << INDEX_BITS, "index bits");

#define HTABLE_FIRST 16u

void htable_init(struct htable *t, struct kacct *acct)
{
	t->e = NULL;
	t->acct = acct;
	t->cap = 0;
	t->free_head = 0;
	t->count = 0;
	t->limit = NB_HANDLES_MAX;
}

/* Doubles t's slots (the new ones free, generation 1); false when out
 * of memory or past its account's limit, or at NB_HANDLES_MAX. */
static bool htable_grow(struct htable *t)
{
	uint32_t cap = t->cap ? 2 * t->cap : HTABLE_FIRST;
	struct hentry *e;

	if (t->cap >= NB_HANDLES_MAX)
		return false;
	if (cap > NB_HANDLES_MAX)
		cap = NB_HANDLES_MAX;
	if (!(e = kmem_charged(t->acct, cap * sizeof *e, false)))
		return false;
	if (t->cap)
		memcpy(e, t->e, t->cap * sizeof *e);
	for (uint32_t i = t->cap; i < cap; i++)
		e[i] = (struct hentry){NULL, 0, 1, i + 1};
	if (t->e)
		kmem_uncharged(t->acct, t->e, t->cap * sizeof *e);
	t->e = e;
	t->free_head = t->cap;
	t->cap = cap;
	return true;
}

uint32_t htable_room(const struct htable *t)
{
	return t->count < t->limit ? t->limit - t->count : 0;
}

nb_status htable_add(struct htable *t, struct kobj *obj, nb_rights rights,
		     nb_handle *out)
{
	uint32_t i;

	if (t->count >= t->limit || t->count >= NB_HANDLES_MAX)
		return NB_ERR_NO_RESOURCES;
	if (t->free_head >= t->cap && !htable_grow(t))
		return NB_ERR_NO_MEMORY;
	i = t->free_head;
	t->free_head = t->e[i].next_free;
	t->e[i].obj = obj;
	t->e[i].rights = rights;
	t->count++;
	*out = t->e[i].gen << INDEX_BITS | i;
	return NB_OK;
}

/* The live entry h names, or NULL. */
static struct hentry *lookup(struct htable *t, nb_handle h)
{
	struct hentry *e;

	if ((h & INDEX_MASK) >= t->cap)
		return NULL;
	e = &t->e[h & INDEX_MASK];
	if (!e->obj || e->gen != h >> INDEX_BITS)
		return NULL;
	return e;
}

nb_status htable_get(struct htable *t, nb_handle h, enum kobj_type type,
		     nb_rights need, struct kobj **obj)
{
	struct hentry *e = lookup(t, h);

	if (!e)
		return NB_ERR_BAD_HANDLE;
	if (type && e->obj->type != type)
		return NB_ERR_WRONG_TYPE;
	if ((e->rights & need) != need)
		return NB_ERR_ACCESS_DENIED;
	*obj = e->obj;
	return NB_OK;
}

nb_status htable_rights(struct htable *t, nb_handle h, nb_rights *rights)
{
	struct hentry *e = lookup(t, h);

	if (!e)
		return NB_ERR_BAD_HANDLE;
	*rights = e->rights;
	return NB_OK;
}

nb_status htable_take(struct htable *t, nb_handle h, struct khandle *out)
{
	struct hentry *e = lookup(t, h);
	uint32_t i = h & INDEX_MASK;

	if (!e)
		return NB_ERR_BAD_HANDLE;
	out->obj = e->obj;
	out->rights = e->rights;
	e->obj = NULL;
	e->rights = 0;
	e->gen = e->gen == GEN_MAX ? 1 : e->gen + 1;
	e->next_free = t->free_head;
	t->free_head = i;
	t->count--;
	return NB_OK;
}

nb_status htable_close(struct htable *t, nb_handle h)
{
	struct khandle k;
	nb_status s = htable_take(t, h, &k);

	if (s == NB_OK)
		kobj_release(k.obj);
	return s;
}

void htable_clear(struct htable *t)
{
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->e[i].obj)
			htable_close(t, t->e[i].gen << INDEX_BITS | i);
	if (t->e)
		kmem_uncharged(t->acct, t->e, t->cap * sizeof *t->e);
	t->e = NULL;
	t->cap = 0;
	t->free_head = 0;
}
