/*
 * ping.c: ICMP echo through the network service.
 *
 *   ping.wasm [--net=NAME] [-c COUNT] ADDR
 *
 * sends COUNT (default 3) echo requests of 56 bytes to ADDR through the
 * stack NAME (default "net"), at most ten a second, each waiting up to
 * 2 s for its reply; prints the stack's address, a line per reply and
 * a summary. Exits 0 when
 * every request was answered, 1 when some were not, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netc.h"
#include "svc.h"

#define SECOND 1000000000LL

/* Sends request seq and waits for its reply; the round trip in ns, or
 * -1. Replies to older requests are skipped. */
static nb_time echo(struct netc_sock *s, uint32_t addr, uint16_t seq)
{
	static socket_sendto_req req;
	uint8_t buf[64];
	uint32_t got, from;
	uint16_t rseq;
	nb_time t0 = nb_clock_monotonic();

	req.addr = addr;
	req.data.len = 56;
	for (int i = 0; i < 56; i++)
		req.data.b[i] = (uint8_t)(seq + i);
	if (socket_sendto(s->ch, &req))
		return -1;
	while (netc_recvfrom(s, buf, sizeof buf, &got, &from, &rseq,
			     t0 + 2 * SECOND) == NB_OK) {
		if (rseq == seq && from == addr && got == 56 &&
		    !memcmp(buf, req.data.b, 56))
			return nb_clock_monotonic() - t0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *netname = "net", *target = NULL;
	uint32_t addr;
	int count = 3, ok = 0;
	nb_handle net;
	net_icmp_echo_resp r;
	net_info_resp info;
	struct netc_sock s;
	nb_status st;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--net=", 6))
			netname = argv[i] + 6;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			count = atoi(argv[++i]);
		else
			target = argv[i];
	}
	if (!target || !netc_parse_addr(target, &addr) || count < 1) {
		fprintf(stderr, "usage: ping [--net=NAME] [-c COUNT] ADDR\n");
		return 2;
	}
	if ((st = netc_open(netname, &net,
			    nb_clock_monotonic() + 30 * SECOND)) ||
	    (st = net_icmp_echo(net, &r))) {
		fprintf(stderr, "ping: stack '%s': status %d\n", netname, st);
		return 1;
	}
	s = (struct netc_sock){r.socket, r.ready};
	if (net_info(net, &info) == NB_OK) {
		char a[16];
		netc_format_addr(info.info.addr, a);
		printf("%s: %s (%s)\n", netname, a,
		       info.info.dhcp ? "DHCP" : "static");
	}
	for (int i = 0; i < count; i++) {
		nb_time t0 = nb_clock_monotonic(),
			rtt = echo(&s, addr, (uint16_t)i);
		if (rtt >= 0) {
			printf("reply from %s: seq=%d time=%lld us\n", target,
			       i, (long long)(rtt / 1000));
			ok++;
		} else {
			printf("no reply from %s: seq=%d\n", target, i);
		}
		if (i + 1 < count && nb_clock_monotonic() < t0 + SECOND / 10)
			svc_sleep(t0 + SECOND / 10 - nb_clock_monotonic());
	}
	printf("%d sent, %d received\n", count, ok);
	if (net_info(net, &info) == NB_OK)
		printf("%s: frames sent: %llu in place, %llu copied (%llu "
		       "bytes)\n",
		       netname, (unsigned long long)info.info.tx_inplace,
		       (unsigned long long)info.info.tx_copied,
		       (unsigned long long)info.info.tx_copied_bytes);
	netc_close(&s);
	return ok == count ? 0 : 1;
}
