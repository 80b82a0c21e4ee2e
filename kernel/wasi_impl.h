/*
 * wasi_impl.h: what the files of WASI preview 1 share (wasi.c: the
 * context, the function table, args, clocks, random, processes;
 * wasi_fd.c: descriptors and the fd_* calls; wasi_path.c: path
 * resolution beneath a preopen and the path_* calls; wasi_poll.c:
 * poll_oneoff, sched_yield and the sock_* calls). Internal to kernel/.
 *
 * Every call is `uint32_t NAME(wasm_caller *c, wasi_ctx *x, const
 * wasm_val *a)`: a[i] its wasm arguments, the result a WASI errno, or
 * WASI_TRAPPED when the call trapped or exited (the caller was told).
 */
#ifndef KERNEL_WASI_IMPL_H
#define KERNEL_WASI_IMPL_H

#include "kernel/wasi.h"

#define WASI_TRAPPED 0xffffffffu

/* Errno values (preview 1 numbering). */
enum wasi_errno {
	WASI_ESUCCESS = 0,
	WASI_E2BIG = 1,
	WASI_EACCES = 2,
	WASI_EAGAIN = 6,
	WASI_EBADF = 8,
	WASI_EEXIST = 20,
	WASI_EFAULT = 21,
	WASI_EILSEQ = 25,
	WASI_EINVAL = 28,
	WASI_EIO = 29,
	WASI_EISDIR = 31,
	WASI_ELOOP = 32,
	WASI_EMFILE = 33,
	WASI_ENAMETOOLONG = 37,
	WASI_ENOENT = 44,
	WASI_ENOMEM = 48,
	WASI_ENOSYS = 52,
	WASI_ENOTCONN = 53,
	WASI_ENOTDIR = 54,
	WASI_ENOTEMPTY = 55,
	WASI_ENOTSOCK = 57,
	WASI_ENOTSUP = 58,
	WASI_EOVERFLOW = 61,
	WASI_EPERM = 63,
	WASI_ESPIPE = 70,
	WASI_EXDEV = 75,
	WASI_ENOTCAPABLE = 76,
};

/* Rights. */
#define WASI_R(n) (1ull << (n))
enum {
	WR_FD_DATASYNC = 0,
	WR_FD_READ,
	WR_FD_SEEK,
	WR_FD_FDSTAT_SET_FLAGS,
	WR_FD_SYNC,
	WR_FD_TELL,
	WR_FD_WRITE,
	WR_FD_ADVISE,
	WR_FD_ALLOCATE,
	WR_PATH_CREATE_DIRECTORY,
	WR_PATH_CREATE_FILE,
	WR_PATH_LINK_SOURCE,
	WR_PATH_LINK_TARGET,
	WR_PATH_OPEN,
	WR_FD_READDIR,
	WR_PATH_READLINK,
	WR_PATH_RENAME_SOURCE,
	WR_PATH_RENAME_TARGET,
	WR_PATH_FILESTAT_GET,
	WR_PATH_FILESTAT_SET_SIZE,
	WR_PATH_FILESTAT_SET_TIMES,
	WR_FD_FILESTAT_GET,
	WR_FD_FILESTAT_SET_SIZE,
	WR_FD_FILESTAT_SET_TIMES,
	WR_PATH_SYMLINK,
	WR_PATH_REMOVE_DIRECTORY,
	WR_PATH_UNLINK_FILE,
	WR_POLL_FD_READWRITE,
	WR_SOCK_SHUTDOWN,
	WR_SOCK_ACCEPT,
};
/* Every right a kind of descriptor can have. */
#define WASI_RIGHTS_ALL (WASI_R(30) - 1)
#define WASI_RIGHTS_FILE                                                       \
	(WASI_R(WR_FD_DATASYNC) | WASI_R(WR_FD_READ) | WASI_R(WR_FD_SEEK) |    \
	 WASI_R(WR_FD_FDSTAT_SET_FLAGS) | WASI_R(WR_FD_SYNC) |                 \
	 WASI_R(WR_FD_TELL) | WASI_R(WR_FD_WRITE) | WASI_R(WR_FD_ADVISE) |     \
	 WASI_R(WR_FD_ALLOCATE) | WASI_R(WR_FD_FILESTAT_GET) |                 \
	 WASI_R(WR_FD_FILESTAT_SET_SIZE) | WASI_R(WR_FD_FILESTAT_SET_TIMES) |  \
	 WASI_R(WR_POLL_FD_READWRITE))
