/*
 * test_kernel.c: kernel pieces below the system calls. HAL contexts
 * (switching back and forth, a stack of their own, floating point and
 * callee-saved state surviving), handle tables (the per-process limit,
 * stale and forged values, generations), channel queues and the peer
 * closing when the last reference goes, the cycle collector (ends held
 * only from each other's queues freed, the live object count back where
 * it started; what is held from outside kept). Prints "PASS name" or "FAIL
 * name: why" per case.
 */
#include <stdio.h>
#include <string.h>

#include "tests/unit/check.h"
#include "hal/hal.h"
#include "kernel/object.h"
#include "user/include/nb_strerror.h"

static hal_context *boot, *co;
static int trace[8], ntrace;
static char *co_stack_addr;

/* A coroutine that records its steps and switches back each time. */
static void co_main(void *arg)
{
	volatile double x = *(double *)arg;
	char here;

	co_stack_addr = &here;
	for (int i = 0; i < 3; i++) {
		trace[ntrace++] = 10 + i;
		x = x * 2;
		hal_context_switch(co, boot);
	}
	*(double *)arg = x;
	hal_context_exit(co, boot);
}

static void contexts(void)
{
	double v = 1.5;
	volatile int local = 7;
	char here;

	boot = hal_context_create(NULL, NULL, 0);
	co = hal_context_create(co_main, &v, 64 << 10);
	check("context: create", boot && co);
	if (!boot || !co)
		return;
	for (int i = 0; i < 4; i++) {
		trace[ntrace++] = i;
		hal_context_switch(boot, co);
	}
	check("context: steps interleave",
	      ntrace == 7 && trace[0] == 0 && trace[1] == 10 && trace[2] == 1 &&
		      trace[3] == 11 && trace[5] == 12 && trace[6] == 3);
	check("context: its own stack",
	      co_stack_addr && (co_stack_addr > &here + (1 << 20) ||
				co_stack_addr < &here - (1 << 20)));
	check("context: locals survive", local == 7);
	check("context: floats survive", v == 12.0);
	hal_context_destroy(co);
	hal_context_destroy(boot);
}

static void handles(void)
{
	static struct htable t;
	struct event *e = event_create();
	nb_handle h[NB_HANDLES_MAX], extra, first;
	struct kobj *o;
	int ok = 0;

	htable_init(&t, NULL);
	for (int i = 0; i < NB_HANDLES_MAX; i++) {
		kobj_retain(&e->o);
		ok += htable_add(&t, &e->o, NB_RIGHT_WAIT, &h[i]) == NB_OK;
	}
	check("handles: the limit fits", ok == NB_HANDLES_MAX);
	check("handles: the limit",
	      htable_add(&t, &e->o, 0, &extra) == NB_ERR_NO_RESOURCES);
	check("handles: 0 is never valid",
	      htable_get(&t, 0, 0, 0, &o) == NB_ERR_BAD_HANDLE);
	check("handles: past the slots made so far",
	      htable_get(&t, 1u << 10 | 600, 0, 0, &o) == NB_ERR_BAD_HANDLE ||
		      t.cap > 600);
	first = h[0];
	check("handles: close", htable_close(&t, first) == NB_OK);
	check("handles: closed value",
	      htable_get(&t, first, 0, 0, &o) == NB_ERR_BAD_HANDLE);
	kobj_retain(&e->o);
	htable_add(&t, &e->o, NB_RIGHT_WAIT, &h[0]);
	check("handles: reused slot, new value",
	      h[0] != first && (h[0] & 1023) == (first & 1023));
	check("handles: stale value still bad",
	      htable_get(&t, first, 0, 0, &o) == NB_ERR_BAD_HANDLE);
	check("handles: wrong type",
	      htable_get(&t, h[1], KOBJ_CHANNEL, 0, &o) == NB_ERR_WRONG_TYPE);
	check("handles: missing right",
	      htable_get(&t, h[1], KOBJ_EVENT, NB_RIGHT_SIGNAL, &o) ==
		      NB_ERR_ACCESS_DENIED);
	check("handles: lookup",
	      htable_get(&t, h[1], KOBJ_EVENT, NB_RIGHT_WAIT, &o) == NB_OK &&
		      o == &e->o);
	/* Many close/reopen cycles of one slot never repeat a value soon. */
	nb_handle v = h[5], prev = v;
	bool repeat = false;
	for (int i = 0; i < 5000; i++) {
		htable_close(&t, prev);
		kobj_retain(&e->o);
		htable_add(&t, &e->o, 0, &prev);
		repeat |= prev == v;
	}
	check("handles: generations do not repeat", !repeat);
	htable_clear(&t);
	check("handles: clear drops every reference", e->o.refs == 1);
	kobj_release(&e->o);
}

