/*
 * fprintf.c: fprintf to stdout and stderr, which are the console's
 * streams 1 and 2 (hal_console_write). The kernel's messages use it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "hal/hal.h"

/* The standard streams: their hal_console_write stream numbers. */
struct libk_file {
	int stream;
};
static struct libk_file out_file = {1}, err_file = {2};
FILE *const stdout = &out_file, *const stderr = &err_file;

/* Formats into a 1 KiB buffer (longer output is cut) and writes it to
 * f's console stream in one call; returns the full length. */
int fprintf(FILE *f, const char *restrict fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0)
		hal_console_write(f->stream, line,
				  (size_t)n < sizeof line ? (size_t)n
							  : sizeof line - 1);
	return n;
}
