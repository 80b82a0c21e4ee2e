/*
 * wasi_poll.c: waiting and sockets: poll_oneoff, sched_yield and the
 * sock_* calls.
 *
 * poll_oneoff waits for the first of its subscriptions: clocks (relative
 * or absolute, any clock id of clock_time_get) and descriptors ready to
 * read or write. Descriptors of the backend are waited for by the
 * backend's poll (hosted: poll(2)); a standard stream without a backend
 * and a file are always ready. A wait for clocks alone goes through the
 * context's block hook: the kernel blocks the calling thread in its
 * scheduler, so other threads run meanwhile; the hosted runner sleeps.
 */
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "kernel/wasi_impl.h"

#define WASI_NEVER UINT64_MAX

enum { WASI_EV_CLOCK, WASI_EV_FD_READ, WASI_EV_FD_WRITE };

/* One subscription, parsed. */
struct wasi_sub {
	uint64_t userdata;
	uint8_t type;
	uint16_t err;	   /* reported at once when set */
	uint64_t deadline; /* a clock's, in monotonic ns */
	int32_t pfd;	   /* index into the backend's pollfds, or -1 */
};

/* Parses the clock subscription at s (its union at s + 16): the
 * monotonic deadline, or false for an unknown clock. */
static bool wasi_sub_clock(const wasi_ctx *x, const uint8_t *s, uint64_t now,
			   uint64_t *deadline)
{
	uint64_t t = wasi_get_u64(s + 24), cur, left;
	bool abs = (s[40] | s[41] << 8) & 1;

	if (!wasi_clock_now(x, wasi_get_u32(s + 16), &cur))
		return false;
	left = !abs ? t : t > cur ? t - cur : 0;
	*deadline = left > WASI_NEVER - now ? WASI_NEVER : now + left;
	return true;
}

/* Parses the descriptor subscription at s into sub, adding a pollfd for
 * the backend when the descriptor is one it waits for. */
static void wasi_sub_fd(wasi_ctx *x, const uint8_t *s, struct wasi_sub *sub,
			struct wasi_pollfd *pfds, uint32_t *np)
{
	bool rd = sub->type == WASI_EV_FD_READ;
	uint32_t err;
	struct wasi_fd *f = wasi_fd_want(x, wasi_get_u32(s + 16), 0, 0,
					 WASI_R(WR_POLL_FD_READWRITE), &err);

	if (f == NULL) {
		sub->err = (uint16_t)err;
		return;
	}
	if ((f->base & WASI_R(rd ? WR_FD_READ : WR_FD_WRITE)) == 0 &&
	    f->kind != WASI_KIND_DIR) {
		sub->err = WASI_EBADF;
		return;
	}
	if (x->fs == NULL || x->fs->poll == NULL)
		return; /* ready now */
	pfds[*np] = (struct wasi_pollfd){
		.h = f->h, .want_read = rd, .want_write = !rd};
	sub->pfd = (int32_t)(*np)++;
}

/* Writes the 32-byte event of sub at e; false if sub is not ready. */
static bool wasi_event(const struct wasi_sub *sub,
		       const struct wasi_pollfd *pfds, uint64_t now, uint8_t *e)
{
	const struct wasi_pollfd *p = sub->pfd >= 0 ? &pfds[sub->pfd] : NULL;
	uint16_t err = sub->err, flags = 0;
	uint64_t nbytes = 0;

	if (sub->type == WASI_EV_CLOCK) {
		if (!err && sub->deadline > now)
			return false;
	} else if (p && !err) {
		if (!(p->readable || p->writable || p->hangup || p->err))
			return false;
		err = p->err;
		nbytes = p->nbytes;
		flags = p->hangup ? 1 : 0;
	}
	memset(e, 0, 32);
	wasi_put_u64(e, sub->userdata);
	wasi_put_u16(e + 8, err);
	e[10] = sub->type;
	wasi_put_u64(e + 16, nbytes);
	wasi_put_u16(e + 24, flags);
	return true;
}

/* Waits until deadline (monotonic ns) or an earlier wake; false when
 * the program is being killed. */
static bool wasi_wait(wasi_ctx *x, uint64_t deadline)
{
	if (x->block)
		return x->block(x->sched_arg, deadline);
	hal_idle(deadline);
	return true;
}

