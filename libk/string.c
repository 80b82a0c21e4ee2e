/*
 * string.c: the string functions of libk that the HAL's lib.c does not
 * already provide (that file has memset, memcpy, memmove, memcmp, strlen,
 * strncmp). Compiled without SSE, like the HAL: these may run inside
 * exception handlers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

/* The first occurrence of needle[0..nlen) in hay[0..hlen); an empty needle
 * is found at hay. */
void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
	const unsigned char *h = hay;
	if (nlen == 0)
		return (void *)h;
	for (; hlen >= nlen; h++, hlen--)
		if (*h == *(const unsigned char *)needle &&
		    memcmp(h, needle, nlen) == 0)
			return (void *)h;
	return NULL;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *hay, const char *needle)
{
	return memmem(hay, strlen(hay) + 1, needle, strlen(needle));
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

/* Messages for the few errno values libk sets. */
const char *strerror(int e)
{
	switch (e) {
	case 0:
		return "no error";
	case ENOMEM:
		return "out of memory";
	case EINVAL:
		return "invalid argument";
	case EIO:
		return "input/output error";
	case EDOM:
		return "argument out of domain";
	case ERANGE:
		return "result out of range";
	default:
		return "unknown error";
	}
}
