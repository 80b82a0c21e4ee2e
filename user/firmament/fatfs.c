/*
 * fatfs.c: the FileSystem service (published as "fs"): the FAT32
 * library (user/fs/) over the "block" service's disk. Each
 * FileSystem.open makes a channel of its own that speaks File until the
 * client closes it; a file's rights (read, write) are the ones asked at
 * open. The volume is synced after every change of the namespace, at
 * every sync call and when a file is closed; file data goes to the
 * device as it is written. One loop serves the listener, the
 * connections and the open files: 64 channels at most (the kernel's
 * wait limit), so one more open gets NB_ERR_NO_RESOURCES. When the
 * block service goes away (a driver killed, restarted by init), fatfs
 * connects to the new one and repeats the request it lost. Blocks move
 * in place when the driver lends a buffer (Block.buffer: the device
 * reads and writes the memory fatfs maps), else in messages. When fatfs
 * itself was stopped mid-write (killed, restarted by init), its mount
 * repairs the volume before serving (user/fs/README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "block.h"
#include "fat.h"
#include "filesystem.h"
#include "svc.h"

enum { K_LISTENER, K_CONN, K_FILE };

struct slot {
	nb_handle ch;
	int kind;
	struct fat_file *file;
};

static struct slot slots[NB_WAIT_MANY_MAX];
static uint32_t nslots;
static struct fat_fs *fs;
static nb_handle blk;
static uint32_t bsize;
static uint8_t *inplace; /* the driver's in-place buffer, mapped */
static uint32_t inplace_size;
/* Reconnections to the block service one call may make (its driver
 * restarted, or killed again meanwhile). */
#define BLK_TRIES 8

/* The status for a FAT_E* code (FsStatus in filesystem.fir). */
static nb_status fs_err(int64_t err)
{
	return err >= 0 ? NB_OK : (nb_status)(-200 + err);
}

/* Maps the block driver's in-place buffer (Block.buffer: zero copy)
 * when it has one, dropping the one mapped before; else blocks travel
 * in messages. */
static void map_inplace(void)
{
	static block_buffer_resp resp;
	uint8_t *p = NULL;

	if (inplace) {
		nb_vm_unmap(inplace, inplace_size);
		free(inplace);
		inplace = NULL;
	}
	if (block_buffer(blk, &resp))
		return;
	if (resp.size >= bsize && resp.size % NB_PAGE_SIZE == 0 &&
	    resp.size <= (1u << 20) &&
	    (p = aligned_alloc(NB_PAGE_SIZE, resp.size)) &&
	    nb_vm_map(resp.memory, 0, p, resp.size, NB_MAP_WRITE) == NB_OK) {
		inplace = p;
		inplace_size = resp.size / bsize * bsize;
	} else {
		free(p);
	}
	nb_handle_close(resp.memory);
}

/* A Block call failed with s. If the driver has gone (init restarts
 * it), connects to its successor and says to repeat the call: a read,
 * a write of the same blocks or a flush may be done twice. */
static bool reconnect(nb_status s, int *tries)
{
	if (s != NB_ERR_PEER_CLOSED || ++*tries > BLK_TRIES)
		return false;
	nb_handle_close(blk);
	if ((s = svc_connect("block", &blk))) {
		fprintf(stderr, "fatfs: block service: status %d\n", s);
		blk = NB_HANDLE_INVALID;
		return false;
	}
	fprintf(stderr,
		"fatfs: the block service restarted; request repeated\n");
	map_inplace();
	return true;
}

/* Moves n blocks (at most one request's) between p and the disk at sec:
 * in place (one copy, into or out of the driver's buffer) or in a
 * message. */
