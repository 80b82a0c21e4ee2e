/* stdlib.h for the kernel image (libk): see libk/README.md. */
#ifndef LIBK_STDLIB_H
#define LIBK_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* The heap is the HAL's kmalloc: blocks are 16-byte aligned. */
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));
int abs(int v);
long labs(long v);

/* There is no process to end: abort() and exit() end the machine. */
_Noreturn void abort(void);
_Noreturn void exit(int code);

#endif
