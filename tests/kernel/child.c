/*
 * child.c: the process the kernel tests start. Its startup handle 0 is a
 * channel; the first message says what to do:
 *   "echo"     send every message back (bytes and handles) until the
 *              peer closes, then exit 0
 *   "exit N"   exit with status N
 *   "block"    wait forever (until killed)
 *   "trap"     trap
 *   "signal"   the next message carries an event: signal it, exit 5
 *   "spin"     loop forever without a kernel call (until killed)
 *   "progress" loop forever too, but send "tick" after a million rounds
 *              (one non-blocking write): a sign that it got the CPU
 *   "report X" (with a channel handle) send "ready" on startup channel,
 *              wait for any message on it, then write X to the handle
 *   "vmo"      (with a memory object of >= 2 pages) map it writable,
 *              check it holds "from init", write "from child" to its
 *              second page through the mapping, exit 0
 *   "rowrite"  (with a memory object) map it read-only and store to
 *              it: must trap (134)
 *   "loan"     (with a loan, vmo_lend) map it writable, write "lent" at
 *              its start, send "filled", wait for a message, then store
 *              again: must trap (134) when the loan was revoked
 *   "flip"     (with a pages object of 2 pages) move it into memory,
 *              check bytes i = i % 251, add 1 to each, move the pages
 *              out and send them back, exit 0
 *   "threadtrap"  a thread traps: the process ends with 134
 *   "threadexit"  a thread spins while main exits with 7: status 7
 *   "threadblock" a thread and main block forever (until killed)
 *   "args"     send back "argc=N", then each argument and each
 *              environment entry, all NUL-terminated, in one message
 *   "ring K O" make K channel pairs (x_i, y_i) and write y_(i+1 mod K)
 *              over x_i, so the y_i hold each other in a ring; close
 *              every x_i but x_0, send x_0 (O = "out") or a duplicate
 *              of y_0 (O = "in") on the startup channel, exit 0
 *   "cycles N" N times: pairs a-b, c-d; write b over c and d over a;
 *              close a and c (b and d keep each other alive); exit 0
 *   "flood N ID" (with a channel) write N messages {ID, i} on it (i =
 *              0..N-1; yield while the queue is full), exit 0
 *   "churn N"  (with 64 channels) write N messages {i} on channels
 *              chosen at random (yield while a queue is full), exit 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nebulet.h"

static char buf[65536];
static nb_handle hs[64];
static unsigned char area[2 * NB_PAGE_SIZE]
	__attribute__((aligned(NB_PAGE_SIZE)));

static void echo(nb_handle ch)
{
	uint32_t n, nh;
	nb_status s;

	for (;;) {
		s = nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf,
				    hs, 64, &n, &nh);
		if (s == NB_ERR_PEER_CLOSED)
			exit(0);
		if (s || nb_channel_write(ch, buf, n, hs, nh))
			exit(99);
	}
}

/* Endless loops the compiler keeps (a volatile counter); only
 * preemption lets anything else run. */
static volatile unsigned spins;

static void spin(nb_handle ch, int tick)
{
	for (;;) {
		spins++;
		if (tick && spins == 1000000)
			nb_channel_write(ch, "tick", 4, NULL, 0);
	}
}

static int report(nb_handle ch, nb_handle to, const char *name)
{
	uint32_t n;

	if (nb_channel_write(ch, "ready", 5, NULL, 0) ||
	    nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf, NULL, 0,
			    &n, NULL) ||
	    nb_channel_write(to, name, strlen(name), NULL, 0))
		return 1;
	return 0;
}

static int vmo(nb_handle v, uint32_t flags)
{
	volatile char *p = (volatile char *)area;

	if (nb_vm_map(v, 0, area, sizeof area, flags))
		return 1;
	if (flags == 0) {
		p[0] = 'x'; /* traps: read-only */
		return 2;
	}
	if (memcmp(area, "from init", 9) != 0)
		return 3;
	memcpy(area + NB_PAGE_SIZE, "from child", 10);
	return 0;
}

