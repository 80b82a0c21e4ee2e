/*
 * srv.c: the network tests' server, a service on one stack (`service
 * srv srv.wasm --net=NAME`): TCP echo, sink and source (nt.h) and UDP
 * echo, one connection at a time (the client's tests are sequential).
 * Errors go to standard error; it never exits on its own.
 */
#include <stdio.h>
#include <string.h>

#include "netc.h"
#include "nt.h"
#include "svc.h"

static uint8_t buf[8192];

/* Echoes everything until the end of the stream. */
static void echo(struct netc_sock *c, nb_time dl)
{
	uint32_t got;

	while (netc_recv(c, buf, sizeof buf, &got, dl) == NB_OK && got)
		if (netc_send(c, buf, got, dl))
			return;
}

/* Reads to the end, answers the byte count and FNV-1a checksum. */
static void sink(struct netc_sock *c, nb_time dl)
{
	uint32_t got, r[2] = {0, 2166136261u};

	while (netc_recv(c, buf, sizeof buf, &got, dl) == NB_OK && got) {
		r[0] += got;
		r[1] = nt_fnv(r[1], buf, got);
	}
	netc_send(c, r, sizeof r, dl);
}

/* Reads a count and seed, then sends that much of the pattern. */
static void source(struct netc_sock *c, nb_time dl)
{
	uint32_t got, have = 0, r[2];

	while (have < sizeof r) {
		if (netc_recv(c, (uint8_t *)r + have, sizeof r - have, &got,
			      dl) ||
		    !got)
			return;
		have += got;
	}
	while (r[0]) {
		uint32_t n = r[0] < sizeof buf ? r[0] : sizeof buf;
		nt_pattern(&r[1], buf, n);
		if (netc_send(c, buf, n, dl))
			return;
		r[0] -= n;
	}
}

/* One UDP datagram echoed, if one waits. */
static void udp_echo(struct netc_sock *u)
{
	static socket_recvfrom_resp in;
	static socket_sendto_req out;
	socket_recvfrom_req req = {sizeof in.data.b};

	if (socket_recvfrom(u->ch, &req, &in))
		return;
	out.addr = in.addr;
	out.port = in.port;
	out.data.len = in.data.len;
	memcpy(out.data.b, in.data.b, in.data.len);
	socket_sendto(u->ch, &out);
}

int main(int argc, char **argv)
{
	static void (*const serve[3])(struct netc_sock *,
				      nb_time) = {echo, sink, source};
	static const uint16_t ports[3] = {NT_ECHO, NT_SINK, NT_SOURCE};
	const char *name = "net";
	struct netc_sock l[4];
	nb_wait_item it[4];
	net_udp_req ureq = {NT_ECHO};
	net_udp_resp uresp;
	nb_handle net;
	nb_status s;

	svc_args("srv.wasm", &argv);
	if (argv[1] && !strncmp(argv[1], "--net=", 6))
		name = argv[1] + 6;
	if ((s = netc_open(name, &net, NB_TIME_INFINITE)))
		return fprintf(stderr, "srv: open %s: %d\n", name, s), 1;
	for (int i = 0; i < 3; i++)
		if ((s = netc_listen(net, ports[i], 4, &l[i])))
			return fprintf(stderr, "srv: listen: %d\n", s), 1;
	if ((s = net_udp(net, &ureq, &uresp)))
		return fprintf(stderr, "srv: udp: %d\n", s), 1;
	l[3] = (struct netc_sock){uresp.socket, uresp.ready};
	for (;;) {
		for (int i = 0; i < 4; i++)
			it[i] = (nb_wait_item){l[i].ready, NETC_READABLE, 0};
		nb_object_wait_many(it, 4, NB_TIME_INFINITE);
		for (int i = 0; i < 3; i++) {
			struct netc_sock c;
			nb_time dl = nb_clock_monotonic() + 60 * NT_SECOND;
			if (!(it[i].pending & NETC_READABLE) ||
			    netc_accept(&l[i], &c, dl))
				continue;
			serve[i](&c, dl);
			netc_close(&c);
		}
		if (it[3].pending & NETC_READABLE)
			udp_echo(&l[3]);
	}
}
