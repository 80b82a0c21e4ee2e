/*
 * pwd.h for tests/apps' wasm32-wasi programs: wasi-libc (2022) has no
 * user database, and Debian's pwd.h (which clang would find instead)
 * is glibc's. A WASI program has no user: getpwuid finds nobody, so
 * SQLite's shell looks for no ~/.sqliterc.
 */
#ifndef TESTS_APPS_PWD_H
#define TESTS_APPS_PWD_H

#include <stddef.h>
#include <sys/types.h>

struct passwd {
	char *pw_name;
	char *pw_dir;
};

static inline uid_t getuid(void)
{
	return 0;
}

static inline struct passwd *getpwuid(uid_t uid)
{
	return NULL;
}

#endif