#define WASI_RIGHTS_DIR                                                        \
	(WASI_R(WR_FD_FDSTAT_SET_FLAGS) | WASI_R(WR_FD_SYNC) |                 \
	 WASI_R(WR_FD_DATASYNC) | WASI_R(WR_PATH_CREATE_DIRECTORY) |           \
	 WASI_R(WR_PATH_CREATE_FILE) | WASI_R(WR_PATH_LINK_SOURCE) |           \
	 WASI_R(WR_PATH_LINK_TARGET) | WASI_R(WR_PATH_OPEN) |                  \
	 WASI_R(WR_FD_READDIR) | WASI_R(WR_PATH_READLINK) |                    \
	 WASI_R(WR_PATH_RENAME_SOURCE) | WASI_R(WR_PATH_RENAME_TARGET) |       \
	 WASI_R(WR_PATH_FILESTAT_GET) | WASI_R(WR_PATH_FILESTAT_SET_SIZE) |    \
	 WASI_R(WR_PATH_FILESTAT_SET_TIMES) | WASI_R(WR_FD_FILESTAT_GET) |     \
	 WASI_R(WR_FD_FILESTAT_SET_TIMES) | WASI_R(WR_PATH_SYMLINK) |          \
	 WASI_R(WR_PATH_REMOVE_DIRECTORY) | WASI_R(WR_PATH_UNLINK_FILE) |      \
	 WASI_R(WR_POLL_FD_READWRITE))
#define WASI_RIGHTS_SOCKET                                                     \
	(WASI_R(WR_FD_READ) | WASI_R(WR_FD_WRITE) |                            \
	 WASI_R(WR_FD_FDSTAT_SET_FLAGS) | WASI_R(WR_FD_FILESTAT_GET) |         \
	 WASI_R(WR_POLL_FD_READWRITE) | WASI_R(WR_SOCK_SHUTDOWN) |             \
	 WASI_R(WR_SOCK_ACCEPT))

/* Filetypes, fdflags, oflags. */
enum {
	WASI_FILETYPE_UNKNOWN,
	WASI_FILETYPE_BLOCK_DEVICE,
	WASI_FILETYPE_CHARACTER_DEVICE,
	WASI_FILETYPE_DIRECTORY,
	WASI_FILETYPE_REGULAR_FILE,
	WASI_FILETYPE_SOCKET_DGRAM,
	WASI_FILETYPE_SOCKET_STREAM,
	WASI_FILETYPE_SYMBOLIC_LINK,
};
enum {
	WASI_FDFLAG_APPEND = 1,
	WASI_FDFLAG_DSYNC = 2,
	WASI_FDFLAG_NONBLOCK = 4,
	WASI_FDFLAG_RSYNC = 8,
	WASI_FDFLAG_SYNC = 16,
};
enum {
	WASI_O_CREAT = 1,
	WASI_O_DIRECTORY = 2,
	WASI_O_EXCL = 4,
	WASI_O_TRUNC = 8,
};
enum {
	WASI_FST_ATIM = 1,
	WASI_FST_ATIM_NOW = 2,
	WASI_FST_MTIM = 4,
	WASI_FST_MTIM_NOW = 8,
};

/* What a descriptor is. */
enum {
	WASI_KIND_FREE,
	WASI_KIND_STREAM, /* a standard stream: the console */
	WASI_KIND_FILE,	  /* a backend file (or other non-directory) */
	WASI_KIND_DIR,	  /* a backend directory */
	WASI_KIND_SOCKET, /* a backend socket */
};

typedef uint32_t (*wasi_impl)(wasm_caller *c, wasi_ctx *x, const wasm_val *a);

/* wasi.c: memory access. wasi_mem gives [ptr, ptr+len) of the caller's
 * memory 0, or NULL when any of it is outside (or there is none). */