/* Gathers the ready subscriptions' events at out: their count. */
static uint32_t wasi_events(const struct wasi_sub *subs, uint32_t n,
			    const struct wasi_pollfd *pfds, uint8_t *out)
{
	uint64_t now = hal_clock_monotonic_ns();
	uint32_t k = 0;

	for (uint32_t i = 0; i < n; i++)
		if (wasi_event(&subs[i], pfds, now, out + 32 * k))
			k++;
	return k;
}

/* Waits once for any subscription: the backend's poll for descriptors
 * (as long as the first deadline), else the block hook. */
static uint32_t wasi_poll_once(wasi_ctx *x, const struct wasi_sub *subs,
			       uint32_t n, struct wasi_pollfd *pfds,
			       uint32_t np, bool ready, wasm_caller *c)
{
	uint64_t first = WASI_NEVER, now = hal_clock_monotonic_ns();
	int64_t timeout;

	for (uint32_t i = 0; i < n; i++)
		if (subs[i].type == WASI_EV_CLOCK && !subs[i].err &&
		    subs[i].deadline < first)
			first = subs[i].deadline;
	if (np) {
		timeout = ready || first <= now ? 0
			  : first == WASI_NEVER ? -1
						: (int64_t)(first - now);
		return x->fs->poll(x->fs_arg, pfds, np, timeout);
	}
	if (!ready && first != WASI_NEVER && !wasi_wait(x, first)) {
		wasm_caller_trap(c, "killed");
		return WASI_TRAPPED;
	}
	return WASI_ESUCCESS;
}

/*
 * poll_oneoff(in, out, nsubscriptions, nevents_ptr): 48-byte
 * subscriptions in, 32-byte events out, one per ready subscription (in
 * the order subscribed). A bad descriptor or clock is an event with its
 * error, at once. nsubscriptions 0 is EINVAL.
 */
WASI_CALL(poll_oneoff)
{
	uint32_t n = a[2].i32, np = 0, k = 0, err = WASI_ESUCCESS;
	const uint8_t *in = wasi_mem(c, a[0].i32, (uint64_t)n * 48);
	uint8_t *out = wasi_mem(c, a[1].i32, (uint64_t)n * 32);
	uint8_t *nev = wasi_mem(c, a[3].i32, 4);
	uint64_t now = hal_clock_monotonic_ns();
	struct wasi_pollfd *pfds;
	struct wasi_sub *subs;
	bool ready = false;

	if (in == NULL || out == NULL || nev == NULL)
		return WASI_EFAULT;
	if (n == 0)
		return WASI_EINVAL;
	subs = calloc(n, sizeof *subs);
	pfds = calloc(n, sizeof *pfds);
	if (subs == NULL || pfds == NULL) {
		free(subs);
		free(pfds);
		return WASI_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *s = in + 48 * i;
		struct wasi_sub *sub = &subs[i];
		sub->userdata = wasi_get_u64(s);
		sub->type = s[8];
		sub->pfd = -1;
		if (sub->type == WASI_EV_CLOCK) {
			if (!wasi_sub_clock(x, s, now, &sub->deadline))
				sub->err = WASI_EINVAL;
		} else if (sub->type <= WASI_EV_FD_WRITE) {
			wasi_sub_fd(x, s, sub, pfds, &np);
			ready |= sub->pfd < 0;
		} else {
			err = WASI_EINVAL;
		}
		ready |= sub->err != 0;
	}
	while (err == WASI_ESUCCESS) {
		err = wasi_poll_once(x, subs, n, pfds, np, ready, c);
		if (err == WASI_ESUCCESS &&
		    (k = wasi_events(subs, n, pfds, out)))
			break;
	}
	free(subs);
	free(pfds);
	if (err == WASI_ESUCCESS)
		wasi_put_u32(nev, k);
	return err;
}

/* sched_yield(): lets other threads run. */
WASI_CALL(sched_yield)
{
	if (x->yield && !x->yield(x->sched_arg)) {
		wasm_caller_trap(c, "killed");
		return WASI_TRAPPED;
	}
	return WASI_ESUCCESS;
}

/* A socket descriptor holding rights, or NULL with *err (ENOTSOCK for
 * anything else). */
