/*
 * smptest.c: `test=smp` (with at least two CPUs, and no "nosmp" on the
 * command line), run by tests/boot.sh: the other CPUs leave their park for
 * ap_test (hal_cpu_start) and check what SMP rests on:
 *   - the per-CPU window: each CPU stores its own number in a PERCPU
 *     variable; the boot CPU then reads every CPU's copy (percpu_remote)
 *     and finds each one's own number there, its own copy untouched;
 *   - TLB shootdown: every CPU reads a page of the VM area over and over
 *     (its TLB holds the mapping), then the boot CPU discards the page
 *     (its frame is freed, vm.c) and tells them: each must now read the
 *     fresh zero page, not the old frame's 1 through a stale TLB entry.
 * Prints "test smp: N CPUs, windows and shootdown ok" and exits 0, or
 * names what failed and exits 1.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"

static PERCPU unsigned mine;
static volatile unsigned char *page;
static volatile unsigned phase;		 /* 1: read the page, 2: again */
static volatile unsigned seen[MAX_CPUS]; /* per CPU: phase done + 1 */
static volatile unsigned char after[MAX_CPUS];

/* Spins until fn's condition holds or a second passes; false then. */
static bool wait_for(bool (*cond)(unsigned), unsigned arg)
{
	uint64_t end = hal_clock_monotonic_ns() + 1000000000ull;
	while (!cond(arg))
		if (hal_clock_monotonic_ns() > end)
			return false;
	return true;
}

static bool all_seen(unsigned want)
{
	for (unsigned c = 1; c < hal_cpu_count(); c++)
		if (seen[c] < want)
			return false;
	return true;
}

/* Another CPU's part. */
static void ap_test(void)
{
	unsigned me = cpu_id();
	mine = 100 + me;
	while (phase < 2) {
		(void)page[0]; /* keeps the mapping in this CPU's TLB */
		seen[me] = 1;
	}
	after[me] = page[0];
	seen[me] = 2;
	for (;;)
		hal_idle(UINT64_MAX);
}

void smp_selftest(void)
{
	unsigned n = hal_cpu_count(), bad = 0;
	if (n < 2) {
		kprintf("test smp: needs \"smp\" and two CPUs or more\n");
		hal_exit(1);
	}
	page = hal_vm_reserve(PAGE_SIZE);
	if (!page || !hal_vm_protect((void *)page, PAGE_SIZE,
				     HAL_PROT_READ | HAL_PROT_WRITE))
		panic("test smp: no page");
	page[0] = 1;
	mine = 7;
	phase = 1;
	hal_cpu_start(ap_test);
	if (!wait_for(all_seen, 1))
		panic("test smp: the other CPUs did not start");
	for (unsigned c = 1; c < n; c++)
		if (*(unsigned *)percpu_remote(c, &mine) != 100 + c) {
			kprintf("test smp: CPU %u's window holds %u\n", c,
				*(unsigned *)percpu_remote(c, &mine));
			bad++;
		}
	if (mine != 7) {
		kprintf("test smp: the boot CPU's window holds %u\n", mine);
		bad++;
	}
	hal_vm_discard((void *)page, PAGE_SIZE);
	phase = 2;
	if (!wait_for(all_seen, 2))
		panic("test smp: the other CPUs did not read again");
	for (unsigned c = 1; c < n; c++)
		if (after[c] != 0) {
			kprintf("test smp: CPU %u read %u: a stale TLB entry\n",
				c, after[c]);
			bad++;
		}
	if (bad)
		hal_exit(1);
	kprintf("test smp: %u CPUs, windows and shootdown ok\n", n);
	hal_exit(0);
}
