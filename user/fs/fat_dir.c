/*
 * fat_dir.c: directories (entries found by index along the cluster
 * chain, at most 65536 of them, which also bounds a looping chain; long
 * names gathered and checked against their short entry's checksum;
 * entries added with a generated short name, removed) and path walks.
 */
#include <stdlib.h>
#include <string.h>

#include "fat_int.h"

/* Offsets of the 13 characters in a long name entry. */
static const uint8_t lfn_off[13] = {1,	3,  5,	7,  9,	14, 16,
				    18, 20, 22, 24, 28, 30};

/* Sets *e to entry idx of directory dir (first cluster): 1, or 0 past
 * the end of its chain; with grow, the chain is extended (zeroed
 * clusters) instead. The pointer lasts until the next cache call. */
int dir_entry(struct fat_fs *fs, uint32_t dir, uint32_t idx, bool grow,
	      uint8_t **e)
{
	uint32_t ci = (uint32_t)((uint64_t)idx * DE_BYTES / fs->csize);
	uint32_t c = dir, at = 0, next;
	int err;

	if (idx >= FAT_DIR_MAX)
		return grow ? FAT_ENOSPC : 0;
	if (!clus_ok(fs, dir))
		return FAT_EIO;
	if (fs->dc_dir == dir && fs->dc_idx <= ci) {
		c = fs->dc_clus;
		at = fs->dc_idx;
	}
	for (; at < ci; at++) {
		if ((err = chain_next(fs, c, &next)))
			return err;
		if (!next) {
			if (!grow)
				return 0;
			if ((err = clus_alloc(fs, c, true, &next)))
				return err;
		}
		c = next;
	}
	fs->dc_dir = dir;
	fs->dc_idx = ci;
	fs->dc_clus = c;
	uint32_t off = (uint32_t)((uint64_t)idx * DE_BYTES % fs->csize);
	uint8_t *d;
	if ((err = cache_get(fs, clus_sector(fs, c) + off / fs->bps, true, &d)))
		return err;
	*e = d + off % fs->bps;
	return 1;
}

/* Fills f from short entry e at slot, with long name lname (len units,
 * or -1 for none) starting at first. */
static void found_fill(struct fat_found *f, const uint8_t *e, uint32_t first,
		       uint32_t slot, const uint16_t *lname, int len)
{
	memcpy(f->e, e, DE_BYTES);
	f->slot = slot;
	f->first_slot = len >= 0 ? first : slot;
	short_display(e, f->sname);
	if (len < 0 || ucs_to_utf8(lname, len, f->name, sizeof f->name)) {
		f->first_slot = slot;
		strcpy(f->name, f->sname);
	}
}

/* The length of a long name of n entries held in u (up to its NUL), or
 * -1 if it is not a name. */
static int lfn_len(const uint16_t *u, int n)
{
	int len = 0;
	while (len < n * 13 && u[len])
		len++;
	return len == 0 || len > FAT_LFN_MAX ? -1 : len;
}

/* Finds the next file or directory of dir from entry *idx (moved past
 * it) and fills *f: 1, 0 at the end, or an error. Free entries, volume
 * labels, "." and ".." are skipped; a long name whose parts are out of
 * order or whose checksum is wrong is ignored (the short name stands). */
int dir_next(struct fat_fs *fs, uint32_t dir, uint32_t *idx,
	     struct fat_found *f)
{
	uint16_t lname[20 * 13];
	int expect = 0, n = 0;
	uint32_t start = 0;
	uint8_t sum = 0, *e;

	for (;;) {
		int r = dir_entry(fs, dir, *idx, false, &e);
		if (r <= 0)
			return r;
		uint32_t i = (*idx)++;
		if (e[0] == 0) {
			(*idx)--;
			return 0;
		}
		if (e[0] == 0xE5) {
			expect = 0;
			continue;
		}
		if ((e[DE_ATTR] & 0x3F) == ATTR_LFN) {
			int ord = e[0] & 0x1F;
			if (e[0] & 0x40) {
				n = ord;
				start = i;
				sum = e[13];
				expect = ord >= 1 && ord <= 20 ? ord + 1 : 0;
			}
			if (!expect || ord != expect - 1 || e[13] != sum) {
				expect = 0;
				continue;
			}
			expect = ord;
			for (int j = 0; j < 13; j++)
				lname[(ord - 1) * 13 + j] =
					get16(e + lfn_off[j]);
			continue;
		}
		if (e[DE_ATTR] & ATTR_VOLUME || e[0] == '.') {
			expect = 0;
			continue;
		}
		int len = expect == 1 && lfn_sum(e) == sum ? lfn_len(lname, n)
							   : -1;
		found_fill(f, e, start, i, lname, len);
		return 1;
	}
}

/* Finds name (long or short, without ASCII case) in dir: 1 and *f, 0 if
 * absent, or an error. */
int dir_find(struct fat_fs *fs, uint32_t dir, const char *name,
	     struct fat_found *f)
{
	uint32_t idx = 0;
	int r;
	while ((r = dir_next(fs, dir, &idx, f)) == 1)
		if (name_eq(f->name, name) || name_eq(f->sname, name))
			return 1;
	return r;
}

