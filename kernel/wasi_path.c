/*
 * wasi_path.c: paths beneath a directory descriptor, and the path_*
 * calls.
 *
 * The sandbox is here, not in the backend: a path is resolved one
 * component at a time, each directory opened beneath the last without
 * following symlinks (the backend's open never follows one; the hosted
 * backend passes O_NOFOLLOW), a symlink met on the way read and its
 * target spliced into what is left of the path. So the backend is only
 * ever asked about one name inside a directory it already has open, and
 * the same rules hold for every backend: an absolute path or symlink
 * target, or a ".." above the starting directory, is ENOTCAPABLE (as
 * wasmtime answers); more than WASI_MAX_LINKS symlinks is ELOOP. Why not
 * Linux's openat2(RESOLVE_BENEATH): it exists only for open, so every
 * other call (unlinkat, renameat, ...) would still need the parent
 * resolved by hand; and the firmament's FileSystem has no such call.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/wasi_impl.h"

#define WASI_MAX_PATH 4096
#define WASI_MAX_LINKS 40

/* A resolution in progress, then its result: the directory that holds
 * `last` (the top of the stack of directories opened, or the start). */
struct wasi_walk {
	wasi_ctx *x;
	int32_t start;	/* the descriptor's own handle, not closed */
	int32_t *stack; /* directories opened on the way (owned) */
	uint32_t depth, cap;
	char *buf;	  /* the path being resolved (owned) */
	const char *last; /* its last component, in buf */
	bool must_dir;	  /* the path ended in '/' */
};

/* The directory the walk stands in. */
static int32_t walk_dir(const struct wasi_walk *w)
{
	return w->depth ? w->stack[w->depth - 1] : w->start;
}

/* Closes what the walk opened. */
static void walk_end(struct wasi_walk *w)
{
	while (w->depth)
		w->x->fs->close(w->x->fs_arg, w->stack[--w->depth]);
	free(w->stack);
	free(w->buf);
	w->stack = NULL;
	w->buf = NULL;
}

static uint32_t walk_push(struct wasi_walk *w, int32_t h)
{
	if (w->depth == w->cap) {
		uint32_t n = w->cap ? w->cap * 2 : 8;
		int32_t *s = realloc(w->stack, n * sizeof *s);
		if (s == NULL) {
			w->x->fs->close(w->x->fs_arg, h);
			return WASI_ENOMEM;
		}
		w->stack = s;
		w->cap = n;
	}
	w->stack[w->depth++] = h;
	return WASI_ESUCCESS;
}

/* Replaces the walk's path by target + "/" + rest (rest inside buf; no
 * "/" when rest is empty). */
static uint32_t walk_splice(struct wasi_walk *w, const char *target,
			    uint32_t tlen, const char *rest)
{
	size_t rlen = strlen(rest);
	char *b;

	if (tlen == 0)
		return WASI_ENOENT;
	if (target[0] == '/')
		return WASI_ENOTCAPABLE;
	if (tlen + 1 + rlen >= WASI_MAX_PATH)
		return WASI_ENAMETOOLONG;
	if ((b = malloc(tlen + 2 + rlen)) == NULL)
		return WASI_ENOMEM;
	memcpy(b, target, tlen);
	b[tlen] = '/';
	memcpy(b + tlen + (rlen ? 1 : 0), rest, rlen + 1);
	free(w->buf);
	w->buf = b;
	return WASI_ESUCCESS;
}

/* If name in the current directory is a symlink, splices its target
 * before rest: ESUCCESS; else (not a link, absent) EINVAL. */