/* "loan": fills the loan, says so, waits, stores again (traps once it
 * was taken back). */
static int loan(nb_handle ch, nb_handle v)
{
	volatile char *p = (volatile char *)area;

	if (nb_vm_map(v, 0, area, NB_PAGE_SIZE, NB_MAP_WRITE))
		return 1;
	memcpy(area, "lent", 4);
	if (nb_channel_write(ch, "filled", 6, NULL, 0) ||
	    nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, 16, NULL, 0, NULL,
			    NULL))
		return 2;
	p[1] = 'X';
	return 3;
}

static int flip(nb_handle ch, nb_handle g)
{
	nb_handle back;

	if (nb_vm_move_in(g, area))
		return 1;
	for (uint32_t i = 0; i < sizeof area; i++)
		if (area[i] != i % 251)
			return 2;
		else
			area[i]++;
	if (nb_vm_move_out(area, sizeof area, &back) ||
	    nb_channel_write(ch, "back", 4, &back, 1))
		return 3;
	return 0;
}

static volatile int never;

/* Thread entries (no shadow stack: this module does not export it). */
static void thread_trap(uint32_t arg)
{
	if (!never)
		__builtin_trap();
}

static void thread_spin(uint32_t arg)
{
	while (!never)
		spins++;
}

static void thread_block(uint32_t ev)
{
	nb_object_wait_one(ev, NB_SIGNAL_USER0, NB_TIME_INFINITE, NULL);
}

static int threads(const char *what)
{
	nb_handle t, ev;

	nb_event_create(&ev);
	if (strcmp(what, "threadtrap") == 0) {
		nb_thread_create(thread_trap, 0, 0, &t);
		nb_object_wait_one(t, NB_SIGNAL_TERMINATED, NB_TIME_INFINITE,
				   NULL);
		return 95; /* not reached: the trap ends the process */
	}
	if (strcmp(what, "threadexit") == 0) {
		nb_thread_create(thread_spin, 0, 0, &t);
		nb_yield();
		return 7;
	}
	nb_thread_create(thread_block, ev, 0, &t);
	thread_block(ev);
	return 94;
}

/* Appends s and its NUL to buf at n (if it fits); the new length. */
static uint32_t put(uint32_t n, const char *s)
{
	size_t k = strlen(s) + 1;

	if (n + k > sizeof buf)
		return n;
	memcpy(buf + n, s, k);
	return n + (uint32_t)k;
}

/* "args": the WASI arguments and environment, as process_create_args
 * took them (after an "argc=N" string). */
static int args(nb_handle ch, int argc, char **argv)
{
	extern char **environ;
	char count[16];
	uint32_t n;

	snprintf(count, sizeof count, "argc=%d", argc);
	n = put(0, count);
	for (int i = 0; i < argc; i++)
		n = put(n, argv[i]);
	for (char **e = environ; *e; e++)
		n = put(n, *e);
	return nb_channel_write(ch, buf, n, NULL, 0) ? 92 : 0;
}

/* "ring K O": see the top. */
static int ring(nb_handle ch, const char *arg)
{
	nb_handle x[64], y[64], send = NB_HANDLE_INVALID;
	int k = atoi(arg);

	if (k < 1 || k > 64)
		return 91;
	for (int i = 0; i < k; i++)
		if (nb_channel_create(&x[i], &y[i]))
			return 90;
	if (strstr(arg, "in") &&
	    nb_handle_duplicate(y[0], NB_RIGHT_SAME_RIGHTS, &send))
		return 86;
	for (int i = 0; i < k; i++)
		if (nb_channel_write(x[i], "ring", 4, &y[(i + 1) % k], 1))
			return 89;
	for (int i = 1; i < k; i++)
		nb_handle_close(x[i]);
	if (send == NB_HANDLE_INVALID)
		send = x[0];
	return nb_channel_write(ch, "end", 3, &send, 1) ? 88 : 0;
}

