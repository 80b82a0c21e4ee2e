/*
 * sock.c: the net service's sockets (see sock.h): each is an lwIP PCB
 * (TCP listening or connected, UDP, raw ICMP), the service's end of
 * the socket's channel and its ready event. Received data waits in
 * lwIP's pbufs (TCP: at most a window, acknowledged to lwIP as the
 * client reads it; UDP and ICMP: DGRAMS datagrams, more are dropped);
 * sent data is copied into lwIP's send buffer.
 */
#include <string.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/prot/icmp.h"
#include "lwip/raw.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "netc.h"
#include "sock.h"

#define SOCKS 64   /* sockets, with a channel or waiting to be accepted */
#define BACKLOG 16 /* connections a listener holds */
#define DGRAMS 32  /* datagrams a UDP or ICMP socket holds */
#define DGRAM_MAX 1472
#define READY (NETC_READABLE | NETC_WRITABLE | NETC_ERROR)

enum { SOCK_LISTEN = 1, SOCK_TCP, SOCK_UDP, SOCK_ICMP };

struct dgram {
	struct pbuf *p; /* the payload */
	uint32_t addr;
	uint16_t port;
};

struct sock {
	int kind;	     /* 0: free */
	nb_handle ch, ev;    /* INVALID while waiting to be accepted */
	struct tcp_pcb *tcp; /* listening or connected; NULL once gone */
	struct udp_pcb *udp;
	struct raw_pcb *raw;
	int connected, eof, shut_rd, shut_wr;
	socket_error err;
	struct pbuf *rx; /* TCP: received, not yet read */
	struct sock *acq[BACKLOG];
	int nacq, backlog;
	struct dgram dq[DGRAMS];
	int dhead, dn;
	uint16_t icmp_id, icmp_seq;
	nb_signals shown; /* what ev shows */
};

static struct sock socks[SOCKS];
static uint32_t nchannels;
static uint8_t msgbuf[FIR_MAX_BYTES];

/* A free socket of kind, or NULL. */
static struct sock *sock_new(int kind)
{
	for (int i = 0; i < SOCKS; i++) {
		if (!socks[i].kind) {
			memset(&socks[i], 0, sizeof socks[i]);
			socks[i].kind = kind;
			socks[i].ch = socks[i].ev = NB_HANDLE_INVALID;
			return &socks[i];
		}
	}
	return NULL;
}

/* lwIP's error as a status. */
static nb_status status_of(err_t e)
{
	switch (e) {
	case ERR_OK:
		return NB_OK;
	case ERR_MEM:
	case ERR_BUF:
		return NB_ERR_NO_MEMORY;
	case ERR_USE:
		return FIR_ERR_EXISTS;
	case ERR_RTE:
		return FIR_ERR_NOT_FOUND;
	case ERR_VAL:
	case ERR_ARG:
		return FIR_ERR_INVALID;
	default:
		return NB_ERR_PEER_CLOSED;
	}
}

/* Detaches s from its TCP PCB and closes it (aborting when lwIP cannot
 * close it now). */
static void tcp_drop(struct sock *s)
{
	struct tcp_pcb *t = s->tcp;

	if (!t)
		return;
	s->tcp = NULL;
	tcp_arg(t, NULL);
	if (t->state == LISTEN) {
		tcp_accept(t, NULL);
	} else {
		tcp_recv(t, NULL);
		tcp_sent(t, NULL);
		tcp_err(t, NULL);
	}
	if (tcp_close(t) != ERR_OK)
		tcp_abort(t);
}

/* Frees s: its PCB, buffers, connections not accepted, handles. */
static void sock_free(struct sock *s)
{
	tcp_drop(s);
	if (s->udp)
		udp_remove(s->udp);
	if (s->raw)
		raw_remove(s->raw);
	if (s->rx)
		pbuf_free(s->rx);
	for (int i = 0; i < s->nacq; i++)
		sock_free(s->acq[i]);
	for (int i = 0; i < s->dn; i++)
		pbuf_free(s->dq[(s->dhead + i) % DGRAMS].p);
	if (s->ch != NB_HANDLE_INVALID) {
		nb_handle_close(s->ch);
		nchannels--;
	}
	if (s->ev != NB_HANDLE_INVALID)
		nb_handle_close(s->ev);
	s->kind = 0;
}

