/*
 * timer.c: timer objects. An armed timer sits on one list of the kernel's
 * until its deadline passes; the scheduler polls the list (timer_poll) at
 * every preemption tick and while idle, and a due timer sets SIGNALED,
 * which wakes whoever waits on it.
 */
#include <stdlib.h>

#include "kernel/object.h"

static struct timer *armed;

/* Takes t off the armed list, if it is on it. */
static void disarm(struct timer *t)
{
	for (struct timer **p = &armed; *p; p = &(*p)->next_armed)
		if (*p == t) {
			*p = t->next_armed;
			break;
		}
	t->deadline = NB_TIME_INFINITE;
}

struct timer *timer_create(void)
{
	struct timer *t = kobj_alloc(sizeof *t, KOBJ_TIMER);

	if (t) {
		t->deadline = NB_TIME_INFINITE;
		t->next_armed = NULL;
	}
	return t;
}

/* Clears SIGNALED; arms t for deadline (NB_TIME_INFINITE: cancels). A
 * deadline already past fires now. */
void timer_set(struct timer *t, nb_time deadline)
{
	disarm(t);
	kobj_signal(&t->o, NB_SIGNAL_SIGNALED, 0);
	if (deadline == NB_TIME_INFINITE)
		return;
	if (deadline <= kernel_now()) {
		kobj_signal(&t->o, 0, NB_SIGNAL_SIGNALED);
		return;
	}
	t->deadline = deadline;
	t->next_armed = armed;
	armed = t;
}

void timer_destroy(struct timer *t)
{
	disarm(t);
	kobj_free(&t->o);
}

nb_time timer_poll(nb_time now)
{
	nb_time next = NB_TIME_INFINITE;
	struct timer **p = &armed, *t;

	while ((t = *p)) {
		if (t->deadline <= now) {
			*p = t->next_armed;
			t->deadline = NB_TIME_INFINITE;
			kobj_signal(&t->o, 0, NB_SIGNAL_SIGNALED);
			continue;
		}
		if (t->deadline < next)
			next = t->deadline;
		p = &t->next_armed;
	}
	return next;
}
