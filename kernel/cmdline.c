/*
 * cmdline.c: numbers on the kernel command line (cmdline.h).
 */
#include <string.h>

#include "hal/hal.h"
#include "kernel/cmdline.h"

bool cmdline_number(const char *key, uint64_t *n)
{
	const char *line = hal_cmdline(), *s = line;
	size_t len = strlen(key);

	for (; (s = strstr(s, key)); s += len)
		if ((s == line || s[-1] == ' ') && s[len] == '=')
			break; /* else inside another word */
	if (!s)
		return false;
	for (*n = 0, s += len + 1; *s >= '0' && *s <= '9' && *n < (1ull << 40);
	     s++)
		*n = *n * 10 + (uint64_t)(*s - '0');
	return true;
}
