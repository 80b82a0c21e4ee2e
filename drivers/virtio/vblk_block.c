/*
 * vblk_block.c: Block over virtio-blk (vblk_block.h). Requests are
 * checked against the device before it sees them: whole 512-byte
 * blocks, at most 8192 bytes, inside the disk (else FIR_ERR_INVALID or
 * NB_ERR_OUT_OF_RANGE), no writes to a read-only disk
 * (BLOCK_STATUS_READ_ONLY). A request the device fails is
 * BLOCK_STATUS_IO; one it never finishes (no interrupt in time) is
 * NB_ERR_TIMED_OUT. Status codes are the SDK's (NB_ERR_*), the
 * firmament's (FIR_ERR_*) and Block's own.
 */
#include <string.h>

#include "user/include/nebulet.h"
#include "vblk_block.h"

/* Runs one request and waits for it: its Block status. */
static int32_t run(struct vblk_dev *d, uint32_t type, uint64_t sector,
		   uint32_t len)
{
	int st;

	if (vblk_start(&d->b, type, sector, 0, len))
		return NB_ERR_BAD_STATE;
	while ((st = vblk_finish(&d->b)) == VBLK_BUSY)
		if (!d->wait_irq(d))
			return NB_ERR_TIMED_OUT;
	if (st == VBLK_UNSUPP)
		return NB_ERR_NOT_SUPPORTED;
	return st == VBLK_OK ? NB_OK : BLOCK_STATUS_IO;
}

/* Whether count blocks from first lie on the disk. */
static bool inside(const struct vblk *b, uint64_t first, uint64_t count)
{
	return first <= b->capacity && count <= b->capacity - first;
}

static int32_t on_info(void *ctx, block_info_resp *resp)
{
	struct vblk_dev *d = ctx;

	resp->info.block_size = VBLK_SECTOR;
	resp->info.block_count = d->b.capacity;
	resp->info.read_only = d->b.read_only;
	return NB_OK;
}

static int32_t on_read(void *ctx, const block_read_req *req,
		       block_read_resp *resp)
{
	struct vblk_dev *d = ctx;
	uint64_t len = (uint64_t)req->count * VBLK_SECTOR;
	int32_t st;

	if (len > sizeof resp->data.b)
		return FIR_ERR_INVALID;
	if (!inside(&d->b, req->first, req->count))
		return NB_ERR_OUT_OF_RANGE;
	resp->data.len = 0;
	if (len && (st = run(d, VBLK_T_IN, req->first, (uint32_t)len)))
		return st;
	memcpy(resp->data.b, d->b.data, len);
	resp->data.len = (uint32_t)len;
	return NB_OK;
}

static int32_t on_write(void *ctx, const block_write_req *req)
{
	struct vblk_dev *d = ctx;
	uint32_t len = req->data.len;

	if (len % VBLK_SECTOR)
		return FIR_ERR_INVALID;
	if (!inside(&d->b, req->first, len / VBLK_SECTOR))
		return NB_ERR_OUT_OF_RANGE;
	if (d->b.read_only)
		return BLOCK_STATUS_READ_ONLY;
	if (!len)
		return NB_OK;
	memcpy(d->b.data, req->data.b, len);
	return run(d, VBLK_T_OUT, req->first, len);
}

/* Block.flush: a device without a cache to flush (no VIRTIO_BLK_F_FLUSH)
 * has made every completed write durable already. */
static int32_t on_flush(void *ctx)
{
	struct vblk_dev *d = ctx;

	return d->b.can_flush ? run(d, VBLK_T_FLUSH, 0, 0) : NB_OK;
}

const struct block_ops vblk_block_ops = {on_info, on_read, on_write,
					 on_flush};
