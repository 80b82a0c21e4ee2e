/*
 * expect.h: the check the WASI test programs share: prints the value a
 * call gave and "ok" or "WRONG", counting the wrong ones in failures.
 */
#ifndef TESTS_WASI_EXPECT_H
#define TESTS_WASI_EXPECT_H

#include <stdio.h>

static int failures;

static void expect(const char *what, long got, long want)
{
	printf("%-44s %3ld %s\n", what, got, got == want ? "ok" : "WRONG");
	if (got != want)
		failures++;
}

#endif
