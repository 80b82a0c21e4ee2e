/*
 * fat_disk.c: the FAT32 volume: mounting (every boot sector field
 * checked), the sector cache (directories and the FAT, written back by
 * fat_sync or when evicted; a FAT sector goes to every mirror), the FAT's
 * entries, cluster allocation and freeing, FSInfo, data transfers
 * that bypass the cache, and the clean-shutdown bit of FAT[1]: cleared
 * on the disk before the first metadata write after a sync, set again
 * by fat_sync; a mount that finds it clear repairs (fat_repair.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fat_int.h"

/* True if c names a data cluster of fs. */
bool clus_ok(const struct fat_fs *fs, uint32_t c)
{
	return c >= 2 && c - 2 < fs->clusters;
}

/* The first sector of data cluster c (clus_ok). */
uint64_t clus_sector(const struct fat_fs *fs, uint32_t c)
{
	return fs->data_start + (uint64_t)(c - 2) * fs->spc;
}

/* Reads or writes count sectors from sec with the device; FAT_EIO on
 * any failure. */
static int dev_io(struct fat_fs *fs, uint64_t sec, uint32_t count, void *buf,
		  bool write)
{
	if (sec > fs->dev.sectors || count > fs->dev.sectors - sec)
		return FAT_EIO;
	if (write) {
		if (fs->dev.read_only)
			return FAT_EROFS;
		return fs->dev.write(fs->dev.ctx, sec, count, buf) ? FAT_EIO
								   : FAT_OK;
	}
	return fs->dev.read(fs->dev.ctx, sec, count, buf) ? FAT_EIO : FAT_OK;
}

/* Writes sector sec (data) to the device: a FAT sector (fat) to every
 * mirror, the active FAT first or, with active_last, last (or to the
 * active FAT alone when mirroring is off). */
static int sec_put(struct fat_fs *fs, uint64_t sec, const uint8_t *data,
		   bool fat, bool active_last)
{
	if (!fat || !fs->mirror)
		return dev_io(fs, sec, 1, (void *)data, true);
	uint64_t off =
		sec - fs->fat_start - (uint64_t)fs->active * fs->fat_sectors;
	for (uint32_t k = 0; k < fs->nfats; k++) {
		uint32_t i = active_last ? fs->nfats - 1 - k : k;
		uint64_t s =
			fs->fat_start + (uint64_t)i * fs->fat_sectors + off;
		int err = dev_io(fs, s, 1, (void *)data, true);
		if (err)
			return err;
	}
	return FAT_OK;
}

/* Sets the clean-shutdown bit of FAT[1] (clean) or clears it, writes
 * its sector to every mirror (flushed when unclean), outside the cache's
 * eviction (its cached copy, if any, is written with the change). Cleared
 * before the first metadata write after a sync, set at the end of fat_sync. */
static int vol_mark(struct fat_fs *fs, bool clean)
{
	uint64_t sec = fs->fat_start + (uint64_t)fs->active * fs->fat_sectors;
	uint8_t *d = fs->mark;
	struct fat_cbuf *b = NULL;
	int err;

	for (int i = 0; i < FAT_CACHE; i++)
		if (fs->cache[i].valid && fs->cache[i].sec == sec)
			b = &fs->cache[i];
	if (b)
		d = b->data;
	else if ((err = dev_io(fs, sec, 1, d, false)))
		return err;
	uint32_t v = get32(d + 4);
	put32(d + 4, clean ? v | FAT_CLEAN_BIT : v & ~FAT_CLEAN_BIT);
	/* The active FAT decides at mount: unclean there first, clean
	 * there last (with mirroring on, FAT 0 is the active one). */
	if ((err = sec_put(fs, sec, d, true, clean)))
		return err;
	if (b)
		b->dirty = false;
	/* Unclean must be on the disk before what follows; a clean mark
	 * lost by a crash only costs the next mount a repair. */
	if (!clean && fs->dev.flush && fs->dev.flush(fs->dev.ctx))
		return FAT_EIO;
	fs->unclean = !clean;
	return FAT_OK;
}

