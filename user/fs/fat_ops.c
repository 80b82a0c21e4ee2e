/*
 * fat_ops.c: changes to the namespace: mkdir, unlink, rmdir, rename.
 * An entry is removed before its clusters are freed, and a renamed one
 * is added at its new place before the old is removed, so that a crash
 * between the two steps loses clusters (which fsck.fat reclaims), never
 * shares them.
 */
#include <string.h>

#include "fat_int.h"

/* Finds path's entry: sets *dir, *f. FAT_EBUSY for the root itself. */
static int lookup(struct fat_fs *fs, const char *path, uint32_t *dir,
		  struct fat_found *f)
{
	char last[FAT_NAME_MAX];
	int r = path_parent(fs, path, 0, dir, last);
	if (r)
		return r;
	if (!last[0])
		return FAT_EBUSY;
	if ((r = dir_find(fs, *dir, last, f)) <= 0)
		return r ? r : FAT_ENOENT;
	return de_check(fs, f->e);
}

/* Writes "." or ".." (dot2) as entry idx of new directory dir, pointing
 * at cluster c (0 for the root). */
static int dot_entry(struct fat_fs *fs, uint32_t dir, uint32_t idx, uint32_t c,
		     const uint8_t *tmpl)
{
	uint8_t *e;
	int r = dir_entry(fs, dir, idx, false, &e);
	if (r <= 0)
		return r ? r : FAT_EIO;
	memcpy(e, tmpl, DE_BYTES);
	memcpy(e, idx ? "..         " : ".          ", 11);
	de_set_first(e, c == fs->root ? 0 : c);
	cache_dirty(fs, e);
	return FAT_OK;
}

int fat_mkdir(struct fat_fs *fs, const char *path)
{
	struct fat_found f;
	uint8_t e[DE_BYTES];
	uint32_t dir, c, slot;
	int r;

	if (fs->dev.read_only)
		return FAT_EROFS;
	if ((r = path_parent(fs, path, 0, &dir, f.name)))
		return r;
	if (!f.name[0])
		return FAT_EEXIST;
	char last[FAT_NAME_MAX];
	strcpy(last, f.name);
	if ((r = dir_find(fs, dir, last, &f)))
		return r < 0 ? r : FAT_EEXIST;
	if ((r = clus_alloc(fs, 0, true, &c)))
		return r;
	memset(e, 0, sizeof e);
	e[DE_ATTR] = ATTR_DIR;
	de_stamp(fs, e, true);
	de_set_first(e, c);
	if ((r = dot_entry(fs, c, 0, c, e)) ||
	    (r = dot_entry(fs, c, 1, dir, e)) ||
	    (r = cache_write(fs, clus_sector(fs, c))) ||
	    (r = dir_add(fs, dir, last, e, &slot))) {
		chain_free(fs, c);
		return r;
	}
	return FAT_OK;
}

/* Removes the entry f of dir and frees its clusters, unless it is open. */
static int remove_entry(struct fat_fs *fs, uint32_t dir, struct fat_found *f)
{
	if (node_find(fs, dir, f->slot))
		return FAT_EBUSY;
	int r = dir_remove(fs, dir, f->first_slot, f->slot);
	if (!r && de_first(f->e))
		r = chain_free(fs, de_first(f->e));
	return r;
}

/* unlink (dir false: files only) and rmdir (dir: empty directories
 * only). */
static int remove_path(struct fat_fs *fs, const char *path, bool dir)
{
	struct fat_found f;
	uint32_t d;
	int r;

	if (fs->dev.read_only)
		return FAT_EROFS;
	if ((r = lookup(fs, path, &d, &f)))
		return r == FAT_EBUSY && !dir ? FAT_EISDIR : r;
	if (!(f.e[DE_ATTR] & ATTR_DIR) != !dir)
		return dir ? FAT_ENOTDIR : FAT_EISDIR;
	if (dir && (r = dir_empty(fs, de_first(f.e))))
		return r < 0 ? r : FAT_ENOTEMPTY;
	return remove_entry(fs, d, &f);
}

int fat_unlink(struct fat_fs *fs, const char *path)
{
	return remove_path(fs, path, false);
}

int fat_rmdir(struct fat_fs *fs, const char *path)
{
	return remove_path(fs, path, true);
}

/* Clears the way for a rename onto existing entry df of ddir: a file
 * replaces a file, a directory an empty directory. */
static int replace_target(struct fat_fs *fs, uint32_t ddir,
			  struct fat_found *df, bool isdir)
{
	int r;
	if ((r = de_check(fs, df->e)))
		return r;
	if (df->e[DE_ATTR] & ATTR_DIR) {
		if (!isdir)
			return FAT_EISDIR;
		if ((r = dir_empty(fs, de_first(df->e))))
			return r < 0 ? r : FAT_ENOTEMPTY;
	} else if (isdir) {
		return FAT_ENOTDIR;
	}
	return remove_entry(fs, ddir, df);
}

/* Points the ".." of moved directory c at its new parent dir. */
static int fix_dotdot(struct fat_fs *fs, uint32_t c, uint32_t dir)
{
	uint8_t *e;
	int r = dir_entry(fs, c, 1, false, &e);
	if (r <= 0)
		return r ? r : FAT_EIO;
	if (memcmp(e, "..         ", 11))
		return FAT_EIO;
	de_set_first(e, dir == fs->root ? 0 : dir);
	cache_dirty(fs, e);
	return FAT_OK;
}

int fat_rename(struct fat_fs *fs, const char *from, const char *to)
{
	struct fat_found sf, df;
	uint32_t sdir, ddir, slot;
	char dname[FAT_NAME_MAX];
	int r;

	if (fs->dev.read_only)
		return FAT_EROFS;
	if ((r = lookup(fs, from, &sdir, &sf)))
		return r;
	bool isdir = sf.e[DE_ATTR] & ATTR_DIR;
	uint32_t sc = de_first(sf.e);
	if ((r = path_parent(fs, to, isdir ? sc : 0, &ddir, dname)))
		return r;
	if (!dname[0] || (isdir && ddir == sc))
		return FAT_EINVAL;
	if ((r = dir_find(fs, ddir, dname, &df)) < 0)
		return r;
	bool self = r == 1 && ddir == sdir && df.slot == sf.slot;
	if (self && !strcmp(df.name, dname))
		return FAT_OK;
	struct fat_node *nd = node_find(fs, sdir, sf.slot);
	if (self) {
		/* A new spelling of the same name: its short name is free
		 * only once the old entry is gone. */
		if ((r = dir_remove(fs, sdir, sf.first_slot, sf.slot)))
			return r;
	} else if (r == 1 && (r = replace_target(fs, ddir, &df, isdir))) {
		return r;
	}
	if ((r = dir_add(fs, ddir, dname, sf.e, &slot)))
		return r;
	if (!self && (r = dir_remove(fs, sdir, sf.first_slot, sf.slot)))
		return r;
	if (nd) {
		nd->pdir = ddir;
		nd->slot = slot;
	}
	if (isdir && ddir != sdir)
		return fix_dotdot(fs, sc, ddir);
	return FAT_OK;
}
