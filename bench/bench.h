/*
 * bench.h: what the wasm benchmarks run under `nebulet kernel` share
 * (kernel/ipc.c, firmament/call.c): the kernel tests' helpers (kt.h,
 * with nb_boot_read) and BENCH_NS, the timing loop.
 */
#ifndef BENCH_H
#define BENCH_H

#include "../tests/kernel/kt.h"

/*
 * BENCH_NS(ns, n, step, fail): runs the expression step (true on success)
 * n times, twice, the first pass a warm-up; ns (a double) gets the second
 * pass's nanoseconds per step. The statement fail (say `return -1`) runs
 * if a step fails; it must leave the macro. A macro so that step and fail
 * are compiled into the loop as if written there by hand: a test kept in
 * a variable across the loop makes it measurably slower.
 */
#define BENCH_NS(ns, n, step, fail)                                            \
	do {                                                                   \
		nb_time t0_ = 0, t1_ = 0;                                      \
		for (int w_ = 0; w_ < 2; w_++) {                               \
			t0_ = nb_clock_monotonic();                            \
			for (int i_ = 0; i_ < (n); i_++)                       \
				if (!(step))                                   \
					fail;                                  \
			t1_ = nb_clock_monotonic();                            \
		}                                                              \
		(ns) = (double)(t1_ - t0_) / (n);                              \
	} while (0)

#endif
