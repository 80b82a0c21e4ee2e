/*
 * object.c: what every kernel object shares (reference count, signals,
 * waiters), the wait primitive, and events.
 *
 * Waiting: a thread registers one waiter per object on the objects' lists
 * and blocks; a signal change that raises a bit some waiter wants wakes
 * its thread, which then unregisters everywhere and looks again. So a
 * wait never misses a signal and never returns a stale one.
 */
#include <stdlib.h>

#include "kernel/device.h"
#include "kernel/object.h"

static uint32_t nlive;

void kobj_init(struct kobj *o, enum kobj_type type)
{
	nlive++;
	o->type = type;
	o->refs = 1;
	o->signals = 0;
	o->waiters = NULL;
	o->acct = NULL;
	o->charge = 0;
	o->gc_refs = 0;
	o->gc_color = 0;
}

void *kobj_alloc(size_t size, enum kobj_type type)
{
	struct kacct *a = kacct_current();
	struct kobj *o = kmem_charged(a, size, true);

	if (o) {
		kobj_init(o, type);
		o->acct = a;
		o->charge = size;
	}
	return o;
}

nb_status kobj_charge(struct kobj *o, uint64_t n)
{
	nb_status s = kacct_charge(o->acct, n);

	if (s == NB_OK)
		o->charge += n;
	return s;
}

void kobj_free(struct kobj *o)
{
	nlive--;
	kmem_uncharged(o->acct, o, o->charge);
}

void kobj_retain(struct kobj *o)
{
	o->refs++;
}

uint32_t kobj_live(void)
{
	return nlive;
}

/* Drops one reference; the last one destroys the object. A channel that
 * keeps some may now be held only by queues: a cycle candidate. */
void kobj_release(struct kobj *o)
{
	if (--o->refs > 0) {
		if (o->type == KOBJ_CHANNEL)
			cycle_candidate((struct channel *)o);
		return;
	}
	switch (o->type) {
	case KOBJ_CHANNEL:
		channel_destroy((struct channel *)o);
		break;
	case KOBJ_EVENT:
		kobj_free(o);
		break;
	case KOBJ_PROCESS:
		process_destroy((struct process *)o);
		break;
	case KOBJ_TIMER:
		timer_destroy((struct timer *)o);
		break;
	case KOBJ_VMO:
		vmo_destroy((struct vmo *)o);
		break;
	case KOBJ_PAGES:
		pages_destroy((struct pages *)o);
		break;
	case KOBJ_THREAD:
		thread_destroy((struct kthread *)o);
		break;
	case KOBJ_IOPORT:
		ioport_destroy((struct ioport *)o);
		break;
	case KOBJ_INTERRUPT:
		interrupt_destroy((struct interrupt *)o);
		break;
	case KOBJ_PCI:
		pcidev_destroy((struct pcidev *)o);
		break;
	}
}

void kobj_signal(struct kobj *o, nb_signals clear, nb_signals set)
{
	nb_signals old = o->signals;

	o->signals = (old & ~clear) | set;
	if (!(o->signals & ~old))
		return;
	for (struct waiter *w = o->waiters; w; w = w->next)
		if (o->signals & w->mask)
			sched_wake(w->thread);
}

static void waiter_add(struct waiter *w, struct kthread *t, struct kobj *o,
		       nb_signals mask)
{
	w->thread = t;
	w->obj = o;
	w->mask = mask;
	w->prev = NULL;
	w->next = o->waiters;
	if (o->waiters)
		o->waiters->prev = w;
	o->waiters = w;
}

static void waiter_remove(struct waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		w->obj->waiters = w->next;
	if (w->next)
		w->next->prev = w->prev;
}

/* True if some object has a wanted signal; fills pending. */
static bool wait_check(struct kobj **objs, const nb_signals *masks, uint32_t n,
		       nb_signals *pending)
{
	bool hit = false;

	for (uint32_t i = 0; i < n; i++) {
		pending[i] = objs[i]->signals;
		if (pending[i] & masks[i])
			hit = true;
	}
	return hit;
}

nb_status kobj_wait(struct kobj **objs, const nb_signals *masks, uint32_t n,
		    nb_time deadline, nb_signals *pending)
{
	struct kthread *t = sched_current();
	struct waiter *w = &t->wait1;

	if (n > 1 && !(w = t->waits) &&
	    !(w = t->waits = kmem_alloc(NB_WAIT_MANY_MAX * sizeof *w, false)))
		return NB_ERR_NO_MEMORY;
	for (;;) {
		if (wait_check(objs, masks, n, pending))
			return NB_OK;
		if (t->proc->killed)
			return NB_ERR_BAD_STATE;
		if (deadline != NB_TIME_INFINITE && kernel_now() >= deadline)
			return NB_ERR_TIMED_OUT;
		for (uint32_t i = 0; i < n; i++)
			waiter_add(&w[i], t, objs[i], masks[i]);
		sched_block(deadline);
		for (uint32_t i = 0; i < n; i++)
			waiter_remove(&w[i]);
	}
}

struct event *event_create(void)
{
	return kobj_alloc(sizeof(struct event), KOBJ_EVENT);
}

nb_time kernel_now(void)
{
	return (nb_time)hal_clock_monotonic_ns();
}
