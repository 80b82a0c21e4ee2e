/*
 * stdio.c: snprintf and vsnprintf. Conversions: d i u x X o c s p %, with
 * the flags - 0 + space #, a width and a precision (numbers or *), and the
 * length modifiers hh h l ll z j t. Floating-point conversions are not
 * supported: they print "<float>" (nothing in the kernel formats floats).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The output: writes what fits into buf, counts everything. */
struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* One conversion's flags, width and precision (-1: none). */
struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;
};

/* Prints s[0..n) padded to the spec's width. */
static void put_str(struct out *o, const struct spec *sp, const char *s,
		    size_t n)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!sp->left)
		put_n(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		put_n(o, ' ', pad);
}

/* Prints an integer: magnitude v in base, sign as given, with prefix,
 * precision (minimum digits) and width padding. */
static void put_int(struct out *o, const struct spec *sp, uint64_t v,
		    unsigned base, bool upper, bool neg)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char num[24], prefix[3];
	int n = 0, np = 0, zeros, pad;

	if (v != 0 || sp->prec != 0)
		do {
			num[n++] = digits[v % base];
			v /= base;
		} while (v);
	if (neg)
		prefix[np++] = '-';
	else if (sp->plus)
		prefix[np++] = '+';
	else if (sp->space)
		prefix[np++] = ' ';
	if (sp->alt && base == 16 && n > 0 && !(n == 1 && num[0] == '0')) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8 && (n == 0 || num[n - 1] != '0')) {
		num[n++] = '0';
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	pad = sp->width - np - zeros - n;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!sp->left)
		put_n(o, ' ', pad);
	for (int i = 0; i < np; i++)
		put(o, prefix[i]);
	put_n(o, '0', zeros);
	while (n)
		put(o, num[--n]);
	if (sp->left)
		put_n(o, ' ', pad);
}

/* Reads a width or precision: digits or '*' (from the arguments). */
static int read_num(const char **fmt, va_list *ap)
{
	int v = 0;
	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + (*(*fmt)++ - '0');
	return v;
}

/* Length modifiers, as the size of the argument in bytes. */
static int read_length(const char **fmt)
{
	const char *f = *fmt;
	int len = sizeof(int);
	if (f[0] == 'h')
		len = f[1] == 'h' ? (f++, 1) : 2;
	else if (f[0] == 'l')
		len = f[1] == 'l' ? (f++, 8) : (int)sizeof(long);
	else if (f[0] == 'z' || f[0] == 'j' || f[0] == 't')
		len = 8;
	else
		return len;
	*fmt = f + 1;
	return len;
}

/* Fetches an integer argument of len bytes, sign- or zero-extended. */
static uint64_t int_arg(va_list *ap, int len, bool is_signed)
{
	if (len == 8)
		return va_arg(*ap, uint64_t);
	int64_t v = va_arg(*ap, int);
	if (len == 1)
		return is_signed ? (uint64_t)(int64_t)(int8_t)v : (uint8_t)v;
	if (len == 2)
		return is_signed ? (uint64_t)(int64_t)(int16_t)v : (uint16_t)v;
	return is_signed ? (uint64_t)v : (uint32_t)v;
}

/* Formats one conversion starting after the '%'. */
static void convert(struct out *o, const char **fmt, va_list *ap)
{
	struct spec sp = {.prec = -1};
	for (;; (*fmt)++) {
		char c = **fmt;
		if (c == '-')
			sp.left = true;
		else if (c == '0')
			sp.zero = true;
		else if (c == '+')
			sp.plus = true;
		else if (c == ' ')
			sp.space = true;
		else if (c == '#')
			sp.alt = true;
		else
			break;
	}
	sp.width = read_num(fmt, ap);
	if (sp.width < 0) {
		sp.left = true;
		sp.width = -sp.width;
	}
	if (**fmt == '.') {
		(*fmt)++;
		sp.prec = read_num(fmt, ap);
	}
	int len = read_length(fmt);
	char c = **fmt;
	if (c)
		(*fmt)++;
	switch (c) {
	case 'd':
	case 'i': {
		int64_t v = (int64_t)int_arg(ap, len, true);
		put_int(o, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 10,
			false, v < 0);
		break;
	}
	case 'u':
		put_int(o, &sp, int_arg(ap, len, false), 10, false, false);
		break;
	case 'x':
	case 'X':
		put_int(o, &sp, int_arg(ap, len, false), 16, c == 'X', false);
		break;
	case 'o':
		put_int(o, &sp, int_arg(ap, len, false), 8, false, false);
		break;
	case 'p':
		sp.alt = true;
		put_int(o, &sp, (uintptr_t)va_arg(*ap, void *), 16, false,
			false);
		break;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		put_str(o, &sp, &ch, 1);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		put_str(o, &sp, s,
			sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s));
		break;
	}
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		(void)va_arg(*ap, double);
		put_str(o, &sp, "<float>", 7);
		break;
	case '%':
		put(o, '%');
		break;
	default: /* unknown: print it as written */
		put(o, '%');
		if (c)
			put(o, c);
		break;
	}
}

/* Formats into buf (at most size bytes, always terminated when size > 0);
 * returns the length the whole output would have. */
int vsnprintf(char *restrict buf, size_t size, const char *restrict format,
	      va_list ap)
{
	struct out o = {buf, size, 0};
	const char *fmt = format;
	va_list aq;
	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		convert(&o, &fmt, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
