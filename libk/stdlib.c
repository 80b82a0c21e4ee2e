/*
 * stdlib.c: libk's heap (malloc over the HAL's kmalloc), sorting and
 * searching, errno, and the ways out (abort, exit, failed assertions),
 * which end the machine with a message since there is no process to end.
 * Compiled without SSE.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"

/* The status the machine ends with after abort() or a failed assert. */
#define EXIT_ABORT 3

int errno;

void *malloc(size_t n)
{
	void *p = kmalloc(n);
	if (!p)
		errno = ENOMEM;
	return p;
}

/* Zeroed n * size bytes; NULL if the product overflows. */
void *calloc(size_t n, size_t size)
{
	void *p = NULL;
	if (size && n > SIZE_MAX / size)
		errno = ENOMEM;
	else if ((p = kzalloc(n * size)) == NULL)
		errno = ENOMEM;
	return p;
}

void *realloc(void *p, size_t n)
{
	void *q = krealloc(p, n);
	if (!q)
		errno = ENOMEM;
	return q;
}

void free(void *p)
{
	kfree(p);
}

/* Swaps two elements of size bytes. */
static void swap(unsigned char *a, unsigned char *b, size_t size)
{
	while (size--) {
		unsigned char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Moves the root of heap [0, n) down until the heap property holds. */
static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1, big = root;
		if (child < n &&
		    cmp(base + child * size, base + big * size) > 0)
			big = child;
		if (child + 1 < n &&
		    cmp(base + (child + 1) * size, base + big * size) > 0)
			big = child + 1;
		if (big == root)
			return;
		swap(base + root * size, base + big * size, size);
		root = big;
	}
}

/* Heapsort: O(n log n) in the worst case, no extra memory, not stable. */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *))
{
	unsigned char *b = base;
	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const unsigned char *b = base;
	while (n) {
		const unsigned char *mid = b + (n / 2) * size;
		int c = cmp(key, mid);
		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			b = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

long labs(long v)
{
	return v < 0 ? -v : v;
}

/* Writes s on the console's error stream. */
static void say(const char *s)
{
	hal_console_write(2, s, strlen(s));
}

_Noreturn void abort(void)
{
	say("libk: abort\n");
	hal_exit(EXIT_ABORT);
}

_Noreturn void exit(int code)
{
	hal_exit(code);
}

_Noreturn void __libk_assert_fail(const char *expr, const char *file, int line)
{
	char num[12];
	int i = sizeof num - 1;
	num[i] = 0;
	do {
		num[--i] = (char)('0' + line % 10);
		line /= 10;
	} while (line && i > 0);
	say("libk: assertion failed: ");
	say(expr);
	say(" (");
	say(file);
	say(":");
	say(num + i);
	say(")\n");
	hal_exit(EXIT_ABORT);
}

/* libgcc's population count, which GCC calls for __builtin_popcountll
 * when the target has no POPCNT instruction. */
int __popcountdi2(uint64_t v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}
