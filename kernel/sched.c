/*
 * sched.c: kernel threads and a preemptive round-robin scheduler.
 *
 * Each thread runs on a HAL context (a native stack of its own) and has a
 * wasm_exec holding the engine's per-thread state while it is switched
 * out. A thread gives up the CPU when it blocks (wait, blocking channel
 * read), yields or ends, and when preempted: a HAL timer sets the
 * nucleus's preemption flag every TICK_NS; the running wasm code sees it
 * at its next function entry or loop back edge and calls sched_preempt,
 * on its own context, which moves on to the next ready thread. The next
 * ready thread
 * runs directly; when none is ready, control goes back to the boot context
 * (sched_run), which frees ended threads, waits for the earliest deadline
 * and ends when no thread is left, or when every thread left waits
 * forever (a deadlock: those processes are killed).
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/object.h"

/* Reserved, committed on use; room for the JIT's 2 MiB budget. */
#define STACK_SIZE ((size_t)4 << 20)
#define TICK_NS 10000000u /* 10 ms */

static struct {
	struct kthread *cur; /* NULL while the boot context runs */
	struct kthread *ready_head, *ready_tail;
	struct kthread *all; /* every thread not yet freed */
	struct kthread *dead;
	hal_context *boot;
	wasm_exec *boot_exec;
} S;

struct kthread *sched_current(void)
{
	return S.cur;
}

static void ready_push(struct kthread *t)
{
	t->state = KT_READY;
	t->next_ready = NULL;
	if (S.ready_tail)
		S.ready_tail->next_ready = t;
	else
		S.ready_head = t;
	S.ready_tail = t;
}

static struct kthread *ready_pop(void)
{
	struct kthread *t = S.ready_head;

	if (t) {
		S.ready_head = t->next_ready;
		if (!S.ready_head)
			S.ready_tail = NULL;
	}
	return t;
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

/* Switches from the running thread to `to` (NULL: the boot context). */
static void switch_to(struct kthread *to)
{
	struct kthread *from = S.cur;

	if (from == to)
		return;
	S.cur = to;
	wasm_exec_switch(exec_of(from), exec_of(to));
	hal_context_switch(ctx_of(from), ctx_of(to));
}

/* Makes a ready thread that runs fn(p) on a new context. */
struct kthread *sched_spawn(struct process *p, void (*fn)(void *))
{
	struct kthread *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	if (!S.boot) {
		S.boot = hal_context_create(NULL, NULL, 0);
		S.boot_exec = wasm_exec_new();
		if (!S.boot || !S.boot_exec) {
			free(t);
			return NULL;
		}
	}
	t->proc = p;
	t->ctx = hal_context_create(fn, p, STACK_SIZE);
	t->exec = wasm_exec_new();
	if (!t->ctx || !t->exec) {
		hal_context_destroy(t->ctx);
		wasm_exec_free(t->exec);
		free(t);
		return NULL;
	}
	t->deadline = NB_TIME_INFINITE;
	t->next_all = S.all;
	if (S.all)
		S.all->prev_all = t;
	S.all = t;
	ready_push(t);
	return t;
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
	if (t->state == KT_BLOCKED)
		ready_push(t);
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

/* Frees the threads that ended. */
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
		kobj_release(&t->proc->o);
		free(t);
	}
}

/*
 * Nothing is ready: wakes the blocked thread with the earliest deadline
 * once it has passed (polling the clock: the hosted HAL has no timer
 * yet). False when every thread left waits forever.
 */
static bool idle(void)
{
	struct kthread *first = NULL;

	for (struct kthread *t = S.all; t; t = t->next_all)
		if (t->state == KT_BLOCKED && t->deadline != NB_TIME_INFINITE &&
		    (!first || t->deadline < first->deadline))
			first = t;
	if (!first)
		return false;
	while (kernel_now() < first->deadline)
		;
	sched_wake(first);
	return true;
}

/* The timer: only sets the flag (it runs in a signal handler). */
static void tick(void)
{
	wasm_preempt_flag = 1;
}

/* The preempt hook: round robin if another thread is ready; false (the
 * wasm code traps) once the process has been killed. */
static bool sched_preempt(void)
{
	struct kthread *t = S.cur;

	if (!t)
		return true;
	if (S.ready_head)
		sched_relinquish();
	return !t->proc->killed;
}

void sched_run(void)
{
	struct kthread *t;

	wasm_set_preempt_hook(sched_preempt);
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
	wasm_preempt_flag = 0;
	hal_context_destroy(S.boot);
	wasm_exec_free(S.boot_exec);
	S.boot = NULL;
	S.boot_exec = NULL;
}