static void channels(void)
{
	struct channel *a, *b;
	int ok = 0;

	check("channel: create", channel_create(&a, &b) == NB_OK);
	for (uint32_t i = 0; i < NB_CHANNEL_QUEUE_MAX; i++)
		ok += channel_write(a, (const uint8_t *)"x", 1) == NB_OK;
	check("channel: queue bound",
	      ok == NB_CHANNEL_QUEUE_MAX &&
		      channel_write(a, (const uint8_t *)"x", 1) ==
			      NB_ERR_SHOULD_WAIT);
	check("channel: readable", b->o.signals & NB_SIGNAL_READABLE);
	kobj_release(&a->o);
	check("channel: peer closed",
	      (b->o.signals & NB_SIGNAL_PEER_CLOSED) &&
		      channel_write(b, (const uint8_t *)"y", 1) ==
			      NB_ERR_PEER_CLOSED);
	check("channel: queue kept", channel_peek(b) && b->count == 64);
	kobj_release(&b->o);
}

/* Queues a message carrying o's reference (the caller's) for c's peer. */
static void send_ref(struct channel *c, struct kobj *o)
{
	struct kmsg *m = kmsg_alloc(0, 1);

	m->handles[0] = (struct khandle){o, NB_RIGHT_TRANSFER};
	channel_queue(c, m);
}

static void cycles(void)
{
	uint32_t start = kobj_live();
	struct channel *a, *b, *c, *d, *x, *y;
	struct event *e = event_create();

	/* b in d's queue, d (and the event) in b's; b also held. */
	channel_create(&a, &b);
	channel_create(&c, &d);
	send_ref(c, &b->o);
	send_ref(a, &d->o);
	kobj_retain(&e->o);
	send_ref(a, &e->o);
	kobj_retain(&b->o);
	cycle_collect(true);
	check("cycle: held from outside, kept", kobj_live() == start + 5);
	kobj_release(&b->o);
	check("cycle: kept until collected", kobj_live() == start + 5);
	cycle_collect(true);
	check("cycle: freed, the peers closed",
	      kobj_live() == start + 3 &&
		      (a->o.signals & c->o.signals & NB_SIGNAL_PEER_CLOSED));
	check("cycle: event held outside kept", e->o.refs == 1);
	kobj_release(&a->o);
	kobj_release(&c->o);
	kobj_release(&e->o);

	/* x holds y's own end in y's queue: a ring of one. */
	channel_create(&x, &y);
	send_ref(x, &y->o);
	cycle_collect(true);
	check("cycle: peer of x freed", x->o.signals & NB_SIGNAL_PEER_CLOSED);
	kobj_release(&x->o);

	/* Many, collected as candidates pile up (no forced collection). */
	for (int i = 0; i < 5000; i++) {
		channel_create(&a, &b);
		channel_create(&c, &d);
		send_ref(c, &b->o);
		send_ref(a, &d->o);
		kobj_release(&a->o);
		kobj_release(&c->o);
	}
	check("cycle: collected along the way", kobj_live() < start + 4000);
	cycle_collect(true);
	check("cycle: live objects back to the start", kobj_live() == start);
}

/* Every kernel and firmament status has a name of its own. */
static void status_names(void)
{
	static const nb_status codes[] = {NB_OK,
					  NB_ERR_BAD_HANDLE,
					  NB_ERR_WRONG_TYPE,
					  NB_ERR_ACCESS_DENIED,
					  NB_ERR_INVALID_ARGS,
					  NB_ERR_FAULT,
					  NB_ERR_NO_MEMORY,
					  NB_ERR_NO_RESOURCES,
					  NB_ERR_SHOULD_WAIT,
					  NB_ERR_PEER_CLOSED,
					  NB_ERR_TIMED_OUT,
					  NB_ERR_BUFFER_TOO_SMALL,
					  NB_ERR_BAD_IMAGE,
					  NB_ERR_BAD_STATE,
					  NB_ERR_OUT_OF_RANGE,
					  NB_ERR_NOT_SUPPORTED,
					  -100,
					  -101,
					  -102,
					  -103,
					  -104,
					  -105,
					  -106};
	int n = sizeof codes / sizeof codes[0], named = 0, distinct = 1;

	for (int i = 0; i < n; i++) {
		named += strcmp(nb_strerror(codes[i]), "unknown status") != 0;
		for (int j = 0; j < i; j++)
			if (!strcmp(nb_strerror(codes[i]),
				    nb_strerror(codes[j])))
				distinct = 0;
	}
	check("strerror: every status named", named == n && distinct);
	check("strerror: words",
	      !strcmp(nb_strerror(-103), "not found") &&
		      !strcmp(nb_strerror(NB_ERR_NO_MEMORY), "no memory") &&
		      !strcmp(nb_strerror(-99), "unknown status"));
}

int main(void)
{
	hal_init();
	contexts();
	handles();
	channels();
	cycles();
	status_names();
	return failures != 0;
}
