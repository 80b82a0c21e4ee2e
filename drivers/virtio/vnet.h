/*
 * vnet.h: the virtio-net device core, shared by the wasm driver
 * (drivers/virtio_net/virtio_net.c) and the native one (vnet_native.c):
 * a receive queue kept full of buffers, and transmit slots of a page of
 * DMA memory each (the frame at VNET_HDR, after the virtio-net header),
 * which a driver may lend to a client to fill in place (zero copy).
 * Over struct vio_ops like the transport (virtio_pci.h). Not
 * thread-safe.
 */
#ifndef VNET_H
#define VNET_H

#include "virtio_pci.h"

#define VNET_RX 16	    /* receive buffers */
#define VNET_TX 8	    /* transmit slots */
#define VNET_HDR 12	    /* virtio_net_hdr (VERSION_1) */
#define VNET_FRAME_MAX 1514 /* without the FCS */
#define VNET_RXBUF 2048
/* The DMA memory objects vnet_open asks vio_ops for: the two queues'
 * rings, the receive buffers, each transmit slot. */
#define VNET_DMAS (VNET_TX + 3)

enum { VNET_SLOT_FREE, VNET_SLOT_LENT, VNET_SLOT_QUEUED };

struct vnet {
	struct virtio v;
	struct vq rx, tx;
	uint8_t mac[6];
	uint8_t *rxb; /* VNET_RX buffers of VNET_RXBUF */
	uint64_t rxp; /* their bus address */
	uint8_t *txb[VNET_TX];
	uint64_t txp[VNET_TX];
	uint8_t tx_state[VNET_TX];
	uint8_t slot_of[VQ_MAX_SIZE]; /* tx descriptor head -> slot */
	uint8_t buf_of[VQ_MAX_SIZE];  /* rx descriptor -> buffer */
};

/* Opens the device (a modern virtio-net), negotiates (the MAC feature),
 * sets up both queues with interrupts to MSI-X entry msix (or
 * VIRTIO_NO_VECTOR: INTx), fills the receive queue. 0, or -1. */
int vnet_open(struct vnet *n, const struct vio_ops *ops, void *ctx,
	      uint16_t msix);
/* After an interrupt: reads the ISR (which lowers INTx) and takes back
 * the transmit slots the device is done with. */
void vnet_service(struct vnet *n);
/* A free transmit slot, now lent; -1 when all are busy. */
int vnet_slot_take(struct vnet *n);
/* Queues lent slot's frame (len bytes at txb[slot] + VNET_HDR) for
 * transmission; -1 if slot is not lent or len is no frame. */
int vnet_slot_send(struct vnet *n, int slot, uint32_t len);
/* Copies the oldest received frame into frame (cap bytes; longer ones
 * are cut) and gives its buffer back to the device: its length, or -1
 * when none has arrived. */
int vnet_recv(struct vnet *n, uint8_t *frame, uint32_t cap);
/* Whether a received frame waits for vnet_recv. */
bool vnet_rx_pending(const struct vnet *n);
void vnet_close(struct vnet *n);

#endif