/* Gives s a channel and event: the client's ends in *socket, *ready. */
static nb_status sock_open(struct sock *s, nb_handle *socket, nb_handle *ready)
{
	nb_status st;

	if (nchannels == SOCK_CHANNELS)
		return NB_ERR_NO_RESOURCES;
	if ((st = nb_event_create(&s->ev)))
		return st;
	if ((st = nb_handle_duplicate(s->ev, NB_RIGHT_WAIT | NB_RIGHT_TRANSFER,
				      ready)))
		return st;
	if ((st = nb_channel_create(&s->ch, socket))) {
		nb_handle_close(*ready);
		s->ch = NB_HANDLE_INVALID;
		return st;
	}
	nchannels++;
	return NB_OK;
}

/* --- lwIP's callbacks ---------------------------------------------- */

/* TCP data (appended) or, with p NULL, the end of the stream. */
static err_t on_tcp_recv(void *arg, struct tcp_pcb *t, struct pbuf *p,
			 err_t err)
{
	struct sock *s = arg;

	if (!p) {
		s->eof = 1;
		return ERR_OK;
	}
	if (s->shut_rd) {
		tcp_recved(t, p->tot_len);
		pbuf_free(p);
	} else if (s->rx) {
		pbuf_cat(s->rx, p);
	} else {
		s->rx = p;
	}
	return ERR_OK;
}

/* The PCB is gone (lwIP freed it): why. */
static void on_tcp_err(void *arg, err_t err)
{
	struct sock *s = arg;

	s->tcp = NULL;
	if (!s->connected)
		s->err = err == ERR_RST ? SOCKET_ERROR_REFUSED
					: SOCKET_ERROR_UNREACHABLE;
	else if (err == ERR_RST)
		s->err = SOCKET_ERROR_RESET;
	else if (err == ERR_CLSD)
		s->err = SOCKET_ERROR_CLOSED;
	else
		s->err = SOCKET_ERROR_ABORTED;
}

/* connect's answer. */
static err_t on_tcp_connected(void *arg, struct tcp_pcb *t, err_t err)
{
	((struct sock *)arg)->connected = 1;
	return ERR_OK;
}

/* The callbacks of a connected (or connecting) socket. */
static void tcp_attach(struct sock *s, struct tcp_pcb *t)
{
	s->tcp = t;
	tcp_arg(t, s);
	tcp_recv(t, on_tcp_recv);
	tcp_err(t, on_tcp_err);
}

/* A new connection on a listener: held until accepted (refused, so
 * lwIP aborts it, when the backlog is full or no socket is free). */
static err_t on_tcp_accept(void *arg, struct tcp_pcb *t, err_t err)
{
	struct sock *l = arg, *s;

	if (err != ERR_OK || !t || l->nacq == l->backlog ||
	    !(s = sock_new(SOCK_TCP)))
		return ERR_MEM;
	tcp_attach(s, t);
	s->connected = 1;
	l->acq[l->nacq++] = s;
	return ERR_OK;
}

/* A UDP datagram, queued (dropped when the queue is full). */
static void on_udp_recv(void *arg, struct udp_pcb *u, struct pbuf *p,
			const ip_addr_t *addr, u16_t port)
{
	struct sock *s = arg;

	if (s->dn == DGRAMS) {
		pbuf_free(p);
		return;
	}
	s->dq[(s->dhead + s->dn++) % DGRAMS] =
		(struct dgram){p, lwip_ntohl(ip4_addr_get_u32(addr)), port};
}

/* An IP packet carrying ICMP: echo replies to this socket's requests
 * are queued (eaten: 1), the rest goes on to lwIP (0). */
