/*
 * selftest.c: `-append test=self`: checks the memory services, shared
 * memory and page flipping, clocks, the timer, contexts and fault
 * delivery of the HAL from inside the booted kernel; prints "selftest ok"
 * and exits 0, or names the first failed check and exits 1.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"

static int failures;
static hal_jmp_buf fault_jmp;
static volatile uintptr_t fault_addr;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			kprintf("selftest: %s:%d: %s\n", __FILE__, __LINE__,   \
				#cond);                                        \
			failures++;                                            \
		}                                                              \
	} while (0)

/* The fault handler the nucleus would install: record and jump back. */
static void on_fault(enum hal_fault kind, uintptr_t addr, void *pc)
{
	if (kind == HAL_FAULT_MEMORY) {
		fault_addr = addr;
		hal_longjmp(fault_jmp, 1);
	}
}

/* True if reading p faults (the fault is caught by on_fault). */
static bool read_faults(volatile char *p)
{
	fault_addr = 0;
	if (hal_setjmp(fault_jmp))
		return fault_addr == (uintptr_t)p;
	(void)*p;
	return false;
}

static void test_vm(void)
{
	size_t len = 16 * PAGE_SIZE;
	uint64_t free0 = pmm_free_pages();
	volatile char *p = hal_vm_reserve((size_t)8 << 30);
	CHECK(p != NULL);
	CHECK(free0 - pmm_free_pages() <= 1); /* a region node at most */
	CHECK(read_faults(p));
	CHECK(hal_vm_protect((void *)p, len, HAL_PROT_READ | HAL_PROT_WRITE));
	CHECK(p[0] == 0 && p[len - 1] == 0); /* demand-zero */
	p[5] = 42;
	p[len - 1] = 7;
	CHECK(read_faults(p + len)); /* past the accessible part */
	CHECK(hal_vm_protect((void *)p, len, HAL_PROT_NONE));
	CHECK(read_faults(p));
	CHECK(hal_vm_protect((void *)p, len, HAL_PROT_READ));
	CHECK(p[5] == 42 && p[len - 1] == 7); /* contents survived */
	CHECK(hal_vm_protect((void *)p, len, HAL_PROT_READ | HAL_PROT_WRITE));
	CHECK(hal_vm_discard((void *)p, len));
	CHECK(p[5] == 0 && p[len - 1] == 0); /* discarded pages read zero */
	CHECK(!hal_vm_protect((void *)(p + 1), len, HAL_PROT_READ));
	CHECK(!hal_vm_protect((void *)0x1000, len, HAL_PROT_READ));
	hal_vm_release((void *)p, (size_t)8 << 30);
	/* Only the page tables made for the reservation stay in use. */
	CHECK(free0 - pmm_free_pages() <= 4);
	volatile char *q = hal_vm_reserve(PAGE_SIZE);
	CHECK(q == p); /* the released space is reused */
	hal_vm_release((void *)q, PAGE_SIZE);
}

static void test_heap(void)
{
	static char *blocks[64];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 64; i++) {
			size_t n = (size_t)1 << (i % 16);
			blocks[i] = kmalloc(n);
			CHECK(blocks[i] && !((uintptr_t)blocks[i] % 16));
			memset(blocks[i], i, n);
		}
		for (int i = 0; i < 64; i++) {
			size_t n = (size_t)1 << (i % 16);
			CHECK(blocks[i][0] == i && blocks[i][n - 1] == i);
			kfree(blocks[i]);
		}
	}
	char *s = kmalloc(10);
	memcpy(s, "abcdefghi", 10);
	s = krealloc(s, 100000);
	CHECK(s && !memcmp(s, "abcdefghi", 10));
	s = krealloc(s, 20);
	CHECK(s && !memcmp(s, "abcdefghi", 10));
	kfree(s);
}

static void test_clock(void)
{
	uint64_t a = hal_clock_monotonic_ns();
	uint64_t b = hal_clock_monotonic_ns();
	CHECK(b >= a);
	CHECK(hal_clock_resolution_ns() > 0);
	/* After 2020-01-01, so the RTC was read. */
	CHECK(hal_clock_realtime_ns() > 1577836800ull * 1000000000ull);
	unsigned char r[16] = {0};
	if (hal_random(r, sizeof r)) {
		int nonzero = 0;
		for (size_t i = 0; i < sizeof r; i++)
			nonzero += r[i] != 0;
		CHECK(nonzero > 0);
		kprintf("selftest: hardware random works\n");
	} else {
		kprintf("selftest: no RDRAND or RDSEED on this CPU\n");
	}
}

/* The direct map reaches every usable page, the last one included. */
static void test_direct_map(void)
{
	for (int i = 0; i < nram; i++) {
		volatile uint64_t *last = P2V(ram[i].end - 8);
		uint64_t v = *last;
		*last = 0x5a5a5a5a5a5a5a5aull;
		CHECK(*last == 0x5a5a5a5a5a5a5a5aull);
		*last = v;
	}
	uint64_t pa = pmm_alloc();
	CHECK(pa != 0);
	pmm_free(pa);
	CHECK(pmm_alloc() == pa); /* lowest free page first */
	pmm_free(pa);
}

