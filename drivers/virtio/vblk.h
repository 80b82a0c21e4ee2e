/*
 * vblk.h: the virtio-blk device core, shared by the wasm driver
 * (drivers/virtio_blk/virtio_blk.c) and the native one (vblk_native.c):
 * one request queue, one request at a time, its header and status in a
 * page of DMA memory and its data in a DMA buffer of VBLK_MAX_BYTES (or
 * in DMA memory of the caller's: vblk_start takes a bus address). Over
 * struct vio_ops like the transport (virtio_pci.h). Not thread-safe.
 */
#ifndef VBLK_H
#define VBLK_H

#include "virtio_pci.h"

#define VBLK_SECTOR 512
#define VBLK_MAX_BYTES 8192 /* one request's data (Block's bytes<8192>) */
#define VBLK_INPLACE 65536  /* a client's in-place buffer: one request */
/* The DMA memory objects vblk_open asks vio_ops for: the queue's rings,
 * the header page, the data buffer. */
#define VBLK_DMAS 3

/* Request types (virtio 1.x, 5.2.6). */
#define VBLK_T_IN 0
#define VBLK_T_OUT 1
#define VBLK_T_FLUSH 4

/* What vblk_finish reports (the device's status byte, or none yet). */
enum { VBLK_OK = 0, VBLK_IOERR = 1, VBLK_UNSUPP = 2, VBLK_BUSY = -1 };

struct vblk {
	struct virtio v;
	struct vq q;
	uint64_t capacity; /* in VBLK_SECTORs */
	bool read_only, can_flush;
	bool intx; /* interrupts by INTx: the ISR says which device fired */
	volatile uint8_t *hdr; /* request header at 0, status byte at 16 */
	uint64_t hdrp;
	uint8_t *data; /* VBLK_MAX_BYTES */
	uint64_t datap;
	int head;	 /* the request in flight, -1 if none */
	uint64_t wanted; /* the features negotiated at open */
	uint32_t resets; /* by vblk_reset */
	bool dead;	 /* a reset failed: every request fails */
};

/* Opens the device (a modern virtio-blk), negotiates (read-only, flush),
 * sets up its queue with interrupts to MSI-X entry msix (or
 * VIRTIO_NO_VECTOR: INTx), reads the capacity. 0, or -1. */
int vblk_open(struct vblk *b, const struct vio_ops *ops, void *ctx,
	      uint16_t msix);
/* Queues request type at sector for len bytes at bus address phys (0:
 * the data buffer) and tells the device; -1 if one is in flight or len
 * is not whole sectors of at most VBLK_MAX_BYTES (VBLK_INPLACE at
 * phys; not 0 for a flush). The caller has checked the bounds. */
int vblk_start(struct vblk *b, uint32_t type, uint64_t sector, uint64_t phys,
	       uint32_t len);
/* The request in flight: VBLK_BUSY while the device has not finished
 * it, then its status (VBLK_OK, VBLK_IOERR, VBLK_UNSUPP). */
int vblk_finish(struct vblk *b);
/* After an interrupt: reads the ISR when on INTx (which lowers it; an
 * MSI-X message needs nothing). */
void vblk_service(struct vblk *b);
/* Abandons the request in flight (one the device never finished):
 * resets the device, negotiates the same features and sets the queue
 * up again on its memory. 0, or -1: the device is dead (a reset that
 * never ends, features refused), and vblk_start fails from then on. */
int vblk_reset(struct vblk *b);
void vblk_close(struct vblk *b);

#endif