static struct wasi_fd *wasi_sock(wasi_ctx *x, uint32_t fd, uint64_t rights,
				 uint32_t *err)
{
	return wasi_fd_want(x, fd, WASI_KIND_SOCKET, WASI_ENOTSOCK, rights,
			    err);
}

/* sock_accept(fd, fdflags, fd_ptr): a connection on a listening socket;
 * fdflags nonblock only. */
WASI_CALL(sock_accept)
{
	uint8_t *out = wasi_mem(c, a[2].i32, 4);
	uint16_t flags = (uint16_t)a[1].i32;
	uint32_t err;
	struct wasi_fd *f;
	int32_t h;

	if (out == NULL)
		return WASI_EFAULT;
	if ((f = wasi_sock(x, a[0].i32, WASI_R(WR_SOCK_ACCEPT), &err)) == NULL)
		return err;
	if (a[1].i32 & ~(uint32_t)WASI_FDFLAG_NONBLOCK)
		return WASI_EINVAL;
	if ((err = x->fs->accept(x->fs_arg, f->h, flags, &h)))
		return err;
	struct wasi_fd conn = {WASI_KIND_SOCKET,
			       WASI_FILETYPE_SOCKET_STREAM,
			       flags,
			       h,
			       WASI_RIGHTS_SOCKET & ~WASI_R(WR_SOCK_ACCEPT),
			       0,
			       NULL};
	return wasi_fd_adopt(x, &conn, out);
}

/* sock_recv(fd, iovs, n, riflags, datalen_ptr, roflags_ptr): riflags
 * recv_peek (1) and recv_waitall (2). */
WASI_CALL(sock_recv)
{
	uint8_t *len = wasi_mem(c, a[4].i32, 4),
		*rof = wasi_mem(c, a[5].i32, 2);
	struct wasi_iov iov[WASI_IOV_MAX];
	uint32_t err, done = 0;
	const uint8_t *vec;
	struct wasi_fd *f;
	uint16_t roflags = 0;

	if ((vec = wasi_iovecs(c, a[1].i32, a[2].i32, &err)) == NULL)
		return err;
	if (len == NULL || rof == NULL)
		return WASI_EFAULT;
	if ((f = wasi_sock(x, a[0].i32, WASI_R(WR_FD_READ), &err)) == NULL)
		return err;
	if (a[3].i32 & ~3u)
		return WASI_EINVAL;
	err = x->fs->recv(x->fs_arg, f->h, iov,
			  wasi_host_iov(c, vec, a[2].i32, iov),
			  (uint16_t)a[3].i32, &done, &roflags);
	if (err == WASI_ESUCCESS) {
		wasi_put_u32(len, done);
		wasi_put_u16(rof, roflags);
	}
	return err;
}

/* sock_send(fd, iovs, n, siflags, datalen_ptr): siflags has no flags. */
WASI_CALL(sock_send)
{
	uint8_t *len = wasi_mem(c, a[4].i32, 4);
	struct wasi_iov iov[WASI_IOV_MAX];
	uint32_t err, done = 0;
	const uint8_t *vec;
	struct wasi_fd *f;

	if ((vec = wasi_iovecs(c, a[1].i32, a[2].i32, &err)) == NULL)
		return err;
	if (len == NULL)
		return WASI_EFAULT;
	if ((f = wasi_sock(x, a[0].i32, WASI_R(WR_FD_WRITE), &err)) == NULL)
		return err;
	if (a[3].i32 != 0)
		return WASI_EINVAL;
	err = x->fs->send(x->fs_arg, f->h, iov,
			  wasi_host_iov(c, vec, a[2].i32, iov), &done);
	if (err == WASI_ESUCCESS)
		wasi_put_u32(len, done);
	return err;
}

/* sock_shutdown(fd, how): rd (1), wr (2) or both. */
WASI_CALL(sock_shutdown)
{
	uint32_t err;
	struct wasi_fd *f =
		wasi_sock(x, a[0].i32, WASI_R(WR_SOCK_SHUTDOWN), &err);

	if (f == NULL)
		return err;
	if (a[1].i32 == 0 || a[1].i32 > 3)
		return WASI_EINVAL;
	return x->fs->shutdown(x->fs_arg, f->h, (uint8_t)a[1].i32);
}
