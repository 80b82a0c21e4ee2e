/*
 * klock.c: the kernel lock, one spin lock over all of the kernel's
 * shared state (LOCKING in kernel/README.md says what it covers).
 *
 * A CPU holds it whenever it runs kernel code, and not while it runs wasm
 * code: the host functions (syscall_table.c, wasi.c), the preemption
 * hook and the atomic hooks (sched.c, thread.c) take it on entry from
 * wasm code and release it when they return to it (klock_enter,
 * klock_exit); the scheduler switches threads with it held, so the
 * thread switched to holds it on resuming. It is owned by a CPU, not a
 * thread: a kernel call that blocks on one CPU may resume on another,
 * which holds the lock then. Interrupt handlers never take it (they
 * only set flags).
 *
 * A thread's wasm code starts with the lock still held (process.c and
 * thread.c call wasm_func_call holding it) until its first kernel call
 * or preemption check lets it go: the engine's lazy work at the first
 * call (the JIT compiles the instance) runs under it.
 */
#include "kernel/object.h"

#if defined(__x86_64__) || defined(__i386__)
#define spin_pause() __builtin_ia32_pause()
#else
#define spin_pause() ((void)0)
#endif

static volatile int owner = -1; /* the CPU holding it; -1: free */

/* Takes the lock unless this CPU holds it already. */
void klock_enter(void)
{
	int me = (int)hal_cpu_id(), free = -1;

	if (__atomic_load_n(&owner, __ATOMIC_RELAXED) == me)
		return;
	while (!__atomic_compare_exchange_n(
		&owner, &free, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		free = -1;
		while (__atomic_load_n(&owner, __ATOMIC_RELAXED) != -1)
			spin_pause();
	}
}

/* Releases the lock (held by this CPU) on the way back to wasm code. */
void klock_exit(void)
{
	__atomic_store_n(&owner, -1, __ATOMIC_RELEASE);
}
