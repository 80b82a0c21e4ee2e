/*
 * threads.c: threads of one process (run as init by tests/kernel.sh,
 * with child.wasm as its boot image). Built with __stack_pointer
 * exported (see the Makefile), so each thread has a shadow stack of its
 * own. Checks shared memory, join and exit status, per-thread stacks,
 * thread_exit, bad entries, and how threads end their process (child
 * commands threadtrap, threadexit, threadblock).
 */
#include <wasi/api.h>

#include "kt.h"

#define NTHREADS 4
#define ROUNDS 2000
#define STACK (64 * 1024)

static unsigned char *child;
static uint32_t child_len;
static volatile uint32_t counter;
static volatile uint32_t arrived;
static volatile uint32_t expected; /* threads stack_user waits for */

/* Adds to the shared counter, yielding often so threads interleave;
 * returns 100 + its argument. */
static int adder(uint32_t arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		__atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
		if (i % 50 == 0)
			nb_yield();
	}
	return 100 + (int)arg;
}

/* Fills a buffer on its shadow stack, lets the others run, and checks
 * that nobody wrote over it: 0 if intact. */
static __attribute__((noinline)) int stack_user(uint32_t id)
{
	volatile unsigned char buf[512];
	int bad = 0;

	for (int i = 0; i < 512; i++)
		buf[i] = (unsigned char)(id * 31 + i);
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	while (arrived < expected)
		nb_yield();
	for (int i = 0; i < 512; i++)
		bad += buf[i] != (unsigned char)(id * 31 + i);
	return bad;
}

static void exiter(uint32_t code)
{
	nb_thread_exit((int32_t)code);
}

static int32_t join(nb_handle t)
{
	int32_t code = -1000;

	if (nb_object_wait_one(t, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE,
			       NULL) ||
	    nb_thread_status(t, &code))
		return -1000;
	return code;
}

static void shared_memory(void)
{
	nb_handle t[NTHREADS];
	int bad = 0;

	for (uint32_t i = 0; i < NTHREADS; i++)
		if (nb_thread_create((void (*)(uint32_t))adder, i,
				     (char *)malloc(STACK) + STACK, &t[i]))
			bad++;
	EXPECT("thread_create x4", bad, 0);
	EXPECT("status of a running thread",
	       nb_thread_status(t[0], &(int32_t){0}), NB_ERR_BAD_STATE);
	for (uint32_t i = 0; i < NTHREADS; i++)
		bad += join(t[i]) != (int32_t)(100 + i);
	EXPECT("each thread's status is its result", bad, 0);
	EXPECT("shared counter", counter, NTHREADS * ROUNDS);
	for (uint32_t i = 0; i < NTHREADS; i++)
		nb_handle_close(t[i]);
}

static void own_stacks(void)
{
	nb_handle t[NTHREADS - 1];
	uint32_t made = 0;
	int bad = 0;

	/* Only the threads made are waited for (under failure injection,
	 * tests/failalloc.sh, a thread_create may fail). */
	arrived = 0;
	expected = NTHREADS;
	while (made < NTHREADS - 1 &&
	       !nb_thread_create((void (*)(uint32_t))stack_user, made + 1,
				 (char *)malloc(STACK) + STACK, &t[made]))
		made++;
	expected = made + 1;
	EXPECT("thread_create x3", made, NTHREADS - 1);
	bad = stack_user(0);
	for (uint32_t i = 0; i < made; i++)
		bad += join(t[i]);
	EXPECT("each thread has its own shadow stack", bad, 0);
	for (uint32_t i = 0; i < made; i++)
		nb_handle_close(t[i]);
}

/* Runs the child with cmd; kills it first if `kill`. Its status. */
static int run_child(const char *cmd, int kill)
{
	nb_handle ch, p = kt_spawn(child, child_len, &ch);
	int code;

	nb_channel_write(ch, cmd, strlen(cmd), NULL, 0);
	if (kill) {
		nb_yield();
		nb_process_kill(p);
	}
	code = kt_join(p);
	nb_handle_close(ch);
	nb_handle_close(p);
	return code;
}

/*
 * WASI's sleep (poll_oneoff on a clock) blocks only the thread that
 * sleeps: a thread sleeps for an hour while the main thread goes on,
 * finishes the test and returns, which ends the process and so the
 * sleep (the kill wakes it). Were the whole kernel to sleep, the test
 * would hang until tests/kernel.sh's timeout.
 */
static volatile int sleep_began;

static int32_t sleeper(uint32_t arg)
{
	__wasi_subscription_t s = {.u.tag = __WASI_EVENTTYPE_CLOCK};
	__wasi_event_t e;
	__wasi_size_t n;

	s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
	s.u.u.clock.timeout = 3600000000000ull; /* an hour */
	sleep_began = 1;
	if (__wasi_poll_oneoff(&s, &e, 1, &n) || n != 1)
		return -1;
	return 0;
}

static void wasi_sleep(void)
{
	nb_handle t;

	nb_status s = nb_thread_create((void (*)(uint32_t))sleeper, 0,
				       (char *)malloc(STACK) + STACK, &t);

	EXPECT("thread_create sleeper", s, NB_OK);
	if (s != NB_OK)
		return; /* (tests/failalloc.sh) no sleeper to wait for */
	/* Every yield lets the ready sleeper run (within ~32 decisions, see
	 * kernel/README.md), so it is in poll_oneoff well before the last. */
	while (!sleep_began)
		nb_yield();
	for (int i = 0; i < 1000; i++)
		nb_yield();
	EXPECT("main thread runs while another sleeps", 1, 1);
}

static void exits_and_errors(void)
{
	nb_handle t, weak;
	int32_t code;

	EXPECT("thread_exit thread",
	       nb_thread_create(exiter, 42, (char *)malloc(STACK) + STACK, &t),
	       NB_OK);
	EXPECT("thread priority", nb_object_set_priority(t, 20), NB_OK);
	EXPECT("thread_exit status", join(t), 42);
	nb_handle_duplicate(t, NB_RIGHT_WAIT, &weak);
	EXPECT("priority without MANAGE", nb_object_set_priority(weak, 1),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(t);
	EXPECT("status through a weaker handle", nb_thread_status(weak, &code),
	       NB_OK);
	nb_handle_close(weak);
	EXPECT("entry not in the table",
	       nb_thread_create((void (*)(uint32_t))0x7fffff, 0, 0, &t),
	       NB_ERR_INVALID_ARGS);
	EXPECT("entry of the wrong type",
	       nb_thread_create((void (*)(uint32_t))run_child, 0, 0, &t),
	       NB_ERR_INVALID_ARGS);
	EXPECT("null entry", nb_thread_create(NULL, 0, 0, &t),
	       NB_ERR_INVALID_ARGS);
}

int main(void)
{
	child = nb_boot_read(nb_startup_handle(0), &child_len, NULL);
	EXPECT("child image loaded", child != NULL, 1);
	if (!child)
		return 1;
	shared_memory();
	own_stacks();
	exits_and_errors();
	EXPECT("a trap in a thread ends the process",
	       run_child("threadtrap", 0), NB_EXIT_TRAP);
	EXPECT("main's exit ends a spinning thread", run_child("threadexit", 0),
	       7);
	EXPECT("kill ends blocked threads", run_child("threadblock", 1),
	       NB_EXIT_KILLED);
	wasi_sleep(); /* last: its thread sleeps until the process ends */
	puts("done");
	return kt_failed ? 1 : 0;
}
