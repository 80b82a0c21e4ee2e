/*
 * fat_file.c: open files. A node is one open file or directory, shared
 * by its handles (struct fat_file: flags and position); its directory
 * entry is rewritten (through the cache) whenever its size or first
 * cluster changes. File data moves between the caller's buffer and the
 * device directly, a run of adjacent clusters per device call; only
 * partial sectors go through the bounce sector.
 */
#include <stdlib.h>
#include <string.h>

#include "fat_int.h"

static const uint8_t zeros[4096];

/* The open node for the entry at slot of dir, or NULL. */
struct fat_node *node_find(struct fat_fs *fs, uint32_t dir, uint32_t slot)
{
	for (struct fat_node *n = fs->nodes; n; n = n->next)
		if (!n->root && n->pdir == dir && n->slot == slot)
			return n;
	return NULL;
}

/* A new reference to the node of entry e at slot of dir (dir 0: the
 * root), or NULL when out of memory. */
static struct fat_node *node_get(struct fat_fs *fs, uint32_t dir, uint32_t slot,
				 const uint8_t *e)
{
	struct fat_node *n = fs->nodes;
	for (; n; n = n->next)
		if (dir ? !n->root && n->pdir == dir && n->slot == slot
			: n->root)
			break;
	if (!n) {
		if (!(n = calloc(1, sizeof *n)))
			return NULL;
		n->root = !dir;
		n->pdir = dir;
		n->slot = slot;
		n->dir = !dir || (e[DE_ATTR] & ATTR_DIR);
		n->first = dir ? de_first(e) : fs->root;
		n->size = n->dir ? 0 : get32(e + DE_SIZE);
		n->next = fs->nodes;
		fs->nodes = n;
	}
	n->refs++;
	return n;
}

/* Writes node n's first cluster and size into its entry, stamped as
 * modified now if stamp. */
static int node_save(struct fat_fs *fs, struct fat_node *n, bool stamp)
{
	uint8_t *e;
	if (n->root)
		return FAT_OK;
	int r = dir_entry(fs, n->pdir, n->slot, false, &e);
	if (r <= 0)
		return r ? r : FAT_EIO;
	de_set_first(e, n->first);
	if (!n->dir)
		put32(e + DE_SIZE, n->size);
	if (stamp) {
		de_stamp(fs, e, false);
		e[DE_ATTR] |= ATTR_ARCHIVE;
	}
	cache_dirty(fs, e);
	return FAT_OK;
}

/* Sets *c to cluster idx of node n's chain; missing clusters are
 * allocated if alloc, else FAT_EIO (the chain is shorter than the size
 * says). */
static int node_clus(struct fat_fs *fs, struct fat_node *n, uint32_t idx,
		     bool alloc, uint32_t *c)
{
	uint32_t at = 0, cur = n->first, next;
	int err;

	if (idx >= fs->clusters)
		return alloc ? FAT_ENOSPC : FAT_EIO;
	if (!cur) {
		if (!alloc)
			return FAT_EIO;
		if ((err = clus_alloc(fs, 0, false, &cur)))
			return err;
		n->first = cur;
	}
	if (n->hint_clus && n->hint_idx <= idx) {
		at = n->hint_idx;
		cur = n->hint_clus;
	}
	for (; at < idx; at++, cur = next) {
		if ((err = chain_next(fs, cur, &next)))
			return err;
		if (!next && !alloc)
			return FAT_EIO;
		if (!next && (err = clus_alloc(fs, cur, false, &next)))
			return err;
	}
	n->hint_idx = idx;
	n->hint_clus = cur;
	*c = cur;
	return FAT_OK;
}

/* Moves len bytes between buf and the data area from byte off of sector
 * sec on: whole sectors straight, partial ones through the bounce
 * sector (read, patched, written back for a write). */
