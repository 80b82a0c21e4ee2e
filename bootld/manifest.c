/*
 * manifest.c: the manifest language's lexer (manifest.h), freestanding:
 * the boot loader runs it in the kernel, the firmament's init in wasm.
 */
#include "bootld/manifest.h"

/* A word separator: space, tab, or the CR of a CRLF line end. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The character that backslash-c stands for. */
static char unescape(char c)
{
	if (c == 'n')
		return '\n';
	return c == 't' ? '\t' : c;
}

/* Splits line s into words in place (manifest.h). */
int manifest_split(char *s, char **words, int max)
{
	int n = 0;
	char *out = s;

	for (;;) {
		bool quoted = false;
		while (is_space(*s))
			s++;
		if (!*s || (n == 0 && *s == '#'))
			return n;
		if (n == max)
			return -1;
		words[n++] = out;
		for (; *s && (quoted || !is_space(*s)); s++) {
			if (*s == '"') {
				quoted = !quoted;
			} else if (*s == '\\' && s[1]) {
				s++;
				*out++ = unescape(*s);
			} else {
				*out++ = *s;
			}
		}
		if (quoted)
			return -1;
		if (*s)
			s++; /* past the separator, which the NUL may overwrite
			      */
		*out++ = 0;
	}
}

/* Parses a number (manifest.h). */
bool manifest_number(const char *s, char end, uint32_t *out)
{
	unsigned base = 10, d;
	uint64_t v = 0;
	const char *start;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (start = s;; s++) {
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (unsigned)((*s | 0x20) - 'a' + 10);
		else
			break;
		if ((v = v * base + d) > 0xffffffffu)
			return false;
	}
	if (s == start || *s != end)
		return false;
	*out = (uint32_t)v;
	return true;
}
