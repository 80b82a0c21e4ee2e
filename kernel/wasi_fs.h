/*
 * wasi_fs.h: the backend a wasi_ctx reaches files, directories and
 * sockets through. The WASI layer (kernel/wasi*.c) owns the descriptor
 * table, the rights and the sandbox (path resolution never leaves a
 * preopen); a backend only does single-component operations on its own
 * handles, so it cannot be asked to resolve a path that escapes.
 *
 * Backends: hosted `nebulet run` gives POSIX calls (tools/nebulet/
 * wasi_host.c); on bare metal the firmament's FileSystem and Socket
 * services can serve the same table. A context without a backend has
 * the standard streams only.
 *
 * Every operation returns a WASI errno (0 on success). Handles are the
 * backend's (a host descriptor, a firmament handle); `name` is always
 * one path component: no '/', never empty (it may be "." for the
 * directory itself, never ".."). Buffers are the kernel's, already
 * checked against the program's memory.
 */
#ifndef KERNEL_WASI_FS_H
#define KERNEL_WASI_FS_H

#include <stdbool.h>
#include <stdint.h>

/* Flags of wasi_fs_ops.open besides WASI's oflags and fdflags. */
enum {
	WASI_FS_READ = 1,  /* open for reading */
	WASI_FS_WRITE = 2, /* open for writing */
	WASI_FS_WALK = 4,  /* only to resolve paths beneath: a directory,
			      neither read nor written */
};

struct wasi_filestat {
	uint64_t dev, ino;
	uint8_t type; /* WASI filetype */
	uint64_t nlink, size, atim, mtim, ctim;
};

struct wasi_iov {
	uint8_t *buf;
	uint32_t len;
};

/* One directory entry for fd_readdir: next is the cookie that resumes
 * after it. Returning false stops the listing. */
typedef bool (*wasi_dirent_fn)(void *arg, uint64_t next, uint64_t ino,
			       uint8_t type, const char *name,
			       uint32_t namelen);

/* One descriptor of a poll: what is wanted, and on return what is ready
 * (nbytes: bytes readable or writable if known, else 0). */
struct wasi_pollfd {
	int32_t h;
	bool want_read, want_write;
	bool readable, writable, hangup;
	uint16_t err;
	uint64_t nbytes;
};

struct wasi_fs_ops {
	/* Opens name beneath dir: oflags and fdflags as WASI spells them
	 * (creat, directory, excl, trunc; append, dsync, nonblock, rsync,
	 * sync), how a set of WASI_FS_*; never follows a symlink. */
	uint32_t (*open)(void *be, int32_t dir, const char *name,
			 uint16_t oflags, uint16_t fdflags, uint32_t how,
			 int32_t *out);
	void (*close)(void *be, int32_t h);
	/* off < 0: at (and moving) the position; else at off. */
	uint32_t (*read)(void *be, int32_t h, const struct wasi_iov *iov,
			 uint32_t n, int64_t off, uint32_t *done);
	uint32_t (*write)(void *be, int32_t h, const struct wasi_iov *iov,
			  uint32_t n, int64_t off, uint32_t *done);
	uint32_t (*seek)(void *be, int32_t h, int64_t off, uint8_t whence,
			 uint64_t *pos);
	uint32_t (*sync)(void *be, int32_t h, bool data_only);
	uint32_t (*advise)(void *be, int32_t h, uint64_t off, uint64_t len,
			   uint8_t advice);
	uint32_t (*allocate)(void *be, int32_t h, uint64_t off, uint64_t len);
	/* Changes append and nonblock (the only fdflags that can change). */
	uint32_t (*set_flags)(void *be, int32_t h, uint16_t fdflags);
	uint32_t (*stat)(void *be, int32_t h, struct wasi_filestat *st);
	/* name beneath dir, a symlink itself when it is one. */
	uint32_t (*statat)(void *be, int32_t dir, const char *name,
			   struct wasi_filestat *st);
	uint32_t (*set_size)(void *be, int32_t h, uint64_t size);
	/* Times of name beneath dir (NULL: dir itself), fstflags as WASI's;
	 * a symlink's own times when name is one. */
	uint32_t (*set_times)(void *be, int32_t dir, const char *name,
			      uint64_t atim, uint64_t mtim, uint16_t fstflags);
	/* Lists dir from cookie (0: the start) until emit returns false or
	 * the end. Cookies stay valid while the directory is open. */
	uint32_t (*readdir)(void *be, int32_t dir, uint64_t cookie,
			    wasi_dirent_fn emit, void *arg);
	uint32_t (*mkdir)(void *be, int32_t dir, const char *name);
	/* Removes a file (is_dir false) or an empty directory. */
	uint32_t (*unlink)(void *be, int32_t dir, const char *name,
			   bool is_dir);
	uint32_t (*rename)(void *be, int32_t d1, const char *n1, int32_t d2,
			   const char *n2);
	uint32_t (*link)(void *be, int32_t d1, const char *n1, int32_t d2,
			 const char *n2);
	uint32_t (*symlink)(void *be, const char *target, int32_t dir,
			    const char *name);
	/* The target of symlink name (EINVAL if not one), up to len bytes,
	 * not terminated; *n its length. */
	uint32_t (*readlink)(void *be, int32_t dir, const char *name, char *buf,
			     uint32_t len, uint32_t *n);
	/* Waits until one of fds is ready or timeout_ns passes (< 0:
	 * forever, 0: just looks); fills in what is ready. */
	uint32_t (*poll)(void *be, struct wasi_pollfd *fds, uint32_t n,
			 int64_t timeout_ns);
	uint32_t (*accept)(void *be, int32_t h, uint16_t fdflags, int32_t *out);
	/* riflags: WASI's recv_peek, recv_waitall; *roflags gets
	 * recv_data_truncated (never for a stream). */
	uint32_t (*recv)(void *be, int32_t h, const struct wasi_iov *iov,
			 uint32_t n, uint16_t riflags, uint32_t *done,
			 uint16_t *roflags);
	uint32_t (*send)(void *be, int32_t h, const struct wasi_iov *iov,
			 uint32_t n, uint32_t *done);
	/* how: WASI's sdflags (rd 1, wr 2). */
	uint32_t (*shutdown)(void *be, int32_t h, uint8_t how);
};

#endif
