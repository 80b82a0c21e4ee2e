/*
 * thread.c: the threads of a process, and the kernel's atomic wait
 * queues.
 *
 * Every thread of a process runs in the process's one instance (same
 * memory, tables, globals, handles) on a kernel thread of its own (its
 * own HAL context and wasm_exec), so the engines see several independent
 * call stacks into one store, one at a time. A thread other than the
 * main one runs a function of the instance's table with one i32
 * argument; its return value (if any) is its exit status.
 *
 * memory.atomic.wait/notify: a waiting thread queues an entry keyed by
 * (memory, address) on one kernel list, in arrival order, and blocks;
 * notify wakes the first `count` entries with that key.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/object.h"

/* A thread's entry (not the main thread's: process.c runs _start). */
static void thread_main(void *arg)
{
	struct kthread *t = arg;
	struct process *p = t->proc;
	wasm_error err = {0};
	wasm_val a[1], r[1];
	int32_t code;

	if (p->killed)
		process_thread_end(t, NB_EXIT_KILLED);
	a[0].i32 = t->arg;
	r[0].i32 = 0;
	bool ok = wasm_func_call(t->entry, a, r, &err);
	klock_enter(); /* wasm code ran without it */
	if (ok)
		code = (int32_t)r[0].i32;
	else if (p->killed)
		code = NB_EXIT_KILLED;
	else if (err.kind == WASM_ERR_EXIT && t->thread_exit)
		code = err.exit_code;
	else if (err.kind == WASM_ERR_EXIT)
		process_exit_all(p, code = err.exit_code);
	else {
		fprintf(stderr, "%s: trap in a thread: %s\n", p->name, err.msg);
		process_exit_all(p, code = NB_EXIT_TRAP);
	}
	process_thread_end(t, code);
}

/* The caller holds the thread's first reference (for its handle). */
struct kthread *thread_create(struct process *p, wasm_func *entry, uint32_t arg,
			      uint32_t stack_top)
{
	struct kthread *t = kobj_alloc(sizeof *t, KOBJ_THREAD);

	if (!t)
		return NULL;
	t->proc = p;
	t->prio = p->priority;
	t->entry = entry;
	t->arg = arg;
	t->sp.i32 = stack_top;
	if (!sched_spawn(t, thread_main)) {
		kobj_free(&t->o);
		return NULL;
	}
	kobj_retain(&p->o);
	t->next_in_proc = p->threads;
	p->threads = t;
	p->nthreads++;
	return t;
}

/* The last reference is gone (the thread ended and was reaped). */
void thread_destroy(struct kthread *t)
{
	free(t->waits);
	kobj_release(&t->proc->o);
	kobj_free(&t->o);
}

struct await {
	wasm_memory *mem;
	uint64_t addr;
	struct kthread *thread;
	bool woken;
	struct await *next;
};

static struct await *awaits; /* in order of arrival */

static void await_unlink(struct await *w)
{
	for (struct await **p = &awaits; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			return;
		}
}

/*
 * Blocks until notified (0), the timeout passes (2) or the process ends
 * (2, with the preemption flag set so the code traps at its next
 * check).
 */
static uint32_t atomic_wait(wasm_memory *mem, uint64_t addr, int64_t timeout_ns)
{
	struct kthread *t = sched_current();
	struct await w = {mem, addr, t, false, NULL}, **p = &awaits;
	nb_time deadline = NB_TIME_INFINITE, now = kernel_now();

	if (!t)
		return 2;
	if (timeout_ns >= 0)
		deadline = timeout_ns < NB_TIME_INFINITE - now
				   ? now + timeout_ns
				   : NB_TIME_INFINITE - 1;
	while (*p)
		p = &(*p)->next;
	*p = &w;
	while (!w.woken && !t->proc->killed &&
	       (deadline == NB_TIME_INFINITE || kernel_now() < deadline))
		sched_block(deadline);
	if (!w.woken)
		await_unlink(&w);
	if (t->proc->killed)
		wasm_preempt_flag = 1;
	return w.woken ? 0 : 2;
}

static uint32_t atomic_notify(wasm_memory *mem, uint64_t addr, uint32_t count)
{
	uint32_t n = 0;

	for (struct await **p = &awaits, *w; n < count && (w = *p);) {
		if (w->mem != mem || w->addr != addr) {
			p = &w->next;
			continue;
		}
		*p = w->next;
		w->woken = true;
		sched_wake(w->thread);
		n++;
	}
	return n;
}

/* The hooks (wasm_set_atomic_hooks): called from wasm code, so they
 * take the kernel lock. Threads of one process never run at once
 * (sched.c), so no notify can come between the engine's check of the
 * value and the wait's queueing. */
uint32_t thread_atomic_wait(wasm_memory *mem, uint64_t addr, int64_t timeout_ns)
{
	klock_enter();
	uint32_t r = atomic_wait(mem, addr, timeout_ns);
	klock_exit();
	return r;
}

uint32_t thread_atomic_notify(wasm_memory *mem, uint64_t addr, uint32_t count)
{
	klock_enter();
	uint32_t r = atomic_notify(mem, addr, count);
	klock_exit();
	return r;
}
