/*
 * cycle.c: the cycle collector. A message queued in a channel end holds
 * references to the objects its handles name, so endpoints can keep each
 * other alive from inside each other's queues after every outside handle
 * is gone (b queued in d, d queued in b). Nobody can read those queues
 * again: such endpoints, and whatever only they hold, are garbage that
 * reference counting alone never frees.
 *
 * Only a channel holds references to other objects (through its queue),
 * so every cycle runs through channels. Trial deletion (Bacon and
 * Rajan's synchronous cycle collection) over that graph: a channel that
 * lost a reference but kept some, or went into a queue, is a candidate.
 * A collection takes everything reachable from the candidates through
 * queued handles (the set), counts each member's references that do not
 * come from a queue of the set (refs minus those edges), keeps every
 * member with such an outside reference and all it reaches, and frees
 * the rest: it can be reached only from itself.
 *
 * Collections run when a process ends (process.c) and when candidates
 * pile up (channel_queue), never inside another object's teardown. The
 * kernel has no locks: one CPU, and nothing here blocks.
 */
#include <stdlib.h>

#include "kernel/object.h"

enum { UNSEEN = 0, SEEN, LIVE };

/* Candidates past this (or a quarter of all objects, if more) start a
 * collection at the next channel_queue. */
#define COLLECT_MIN 1024u

static struct klink *cands; /* channels, by gc_link */
static uint32_t ncands;
static bool collecting;

void cycle_candidate(struct channel *c)
{
	if (c->gc_candidate)
		return;
	c->gc_candidate = true;
	klink_push(&cands, &c->gc_link);
	ncands++;
}

void cycle_forget(struct channel *c)
{
	if (!c->gc_candidate)
		return;
	klink_unlink(&cands, &c->gc_link);
	c->gc_candidate = false;
	ncands--;
}

/* The objects of one collection, in the order they were found. */
struct set {
	struct kobj **v;
	uint32_t n, cap;
	bool full; /* out of memory: the collection is abandoned */
};

/* Adds o (marked SEEN, its count started at refs) unless already in. */
static void set_add(struct kobj *o, struct set *s)
{
	if (o->gc_color != UNSEEN || s->full)
		return;
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? 2 * s->cap : 64;
		struct kobj **v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			s->full = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	o->gc_color = SEEN;
	o->gc_refs = o->refs;
	s->v[s->n++] = o;
}

/* Calls fn for the object of each handle queued for o (if a channel). */
static void each_edge(struct kobj *o, void (*fn)(struct kobj *, struct set *),
		      struct set *s)
{
	if (o->type != KOBJ_CHANNEL)
		return;
	for (struct kmsg *m = ((struct channel *)o)->head; m; m = m->next)
		for (uint32_t i = 0; i < m->nhandles; i++)
			fn(m->handles[i].obj, s);
}

static void uncount(struct kobj *o, struct set *s)
{
	(void)s;
	o->gc_refs--;
}

/* Marks o LIVE and appends it to the stack s (room for all: each object
 * goes on once, when it turns LIVE). */
static void push_live(struct kobj *o, struct set *s)
{
	if (o->gc_color != SEEN)
		return;
	o->gc_color = LIVE;
	s->v[s->n++] = o;
}

/* Marks LIVE every member of s with an outside reference and all it
 * reaches; false if out of memory. */
static bool mark_live(struct set *s)
{
	struct set stack = {malloc(s->n * sizeof(struct kobj *)), 0, s->n, 0};

	if (!stack.v)
		return false;
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->v[i]->gc_refs == 0)
			continue;
		push_live(s->v[i], &stack);
		while (stack.n > 0)
			each_edge(stack.v[--stack.n], push_live, &stack);
	}
	free(stack.v);
	return true;
}

/*
 * Frees the members of s still SEEN (garbage): each is held while the
 * queues of the garbage channels are emptied (dropping the references
 * they hold), then let go, which destroys it.
 */
static void free_garbage(struct set *s)
{
	uint32_t g = 0;

	for (uint32_t i = 0; i < s->n; i++) {
		struct kobj *o = s->v[i];
		if (o->gc_color == SEEN) {
			s->v[g++] = o;
			kobj_retain(o);
		}
		o->gc_color = UNSEEN;
	}
	for (uint32_t i = 0; i < g; i++) {
		if (s->v[i]->type == KOBJ_CHANNEL)
			channel_drop_queue((struct channel *)s->v[i]);
	}
	for (uint32_t i = 0; i < g; i++)
		kobj_release(s->v[i]);
}

static void unmark(struct set *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		s->v[i]->gc_color = UNSEEN;
}

/* Takes the candidates into s (leaving none); false if out of memory,
 * leaving them all. */
static bool take_candidates(struct set *s)
{
	for (struct klink *l = cands; l; l = l->next)
		set_add(&KLINK_OWNER(l, struct channel, gc_link)->o, s);
	if (s->full) {
		unmark(s);
		return false;
	}
	while (cands)
		cycle_forget(KLINK_OWNER(cands, struct channel, gc_link));
	return true;
}

void cycle_collect(bool force)
{
	uint32_t ncand;
	struct set s = {0};

	/* (the common case, a queue write, leaves at the first test) */
	if (collecting || !cands ||
	    (!force && (ncands < COLLECT_MIN || ncands < kobj_live() / 4)))
		return;
	collecting = true;
	if (!take_candidates(&s))
		goto out;
	ncand = s.n;
	for (uint32_t i = 0; i < s.n && !s.full; i++)
		each_edge(s.v[i], set_add, &s);
	if (!s.full) {
		for (uint32_t i = 0; i < s.n; i++)
			each_edge(s.v[i], uncount, &s);
		s.full = !mark_live(&s);
	}
	if (s.full) { /* try again later */
		unmark(&s);
		for (uint32_t i = 0; i < ncand; i++)
			cycle_candidate((struct channel *)s.v[i]);
	} else {
		free_garbage(&s);
	}
out:
	free(s.v);
	collecting = false;
}
