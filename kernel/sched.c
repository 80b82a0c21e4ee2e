/*
 * sched.c: kernel threads and a preemptive priority scheduler.
 *
 * Each thread runs on a HAL context (a native stack of its own) and has a
 * wasm_exec holding the engine's per-thread state while it is switched
 * out. A thread gives up the CPU when it blocks (wait, blocking channel
 * read, atomic wait), yields or ends, and when preempted: a HAL timer
 * sets the nucleus's preemption flag every TICK_NS; the running wasm code
 * sees it at its next function entry or loop back edge and calls
 * sched_preempt, on its own context, which moves on to the best ready
 * thread. Waking a thread of higher priority than the running one sets
 * the flag too, so it runs at the next check.
 *
 * Priorities: the ready thread of highest effective priority runs; ties
 * go to the one that has waited longest (round robin within a priority).
 * A thread's effective priority is its base one when it becomes ready,
 * and each scheduling decision that passes it over raises it by one (up
 * to NB_PRIORITY_MAX): aging, so a CPU-bound thread at any priority slows
 * the others down but never starves them.
 *
 * When none is ready, control goes back to the boot context (sched_run),
 * which frees ended threads, waits for the earliest deadline (of a wait
 * or a timer) and ends when no thread is left, or when every thread left
 * waits forever (a deadlock: those processes are killed).
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/device.h"
#include "kernel/object.h"

/* Reserved, committed on use; room for the JIT's 2 MiB budget. */
#define STACK_SIZE ((size_t)4 << 20)
#define TICK_NS 10000000u /* 10 ms */

static struct {
	struct kthread *cur; /* NULL while the boot context runs */
	struct kthread *ready_head, *ready_tail; /* in order of readiness */
	struct kthread *all; /* every thread not yet freed */
	struct kthread *dead;
	hal_context *boot;
	wasm_exec *boot_exec;
} S;

struct kthread *sched_current(void)
{
	return S.cur;
}

/* Appends t to the ready list at its base priority. */
static void ready_push(struct kthread *t)
{
	t->state = KT_READY;
	t->eff = t->prio;
	t->next_ready = NULL;
	if (S.ready_tail)
		S.ready_tail->next_ready = t;
	else
		S.ready_head = t;
	S.ready_tail = t;
}

/* Removes and returns the ready thread of highest effective priority
 * (the first such), aging the others; NULL if none is ready. */
static struct kthread *ready_pop(void)
{
	struct kthread *best = NULL, *prev = NULL, *bprev = NULL;

	for (struct kthread *t = S.ready_head; t; prev = t, t = t->next_ready)
		if (!best || t->eff > best->eff) {
			best = t;
			bprev = prev;
		}
	if (!best)
		return NULL;
	if (bprev)
		bprev->next_ready = best->next_ready;
	else
		S.ready_head = best->next_ready;
	if (S.ready_tail == best)
		S.ready_tail = bprev;
	for (struct kthread *t = S.ready_head; t; t = t->next_ready)
		if (t->eff < NB_PRIORITY_MAX)
			t->eff++;
	return best;
}

/* Context and engine state of t, or the boot context's for NULL. */
static hal_context *ctx_of(struct kthread *t)
{
	return t ? t->ctx : S.boot;
}

static wasm_exec *exec_of(struct kthread *t)
{
	return t ? t->exec : S.boot_exec;
}

/* Threads of one process share its globals; C's shadow stack pointer
 * (when the module exports it) is kept per thread. */
static void sp_save(struct kthread *t)
{
	if (t && t->proc->sp)
		t->sp = wasm_global_get(t->proc->sp);
}

static void sp_load(struct kthread *t)
{
	if (t && t->proc->sp && t->sp.i32)
		wasm_global_set(t->proc->sp, t->sp);
}

/* Switches from the running thread to `to` (NULL: the boot context). */
static void switch_to(struct kthread *to)
{
	struct kthread *from = S.cur;

	if (from == to)
		return;
	S.cur = to;
	sp_save(from);
	sp_load(to);
	wasm_exec_switch(exec_of(from), exec_of(to));
	hal_context_switch(ctx_of(from), ctx_of(to));
}

/* Makes t ready to run fn(t) on a new context. */
bool sched_spawn(struct kthread *t, void (*fn)(void *))
{
	if (!S.boot) {
		S.boot = hal_context_create(NULL, NULL, 0);
		S.boot_exec = wasm_exec_new();
		if (!S.boot || !S.boot_exec)
			return false;
	}
	t->ctx = hal_context_create(fn, t, STACK_SIZE);
	t->exec = wasm_exec_new();
	if (!t->ctx || !t->exec) {
		hal_context_destroy(t->ctx);
		wasm_exec_free(t->exec);
		t->ctx = NULL;
		t->exec = NULL;
		return false;
	}
	t->deadline = NB_TIME_INFINITE;
	t->next_all = S.all;
	t->prev_all = NULL;
	if (S.all)
		S.all->prev_all = t;
	S.all = t;
	kobj_retain(&t->o); /* the scheduler's, until reaped */
	ready_push(t);
	return true;
}

