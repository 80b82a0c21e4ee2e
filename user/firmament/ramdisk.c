/*
 * ramdisk.c: a Block device in memory (published as "block"). When the
 * process may use the Launcher (a manifest's `grant launcher
 * ramdisk.wasm`) and the boot archive holds "disk.img" (whole 512-byte
 * blocks up to 64 MiB, raw or in the sparse format of tools/sparse.c,
 * which keeps only non-zero blocks and so fits the boot channel), the
 * disk starts as that image: a file system made by mkfs.fat runs before
 * any disk driver. Otherwise it is BLOCKS zeroed blocks. Either way it
 * is lost at a restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "launcher.h"
#include "svc.h"

#define BLOCK_SIZE 512u
#define BLOCKS 128u
#define IMAGE "disk.img"
#define IMAGE_MAX (64u << 20)

static uint8_t *disk;
static uint64_t blocks = BLOCKS;

/* Block.info */
static nb_status on_info(void *ctx, block_info_resp *resp)
{
	resp->info.block_size = BLOCK_SIZE;
	resp->info.block_count = blocks;
	resp->info.read_only = false;
	return NB_OK;
}

/* True if [first, first+count) lies on the disk. */
static int inside(uint64_t first, uint64_t count)
{
	return first <= blocks && count <= blocks - first;
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

/* Reads boot file IMAGE (size bytes) into buf through launcher ch,
 * 4096 bytes a call. */
static nb_status fetch(nb_handle ch, uint8_t *buf, uint32_t size)
{
	static launcher_read_req req;
	static launcher_read_resp resp;
	nb_status s;

	FIR_SET_STR(req.name, IMAGE);
	for (uint32_t at = 0; at < size; at += resp.data.len) {
		req.offset = at;
		if ((s = launcher_read(ch, &req, &resp)))
			return s;
		if (!resp.data.len || resp.data.len > size - at)
			return FIR_ERR_MALFORMED;
		memcpy(buf + at, resp.data.b, resp.data.len);
	}
	return NB_OK;
}

/* The little-endian integer of n bytes at p. */
static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Makes the disk from image f (n bytes): raw blocks, or the sparse
 * format of tools/sparse.c ("NBSPARSE", u64 size, then runs of u64
 * offset, u32 length, data). NULL (and a message) if it is malformed. */
static uint8_t *unpack(const uint8_t *f, uint32_t n)
{
	bool sparse = n >= 16 && !memcmp(f, "NBSPARSE", 8);
	uint64_t size = sparse ? le(f + 8, 8) : n;
	uint8_t *d = NULL;
	uint32_t p = 16;

	if (!size || size % BLOCK_SIZE || size > IMAGE_MAX ||
	    !(d = calloc(size, 1)))
		goto bad;
	if (!sparse) {
		memcpy(d, f, n);
		return d;
	}
	while (p < n) {
		if (n - p < 12)
			goto bad;
		uint64_t off = le(f + p, 8), len = le(f + p + 8, 4);
		p += 12;
		if (off % BLOCK_SIZE || len % BLOCK_SIZE || off > size ||
		    len > size - off || len > n - p)
			goto bad;
		memcpy(d + off, f + p, len);
		p += (uint32_t)len;
	}
	blocks = size / BLOCK_SIZE;
	return d;
bad:
	fprintf(stderr,
		"ramdisk: " IMAGE ": not whole %u-byte blocks up to "
		"64 MiB, raw or sparse\n",
		BLOCK_SIZE);
	free(d);
	return NULL;
}

/* The size of boot file IMAGE among files, 0 if it is not there. */
static uint32_t image_size(const launcher_files_resp *files)
{
	for (uint32_t i = 0; i < files->files.len; i++)
		if (!strcmp(files->files.items[i].name.s, IMAGE))
			return files->files.items[i].size;
	return 0;
}

/* Makes the disk: the boot archive's IMAGE when there is one and the
 * Launcher lets us read it, else BLOCKS zeroed blocks. */
static void make_disk(void)
{
	static launcher_files_resp files;
	uint8_t *f = NULL;
	nb_handle ch;
	nb_status s;

	if (svc_connect("launcher", &ch) == NB_OK) {
		uint32_t size = launcher_files(ch, &files) == NB_OK
					? image_size(&files)
					: 0;
		if (size && (f = malloc(size))) {
			if ((s = fetch(ch, f, size)) == NB_OK)
				disk = unpack(f, size);
			else
				fprintf(stderr,
					"ramdisk: " IMAGE ": status %d\n", s);
			free(f);
		}
		nb_handle_close(ch);
	}
	if (!disk) {
		blocks = BLOCKS;
		disk = calloc(BLOCKS, BLOCK_SIZE);
	}
}

static const struct block_ops ops = {on_info, on_read, on_write, on_flush};

int main(void)
{
	make_disk();
	if (!disk)
		return 1;
	return -svc_serve("block", block_dispatch_any, &ops, NULL);
}
