/*
 * wasi_fd.c: the descriptor table of a WASI context and the fd_* calls.
 *
 * A descriptor is a standard stream (the console: hal_console_* or the
 * context's `out`), or a file, directory or socket of the backend
 * (wasi_fs.h), with its rights. A call first checks its ranges, then
 * that the descriptor exists (EBADF) and is of a kind the call applies
 * to (the errno a POSIX system gives for the wrong kind: ESPIPE, EISDIR,
 * ENOTDIR, EINVAL), then its rights (ENOTCAPABLE; EBADF for reading or
 * writing the wrong way, as POSIX), and only then acts.
 */
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "kernel/wasi_impl.h"

struct wasi_fd *wasi_fd_get(wasi_ctx *x, uint32_t fd, uint32_t *err)
{
	if (fd >= x->nfds || x->fds[fd].kind == WASI_KIND_FREE) {
		*err = WASI_EBADF;
		return NULL;
	}
	return &x->fds[fd];
}

struct wasi_fd *wasi_fd_want(wasi_ctx *x, uint32_t fd, uint8_t kind,
			     uint32_t wrong, uint64_t rights, uint32_t *err)
{
	struct wasi_fd *f = wasi_fd_get(x, fd, err);

	if (f == NULL)
		return NULL;
	if (kind != WASI_KIND_FREE && f->kind != kind) {
		*err = wrong;
		return NULL;
	}
	if ((f->base & rights) != rights) {
		*err = WASI_ENOTCAPABLE;
		return NULL;
	}
	return f;
}

int wasi_fd_add(wasi_ctx *x, uint8_t kind, uint8_t type, int32_t h,
		uint64_t base, uint64_t inheriting, uint16_t flags)
{
	uint32_t fd;

	for (fd = 0; fd < x->nfds; fd++)
		if (x->fds[fd].kind == WASI_KIND_FREE)
			break;
	if (fd == x->nfds) {
		uint32_t n = x->nfds ? x->nfds * 2 : 8;
		struct wasi_fd *t;
		if (n > WASI_MAX_FDS)
			n = WASI_MAX_FDS;
		if (fd == n || !(t = realloc(x->fds, n * sizeof *t)))
			return -1;
		memset(t + x->nfds, 0, (n - x->nfds) * sizeof *t);
		x->fds = t;
		x->nfds = n;
	}
	x->fds[fd] =
		(struct wasi_fd){kind, type, flags, h, base, inheriting, NULL};
	return (int)fd;
}

uint32_t wasi_fd_adopt(wasi_ctx *x, const struct wasi_fd *proto, uint8_t *out)
{
	int fd = wasi_fd_add(x, proto->kind, proto->type, proto->h, proto->base,
			     proto->inheriting, proto->flags);

	if (fd < 0) {
		x->fs->close(x->fs_arg, proto->h);
		return WASI_EMFILE;
	}
	wasi_put_u32(out, (uint32_t)fd);
	return WASI_ESUCCESS;
}

/* Closes f's backend handle (a stream has none) and frees the slot. */
static void wasi_fd_release(wasi_ctx *x, struct wasi_fd *f)
{
	if (f->kind != WASI_KIND_STREAM && x->fs)
		x->fs->close(x->fs_arg, f->h);
	free(f->preopen);
	memset(f, 0, sizeof *f);
}

void wasi_ctx_free(wasi_ctx *ctx)
{
	for (uint32_t fd = 0; fd < ctx->nfds; fd++)
		if (ctx->fds[fd].kind != WASI_KIND_FREE)
			wasi_fd_release(ctx, &ctx->fds[fd]);
	free(ctx->fds);
	ctx->fds = NULL;
	ctx->nfds = 0;
}

int wasi_ctx_preopen(wasi_ctx *ctx, const char *guest, int32_t h)
{
	size_t len = strlen(guest) + 1;
	char *name = malloc(len);
	int fd;

	if (name == NULL)
		return -1;
	memcpy(name, guest, len);
	fd = wasi_fd_add(ctx, WASI_KIND_DIR, WASI_FILETYPE_DIRECTORY, h,
			 WASI_RIGHTS_DIR, WASI_RIGHTS_ALL, 0);
	if (fd < 0)
		free(name);
	else
		ctx->fds[fd].preopen = name;
	return fd;
}

