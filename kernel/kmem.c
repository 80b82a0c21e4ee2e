/*
 * kmem.c: kernel memory accounts. Every process has one (struct kacct):
 * the kernel memory charged to it and its limits on kernel memory,
 * linear memory and handles. What is charged, to whom and when the
 * charge moves is in kernel/README.md ("Memory accounts").
 *
 * An account outlives its process while something charged to it lives
 * (a queued message, an object it created): each charge that lives on
 * holds a reference (kobj.acct, kmsg.acct). Live accounts are on one
 * list, for the totals and per-process figures of mem_usage.
 *
 * kmem_alloc is where the kernel's own allocations (objects, messages,
 * accounts, argument blocks, mapping records) come from, so that a test
 * can make the Nth of them fail (kmem_fail_at; the hosted runner's
 * NEBULET_FAIL_ALLOC=N) and check that each failure is a clean error.
 */
#include <stdlib.h>
#include <stdio.h>

#include "kernel/object.h"

static struct klink *accounts;	     /* every live account, by link */
static uint64_t num_allocs, fail_at; /* kmem_alloc calls; 0: none fails */
static uint64_t total_charged;
static uint32_t num_accounts;

/* n bytes (zeroed if zero) from the heap, or NULL: out of memory, or
 * the allocation kmem_fail_at chose. Freed with free(). */
void *kmem_alloc(size_t n, bool zero)
{
	if (++num_allocs == fail_at)
		return NULL;
	return zero ? calloc(1, n) : malloc(n);
}

/* n bytes charged to a (kacct_charge), from kmem_alloc, holding a
 * reference to a; NULL past a's limit or when out of memory. */
void *kmem_charged(struct kacct *a, size_t n, bool zero)
{
	void *p;

	if (kacct_charge(a, n))
		return NULL;
	if (!(p = kmem_alloc(n, zero))) {
		kacct_uncharge(a, n);
		return NULL;
	}
	kacct_retain(a);
	return p;
}

/* Frees p, n bytes from kmem_charged(a, ...). */
void kmem_uncharged(struct kacct *a, void *p, size_t n)
{
	kacct_uncharge(a, n);
	kacct_release(a);
	free(p);
}

/* Makes the nth kmem_alloc from now fail (0: none); the count so far. */
uint64_t kmem_fail_at(uint64_t n)
{
	uint64_t done = num_allocs;

	num_allocs = 0;
	fail_at = n;
	return done;
}

/* An account for process id/name with limits l (0 fields: the
 * defaults); NULL when out of memory. */
struct kacct *kacct_new(uint32_t id, const char *name,
			const struct kacct_limits *l)
{
	struct kacct *a = kmem_alloc(sizeof *a, true);

	if (!a)
		return NULL;
	a->refs = 1;
	a->id = id;
	snprintf(a->name, sizeof a->name, "%s", name);
	a->lim.kernel = l && l->kernel ? l->kernel : KACCT_KERNEL_DEFAULT;
	a->lim.memory = l && l->memory ? l->memory : KACCT_MEMORY_DEFAULT;
	a->lim.handles = l && l->handles && l->handles < NB_HANDLES_MAX
				 ? l->handles
				 : NB_HANDLES_MAX;
	a->lim.inspect = l && l->inspect;
	klink_push(&accounts, &a->link);
	num_accounts++;
	return a;
}

void kacct_retain(struct kacct *a)
{
	if (a)
		a->refs++;
}

/* Drops a reference; the last one unlinks and frees the account (all
 * its charges are gone by then). */
void kacct_release(struct kacct *a)
{
	if (!a || --a->refs > 0)
		return;
	klink_unlink(&accounts, &a->link);
	num_accounts--;
	free(a);
}

/* Charges n bytes to a (NULL: the kernel's own, not counted per
 * process); NB_ERR_NO_MEMORY past its limit. */
nb_status kacct_charge(struct kacct *a, uint64_t n)
{
	if (!a) {
		total_charged += n;
		return NB_OK;
	}
	if (n > a->lim.kernel || a->used > a->lim.kernel - n)
		return NB_ERR_NO_MEMORY;
	a->used += n;
	total_charged += n;
	return NB_OK;
}

void kacct_uncharge(struct kacct *a, uint64_t n)
{
	total_charged -= n;
	if (a)
		a->used -= n;
}

/* The account of the running process (NULL: the kernel itself, at boot
 * or in the hosted kernel's start-up). */
struct kacct *kacct_current(void)
{
	struct kthread *t = sched_current();

	return t && t->proc ? t->proc->acct : NULL;
}

/* Limits for a child of parent: what the parent asked for (0 fields:
 * the defaults), never above the parent's own (the inspect right only
 * if the parent holds it). */
void kacct_child_limits(const struct kacct *parent,
			const struct kacct_limits *want,
			struct kacct_limits *out)
{
	*out = *want;
	if (!parent)
		return;
	if (!out->kernel || out->kernel > parent->lim.kernel)
		out->kernel = parent->lim.kernel;
	if (!out->memory || out->memory > parent->lim.memory)
		out->memory = parent->lim.memory;
	if (!out->handles || out->handles > parent->lim.handles)
		out->handles = parent->lim.handles;
	out->inspect = out->inspect && parent->lim.inspect;
}

/* Totals, and the first cap accounts (newest first) in out[]. Returns
 * how many accounts there are. */
uint32_t kacct_list(struct kacct_totals *t, const struct kacct **out,
		    uint32_t cap)
{
	uint32_t n = 0;

	t->charged = total_charged;
	t->accounts = num_accounts;
	for (struct klink *l = accounts; l && n < cap; l = l->next)
		out[n++] = KLINK_OWNER(l, struct kacct, link);
	return num_accounts;
}
