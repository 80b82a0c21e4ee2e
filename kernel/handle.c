/*
 * handle.c: per-process handle tables.
 *
 * A handle value packs a slot index (low 10 bits, NB_HANDLES_MAX slots)
 * and the slot's generation (the upper 22 bits, never 0), which changes
 * every time the slot is freed. A value that names a free slot, or a slot
 * reused since, is caught as NB_ERR_BAD_HANDLE; 0 is never valid.
 */
#include "kernel/object.h"

#define INDEX_BITS 10
#define INDEX_MASK ((1u << INDEX_BITS) - 1)
#define GEN_MAX (UINT32_MAX >> INDEX_BITS)

_Static_assert(NB_HANDLES_MAX == 1u << INDEX_BITS, "index bits");

void htable_init(struct htable *t)
{
	for (uint32_t i = 0; i < NB_HANDLES_MAX; i++) {
		t->e[i].obj = NULL;
		t->e[i].rights = 0;
		t->e[i].gen = 1;
		t->e[i].next_free = i + 1;
	}
	t->free_head = 0;
	t->count = 0;
	t->limit = NB_HANDLES_MAX;
}

uint32_t htable_room(const struct htable *t)
{
	return t->count < t->limit ? t->limit - t->count : 0;
}

nb_status htable_add(struct htable *t, struct kobj *obj, nb_rights rights,
		     nb_handle *out)
{
	uint32_t i = t->free_head;

	if (i >= NB_HANDLES_MAX || t->count >= t->limit)
		return NB_ERR_NO_RESOURCES;
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
	struct hentry *e = &t->e[h & INDEX_MASK];

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
	for (uint32_t i = 0; i < NB_HANDLES_MAX; i++)
		if (t->e[i].obj)
			htable_close(t, t->e[i].gen << INDEX_BITS | i);
}