int wasi_ctx_add_socket(wasi_ctx *ctx, int32_t h)
{
	return wasi_fd_add(ctx, WASI_KIND_SOCKET, WASI_FILETYPE_SOCKET_STREAM,
			   h, WASI_RIGHTS_SOCKET, 0, 0);
}

const uint8_t *wasi_iovecs(wasm_caller *c, uint32_t iovs, uint32_t n,
			   uint32_t *err)
{
	const uint8_t *vec = wasi_mem(c, iovs, (uint64_t)n * 8);
	uint64_t total = 0;
	uint32_t i;

	*err = WASI_EFAULT;
	if (vec == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		if (wasi_mem(c, wasi_get_u32(vec + 8 * i), len) == NULL)
			return NULL;
		total += len;
	}
	if (total > UINT32_MAX) {
		*err = WASI_EINVAL;
		return NULL;
	}
	return vec;
}

uint32_t wasi_host_iov(wasm_caller *c, const uint8_t *vec, uint32_t n,
		       struct wasi_iov *iov)
{
	uint32_t i;

	if (n > WASI_IOV_MAX)
		n = WASI_IOV_MAX;
	for (i = 0; i < n; i++) {
		iov[i].len = wasi_get_u32(vec + 8 * i + 4);
		iov[i].buf = wasi_mem(c, wasi_get_u32(vec + 8 * i), iov[i].len);
	}
	return n;
}

void wasi_put_filestat(uint8_t *p, const struct wasi_filestat *st)
{
	memset(p, 0, 64);
	wasi_put_u64(p, st->dev);
	wasi_put_u64(p + 8, st->ino);
	p[16] = st->type;
	wasi_put_u64(p + 24, st->nlink);
	wasi_put_u64(p + 32, st->size);
	wasi_put_u64(p + 40, st->atim);
	wasi_put_u64(p + 48, st->mtim);
	wasi_put_u64(p + 56, st->ctim);
}

#define WASI_OUT_CHUNK 4096u

/* Sends buf[0..*fill) through x->out and adds the count acknowledged to
 * *total: 0 (and *fill = 0) if it was all, -2 if part, -1 on failure. */
static long wasi_flush(wasi_ctx *x, const uint8_t *buf, uint32_t *fill,
		       long *total)
{
	long k = x->out(x->out_arg, buf, *fill);

	if (k < 0)
		return -1;
	*total += k;
	if ((uint32_t)k < *fill)
		return -2;
	*fill = 0;
	return 0;
}

/* The checked iovecs' bytes through x->out, gathered into chunks of at
 * most WASI_OUT_CHUNK so that a line split across iovecs goes out in one
 * piece: the count acknowledged (stopping at a partial write or a
 * failure after some bytes: the next call sees the failure), or -1 if
 * the first chunk failed. */
static long wasi_out(wasm_caller *c, wasi_ctx *x, const uint8_t *vec,
		     uint32_t n)
{
	uint8_t *buf = malloc(WASI_OUT_CHUNK);
	uint32_t fill = 0;
	long total = 0, k = 0;

	if (!buf)
		return -1;
	for (uint32_t i = 0; i < n && k == 0; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		const uint8_t *p = wasi_mem(c, wasi_get_u32(vec + 8 * i), len);
		while (len && k == 0) {
			uint32_t m = WASI_OUT_CHUNK - fill < len
					     ? WASI_OUT_CHUNK - fill
					     : len;
			memcpy(buf + fill, p, m);
			fill += m, p += m, len -= m;
			if (fill == WASI_OUT_CHUNK)
				k = wasi_flush(x, buf, &fill, &total);
		}
	}
	if (k == 0 && fill)
		k = wasi_flush(x, buf, &fill, &total);
	free(buf);
	return k == -1 && total == 0 ? -1 : total;
}

/* Writes the checked iovecs to stream 1 or 2: *done bytes. */
static uint32_t wasi_stream_write(wasm_caller *c, wasi_ctx *x, int32_t fd,
				  const uint8_t *vec, uint32_t n,
				  uint32_t *done)
{
	uint32_t i, total = 0;

	if (x->out) {
		long k = x->out_broken ? -1 : wasi_out(c, x, vec, n);
		if (k < 0) {
			x->out_broken = true;
			return WASI_EIO;
		}
		*done = (uint32_t)k;
		return WASI_ESUCCESS;
	}
	for (i = 0; i < n; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		hal_console_write((int)fd,
				  wasi_mem(c, wasi_get_u32(vec + 8 * i), len),
				  len);
		total += len;
	}
	*done = total;
	return WASI_ESUCCESS;
}