static nb_status blk_move(uint64_t sec, uint32_t n, uint8_t *p, bool write)
{
	static block_read_req rreq;
	static block_read_resp rresp;
	static block_write_req wreq;
	block_read_inplace_req ir = {sec, n, 0};
	block_write_inplace_req iw = {sec, n, 0};
	nb_status s;

	if (inplace && write) {
		memcpy(inplace, p, n * bsize);
		return block_write_inplace(blk, &iw);
	}
	if (inplace) {
		if (!(s = block_read_inplace(blk, &ir)))
			memcpy(p, inplace, n * bsize);
		return s;
	}
	if (write) {
		wreq.first = sec;
		wreq.data.len = n * bsize;
		memcpy(wreq.data.b, p, wreq.data.len);
		return block_write(blk, &wreq);
	}
	rreq.first = sec;
	rreq.count = n;
	if ((s = block_read(blk, &rreq, &rresp)))
		return s;
	if (rresp.data.len != n * bsize)
		return FIR_ERR_MALFORMED;
	memcpy(p, rresp.data.b, rresp.data.len);
	return NB_OK;
}

/* Block reads and writes for the library: requests of the in-place
 * buffer's size, else of 8192 bytes. */
static int blk_io(uint64_t sec, uint32_t n, uint8_t *p, bool write)
{
	int tries = 0;
	nb_status s;

	while (n) {
		uint32_t most = (inplace ? inplace_size : 8192u) / bsize;
		uint32_t k = n < most ? n : most;
		if ((s = blk_move(sec, k, p, write)) && reconnect(s, &tries))
			continue;
		if (s)
			return -1;
		sec += k, n -= k, p += k * bsize;
	}
	return 0;
}

static int blk_read(void *ctx, uint64_t sec, uint32_t n, void *buf)
{
	return blk_io(sec, n, buf, false);
}

static int blk_write(void *ctx, uint64_t sec, uint32_t n, const void *buf)
{
	return blk_io(sec, n, (uint8_t *)buf, true);
}

static int blk_flush(void *ctx)
{
	int tries = 0;
	nb_status s;

	while ((s = block_flush(blk)) && reconnect(s, &tries))
		;
	return s ? -1 : 0;
}

static int64_t now(void *ctx)
{
	return (int64_t)time(NULL);
}

/* Copies a library status into the interface's. */
static void put_stat(fs_stat *out, const struct fat_stat *st)
{
	out->ino = st->ino;
	out->size = st->size;
	out->dir = st->dir;
	out->attr = st->attr;
	out->mtime = st->mtime;
	out->atime = st->atime;
	out->ctime = st->ctime;
}

/* Adds channel ch of kind (and file) to the loop; false when full. */
static bool add_slot(nb_handle ch, int kind, struct fat_file *file)
{
	if (nslots == NB_WAIT_MANY_MAX)
		return false;
	slots[nslots++] = (struct slot){ch, kind, file};
	return true;
}

/* FileSystem.open: a new File channel. */
static nb_status on_open(void *ctx, const file_system_open_req *req,
			 file_system_open_resp *resp)
{
	struct fat_file *f;
	struct fat_stat st;
	nb_handle mine, theirs;
	int err;

	if (req->rights & ~3u || req->flags & ~0x7Cu)
		return FS_STATUS_INVALID;
	if (nslots == NB_WAIT_MANY_MAX)
		return NB_ERR_NO_RESOURCES;
	int flags = (int)req->flags | (req->rights & 1 ? FAT_O_READ : 0) |
		    (req->rights & 2 ? FAT_O_WRITE : 0);
	if ((err = fat_open(fs, req->path.s, flags, &f)))
		return fs_err(err);
	nb_status s = nb_channel_create(&mine, &theirs);
	if (s) {
		fat_close(f);
		return s;
	}
	fat_fstat(f, &st);
	put_stat(&resp->stat, &st);
	add_slot(mine, K_FILE, f);
	resp->file = theirs;
	if (flags & (FAT_O_CREATE | FAT_O_TRUNC))
		fat_sync(fs);
	return NB_OK;
}

static nb_status on_stat(void *ctx, const file_system_stat_req *req,
			 file_system_stat_resp *resp)
{
	struct fat_stat st;
	int err = fat_stat(fs, req->path.s, &st);
	if (!err)
		put_stat(&resp->stat, &st);
	return fs_err(err);
}

