/*
 * wasi_host.c: the hosted runner's WASI backend (kernel/wasi_fs.h) on
 * POSIX calls, and the preopens of `nebulet run --dir` and `--listen`.
 * It lives here, not in kernel/, because it is Linux code: the kernel is
 * also built for bare metal, where these headers do not exist.
 *
 * Handles are host descriptors. Every name is one component beneath a
 * directory descriptor (the kernel's resolver walks paths), and no call
 * here follows a symlink: openat with O_NOFOLLOW, fstatat and utimensat
 * with AT_SYMLINK_NOFOLLOW, linkat without AT_SYMLINK_FOLLOW.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "kernel/wasi.h"
#include "tools/nebulet/nebulet.h"

/* Host descriptors below this that are sockets (written with
 * MSG_NOSIGNAL, so a closed peer is EPIPE and not the runner's death). */
#define HOST_SOCK_FDS 4096
static uint8_t host_is_sock[HOST_SOCK_FDS / 8];

static void host_mark_sock(int fd, bool on)
{
	if (fd < 0 || fd >= HOST_SOCK_FDS)
		return;
	if (on)
		host_is_sock[fd / 8] |= (uint8_t)(1u << fd % 8);
	else
		host_is_sock[fd / 8] &= (uint8_t) ~(1u << fd % 8);
}

static bool host_sock(int fd)
{
	return fd >= 0 && fd < HOST_SOCK_FDS &&
	       (host_is_sock[fd / 8] >> fd % 8 & 1);
}

/* The WASI errno for a host errno. */
static uint32_t host_errno(int e)
{
	static const struct {
		int host;
		uint16_t wasi;
	} map[] = {
		{E2BIG, 1},	    {EACCES, 2},	{EADDRINUSE, 3},
		{EADDRNOTAVAIL, 4}, {EAFNOSUPPORT, 5},	{EAGAIN, 6},
		{EALREADY, 7},	    {EBADF, 8},		{EBUSY, 10},
		{ECONNABORTED, 13}, {ECONNREFUSED, 14}, {ECONNRESET, 15},
		{EDEADLK, 16},	    {EDQUOT, 19},	{EEXIST, 20},
		{EFAULT, 21},	    {EFBIG, 22},	{EHOSTUNREACH, 23},
		{EILSEQ, 25},	    {EINPROGRESS, 26},	{EINTR, 27},
		{EINVAL, 28},	    {EIO, 29},		{EISCONN, 30},
		{EISDIR, 31},	    {ELOOP, 32},	{EMFILE, 33},
		{EMLINK, 34},	    {EMSGSIZE, 35},	{ENAMETOOLONG, 37},
		{ENETDOWN, 38},	    {ENETUNREACH, 40},	{ENFILE, 41},
		{ENOBUFS, 42},	    {ENODEV, 43},	{ENOENT, 44},
		{ENOMEM, 48},	    {ENOSPC, 51},	{ENOSYS, 52},
		{ENOTCONN, 53},	    {ENOTDIR, 54},	{ENOTEMPTY, 55},
		{ENOTSOCK, 57},	    {EOPNOTSUPP, 58},	{ENOTTY, 59},
		{ENXIO, 60},	    {EOVERFLOW, 61},	{EPERM, 63},
		{EPIPE, 64},	    {ERANGE, 68},	{EROFS, 69},
		{ESPIPE, 70},	    {ESRCH, 71},	{ESTALE, 72},
		{ETIMEDOUT, 73},    {ETXTBSY, 74},	{EXDEV, 75},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].host == e)
			return map[i].wasi;
	return 29; /* EIO */
}

/* 0 if r >= 0, else the WASI errno of errno. */
static uint32_t host_ok(long r)
{
	return r < 0 ? host_errno(errno) : 0;
}

static uint8_t host_type(mode_t m)
{
	if (S_ISREG(m))
		return 4;
	if (S_ISDIR(m))
		return 3;
	if (S_ISLNK(m))
		return 7;
	if (S_ISCHR(m))
		return 2;
	if (S_ISBLK(m))
		return 1;
	if (S_ISSOCK(m))
		return 6;
	return 0;
}

