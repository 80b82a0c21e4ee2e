/*
 * tcpd.c: a TCP sink and source through the network service, for
 * throughput measurements from the host (bench/net.sh, through QEMU's
 * port forwarding).
 *
 *   tcpd.wasm [--net=NAME] [--port=PORT] [--count=N] [--udp]
 *
 * listens on PORT (default 5001) of stack NAME (default "net") and
 * serves N connections (default 0: for ever), one at a time. A
 * connection's first byte says what to do: 'r' receive everything up to
 * the peer's end of stream, then answer the byte count as decimal text;
 * 's' followed by a 4-byte little-endian length: send that many bytes
 * (byte i is i % 256), then close. Prints a line per connection.
 * With --udp it echoes datagrams on PORT instead (N of them; UDP round
 * trips, bench/net.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netc.h"
#include "svc.h"

#define CHUNK 16384
#define IDLE (60 * 1000000000LL) /* a silent peer is dropped after this */

static uint8_t buf[CHUNK];

/* Receives until the end of stream; answers the count. */
static void sink(struct netc_sock *c, uint64_t n)
{
	uint32_t got;
	char line[32];

	while (netc_recv(c, buf, sizeof buf, &got,
			 nb_clock_monotonic() + IDLE) == NB_OK &&
	       got > 0)
		n += got;
	snprintf(line, sizeof line, "%llu\n", (unsigned long long)n);
	netc_send(c, line, (uint32_t)strlen(line), nb_clock_monotonic() + IDLE);
	printf("tcpd: received %llu bytes\n", (unsigned long long)n);
}

/* Sends len bytes of the pattern (CHUNK is a multiple of 256, so every
 * chunk is the same). */
static void source(struct netc_sock *c, uint32_t len)
{
	uint32_t sent = 0;

	for (uint32_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)i;
	while (sent < len) {
		uint32_t n = len - sent < sizeof buf ? len - sent : sizeof buf;
		if (netc_send(c, buf, n, nb_clock_monotonic() + IDLE) != NB_OK)
			break;
		sent += n;
	}
	printf("tcpd: sent %u bytes\n", sent);
}

/* --udp: sends every datagram received on port back to its sender,
 * count of them (0: for ever). 0, or 1 after a message. */
static int udp_echo(nb_handle net, uint16_t port, long count)
{
	static socket_sendto_req out;
	struct netc_sock u;
	net_udp_resp r;
	uint32_t got;
	nb_status s;

	if ((s = net_udp(net, &(net_udp_req){port}, &r))) {
		fprintf(stderr, "tcpd: udp port %u: status %d\n", port, s);
		return 1;
	}
	u = (struct netc_sock){r.socket, r.ready};
	printf("tcpd: udp echo on port %u\n", port);
	fflush(stdout);
	for (long n = 0; count == 0 || n < count; n++) {
		if ((s = netc_recvfrom(&u, out.data.b, 1472, &got, &out.addr,
				       &out.port, NB_TIME_INFINITE)) ||
		    (out.data.len = got, (s = socket_sendto(u.ch, &out)))) {
			fprintf(stderr, "tcpd: udp: status %d\n", s);
			return 1;
		}
	}
	netc_close(&u);
	return 0;
}

/* Serves one accepted connection. */
static void serve(struct netc_sock *c)
{
	uint8_t head[5];
	uint32_t have = 0, got;

	while (have < 1 || (head[0] == 's' && have < 5)) {
		if (netc_recv(c, head + have, head[0] == 's' ? 5 - have : 1,
			      &got, nb_clock_monotonic() + IDLE) ||
		    got == 0)
			return;
		have += got;
	}
	if (head[0] == 'r')
		sink(c, 0);
	else if (head[0] == 's')
		source(c, (uint32_t)head[1] | (uint32_t)head[2] << 8 |
				  (uint32_t)head[3] << 16 |
				  (uint32_t)head[4] << 24);
}

int main(int argc, char **argv)
{
	const char *netname = "net";
	long port = 5001, count = 0;
	struct netc_sock l, c;
	nb_handle net;
	nb_status s;
	int udp = 0;

	if (argc < 2) /* launched (Launcher.launch): the arguments come so */
		argc = svc_args("tcpd.wasm", &argv);
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--net=", 6))
			netname = argv[i] + 6;
		else if (!strncmp(argv[i], "--port=", 7))
			port = strtol(argv[i] + 7, NULL, 10);
		else if (!strncmp(argv[i], "--count=", 8))
			count = strtol(argv[i] + 8, NULL, 10);
		else if (!strcmp(argv[i], "--udp"))
			udp = 1;
		else
			port = -1;
	}
	if (port < 1 || port > 65535 || count < 0) {
		fprintf(stderr, "usage: tcpd [--net=NAME] [--port=PORT] "
				"[--count=N] [--udp]\n");
		return 2;
	}
	if ((s = netc_open(netname, &net, NB_TIME_INFINITE)) ||
	    (!udp && (s = netc_listen(net, (uint16_t)port, 4, &l)))) {
		fprintf(stderr, "tcpd: stack '%s': status %d\n", netname, s);
		return 1;
	}
	if (udp)
		return udp_echo(net, (uint16_t)port, count);
	printf("tcpd: listening on port %ld\n", port);
	fflush(stdout);
	for (long n = 0; count == 0 || n < count; n++) {
		if ((s = netc_accept(&l, &c, NB_TIME_INFINITE))) {
			fprintf(stderr, "tcpd: accept: status %d\n", s);
			return 1;
		}
		serve(&c);
		netc_close(&c);
	}
	netc_close(&l);
	return 0;
}
