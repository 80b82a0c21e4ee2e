/*
 * wasi_sock.c: WASI sockets over the network service's Socket
 * interface (wasi_sock.h). The service never blocks: what must wait
 * answers NB_ERR_SHOULD_WAIT, and here a blocking socket then waits on
 * the socket's ready event for the signal that can change it (USER0
 * readable for recv and accept, USER1 writable for send; USER2, an
 * error, wakes both), then asks again. Data moves in Socket's chunks
 * of at most WS_CHUNK bytes; a transfer stops at the first short one.
 *
 * Locking: requests go through the backend's call, one at a time; a
 * wait holds no lock, only a reference to the event (the process's
 * other threads may close the descriptor meanwhile).
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/wasi_fir.h"
#include "kernel/wasi_impl.h"
#include "kernel/wasi_sock.h"

#define WS_CHUNK 8192 /* Socket.send/recv's bytes<8192> */
#define WS_READABLE NB_SIGNAL_USER0
#define WS_WRITABLE (NB_SIGNAL_USER0 << 1)
#define WS_ERROR (NB_SIGNAL_USER0 << 2)

enum { WASI_ECONNRESET = 15, WASI_EPIPE = 64 };

struct wsock {
	struct channel *ch;
	struct event *ready;
	bool nonblock;
};

struct wsock *wsock_new(struct channel *ch, struct event *ready)
{
	struct wsock *s = calloc(1, sizeof *s);

	if (!s) {
		kobj_release(&ch->o);
		kobj_release(&ready->o);
		return NULL;
	}
	s->ch = ch;
	s->ready = ready;
	return s;
}

void wsock_free(struct wsock *s)
{
	if (!s)
		return;
	kobj_release(&s->ch->o);
	kobj_release(&s->ready->o);
	free(s);
}

void wsock_set_nonblock(struct wsock *s, bool on)
{
	s->nonblock = on;
}

/* The WASI errno of a Socket status (wasi_fir_send's). */
static uint32_t ws_errno(int32_t st)
{
	switch (st) {
	case NB_OK:
		return WASI_ESUCCESS;
	case NB_ERR_SHOULD_WAIT:
		return WASI_EAGAIN;
	case NB_ERR_PEER_CLOSED:
		return WASI_ECONNRESET;
	case NB_ERR_BAD_STATE:
		return WASI_ENOTCONN;
	case NB_ERR_NO_MEMORY:
		return WASI_ENOMEM;
	case NB_ERR_NO_RESOURCES:
		return WASI_EMFILE;
	case FIR_ERR_INVALID:
		return WASI_EINVAL;
	default:
		return WASI_EIO;
	}
}

/* Waits until s's event shows one of want (or an error): 0, or EIO when
 * the process is being killed. */
static uint32_t ws_wait(struct wsock *s, nb_signals want)
{
	struct kobj *o = &s->ready->o;
	nb_signals pend, mask = want | WS_ERROR;
	nb_status st;

	kobj_retain(o);
	st = kobj_wait(&o, &mask, 1, NB_TIME_INFINITE, &pend);
	kobj_release(o);
	return st == NB_OK ? WASI_ESUCCESS : WASI_EIO;
}

/* Whether st should wait for want on s (blocking, SHOULD_WAIT); on a
 * failed wait *err gets its errno. */
static bool ws_again(struct wsock *s, int32_t st, nb_signals want,
		     uint32_t *err)
{
	if (st != NB_ERR_SHOULD_WAIT || s->nonblock)
		return false;
	*err = ws_wait(s, want);
	return *err == WASI_ESUCCESS;
}

/* Socket.accept once: the new socket's objects, referenced, in *out. */
static int32_t ws_accept1(struct wasi_fir *b, struct wsock *s,
			  struct wsock **out)
{
	struct wasi_fir_call k;
	socket_accept_resp r;
	struct kobj *ch, *ev;
	int32_t st;