static int span_io(struct fat_fs *fs, uint64_t sec, uint64_t off, uint8_t *buf,
		   uint64_t len, bool write)
{
	int err;
	sec += off / fs->bps;
	off %= fs->bps;
	while (len) {
		if (off || len < fs->bps) {
			uint64_t k = fs->bps - off < len ? fs->bps - off : len;
			if ((err = data_io(fs, sec, 1, fs->bounce, false)))
				return err;
			if (write) {
				memcpy(fs->bounce + off, buf, k);
				err = data_io(fs, sec, 1, fs->bounce, true);
				if (err)
					return err;
			} else {
				memcpy(buf, fs->bounce + off, k);
			}
			sec++, off = 0, buf += k, len -= k;
			continue;
		}
		uint64_t whole = len / fs->bps;
		if (whole > 0x10000)
			whole = 0x10000;
		if ((err = data_io(fs, sec, (uint32_t)whole, buf, write)))
			return err;
		sec += whole, buf += whole * fs->bps, len -= whole * fs->bps;
	}
	return FAT_OK;
}

/* Moves n bytes between buf and node nd's data at off (a write
 * allocates missing clusters; buf is read only then). Adjacent clusters
 * make one run, one span_io. */
static int node_io(struct fat_fs *fs, struct fat_node *nd, uint8_t *buf,
		   uint32_t n, uint64_t off, bool write)
{
	uint32_t run_first = 0, run_last = 0;
	uint64_t run_off = 0, run_len = 0;
	uint8_t *run_buf = buf;
	int err;

	while (n) {
		uint32_t ci = (uint32_t)(off / fs->csize), c;
		uint32_t co = (uint32_t)(off % fs->csize);
		uint32_t k = fs->csize - co < n ? fs->csize - co : n;
		if ((err = node_clus(fs, nd, ci, write, &c)))
			return err;
		if (run_len && c == run_last + 1 && run_len < (1u << 24)) {
			run_last = c;
		} else {
			if (run_len &&
			    (err = span_io(fs, clus_sector(fs, run_first),
					   run_off, run_buf, run_len, write)))
				return err;
			run_first = run_last = c;
			run_off = co;
			run_len = 0;
			run_buf = buf;
		}
		run_len += k;
		buf += k, off += k, n -= k;
	}
	if (run_len)
		return span_io(fs, clus_sector(fs, run_first), run_off, run_buf,
			       run_len, write);
	return FAT_OK;
}

/* Grows node nd with zeros up to size bytes (at most 4 GiB - 1). */
static int node_fill(struct fat_fs *fs, struct fat_node *nd, uint64_t size)
{
	int err = FAT_OK;
	while (nd->size < size && !err) {
		uint32_t k = size - nd->size < sizeof zeros
				     ? (uint32_t)(size - nd->size)
				     : sizeof zeros;
		err = node_io(fs, nd, (uint8_t *)zeros, k, nd->size, true);
		if (!err)
			nd->size += k;
	}
	return err;
}

/* Writes n bytes of buf at off, growing the file (a gap reads as
 * zeros); the count written, or an error. */
static int64_t node_write(struct fat_fs *fs, struct fat_node *nd,
			  const uint8_t *buf, uint32_t n, uint64_t off)
{
	if (!n)
		return 0;
	if (off >= 0xFFFFFFFFu)
		return FAT_EFBIG;
	if (n > 0xFFFFFFFFu - off)
		n = (uint32_t)(0xFFFFFFFFu - off);
	int err = node_fill(fs, nd, off);
	if (!err)
		err = node_io(fs, nd, (uint8_t *)buf, n, off, true);
	if (!err && off + n > nd->size)
		nd->size = (uint32_t)(off + n);
	int serr = node_save(fs, nd, true);
	if (err)
		return err;
	return serr ? serr : (int64_t)n;
}

