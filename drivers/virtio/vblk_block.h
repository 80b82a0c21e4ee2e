/*
 * vblk_block.h: the Block operations (firmament/block.fir) of the
 * virtio-blk driver, written once for its wasm build (drivers/
 * virtio_blk/virtio_blk.c) and its native one (vblk_native.c): the
 * handlers of firc's generated dispatch (ctx: the struct vblk_dev),
 * over the device core (vblk.h) and the hooks each build provides.
 * Each connected client may have an in-place buffer of its own
 * (Block.buffer: zero copy), up to VBLK_CLIENTS at once.
 */
#ifndef VBLK_BLOCK_H
#define VBLK_BLOCK_H

#include <stdint.h>

#include "firmament/block_wire.h"
#include "vblk.h"

#define VBLK_CLIENTS 16
#define VBLK_TIMEOUT_NS 10000000000ull /* a request's, by default */

/* A client's in-place buffer: VBLK_INPLACE bytes of DMA memory. */
struct vblk_buf {
	uintptr_t client; /* 0: free */
	uintptr_t obj;	  /* the build's memory object */
	uint64_t phys;
};

struct vblk_dev {
	struct vblk b;
	struct vblk_buf bufs[VBLK_CLIENTS];
	/* Waits for the next interrupt and serves it (vblk_service, then
	 * acknowledge); false if none came within timeout_ns (or the
	 * driver is killed). */
	bool (*wait_irq)(struct vblk_dev *d);
	uint64_t timeout_ns; /* VBLK_TIMEOUT_NS unless asked otherwise */
	/* The client whose request is served (never 0), and whether a
	 * client is still connected. */
	uintptr_t (*client)(struct vblk_dev *d);
	bool (*connected)(struct vblk_dev *d, uintptr_t client);
	/* New DMA memory of VBLK_INPLACE bytes: *obj the object, *phys its
	 * bus address; false if there is none. dma_drop lets it go (a
	 * client may keep it mapped: the device no longer uses it). */
	bool (*dma_new)(struct vblk_dev *d, uintptr_t *obj, uint64_t *phys);
	void (*dma_drop)(struct vblk_dev *d, uintptr_t obj);
	/* *out: a handle to obj for the reply, with READ, WRITE and
	 * TRANSFER only (no MANAGE: no bus address). */
	int32_t (*lend)(struct vblk_dev *d, uintptr_t obj, fir_handle *out);
};

extern const struct block_ops vblk_block_ops;

#endif