/* Writes cache buffer b back if dirty, the volume marked unclean on the
 * disk first. */
static int cache_put(struct fat_fs *fs, struct fat_cbuf *b)
{
	int err;

	if (!b->valid || !b->dirty)
		return FAT_OK;
	if (!fs->unclean && (err = vol_mark(fs, false)))
		return err;
	if (b->dirty && (err = sec_put(fs, b->sec, b->data, b->fat, false)))
		return err;
	b->dirty = false;
	return FAT_OK;
}

/* Sets *data to the cached copy of sector sec, read from the device if
 * fill (else left as it was: the caller overwrites it all). */
int cache_get(struct fat_fs *fs, uint64_t sec, bool fill, uint8_t **data)
{
	struct fat_cbuf *victim = &fs->cache[0], *last = &fs->cache[fs->last];
	int err;

	if (last->valid && last->sec == sec) {
		last->used = ++fs->clock;
		*data = last->data;
		return FAT_OK;
	}
	for (int i = 0; i < FAT_CACHE; i++) {
		struct fat_cbuf *b = &fs->cache[i];
		if (b->valid && b->sec == sec) {
			b->used = ++fs->clock;
			fs->last = (uint32_t)i;
			*data = b->data;
			return FAT_OK;
		}
		if (!b->valid || (victim->valid && b->used < victim->used))
			victim = b;
	}
	if ((err = cache_put(fs, victim)))
		return err;
	victim->valid = false;
	if (fill && (err = dev_io(fs, sec, 1, victim->data, false)))
		return err;
	victim->valid = true;
	victim->dirty = false;
	victim->sec = sec;
	victim->fat =
		sec >= fs->fat_start &&
		sec - fs->fat_start < (uint64_t)fs->nfats * fs->fat_sectors;
	victim->used = ++fs->clock;
	fs->last = (uint32_t)(victim - fs->cache);
	*data = victim->data;
	return FAT_OK;
}

/* Marks the cached sector holding data (a pointer into it) dirty. */
void cache_dirty(struct fat_fs *fs, const uint8_t *data)
{
	struct fat_cbuf *last = &fs->cache[fs->last];
	if (last->valid && data >= last->data && data < last->data + fs->bps) {
		last->dirty = true;
		return;
	}
	for (int i = 0; i < FAT_CACHE; i++) {
		struct fat_cbuf *b = &fs->cache[i];
		if (b->valid && data >= b->data && data < b->data + fs->bps)
			b->dirty = true;
	}
}

/* Writes cached sector sec back now if it is dirty (ordering: a new
 * directory's sectors reach the disk before the entry naming it). */
int cache_write(struct fat_fs *fs, uint64_t sec)
{
	for (int i = 0; i < FAT_CACHE; i++)
		if (fs->cache[i].valid && fs->cache[i].sec == sec)
			return cache_put(fs, &fs->cache[i]);
	return FAT_OK;
}

/* Writes every dirty cached sector back. */
int cache_flush(struct fat_fs *fs)
{
	for (int i = 0; i < FAT_CACHE; i++) {
		int err = cache_put(fs, &fs->cache[i]);
		if (err)
			return err;
	}
	return FAT_OK;
}

/* Data sectors straight between buf and the device. Cached copies of a
 * written range are dropped (a freed directory's clusters may now hold
 * file data). */
int data_io(struct fat_fs *fs, uint64_t sec, uint32_t count, void *buf,
	    bool write)
{
	if (write)
		for (int i = 0; i < FAT_CACHE; i++) {
			struct fat_cbuf *b = &fs->cache[i];
			if (b->valid && b->sec >= sec && b->sec - sec < count)
				b->valid = b->dirty = false;
		}
	return dev_io(fs, sec, count, buf, write);
}

