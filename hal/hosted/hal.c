/*
 * hal.c: the hosted HAL, Nebulet as one Linux process. The console is
 * stdin/stdout/stderr, virtual memory is in vm.c, faults are
 * signals delivered on an alternate stack, clocks are clock_gettime and
 * randomness is getrandom.
 */
#include "hal/hal.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* Size of the alternate signal stack the fault handler runs on. */
#define HAL_ALTSTACK_SIZE ((size_t)256 << 10)

static const int hal_fault_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#define HAL_NSIGNALS (sizeof hal_fault_signals / sizeof hal_fault_signals[0])

static hal_fault_fn hal_fault_handler;
static bool hal_signals_ready;
static size_t hal_pagesize;

/* Writes all of buf to stdout (stream 1) or stderr (anything else),
 * retrying after signals and short writes; gives up on a real error. */
void hal_console_write(int stream, const void *buf, size_t len)
{
	int fd = stream == 1 ? STDOUT_FILENO : STDERR_FILENO;
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

long hal_console_read(void *buf, size_t len)
{
	ssize_t n;

	do {
		n = read(STDIN_FILENO, buf, len);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : (long)n;
}

/* The runner has its own arguments: no kernel command line. */
const char *hal_cmdline(void)
{
	return "";
}

size_t hal_page_size(void)
{
	if (hal_pagesize == 0) {
		long n = sysconf(_SC_PAGESIZE);
		hal_pagesize = n > 0 ? (size_t)n : 4096;
	}
	return hal_pagesize;
}

/* The faulting instruction's address, from the signal's saved context. */
static void *hal_fault_pc(void *uctx)
{
	ucontext_t *uc = uctx;

#if defined(__x86_64__)
	return (void *)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (void *)uc->uc_mcontext.pc;
#else
	(void)uc;
	return NULL;
#endif
}

static enum hal_fault hal_fault_kind(int sig)
{
	switch (sig) {
	case SIGFPE:
		return HAL_FAULT_DIVIDE;
	case SIGILL:
		return HAL_FAULT_ILLEGAL;
	default:
		return HAL_FAULT_MEMORY;
	}
}

/*
 * The signal handler. The registered handler either jumps out (a wasm
 * trap) or returns; then the fault is not ours: restore the default action
 * and return, so that the faulting instruction runs again and the process
 * dies of the signal as it would have without us. A signal sent by
 * kill() would not come back on its own, so it is raised again.
 */
/* The handlers that were installed before ours, by signal. */
static struct sigaction hal_prev[HAL_NSIGNALS];

static const struct sigaction *hal_prev_action(int sig)
{
	for (size_t i = 0; i < HAL_NSIGNALS; i++)
		if (hal_fault_signals[i] == sig)
			return &hal_prev[i];
	return NULL;
}

static void hal_on_signal(int sig, siginfo_t *si, void *uctx)
{
	hal_fault_fn fn = hal_fault_handler;
	int saved = errno;

	if (fn != NULL && si->si_code > 0)
		fn(hal_fault_kind(sig), (uintptr_t)si->si_addr,
		   hal_fault_pc(uctx));
	/* Not a wasm fault: pass it on to whoever handled this signal before
	 * us (a sanitizer or libFuzzer reports it and saves the input), or
	 * else die of it as if we had never been installed. */
	const struct sigaction *prev = hal_prev_action(sig);
	if (prev && (prev->sa_flags & SA_SIGINFO) && prev->sa_sigaction) {
		prev->sa_sigaction(sig, si, uctx);
	} else if (prev && prev->sa_handler != SIG_DFL &&
		   prev->sa_handler != SIG_IGN) {
		prev->sa_handler(sig);
	} else {
		signal(sig, SIG_DFL);
		if (si->si_code <= 0)
			raise(sig);
	}
	errno = saved;
}

static void hal_install_signals(void)
{
	struct sigaction sa;
	stack_t ss;
	void *stack;
	size_t i;

	if (hal_signals_ready)
		return;
	stack = mmap(NULL, HAL_ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack != MAP_FAILED) {
		memset(&ss, 0, sizeof ss);
		ss.ss_sp = stack;
		ss.ss_size = HAL_ALTSTACK_SIZE;
		sigaltstack(&ss, NULL);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = hal_on_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < HAL_NSIGNALS; i++)
		sigaction(hal_fault_signals[i], &sa, &hal_prev[i]);
	hal_signals_ready = true;
}

/* Registers the nucleus's fault handler (installing the signal handlers
 * too, should hal_init not have run yet). */
void hal_set_fault_handler(hal_fault_fn fn)
{
	hal_fault_handler = fn;
	hal_install_signals();
}

/* Start-up: page size, then the fault signals (idempotent). */
void hal_init(void)
{
	hal_page_size();
	hal_install_signals();
}

static uint64_t hal_clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t hal_clock_monotonic_ns(void)
{
	return hal_clock_ns(CLOCK_MONOTONIC);
}

uint64_t hal_clock_realtime_ns(void)
{
	return hal_clock_ns(CLOCK_REALTIME);
}

uint64_t hal_clock_resolution_ns(void)
{
	struct timespec ts;

	if (clock_getres(CLOCK_MONOTONIC, &ts) != 0)
		return 1;
	uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return ns ? ns : 1;
}

/* One CPU hosted: the kernel's threads share the host thread. */
unsigned hal_cpu_count(void)
{
	return 1;
}

unsigned hal_cpu_id(void)
{
	return 0;
}

void hal_cpu_start(void (*fn)(void))
{
	(void)fn;
}

void hal_cpu_set_kick(void (*fn)(void))
{
	(void)fn;
}

void hal_cpu_kick(unsigned cpu)
{
	(void)cpu;
}

/* Fills buf from the kernel's random source, in pieces if need be. */
bool hal_random(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

_Noreturn void hal_exit(int code)
{
	exit(code);
}

static void (*volatile hal_tick)(void);

static void hal_on_timer(int sig)
{
	(void)sig;
	void (*tick)(void) = hal_tick;
	if (tick)
		tick();
}

void hal_timer_start(uint64_t period_ns, void (*tick)(void))
{
	struct itimerval it;
	struct sigaction sa;

	memset(&it, 0, sizeof it);
	if (period_ns && tick) {
		it.it_interval.tv_sec = (time_t)(period_ns / 1000000000u);
		it.it_interval.tv_usec =
			(suseconds_t)(period_ns % 1000000000u / 1000u);
		if (!it.it_interval.tv_sec && !it.it_interval.tv_usec)
			it.it_interval.tv_usec = 1;
		it.it_value = it.it_interval;
	}
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	hal_tick = period_ns ? tick : NULL;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = hal_on_timer;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (period_ns && tick)
		sigaction(SIGVTALRM, &sa, NULL);
}

/* Devices: a Linux process has no I/O ports or interrupt lines of its
 * own, so a driver's objects cannot be created here. */
bool hal_ports_available(uint32_t base, uint32_t count)
{
	(void)base;
	(void)count;
	return false;
}

uint32_t hal_port_in(uint16_t port, unsigned width)
{
	(void)port;
	(void)width;
	return 0xffffffffu;
}

void hal_port_out(uint16_t port, unsigned width, uint32_t value)
{
	(void)port;
	(void)width;
	(void)value;
}

bool hal_irq_unmask(unsigned irq)
{
	(void)irq;
	return false;
}

void hal_irq_mask(unsigned irq)
{
	(void)irq;
}

uint32_t hal_irq_take(void)
{
	return 0;
}

void hal_irq_set_notify(void (*notify)(void))
{
	(void)notify;
}

int hal_console_irq(void)
{
	return -1;
}

/* Hosted reads block the whole process in read(2): nothing to wait for. */
void hal_console_set_wait(bool (*wait)(void))
{
	(void)wait;
}

/* Nothing but a deadline can wake a hosted kernel: sleeps until it. */
void hal_idle(uint64_t deadline_ns)
{
	uint64_t now = hal_clock_monotonic_ns();
	struct timespec ts;

	if (deadline_ns <= now)
		return;
	deadline_ns -= now;
	if (deadline_ns > 1000000000ull)
		deadline_ns = 1000000000ull;
	ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
	ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
	nanosleep(&ts, NULL);
}
