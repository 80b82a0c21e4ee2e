/*
 * crunch.c: CPU-bound work that never calls the kernel while it works:
 * ARGV[1] million rounds of a xorshift generator (default 20), then one
 * line "crunch: RESULT in MS ms, from START to END" (RESULT depends only
 * on the rounds, MS is the monotonic time the work took, START and END
 * the monotonic clock's milliseconds when it began and ended). tests/boot.sh
 * runs two at once on two CPUs (`nebulet boot --smp=2`); bench/smp.sh times
 * them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic milliseconds. */
static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	long rounds = (argc > 1 ? atol(argv[1]) : 20) * 1000000L;
	volatile uint64_t sink;
	uint64_t x = 88172645463325252ull;
	double t0 = now_ms();

	if (rounds <= 0) {
		fprintf(stderr, "usage: crunch [MILLIONS]\n");
		return 1;
	}
	for (long i = 0; i < rounds; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	sink = x;
	double t1 = now_ms();
	printf("crunch: %016llx in %.0f ms, from %.0f to %.0f\n",
	       (unsigned long long)sink, t1 - t0, t0, t1);
	return 0;
}