/* Sets *p to FAT entry c's 4 bytes in the cache (the active FAT). */
static int fat_entry(struct fat_fs *fs, uint32_t c, uint8_t **p)
{
	uint64_t off = (uint64_t)c * 4;
	uint8_t *d;
	int err = cache_get(fs,
			    fs->fat_start +
				    (uint64_t)fs->active * fs->fat_sectors +
				    off / fs->bps,
			    true, &d);
	*p = d + off % fs->bps;
	return err;
}

/* Sets *next to FAT entry c (28 bits). */
int fat_get(struct fat_fs *fs, uint32_t c, uint32_t *next)
{
	uint8_t *p;
	int err = fat_entry(fs, c, &p);
	if (!err)
		*next = get32(p) & 0x0FFFFFFF;
	return err;
}

/* Sets FAT entry c to v, keeping its top 4 bits. */
int fat_set(struct fat_fs *fs, uint32_t c, uint32_t v)
{
	uint8_t *p;
	int err = fat_entry(fs, c, &p);
	if (!err) {
		put32(p, (get32(p) & 0xF0000000) | (v & 0x0FFFFFFF));
		cache_dirty(fs, p);
	}
	return err;
}

/* Sets *next to the cluster after c: 0 at the end of its chain. A free,
 * bad or out-of-range link is FAT_EIO. */
int chain_next(struct fat_fs *fs, uint32_t c, uint32_t *next)
{
	uint32_t v;
	int err = fat_get(fs, c, &v);
	if (err)
		return err;
	if (v >= FAT_EOC) {
		*next = 0;
		return FAT_OK;
	}
	if (!clus_ok(fs, v))
		return FAT_EIO;
	*next = v;
	return FAT_OK;
}

/* Allocates a free cluster, marks it the end of a chain and links it
 * after prev (if not 0). With zero (directories) it is zeroed through
 * the cache and written before the FAT links it, so that no crash
 * leaves a directory cluster holding old data. */
int clus_alloc(struct fat_fs *fs, uint32_t prev, bool zero, uint32_t *out)
{
	uint32_t c = fs->next_free, v;
	int err;

	if (fs->dev.read_only)
		return FAT_EROFS;
	for (uint32_t n = 0; n < fs->clusters; n++, c++) {
		if (!clus_ok(fs, c))
			c = 2;
		if ((err = fat_get(fs, c, &v)))
			return err;
		if (v == 0)
			break;
	}
	if (v != 0) {
		fs->free = 0;
		return FAT_ENOSPC;
	}
	for (uint32_t i = 0; zero && i < fs->spc; i++) {
		uint8_t *d;
		uint64_t sec = clus_sector(fs, c) + i;
		if ((err = cache_get(fs, sec, false, &d)))
			return err;
		memset(d, 0, fs->bps);
		cache_dirty(fs, d);
		if ((err = cache_write(fs, sec)))
			return err;
	}
	if ((err = fat_set(fs, c, 0x0FFFFFFF)))
		return err;
	if (prev && (err = fat_set(fs, prev, c)))
		return err;
	if (fs->free && fs->free != 0xFFFFFFFF)
		fs->free--;
	fs->next_free = c + 1;
	fs->info_dirty = true;
	*out = c;
	return FAT_OK;
}

/* Frees the chain from first (0: nothing). A bad link ends the walk with
 * FAT_EIO after freeing what came before it; a loop meets a freed entry. */
int chain_free(struct fat_fs *fs, uint32_t first)
{
	uint32_t c = first;
	int err;

	fs->dc_dir = 0;
	for (uint32_t n = 0; c && n <= fs->clusters; n++) {
		uint32_t next;
		if (!clus_ok(fs, c))
			return FAT_EIO;
		if ((err = fat_get(fs, c, &next)))
			return err;
		if (next == 0)
			return FAT_EIO;
		if ((err = fat_set(fs, c, 0)))
			return err;
		if (fs->free < fs->clusters)
			fs->free++;
		if (c < fs->next_free)
			fs->next_free = c;
		fs->info_dirty = true;
		c = next >= FAT_EOC ? 0 : next;
	}
	return c ? FAT_EIO : FAT_OK;
}