/* "cycles N": see the top. */
static int cycles(long n)
{
	nb_handle a, b, c, d;

	for (long i = 0; i < n; i++) {
		if (nb_channel_create(&a, &b) || nb_channel_create(&c, &d) ||
		    nb_channel_write(c, "b", 1, &b, 1) ||
		    nb_channel_write(a, "d", 1, &d, 1) || nb_handle_close(a) ||
		    nb_handle_close(c))
			return 87;
	}
	return 0;
}

/* Writes the n bytes at b on h, yielding while its queue is full. */
static int put_wait(nb_handle h, const void *b, uint32_t n)
{
	nb_status s;

	while ((s = nb_channel_write(h, b, n, NULL, 0)) == NB_ERR_SHOULD_WAIT)
		nb_yield();
	return s;
}

/* "flood N ID" and "churn N": see the top. */
static int flood(const char *arg, uint32_t nh)
{
	uint32_t n = (uint32_t)atol(arg), m[2] = {0, 0}, seed = 12345;
	const char *id = strchr(arg, ' ');

	if (nh != (id ? 1u : 64u))
		return 85;
	m[0] = id ? (uint32_t)atol(id + 1) : 0;
	for (uint32_t i = 0; i < n; i++) {
		nb_handle h = hs[0];
		if (!id) {
			seed = seed * 1103515245u + 12345u;
			h = hs[(seed >> 16) % 64];
		}
		m[1] = i;
		if (put_wait(h, m, sizeof m))
			return 84;
	}
	return 0;
}

int main(int argc, char **argv)
{
	nb_handle ch = nb_startup_handle(0), ev;
	uint32_t n, nh;

	if (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf - 1, hs,
			    64, &n, &nh))
		return 98;
	buf[n] = 0;
	if (strncmp(buf, "report ", 7) == 0)
		return nh == 1 ? report(ch, hs[0], buf + 7) : 93;
	if (strcmp(buf, "vmo") == 0 || strcmp(buf, "rowrite") == 0)
		return nh == 1 ? vmo(hs[0], buf[0] == 'v' ? NB_MAP_WRITE : 0)
			       : 93;
	if (strcmp(buf, "flip") == 0)
		return nh == 1 ? flip(ch, hs[0]) : 93;
	if (strcmp(buf, "loan") == 0)
		return nh == 1 ? loan(ch, hs[0]) : 93;
	if (strncmp(buf, "thread", 6) == 0)
		return threads(buf);
	if (strcmp(buf, "echo") == 0)
		echo(ch);
	if (strcmp(buf, "args") == 0)
		return args(ch, argc, argv);
	if (strncmp(buf, "ring ", 5) == 0)
		return ring(ch, buf + 5);
	if (strncmp(buf, "flood ", 6) == 0)
		return flood(buf + 6, nh);
	if (strncmp(buf, "churn ", 6) == 0)
		return flood(buf + 6, nh);
	if (strncmp(buf, "cycles ", 7) == 0)
		return cycles(atol(buf + 7));
	if (strncmp(buf, "exit ", 5) == 0)
		nb_process_exit(atoi(buf + 5));
	if (strcmp(buf, "block") == 0)
		nb_object_wait_one(ch, NB_SIGNAL_USER0, NB_TIME_INFINITE, NULL);
	if (strcmp(buf, "spin") == 0 || strcmp(buf, "progress") == 0)
		spin(ch, buf[0] == 'p');
	if (strcmp(buf, "trap") == 0)
		__builtin_trap();
	if (strcmp(buf, "signal") == 0) {
		if (nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf,
				    &ev, 1, &n, &nh) ||
		    nh != 1)
			return 97;
		nb_object_signal(ev, 0, NB_SIGNAL_SIGNALED);
		return 5;
	}
	return 96;
}
