/*
 * posix_port.c: C library calls that unmodified programs in tests/apps
 * (Lua's interpreter, SQLite's shell) link against and wasi-libc (2022)
 * lacks. A WASI program cannot run commands, make temporary names or
 * change permissions, so each fails as C and POSIX allow: system gives
 * -1 (0 for NULL: no command processor), the others set ENOTSUP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int system(const char *cmd)
{
	return cmd ? -1 : 0;
}

char *tmpnam(char *s)
{
	errno = ENOTSUP;
	return NULL;
}

FILE *tmpfile(void)
{
	errno = ENOTSUP;
	return NULL;
}

int chmod(const char *path, mode_t mode)
{
	errno = ENOTSUP;
	return -1;
}
