/* bench/suite/sqlite_os.c: the operating-system layer SQLite is built
 * with for the suite (SQLITE_OS_OTHER), the same natively and on
 * wasm32-wasi. speedtest1 runs on a ":memory:" database with temporary
 * storage in memory, so the VFS opens no file: it only gives the clock
 * (speedtest1's timings), a fixed "randomness" and path names. */
#include <string.h>
#include <time.h>

#include "sqlite3.h"

/* os_open: every file open fails; nothing the suite runs needs a file. */
static int os_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
		   int flags, int *out_flags)
{
	f->pMethods = 0;
	return SQLITE_CANTOPEN;
}

/* os_delete: there are no files to delete. */
static int os_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	return SQLITE_IOERR_DELETE;
}

/* os_access: no file exists. */
static int os_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	*out = 0;
	return SQLITE_OK;
}

/* os_full_pathname: names are kept as given (at most n bytes). */
static int os_full_pathname(sqlite3_vfs *vfs, const char *name, int n,
			    char *out)
{
	sqlite3_snprintf(n, out, "%s", name);
	return SQLITE_OK;
}

/* os_randomness: a fixed sequence, so that every run does the same work. */
static int os_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)(i * 131 + 7);
	return n;
}

/* os_sleep: returns at once (nothing waits on a lock). */
static int os_sleep(sqlite3_vfs *vfs, int us)
{
	return us;
}

/* os_time_ms: the current time as a Julian day number in milliseconds. */
static int os_time_ms(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*out = 210866760000000LL + (sqlite3_int64)ts.tv_sec * 1000 +
	       ts.tv_nsec / 1000000;
	return SQLITE_OK;
}

/* os_time: the same as a fractional Julian day. */
static int os_time(sqlite3_vfs *vfs, double *out)
{
	sqlite3_int64 ms;
	os_time_ms(vfs, &ms);
	*out = ms / 86400000.0;
	return SQLITE_OK;
}

/* os_last_error: no error is ever kept. */
static int os_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	if (n > 0)
		out[0] = 0;
	return 0;
}

static sqlite3_vfs os_vfs = {
	.iVersion = 2,
	.szOsFile = sizeof(sqlite3_file),
	.mxPathname = 512,
	.zName = "suite",
	.xOpen = os_open,
	.xDelete = os_delete,
	.xAccess = os_access,
	.xFullPathname = os_full_pathname,
	.xRandomness = os_randomness,
	.xSleep = os_sleep,
	.xCurrentTime = os_time,
	.xGetLastError = os_last_error,
	.xCurrentTimeInt64 = os_time_ms,
};

/* sqlite3_os_init: registers the VFS as the default (SQLite calls it). */
int sqlite3_os_init(void)
{
	return sqlite3_vfs_register(&os_vfs, 1);
}

/* sqlite3_os_end: nothing to release. */
int sqlite3_os_end(void)
{
	return SQLITE_OK;
}
