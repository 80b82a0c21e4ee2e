/*
 * netc.c: the network service's client side (see netc.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netc.h"
#include "svc.h"

/* Polls Net.info every 10 ms until the stack has an address. */
nb_status netc_open(const char *name, nb_handle *net, nb_time deadline)
{
	net_info_resp info;
	nb_status s;

	if ((s = svc_connect(name, net)))
		return s;
	while ((s = net_info(*net, &info)) == NB_OK && !info.info.bound) {
		if (nb_clock_monotonic() > deadline)
			return NB_ERR_TIMED_OUT;
		svc_sleep(10000000);
	}
	return s;
}

/* Four decimal numbers 0..255 joined by dots. */
int netc_parse_addr(const char *text, uint32_t *addr)
{
	uint32_t a = 0;
	const char *p = text;

	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long v;
		if (*p < '0' || *p > '9')
			return 0;
		v = strtoul(p, &end, 10);
		if (v > 255 || end - p > 3 || *end != (i < 3 ? '.' : 0))
			return 0;
		a = a << 8 | (uint32_t)v;
		p = end + 1;
	}
	*addr = a;
	return 1;
}

void netc_format_addr(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255,
		 a & 255);
}

nb_status netc_wait(const struct netc_sock *s, nb_signals signals,
		    nb_time deadline, nb_signals *seen)
{
	return nb_object_wait_one(s->ready, signals, deadline, seen);
}

nb_status netc_listen(nb_handle net, uint16_t port, uint8_t backlog,
		      struct netc_sock *s)
{
	net_listen_req req = {port, backlog};
	net_listen_resp resp;
	nb_status st = net_listen(net, &req, &resp);

	if (st == NB_OK)
		*s = (struct netc_sock){resp.socket, resp.ready};
	return st;
}

/* Connect, then wait for WRITABLE (connected) or ERROR. */
nb_status netc_connect(nb_handle net, uint32_t addr, uint16_t port,
		       struct netc_sock *s, nb_time deadline)
{
	net_connect_req req = {addr, port};
	net_connect_resp resp;
	nb_signals seen = 0;
	nb_status st = net_connect(net, &req, &resp);

	s->ch = s->ready = NB_HANDLE_INVALID;
	if (st)
		return st;
	*s = (struct netc_sock){resp.socket, resp.ready};
	if ((st = netc_wait(s, NETC_WRITABLE | NETC_ERROR, deadline, &seen)))
		return st;
	return seen & NETC_ERROR ? NB_ERR_PEER_CLOSED : NB_OK;
}

/* Accept, waiting for READABLE while none is held. */
nb_status netc_accept(const struct netc_sock *l, struct netc_sock *s,
		      nb_time deadline)
{
	socket_accept_resp resp;
	nb_status st;

	while ((st = socket_accept(l->ch, &resp)) == NB_ERR_SHOULD_WAIT)
		if ((st = netc_wait(l, NETC_READABLE, deadline, NULL)))
			return st;
	if (st == NB_OK)
		*s = (struct netc_sock){resp.socket, resp.ready};
	return st;
}

/* Sends in pieces of at most 8192 bytes, waiting for WRITABLE. */
nb_status netc_send(const struct netc_sock *s, const void *b, uint32_t n,
		    nb_time deadline)
{
	static socket_send_req req; /* 8 KiB: not on the stack */
	const uint8_t *p = b;

	while (n) {
		socket_send_resp resp;
		nb_status st;
		req.data.len = n < sizeof req.data.b ? n : sizeof req.data.b;
		memcpy(req.data.b, p, req.data.len);
		st = socket_send(s->ch, &req, &resp);
		if (st == NB_ERR_SHOULD_WAIT) {
			nb_signals seen = 0;
			if ((st = netc_wait(s, NETC_WRITABLE | NETC_ERROR,
					    deadline, &seen)))
				return st;
			continue;
		}
		if (st)
			return st;
		p += resp.sent;
		n -= resp.sent;
	}
	return NB_OK;
}

/* Receives, waiting for READABLE while there is nothing. */
nb_status netc_recv(const struct netc_sock *s, void *b, uint32_t max,
		    uint32_t *got, nb_time deadline)
{
	static socket_recv_resp resp;
	socket_recv_req req = {max < 8192 ? max : 8192};
	nb_status st;

	while ((st = socket_recv(s->ch, &req, &resp)) == NB_ERR_SHOULD_WAIT)
		if ((st = netc_wait(s, NETC_READABLE, deadline, NULL)))
			return st;
	if (st == NB_OK) {
		memcpy(b, resp.data.b, resp.data.len);
		*got = resp.data.len;
	}
	return st;
}

nb_status netc_recvfrom(const struct netc_sock *s, void *b, uint32_t max,
			uint32_t *got, uint32_t *addr, uint16_t *port,
			nb_time deadline)
{
	static socket_recvfrom_resp resp;
	socket_recvfrom_req req = {max < 8192 ? max : 8192};
	nb_status st;

	while ((st = socket_recvfrom(s->ch, &req, &resp)) == NB_ERR_SHOULD_WAIT)
		if ((st = netc_wait(s, NETC_READABLE, deadline, NULL)))
			return st;
	if (st == NB_OK) {
		memcpy(b, resp.data.b, resp.data.len);
		*got = resp.data.len;
		*addr = resp.addr;
		*port = resp.port;
	}
	return st;
}

void netc_close(struct netc_sock *s)
{
	nb_handle_close(s->ch);
	nb_handle_close(s->ready);
	s->ch = s->ready = NB_HANDLE_INVALID;
}
