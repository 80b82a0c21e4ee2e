/*
 * sqlite_vfs.c: the operating-system layer of tests/apps' sqlite3.wasm
 * (Debian's SQLite shell, built with SQLITE_OS_OTHER): files through
 * wasi-libc's POSIX calls (open, pread, pwrite, fsync, ftruncate,
 * unlink), which WASI turns into its file calls on a preopen. Unlike
 * SQLite's unix VFS it takes no locks and maps nothing: wasi-libc has
 * neither fcntl locks nor mmap, and one program at a time owns its
 * database here. Temporary files live in memory (SQLITE_TEMP_STORE=3).
 * The clock, names, randomness and sleep are the benchmark suite's VFS
 * (bench/suite/sqlite_os.c, included with its entry points renamed):
 * this one registers over it, taking those from it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define sqlite3_os_init suite_os_init
#define sqlite3_os_end suite_os_end
#include "bench/suite/sqlite_os.c"
#undef sqlite3_os_init
#undef sqlite3_os_end

struct vfile {
	sqlite3_file base;
	int fd;
};

/* xClose: the descriptor goes. */
static int vf_close(sqlite3_file *f)
{
	close(((struct vfile *)f)->fd);
	return SQLITE_OK;
}

/* xRead: n bytes at off; past the end the rest is zeros (SQLite's
 * contract for a short read). */
static int vf_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	ssize_t got = 0, r;

	while (got < n) {
		r = pread(((struct vfile *)f)->fd, (char *)buf + got,
			  (size_t)(n - got), off + got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return SQLITE_IOERR_READ;
		if (r == 0)
			break;
		got += r;
	}
	if (got == n)
		return SQLITE_OK;
	memset((char *)buf + got, 0, (size_t)(n - got));
	return SQLITE_IOERR_SHORT_READ;
}

/* xWrite: all n bytes at off. */
static int vf_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	ssize_t put = 0, r;

	while (put < n) {
		r = pwrite(((struct vfile *)f)->fd, (const char *)buf + put,
			   (size_t)(n - put), off + put);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return errno == ENOSPC ? SQLITE_FULL
					       : SQLITE_IOERR_WRITE;
		put += r;
	}
	return SQLITE_OK;
}

static int vf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return ftruncate(((struct vfile *)f)->fd, size) ? SQLITE_IOERR_TRUNCATE
							: SQLITE_OK;
}

static int vf_sync(sqlite3_file *f, int flags)
{
	return fsync(((struct vfile *)f)->fd) ? SQLITE_IOERR_FSYNC : SQLITE_OK;
}

static int vf_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct stat st;

	if (fstat(((struct vfile *)f)->fd, &st))
		return SQLITE_IOERR_FSTAT;
	*size = st.st_size;
	return SQLITE_OK;
}

/* Locks: nothing to do, nobody else holds the file. */
static int vf_lock(sqlite3_file *f, int level)
{
	return SQLITE_OK;
}

static int vf_reserved(sqlite3_file *f, int *out)
{
	*out = 0;
	return SQLITE_OK;
}

static int vf_control(sqlite3_file *f, int op, void *arg)
{
	return SQLITE_NOTFOUND;
}

static int vf_sector(sqlite3_file *f)
{
	return 512;
}

static int vf_device(sqlite3_file *f)
{
	return 0;
}

static const sqlite3_io_methods vf_methods = {
	1,	    vf_close,  vf_read,	  vf_write, vf_truncate,
	vf_sync,    vf_size,   vf_lock,	  vf_lock,  vf_reserved,
	vf_control, vf_sector, vf_device,
};

/* xOpen: name with SQLite's flags (a temporary file, name NULL, cannot
 * be: temporary storage is in memory). */
static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
		    int flags, int *out_flags)
{
	struct vfile *v = (struct vfile *)f;
	int o = flags & SQLITE_OPEN_READWRITE ? O_RDWR : O_RDONLY;

	f->pMethods = NULL;
	if (!name)
		return SQLITE_CANTOPEN;
	if (flags & SQLITE_OPEN_CREATE)
		o |= O_CREAT;
	if (flags & SQLITE_OPEN_EXCLUSIVE)
		o |= O_EXCL;
	if ((v->fd = open(name, o, 0644)) < 0)
		return SQLITE_CANTOPEN;
	if (out_flags)
		*out_flags = flags;
	f->pMethods = &vf_methods;
	return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	if (unlink(name) == 0 || errno == ENOENT)
		return SQLITE_OK;
	return SQLITE_IOERR_DELETE;
}

/* xAccess: whether name exists (readable and writable alike: no
 * permissions here). */
static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	struct stat st;

	*out = stat(name, &st) == 0;
	return SQLITE_OK;
}

static sqlite3_vfs vfs = {
	.iVersion = 2,
	.szOsFile = sizeof(struct vfile),
	.mxPathname = 1024,
	.zName = "wasi",
	.xOpen = vfs_open,
	.xDelete = vfs_delete,
	.xAccess = vfs_access,
};

/* Registers this VFS as the default, the suite's clock and the rest
 * taken from the suite's. */
int sqlite3_os_init(void)
{
	vfs.xFullPathname = os_vfs.xFullPathname;
	vfs.xRandomness = os_vfs.xRandomness;
	vfs.xSleep = os_vfs.xSleep;
	vfs.xCurrentTime = os_vfs.xCurrentTime;
	vfs.xGetLastError = os_vfs.xGetLastError;
	vfs.xCurrentTimeInt64 = os_vfs.xCurrentTimeInt64;
	return sqlite3_vfs_register(&vfs, 1);
}

int sqlite3_os_end(void)
{
	return SQLITE_OK;
}