static uint64_t host_ns(struct timespec t)
{
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void host_stat_out(const struct stat *s, struct wasi_filestat *st)
{
	st->dev = s->st_dev;
	st->ino = s->st_ino;
	st->type = host_type(s->st_mode);
	st->nlink = s->st_nlink;
	st->size = (uint64_t)s->st_size;
	st->atim = host_ns(s->st_atim);
	st->mtim = host_ns(s->st_mtim);
	st->ctim = host_ns(s->st_ctim);
}

static uint32_t host_open(void *be, int32_t dir, const char *name,
			  uint16_t oflags, uint16_t fdflags, uint32_t how,
			  int32_t *out)
{
	int fl = O_NOFOLLOW | O_CLOEXEC, fd;

	if (how & WASI_FS_WALK)
		fl |= O_PATH | O_DIRECTORY;
	else if ((how & WASI_FS_READ) && (how & WASI_FS_WRITE))
		fl |= O_RDWR;
	else if (how & WASI_FS_WRITE)
		fl |= O_WRONLY;
	fl |= (oflags & 1 ? O_CREAT : 0) | (oflags & 2 ? O_DIRECTORY : 0) |
	      (oflags & 4 ? O_EXCL : 0) | (oflags & 8 ? O_TRUNC : 0);
	fl |= (fdflags & 1 ? O_APPEND : 0) | (fdflags & 2 ? O_DSYNC : 0) |
	      (fdflags & 4 ? O_NONBLOCK : 0) | (fdflags & 8 ? O_RSYNC : 0) |
	      (fdflags & 16 ? O_SYNC : 0);
	if ((fd = openat(dir, name, fl, 0666)) < 0)
		return host_errno(errno);
	*out = fd;
	return 0;
}

static void host_close(void *be, int32_t h)
{
	host_mark_sock(h, false);
	close(h);
}

/* The kernel's iovecs as the host's (at most WASI_IOV_MAX of them). */
static void host_iov(const struct wasi_iov *v, uint32_t n, struct iovec *io)
{
	for (uint32_t i = 0; i < n; i++) {
		io[i].iov_base = v[i].buf;
		io[i].iov_len = v[i].len;
	}
}

static uint32_t host_read(void *be, int32_t h, const struct wasi_iov *iov,
			  uint32_t n, int64_t off, uint32_t *done)
{
	struct iovec io[n ? n : 1];
	ssize_t r;

	host_iov(iov, n, io);
	r = off < 0 ? readv(h, io, (int)n) : preadv(h, io, (int)n, off);
	if (r < 0)
		return host_errno(errno);
	*done = (uint32_t)r;
	return 0;
}

static uint32_t host_write(void *be, int32_t h, const struct wasi_iov *iov,
			   uint32_t n, int64_t off, uint32_t *done)
{
	struct iovec io[n ? n : 1];
	struct msghdr m = {.msg_iov = io, .msg_iovlen = n};
	ssize_t r;

	host_iov(iov, n, io);
	if (off >= 0)
		r = pwritev(h, io, (int)n, off);
	else if (host_sock(h))
		r = sendmsg(h, &m, MSG_NOSIGNAL);
	else
		r = writev(h, io, (int)n);
	if (r < 0)
		return host_errno(errno);
	*done = (uint32_t)r;
	return 0;
}

static uint32_t host_seek(void *be, int32_t h, int64_t off, uint8_t whence,
			  uint64_t *pos)
{
	static const int wh[3] = {SEEK_SET, SEEK_CUR, SEEK_END};
	off_t r = lseek(h, off, wh[whence]);

	if (r < 0)
		return host_errno(errno);
	*pos = (uint64_t)r;
	return 0;
}

static uint32_t host_sync(void *be, int32_t h, bool data_only)
{
	return host_ok(data_only ? fdatasync(h) : fsync(h));
}

static uint32_t host_advise(void *be, int32_t h, uint64_t off, uint64_t len,
			    uint8_t advice)
{
	static const int adv[6] = {POSIX_FADV_NORMAL,	POSIX_FADV_SEQUENTIAL,
				   POSIX_FADV_RANDOM,	POSIX_FADV_WILLNEED,
				   POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
	int e = posix_fadvise(h, (off_t)off, (off_t)len, adv[advice]);

	return e ? host_errno(e) : 0;
}

static uint32_t host_allocate(void *be, int32_t h, uint64_t off, uint64_t len)
{
	int e = posix_fallocate(h, (off_t)off, (off_t)len);

	return e ? host_errno(e) : 0;
}

static uint32_t host_set_flags(void *be, int32_t h, uint16_t fdflags)
{
	int fl = fcntl(h, F_GETFL);

	if (fl < 0)
		return host_errno(errno);
	fl &= ~(O_APPEND | O_NONBLOCK);
	fl |= (fdflags & 1 ? O_APPEND : 0) | (fdflags & 4 ? O_NONBLOCK : 0);
	return host_ok(fcntl(h, F_SETFL, fl));
}

static uint32_t host_stat(void *be, int32_t h, struct wasi_filestat *st)
{
	struct stat s;

	if (fstat(h, &s) < 0)
		return host_errno(errno);
	host_stat_out(&s, st);
	return 0;
}

static uint32_t host_statat(void *be, int32_t dir, const char *name,
			    struct wasi_filestat *st)
{
	struct stat s;

	if (fstatat(dir, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
		return host_errno(errno);
	host_stat_out(&s, st);
	return 0;
}

static uint32_t host_set_size(void *be, int32_t h, uint64_t size)
{
	return host_ok(ftruncate(h, (off_t)size));
}

/* One time of set_times: the value, now, or left alone. */
static struct timespec host_time(uint64_t t, bool set, bool now)
{
	struct timespec ts = {0, UTIME_OMIT};

	if (now)
		ts.tv_nsec = UTIME_NOW;
	else if (set)
		ts = (struct timespec){(time_t)(t / 1000000000ull),
				       (long)(t % 1000000000ull)};
	return ts;
}

static uint32_t host_set_times(void *be, int32_t dir, const char *name,
			       uint64_t atim, uint64_t mtim, uint16_t fst)
{
	struct timespec ts[2] = {host_time(atim, fst & 1, fst & 2),
				 host_time(mtim, fst & 4, fst & 8)};

	if (name == NULL)
		return host_ok(futimens(dir, ts));
	return host_ok(utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW));
}

/* Lists dir from cookie with getdents64: a cookie is the d_off of the
 * entry before, which lseek on a directory takes back (telldir's own
 * values), so listings resume where they stopped. */
static uint32_t host_readdir(void *be, int32_t dir, uint64_t cookie,
			     wasi_dirent_fn emit, void *arg)
{
	static const uint8_t dtype[16] = {
		[DT_REG] = 4, [DT_DIR] = 3, [DT_LNK] = 7,
		[DT_CHR] = 2, [DT_BLK] = 1, [DT_SOCK] = 6};
	char *buf = malloc(32768);
	uint32_t err = 0;
	bool more = true;
	ssize_t n;

	if (buf == NULL)
		return 48; /* ENOMEM */
	if (lseek(dir, (off_t)cookie, SEEK_SET) < 0)
		more = false, err = host_errno(errno);
	while (more && (n = getdents64(dir, buf, 32768)) > 0) {
		for (ssize_t o = 0; o < n && more;) {
			struct dirent64 *d = (struct dirent64 *)(buf + o);
			more = emit(arg, (uint64_t)d->d_off, d->d_ino,
				    dtype[d->d_type & 15], d->d_name,
				    (uint32_t)strlen(d->d_name));
			o += d->d_reclen;
		}
	}
	if (more && n < 0)
		err = host_errno(errno);
	free(buf);
	return err;
}

static uint32_t host_mkdir(void *be, int32_t dir, const char *name)
{
	return host_ok(mkdirat(dir, name, 0777));
}

static uint32_t host_unlink(void *be, int32_t dir, const char *name,
			    bool is_dir)
{
	return host_ok(unlinkat(dir, name, is_dir ? AT_REMOVEDIR : 0));
}

static uint32_t host_rename(void *be, int32_t d1, const char *n1, int32_t d2,
			    const char *n2)
{
	return host_ok(renameat(d1, n1, d2, n2));
}

static uint32_t host_link(void *be, int32_t d1, const char *n1, int32_t d2,
			  const char *n2)
{
	return host_ok(linkat(d1, n1, d2, n2, 0));
}

static uint32_t host_symlink(void *be, const char *target, int32_t dir,
			     const char *name)
{
	return host_ok(symlinkat(target, dir, name));
}

static uint32_t host_readlink(void *be, int32_t dir, const char *name,
			      char *buf, uint32_t len, uint32_t *n)
{
	char one; /* readlinkat refuses an empty buffer */
	ssize_t r = readlinkat(dir, name, len ? buf : &one, len ? len : 1);

	if (r < 0)
		return host_errno(errno);
	*n = len ? (uint32_t)r : 0;
	return 0;
}

static uint32_t host_poll(void *be, struct wasi_pollfd *fds, uint32_t n,
			  int64_t timeout_ns)
{
	struct pollfd *p = calloc(n, sizeof *p);
	struct timespec ts = {(time_t)(timeout_ns / 1000000000),
			      (long)(timeout_ns % 1000000000)};
	int r;

	if (p == NULL)
		return 48;
	for (uint32_t i = 0; i < n; i++) {
		p[i].fd = fds[i].h;
		p[i].events = (short)((fds[i].want_read ? POLLIN : 0) |
				      (fds[i].want_write ? POLLOUT : 0));
	}
	r = ppoll(p, n, timeout_ns < 0 ? NULL : &ts, NULL);
	for (uint32_t i = 0; r > 0 && i < n; i++) {
		int avail = 0;
		fds[i].readable = p[i].revents & POLLIN;
		fds[i].writable = p[i].revents & POLLOUT;
		fds[i].hangup = p[i].revents & POLLHUP;
		fds[i].err = p[i].revents & POLLNVAL  ? 8
			     : p[i].revents & POLLERR ? 29
						      : 0;
		if (fds[i].readable && ioctl(p[i].fd, FIONREAD, &avail) == 0 &&
		    avail > 0)
			fds[i].nbytes = (uint64_t)avail;
	}
	free(p);
	return r < 0 && errno != EINTR ? host_errno(errno) : 0;
}

static uint32_t host_accept(void *be, int32_t h, uint16_t fdflags, int32_t *out)
{
	int fd = accept4(h, NULL, NULL,
			 SOCK_CLOEXEC | (fdflags & 4 ? SOCK_NONBLOCK : 0));

	if (fd < 0)
		return host_errno(errno);
	host_mark_sock(fd, true);
	*out = fd;
	return 0;
}

static uint32_t host_recv(void *be, int32_t h, const struct wasi_iov *iov,
			  uint32_t n, uint16_t riflags, uint32_t *done,
			  uint16_t *roflags)
{
	struct iovec io[n ? n : 1];
	struct msghdr m = {.msg_iov = io, .msg_iovlen = n};
	ssize_t r;

	host_iov(iov, n, io);
	r = recvmsg(h, &m,
		    (riflags & 1 ? MSG_PEEK : 0) |
			    (riflags & 2 ? MSG_WAITALL : 0));
	if (r < 0)
		return host_errno(errno);
	*done = (uint32_t)r;
	*roflags = m.msg_flags & MSG_TRUNC ? 1 : 0;
	return 0;
}

static uint32_t host_send(void *be, int32_t h, const struct wasi_iov *iov,
			  uint32_t n, uint32_t *done)
{
	struct iovec io[n ? n : 1];
	struct msghdr m = {.msg_iov = io, .msg_iovlen = n};
	ssize_t r;

	host_iov(iov, n, io);
	if ((r = sendmsg(h, &m, MSG_NOSIGNAL)) < 0)
		return host_errno(errno);
	*done = (uint32_t)r;
	return 0;
}

static uint32_t host_shutdown(void *be, int32_t h, uint8_t how)
{
	return host_ok(shutdown(h, how == 1   ? SHUT_RD
				   : how == 2 ? SHUT_WR
					      : SHUT_RDWR));
}

static const struct wasi_fs_ops host_ops = {
	host_open,	host_close,   host_read,    host_write,
	host_seek,	host_sync,    host_advise,  host_allocate,
	host_set_flags, host_stat,    host_statat,  host_set_size,
	host_set_times, host_readdir, host_mkdir,   host_unlink,
	host_rename,	host_link,    host_symlink, host_readlink,
	host_poll,	host_accept,  host_recv,    host_send,
	host_shutdown,
};

/* A listening TCP socket for "tcp:ADDR:PORT" (IPv4), or -1 after a
 * message. */
static int host_listen(const char *spec)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	const char *colon;
	char addr[64];
	char *end;
	long port;
	int fd, one = 1;

	if (strncmp(spec, "tcp:", 4) != 0 ||
	    (colon = strrchr(spec + 4, ':')) == NULL ||
	    (size_t)(colon - spec - 4) >= sizeof addr) {
		fprintf(stderr,
			"nebulet run: --listen=%s: expected "
			"tcp:ADDRESS:PORT\n",
			spec);
		return -1;
	}
	memcpy(addr, spec + 4, (size_t)(colon - spec - 4));
	addr[colon - spec - 4] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535 ||
	    inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr,
			"nebulet run: --listen=%s: bad address or "
			"port (IPv4 only)\n",
			spec);
		return -1;
	}
	sa.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(fd, 128) < 0) {
		fprintf(stderr, "nebulet run: --listen=%s: %s\n", spec,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	host_mark_sock(fd, true);
	return fd;
}

int host_wasi_attach(wasi_ctx *ctx, char **dirs, int ndirs, char **listens,
		     int nlistens)
{
	wasi_ctx_set_fs(ctx, &host_ops, NULL);
	for (int i = 0; i < ndirs; i++) {
		char *sep = strstr(dirs[i], "::");
		const char *guest = sep ? sep + 2 : dirs[i];
		int fd;
		if (sep)
			*sep = '\0';
		fd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "nebulet run: --dir=%s: %s\n", dirs[i],
				strerror(errno));
			return -1;
		}
		if (*guest == '\0' || wasi_ctx_preopen(ctx, guest, fd) < 0) {
			fprintf(stderr, "nebulet run: --dir=%s: %s\n", dirs[i],
				*guest ? "too many descriptors"
				       : "empty guest name");
			close(fd);
			return -1;
		}
	}
	for (int i = 0; i < nlistens; i++) {
		int fd = host_listen(listens[i]);
		if (fd < 0)
			return -1;
		if (wasi_ctx_add_socket(ctx, fd) < 0) {
			close(fd);
			return -1;
		}
	}
	return 0;
}
