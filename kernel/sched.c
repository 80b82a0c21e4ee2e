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
 * When none is ready, control goes back to the CPU's boot context (the
 * boot CPU's is sched_run's), which frees ended threads, waits for the
 * earliest deadline (of a wait or a timer) and, on the boot CPU, ends
 * when no thread is left, or when every thread left waits forever (a
 * deadlock: those processes are killed).
 *
 * Several CPUs (hal_cpu_count > 1): sched_run starts the same loop on
 * every other CPU (hal_cpu_start), each with a boot context and timer of
 * its own, and a ready queue of its own (all under the kernel lock,
 * klock.c). A thread joins the queue of the CPU it last ran on (a new
 * one its creator's); a CPU takes the best thread of its queue whose
 * process is not running on another CPU, and when there is none it
 * steals the best such thread of another CPU's queue. The threads of one
 * process run one at a time (they share the instance's globals, C's
 * stack pointer among them, and the engines' per-instance state), while
 * different processes run in parallel. A thread made ready kicks its
 * CPU if that one is idle, else an idle CPU, which steals it
 * (hal_cpu_kick); killing a process
 * kicks the CPU running it, whose wasm code then reaches a preemption
 * check. The per-CPU state (the running thread, the boot context) is
 * _Thread_local: per CPU on bare metal (hal.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/device.h"
#include "kernel/object.h"

/* Reserved, committed on use; room for the JIT's 2 MiB budget. */
#define STACK_SIZE ((size_t)4 << 20)
#define TICK_NS 10000000u /* 10 ms */
#define MAX_CPUS 16

/* This CPU's: the running thread (NULL while its boot context runs),
 * its boot context and that context's engine state. */
static _Thread_local struct {
	struct kthread *cur;
	hal_context *boot;
	wasm_exec *boot_exec;
} C;

/* Under the kernel lock. */
static struct {
	struct runq {
		struct kthread *head, *tail; /* in order of readiness */
	} rq[MAX_CPUS];			     /* each CPU's ready threads */
	struct kthread *all;		     /* every thread not yet freed */
	struct kthread *dead;
	bool running;		      /* sched_run is on */
	bool cpus_started;	      /* hal_cpu_start was called */
	unsigned ncpus;		      /* CPUs scheduling */
	struct kthread *on[MAX_CPUS]; /* what each CPU runs */
	uint32_t idle;		      /* bit n: CPU n waits for work */
	uint64_t runs[MAX_CPUS];      /* switches to a thread, per CPU */
} S;

struct kthread *sched_current(void)
{
	return C.cur;
}

static unsigned cpu(void)
{
	unsigned c = hal_cpu_id();
	return c < MAX_CPUS ? c : 0;
}

/* Interrupt context (a kick or the timer): only sets the flag, which
 * makes running wasm code reach sched_preempt. */
static void tick(void)
{
	wasm_preempt_flag = 1;
}

/* Kicks one idle CPU, if any, to look for a ready thread. */
static void kick_idle(void)
{
	for (unsigned c = 0; c < S.ncpus; c++)
		if ((S.idle & (1u << c)) && c != cpu()) {
			S.idle &= ~(1u << c);
			hal_cpu_kick(c);
			return;
		}
}

/* Appends t to its CPU's ready queue at its base priority; kicks an
 * idle CPU (its own, else any: that one takes it over). */
static void ready_push(struct kthread *t)
{
	unsigned c = t->cpu < S.ncpus ? t->cpu : 0;
	struct runq *q = &S.rq[c];

	t->state = KT_READY;
	t->eff = t->prio;
	t->next_ready = NULL;
	if (q->tail)
		q->tail->next_ready = t;
	else
		q->head = t;
	q->tail = t;
	if ((S.idle & (1u << c)) && c != cpu()) {
		S.idle &= ~(1u << c);
		hal_cpu_kick(c);
	} else if (c != cpu()) {
		kick_idle();
	}
}

/* True if a thread of p runs on a CPU other than this one. */
static bool proc_elsewhere(const struct process *p)
{
	for (unsigned c = 0; c < S.ncpus; c++)
		if (c != cpu() && S.on[c] && S.on[c]->proc == p)
			return true;
	return false;
}

/* The thread of highest effective priority (the first such) in q that
 * this CPU may run, or NULL; *prev gets the one before it. */
static struct kthread *runq_best(struct runq *q, struct kthread **prev)
{
	struct kthread *best = NULL, *p = NULL;

	for (struct kthread *t = q->head; t; p = t, t = t->next_ready)
		if ((!best || t->eff > best->eff) &&
		    (S.ncpus < 2 || !proc_elsewhere(t->proc))) {
			best = t;
			*prev = p;
		}
	return best;
}

/* Unlinks t (after prev) from q. */
static void runq_remove(struct runq *q, struct kthread *t, struct kthread *prev)
{
	if (prev)
		prev->next_ready = t->next_ready;
	else
		q->head = t->next_ready;
	if (q->tail == t)
		q->tail = prev;
}

/*
 * Removes and returns the thread this CPU runs next: the best in its own
 * queue, aging the others there; when its queue has none it may run, the
 * best of the other queues' (stealing: the thread moves to this CPU).
 * NULL if there is none.
 */
static struct kthread *ready_pop(void)
{
	struct runq *own = &S.rq[cpu()], *from = own;
	struct kthread *prev = NULL, *best = runq_best(own, &prev);

	for (unsigned c = 0; !best && c < S.ncpus; c++)
		if (c != cpu() && (best = runq_best(&S.rq[c], &prev)))
			from = &S.rq[c];
	if (!best)
		return NULL;
	runq_remove(from, best, prev);
	best->cpu = cpu();
	for (struct kthread *t = own->head; t; t = t->next_ready)
		if (t->eff < NB_PRIORITY_MAX)
			t->eff++;
	return best;
}

/* True if some CPU's queue holds a ready thread. */
static bool any_ready(void)
{
	for (unsigned c = 0; c < MAX_CPUS; c++)
		if (S.rq[c].head)
			return true;
	return false;
}

/* Context and engine state of t, or this CPU's boot context's for NULL. */
static hal_context *ctx_of(struct kthread *t)
{
	return t ? t->ctx : C.boot;
}

static wasm_exec *exec_of(struct kthread *t)
{
	return t ? t->exec : C.boot_exec;
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

/* Switches from the running thread to `to` (NULL: the boot context).
 * The kernel lock stays held: `to` resumes holding it, maybe on another
 * CPU than the one it left. */
static void switch_to(struct kthread *to)
{
	struct kthread *from = C.cur;

	if (from == to)
		return;
	C.cur = to;
	S.on[cpu()] = to;
	if (to)
		S.runs[cpu()]++;
	sp_save(from);
	sp_load(to);
	wasm_exec_switch(exec_of(from), exec_of(to));
	hal_context_switch(ctx_of(from), ctx_of(to));
}

/* Makes t ready to run fn(t) on a new context. */
bool sched_spawn(struct kthread *t, void (*fn)(void *))
{
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
	t->cpu = cpu(); /* its creator's queue: idle CPUs take it from there */
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
	if (t->state == KT_READY && t != C.cur)
		t->eff = prio;
	if (C.cur &&
	    (t == C.cur || (t->state == KT_READY && prio > C.cur->prio)))
		wasm_preempt_flag = 1;
}

void sched_block(nb_time deadline)
{
	struct kthread *t = C.cur;

	t->state = KT_BLOCKED;
	t->deadline = deadline;
	switch_to(ready_pop());
}

void sched_wake(struct kthread *t)
{
	if (t->state != KT_BLOCKED)
		return;
	ready_push(t);
	if (C.cur && t->prio > C.cur->prio)
		wasm_preempt_flag = 1;
}

/* Makes the threads of p that run (on any CPU) reach a preemption check
 * soon: the process is being killed. */
void sched_poke(struct process *p)
{
	wasm_preempt_flag = 1;
	for (unsigned c = 0; c < S.ncpus; c++)
		if (c != cpu() && S.on[c] && S.on[c]->proc == p)
			hal_cpu_kick(c);
}

void sched_relinquish(void)
{
	ready_push(C.cur);
	switch_to(ready_pop());
}

_Noreturn void sched_exit(void)
{
	struct kthread *t = C.cur;

	t->state = KT_DEAD;
	C.cur = NULL;
	S.on[cpu()] = NULL;
	wasm_exec_switch(t->exec, C.boot_exec);
	t->next_ready = S.dead;
	S.dead = t;
	hal_context_exit(t->ctx, C.boot);
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

/* True while some CPU runs a thread. */
static bool any_running(void)
{
	for (unsigned c = 0; c < S.ncpus; c++)
		if (S.on[c])
			return true;
	return false;
}

/* Halts this CPU, the kernel lock released, until an interrupt (a kick
 * among them) or the deadline. */
static void idle_wait(nb_time next)
{
	unsigned me = cpu();

	S.idle |= 1u << me;
	klock_exit();
	if (!wasm_preempt_flag)
		hal_idle((uint64_t)next);
	wasm_preempt_flag = 0;
	klock_enter();
	S.idle &= ~(1u << me);
}

/*
 * This CPU's scheduling loop, in its boot context with the kernel lock
 * held: runs ready threads, frees ended ones, and waits when it has
 * nothing to run. The boot CPU's returns when no thread is left (and
 * kills every process when each thread left waits forever); the
 * others' never return and only wait while sched_run is off.
 */
static void cpu_loop(bool boot_cpu)
{
	struct kthread *t;

	for (;;) {
		if (!boot_cpu && !S.running) {
			idle_wait(NB_TIME_INFINITE);
			continue;
		}
		reap();
		if ((t = ready_pop())) {
			switch_to(t);
			continue;
		}
		if (boot_cpu && !S.all)
			return;
		nb_time next = poll_time();
		if ((t = ready_pop())) {
			switch_to(t);
			continue;
		}
		if (!boot_cpu || next != NB_TIME_INFINITE || any_ready() ||
		    device_waiting() || any_running()) {
			idle_wait(next);
			continue;
		}
		fprintf(stderr, "kernel: deadlock: every process left waits "
				"forever; killing them\n");
		for (t = S.all; t; t = t->next_all)
			process_kill(t->proc);
	}
}

/* The preempt hook: gives the CPU to a better or equal ready thread;
 * false (the wasm code traps) once the process is ending. */
static bool sched_preempt(void)
{
	struct kthread *t;
	bool go_on = true;

	klock_enter();
	if ((t = C.cur)) {
		poll_time();
		if (S.rq[cpu()].head)
			sched_relinquish();
		go_on = !t->proc->killed;
	}
	klock_exit();
	return go_on;
}

/* Makes this CPU's boot context; false if out of memory. */
static bool boot_context(void)
{
	if (!C.boot)
		C.boot = hal_context_create(NULL, NULL, 0);
	if (!C.boot_exec)
		C.boot_exec = wasm_exec_new();
	return C.boot && C.boot_exec;
}

/* Another CPU (hal_cpu_start): its own boot context and timer, then the
 * loop for good. */
static void cpu_main(void)
{
	klock_enter();
	if (!boot_context()) {
		fprintf(stderr, "kernel: CPU %u: out of memory\n", cpu());
		klock_exit();
		for (;;)
			hal_idle(NB_TIME_INFINITE);
	}
	hal_timer_start(TICK_NS, tick);
	cpu_loop(false);
}

/* The other CPUs' share of the work, on stderr: how often each switched
 * to a thread. */
static void report_cpus(void)
{
	fprintf(stderr, "kernel: threads run per CPU:");
	for (unsigned c = 0; c < S.ncpus; c++)
		fprintf(stderr, " %llu", (unsigned long long)S.runs[c]);
	fprintf(stderr, "\n");
}

void sched_run(void)
{
	klock_enter();
	if (!boot_context()) {
		fprintf(stderr, "kernel: out of memory for the scheduler\n");
		klock_exit();
		return;
	}
	wasm_set_preempt_hook(sched_preempt);
	wasm_set_atomic_hooks(thread_atomic_wait, thread_atomic_notify);
	hal_cpu_set_kick(tick);
	hal_timer_start(TICK_NS, tick);
	S.ncpus = hal_cpu_count() < MAX_CPUS ? hal_cpu_count() : MAX_CPUS;
	S.running = true;
	if (S.ncpus > 1 && !S.cpus_started) {
		S.cpus_started = true;
		hal_cpu_start(cpu_main);
	}
	cpu_loop(true);
	S.running = false;
	if (S.ncpus > 1)
		report_cpus();
	hal_timer_start(0, NULL);
	wasm_set_preempt_hook(NULL);
	wasm_set_atomic_hooks(NULL, NULL);
	wasm_preempt_flag = 0;
	hal_context_destroy(C.boot);
	wasm_exec_free(C.boot_exec);
	C.boot = NULL;
	C.boot_exec = NULL;
	klock_exit();
}