uint8_t *wasi_mem(wasm_caller *c, uint32_t ptr, uint64_t len);
uint32_t wasi_get_u32(const uint8_t *p);
uint64_t wasi_get_u64(const uint8_t *p);
void wasi_put_u16(uint8_t *p, uint16_t v);
void wasi_put_u32(uint8_t *p, uint32_t v);
void wasi_put_u64(uint8_t *p, uint64_t v);
/* The time of clock id in ns; false for an unknown clock. */
bool wasi_clock_now(const wasi_ctx *x, uint32_t id, uint64_t *t);

/* wasi_fd.c: the table. wasi_fd_get gives the open descriptor fd, else
 * NULL with *err EBADF; wasi_fd_want checks it is of kind (0: any) and
 * holds rights, giving *err = wrong (for the wrong kind) or
 * ENOTCAPABLE. */
struct wasi_fd *wasi_fd_get(wasi_ctx *x, uint32_t fd, uint32_t *err);
struct wasi_fd *wasi_fd_want(wasi_ctx *x, uint32_t fd, uint8_t kind,
			     uint32_t wrong, uint64_t rights, uint32_t *err);
/* A new descriptor holding h (lowest free number); -1 when full. */
int wasi_fd_add(wasi_ctx *x, uint8_t kind, uint8_t type, int32_t h,
		uint64_t base, uint64_t inheriting, uint16_t flags);
/* Adds proto (a new backend handle) as the lowest free descriptor and
 * writes its number at out; EMFILE (the handle closed) when full. */
uint32_t wasi_fd_adopt(wasi_ctx *x, const struct wasi_fd *proto, uint8_t *out);
/* Checks an iovec array (n entries of {u32 buf, u32 len}): every buffer
 * in memory and the total within a u32. Returns the array, or NULL with
 * *err EFAULT or EINVAL. */
const uint8_t *wasi_iovecs(wasm_caller *c, uint32_t iovs, uint32_t n,
			   uint32_t *err);
/* The first (at most WASI_IOV_MAX) of the checked iovecs as host
 * buffers: a transfer may be short, as readv's. Returns their count. */
#define WASI_IOV_MAX 64
uint32_t wasi_host_iov(wasm_caller *c, const uint8_t *vec, uint32_t n,
		       struct wasi_iov *iov);
/* fstflags valid: known bits, never a time and "now" for the same one. */
bool wasi_fst_ok(uint32_t fst);
/* Writes a filestat (64 bytes) at p. */
void wasi_put_filestat(uint8_t *p, const struct wasi_filestat *st);

/* The calls of each file. */
#define WASI_CALL(name)                                                        \
	uint32_t wasi_##name(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
WASI_CALL(fd_advise);
WASI_CALL(fd_allocate);
WASI_CALL(fd_close);
WASI_CALL(fd_datasync);
WASI_CALL(fd_fdstat_get);
WASI_CALL(fd_fdstat_set_flags);
WASI_CALL(fd_fdstat_set_rights);
WASI_CALL(fd_filestat_get);
WASI_CALL(fd_filestat_set_size);
WASI_CALL(fd_filestat_set_times);
WASI_CALL(fd_pread);
WASI_CALL(fd_prestat_get);
WASI_CALL(fd_prestat_dir_name);
WASI_CALL(fd_pwrite);
WASI_CALL(fd_read);
WASI_CALL(fd_readdir);
WASI_CALL(fd_renumber);
WASI_CALL(fd_seek);
WASI_CALL(fd_sync);
WASI_CALL(fd_tell);
WASI_CALL(fd_write);
WASI_CALL(path_create_directory);
WASI_CALL(path_filestat_get);
WASI_CALL(path_filestat_set_times);
WASI_CALL(path_link);
WASI_CALL(path_open);
WASI_CALL(path_readlink);
WASI_CALL(path_remove_directory);
WASI_CALL(path_rename);
WASI_CALL(path_symlink);
WASI_CALL(path_unlink_file);
WASI_CALL(poll_oneoff);
WASI_CALL(sched_yield);
WASI_CALL(sock_accept);
WASI_CALL(sock_recv);
WASI_CALL(sock_send);
WASI_CALL(sock_shutdown);

#endif
