/*
 * cpu.c: what the CPUs share once several run the kernel: each one's
 * number, the memory lock, TLB shootdown and inter-processor interrupts
 * (hal_cpu_* in hal.h).
 *
 * Per-CPU data lives in the per-CPU window (arch.h, PERCPU): a CPU's
 * number is a PERCPU variable there, as is everything else that is "this
 * CPU's" (the running context, the nucleus's engine state).
 *
 * The memory lock serializes pmm.c, paging.c, vm.c and heap.c: a spin
 * lock taken with interrupts off, which the CPU holding it may take again
 * (a page fault while it holds it). TLB shootdown: every change of vm.c
 * that takes rights or a frame away from a page (tlb_invalidate) is
 * flushed on this CPU at once; before the lock is released every other
 * running CPU flushes those pages (an IPI; a CPU spinning for the lock
 * with interrupts off answers from its spin loop): each one (INVLPG) when
 * the lock's holder changed at most TLB_BATCH of them, else its whole
 * TLB. The holder records the pages and waits for every CPU's answer
 * before it lets the lock go, so the list is stable while they read it
 * and reused only after all have. Only CPUs that run
 * kernel threads (cpu_activate) take part: parked ones flush when they
 * start.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

static PERCPU unsigned my_id;
static bool window_ready; /* the boot CPU's window is mapped */

static volatile int mm_owner = -1; /* CPU holding the memory lock */
static unsigned mm_depth;
static uint64_t mm_flags; /* RFLAGS when it was first taken */
static bool tlb_dirty;	  /* a shootdown is due before the release */

#define TLB_BATCH 32
static uintptr_t tlb_pages[TLB_BATCH]; /* the pages to flush ... */
static unsigned tlb_npages; /* ... how many; above TLB_BATCH: every one */

static volatile uint32_t active; /* bit n: CPU n runs kernel threads */
static volatile uint64_t tlb_gen, tlb_done[MAX_CPUS];
static void (*kick_fn)(void);

unsigned cpu_id(void)
{
	return window_ready ? my_id : 0;
}

/* Called once on each CPU when its window is mapped (the boot CPU by
 * smp_init's time, each AP in ap_main). */
void cpu_set_id(unsigned id)
{
	my_id = id;
	window_ready = true;
}

/* Catches up with the latest shootdown (at most one behind: each waits
 * for every CPU): flushes its pages, or the whole TLB. */
static void tlb_poll(void)
{
	unsigned me = cpu_id();
	uint64_t g = __atomic_load_n(&tlb_gen, __ATOMIC_ACQUIRE);
	if (tlb_done[me] < g) {
		if (tlb_npages <= TLB_BATCH)
			for (unsigned i = 0; i < tlb_npages; i++)
				invlpg(tlb_pages[i]);
		else
			write_cr3(read_cr3());
		__atomic_store_n(&tlb_done[me], g, __ATOMIC_RELEASE);
	}
}

void mm_lock(void)
{
	uint64_t f = irq_save();
	int me = (int)cpu_id(), free = -1;
	if (mm_owner == me) {
		mm_depth++;
		return;
	}
	while (!__atomic_compare_exchange_n(&mm_owner, &free, me, false,
					    __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		free = -1;
		__asm__ volatile("pause");
		tlb_poll();
	}
	mm_depth = 1;
	mm_flags = f;
}

/* Every other running CPU flushes its TLB; returns once all have. */
static void shootdown(void)
{
	unsigned me = cpu_id();
	uint32_t others = active & ~(1u << me);
	uint64_t g = __atomic_add_fetch(&tlb_gen, 1, __ATOMIC_ACQ_REL);
	tlb_done[me] = g;
	for (unsigned c = 0; c < MAX_CPUS; c++)
		if (others & (1u << c))
			apic_send_ipi(smp_apic_id(c), IPI_TLB_VECTOR);
	for (unsigned c = 0; c < MAX_CPUS; c++)
		while ((others & (1u << c)) &&
		       __atomic_load_n(&tlb_done[c], __ATOMIC_ACQUIRE) < g)
			__asm__ volatile("pause");
	tlb_npages = 0;
}

void mm_unlock(void)
{
	if (--mm_depth)
		return;
	if (tlb_dirty) {
		tlb_dirty = false;
		shootdown();
	}
	uint64_t f = mm_flags;
	__atomic_store_n(&mm_owner, -1, __ATOMIC_RELEASE);
	irq_restore(f);
}

void tlb_invalidate(uintptr_t va)
{
	invlpg(va);
	if (!(active & (active - 1)))
		return; /* one CPU */
	tlb_dirty = true;
	if (tlb_npages < TLB_BATCH)
		tlb_pages[tlb_npages] = va;
	if (tlb_npages <= TLB_BATCH)
		tlb_npages++;
}

void cpu_activate(void)
{
	mm_lock();
	__atomic_or_fetch(&active, 1u << cpu_id(), __ATOMIC_ACQ_REL);
	tlb_done[cpu_id()] = tlb_gen;
	write_cr3(read_cr3());
	mm_unlock();
}

void cpu_ipi(unsigned vector)
{
	if (vector == IPI_TLB_VECTOR)
		tlb_poll();
	else if (kick_fn)
		kick_fn();
	apic_eoi();
}

unsigned hal_cpu_count(void)
{
	return smp_enabled ? smp_online() : 1;
}

unsigned hal_cpu_id(void)
{
	return cpu_id();
}

void hal_cpu_set_kick(void (*fn)(void))
{
	kick_fn = fn;
}

void hal_cpu_kick(unsigned cpu)
{
	if (cpu < hal_cpu_count() && cpu != cpu_id())
		apic_send_ipi(smp_apic_id(cpu), IPI_KICK_VECTOR);
}