/* Reads stream 0: one read into the first non-empty buffer, so that a
 * call never waits for more input once some has arrived (as readv does
 * on a pipe or terminal). */
static uint32_t wasi_stream_read(wasm_caller *c, const uint8_t *vec, uint32_t n,
				 uint32_t *done)
{
	long got = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		if (len == 0)
			continue;
		got = hal_console_read(
			wasi_mem(c, wasi_get_u32(vec + 8 * i), len), len);
		if (got < 0)
			return WASI_EIO;
		break;
	}
	*done = (uint32_t)got;
	return WASI_ESUCCESS;
}

/*
 * fd_read / fd_write / fd_pread / fd_pwrite(fd, iovs, n, [offset,]
 * result_ptr): one transfer; write says which, off < 0 means at the
 * position. Streams and sockets cannot be read at an offset (ESPIPE).
 */
static uint32_t wasi_rw(wasm_caller *c, wasi_ctx *x, uint32_t fd, uint32_t iovs,
			uint32_t n, int64_t off, uint32_t res, bool write)
{
	uint64_t right = WASI_R(write ? WR_FD_WRITE : WR_FD_READ);
	struct wasi_iov iov[WASI_IOV_MAX];
	uint32_t err, done = 0;
	const uint8_t *vec;
	struct wasi_fd *f;
	uint8_t *out;

	if ((f = wasi_fd_get(x, fd, &err)) == NULL)
		return err;
	if (f->kind == WASI_KIND_DIR)
		return WASI_EISDIR;
	if (off >= 0 && f->kind != WASI_KIND_FILE)
		return WASI_ESPIPE;
	if ((f->base & right) == 0)
		return WASI_EBADF;
	if (off >= 0 && (f->base & WASI_R(WR_FD_SEEK)) == 0)
		return WASI_ENOTCAPABLE;
	if ((vec = wasi_iovecs(c, iovs, n, &err)) == NULL)
		return err;
	if ((out = wasi_mem(c, res, 4)) == NULL)
		return WASI_EFAULT;
	if (f->kind == WASI_KIND_STREAM)
		err = write ? wasi_stream_write(c, x, f->h, vec, n, &done)
			    : wasi_stream_read(c, vec, n, &done);
	else if (write)
		err = x->fs->write(x->fs_arg, f->h, iov,
				   wasi_host_iov(c, vec, n, iov), off, &done);
	else
		err = x->fs->read(x->fs_arg, f->h, iov,
				  wasi_host_iov(c, vec, n, iov), off, &done);
	if (err == WASI_ESUCCESS)
		wasi_put_u32(out, done);
	return err;
}

WASI_CALL(fd_read)
{
	return wasi_rw(c, x, a[0].i32, a[1].i32, a[2].i32, -1, a[3].i32, false);
}

WASI_CALL(fd_write)
{
	return wasi_rw(c, x, a[0].i32, a[1].i32, a[2].i32, -1, a[3].i32, true);
}

/* fd_pread/fd_pwrite: an offset past INT64_MAX is EINVAL. */
WASI_CALL(fd_pread)
{
	if ((int64_t)a[3].i64 < 0)
		return WASI_EINVAL;
	return wasi_rw(c, x, a[0].i32, a[1].i32, a[2].i32, a[3].i64, a[4].i32,
		       false);
}

WASI_CALL(fd_pwrite)
{
	if ((int64_t)a[3].i64 < 0)
		return WASI_EINVAL;
	return wasi_rw(c, x, a[0].i32, a[1].i32, a[2].i32, a[3].i64, a[4].i32,
		       true);
}

WASI_CALL(fd_close)
{
	uint32_t err;
	struct wasi_fd *f = wasi_fd_get(x, a[0].i32, &err);

	if (f == NULL)
		return err;
	wasi_fd_release(x, f);
	return WASI_ESUCCESS;
}

/* fd_renumber(from, to): both open; to is closed and becomes from. */
WASI_CALL(fd_renumber)
{
	uint32_t err;
	struct wasi_fd *from = wasi_fd_get(x, a[0].i32, &err), *to;

	if (from == NULL || (to = wasi_fd_get(x, a[1].i32, &err)) == NULL)
		return err;
	if (from != to) {
		wasi_fd_release(x, to);
		*to = *from;
		memset(from, 0, sizeof *from);
	}
	return WASI_ESUCCESS;
}

