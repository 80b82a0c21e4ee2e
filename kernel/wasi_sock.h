/*
 * wasi_sock.h: the sockets of the kernel's WASI backend (wasi_fir.c),
 * over the network service's Socket interface (firmament/socket.fir):
 * each socket is a Socket channel and the ready event its service
 * signals (USER0 readable, USER1 writable, USER2 error). A blocking
 * call waits on that event in the scheduler (other threads run); a
 * killed process stops waiting (EIO). Requests go through the
 * backend's call (wasi_fir_call: one at a time per backend). Internal
 * to kernel/.
 */
#ifndef KERNEL_WASI_SOCK_H
#define KERNEL_WASI_SOCK_H

#include "kernel/wasi_fs.h"

struct channel;
struct event;
struct wasi_fir;
struct wsock;

/* A socket over Socket channel ch and its ready event (both references
 * move in, released on failure); NULL when out of memory. */
struct wsock *wsock_new(struct channel *ch, struct event *ready);
void wsock_free(struct wsock *s);
void wsock_set_nonblock(struct wsock *s, bool on);
/* Socket.accept on listener s: the connection in *out (nonblock as
 * fdflags say), waiting for one unless s is nonblocking (EAGAIN). */
uint32_t wsock_accept(struct wasi_fir *b, struct wsock *s, uint16_t fdflags,
		      struct wsock **out);
/* Receives into iov[0..n) (peek: not supported, ENOTSUP): what arrived,
 * 0 bytes at the end of the stream; waits for data unless nonblocking. */
uint32_t wsock_recv(struct wasi_fir *b, struct wsock *s,
		    const struct wasi_iov *iov, uint32_t n, uint16_t riflags,
		    uint32_t *done);
/* Sends iov[0..n): what the service took (at least a byte, waiting for
 * room unless nonblocking). */
uint32_t wsock_send(struct wasi_fir *b, struct wsock *s,
		    const struct wasi_iov *iov, uint32_t n, uint32_t *done);
/* how: WASI's sdflags (rd 1, wr 2). */
uint32_t wsock_shutdown(struct wasi_fir *b, struct wsock *s, uint8_t how);
/*
 * poll for the backend: fds[i] is socket socks[i] (NULL: a file or
 * directory, always ready; a bad handle has err set already). Waits
 * until one is ready or timeout_ns passes (< 0: forever, 0: looks).
 */
uint32_t wsock_poll(struct wsock **socks, struct wasi_pollfd *fds, uint32_t n,
		    int64_t timeout_ns);

#endif