static u8_t on_raw_recv(void *arg, struct raw_pcb *r, struct pbuf *p,
			const ip_addr_t *addr)
{
	struct sock *s = arg;
	struct icmp_echo_hdr h;
	u16_t hl;

	if (p->len < IP_HLEN)
		return 0;
	hl = IPH_HL_BYTES((struct ip_hdr *)p->payload);
	if (p->tot_len < hl + sizeof h ||
	    pbuf_copy_partial(p, &h, sizeof h, hl) != sizeof h ||
	    h.type != ICMP_ER || h.id != lwip_htons(s->icmp_id))
		return 0;
	if (s->dn == DGRAMS || pbuf_remove_header(p, hl + sizeof h)) {
		pbuf_free(p);
		return 1;
	}
	s->dq[(s->dhead + s->dn++) % DGRAMS] = (struct dgram){
		p, lwip_ntohl(ip4_addr_get_u32(addr)), lwip_ntohs(h.seqno)};
	return 1;
}

/* --- Net's socket makers ------------------------------------------- */

/* The port lwIP bound t to (TCP). */
nb_status sock_listen(uint16_t port, uint8_t backlog, nb_handle *socket,
		      nb_handle *ready, uint16_t *bound)
{
	struct sock *s;
	struct tcp_pcb *t, *l;
	nb_status st;
	err_t e;

	if (backlog < 1 || backlog > BACKLOG)
		return FIR_ERR_INVALID;
	if (!(s = sock_new(SOCK_LISTEN)))
		return NB_ERR_NO_RESOURCES;
	if (!(t = tcp_new())) {
		s->kind = 0;
		return NB_ERR_NO_MEMORY;
	}
	if ((e = tcp_bind(t, IP_ANY_TYPE, port)) ||
	    !(l = tcp_listen_with_backlog_and_err(t, backlog, &e))) {
		tcp_abort(t);
		s->kind = 0;
		return status_of(e);
	}
	s->tcp = l;
	s->backlog = backlog;
	tcp_arg(l, s);
	tcp_accept(l, on_tcp_accept);
	if ((st = sock_open(s, socket, ready))) {
		sock_free(s);
		return st;
	}
	*bound = l->local_port;
	return NB_OK;
}

/* Starts a connection; on_tcp_connected or on_tcp_err tells how it
 * went. */
nb_status sock_connect(uint32_t addr, uint16_t port, nb_handle *socket,
		       nb_handle *ready)
{
	struct sock *s;
	struct tcp_pcb *t;
	ip_addr_t a;
	nb_status st;
	err_t e;

	if (!addr || !port)
		return FIR_ERR_INVALID;
	if (!(s = sock_new(SOCK_TCP)))
		return NB_ERR_NO_RESOURCES;
	if (!(t = tcp_new())) {
		s->kind = 0;
		return NB_ERR_NO_MEMORY;
	}
	tcp_attach(s, t);
	ip_addr_set_ip4_u32(&a, lwip_htonl(addr));
	if ((e = tcp_connect(t, &a, port, on_tcp_connected))) {
		sock_free(s);
		return status_of(e);
	}
	if ((st = sock_open(s, socket, ready))) {
		sock_free(s);
		return st;
	}
	return NB_OK;
}

/* A UDP socket bound to port. */
nb_status sock_udp(uint16_t port, nb_handle *socket, nb_handle *ready,
		   uint16_t *bound)
{
	struct sock *s;
	nb_status st;
	err_t e;

	if (!(s = sock_new(SOCK_UDP)))
		return NB_ERR_NO_RESOURCES;
	if (!(s->udp = udp_new())) {
		s->kind = 0;
		return NB_ERR_NO_MEMORY;
	}
	if ((e = udp_bind(s->udp, IP_ANY_TYPE, port))) {
		sock_free(s);
		return status_of(e);
	}
	udp_recv(s->udp, on_udp_recv, s);
	if ((st = sock_open(s, socket, ready))) {
		sock_free(s);
		return st;
	}
	*bound = s->udp->local_port;
	return NB_OK;
}

