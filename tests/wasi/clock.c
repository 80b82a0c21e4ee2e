/* clock: the clocks move forward and make sense; random bytes vary. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

static uint64_t ns(struct timespec t)
{
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int main(void)
{
	struct timespec a, b, res;
	unsigned char r1[32], r2[32], zero[32] = {0};
	int bad = 0;

	bad += check("monotonic", clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	bad += check("monotonic does not go back", ns(b) >= ns(a));
	bad += check("realtime after 2020",
		     clock_gettime(CLOCK_REALTIME, &a) == 0 &&
			     a.tv_sec > 1577836800);
	bad += check("time() agrees", time(NULL) >= a.tv_sec - 1);
	bad += check("resolution", clock_getres(CLOCK_MONOTONIC, &res) == 0 &&
					   ns(res) > 0 &&
					   ns(res) <= 1000000000u);
	bad += check("random", getentropy(r1, sizeof r1) == 0 &&
				       getentropy(r2, sizeof r2) == 0);
	bad += check("random varies", memcmp(r1, r2, sizeof r1) != 0 &&
					      memcmp(r1, zero, sizeof r1) != 0);
	return bad;
}
