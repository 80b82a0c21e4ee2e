/*
 * dhcpd.c: the smallest DHCP server, for testing the stack's DHCP
 * client: `service dhcpd dhcpd.wasm --net=NAME ADDR` answers every
 * DISCOVER with an OFFER of ADDR and every REQUEST with an ACK, through
 * stack NAME's UDP port 67, to broadcast port 68: one address for any
 * client, a /24 netmask, the server as router, an hour's lease. It
 * never exits on its own.
 */
#include <stdio.h>
#include <string.h>

#include "netc.h"
#include "svc.h"

#define BOOTP_FIXED 236 /* op .. file, before the magic cookie */
#define OPT_END 255

/* Option `code` of the request's options [p, end): its first byte, or
 * -1. */
static int option(const uint8_t *p, const uint8_t *end, uint8_t code)
{
	while (p < end && *p != OPT_END) {
		if (*p == 0) { /* pad */
			p++;
			continue;
		}
		if (p + 2 > end || p + 2 + p[1] > end)
			return -1;
		if (*p == code && p[1] >= 1)
			return p[2];
		p += 2 + p[1];
	}
	return -1;
}

/* Appends option code of n bytes at *o. */
static void put(uint8_t **o, uint8_t code, const void *v, uint8_t n)
{
	(*o)[0] = code;
	(*o)[1] = n;
	memcpy(*o + 2, v, n);
	*o += 2 + n;
}

/* Big-endian bytes of a host-order address. */
static void be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* The reply (type: 2 offer, 5 ack) to request q of n bytes, in r. */
static uint32_t reply(const uint8_t *q, uint8_t *r, int type, uint32_t me,
		      uint32_t addr)
{
	static const uint8_t cookie[4] = {99, 130, 83, 99};
	uint8_t b[4], t = (uint8_t)type, *o;
	uint32_t lease = 3600;

	memset(r, 0, BOOTP_FIXED + 4);
	r[0] = 2;		    /* BOOTREPLY */
	memcpy(r + 1, q + 1, 3);    /* htype, hlen, hops */
	memcpy(r + 4, q + 4, 4);    /* xid */
	memcpy(r + 10, q + 10, 2);  /* flags */
	be32(r + 16, addr);	    /* yiaddr */
	be32(r + 20, me);	    /* siaddr */
	memcpy(r + 28, q + 28, 16); /* chaddr */
	memcpy(r + BOOTP_FIXED, cookie, 4);
	o = r + BOOTP_FIXED + 4;
	put(&o, 53, &t, 1);
	be32(b, me);
	put(&o, 54, b, 4);
	be32(b, lease);
	put(&o, 51, b, 4);
	be32(b, 0xffffff00);
	put(&o, 1, b, 4);
	be32(b, me);
	put(&o, 3, b, 4);
	*o++ = OPT_END;
	return (uint32_t)(o - r);
}

int main(int argc, char **argv)
{
	static socket_sendto_req out;
	static uint8_t q[1472];
	const char *name = "net";
	uint32_t addr = 0, got, from;
	uint16_t port;
	net_udp_req ureq = {67};
	net_udp_resp ur;
	net_info_resp info;
	struct netc_sock s;
	nb_handle net;
	nb_status st;

	svc_args("dhcpd.wasm", &argv);
	for (int i = 1; argv[i]; i++)
		if (!strncmp(argv[i], "--net=", 6))
			name = argv[i] + 6;
		else if (!netc_parse_addr(argv[i], &addr))
			return fprintf(stderr, "dhcpd: bad address\n"), 2;
	if (!addr)
		return fprintf(stderr, "usage: dhcpd --net=NAME ADDR\n"), 2;
	if ((st = netc_open(name, &net, NB_TIME_INFINITE)) ||
	    (st = net_info(net, &info)) || (st = net_udp(net, &ureq, &ur)))
		return fprintf(stderr, "dhcpd: %s: status %d\n", name, st), 1;
	s = (struct netc_sock){ur.socket, ur.ready};
	for (;;) {
		int type;
		if (netc_recvfrom(&s, q, sizeof q, &got, &from, &port,
				  NB_TIME_INFINITE))
			return 1;
		if (got < BOOTP_FIXED + 4 || q[0] != 1 ||
		    memcmp(q + BOOTP_FIXED, "\x63\x82\x53\x63", 4))
			continue;
		type = option(q + BOOTP_FIXED + 4, q + got, 53);
		if (type != 1 && type != 3)
			continue;
		out.addr = 0xffffffff;
		out.port = 68;
		out.data.len = reply(q, out.data.b, type == 1 ? 2 : 5,
				     info.info.addr, addr);
		socket_sendto(s.ch, &out);
	}
}
