/*
 * vblk_block.c: Block over virtio-blk (vblk_block.h). Requests are
 * checked against the device before it sees them: whole 512-byte
 * blocks, at most 8192 bytes, inside the disk (else FIR_ERR_INVALID or
 * NB_ERR_OUT_OF_RANGE), no writes to a read-only disk
 * (BLOCK_STATUS_READ_ONLY). A request the device fails is
 * BLOCK_STATUS_IO, and so is one it does not finish in time (no
 * interrupt within timeout_ns): the device is reset then. Zero copy: `buffer`
 * lends the client a buffer of DMA memory of its own (made at its first call,
 * taken back once it has gone), which `read_inplace` and `write_inplace` hand
 * to the device as it is. Status codes are the SDK's (NB_ERR_*), the
 * firmament's (FIR_ERR_*) and Block's own.
 */
#include <string.h>

#include "user/include/nebulet.h"
#include "vblk_block.h"

/* Runs one request (len bytes at bus address phys, 0: the driver's
 * data buffer) and waits for it: its Block status. One the device does
 * not finish in time is BLOCK_STATUS_IO, the device reset (vblk_reset)
 * so that the next request finds it working (or dead: IO too). */
static int32_t run(struct vblk_dev *d, uint32_t type, uint64_t sector,
		   uint64_t phys, uint32_t len)
{
	int st;

	if (vblk_start(&d->b, type, sector, phys, len))
		return d->b.dead ? BLOCK_STATUS_IO : NB_ERR_BAD_STATE;
	while ((st = vblk_finish(&d->b)) == VBLK_BUSY)
		if (!d->wait_irq(d)) {
			vblk_reset(&d->b);
			return BLOCK_STATUS_IO;
		}
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
	if (len && (st = run(d, VBLK_T_IN, req->first, 0, (uint32_t)len)))
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
	return run(d, VBLK_T_OUT, req->first, 0, len);
}

/* Block.flush: a device without a cache to flush (no VIRTIO_BLK_F_FLUSH)
 * has made every completed write durable already. */
static int32_t on_flush(void *ctx)
{
	struct vblk_dev *d = ctx;

	return d->b.can_flush ? run(d, VBLK_T_FLUSH, 0, 0, 0) : NB_OK;
}

/* The served client's buffer; NULL if it has none. */
static struct vblk_buf *buf_of(struct vblk_dev *d, uintptr_t client)
{
	for (int i = 0; i < VBLK_CLIENTS; i++)
		if (d->bufs[i].client == client)
			return &d->bufs[i];
	return NULL;
}

/* Block.buffer: the client's buffer, made at its first call (taking
 * back those of clients that have gone); NB_ERR_NO_RESOURCES when
 * VBLK_CLIENTS connected clients have one, or no DMA memory is left. */
static int32_t on_buffer(void *ctx, block_buffer_resp *resp)
{
	struct vblk_dev *d = ctx;
	uintptr_t cl = d->client(d);
	struct vblk_buf *b = buf_of(d, cl);

	for (int i = 0; !b && i < VBLK_CLIENTS; i++) {
		struct vblk_buf *f = &d->bufs[i];
		if (f->client && !d->connected(d, f->client)) {
			d->dma_drop(d, f->obj);
			*f = (struct vblk_buf){0, 0, 0};
		}
		if (!f->client && d->dma_new(d, &f->obj, &f->phys)) {
			f->client = cl;
			b = f;
		}
	}
	if (!b)
		return NB_ERR_NO_RESOURCES;
	resp->size = VBLK_INPLACE;
	return d->lend(d, b->obj, &resp->memory);
}

/* The bus address for count blocks at offset of the client's buffer,
 * or 0 with *st set: no buffer, outside it, outside the disk. */
static uint64_t inplace(struct vblk_dev *d, uint64_t first, uint32_t count,
			uint32_t offset, int32_t *st)
{
	struct vblk_buf *b = buf_of(d, d->client(d));
	uint64_t len = (uint64_t)count * VBLK_SECTOR;

	*st = NB_ERR_BAD_STATE;
	if (!b)
		return 0;
	*st = FIR_ERR_INVALID;
	if (!count || len > VBLK_INPLACE || offset > VBLK_INPLACE - len)
		return 0;
	*st = NB_ERR_OUT_OF_RANGE;
	if (!inside(&d->b, first, count))
		return 0;
	*st = NB_OK;
	return b->phys + offset;
}

static int32_t on_read_inplace(void *ctx, const block_read_inplace_req *req)
{
	struct vblk_dev *d = ctx;
	int32_t st;
	uint64_t at = inplace(d, req->first, req->count, req->offset, &st);

	return at ? run(d, VBLK_T_IN, req->first, at, req->count * VBLK_SECTOR)
		  : st;
}

static int32_t on_write_inplace(void *ctx, const block_write_inplace_req *req)
{
	struct vblk_dev *d = ctx;
	int32_t st;
	uint64_t at = inplace(d, req->first, req->count, req->offset, &st);

	if (at && d->b.read_only)
		return BLOCK_STATUS_READ_ONLY;
	return at ? run(d, VBLK_T_OUT, req->first, at, req->count * VBLK_SECTOR)
		  : st;
}

const struct block_ops vblk_block_ops = {
	on_info,   on_read,	    on_write,	     on_flush,
	on_buffer, on_read_inplace, on_write_inplace};