/* fd_fdstat_get(fd, stat_ptr): a 24-byte fdstat. */
WASI_CALL(fd_fdstat_get)
{
	uint8_t *st = wasi_mem(c, a[1].i32, 24);
	struct wasi_fd *f;
	uint32_t err;

	if (st == NULL)
		return WASI_EFAULT;
	if ((f = wasi_fd_get(x, a[0].i32, &err)) == NULL)
		return err;
	memset(st, 0, 24);
	st[0] = f->type;
	wasi_put_u16(st + 2, f->flags);
	wasi_put_u64(st + 8, f->base);
	wasi_put_u64(st + 16, f->inheriting);
	return WASI_ESUCCESS;
}

/*
 * fd_fdstat_set_flags(fd, flags): append and nonblock change; the sync
 * flags are fixed when the file is opened (ENOTSUP to change them). A
 * stream takes append (a console only appends) and nothing else.
 */
WASI_CALL(fd_fdstat_set_flags)
{
	const uint16_t sync =
		WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC;
	uint32_t flags = a[1].i32, err;
	struct wasi_fd *f = wasi_fd_want(x, a[0].i32, 0, 0,
					 WASI_R(WR_FD_FDSTAT_SET_FLAGS), &err);

	if (f == NULL)
		return err;
	if (flags & ~0x1fu)
		return WASI_EINVAL;
	if (f->kind == WASI_KIND_STREAM || f->kind == WASI_KIND_DIR) {
		if (flags & ~WASI_FDFLAG_APPEND)
			return WASI_ENOTSUP;
	} else if ((flags & sync) != (f->flags & sync)) {
		return WASI_ENOTSUP;
	} else if ((err = x->fs->set_flags(x->fs_arg, f->h, (uint16_t)flags))) {
		return err;
	}
	f->flags = (uint16_t)flags;
	return WASI_ESUCCESS;
}

/* fd_fdstat_set_rights(fd, base, inheriting): rights only shrink. */
WASI_CALL(fd_fdstat_set_rights)
{
	uint64_t base = a[1].i64, inh = a[2].i64;
	uint32_t err;
	struct wasi_fd *f = wasi_fd_get(x, a[0].i32, &err);

	if (f == NULL)
		return err;
	if ((base & ~f->base) || (inh & ~f->inheriting))
		return WASI_ENOTCAPABLE;
	f->base = base;
	f->inheriting = inh;
	return WASI_ESUCCESS;
}

/* fd_filestat_get(fd, buf): a 64-byte filestat; a stream is a character
 * device with nothing else known. */
WASI_CALL(fd_filestat_get)
{
	struct wasi_filestat fs = {.type = WASI_FILETYPE_CHARACTER_DEVICE};
	uint8_t *st = wasi_mem(c, a[1].i32, 64);
	struct wasi_fd *f;
	uint32_t err;

	if (st == NULL)
		return WASI_EFAULT;
	f = wasi_fd_want(x, a[0].i32, 0, 0, WASI_R(WR_FD_FILESTAT_GET), &err);
	if (f == NULL)
		return err;
	if (f->kind != WASI_KIND_STREAM &&
	    (err = x->fs->stat(x->fs_arg, f->h, &fs)))
		return err;
	wasi_put_filestat(st, &fs);
	return WASI_ESUCCESS;
}

/* A file of the backend with rights, or NULL with *err: ESPIPE for a
 * stream or socket, EISDIR for a directory (or dir_err). */
static struct wasi_fd *wasi_file(wasi_ctx *x, uint32_t fd, uint64_t rights,
				 uint32_t other_err, uint32_t *err)
{
	struct wasi_fd *f = wasi_fd_get(x, fd, err);

	if (f == NULL)
		return NULL;
	if (f->kind != WASI_KIND_FILE) {
		*err = f->kind == WASI_KIND_DIR ? WASI_EISDIR : other_err;
		return NULL;
	}
	return wasi_fd_want(x, fd, 0, 0, rights, err);
}

