/*
 * vblk_block.h: the Block operations (firmament/block.fir) of the
 * virtio-blk driver, written once for its wasm build (drivers/
 * virtio_blk/virtio_blk.c) and its native one (vblk_native.c): the
 * handlers of firc's generated dispatch (ctx: the struct vblk_dev),
 * over the device core (vblk.h) and one hook each build provides.
 */
#ifndef VBLK_BLOCK_H
#define VBLK_BLOCK_H

#include <stdint.h>

#include "firmament/block_wire.h"
#include "vblk.h"

struct vblk_dev {
	struct vblk b;
	/* Waits for the next interrupt and serves it (vblk_service, then
	 * acknowledge); false if none came in time (or the driver is
	 * killed). */
	bool (*wait_irq)(struct vblk_dev *d);
};

extern const struct block_ops vblk_block_ops;

#endif