static uint32_t walk_link(struct wasi_walk *w, const char *name,
			  const char *rest, uint32_t *links)
{
	char *target = malloc(WASI_MAX_PATH);
	uint32_t n, err;

	if (target == NULL)
		return WASI_ENOMEM;
	err = w->x->fs->readlink(w->x->fs_arg, walk_dir(w), name, target,
				 WASI_MAX_PATH, &n);
	if (err)
		err = WASI_EINVAL;
	else if (++*links > WASI_MAX_LINKS)
		err = WASI_ELOOP;
	else if (n >= WASI_MAX_PATH)
		err = WASI_ENAMETOOLONG;
	else
		err = walk_splice(w, target, n, rest);
	free(target);
	return err;
}

/*
 * Resolves w->buf from w->start: opens every directory on the way and
 * leaves w->last, the name the call acts on inside walk_dir(w) ("." for
 * a path ending in "." or ".."). follow: a symlink as the last
 * component is followed too (a path ending in '/' always is).
 */
static uint32_t walk_run(struct wasi_walk *w, bool follow)
{
	uint32_t links = 0, err;
	char *p = w->buf;

	if (*p == '\0')
		return WASI_ENOENT;
	if (*p == '/')
		return WASI_ENOTCAPABLE;
	for (;;) {
		char *name, *end;
		bool final;

		while (*p == '/')
			p++;
		name = p;
		while (*p && *p != '/')
			p++;
		end = p;
		while (*p == '/')
			p++;
		final = *p == '\0';
		if (final && *end == '/') {
			w->must_dir = true;
			follow = true;
		}
		*end = '\0';
		if (strcmp(name, "..") == 0) {
			if (w->depth == 0)
				return WASI_ENOTCAPABLE;
			w->x->fs->close(w->x->fs_arg, w->stack[--w->depth]);
			name = end; /* "" */
		}
		if (name[0] == '\0' || strcmp(name, ".") == 0) {
			if (!final)
				continue;
			w->last = ".";
			w->must_dir = true;
			return WASI_ESUCCESS;
		}
		if (final && !follow) {
			w->last = name;
			return WASI_ESUCCESS;
		}
		/* A final "link/" must name a directory: "target/.". */
		err = walk_link(w, name, final && w->must_dir ? "." : p,
				&links);
		if (err == WASI_ESUCCESS) {
			p = w->buf;
			if (*p == '\0')
				return WASI_ENOENT;
			continue;
		}
		if (err != WASI_EINVAL)
			return err;
		if (final) {
			w->last = name;
			return WASI_ESUCCESS;
		}
		int32_t h;
		err = w->x->fs->open(w->x->fs_arg, walk_dir(w), name,
				     WASI_O_DIRECTORY, 0, WASI_FS_WALK, &h);
		if (err || (err = walk_push(w, h)))
			return err;
	}
}

/*
 * Begins a path call: the directory descriptor fd must hold rights, the
 * path [ptr, ptr+len) be in memory (checked first: EFAULT), at most
 * WASI_MAX_PATH bytes and without NUL (EINVAL). Resolves it into w;
 * on failure nothing is left to end.
 */
static uint32_t walk_begin(wasm_caller *c, wasi_ctx *x, uint32_t fd,
			   uint64_t rights, uint32_t ptr, uint32_t len,
			   bool follow, struct wasi_walk *w)
{
	const uint8_t *s = wasi_mem(c, ptr, len);
	struct wasi_fd *f;
	uint32_t err;

	memset(w, 0, sizeof *w);
	if (s == NULL)
		return WASI_EFAULT;
	f = wasi_fd_want(x, fd, WASI_KIND_DIR, WASI_ENOTDIR, rights, &err);
	if (f == NULL)
		return err;
	if (len >= WASI_MAX_PATH)
		return WASI_ENAMETOOLONG;
	if (memchr(s, 0, len))
		return WASI_EINVAL;
	if ((w->buf = malloc(len + 1)) == NULL)
		return WASI_ENOMEM;
	memcpy(w->buf, s, len);
	w->buf[len] = '\0';
	w->x = x;
	w->start = f->h;
	if ((err = walk_run(w, follow)))
		walk_end(w);
	return err;
}