/* An ICMP echo socket with an identifier of its own. */
nb_status sock_icmp(nb_handle *socket, nb_handle *ready)
{
	static uint16_t next_id = 0x4e00;
	struct sock *s;
	nb_status st;

	if (!(s = sock_new(SOCK_ICMP)))
		return NB_ERR_NO_RESOURCES;
	if (!(s->raw = raw_new(IP_PROTO_ICMP))) {
		s->kind = 0;
		return NB_ERR_NO_MEMORY;
	}
	s->icmp_id = next_id++;
	raw_recv(s->raw, on_raw_recv, s);
	if ((st = sock_open(s, socket, ready))) {
		sock_free(s);
		return st;
	}
	return NB_OK;
}

/* --- Socket's methods (ctx: the socket) ---------------------------- */

/* A method that changed what s's event should show shows it before its
 * reply goes: a client that polls the event after the reply (the
 * kernel's WASI sockets) never sees a stale READABLE or WRITABLE. */
static void sock_show(struct sock *s);

/* Socket.accept: the oldest connection held. */
static nb_status on_accept(void *ctx, socket_accept_resp *resp)
{
	struct sock *l = ctx, *s;
	nb_status st;

	if (l->kind != SOCK_LISTEN)
		return NB_ERR_BAD_STATE;
	if (!l->nacq)
		return NB_ERR_SHOULD_WAIT;
	s = l->acq[0];
	if ((st = sock_open(s, &resp->socket, &resp->ready)))
		return st;
	memmove(l->acq, l->acq + 1, --l->nacq * sizeof *l->acq);
	sock_show(l);
	sock_show(s);
	if (s->tcp) {
		resp->addr = lwip_ntohl(ip4_addr_get_u32(&s->tcp->remote_ip));
		resp->port = s->tcp->remote_port;
	}
	return NB_OK;
}

/* Socket.send: as much of data as the send buffer takes. */
static nb_status on_send(void *ctx, const socket_send_req *req,
			 socket_send_resp *resp)
{
	struct sock *s = ctx;
	uint32_t n = req->data.len;
	err_t e;

	if (s->kind != SOCK_TCP || s->shut_wr)
		return NB_ERR_BAD_STATE;
	if (!s->tcp)
		return NB_ERR_PEER_CLOSED;
	if (!s->connected)
		return NB_ERR_SHOULD_WAIT;
	if (n > tcp_sndbuf(s->tcp))
		n = tcp_sndbuf(s->tcp);
	if (!n || tcp_sndqueuelen(s->tcp) + 8 > TCP_SND_QUEUELEN)
		return NB_ERR_SHOULD_WAIT;
	e = tcp_write(s->tcp, req->data.b, (u16_t)n, TCP_WRITE_FLAG_COPY);
	if (e == ERR_MEM)
		return NB_ERR_SHOULD_WAIT;
	if (e)
		return status_of(e);
	tcp_output(s->tcp);
	resp->sent = n;
	sock_show(s);
	return NB_OK;
}

/* Socket.recv: the oldest bytes received, acknowledged to lwIP (the
 * window opens again). */
static nb_status on_recv(void *ctx, const socket_recv_req *req,
			 socket_recv_resp *resp)
{
	struct sock *s = ctx;
	uint32_t n = req->max;

	if (s->kind != SOCK_TCP)
		return NB_ERR_BAD_STATE;
	if (n < 1 || n > sizeof resp->data.b)
		return FIR_ERR_INVALID;
	if (s->rx) {
		if (n > s->rx->tot_len)
			n = s->rx->tot_len;
		pbuf_copy_partial(s->rx, resp->data.b, (u16_t)n, 0);
		s->rx = pbuf_free_header(s->rx, (u16_t)n);
		if (s->tcp)
			tcp_recved(s->tcp, (u16_t)n);
		resp->data.len = n;
		sock_show(s);
		return NB_OK;
	}
	if (s->err && s->err != SOCKET_ERROR_CLOSED)
		return NB_ERR_PEER_CLOSED;
	if (s->eof || s->shut_rd || s->err)
		return NB_OK;
	return NB_ERR_SHOULD_WAIT;
}

