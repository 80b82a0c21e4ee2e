/* stdio.h for the kernel image (libk): formatting into buffers, and
 * fprintf to stdout/stderr, which become hal_console_write's streams 1
 * and 2 (one call of at most 1 KiB per fprintf). See libk/README.md. */
#ifndef LIBK_STDIO_H
#define LIBK_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));

typedef struct libk_file FILE;
extern FILE *const stdout, *const stderr;
int fprintf(FILE *f, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
