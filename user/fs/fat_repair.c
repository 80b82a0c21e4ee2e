/*
 * fat_repair.c: the mount after an unclean stop (FAT[1]'s clean bit
 * clear, user/fs/README.md). Before anything else uses the volume, a
 * walk from the root claims every cluster that a directory entry
 * reaches, one bit per cluster:
 *   - a chain is cut (its last kept cluster made the end) where it
 *     links out of range, to a free or bad cluster, or to one already
 *     claimed (a cross link or a loop), and a file's chain where its
 *     size ends;
 *   - a file whose chain is shorter than its size gets the chain's
 *     size; one whose first cluster cannot be claimed becomes empty; a
 *     directory whose first cluster cannot be claimed is removed, and
 *     so are long name entries that no short entry completes;
 * then every allocated cluster left unclaimed (lost: a chain whose
 * entry never reached the disk) is freed, the free count is recounted,
 * and FAT mirrors that differ from the active FAT are rewritten.
 * fat_disk.c then syncs, which marks the volume clean.
 */
#include <stdlib.h>
#include <string.h>

#include "fat_int.h"

#define MIRROR_RUN 16 /* FAT sectors compared per device call */

struct walk {
	struct fat_fs *fs;
	uint8_t *claimed;	    /* a bit per cluster */
	uint32_t *todo, ntodo, cap; /* directories still to walk */
};

static bool is_claimed(const struct walk *w, uint32_t c)
{
	return w->claimed[(c - 2) / 8] & (1 << (c - 2) % 8);
}

/* Claims the chain from first, at most max clusters: sets *kept to the
 * count claimed, cutting the chain after the last one when it went on
 * (out of range, free, bad, claimed already, or past max). */
static int claim(struct walk *w, uint32_t first, uint32_t max, uint32_t *kept)
{
	struct fat_fs *fs = w->fs;
	uint32_t c = first, prev = 0, n = 0, v;
	int err;

	while (c) {
		if (!clus_ok(fs, c) || is_claimed(w, c) || n == max)
			break;
		if ((err = fat_get(fs, c, &v)))
			return err;
		if (v == 0 || v == FAT_BAD)
			break;
		w->claimed[(c - 2) / 8] |= (uint8_t)(1 << (c - 2) % 8);
		n++;
		prev = c;
		c = v >= FAT_EOC ? 0 : v;
	}
	*kept = n;
	if (c && prev) {
		fs->fixed.chains++;
		return fat_set(fs, prev, 0x0FFFFFFF);
	}
	return FAT_OK;
}

/* Adds directory c to the walk. */
static int push(struct walk *w, uint32_t c)
{
	if (w->ntodo == w->cap) {
		uint32_t cap = w->cap ? w->cap * 2 : 64;
		uint32_t *t = realloc(w->todo, cap * sizeof *t);
		if (!t)
			return FAT_ENOMEM;
		w->todo = t;
		w->cap = cap;
	}
	w->todo[w->ntodo++] = c;
	return FAT_OK;
}

/* Checks short entry e (at slot of dir, its long name from first):
 * claims its chain and fixes or removes it. A directory joins the
 * walk. */
static int check_entry(struct walk *w, uint32_t dir, uint32_t first,
		       uint32_t slot, uint8_t *e)
{
	struct fat_fs *fs = w->fs;
	uint32_t c = de_first(e), size = get32(e + DE_SIZE), kept;
	int err;

	if (e[DE_ATTR] & ATTR_DIR) {
		if ((err = claim(w, c, UINT32_MAX, &kept)))
			return err;
		if (kept)
			return push(w, c);
		fs->fixed.entries++;
		return dir_remove(fs, dir, first, slot);
	}
	uint32_t need =
		(uint32_t)(((uint64_t)size + fs->csize - 1) / fs->csize);
	if ((err = claim(w, need ? c : 0, need, &kept)))
		return err;
	if (kept == need && (c != 0) == (need != 0))
		return FAT_OK;
	/* claim took e's sector out of the cache's reach: find it again. */
	int r = dir_entry(fs, dir, slot, false, &e);
	if (r <= 0)
		return r ? r : FAT_EIO;
	if (!kept)
		de_set_first(e, 0);
	if ((uint64_t)kept * fs->csize < size)
		put32(e + DE_SIZE, kept * fs->csize);
	cache_dirty(fs, e);
	fs->fixed.entries++;
	return FAT_OK;
}

/* Walks the entries of directory dir (claimed already) up to its end
 * marker. A long name's entries must come in order, each with the
 * checksum of the short entry right after them; others are removed. */
