/*
 * ramdisk.c: a Block device in memory (published as "block"): BLOCKS
 * blocks of BLOCK_SIZE bytes, zeroed at start (so lost at a restart).
 */
#include <string.h>

#include "block.h"
#include "svc.h"

#define BLOCK_SIZE 512u
#define BLOCKS 128u

static uint8_t disk[BLOCKS * BLOCK_SIZE];

/* Block.info */
static nb_status on_info(void *ctx, block_info_resp *resp)
{
	resp->info.block_size = BLOCK_SIZE;
	resp->info.block_count = BLOCKS;
	resp->info.read_only = false;
	return NB_OK;
}

/* True if [first, first+count) lies on the disk. */
static int inside(uint64_t first, uint64_t count)
{
	return first <= BLOCKS && count <= BLOCKS - first;
}

/* Block.read: count blocks (at most 8192 bytes) from first. */
static nb_status on_read(void *ctx, const block_read_req *req,
			 block_read_resp *resp)
{
	if ((uint64_t)req->count * BLOCK_SIZE > sizeof resp->data.b)
		return FIR_ERR_INVALID;
	if (!inside(req->first, req->count))
		return NB_ERR_OUT_OF_RANGE;
	resp->data.len = req->count * BLOCK_SIZE;
	memcpy(resp->data.b, disk + req->first * BLOCK_SIZE, resp->data.len);
	return NB_OK;
}

/* Block.write: whole blocks at first. */
static nb_status on_write(void *ctx, const block_write_req *req)
{
	if (req->data.len % BLOCK_SIZE)
		return FIR_ERR_INVALID;
	if (!inside(req->first, req->data.len / BLOCK_SIZE))
		return NB_ERR_OUT_OF_RANGE;
	memcpy(disk + req->first * BLOCK_SIZE, req->data.b, req->data.len);
	return NB_OK;
}

/* Block.flush: memory needs none. */
static nb_status on_flush(void *ctx)
{
	return NB_OK;
}

static const struct block_ops ops = {on_info, on_read, on_write, on_flush};

int main(void)
{
	return -svc_serve("block", block_dispatch_any, &ops, NULL);
}
