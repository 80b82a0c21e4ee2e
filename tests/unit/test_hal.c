/*
 * test_hal.c: the hosted HAL. Virtual memory (reserve, protect, discard),
 * fault delivery to the registered handler and the jump back out of it,
 * a fault that the handler declines killing the process, clocks, random.
 * Prints "PASS name" or "FAIL name: why" per case.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hal/hal.h"

static int failures;

static void result(const char *name, const char *why)
{
	if (why == NULL) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	}
	fflush(stdout);
}

/* What the last fault was; the handler jumps back to `jb`. */
static hal_jmp_buf jb;
static volatile enum hal_fault fault_kind;
static volatile uintptr_t fault_addr;
static volatile int faults;

static void catch_fault(enum hal_fault kind, uintptr_t addr, void *pc)
{
	fault_kind = kind;
	fault_addr = addr;
	faults++;
	hal_longjmp(jb, 1);
}

static void decline_fault(enum hal_fault kind, uintptr_t addr, void *pc)
{
}

static const char *test_page_size(void)
{
	size_t ps = hal_page_size();

	if (ps < 4096 || (ps & (ps - 1)) != 0)
		return "not a power of two >= 4096";
	return NULL;
}

/* Reserve, make two pages writable, use them, discard, use again. */
static const char *test_vm(void)
{
	size_t ps = hal_page_size();
	volatile uint8_t *p = hal_vm_reserve(64 * ps);
	const char *why = NULL;

	if (p == NULL)
		return "reserve failed";
	if (!hal_vm_protect((void *)p, 2 * ps, HAL_PROT_READ | HAL_PROT_WRITE))
		why = "protect failed";
	else if (p[0] != 0 || p[2 * ps - 1] != 0)
		why = "new pages not zero";
	if (why == NULL) {
		p[0] = 0xAB;
		p[2 * ps - 1] = 0xCD;
		if (p[0] != 0xAB || p[2 * ps - 1] != 0xCD)
			why = "pages lost a write";
		else if (!hal_vm_discard((void *)p, 2 * ps))
			why = "discard failed";
		else if (p[0] != 0 || p[2 * ps - 1] != 0)
			why = "discarded pages not zero";
	}
	if (why == NULL) {
		p[ps] = 7; /* still writable after discard */
		if (p[ps] != 7)
			why = "page not writable after discard";
	}
	hal_vm_release((void *)p, 64 * ps);
	return why;
}

/* Touches addr (read or write) expecting a memory fault at addr. */
static const char *expect_memory_fault(volatile uint8_t *addr, bool write)
{
	int before = faults;

	hal_set_fault_handler(catch_fault);
	if (hal_setjmp(jb) == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		hal_set_fault_handler(NULL);
		return "no fault";
	}
	hal_set_fault_handler(NULL);
	if (faults != before + 1)
		return "handler not called once";
	if (fault_kind != HAL_FAULT_MEMORY)
		return "wrong fault kind";
	if (fault_addr != (uintptr_t)addr)
		return "wrong fault address";
	return NULL;
}

/* Faults on reserved, read-only and released pages, several times over
 * (each must be delivered again after the jump out of the last). */
static const char *test_fault_memory(void)
{
	size_t ps = hal_page_size();
	uint8_t *p = hal_vm_reserve(16 * ps);
	const char *why = NULL;
	int i;

	if (p == NULL)
		return "reserve failed";
	for (i = 0; i < 3 && why == NULL; i++)
		why = expect_memory_fault(p + 5 * ps + 123, i & 1);
	if (why == NULL && !hal_vm_protect(p, ps, HAL_PROT_READ))
		why = "protect failed";
	if (why == NULL && p[10] != 0)
		why = "read-only page not readable";
	if (why == NULL)
		why = expect_memory_fault(p + 10, true);
	hal_vm_release(p, 16 * ps);
	if (why == NULL)
		why = expect_memory_fault(p + ps, false);
	return why;
}

#if defined(__x86_64__)
/* Integer division by zero faults on x86 (UBSan's check left out). */
#if defined(__clang__)
__attribute__((no_sanitize("integer-divide-by-zero")))
#endif
static int
divide(int a, int b)
{
	return a / b;
}

static const char *test_fault_divide(void)
{
	volatile int zero = 0, seven = 7;

	hal_set_fault_handler(catch_fault);
	if (hal_setjmp(jb) == 0) {
		volatile int r = divide(seven, zero);
		(void)r;
		hal_set_fault_handler(NULL);
		return "no fault";
	}
	hal_set_fault_handler(NULL);
	return fault_kind == HAL_FAULT_DIVIDE ? NULL : "wrong fault kind";
}
#endif

/* Recursion until the native stack overflows: the handler still runs
 * (on its own stack) and jumps back. */
static volatile int depth_sink, depth_limit = -1;

static int overflow(int n)
{
	volatile char frame[512];

	frame[0] = (char)n;
	if (n == depth_limit)
		return 0;
	depth_sink = overflow(n + 1);
	return frame[0] + depth_sink;
}

static const char *test_fault_stack_overflow(void)
{
	hal_set_fault_handler(catch_fault);
	if (hal_setjmp(jb) == 0) {
		overflow(0);
		hal_set_fault_handler(NULL);
		return "no fault";
	}
	hal_set_fault_handler(NULL);
	return fault_kind == HAL_FAULT_MEMORY ? NULL : "wrong fault kind";
}

/* A fault the handler declines goes to the handler installed before the
 * HAL's (a sanitizer's, which reports it and exits non-zero) or, when
 * there was none, ends the process with that signal. */
static const char *test_fault_declined(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (pid == 0) {
		struct rlimit no_core = {0, 0};
		setrlimit(RLIMIT_CORE, &no_core);
		freopen("/dev/null", "w", stderr);
		hal_set_fault_handler(decline_fault);
		uint8_t *p = hal_vm_reserve(hal_page_size());
		*(volatile uint8_t *)p = 1;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return "waitpid failed";
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV)
		return NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return NULL; /* the earlier handler took it */
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		return "child neither died of SIGSEGV nor was reported";
	return NULL;
}

static const char *test_clocks(void)
{
	uint64_t prev = hal_clock_monotonic_ns(), now, res;
	int i;

	for (i = 0; i < 10000; i++) {
		now = hal_clock_monotonic_ns();
		if (now < prev)
			return "monotonic clock went back";
		prev = now;
	}
	if (hal_clock_realtime_ns() < 1577836800ull * 1000000000ull)
		return "realtime clock before 2020";
	res = hal_clock_resolution_ns();
	if (res == 0 || res > 1000000000ull)
		return "odd resolution";
	return NULL;
}

static const char *test_random(void)
{
	static uint8_t big[1 << 20];
	uint8_t a[32], b[32], zero[32] = {0};

	if (!hal_random(a, sizeof a) || !hal_random(b, sizeof b))
		return "hal_random failed";
	if (memcmp(a, b, sizeof a) == 0 || memcmp(a, zero, sizeof a) == 0)
		return "bytes do not vary";
	if (!hal_random(big, sizeof big) || !hal_random(big, 0))
		return "large or empty request failed";
	return NULL;
}

int main(void)
{
	hal_init();
	result("hal_page_size", test_page_size());
	result("hal_vm", test_vm());
	result("hal_fault_memory", test_fault_memory());
#if defined(__x86_64__)
	result("hal_fault_divide", test_fault_divide());
#endif
	result("hal_fault_stack_overflow", test_fault_stack_overflow());
	result("hal_fault_declined", test_fault_declined());
	result("hal_clocks", test_clocks());
	result("hal_random", test_random());
	return failures ? 1 : 0;
}
