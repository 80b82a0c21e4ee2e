/*
 * sock: a server on the socket `nebulet run --listen=tcp:127.0.0.1:PORT`
 * preopens (fd 3; tests/wasi.sh is the client): waits for a connection
 * with poll_oneoff, accepts it, peeks and reads a line, answers it in
 * capitals, shuts its side down and reads until the client closes.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "expect.h"

#define LISTENER 3

/* Waits until fd is readable: the event's error. */
static int wait_readable(__wasi_fd_t fd)
{
	__wasi_subscription_t s;
	__wasi_event_t e;
	__wasi_size_t n;

	memset(&s, 0, sizeof s);
	s.u.tag = __WASI_EVENTTYPE_FD_READ;
	s.u.u.fd_read.file_descriptor = fd;
	if (__wasi_poll_oneoff(&s, &e, 1, &n) || n != 1)
		return -1;
	return e.error;
}

int main(void)
{
	__wasi_fdstat_t st;
	__wasi_prestat_t ps;
	__wasi_fd_t c;
	char buf[64] = {0};
	__wasi_iovec_t in = {(uint8_t *)buf, sizeof buf - 1};
	__wasi_size_t n;
	__wasi_roflags_t rof;

	expect("fdstat listener", __wasi_fd_fdstat_get(LISTENER, &st), 0);
	expect("a stream socket", st.fs_filetype,
	       __WASI_FILETYPE_SOCKET_STREAM);
	expect("not a preopened directory",
	       __wasi_fd_prestat_get(LISTENER, &ps), 8);
	expect("accept on stdout", __wasi_sock_accept(1, 0, &c), 57);
	expect("accept bad flags", __wasi_sock_accept(LISTENER, 1, &c), 28);
	expect("poll the listener", wait_readable(LISTENER), 0);
	expect("accept", __wasi_sock_accept(LISTENER, 0, &c), 0);
	expect("poll the connection", wait_readable(c), 0);
	expect("peek",
	       __wasi_sock_recv(c, &in, 1, __WASI_RIFLAGS_RECV_PEEK, &n, &rof),
	       0);
	expect("peeked a line", n >= 1 && buf[0] == 'h', 1);
	in.buf_len = 6;
	expect("recv waitall",
	       __wasi_sock_recv(c, &in, 1, __WASI_RIFLAGS_RECV_WAITALL, &n,
				&rof),
	       0);
	expect("six bytes", n, 6);
	printf("got: %.*s", (int)n, buf);
	for (__wasi_size_t i = 0; i < n; i++)
		buf[i] = (char)toupper((unsigned char)buf[i]);
	__wasi_ciovec_t out = {(const uint8_t *)buf, n};
	expect("send", __wasi_sock_send(c, &out, 1, 0, &n), 0);
	expect("sent six", n, 6);
	expect("send bad flags", __wasi_sock_send(c, &out, 1, 1, &n), 28);
	expect("shutdown bad how", __wasi_sock_shutdown(c, 0), 28);
	expect("shutdown write", __wasi_sock_shutdown(c, __WASI_SDFLAGS_WR), 0);
	in.buf_len = sizeof buf - 1;
	do
		expect("recv to the end",
		       __wasi_sock_recv(c, &in, 1, 0, &n, &rof), 0);
	while (n > 0);
	expect("close", __wasi_fd_close(c), 0);
	expect("recv on closed", __wasi_sock_recv(c, &in, 1, 0, &n, &rof), 8);
	printf("%d failures\n", failures);
	return failures != 0;
}