	wasi_fir_begin(b, &k);
	socket_accept_req_enc(&k.e, k.txid);
	if ((st = wasi_fir_send(b, s->ch, &k, SOCKET_accept_ORDINAL)))
		return st;
	if (!socket_accept_resp_dec(&k.d, &r) || r.socket >= k.m->nhandles ||
	    r.ready >= k.m->nhandles ||
	    (ch = k.m->handles[r.socket].obj)->type != KOBJ_CHANNEL ||
	    (ev = k.m->handles[r.ready].obj)->type != KOBJ_EVENT) {
		wasi_fir_end(&k, false);
		return FIR_ERR_MALFORMED;
	}
	kobj_retain(ch);
	kobj_retain(ev);
	wasi_fir_end(&k, true);
	*out = wsock_new((struct channel *)ch, (struct event *)ev);
	return *out ? NB_OK : NB_ERR_NO_MEMORY;
}

uint32_t wsock_accept(struct wasi_fir *b, struct wsock *s, uint16_t fdflags,
		      struct wsock **out)
{
	uint32_t err = WASI_ESUCCESS;
	int32_t st;

	while (ws_again(s, st = ws_accept1(b, s, out), WS_READABLE, &err))
		;
	if (err)
		return err;
	if (st == NB_ERR_BAD_STATE)
		return WASI_EINVAL; /* not a listener */
	if (st == NB_OK)
		(*out)->nonblock = fdflags & WASI_FDFLAG_NONBLOCK;
	return ws_errno(st);
}

/* Socket.recv once of at most n bytes into buf: NB_OK and *got (0: the
 * end of the stream), or the status. */
static int32_t ws_recv1(struct wasi_fir *b, struct wsock *s, uint8_t *buf,
			uint32_t n, uint32_t *got)
{
	struct wasi_fir_call k;
	socket_recv_resp *r = malloc(sizeof *r);
	int32_t st;
	bool ok;

	if (!r)
		return NB_ERR_NO_MEMORY;
	wasi_fir_begin(b, &k);
	socket_recv_req_enc(&k.e, k.txid, &(socket_recv_req){n});
	if ((st = wasi_fir_send(b, s->ch, &k, SOCKET_recv_ORDINAL))) {
		free(r);
		return st;
	}
	ok = socket_recv_resp_dec(&k.d, r) && r->data.len <= n;
	if (ok) {
		memcpy(buf, r->data.b, r->data.len);
		*got = r->data.len;
	}
	free(r);
	return wasi_fir_end(&k, ok) ? FIR_ERR_MALFORMED : NB_OK;
}

/* Socket.send once of buf[0..n), n <= WS_CHUNK: NB_OK and *put, or the
 * status. */
static int32_t ws_send1(struct wasi_fir *b, struct wsock *s, const uint8_t *buf,
			uint32_t n, uint32_t *put)
{
	struct wasi_fir_call k;
	socket_send_req *req = malloc(sizeof *req);
	socket_send_resp r;
	int32_t st;
	bool ok;

	if (!req)
		return NB_ERR_NO_MEMORY;
	wasi_fir_begin(b, &k);
	req->data.len = n;
	memcpy(req->data.b, buf, n);
	socket_send_req_enc(&k.e, k.txid, req);
	free(req);
	if ((st = wasi_fir_send(b, s->ch, &k, SOCKET_send_ORDINAL)))
		return st;
	ok = socket_send_resp_dec(&k.d, &r) && r.sent <= n;
	*put = ok ? r.sent : 0;
	return wasi_fir_end(&k, ok) ? FIR_ERR_MALFORMED : NB_OK;
}

/* A socket transfer: which way. */
struct ws_xfer {
	struct wasi_fir *b;
	struct wsock *s;
	bool send;
};

/* wasi_fir_piece of a socket transfer: one Socket request; before the
 * first byte a blocking socket waits (writable, readable) where the
 * service says SHOULD_WAIT. */
static uint32_t ws_piece(void *arg, uint8_t *buf, uint32_t len, uint32_t at,
			 uint32_t *got)
{
	struct ws_xfer *x = arg;
	uint32_t err = WASI_ESUCCESS;
	int32_t st;

	do
		st = x->send ? ws_send1(x->b, x->s, buf, len, got)
			     : ws_recv1(x->b, x->s, buf, len, got);
	while (!at &&
	       ws_again(x->s, st, x->send ? WS_WRITABLE : WS_READABLE, &err));
	if (err || st == NB_OK)
		return err;
	return x->send && st == NB_ERR_BAD_STATE ? WASI_EPIPE : ws_errno(st);
}