/* Sets t's base priority; a ready thread's takes effect at once, and
 * the running thread looks again at its next preemption check. */
void sched_set_priority(struct kthread *t, uint32_t prio)
{
	t->prio = prio;
	if (t->state == KT_READY && t != S.cur)
		t->eff = prio;
	if (S.cur &&
	    (t == S.cur || (t->state == KT_READY && prio > S.cur->prio)))
		wasm_preempt_flag = 1;
}

void sched_block(nb_time deadline)
{
	struct kthread *t = S.cur;

	t->state = KT_BLOCKED;
	t->deadline = deadline;
	switch_to(ready_pop());
}

void sched_wake(struct kthread *t)
{
	if (t->state != KT_BLOCKED)
		return;
	ready_push(t);
	if (S.cur && t->prio > S.cur->prio)
		wasm_preempt_flag = 1;
}

void sched_relinquish(void)
{
	ready_push(S.cur);
	switch_to(ready_pop());
}

_Noreturn void sched_exit(void)
{
	struct kthread *t = S.cur;

	t->state = KT_DEAD;
	S.cur = NULL;
	wasm_exec_switch(t->exec, S.boot_exec);
	t->next_ready = S.dead;
	S.dead = t;
	hal_context_exit(t->ctx, S.boot);
}

/* Frees the contexts of the threads that ended. */
static void reap(void)
{
	struct kthread *t;

	while ((t = S.dead)) {
		S.dead = t->next_ready;
		if (t->prev_all)
			t->prev_all->next_all = t->next_all;
		else
			S.all = t->next_all;
		if (t->next_all)
			t->next_all->prev_all = t->prev_all;
		hal_context_destroy(t->ctx);
		wasm_exec_free(t->exec);
		t->ctx = NULL;
		t->exec = NULL;
		kobj_release(&t->o);
	}
}

/*
 * Turns interrupts into signals (device.c), wakes the blocked threads
 * whose deadline has passed and fires the timers that are due; returns
 * the earliest deadline still ahead (NB_TIME_INFINITE: none).
 */
static nb_time poll_time(void)
{
	device_poll();
	nb_time now = kernel_now(), next = timer_poll(now);

	for (struct kthread *t = S.all; t; t = t->next_all) {
		if (t->state != KT_BLOCKED || t->deadline == NB_TIME_INFINITE)
			continue;
		if (t->deadline <= now)
			sched_wake(t);
		else if (t->deadline < next)
			next = t->deadline;
	}
	return next;
}

/*
 * Nothing is ready: halts (hal_idle) until an interrupt or the next
 * deadline wakes a thread. False when every thread left waits forever
 * (and none for an interrupt, which could still come).
 */
static bool idle(void)
{
	while (!S.ready_head) {
		nb_time next = poll_time();

		if (S.ready_head)
			break;
		if (next == NB_TIME_INFINITE && !device_waiting())
			return false;
		hal_idle((uint64_t)next);
	}
	return true;
}

/* The timer: only sets the flag (it runs in a signal handler). */
static void tick(void)
{
	wasm_preempt_flag = 1;
}

/* The preempt hook: gives the CPU to a better or equal ready thread;
 * false (the wasm code traps) once the process is ending. */
static bool sched_preempt(void)
{
	struct kthread *t = S.cur;

	if (!t)
		return true;
	poll_time();
	if (S.ready_head)
		sched_relinquish();
	return !t->proc->killed;
}

void sched_run(void)
{
	struct kthread *t;

	wasm_set_preempt_hook(sched_preempt);
	wasm_set_atomic_hooks(thread_atomic_wait, thread_atomic_notify);
	hal_timer_start(TICK_NS, tick);

	for (;;) {
		reap();
		if ((t = ready_pop())) {
			switch_to(t);
			continue;
		}
		if (!S.all)
			break;
		if (idle())
			continue;
		fprintf(stderr, "kernel: deadlock: every process left waits "
				"forever; killing them\n");
		for (t = S.all; t; t = t->next_all)
			process_kill(t->proc);
	}
	hal_timer_start(0, NULL);
	wasm_set_preempt_hook(NULL);
	wasm_set_atomic_hooks(NULL, NULL);
	wasm_preempt_flag = 0;
	hal_context_destroy(S.boot);
	wasm_exec_free(S.boot_exec);
	S.boot = NULL;
	S.boot_exec = NULL;
}