/* 1 if a short entry of dir is named sname (11 bytes), 0 if none. */
static int short_exists(struct fat_fs *fs, uint32_t dir, const uint8_t *sname)
{
	uint8_t *e;
	for (uint32_t i = 0;; i++) {
		int r = dir_entry(fs, dir, i, false, &e);
		if (r <= 0 || e[0] == 0)
			return r < 0 ? r : 0;
		if (e[0] != 0xE5 && (e[DE_ATTR] & 0x3F) != ATTR_LFN &&
		    !memcmp(e, sname, 11))
			return 1;
	}
}

/* The tail number k of short name e ("BASE~k"), or 0 if it has none. */
static uint32_t tail_of(const uint8_t *e)
{
	int end = 8, t;
	uint32_t k = 0;
	while (end > 0 && e[end - 1] == ' ')
		end--;
	for (t = end - 1; t > 0 && e[t] >= '0' && e[t] <= '9'; t--)
		;
	if (t <= 0 || t == end - 1 || e[t] != '~' || end - t > 7)
		return 0;
	for (int i = t + 1; i < end; i++)
		k = k * 10 + (uint32_t)(e[i] - '0');
	return k;
}

/* Gives basis sname the lowest tail "~k" no short entry of dir has: one
 * pass marks the taken ones (a directory's 65536 entries leave one of
 * 1..65537 free). */
static int pick_tail(struct fat_fs *fs, uint32_t dir, uint8_t *sname)
{
	const uint32_t max = FAT_DIR_MAX + 2;
	uint8_t basis[11], cand[11], *e, *used = calloc(max / 8 + 1, 1);
	int r;

	if (!used)
		return FAT_ENOMEM;
	memcpy(basis, sname, 11);
	for (uint32_t i = 0;; i++) {
		if ((r = dir_entry(fs, dir, i, false, &e)) <= 0 || e[0] == 0)
			break;
		uint32_t k = tail_of(e);
		if (e[0] == 0xE5 || (e[DE_ATTR] & 0x3F) == ATTR_LFN || !k ||
		    k >= max)
			continue;
		memcpy(cand, basis, 11);
		short_tail(cand, k);
		if (!memcmp(cand, e, 11))
			used[k / 8] |= (uint8_t)(1 << k % 8);
	}
	uint32_t k = 1;
	while (k < max && used[k / 8] & (1 << k % 8))
		k++;
	free(used);
	if (r < 0)
		return r;
	memcpy(sname, basis, 11);
	short_tail(sname, k);
	return FAT_OK;
}

/* Picks the short name for long name u (n units): sets sname, *nt and
 * *lfn (whether long name entries are needed). */
static int pick_short(struct fat_fs *fs, uint32_t dir, const uint16_t *u, int n,
		      uint8_t *sname, uint8_t *nt, bool *lfn)
{
	int kind = short_make(u, n, sname, nt), r;
	if (kind < 0)
		return kind;
	*lfn = kind > 0;
	if (kind < 2) {
		if ((r = short_exists(fs, dir, sname)) <= 0)
			return r;
		*lfn = true;
		*nt = 0;
	}
	return pick_tail(fs, dir, sname);
}

/* Finds need free entries in a row in dir: sets *start (may lie past the
 * chain's end, which dir_entry then grows) and *tail (the run reaches
 * the end marker). */
static int find_free(struct fat_fs *fs, uint32_t dir, uint32_t need,
		     uint32_t *start, bool *tail)
{
	uint32_t run = 0;
	uint8_t *e;
	for (uint32_t i = 0; i < FAT_DIR_MAX; i++) {
		int r = dir_entry(fs, dir, i, false, &e);
		if (r < 0)
			return r;
		if (r == 0 || e[0] == 0) {
			*start = i - run;
			*tail = true;
			return *start + need <= FAT_DIR_MAX ? FAT_OK
							    : FAT_ENOSPC;
		}
		run = e[0] == 0xE5 ? run + 1 : 0;
		if (run == need) {
			*start = i + 1 - run;
			*tail = false;
			return FAT_OK;
		}
	}
	return FAT_ENOSPC;
}

/* Writes long name entry ord (of a name of n units u, short name sum). */
static void lfn_fill(uint8_t *e, int ord, bool last, uint8_t sum,
		     const uint16_t *u, int n)
{
	memset(e, 0, DE_BYTES);
	e[0] = (uint8_t)(ord | (last ? 0x40 : 0));
	e[DE_ATTR] = ATTR_LFN;
	e[13] = sum;
	for (int j = 0; j < 13; j++) {
		int p = (ord - 1) * 13 + j;
		put16(e + lfn_off[j], p < n ? u[p] : p == n ? 0 : 0xFFFF);
	}
}

/* Adds name to dir as a copy of short entry tmpl (its name replaced):
 * sets *slot to the short entry's index. The caller made sure the name
 * is not there. */