/* Sends (send) or receives iov[0..n) in chunks of at most WS_CHUNK. */
static uint32_t ws_xfer(struct wasi_fir *b, struct wsock *s,
			const struct wasi_iov *iov, uint32_t n, bool send,
			uint32_t *done)
{
	struct ws_xfer x = {b, s, send};

	return wasi_fir_chunks(iov, n, WS_CHUNK, ws_piece, &x, done);
}

uint32_t wsock_recv(struct wasi_fir *b, struct wsock *s,
		    const struct wasi_iov *iov, uint32_t n, uint16_t riflags,
		    uint32_t *done)
{
	if (riflags & 1)
		return WASI_ENOTSUP; /* recv_peek: Socket cannot */
	return ws_xfer(b, s, iov, n, false, done);
}

uint32_t wsock_send(struct wasi_fir *b, struct wsock *s,
		    const struct wasi_iov *iov, uint32_t n, uint32_t *done)
{
	return ws_xfer(b, s, iov, n, true, done);
}

uint32_t wsock_shutdown(struct wasi_fir *b, struct wsock *s, uint8_t how)
{
	struct wasi_fir_call k;
	int32_t st;

	wasi_fir_begin(b, &k);
	socket_shutdown_req_enc(
		&k.e, k.txid, &(socket_shutdown_req){how & 1, (how & 2) != 0});
	if ((st = wasi_fir_send(b, s->ch, &k, SOCKET_shutdown_ORDINAL)))
		return ws_errno(st);
	return wasi_fir_end(&k, socket_shutdown_resp_dec(&k.d));
}

/* Fills fds[i]'s readiness from socks[i]'s event (or a file: ready);
 * whether any is ready. */
static bool ws_scan(struct wsock **socks, struct wasi_pollfd *fds, uint32_t n)
{
	bool any = false;

	for (uint32_t i = 0; i < n; i++) {
		struct wasi_pollfd *f = &fds[i];
		nb_signals sig = socks[i] ? socks[i]->ready->o.signals
					  : WS_READABLE | WS_WRITABLE;
		if (f->err) {
			any = true;
			continue;
		}
		f->readable = f->want_read && (sig & (WS_READABLE | WS_ERROR));
		f->writable = f->want_write && (sig & (WS_WRITABLE | WS_ERROR));
		f->hangup = (sig & WS_ERROR) != 0;
		any |= f->readable || f->writable || f->hangup;
	}
	return any;
}

uint32_t wsock_poll(struct wsock **socks, struct wasi_pollfd *fds, uint32_t n,
		    int64_t timeout_ns)
{
	nb_time deadline = timeout_ns < 0 ? NB_TIME_INFINITE
					  : kernel_now() + (nb_time)timeout_ns;
	struct kobj *objs[NB_WAIT_MANY_MAX];
	nb_signals masks[NB_WAIT_MANY_MAX], pend[NB_WAIT_MANY_MAX];
	uint32_t k;
	nb_status st;

	while (!ws_scan(socks, fds, n) && timeout_ns != 0) {
		k = 0;
		for (uint32_t i = 0; i < n && k < NB_WAIT_MANY_MAX; i++) {
			if (!socks[i])
				continue;
			objs[k] = &socks[i]->ready->o;
			masks[k++] = WS_ERROR |
				     (fds[i].want_read ? WS_READABLE : 0) |
				     (fds[i].want_write ? WS_WRITABLE : 0);
		}
		for (uint32_t i = 0; i < k; i++)
			kobj_retain(objs[i]);
		st = kobj_wait(objs, masks, k, deadline, pend);
		for (uint32_t i = 0; i < k; i++)
			kobj_release(objs[i]);
		if (st == NB_ERR_TIMED_OUT)
			break;
		if (st != NB_OK)
			return WASI_EIO; /* killed */
	}
	return WASI_ESUCCESS;
}
