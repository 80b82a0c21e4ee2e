/*
 * fuzz_net.c: libFuzzer target for the network stack: lwIP built
 * natively with the service's own lwipopts.h (checksum checks off:
 * NET_FUZZ), one interface through user/net/nif.c as net.wasm has it
 * (10.0.0.1/24, DHCP running beside), a TCP echo listener on port 7
 * and a UDP echo on port 7 (raw API), and the frames the fuzz input
 * holds (each: u16 little-endian length, then that many bytes) fed to
 * nif_input one by one, lwIP's TCP timer run after each. Replies go
 * nowhere. lwIP's state lives from one input to the next, as in a
 * running stack; a crash, a sanitizer report or a failed lwIP
 * assertion is a bug.
 */
#include <stdint.h>
#include <string.h>

#include <lwip/dhcp.h>		/* lwIP (Debian source): -I its include dir */
#include <lwip/priv/tcp_priv.h> /* tcp_tmr */
#include <lwip/tcp.h>
#include <lwip/udp.h>

#include "user/net/nif.h"

static struct netif nif;
static uint64_t sent_bytes;

/* The device: counts the bytes lwIP sends. */
static int discard(void *ctx, const uint8_t *frame, uint32_t len)
{
	sent_bytes += len;
	return 0;
}

/* TCP echo: what arrives is written back. */
static err_t echo_recv(void *arg, struct tcp_pcb *t, struct pbuf *p, err_t err)
{
	if (!p) {
		tcp_arg(t, NULL);
		tcp_recv(t, NULL);
		if (tcp_close(t) != ERR_OK) {
			tcp_abort(t);
			return ERR_ABRT;
		}
		return ERR_OK;
	}
	for (struct pbuf *q = p; q; q = q->next)
		if (tcp_write(t, q->payload, q->len, TCP_WRITE_FLAG_COPY))
			break;
	tcp_recved(t, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t echo_accept(void *arg, struct tcp_pcb *t, err_t err)
{
	if (err != ERR_OK || !t)
		return ERR_VAL;
	tcp_recv(t, echo_recv);
	return ERR_OK;
}

/* UDP echo: each datagram back to its sender. */
static void udp_echo(void *arg, struct udp_pcb *u, struct pbuf *p,
		     const ip_addr_t *addr, u16_t port)
{
	udp_sendto(u, p, addr, port);
	pbuf_free(p);
}

/* The stack, once per process. */
static void setup(void)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
	struct tcp_pcb *t;
	struct udp_pcb *u;

	if (nif_add(&nif, mac, 1500, discard, NULL, NULL, 0x0a000001,
		    0xffffff00, 0x0a0000fe))
		abort();
	dhcp_start(&nif);
	t = tcp_new();
	if (!t || tcp_bind(t, IP_ANY_TYPE, 7) || !(t = tcp_listen(t)))
		abort();
	tcp_accept(t, echo_accept);
	u = udp_new();
	if (!u || udp_bind(u, IP_ANY_TYPE, 7))
		abort();
	udp_recv(u, udp_echo, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	if (!ready) {
		setup();
		ready = 1;
	}
	while (size >= 2) {
		size_t n = (size_t)data[0] | (size_t)data[1] << 8;
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		nif_input(&nif, data, (uint32_t)n);
		tcp_tmr();
		data += n;
		size -= n;
	}
	return 0;
}