/* One UDP datagram or ICMP echo request with data as its payload. */
static nb_status on_sendto(void *ctx, const socket_sendto_req *req)
{
	struct sock *s = ctx;
	uint32_t hdr = s->kind == SOCK_ICMP ? sizeof(struct icmp_echo_hdr) : 0;
	struct pbuf *p;
	ip_addr_t a;
	err_t e;

	if (s->kind != SOCK_UDP && s->kind != SOCK_ICMP)
		return NB_ERR_BAD_STATE;
	if (req->data.len > DGRAM_MAX - hdr || !req->addr ||
	    (s->kind == SOCK_UDP && !req->port))
		return FIR_ERR_INVALID;
	p = pbuf_alloc(s->kind == SOCK_UDP ? PBUF_TRANSPORT : PBUF_IP,
		       (u16_t)(hdr + req->data.len), PBUF_RAM);
	if (!p)
		return NB_ERR_NO_MEMORY;
	memcpy((uint8_t *)p->payload + hdr, req->data.b, req->data.len);
	ip_addr_set_ip4_u32(&a, lwip_htonl(req->addr));
	if (s->kind == SOCK_UDP) {
		e = udp_sendto(s->udp, p, &a, req->port);
	} else {
		struct icmp_echo_hdr *h = p->payload;
		h->type = ICMP_ECHO;
		h->code = 0;
		h->chksum = 0;
		h->id = lwip_htons(s->icmp_id);
		h->seqno = lwip_htons(s->icmp_seq++);
		h->chksum = inet_chksum(h, p->len);
		e = raw_sendto(s->raw, p, &a);
	}
	pbuf_free(p);
	return status_of(e);
}

/* Socket.recvfrom: the oldest datagram (cut to max). */
static nb_status on_recvfrom(void *ctx, const socket_recvfrom_req *req,
			     socket_recvfrom_resp *resp)
{
	struct sock *s = ctx;
	struct dgram *d = &s->dq[s->dhead];
	uint32_t n = req->max;

	if (s->kind != SOCK_UDP && s->kind != SOCK_ICMP)
		return NB_ERR_BAD_STATE;
	if (n < 1 || n > sizeof resp->data.b)
		return FIR_ERR_INVALID;
	if (!s->dn)
		return NB_ERR_SHOULD_WAIT;
	if (n > d->p->tot_len)
		n = d->p->tot_len;
	pbuf_copy_partial(d->p, resp->data.b, (u16_t)n, 0);
	resp->data.len = n;
	resp->addr = d->addr;
	resp->port = d->port;
	pbuf_free(d->p);
	s->dhead = (s->dhead + 1) % DGRAMS;
	s->dn--;
	sock_show(s);
	return NB_OK;
}

/* Socket.shutdown: lwIP's tcp_shutdown (both ways: a close). */
static nb_status on_shutdown(void *ctx, const socket_shutdown_req *req)
{
	struct sock *s = ctx;

	if (s->kind != SOCK_TCP)
		return NB_ERR_BAD_STATE;
	if (!s->tcp)
		return NB_ERR_PEER_CLOSED;
	if (req->read && req->write) {
		tcp_drop(s);
		s->shut_rd = s->shut_wr = 1;
		s->err = SOCKET_ERROR_CLOSED;
	} else if (req->read || req->write) {
		if (req->write && !s->connected)
			return NB_ERR_SHOULD_WAIT;
		tcp_shutdown(s->tcp, req->read, req->write);
		s->shut_rd |= req->read;
		s->shut_wr |= req->write;
	}
	if (s->shut_rd && s->rx) {
		if (s->tcp)
			tcp_recved(s->tcp, s->rx->tot_len);
		pbuf_free(s->rx);
		s->rx = NULL;
	}
	return NB_OK;
}

