/*
 * sleep: poll_oneoff's clocks and the calls built on them. Every sleep
 * lasts at least what was asked (never checked from above: no timing
 * assertion); relative and absolute clocks, the first of several
 * deadlines, a deadline already past, a bad clock id, stdin's readiness
 * (tests/wasi/sleep.stdin), sched_yield and proc_raise's harmless
 * signals. No files: the same program runs on bare metal (boot.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "expect.h"

/* wasi-libc's header leaves proc_raise out; the import is preview 1's. */
__attribute__((import_module("wasi_snapshot_preview1"),
	       import_name("proc_raise"))) uint16_t
raw_proc_raise(uint8_t sig);

static uint64_t now(__wasi_clockid_t id)
{
	__wasi_timestamp_t t = 0;
	if (__wasi_clock_time_get(id, 1, &t))
		failures++;
	return t;
}

/* A subscription to clock id at t (flags: 0 relative, 1 absolute). */
static __wasi_subscription_t clock_sub(uint64_t user, __wasi_clockid_t id,
				       uint64_t t, int flags)
{
	__wasi_subscription_t s;
	memset(&s, 0, sizeof s);
	s.userdata = user;
	s.u.tag = __WASI_EVENTTYPE_CLOCK;
	s.u.u.clock.id = id;
	s.u.u.clock.timeout = t;
	s.u.u.clock.flags = flags;
	return s;
}

int main(void)
{
	const uint64_t ms = 1000000;
	__wasi_subscription_t sub[3];
	__wasi_event_t ev[3];
	__wasi_size_t n;
	struct timespec ts = {0, 50 * ms};
	uint64_t t0;

	t0 = now(__WASI_CLOCKID_MONOTONIC);
	expect("nanosleep 50 ms", nanosleep(&ts, NULL), 0);
	expect("slept >= 50 ms", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 50 * ms,
	       1);
	t0 = now(__WASI_CLOCKID_MONOTONIC);
	expect("usleep 20 ms", usleep(20000), 0);
	expect("slept >= 20 ms", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20 * ms,
	       1);
	t0 = now(__WASI_CLOCKID_MONOTONIC);
	expect("sleep 1 s", sleep(1), 0);
	expect("slept >= 1 s", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 1000 * ms,
	       1);

	/* absolute, on the monotonic and the realtime clock */
	t0 = now(__WASI_CLOCKID_MONOTONIC);
	sub[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, t0 + 30 * ms, 1);
	expect("absolute monotonic", __wasi_poll_oneoff(sub, ev, 1, &n), 0);
	expect("one event", n, 1);
	expect("its userdata", ev[0].userdata, 7);
	expect("a clock event", ev[0].type, __WASI_EVENTTYPE_CLOCK);
	expect("reached", now(__WASI_CLOCKID_MONOTONIC) >= t0 + 30 * ms, 1);
	uint64_t r0 = now(__WASI_CLOCKID_REALTIME);
	sub[0] = clock_sub(8, __WASI_CLOCKID_REALTIME, r0 + 30 * ms, 1);
	expect("absolute realtime", __wasi_poll_oneoff(sub, ev, 1, &n), 0);
	expect("reached", now(__WASI_CLOCKID_REALTIME) >= r0 + 30 * ms, 1);
	sub[0] = clock_sub(9, __WASI_CLOCKID_REALTIME, r0 - 1000 * ms, 1);
	expect("absolute in the past", __wasi_poll_oneoff(sub, ev, 1, &n), 0);
	expect("fires", n == 1 && ev[0].userdata == 9, 1);

	/* the first of several; a bad clock is an event with EINVAL */
	t0 = now(__WASI_CLOCKID_MONOTONIC);
	sub[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 10000 * ms, 0);
	sub[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 20 * ms, 0);
	expect("two clocks", __wasi_poll_oneoff(sub, ev, 2, &n), 0);
	expect("the short one fired", n == 1 && ev[0].userdata == 2, 1);
	expect("after it", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20 * ms, 1);
	sub[1] = clock_sub(3, 99, 0, 0);
	expect("bad clock", __wasi_poll_oneoff(sub, ev, 2, &n), 0);
	expect("its event", n == 1 && ev[0].userdata == 3, 1);
	expect("EINVAL", ev[0].error, 28);
	expect("no subscriptions", __wasi_poll_oneoff(sub, ev, 0, &n), 28);

	/* descriptors: stdin has input, stdout is writable, 99 is bad */
	memset(sub, 0, sizeof sub);
	sub[0].userdata = 10;
	sub[0].u.tag = __WASI_EVENTTYPE_FD_READ;
	sub[0].u.u.fd_read.file_descriptor = 0;
	sub[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 10000 * ms, 0);
	expect("stdin readable", __wasi_poll_oneoff(sub, ev, 2, &n), 0);
	expect("at once", n == 1 && ev[0].userdata == 10 && ev[0].error == 0,
	       1);
	sub[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
	sub[0].u.u.fd_write.file_descriptor = 1;
	expect("stdout writable", __wasi_poll_oneoff(sub, ev, 2, &n), 0);
	expect("at once", n == 1 && ev[0].type == __WASI_EVENTTYPE_FD_WRITE, 1);
	sub[0].u.u.fd_write.file_descriptor = 99;
	expect("fd 99", __wasi_poll_oneoff(sub, ev, 2, &n), 0);
	expect("EBADF", n == 1 ? ev[0].error : -1, 8);

	expect("sched_yield", __wasi_sched_yield(), 0);
	expect("proc_raise 0", raw_proc_raise(0), 0);
	expect("proc_raise CHLD", raw_proc_raise(16), 0);
	expect("proc_raise 99", raw_proc_raise(99), 28);
	printf("%d failures\n", failures);
	return failures != 0;
}