/* Counts the free clusters (when FSInfo does not say). */
static int count_free(struct fat_fs *fs)
{
	uint32_t n = 0, v;
	for (uint32_t c = 2; c - 2 < fs->clusters; c++) {
		int err = fat_get(fs, c, &v);
		if (err)
			return err;
		n += v == 0;
	}
	fs->free = n;
	return FAT_OK;
}

/* Reads FSInfo (ignored unless its three signatures are right) and makes
 * sure the free count and hint are usable. */
static int read_info(struct fat_fs *fs, uint8_t *s)
{
	int err;
	fs->free = 0xFFFFFFFF;
	fs->next_free = 2;
	if (fs->info_sec) {
		if ((err = dev_io(fs, fs->info_sec, 1, s, false)))
			return err;
		if (get32(s) != 0x41615252 || get32(s + 484) != 0x61417272 ||
		    get32(s + 508) != 0xAA550000) {
			fs->info_sec = 0;
		} else {
			fs->free = get32(s + 488);
			fs->next_free = get32(s + 492);
		}
	}
	if (!clus_ok(fs, fs->next_free))
		fs->next_free = 2;
	if (fs->free > fs->clusters)
		return count_free(fs);
	return FAT_OK;
}

/* Writes FSInfo's free count and hint, if it changed. */
static int write_info(struct fat_fs *fs)
{
	int err;
	if (!fs->info_sec || !fs->info_dirty || fs->dev.read_only)
		return FAT_OK;
	if (!fs->unclean && (err = vol_mark(fs, false)))
		return err;
	if ((err = dev_io(fs, fs->info_sec, 1, fs->bounce, false)))
		return err;
	put32(fs->bounce + 488, fs->free);
	put32(fs->bounce + 492, fs->next_free);
	if ((err = dev_io(fs, fs->info_sec, 1, fs->bounce, true)))
		return err;
	fs->info_dirty = false;
	return FAT_OK;
}

/* Checks the boot sector s and fills fs's geometry from it. */
static int parse_bpb(struct fat_fs *fs, const uint8_t *s)
{
	uint32_t bps = get16(s + 11), spc = s[13], rsvd = get16(s + 14);
	uint32_t nfats = s[16], fatsz = get32(s + 36), ext = get16(s + 40);
	uint64_t total = get16(s + 19) ? get16(s + 19) : get32(s + 32);

	if (s[510] != 0x55 || s[511] != 0xAA || (s[0] != 0xEB && s[0] != 0xE9))
		return FAT_EINVAL;
	if (bps != fs->dev.sector_size || (bps & (bps - 1)) || bps < 512 ||
	    bps > 4096)
		return FAT_EINVAL;
	if (!spc || (spc & (spc - 1)) || bps * spc > 65536)
		return FAT_EINVAL;
	/* FAT32: no fixed root directory, no 16-bit FAT size, version 0. */
	if (get16(s + 17) || get16(s + 22) || !fatsz || get16(s + 42))
		return FAT_EINVAL;
	if (!rsvd || !nfats || nfats > 4 || total > fs->dev.sectors)
		return FAT_EINVAL;
	uint64_t data = rsvd + (uint64_t)nfats * fatsz;
	if (data >= total)
		return FAT_EINVAL;
	uint64_t count = (total - data) / spc;
	uint64_t entries = (uint64_t)fatsz * bps / 4;
	if (count > entries - 2)
		count = entries - 2;
	if (count > 0x0FFFFFF5)
		count = 0x0FFFFFF5;
	if (!count)
		return FAT_EINVAL;
	fs->bps = bps;
	fs->spc = spc;
	fs->csize = bps * spc;
	fs->nfats = nfats;
	fs->fat_sectors = fatsz;
	fs->fat_start = rsvd;
	fs->data_start = data;
	fs->clusters = (uint32_t)count;
	fs->mirror = !(ext & 0x80);
	fs->active = fs->mirror ? 0 : ext & 0x0F;
	fs->root = get32(s + 44);
	fs->info_sec = get16(s + 48);
	if (fs->active >= nfats || !clus_ok(fs, fs->root))
		return FAT_EINVAL;
	if (fs->info_sec == 0xFFFF || fs->info_sec >= rsvd)
		fs->info_sec = 0;
	return FAT_OK;
}