/* A change of the namespace, synced at once. */
static nb_status changed(int err)
{
	int serr = fat_sync(fs);
	return fs_err(err ? err : serr);
}

static nb_status on_mkdir(void *ctx, const file_system_mkdir_req *req)
{
	return changed(fat_mkdir(fs, req->path.s));
}

static nb_status on_unlink(void *ctx, const file_system_unlink_req *req)
{
	return changed(fat_unlink(fs, req->path.s));
}

static nb_status on_rmdir(void *ctx, const file_system_rmdir_req *req)
{
	return changed(fat_rmdir(fs, req->path.s));
}

static nb_status on_rename(void *ctx, const file_system_rename_req *req)
{
	return changed(fat_rename(fs, req->from.s, req->to.s));
}

static nb_status on_sync(void *ctx)
{
	return fs_err(fat_sync(fs));
}

static nb_status on_space(void *ctx, file_system_space_resp *resp)
{
	fat_space(fs, &resp->free, &resp->total);
	return NB_OK;
}

static const struct file_system_ops fs_ops = {on_open,	 on_stat,  on_mkdir,
					      on_unlink, on_rmdir, on_rename,
					      on_sync,	 on_space};

/* The File handlers: ctx is the file's slot. */
static struct fat_file *file_of(void *ctx)
{
	return ((struct slot *)ctx)->file;
}

static nb_status on_read(void *ctx, const file_read_req *req,
			 file_read_resp *resp)
{
	uint32_t n = req->count < sizeof resp->data.b ? req->count
						      : sizeof resp->data.b;
	int64_t r = fat_read(file_of(ctx), resp->data.b, n);
	resp->data.len = r > 0 ? (uint32_t)r : 0;
	return fs_err(r);
}

static nb_status on_write(void *ctx, const file_write_req *req,
			  file_write_resp *resp)
{
	int64_t r = fat_write(file_of(ctx), req->data.b, req->data.len);
	resp->written = r > 0 ? (uint32_t)r : 0;
	return fs_err(r);
}

static nb_status on_pread(void *ctx, const file_pread_req *req,
			  file_pread_resp *resp)
{
	uint32_t n = req->count < sizeof resp->data.b ? req->count
						      : sizeof resp->data.b;
	int64_t r = fat_pread(file_of(ctx), resp->data.b, n, req->offset);
	resp->data.len = r > 0 ? (uint32_t)r : 0;
	return fs_err(r);
}

static nb_status on_pwrite(void *ctx, const file_pwrite_req *req,
			   file_pwrite_resp *resp)
{
	int64_t r = fat_pwrite(file_of(ctx), req->data.b, req->data.len,
			       req->offset);
	resp->written = r > 0 ? (uint32_t)r : 0;
	return fs_err(r);
}

static nb_status on_seek(void *ctx, const file_seek_req *req,
			 file_seek_resp *resp)
{
	int64_t r = fat_seek(file_of(ctx), req->offset, req->whence);
	resp->position = r > 0 ? (uint64_t)r : 0;
	return fs_err(r);
}

static nb_status on_fstat(void *ctx, file_stat_resp *resp)
{
	struct fat_stat st;
	int err = fat_fstat(file_of(ctx), &st);
	if (!err)
		put_stat(&resp->stat, &st);
	return fs_err(err);
}

static nb_status on_truncate(void *ctx, const file_truncate_req *req)
{
	return fs_err(fat_truncate(file_of(ctx), req->size));
}

static nb_status on_readdir(void *ctx, const file_readdir_req *req,
			    file_readdir_resp *resp)
{
	static struct fat_dirent ent;
	uint64_t cookie = req->cookie;
	int r = 1;

	resp->entries.len = 0;
	while (resp->entries.len < 12 &&
	       (r = fat_readdir(file_of(ctx), &cookie, &ent)) == 1) {
		dir_entry *d = &resp->entries.items[resp->entries.len++];
		FIR_SET_STR(d->name, ent.name);
		put_stat(&d->stat, &ent.st);
	}
	resp->next = cookie;
	return r < 0 && !resp->entries.len ? fs_err(r) : NB_OK;
}