/* Cuts node nd to size bytes or grows it with zeros. */
static int node_resize(struct fat_fs *fs, struct fat_node *nd, uint64_t size)
{
	uint32_t keep = (uint32_t)((size + fs->csize - 1) / fs->csize), c, next;
	int err;

	if (size > 0xFFFFFFFFu)
		return FAT_EFBIG;
	if (size > nd->size) {
		err = node_fill(fs, nd, size);
		int serr = node_save(fs, nd, true);
		return err ? err : serr;
	}
	nd->hint_clus = 0;
	if (!keep && nd->first) {
		err = chain_free(fs, nd->first);
		nd->first = 0;
	} else if (keep && nd->first) {
		if (!(err = node_clus(fs, nd, keep - 1, false, &c)) &&
		    !(err = chain_next(fs, c, &next)) &&
		    !(err = fat_set(fs, c, 0x0FFFFFFF)) && next)
			err = chain_free(fs, next);
	} else {
		err = FAT_OK;
	}
	nd->hint_clus = 0;
	nd->size = (uint32_t)size;
	int serr = node_save(fs, nd, true);
	return err ? err : serr;
}

/* Makes a new file named last in dir: sets *slot. */
static int file_create(struct fat_fs *fs, uint32_t dir, const char *last,
		       uint8_t *e, uint32_t *slot)
{
	memset(e, 0, DE_BYTES);
	e[DE_ATTR] = ATTR_ARCHIVE;
	de_stamp(fs, e, true);
	return dir_add(fs, dir, last, e, slot);
}

int fat_open(struct fat_fs *fs, const char *path, int flags,
	     struct fat_file **out)
{
	struct fat_found f;
	struct fat_node *nd;
	uint32_t dir, slot;
	bool wr = flags & (FAT_O_WRITE | FAT_O_TRUNC | FAT_O_APPEND);
	int err, r;

	if (flags & (FAT_O_TRUNC | FAT_O_APPEND) && !(flags & FAT_O_WRITE))
		return FAT_EBADF;
	if ((wr || flags & FAT_O_CREATE) && fs->dev.read_only)
		return FAT_EROFS;
	if ((err = path_parent(fs, path, 0, &dir, f.name)))
		return err;
	if (!f.name[0]) {
		if (flags & FAT_O_CREATE && flags & FAT_O_EXCL)
			return FAT_EEXIST;
		if (wr)
			return FAT_EISDIR;
		nd = node_get(fs, 0, 0, NULL);
	} else {
		char last[FAT_NAME_MAX];
		strcpy(last, f.name);
		if ((r = dir_find(fs, dir, last, &f)) < 0)
			return r;
		if (r == 0) {
			if (!(flags & FAT_O_CREATE))
				return FAT_ENOENT;
			if (flags & FAT_O_DIRECTORY)
				return FAT_EINVAL;
			if ((err = file_create(fs, dir, last, f.e, &slot)))
				return err;
		} else {
			if (flags & FAT_O_CREATE && flags & FAT_O_EXCL)
				return FAT_EEXIST;
			if ((err = de_check(fs, f.e)))
				return err;
			if (f.e[DE_ATTR] & ATTR_DIR && wr)
				return FAT_EISDIR;
			slot = f.slot;
		}
		if (!(f.e[DE_ATTR] & ATTR_DIR) && flags & FAT_O_DIRECTORY)
			return FAT_ENOTDIR;
		nd = node_get(fs, dir, slot, f.e);
	}
	struct fat_file *file = nd ? calloc(1, sizeof *file) : NULL;
	if (!file) {
		if (nd)
			nd->refs--;
		return FAT_ENOMEM;
	}
	file->fs = fs;
	file->node = nd;
	file->flags = flags;
	if (flags & FAT_O_TRUNC && nd->size && (err = node_resize(fs, nd, 0))) {
		fat_close(file);
		return err;
	}
	*out = file;
	return FAT_OK;
}

int fat_close(struct fat_file *f)
{
	struct fat_fs *fs = f->fs;
	struct fat_node *nd = f->node, **p = &fs->nodes;
	free(f);
	if (--nd->refs)
		return FAT_OK;
	while (*p != nd)
		p = &(*p)->next;
	*p = nd->next;
	free(nd);
	return FAT_OK;
}