/* Is the resolved name a directory? (ENOTDIR when it exists and is
 * not; other errors as the backend gives them.) */
static uint32_t walk_is_dir(struct wasi_walk *w)
{
	struct wasi_filestat st;
	uint32_t err =
		w->x->fs->statat(w->x->fs_arg, walk_dir(w), w->last, &st);

	if (err)
		return err;
	return st.type == WASI_FILETYPE_DIRECTORY ? WASI_ESUCCESS
						  : WASI_ENOTDIR;
}

/*
 * path_open(fd, dirflags, path, path_len, oflags, rights_base,
 * rights_inheriting, fdflags, fd_ptr). The rights asked for must be
 * among the directory's inheriting rights (ENOTCAPABLE); the new
 * descriptor gets those that apply to what was opened. Reading and
 * writing follow the rights: fd_read or fd_readdir open for reading,
 * fd_write, fd_allocate or fd_filestat_set_size (or append) for writing.
 */
WASI_CALL(path_open)
{
	const uint64_t wr = WASI_R(WR_FD_WRITE) | WASI_R(WR_FD_ALLOCATE) |
			    WASI_R(WR_FD_FILESTAT_SET_SIZE);
	uint32_t oflags = a[4].i32, fdflags = a[7].i32, err, how = 0;
	uint64_t base = a[5].i64, inh = a[6].i64, need;
	uint8_t *out = wasi_mem(c, a[8].i32, 4);
	struct wasi_filestat st;
	struct wasi_walk w;
	struct wasi_fd *dir;
	int32_t h;

	if (out == NULL || wasi_mem(c, a[2].i32, a[3].i32) == NULL)
		return WASI_EFAULT;
	need = WASI_R(WR_PATH_OPEN);
	if (oflags & WASI_O_CREAT)
		need |= WASI_R(WR_PATH_CREATE_FILE);
	if (oflags & WASI_O_TRUNC)
		need |= WASI_R(WR_PATH_FILESTAT_SET_SIZE);
	if ((dir = wasi_fd_want(x, a[0].i32, WASI_KIND_DIR, WASI_ENOTDIR, need,
				&err)) == NULL)
		return err;
	if ((base & ~dir->inheriting) || (inh & ~dir->inheriting))
		return WASI_ENOTCAPABLE;
	if ((oflags & ~0xfu) || (fdflags & ~0x1fu))
		return WASI_EINVAL;
	if (base & (WASI_R(WR_FD_READ) | WASI_R(WR_FD_READDIR)))
		how |= WASI_FS_READ;
	if ((base & wr) || (fdflags & WASI_FDFLAG_APPEND))
		how |= WASI_FS_WRITE;
	if (oflags & WASI_O_DIRECTORY)
		how &= ~WASI_FS_WRITE;
	if ((err = walk_begin(c, x, a[0].i32, need, a[2].i32, a[3].i32,
			      a[1].i32 & 1, &w)))
		return err;
	if (w.must_dir)
		oflags |= WASI_O_DIRECTORY;
	err = x->fs->open(x->fs_arg, walk_dir(&w), w.last, (uint16_t)oflags,
			  (uint16_t)fdflags, how, &h);
	walk_end(&w);
	if (err)
		return err;
	if ((err = x->fs->stat(x->fs_arg, h, &st))) {
		x->fs->close(x->fs_arg, h);
		return err;
	}
	bool isdir = st.type == WASI_FILETYPE_DIRECTORY;
	struct wasi_fd f = {isdir ? WASI_KIND_DIR : WASI_KIND_FILE,
			    st.type,
			    (uint16_t)fdflags,
			    h,
			    base & (isdir ? WASI_RIGHTS_DIR : WASI_RIGHTS_FILE),
			    inh,
			    NULL};
	return wasi_fd_adopt(x, &f, out);
}