static nb_status on_fsync(void *ctx)
{
	return fs_err(fat_sync(fs));
}

static const struct file_ops file_ops = {on_read,     on_write,	  on_pread,
					 on_pwrite,   on_seek,	  on_fstat,
					 on_truncate, on_readdir, on_fsync};

/* Listener.connect: a new FileSystem connection. */
static nb_status on_connect(void *ctx, const listener_connect_req *req)
{
	if (!add_slot(req->channel, K_CONN, NULL)) {
		nb_handle_close(req->channel);
		return NB_ERR_NO_RESOURCES;
	}
	return NB_OK;
}

static const struct listener_ops listener_ops = {on_connect};

/* Serves one message of slot i; false once its peer is gone or its
 * reply was lost. */
static bool serve(uint32_t i)
{
	static uint8_t rx[FIR_MAX_BYTES];
	nb_handle h[FIR_MAX_HANDLES], ch = slots[i].ch;
	uint32_t n, nh;
	nb_status s = nb_channel_read(ch, 0, rx, sizeof rx, h, FIR_MAX_HANDLES,
				      &n, &nh);

	if (s == NB_ERR_SHOULD_WAIT)
		return true;
	if (s != NB_OK)
		return false;
	if (slots[i].kind == K_LISTENER)
		listener_dispatch(&listener_ops, NULL, ch, rx, n, h, nh);
	else if (slots[i].kind == K_CONN)
		file_system_dispatch(&fs_ops, NULL, ch, rx, n, h, nh);
	else
		file_dispatch(&file_ops, &slots[i], ch, rx, n, h, nh);
	return !fir_reply_lost(); /* a client must not wait for it */
}

/* Closes slot i (its file too) and drops it from the loop. */
static void drop(uint32_t i)
{
	nb_handle_close(slots[i].ch);
	if (slots[i].file) {
		fat_close(slots[i].file);
		fat_sync(fs);
	}
	slots[i] = slots[--nslots];
}

/* Mounts the disk of the block service. */
static int mount(void)
{
	block_info_resp info;
	nb_status s;
	int err;

	if ((s = svc_connect("block", &blk)) || (s = block_info(blk, &info))) {
		fprintf(stderr, "fatfs: block service: status %d\n", s);
		return 1;
	}
	bsize = info.info.block_size;
	if (bsize >= 512 && bsize <= 4096)
		map_inplace();
	struct fat_dev dev = {NULL,
			      bsize,
			      info.info.block_count,
			      info.info.read_only,
			      blk_read,
			      blk_write,
			      blk_flush,
			      now};
	if (bsize < 512 || bsize > 4096 || (err = fat_mount(&fs, &dev))) {
		fprintf(stderr, "fatfs: mount: %s\n",
			bsize < 512 || bsize > 4096 ? "bad block size"
						    : fat_strerror(err));
		return 1;
	}
	struct fat_fix fix;
	fat_fixed(fs, &fix);
	if (fix.repaired)
		fprintf(stderr,
			"fatfs: not stopped cleanly: repaired (%u entries "
			"fixed, %u chains cut, %u lost clusters freed, %u FAT "
			"mirror sectors rewritten)\n",
			fix.entries, fix.chains, fix.lost, fix.mirrors);
	return 0;
}

int main(void)
{
	static nb_wait_item waits[NB_WAIT_MANY_MAX];
	nb_handle listener;
	nb_status s;

	if (mount())
		return 1;
	if ((s = svc_publish("fs", &listener))) {
		fprintf(stderr, "fatfs: publish: status %d\n", s);
		return 1;
	}
	add_slot(listener, K_LISTENER, NULL);
	for (;;) {
		uint32_t n = nslots;
		for (uint32_t i = 0; i < n; i++)
			waits[i] = (nb_wait_item){
				slots[i].ch,
				NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED, 0};
		if ((s = nb_object_wait_many(waits, n, NB_TIME_INFINITE)))
			return 1;
		for (uint32_t i = n; i-- > 0;)
			if (waits[i].pending && !serve(i))
				drop(i);
	}
}