/* Socket.status: the error and the addresses. */
static nb_status on_status(void *ctx, socket_status_resp *resp)
{
	struct sock *s = ctx;

	resp->error = s->err;
	if (s->tcp) {
		resp->local_addr =
			lwip_ntohl(ip4_addr_get_u32(&s->tcp->local_ip));
		resp->local_port = s->tcp->local_port;
		resp->remote_addr =
			lwip_ntohl(ip4_addr_get_u32(&s->tcp->remote_ip));
		resp->remote_port = s->tcp->remote_port;
	} else if (s->udp) {
		resp->local_port = s->udp->local_port;
	}
	return NB_OK;
}

static const struct socket_ops ops = {on_accept, on_send,     on_recv,
				      on_sendto, on_recvfrom, on_shutdown,
				      on_status};

/* --- The loop's side ------------------------------------------------ */

/* The sockets' channels, in table order. */
uint32_t sock_wait_items(nb_wait_item *items, uint32_t cap)
{
	uint32_t n = 0;

	for (int i = 0; i < SOCKS && n < cap; i++)
		if (socks[i].kind && socks[i].ch != NB_HANDLE_INVALID)
			items[n++] = (nb_wait_item){
				socks[i].ch,
				NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED, 0};
	return n;
}

/* The socket whose channel is ch, or NULL. */
static struct sock *sock_of(nb_handle ch)
{
	for (int i = 0; i < SOCKS; i++)
		if (socks[i].kind && socks[i].ch == ch)
			return &socks[i];
	return NULL;
}

/* One message on each ready socket; a socket whose client closed its
 * channel (or that cannot be read) goes. */
void sock_serve(const nb_wait_item *items, uint32_t n)
{
	nb_handle h[FIR_MAX_HANDLES];
	uint32_t len, nh;

	for (uint32_t i = 0; i < n; i++) {
		struct sock *s = sock_of(items[i].handle);
		nb_status st;
		if (!s || !(items[i].pending & items[i].waitfor))
			continue;
		st = nb_channel_read(s->ch, 0, msgbuf, sizeof msgbuf, h,
				     FIR_MAX_HANDLES, &len, &nh);
		if (st == NB_OK)
			socket_dispatch(&ops, s, s->ch, msgbuf, len, h, nh);
		else if (st != NB_ERR_SHOULD_WAIT)
			sock_free(s);
	}
}

/* The signals s's event should show. */
static nb_signals sock_ready(const struct sock *s)
{
	nb_signals r = 0;

	switch (s->kind) {
	case SOCK_LISTEN:
		return s->nacq ? NETC_READABLE : 0;
	case SOCK_TCP:
		if (s->rx || s->eof || s->err)
			r |= NETC_READABLE;
		if (s->err)
			r |= NETC_ERROR;
		if (s->tcp && s->connected && !s->shut_wr &&
		    tcp_sndbuf(s->tcp) > 0 &&
		    tcp_sndqueuelen(s->tcp) + 8 <= TCP_SND_QUEUELEN)
			r |= NETC_WRITABLE;
		return r;
	default:
		return NETC_WRITABLE | (s->dn ? NETC_READABLE : 0);
	}
}

/* s's event, signalled if it changed. */
static void sock_show(struct sock *s)
{
	nb_signals r;

	if (!s->kind || s->ev == NB_HANDLE_INVALID)
		return;
	r = sock_ready(s);
	if (r != s->shown && nb_object_signal(s->ev, READY, r) == NB_OK)
		s->shown = r;
}

/* Every socket's event, signalled where it changed. */
void sock_signal_all(void)
{
	for (int i = 0; i < SOCKS; i++)
		sock_show(&socks[i]);
}

uint32_t sock_count(void)
{
	uint32_t n = 0;

	for (int i = 0; i < SOCKS; i++)
		n += socks[i].kind != 0;
	return n;
}
