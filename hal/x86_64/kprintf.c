/*
 * kprintf.c: formatted output on the serial console, for the HAL's own
 * messages (boot, exception reports, panics). Understands %c %s %d %i %u
 * %x %p %%, a '0' flag, a width, and the l, ll and z length modifiers.
 */
#include <stdarg.h>

#include "hal/x86_64/arch.h"
#include "hal/hal.h"

/* Writes c, turning "\n" into "\r\n" for terminals. */
static void put(char c)
{
	console_select(0);
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
}

/* Prints v in base 10 or 16, padded to width with pad. */
static void put_num(uint64_t v, int base, int width, char pad, bool neg)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	while (width-- > n)
		put(pad);
	while (n)
		put(buf[--n]);
}

static void vkprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, longs = 0;
		if (*++fmt == '0')
			pad = *fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;
		uint64_t u;
		switch (*fmt) {
		case 'c':
			put((char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			for (s = s ? s : "(null)"; *s; s++)
				put(*s);
			break;
		}
		case 'd':
		case 'i': {
			int64_t v =
				longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			u = v < 0 ? -(uint64_t)v : (uint64_t)v;
			put_num(u, 10, width, pad, v < 0);
			break;
		}
		case 'u':
		case 'x':
			u = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			put_num(u, *fmt == 'u' ? 10 : 16, width, pad, false);
			break;
		case 'p':
			put('0');
			put('x');
			put_num((uintptr_t)va_arg(ap, void *), 16, width, pad,
				false);
			break;
		case '\0':
			return;
		default:
			put(*fmt);
		}
	}
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

/* Reports a fatal kernel error and ends the machine with EXIT_PANIC. */
void panic(const char *fmt, ...)
{
	va_list ap;
	kprintf("panic: ");
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace((uint64_t)(uintptr_t)__builtin_frame_address(0));
	hal_exit(EXIT_PANIC);
}
