/* stdio.h for the kernel image (libk): formatting into buffers only; the
 * console is hal_console_write. See libk/README.md. */
#ifndef LIBK_STDIO_H
#define LIBK_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));

#endif