/* path_filestat_get(fd, flags, path, path_len, buf). */
WASI_CALL(path_filestat_get)
{
	uint8_t *out = wasi_mem(c, a[4].i32, 64);
	struct wasi_filestat st;
	struct wasi_walk w;
	uint32_t err;

	if (out == NULL)
		return WASI_EFAULT;
	if ((err = walk_begin(c, x, a[0].i32, WASI_R(WR_PATH_FILESTAT_GET),
			      a[2].i32, a[3].i32, a[1].i32 & 1, &w)))
		return err;
	err = x->fs->statat(x->fs_arg, walk_dir(&w), w.last, &st);
	if (!err && w.must_dir && st.type != WASI_FILETYPE_DIRECTORY)
		err = WASI_ENOTDIR;
	walk_end(&w);
	if (!err)
		wasi_put_filestat(out, &st);
	return err;
}

/* path_filestat_set_times(fd, flags, path, path_len, atim, mtim,
 * fstflags). */
WASI_CALL(path_filestat_set_times)
{
	struct wasi_walk w;
	uint32_t err;

	if ((err = walk_begin(c, x, a[0].i32,
			      WASI_R(WR_PATH_FILESTAT_SET_TIMES), a[2].i32,
			      a[3].i32, a[1].i32 & 1, &w)))
		return err;
	if (!wasi_fst_ok(a[6].i32))
		err = WASI_EINVAL;
	else
		err = x->fs->set_times(x->fs_arg, walk_dir(&w), w.last,
				       a[4].i64, a[5].i64, (uint16_t)a[6].i32);
	walk_end(&w);
	return err;
}

/* The calls on one path that end in one backend operation: what. */
enum { WASI_MKDIR, WASI_RMDIR, WASI_UNLINK };

/* path_create_directory, path_remove_directory (an empty directory),
 * path_unlink_file (not a directory: EISDIR; a path ending in '/' names
 * a directory, so that is EISDIR or ENOTDIR), all (fd, path, len). */
static uint32_t wasi_path_one(wasm_caller *c, wasi_ctx *x, const wasm_val *a,
			      int what)
{
	static const uint8_t right[3] = {WR_PATH_CREATE_DIRECTORY,
					 WR_PATH_REMOVE_DIRECTORY,
					 WR_PATH_UNLINK_FILE};
	struct wasi_walk w;
	uint32_t err;

	if ((err = walk_begin(c, x, a[0].i32, WASI_R(right[what]), a[1].i32,
			      a[2].i32, false, &w)))
		return err;
	if (what == WASI_MKDIR)
		err = x->fs->mkdir(x->fs_arg, walk_dir(&w), w.last);
	else if (what == WASI_UNLINK && w.must_dir)
		err = walk_is_dir(&w) == WASI_ESUCCESS ? WASI_EISDIR
						       : WASI_ENOTDIR;
	else
		err = x->fs->unlink(x->fs_arg, walk_dir(&w), w.last,
				    what == WASI_RMDIR);
	walk_end(&w);
	return err;
}

WASI_CALL(path_create_directory)
{
	return wasi_path_one(c, x, a, WASI_MKDIR);
}

WASI_CALL(path_remove_directory)
{
	return wasi_path_one(c, x, a, WASI_RMDIR);
}

WASI_CALL(path_unlink_file)
{
	return wasi_path_one(c, x, a, WASI_UNLINK);
}

/* Resolves the two paths of rename and link: each in its own walk. */
static uint32_t walk_pair(wasm_caller *c, wasi_ctx *x, const wasm_val *a1,
			  uint64_t r1, bool follow, const wasm_val *a2,
			  uint64_t r2, struct wasi_walk *w1,
			  struct wasi_walk *w2)
{
	uint32_t err;

