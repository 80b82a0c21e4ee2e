/*
 * string.c: libk's string.h. Compiled without SSE, like the HAL: these
 * may run inside exception handlers (memset of a demand-zero page). The
 * compiler emits calls to the mem* functions on its own, so their copies
 * and fills are string instructions, never loops it could turn back into
 * calls to themselves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void *memset(void *d, int c, size_t n)
{
	void *p = d;
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *p = d;
	__asm__ volatile("rep movsb" : "+D"(p), "+S"(s), "+c"(n) : : "memory");
	return d;
}

/* Like memcpy, but the ranges may overlap. */
void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (dp <= sp || dp >= sp + n || !n)
		return memcpy(d, s, n);
	/* Copy backwards, from the last byte down. */
	dp += n - 1;
	sp += n - 1;
	__asm__ volatile("std; rep movsb; cld"
			 : "+D"(dp), "+S"(sp), "+c"(n)
			 :
			 : "memory");
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

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