int dir_add(struct fat_fs *fs, uint32_t dir, const char *name,
	    const uint8_t *tmpl, uint32_t *slot)
{
	uint16_t u[FAT_LFN_MAX];
	uint8_t sname[11], nt, *e;
	uint32_t start;
	bool lfn, tail;
	int n, err;

	if ((err = name_to_ucs(name, u, &n)) ||
	    (err = pick_short(fs, dir, u, n, sname, &nt, &lfn)))
		return err;
	int nl = lfn ? (n + 12) / 13 : 0;
	if ((err = find_free(fs, dir, (uint32_t)nl + 1, &start, &tail)))
		return err;
	uint8_t sum = lfn_sum(sname);
	for (int j = 0; j <= nl; j++) {
		int r = dir_entry(fs, dir, start + (uint32_t)j, true, &e);
		if (r < 0)
			return r;
		if (j < nl) {
			lfn_fill(e, nl - j, j == 0, sum, u, n);
		} else {
			memcpy(e, tmpl, DE_BYTES);
			memcpy(e, sname, 11);
			e[DE_NTRES] = nt;
		}
		cache_dirty(fs, e);
	}
	*slot = start + (uint32_t)nl;
	/* Past the old end marker, the next entry must end the directory. */
	if (tail && dir_entry(fs, dir, *slot + 1, false, &e) == 1 && e[0]) {
		memset(e, 0, DE_BYTES);
		cache_dirty(fs, e);
	}
	return FAT_OK;
}

/* Frees entries first..slot of dir (a long name and its short entry). */
int dir_remove(struct fat_fs *fs, uint32_t dir, uint32_t first, uint32_t slot)
{
	uint8_t *e;
	for (uint32_t i = first; i <= slot; i++) {
		int r = dir_entry(fs, dir, i, false, &e);
		if (r <= 0)
			return r ? r : FAT_EIO;
		e[0] = 0xE5;
		cache_dirty(fs, e);
	}
	return FAT_OK;
}

/* 0 if dir holds nothing but "." and "..", 1 if it holds more, or an
 * error. */
int dir_empty(struct fat_fs *fs, uint32_t dir)
{
	struct fat_found f;
	uint32_t idx = 0;
	return dir_next(fs, dir, &idx, &f);
}

/* FAT_EIO if entry e's cluster and size cannot be right. */
int de_check(struct fat_fs *fs, const uint8_t *e)
{
	uint32_t c = de_first(e);
	if (e[DE_ATTR] & ATTR_DIR)
		return clus_ok(fs, c) ? FAT_OK : FAT_EIO;
	if (c == 0)
		return get32(e + DE_SIZE) ? FAT_EIO : FAT_OK;
	return clus_ok(fs, c) ? FAT_OK : FAT_EIO;
}

/* Fills *st from entry e, at slot of directory dir. */
void de_stat(struct fat_fs *fs, const uint8_t *e, uint32_t dir, uint32_t slot,
	     struct fat_stat *st)
{
	memset(st, 0, sizeof *st);
	st->ino = ((uint64_t)dir << 16 | slot) + 2;
	st->attr = e[DE_ATTR];
	st->dir = e[DE_ATTR] & ATTR_DIR;
	st->size = st->dir ? 0 : get32(e + DE_SIZE);
	st->mtime = dos_to_unix(get16(e + DE_MDATE), get16(e + DE_MTIME));
	st->atime = dos_to_unix(get16(e + DE_ADATE), 0);
	st->ctime = dos_to_unix(get16(e + DE_CDATE), get16(e + DE_CTIME)) +
		    e[DE_CTIME_MS] / 100;
}

#define PATH_PARTS 256

/* Walks path to its last component's directory: sets *dir (its first
 * cluster) and last (the final name; "" for the root itself). "." and
 * ".." are taken by name. FAT_EINVAL if the walk passes through
 * directory avoid (not 0): a directory moved into itself. */
int path_parent(struct fat_fs *fs, const char *path, uint32_t avoid,
		uint32_t *dir, char *last)
{
	const char *part[PATH_PARTS];
	size_t len[PATH_PARTS];
	int n = 0;
	struct fat_found f;

	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t l = strcspn(p, "/");
		if (!l)
			break;
		if (l >= FAT_NAME_MAX)
			return FAT_ENAMETOOLONG;
		if (l == 2 && !memcmp(p, "..", 2)) {
			n -= n > 0;
		} else if (l != 1 || *p != '.') {
			if (n == PATH_PARTS)
				return FAT_ENAMETOOLONG;
			part[n] = p;
			len[n++] = l;
		}
		p += l;
	}
	uint32_t d = fs->root;
	for (int i = 0; i + 1 < n; i++) {
		memcpy(last, part[i], len[i]);
		last[len[i]] = 0;
		int r = dir_find(fs, d, last, &f);
		if (r <= 0)
			return r ? r : FAT_ENOENT;
		if (!(f.e[DE_ATTR] & ATTR_DIR))
			return FAT_ENOTDIR;
		if (de_check(fs, f.e))
			return FAT_EIO;
		d = de_first(f.e);
		if (d == avoid)
			return FAT_EINVAL;
	}
	*dir = d;
	last[0] = 0;
	if (n) {
		memcpy(last, part[n - 1], len[n - 1]);
		last[len[n - 1]] = 0;
	}
	return FAT_OK;
}