/* After the geometry: reads the clean-shutdown bit of FAT[1]; a volume
 * not stopped cleanly is repaired (fat_repair.c) and synced, which
 * marks it clean, before anything else touches it. A read-only one is
 * served as it is. */
static int mount_check(struct fat_fs *fs)
{
	uint32_t v;
	int err = fat_get(fs, 1, &v);
	if (err || (v & FAT_CLEAN_BIT) || fs->dev.read_only)
		return err;
	fs->unclean = true;
	if (!(err = vol_repair(fs)))
		err = fat_sync(fs);
	return err;
}

/* Frees fs and its buffers. */
static void fs_free(struct fat_fs *fs)
{
	for (int i = 0; i < FAT_CACHE; i++)
		free(fs->cache[i].data);
	free(fs->bounce);
	free(fs->mark);
	free(fs);
}

int fat_mount(struct fat_fs **out, const struct fat_dev *dev)
{
	struct fat_fs *fs;
	int err;

	if (!dev->read || (!dev->write && !dev->read_only))
		return FAT_EINVAL;
	if (dev->sector_size < 512 || dev->sector_size > 4096)
		return FAT_EINVAL;
	if (!(fs = calloc(1, sizeof *fs)))
		return FAT_ENOMEM;
	fs->dev = *dev;
	fs->bps = dev->sector_size;
	fs->bounce = malloc(fs->bps);
	if (!(fs->mark = malloc(fs->bps))) {
		free(fs->bounce);
		fs->bounce = NULL;
	}
	for (int i = 0; i < FAT_CACHE; i++)
		if (!(fs->cache[i].data = malloc(fs->bps)))
			fs->bounce = NULL;
	if (!fs->bounce) {
		fs_free(fs);
		return FAT_ENOMEM;
	}
	if ((err = dev_io(fs, 0, 1, fs->bounce, false)) ||
	    (err = parse_bpb(fs, fs->bounce)) ||
	    (err = read_info(fs, fs->bounce)) || (err = mount_check(fs))) {
		fs_free(fs);
		return err;
	}
	*out = fs;
	return FAT_OK;
}

int fat_sync(struct fat_fs *fs)
{
	int err = cache_flush(fs);
	if (!err)
		err = write_info(fs);
	if (!err && fs->dev.flush && !fs->dev.read_only &&
	    fs->dev.flush(fs->dev.ctx))
		err = FAT_EIO;
	if (!err && fs->unclean && !fs->dev.read_only)
		err = vol_mark(fs, true);
	return err;
}

int fat_unmount(struct fat_fs *fs)
{
	int err = fat_sync(fs);
	if (fs->nodes)
		return FAT_EBUSY;
	fs_free(fs);
	return err;
}

void fat_space(struct fat_fs *fs, uint64_t *free, uint64_t *total)
{
	*free = (uint64_t)fs->free * fs->csize;
	*total = (uint64_t)fs->clusters * fs->csize;
}

const char *fat_strerror(int err)
{
	static const char *const msg[] = {
		"success",
		"I/O error or damaged file system",
		"no such file or directory",
		"file exists",
		"not a directory",
		"is a directory",
		"directory not empty",
		"no space left",
		"invalid argument",
		"name too long",
		"file is open",
		"out of memory",
		"file too large",
		"not opened for that",
		"read-only device",
	};
	if (err > 0 || -err >= (int)(sizeof msg / sizeof msg[0]))
		return "unknown error";
	return msg[-err];
}
