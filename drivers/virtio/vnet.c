/*
 * vnet.c: the virtio-net core (vnet.h). Queue 0 receives, queue 1
 * transmits. Every receive buffer holds the virtio-net header and a
 * whole frame (no mergeable buffers, no offloads), so each completion
 * is one frame. A transmit slot's header stays zero: no checksum
 * offload, no segmentation.
 */
#include <string.h>

#include "vnet.h"

#define F_MAC (1ull << 5)
#define RXQ 0
#define TXQ 1

/* Gives receive buffer i to the device. */
static int rx_post(struct vnet *n, unsigned i)
{
	struct vq_buf b = {n->rxp + (uint64_t)i * VNET_RXBUF, VNET_RXBUF, true};
	int head = vq_add(&n->rx, &b, 1);

	if (head < 0)
		return -1;
	n->buf_of[head] = (uint8_t)i;
	return 0;
}

int vnet_open(struct vnet *n, const struct vio_ops *ops, void *ctx,
	      uint16_t msix)
{
	uint64_t phys;

	memset(n, 0, sizeof *n);
	if (virtio_open(&n->v, ops, ctx) || virtio_negotiate(&n->v, F_MAC) ||
	    virtio_queue_setup(&n->v, &n->rx, RXQ, VNET_RX, msix) ||
	    virtio_queue_setup(&n->v, &n->tx, TXQ, VNET_TX, msix))
		return -1;
	for (unsigned i = 0; i < 6; i++)
		n->mac[i] = (n->v.features & F_MAC)
				    ? (uint8_t)virtio_config(&n->v, i, 1)
				    : (uint8_t)(i == 0 ? 2 : i);
	if (!(n->rxb = ops->dma(ctx, VNET_RX * VNET_RXBUF, &phys)))
		return -1;
	n->rxp = phys;
	for (unsigned i = 0; i < VNET_TX; i++)
		if (!(n->txb[i] = ops->dma(ctx, 4096, &n->txp[i])))
			return -1;
	for (unsigned i = 0; i < VNET_RX && i < n->rx.size; i++)
		if (rx_post(n, i))
			return -1;
	virtio_ready(&n->v);
	vq_kick(&n->rx);
	return 0;
}

void vnet_service(struct vnet *n)
{
	uint16_t id;
	uint32_t len;

	virtio_isr(&n->v);
	while (vq_used(&n->tx, &id, &len))
		if (n->tx_state[n->slot_of[id] % VNET_TX] == VNET_SLOT_QUEUED)
			n->tx_state[n->slot_of[id] % VNET_TX] = VNET_SLOT_FREE;
}

int vnet_slot_take(struct vnet *n)
{
	vnet_service(n);
	for (int i = 0; i < VNET_TX; i++)
		if (n->tx_state[i] == VNET_SLOT_FREE) {
			n->tx_state[i] = VNET_SLOT_LENT;
			return i;
		}
	return -1;
}

int vnet_slot_send(struct vnet *n, int slot, uint32_t len)
{
	struct vq_buf b;
	int head;

	if (slot < 0 || slot >= VNET_TX ||
	    n->tx_state[slot] != VNET_SLOT_LENT || len < 14 ||
	    len > VNET_FRAME_MAX)
		return -1;
	memset(n->txb[slot], 0, VNET_HDR);
	b = (struct vq_buf){n->txp[slot], VNET_HDR + len, false};
	if ((head = vq_add(&n->tx, &b, 1)) < 0)
		return -1;
	n->slot_of[head] = (uint8_t)slot;
	n->tx_state[slot] = VNET_SLOT_QUEUED;
	vq_kick(&n->tx);
	return 0;
}

int vnet_recv(struct vnet *n, uint8_t *frame, uint32_t cap)
{
	uint16_t id;
	uint32_t len;
	unsigned i;

	if (!vq_used(&n->rx, &id, &len))
		return -1;
	i = n->buf_of[id] % VNET_RX;
	if (len > VNET_RXBUF)
		len = VNET_RXBUF;
	len = len > VNET_HDR ? len - VNET_HDR : 0;
	if (len > cap)
		len = cap;
	memcpy(frame, n->rxb + i * VNET_RXBUF + VNET_HDR, len);
	rx_post(n, i);
	vq_kick(&n->rx);
	return (int)len;
}

bool vnet_rx_pending(const struct vnet *n)
{
	return vq_pending(&n->rx);
}

void vnet_close(struct vnet *n)
{
	virtio_reset(&n->v);
}
