/*
 * vblk.c: the virtio-blk core (vblk.h). Queue 0 carries every request
 * as a chain of three buffers: the 16-byte header (type, reserved,
 * sector) the device reads, the data (read by the device for a write,
 * written for a read; absent for a flush) and the status byte it
 * writes. Sectors are always 512 bytes on the wire, whatever block
 * size the device suggests. Each request first makes sure bus mastering
 * is on (one configuration read). A request the device does not finish
 * in time is abandoned by a reset of the device (which then no longer
 * touches its buffers) and a new start on the same queue memory.
 */
#include <string.h>

#include "vblk.h"

#define F_RO (1ull << 5)
#define F_FLUSH (1ull << 9)
#define STATUS_AT 16
#define QUEUE_SIZE 16
#define CMD_REG 0x04 /* PCI command register */
#define CMD_MASTER 0x4

int vblk_open(struct vblk *b, const struct vio_ops *ops, void *ctx,
	      uint16_t msix)
{
	memset(b, 0, sizeof *b);
	b->head = -1;
	b->intx = msix == VIRTIO_NO_VECTOR;
	if (virtio_open(&b->v, ops, ctx) ||
	    virtio_negotiate(&b->v, F_RO | F_FLUSH) ||
	    virtio_queue_setup(&b->v, &b->q, 0, QUEUE_SIZE, msix))
		return -1;
	b->wanted = b->v.features;
	b->capacity = virtio_config(&b->v, 0, 4) |
		      (uint64_t)virtio_config(&b->v, 4, 4) << 32;
	b->read_only = (b->v.features & F_RO) != 0;
	b->can_flush = (b->v.features & F_FLUSH) != 0;
	if (!(b->hdr = ops->dma(ctx, 4096, &b->hdrp)) ||
	    !(b->data = ops->dma(ctx, VBLK_MAX_BYTES, &b->datap)))
		return -1;
	virtio_ready(&b->v);
	return 0;
}

/* Turns bus mastering back on if the kernel turned it off, as it does
 * whenever DMA memory made for the device goes: a client's in-place
 * buffer unmapped after its driver let it go (a killed driver's, say). */
static void master_on(struct vblk *b)
{
	const struct vio_ops *ops = b->v.ops;
	uint32_t cmd = ops->cfg_read(b->v.ctx, CMD_REG, 2);

	if (cmd != 0xffffffffu && !(cmd & CMD_MASTER))
		ops->cfg_write(b->v.ctx, CMD_REG, 2, cmd | CMD_MASTER);
}

int vblk_start(struct vblk *b, uint32_t type, uint64_t sector, uint64_t phys,
	       uint32_t len)
{
	struct vq_buf bufs[3];
	unsigned n = 0;
	volatile uint32_t *h = (volatile uint32_t *)b->hdr;

	if (b->dead || b->head >= 0 || len % VBLK_SECTOR ||
	    len > (phys ? VBLK_INPLACE : VBLK_MAX_BYTES) ||
	    (type == VBLK_T_FLUSH) != (len == 0))
		return -1;
	h[0] = type;
	h[1] = 0;
	h[2] = (uint32_t)sector;
	h[3] = (uint32_t)(sector >> 32);
	b->hdr[STATUS_AT] = 0xff;
	bufs[n++] = (struct vq_buf){b->hdrp, 16, false};
	if (len)
		bufs[n++] = (struct vq_buf){phys ? phys : b->datap, len,
					    type == VBLK_T_IN};
	bufs[n++] = (struct vq_buf){b->hdrp + STATUS_AT, 1, true};
	if ((b->head = vq_add(&b->q, bufs, n)) < 0)
		return -1;
	master_on(b);
	vq_kick(&b->q);
	return 0;
}

int vblk_finish(struct vblk *b)
{
	uint16_t id;
	uint32_t len;

	if (b->head < 0)
		return VBLK_IOERR;
	while (vq_used(&b->q, &id, &len))
		if (id == b->head) {
			uint8_t st = b->hdr[STATUS_AT];
			b->head = -1;
			return st == VBLK_OK || st == VBLK_UNSUPP ? st
								  : VBLK_IOERR;
		}
	return VBLK_BUSY;
}

int vblk_reset(struct vblk *b)
{
	b->head = -1;
	if (b->dead || virtio_restart(&b->v))
		goto dead;
	if (virtio_negotiate(&b->v, b->wanted) || b->v.features != b->wanted ||
	    virtio_queue_restart(&b->v, &b->q))
		goto dead;
	virtio_ready(&b->v);
	b->resets++;
	return 0;
dead:
	b->dead = true;
	return -1;
}

void vblk_service(struct vblk *b)
{
	if (b->intx)
		virtio_isr(&b->v);
}

void vblk_close(struct vblk *b)
{
	virtio_reset(&b->v);
}