/* Calls itself until the stack overflows into its guard page (also used
 * by kmain's test=so). */
int stack_hog(int depth)
{
	volatile char pad[256];
	pad[0] = (char)depth;
	if (depth > (1 << 30))
		return 0;
	return stack_hog(depth + 1) + pad[0];
}

/* A stack overflow reaches the fault handler, which can jump out of it;
 * and it can happen again afterwards. */
static void test_stack_overflow(void)
{
	for (int i = 0; i < 2; i++) {
		fault_addr = 0;
		if (!hal_setjmp(fault_jmp))
			stack_hog(0);
		CHECK(fault_addr >= (uintptr_t)boot_stack &&
		      fault_addr < (uintptr_t)boot_stack + PAGE_SIZE);
	}
}

static volatile unsigned ticks;
static void count_tick(void)
{
	ticks++;
}

/* The periodic timer ticks (every 1 ms) and stops when asked. It waits
 * for 5 ticks (up to 10 s) and bounds no rate: an emulator's vCPU on a
 * loaded host may stall for many periods, and the timer's calibration
 * against the TSC (2 ms) is as noisy there. */
static void test_timer(void)
{
	hal_timer_start(1000000, count_tick);
	uint64_t t0 = hal_clock_monotonic_ns(), dt;
	while ((dt = hal_clock_monotonic_ns() - t0) < 10000000000ull &&
	       ticks < 5)
		;
	hal_timer_start(0, NULL);
	unsigned n = ticks;
	kprintf("selftest: %u timer ticks in %lu us\n", n,
		(unsigned long)(dt / 1000));
	CHECK(n >= 5);
	t0 = hal_clock_monotonic_ns();
	while (hal_clock_monotonic_ns() - t0 < 5000000)
		;
	CHECK(ticks == n);
}

static hal_context *ctx_main, *ctx_other;
static volatile int ctx_steps;
static void ctx_fn(void *arg)
{
	ctx_steps += *(int *)arg;
	hal_context_switch(ctx_other, ctx_main);
	ctx_steps *= 10;
	hal_context_exit(ctx_other, ctx_main);
}

/* Contexts: a switch there and back, an exit, MXCSR kept per context. */
static void test_context(void)
{
	int arg = 4;
	uint32_t mxcsr = 0x1f80 | (3u << 13), got; /* round toward zero */
	ctx_main = hal_context_create(NULL, NULL, 0);
	ctx_other = hal_context_create(ctx_fn, &arg, 16384);
	CHECK(ctx_main && ctx_other);
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	hal_context_switch(ctx_main, ctx_other);
	CHECK(ctx_steps == 4);
	hal_context_switch(ctx_main, ctx_other);
	CHECK(ctx_steps == 40);
	__asm__ volatile("stmxcsr %0" : "=m"(got));
	CHECK(got == mxcsr);
	mxcsr = 0x1f80;
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	hal_context_destroy(ctx_other);
	hal_context_destroy(ctx_main);
}

/* Shared memory shows the same frames at two places; page flipping
 * moves contents and leaves zeroes. */
static void test_shm(void)
{
	size_t len = 4 * PAGE_SIZE;
	hal_shm *s = hal_shm_create(len);
	char *a = hal_vm_reserve(len), *b = hal_vm_reserve(len);
	CHECK(s && a && b);
	char *d = hal_shm_data(s);
	CHECK(d[0] == 0 && d[len - 1] == 0);
	CHECK(hal_vm_protect(a, len, HAL_PROT_READ | HAL_PROT_WRITE));
	a[0] = 9;
	CHECK(hal_shm_map(s, PAGE_SIZE, a, 2 * PAGE_SIZE,
			  HAL_PROT_READ | HAL_PROT_WRITE));
	a[1] = 5;
	CHECK(d[PAGE_SIZE + 1] == 5 && a[0] == 0);
	CHECK(hal_shm_unmap(a, 2 * PAGE_SIZE, HAL_PROT_READ | HAL_PROT_WRITE));
	CHECK(a[1] == 0 && d[PAGE_SIZE + 1] == 5);
	a[PAGE_SIZE] = 3;
	CHECK(hal_vm_protect(b, len, HAL_PROT_READ | HAL_PROT_WRITE));
	b[PAGE_SIZE] = 1;
	uint64_t free0 = pmm_free_pages();
	CHECK(hal_vm_move(a, b, 2 * PAGE_SIZE));
	CHECK(b[PAGE_SIZE] == 3 && a[PAGE_SIZE] == 0 && b[0] == 0);
	CHECK(pmm_free_pages() >= free0); /* b's old frame was freed */
	hal_vm_release(a, len);
	hal_vm_release(b, len);
	hal_shm_destroy(s);
}

void selftest(void)
{
	test_direct_map();
	hal_set_fault_handler(on_fault);
	test_vm();
	test_heap();
	test_clock();
	test_stack_overflow();
	test_timer();
	test_context();
	test_shm();
	hal_set_fault_handler(NULL);
	if (failures) {
		kprintf("selftest: %d failed\n", failures);
		hal_exit(1);
	}
	kprintf("selftest ok\n");
	hal_exit(0);
}