int64_t fat_pread(struct fat_file *f, void *buf, uint32_t n, uint64_t off)
{
	struct fat_node *nd = f->node;
	if (!(f->flags & FAT_O_READ))
		return FAT_EBADF;
	if (nd->dir)
		return FAT_EISDIR;
	if (off >= nd->size)
		return 0;
	if (n > nd->size - off)
		n = (uint32_t)(nd->size - off);
	int err = node_io(f->fs, nd, buf, n, off, false);
	return err ? err : (int64_t)n;
}

int64_t fat_pwrite(struct fat_file *f, const void *buf, uint32_t n,
		   uint64_t off)
{
	if (!(f->flags & FAT_O_WRITE))
		return FAT_EBADF;
	if (f->flags & FAT_O_APPEND)
		off = f->node->size;
	return node_write(f->fs, f->node, buf, n, off);
}

int64_t fat_read(struct fat_file *f, void *buf, uint32_t n)
{
	int64_t r = fat_pread(f, buf, n, f->pos);
	if (r > 0)
		f->pos += (uint64_t)r;
	return r;
}

int64_t fat_write(struct fat_file *f, const void *buf, uint32_t n)
{
	int64_t r = fat_pwrite(f, buf, n, f->pos);
	if (r >= 0)
		f->pos = (f->flags & FAT_O_APPEND ? f->node->size : f->pos + r);
	return r;
}

int64_t fat_seek(struct fat_file *f, int64_t off, int whence)
{
	int64_t base = whence == FAT_SEEK_SET	? 0
		       : whence == FAT_SEEK_CUR ? (int64_t)f->pos
		       : whence == FAT_SEEK_END ? (int64_t)f->node->size
						: -1;
	if (base < 0 || (off < 0 && -off > base) ||
	    (off > 0 && off > INT64_MAX - base))
		return FAT_EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

int fat_truncate(struct fat_file *f, uint64_t size)
{
	if (!(f->flags & FAT_O_WRITE))
		return FAT_EBADF;
	if (f->node->dir)
		return FAT_EISDIR;
	return node_resize(f->fs, f->node, size);
}

/* The root directory's status. */
static void root_stat(struct fat_fs *fs, struct fat_stat *st)
{
	memset(st, 0, sizeof *st);
	st->ino = 1;
	st->dir = true;
	st->attr = ATTR_DIR;
	st->mtime = st->atime = st->ctime = 315532800;
}

int fat_fstat(struct fat_file *f, struct fat_stat *st)
{
	struct fat_node *nd = f->node;
	uint8_t *e;
	if (nd->root) {
		root_stat(f->fs, st);
		return FAT_OK;
	}
	int r = dir_entry(f->fs, nd->pdir, nd->slot, false, &e);
	if (r <= 0)
		return r ? r : FAT_EIO;
	de_stat(f->fs, e, nd->pdir, nd->slot, st);
	return FAT_OK;
}

int fat_stat(struct fat_fs *fs, const char *path, struct fat_stat *st)
{
	struct fat_found f;
	uint32_t dir;
	char last[FAT_NAME_MAX];
	int r = path_parent(fs, path, 0, &dir, last);
	if (r)
		return r;
	if (!last[0]) {
		root_stat(fs, st);
		return FAT_OK;
	}
	if ((r = dir_find(fs, dir, last, &f)) <= 0)
		return r ? r : FAT_ENOENT;
	if ((r = de_check(fs, f.e)))
		return r;
	de_stat(fs, f.e, dir, f.slot, st);
	return FAT_OK;
}

int fat_readdir(struct fat_file *f, uint64_t *cookie, struct fat_dirent *ent)
{
	struct fat_found found;
	struct fat_node *nd = f->node;
	if (!nd->dir)
		return FAT_ENOTDIR;
	if (*cookie >= FAT_DIR_MAX)
		return 0;
	uint32_t idx = (uint32_t)*cookie;
	int r = dir_next(f->fs, nd->first, &idx, &found);
	*cookie = idx;
	if (r <= 0)
		return r;
	memcpy(ent->name, found.name, sizeof ent->name);
	de_stat(f->fs, found.e, nd->first, found.slot, &ent->st);
	return 1;
}
