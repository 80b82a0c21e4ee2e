/*
 * check.h: the harness every unit test shares (tests/unit.sh reads its
 * output). check() prints "PASS name" or "FAIL name" and counts the
 * failures; a case made of several conditions runs under run(), where
 * CHECK(c) reports a false c with its line and fails the case. main ends
 * with `return failures ? 1 : 0;`.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

static int failures;
static bool case_ok __attribute__((unused)); /* the running case, for CHECK */

/* Prints one case's result and counts it if it failed. */
static inline void check(const char *name, bool ok)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", name);
	if (!ok)
		failures++;
	fflush(stdout);
}

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			printf("  check failed at line %d: %s\n", __LINE__,    \
			       #c);                                            \
			case_ok = false;                                       \
		}                                                              \
	} while (0)

/* Runs case fn, whose CHECKs decide its result, and reports it as name. */
static inline void run(const char *name, void (*fn)(void))
{
	case_ok = true;
	fn();
	check(name, case_ok);
}

#endif