	if (wasi_mem(c, a2[1].i32, a2[2].i32) == NULL)
		return WASI_EFAULT;
	if ((err = walk_begin(c, x, a1[0].i32, r1, a1[1].i32, a1[2].i32, follow,
			      w1)))
		return err;
	if ((err = walk_begin(c, x, a2[0].i32, r2, a2[1].i32, a2[2].i32, false,
			      w2)))
		walk_end(w1);
	return err;
}

/* path_rename(fd, old, old_len, new_fd, new, new_len): over an existing
 * file or empty directory, as rename(2). */
WASI_CALL(path_rename)
{
	struct wasi_walk w1, w2;
	uint32_t err;

	if ((err = walk_pair(c, x, a, WASI_R(WR_PATH_RENAME_SOURCE), false,
			     a + 3, WASI_R(WR_PATH_RENAME_TARGET), &w1, &w2)))
		return err;
	if (!(w1.must_dir || w2.must_dir) || !(err = walk_is_dir(&w1)))
		err = x->fs->rename(x->fs_arg, walk_dir(&w1), w1.last,
				    walk_dir(&w2), w2.last);
	walk_end(&w1);
	walk_end(&w2);
	return err;
}

/* path_link(old_fd, old_flags, old, old_len, new_fd, new, new_len). */
WASI_CALL(path_link)
{
	wasm_val a1[3] = {a[0], a[2], a[3]};
	struct wasi_walk w1, w2;
	uint32_t err;

	if ((err = walk_pair(c, x, a1, WASI_R(WR_PATH_LINK_SOURCE),
			     a[1].i32 & 1, a + 4, WASI_R(WR_PATH_LINK_TARGET),
			     &w1, &w2)))
		return err;
	err = x->fs->link(x->fs_arg, walk_dir(&w1), w1.last, walk_dir(&w2),
			  w2.last);
	walk_end(&w1);
	walk_end(&w2);
	return err;
}

/* path_symlink(target, target_len, fd, path, path_len): the target is
 * stored as given (it is checked when followed, never here). */
WASI_CALL(path_symlink)
{
	const uint8_t *t = wasi_mem(c, a[0].i32, a[1].i32);
	struct wasi_walk w;
	char *target;
	uint32_t err;

	if (t == NULL || wasi_mem(c, a[3].i32, a[4].i32) == NULL)
		return WASI_EFAULT;
	if (a[1].i32 >= WASI_MAX_PATH)
		return WASI_ENAMETOOLONG;
	if (memchr(t, 0, a[1].i32))
		return WASI_EINVAL;
	if ((err = walk_begin(c, x, a[2].i32, WASI_R(WR_PATH_SYMLINK), a[3].i32,
			      a[4].i32, false, &w)))
		return err;
	if ((target = malloc(a[1].i32 + 1)) == NULL) {
		walk_end(&w);
		return WASI_ENOMEM;
	}
	memcpy(target, t, a[1].i32);
	target[a[1].i32] = '\0';
	err = w.must_dir
		      ? WASI_ENOENT
		      : x->fs->symlink(x->fs_arg, target, walk_dir(&w), w.last);
	free(target);
	walk_end(&w);
	return err;
}

/* path_readlink(fd, path, path_len, buf, buf_len, bufused_ptr): the
 * target, cut off at buf_len. */
WASI_CALL(path_readlink)
{
	uint8_t *buf = wasi_mem(c, a[3].i32, a[4].i32);
	uint8_t *used = wasi_mem(c, a[5].i32, 4);
	struct wasi_walk w;
	uint32_t err, n;

	if (buf == NULL || used == NULL)
		return WASI_EFAULT;
	if ((err = walk_begin(c, x, a[0].i32, WASI_R(WR_PATH_READLINK),
			      a[1].i32, a[2].i32, false, &w)))
		return err;
	err = x->fs->readlink(x->fs_arg, walk_dir(&w), w.last, (char *)buf,
			      a[4].i32, &n);
	walk_end(&w);
	if (!err)
		wasi_put_u32(used, n < a[4].i32 ? n : a[4].i32);
	return err;
}