/* fd_filestat_set_size(fd, size). */
WASI_CALL(fd_filestat_set_size)
{
	uint32_t err;
	struct wasi_fd *f =
		wasi_file(x, a[0].i32, WASI_R(WR_FD_FILESTAT_SET_SIZE),
			  WASI_EINVAL, &err);

	if (f == NULL)
		return err;
	if ((int64_t)a[1].i64 < 0)
		return WASI_EINVAL;
	return x->fs->set_size(x->fs_arg, f->h, a[1].i64);
}

/* Both "a time" and "now" for one time is EINVAL, as are unknown bits. */
bool wasi_fst_ok(uint32_t fst)
{
	return !(fst & ~0xfu) &&
	       (fst & (WASI_FST_ATIM | WASI_FST_ATIM_NOW)) !=
		       (WASI_FST_ATIM | WASI_FST_ATIM_NOW) &&
	       (fst & (WASI_FST_MTIM | WASI_FST_MTIM_NOW)) !=
		       (WASI_FST_MTIM | WASI_FST_MTIM_NOW);
}

/* fd_filestat_set_times(fd, atim, mtim, fstflags). */
WASI_CALL(fd_filestat_set_times)
{
	uint32_t err;
	struct wasi_fd *f = wasi_fd_get(x, a[0].i32, &err);

	if (f == NULL)
		return err;
	if (f->kind == WASI_KIND_STREAM || f->kind == WASI_KIND_SOCKET)
		return WASI_ENOTSUP;
	if ((f->base & WASI_R(WR_FD_FILESTAT_SET_TIMES)) == 0)
		return WASI_ENOTCAPABLE;
	if (!wasi_fst_ok(a[3].i32))
		return WASI_EINVAL;
	return x->fs->set_times(x->fs_arg, f->h, NULL, a[1].i64, a[2].i64,
				(uint16_t)a[3].i32);
}

/* fd_seek(fd, offset, whence, newoffset_ptr); seeking by 0 from the
 * current position needs only the tell right. */
static uint32_t wasi_seek(wasm_caller *c, wasi_ctx *x, uint32_t fd, int64_t off,
			  uint32_t whence, uint32_t res)
{
	uint8_t *out = wasi_mem(c, res, 8);
	uint64_t right =
		WASI_R(off == 0 && whence == 1 ? WR_FD_TELL : WR_FD_SEEK);
	uint32_t err;
	struct wasi_fd *f;
	uint64_t pos;

	if (out == NULL)
		return WASI_EFAULT;
	if ((f = wasi_file(x, fd, right, WASI_ESPIPE, &err)) == NULL)
		return err == WASI_EISDIR ? WASI_EBADF : err;
	if (whence > 2)
		return WASI_EINVAL;
	if ((err = x->fs->seek(x->fs_arg, f->h, off, (uint8_t)whence, &pos)))
		return err;
	wasi_put_u64(out, pos);
	return WASI_ESUCCESS;
}

WASI_CALL(fd_seek)
{
	return wasi_seek(c, x, a[0].i32, a[1].i64, a[2].i32, a[3].i32);
}

WASI_CALL(fd_tell)
{
	return wasi_seek(c, x, a[0].i32, 0, 1, a[1].i32);
}

/* fd_sync / fd_datasync: files and directories; EINVAL for a stream or
 * socket (as fsync on a pipe). */
static uint32_t wasi_sync(wasi_ctx *x, uint32_t fd, bool data)
{
	uint32_t err;
	struct wasi_fd *f = wasi_fd_get(x, fd, &err);

	if (f == NULL)
		return err;
	if (f->kind == WASI_KIND_STREAM || f->kind == WASI_KIND_SOCKET)
		return WASI_EINVAL;
	if ((f->base & WASI_R(data ? WR_FD_DATASYNC : WR_FD_SYNC)) == 0)
		return WASI_ENOTCAPABLE;
	return x->fs->sync(x->fs_arg, f->h, data);
}

WASI_CALL(fd_sync)
{
	return wasi_sync(x, a[0].i32, false);
}

WASI_CALL(fd_datasync)
{
	return wasi_sync(x, a[0].i32, true);
}

/* fd_advise(fd, offset, len, advice): advice 0..5. */
WASI_CALL(fd_advise)
{
	uint32_t err;
	struct wasi_fd *f =
		wasi_file(x, a[0].i32, WASI_R(WR_FD_ADVISE), WASI_ESPIPE, &err);

	if (f == NULL)
		return err;
	if (a[3].i32 > 5 || (int64_t)a[1].i64 < 0 || (int64_t)a[2].i64 < 0)
		return WASI_EINVAL;
	return x->fs->advise(x->fs_arg, f->h, a[1].i64, a[2].i64,
			     (uint8_t)a[3].i32);
}