static int walk_dir(struct walk *w, uint32_t dir)
{
	struct fat_fs *fs = w->fs;
	uint32_t start = 0, expect = 0;
	uint8_t sum = 0, e[DE_BYTES], *p;
	int err;

	for (uint32_t i = 0;; i++) {
		int r = dir_entry(fs, dir, i, false, &p);
		if (r < 0)
			return r;
		memset(e, 0, sizeof e);
		if (r)
			memcpy(e, p, DE_BYTES);
		bool lfn =
			e[0] && e[0] != 0xE5 && (e[DE_ATTR] & 0x3F) == ATTR_LFN;
		bool file = !lfn && e[0] && e[0] != 0xE5 && e[0] != '.' &&
			    !(e[DE_ATTR] & ATTR_VOLUME);
		uint32_t ord = e[0] & 0x1Fu;
		if (lfn && expect > 1 && ord == expect - 1 && e[13] == sum &&
		    !(e[0] & 0x40)) {
			expect--;
			continue;
		}
		bool named = file && expect == 1 && lfn_sum(e) == sum;
		if (expect && !named) {
			fs->fixed.entries++;
			if ((err = dir_remove(fs, dir, start, i - 1)))
				return err;
		}
		expect = 0;
		if (lfn && (e[0] & 0x40) && ord >= 1 && ord <= 20) {
			start = i;
			sum = e[13];
			expect = ord;
		} else if (lfn) {
			fs->fixed.entries++;
			if ((err = dir_remove(fs, dir, i, i)))
				return err;
		} else if (!e[0]) {
			return FAT_OK;
		} else if (file && (err = check_entry(w, dir, named ? start : i,
						      i, e))) {
			return err;
		}
	}
}

/* Frees the allocated clusters nobody claimed; recounts the free. */
static int free_lost(struct walk *w)
{
	struct fat_fs *fs = w->fs;
	uint32_t nfree = 0, v;
	int err;

	for (uint32_t c = 2; c - 2 < fs->clusters; c++) {
		if ((err = fat_get(fs, c, &v)))
			return err;
		if (v && v != FAT_BAD && !is_claimed(w, c)) {
			if ((err = fat_set(fs, c, 0)))
				return err;
			fs->fixed.lost++;
			v = 0;
		}
		nfree += v == 0;
	}
	fs->free = nfree;
	fs->next_free = 2;
	fs->info_dirty = true;
	return FAT_OK;
}

/* Rewrites the FAT mirrors' sectors that differ from the active FAT's
 * (a stop between the copies of one sector's write). */
static int fix_mirrors(struct fat_fs *fs)
{
	uint32_t run = MIRROR_RUN * fs->bps;
	uint8_t *a = malloc(run), *b = malloc(run);
	int err = a && b ? FAT_OK : FAT_ENOMEM;

	for (uint32_t s = 0; !err && fs->mirror && s < fs->fat_sectors;
	     s += MIRROR_RUN) {
		uint32_t n = fs->fat_sectors - s < MIRROR_RUN
				     ? fs->fat_sectors - s
				     : MIRROR_RUN;
		uint64_t at = fs->fat_start + s;
		err = fs->dev.read(fs->dev.ctx,
				   at + (uint64_t)fs->active * fs->fat_sectors,
				   n, a)
			      ? FAT_EIO
			      : FAT_OK;
		for (uint32_t i = 0; !err && i < fs->nfats; i++) {
			uint64_t m = at + (uint64_t)i * fs->fat_sectors;
			if (i == fs->active)
				continue;
			if (fs->dev.read(fs->dev.ctx, m, n, b))
				err = FAT_EIO;
			for (uint32_t k = 0; !err && k < n; k++) {
				size_t o = (size_t)k * fs->bps;
				if (!memcmp(a + o, b + o, fs->bps))
					continue;
				fs->fixed.mirrors++;
				if (fs->dev.write(fs->dev.ctx, m + k, 1, a + o))
					err = FAT_EIO;
			}
		}
	}
	free(a);
	free(b);
	return err;
}

int vol_repair(struct fat_fs *fs)
{
	struct walk w = {fs, calloc(fs->clusters / 8 + 1, 1), NULL, 0, 0};
	uint32_t kept;
	int err = w.claimed ? FAT_OK : FAT_ENOMEM;

	fs->fixed.repaired = true;
	if (!err && (err = claim(&w, fs->root, UINT32_MAX, &kept)) == FAT_OK &&
	    !kept) {
		/* The root's own cluster must stay. */
		w.claimed[(fs->root - 2) / 8] |=
			(uint8_t)(1 << (fs->root - 2) % 8);
		err = fat_set(fs, fs->root, 0x0FFFFFFF);
	}
	if (!err)
		err = push(&w, fs->root);
	while (!err && w.ntodo)
		err = walk_dir(&w, w.todo[--w.ntodo]);
	if (!err)
		err = free_lost(&w);
	if (!err)
		err = cache_flush(fs);
	if (!err)
		err = fix_mirrors(fs);
	fs->dc_dir = 0;
	free(w.claimed);
	free(w.todo);
	return err;
}

void fat_fixed(struct fat_fs *fs, struct fat_fix *fix)
{
	*fix = fs->fixed;
}
