/*
 * nif.c: the lwIP netif of nif.h (pure lwIP, shared with the fuzzer).
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"
#include "nif.h"

struct nif_dev {
	nif_send_fn send;
	nif_buffer_fn buffer;
	void *ctx;
};

/* lwIP's linkoutput: one frame, written out of its pbufs into the
 * device's buffer (else ours), to the device. */
static err_t nif_linkoutput(struct netif *n, struct pbuf *p)
{
	static uint8_t frame[NIF_FRAME_MAX];
	struct nif_dev *d = n->state;
	uint8_t *out = NULL;

	if (p->tot_len > sizeof frame)
		return ERR_BUF;
	if (d->buffer)
		out = d->buffer(d->ctx, p->tot_len);
	if (!out)
		out = frame;
	pbuf_copy_partial(p, out, p->tot_len, 0);
	return d->send(d->ctx, out, p->tot_len) ? ERR_IF : ERR_OK;
}

/* netif_add's init: an Ethernet interface with ARP. */
static err_t nif_netif_init(struct netif *n)
{
	n->name[0] = 'e';
	n->name[1] = 'n';
	n->output = etharp_output;
	n->linkoutput = nif_linkoutput;
	n->hwaddr_len = ETH_HWADDR_LEN;
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		   NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	return ERR_OK;
}

/* Sets lwIP up (once) and adds n. */
int nif_add(struct netif *n, const uint8_t mac[6], uint16_t mtu,
	    nif_send_fn send, nif_buffer_fn buffer, void *ctx, uint32_t addr,
	    uint32_t netmask, uint32_t gateway)
{
	static int inited;
	struct nif_dev *d;
	ip4_addr_t a, m, g;

	if (!inited) {
		lwip_init();
		inited = 1;
	}
	if (!(d = mem_malloc(sizeof *d)))
		return -1;
	d->send = send;
	d->buffer = buffer;
	d->ctx = ctx;
	ip4_addr_set_u32(&a, lwip_htonl(addr));
	ip4_addr_set_u32(&m, lwip_htonl(netmask));
	ip4_addr_set_u32(&g, lwip_htonl(gateway));
	if (!netif_add(n, &a, &m, &g, d, nif_netif_init, ethernet_input))
		return -1;
	memcpy(n->hwaddr, mac, ETH_HWADDR_LEN);
	n->mtu = mtu;
	netif_set_default(n);
	netif_set_up(n);
	return 0;
}

/* One frame into a pool pbuf, then to ethernet_input. */
int nif_input(struct netif *n, const uint8_t *frame, uint32_t len)
{
	struct pbuf *p;

	if (len < SIZEOF_ETH_HDR || len > NIF_FRAME_MAX)
		return 0;
	if (!(p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL)))
		return 0;
	pbuf_take(p, frame, (u16_t)len);
	if (n->input(p, n) != ERR_OK) {
		pbuf_free(p);
		return 0;
	}
	return 1;
}