/* fd_allocate(fd, offset, len): the file grows to cover the range. */
WASI_CALL(fd_allocate)
{
	uint32_t err;
	struct wasi_fd *f = wasi_file(x, a[0].i32, WASI_R(WR_FD_ALLOCATE),
				      WASI_ESPIPE, &err);

	if (f == NULL)
		return err;
	if ((int64_t)a[1].i64 < 0 || (int64_t)a[2].i64 <= 0 ||
	    (uint64_t)a[1].i64 + (uint64_t)a[2].i64 > INT64_MAX)
		return WASI_EINVAL;
	return x->fs->allocate(x->fs_arg, f->h, a[1].i64, a[2].i64);
}

/* fd_prestat_get(fd, buf): a preopened directory and its name's length;
 * EBADF for any other descriptor (libc's scan of preopens stops at the
 * first EBADF). */
WASI_CALL(fd_prestat_get)
{
	uint8_t *st = wasi_mem(c, a[1].i32, 8);
	uint32_t err;
	struct wasi_fd *f = wasi_fd_get(x, a[0].i32, &err);

	if (st == NULL)
		return WASI_EFAULT;
	if (f == NULL || f->preopen == NULL)
		return WASI_EBADF;
	memset(st, 0, 8);
	wasi_put_u32(st + 4, (uint32_t)strlen(f->preopen));
	return WASI_ESUCCESS;
}

/* fd_prestat_dir_name(fd, buf, len): the name, not terminated;
 * ENAMETOOLONG when len is short of it. */
WASI_CALL(fd_prestat_dir_name)
{
	uint8_t *buf = wasi_mem(c, a[1].i32, a[2].i32);
	uint32_t err;
	struct wasi_fd *f = wasi_fd_get(x, a[0].i32, &err);
	size_t n;

	if (buf == NULL)
		return WASI_EFAULT;
	if (f == NULL || f->preopen == NULL)
		return WASI_EBADF;
	if ((n = strlen(f->preopen)) > a[2].i32)
		return WASI_ENAMETOOLONG;
	memcpy(buf, f->preopen, n);
	return WASI_ESUCCESS;
}

/* Where fd_readdir writes: the program's buffer and how much is used. */
struct wasi_dirbuf {
	uint8_t *p;
	uint32_t len, used;
};

/* Appends one dirent (24-byte header, then the name) to the buffer, cut
 * off at its end (the program then sees a full buffer and asks again
 * with a bigger one); false once the buffer is full. */
static bool wasi_dirent(void *arg, uint64_t next, uint64_t ino, uint8_t type,
			const char *name, uint32_t namelen)
{
	struct wasi_dirbuf *d = arg;
	uint8_t hdr[24] = {0};
	uint32_t n;

	wasi_put_u64(hdr, next);
	wasi_put_u64(hdr + 8, ino);
	wasi_put_u32(hdr + 16, namelen);
	hdr[20] = type;
	n = d->len - d->used < 24 ? d->len - d->used : 24;
	memcpy(d->p + d->used, hdr, n);
	d->used += n;
	n = d->len - d->used < namelen ? d->len - d->used : namelen;
	memcpy(d->p + d->used, name, n);
	d->used += n;
	return d->used < d->len;
}

/* fd_readdir(fd, buf, buf_len, cookie, bufused_ptr). */
WASI_CALL(fd_readdir)
{
	struct wasi_dirbuf d = {wasi_mem(c, a[1].i32, a[2].i32), a[2].i32, 0};
	uint8_t *used = wasi_mem(c, a[4].i32, 4);
	uint32_t err;
	struct wasi_fd *f;

	if (d.p == NULL || used == NULL)
		return WASI_EFAULT;
	f = wasi_fd_want(x, a[0].i32, WASI_KIND_DIR, WASI_ENOTDIR,
			 WASI_R(WR_FD_READDIR), &err);
	if (f == NULL)
		return err;
	if (d.len &&
	    (err = x->fs->readdir(x->fs_arg, f->h, a[3].i64, wasi_dirent, &d)))
		return err;
	wasi_put_u32(used, d.used);
	return WASI_ESUCCESS;
}
