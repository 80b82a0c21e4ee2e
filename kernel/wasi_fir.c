/*
 * wasi_fir.c: the WASI backend over FileSystem (wasi_fir.h). The WASI
 * layer resolves paths one component at a time (wasi_path.c); here a
 * directory handle remembers its path in the file system, and a name
 * beneath it becomes that path plus "/name" in a FileSystem request.
 * Files and listed directories are File channels (one per handle);
 * directories opened only to walk beneath them hold no channel.
 *
 * Locking: one request at a time per backend (busy, with the event idle
 * for the threads that wait their turn), so threads of a process never
 * take each other's replies. The table and busy are under the kernel
 * lock, which every WASI call holds, but a call that waits (its turn, a
 * reply) lets other threads of the process run, on this CPU or others,
 * and they may close handles or grow the table meanwhile. So nothing
 * read from the table is used across a wait: a request retains its
 * channel before it waits, and a call that makes several requests (a
 * transfer in chunks, a listing) looks its handle up again before each.
 *
 * What FAT and FileSystem cannot do: links and symlinks (EPERM, as
 * Linux's vfat answers), setting times (ENOTSUP: FileSystem has no such
 * call), nonblock (files never block). readlink is EINVAL for anything
 * that exists. Times are FAT's (2 s for mtime), nlink 1, dev 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmament/filesystem_wire.h"
#include "kernel/firport.h"
#include "kernel/wasi_fir.h"
#include "kernel/wasi_impl.h"
#include "kernel/wasi_sock.h"

#define WF_PATH_MAX 1024 /* FileSystem's string<1024> */
#define WF_CHUNK 8192	 /* File.read/write's bytes<8192> */
#define WF_PREOPENS 16

enum { WF_FREE, WF_FILE, WF_DIR, WF_SOCK };

struct wf_ent {
	uint8_t kind;
	bool append;
	struct channel *ch; /* a File channel, or NULL (a walked dir) */
	char *path;	    /* in the file system, from its root */
	struct wsock *sock; /* WF_SOCK's (wasi_sock.c) */
};

struct wasi_fir {
	struct process *p;
	struct channel *fs;
	uint32_t txid;
	bool busy;
	struct event *idle; /* SIGNALED while not busy */
	struct wf_ent *e;
	uint32_t ne;
	char *pre; /* the preopen pairs */
	uint32_t npre;
};

/* The WASI errno of a FileSystem (or kernel, or fir) status. */
static uint32_t wf_errno(int32_t s)
{
	static const uint16_t fs[] = {
		[-FS_STATUS_IO - 201] = WASI_EIO,
		[-FS_STATUS_NOT_FOUND - 201] = WASI_ENOENT,
		[-FS_STATUS_EXISTS - 201] = WASI_EEXIST,
		[-FS_STATUS_NOT_DIR - 201] = WASI_ENOTDIR,
		[-FS_STATUS_IS_DIR - 201] = WASI_EISDIR,
		[-FS_STATUS_NOT_EMPTY - 201] = WASI_ENOTEMPTY,
		[-FS_STATUS_NO_SPACE - 201] = 51, /* ENOSPC */
		[-FS_STATUS_INVALID - 201] = WASI_EINVAL,
		[-FS_STATUS_NAME_TOO_LONG - 201] = WASI_ENAMETOOLONG,
		[-FS_STATUS_BUSY - 201] = 10, /* EBUSY */
		[-FS_STATUS_NO_MEMORY - 201] = WASI_ENOMEM,
		[-FS_STATUS_TOO_BIG - 201] = 22, /* EFBIG */
		[-FS_STATUS_BAD_MODE - 201] = WASI_EBADF,
		[-FS_STATUS_READ_ONLY - 201] = 69, /* EROFS */
	};

	if (s == 0)
		return WASI_ESUCCESS;
	if (s <= FS_STATUS_IO && s >= FS_STATUS_READ_ONLY)
		return fs[-s - 201];
	if (s == NB_ERR_NO_MEMORY)
		return WASI_ENOMEM;
	if (s == NB_ERR_NO_RESOURCES)
		return 41; /* ENFILE: the service's table is full */
	if (s == FIR_ERR_NOT_FOUND)
		return WASI_ENOENT;
	return WASI_EIO;
}

/* Starts a request on b: the txid, the encoder over k's buffer. */
void wasi_fir_begin(struct wasi_fir *b, struct wasi_fir_call *k)
{
	if (!++b->txid)
		b->txid = 1; /* 0: no reply */
	k->txid = b->txid;
	k->m = NULL;
	fir_enc_init(&k->e, k->buf, sizeof k->buf, NULL, 0);
}

/* Waits for b's turn; false if the process is being killed. */
static bool wf_lock(struct wasi_fir *b)
{
	struct kobj *o = &b->idle->o;
	nb_signals pend, want = NB_SIGNAL_SIGNALED;

	while (b->busy)
		if (b->p->killed || kobj_wait(&o, &want, 1, NB_TIME_INFINITE,
					      &pend) == NB_ERR_BAD_STATE)
			return false;
	b->busy = true;
	kobj_signal(o, NB_SIGNAL_SIGNALED, 0);
	return true;
}

static void wf_unlock(struct wasi_fir *b)
{
	b->busy = false;
	kobj_signal(&b->idle->o, 0, NB_SIGNAL_SIGNALED);
}

int32_t wasi_fir_send(struct wasi_fir *b, struct channel *c,
		      struct wasi_fir_call *k, uint32_t ordinal)
{
	int32_t s;

	kobj_retain(&c->o);
	if (!wf_lock(b)) {
		kobj_release(&c->o);
		return NB_ERR_BAD_STATE;
	}
	k->m = firport_call(c, b->p, k->buf, k->e.len, k->txid);
	wf_unlock(b);
	kobj_release(&c->o);
	if (!k->m)
		return NB_ERR_PEER_CLOSED;
	firport_init(&k->fp, c, k->m);
	fir_dec_init(&k->d, k->m->bytes, k->m->nbytes, k->fp.w, k->m->nhandles,
		     &firport_ops, &k->fp);
	if ((s = fir_reply_check(&k->d, k->txid, ordinal)) != FIR_OK) {
		kmsg_free(k->m, true);
		k->m = NULL;
	}
	return s;
}

/* wasi_fir_send as a WASI errno (a path too long to encode:
 * ENAMETOOLONG). */
static uint32_t wf_send(struct wasi_fir *b, struct channel *c,
			struct wasi_fir_call *k, uint32_t ordinal)
{
	if (k->e.err)
		return WASI_ENAMETOOLONG; /* only paths can overflow */
	return wf_errno(wasi_fir_send(b, c, k, ordinal));
}

uint32_t wasi_fir_end(struct wasi_fir_call *k, bool ok)
{
	kmsg_free(k->m, true);
	k->m = NULL;
	return ok ? WASI_ESUCCESS : WASI_EIO;
}

/* The entry of handle h of kind (0: any), or NULL. */
static struct wf_ent *wf_get(struct wasi_fir *b, int32_t h, int kind)
{
	struct wf_ent *e;

	if (h < 0 || (uint32_t)h >= b->ne)
		return NULL;
	e = &b->e[h];
	if (e->kind == WF_FREE || (kind && e->kind != kind))
		return NULL;
	return e;
}

/* A free entry's handle, growing the table; -1 when out of memory. */
static int32_t wf_new(struct wasi_fir *b)
{
	struct wf_ent *t;
	uint32_t n, old = b->ne;

	for (uint32_t i = 0; i < b->ne; i++)
		if (b->e[i].kind == WF_FREE)
			return (int32_t)i;
	if (b->ne >= WASI_MAX_FDS + WF_PREOPENS)
		return -1;
	n = b->ne ? b->ne * 2 : 16;
	if (!(t = realloc(b->e, n * sizeof *t)))
		return -1;
	memset(t + b->ne, 0, (n - b->ne) * sizeof *t);
	b->e = t;
	b->ne = n;
	return (int32_t)old;
}

/* Writes dir's path joined with name ("." is dir itself) into out
 * (WF_PATH_MAX + 1 bytes): 0 or ENAMETOOLONG. */
static uint32_t wf_join(const struct wf_ent *dir, const char *name, char *out)
{
	const char *sep = strcmp(dir->path, "/") ? "/" : "";
	int n;

	if (!name || !strcmp(name, "."))
		n = snprintf(out, WF_PATH_MAX + 1, "%s", dir->path);
	else
		n = snprintf(out, WF_PATH_MAX + 1, "%s%s%s", dir->path, sep,
			     name);
	return n < 0 || n > WF_PATH_MAX ? WASI_ENAMETOOLONG : WASI_ESUCCESS;
}

static void wf_stat_out(const fs_stat *s, struct wasi_filestat *st)
{
	memset(st, 0, sizeof *st);
	st->ino = s->ino;
	st->type =
		s->dir ? WASI_FILETYPE_DIRECTORY : WASI_FILETYPE_REGULAR_FILE;
	st->nlink = 1;
	st->size = s->size;
	st->atim = (uint64_t)s->atime * 1000000000ull;
	st->mtim = (uint64_t)s->mtime * 1000000000ull;
	st->ctim = (uint64_t)s->ctime * 1000000000ull;
}

/* FileSystem.stat of path. */
static uint32_t wf_path_stat(struct wasi_fir *b, const char *path, fs_stat *out)
{
	struct wasi_fir_call k;
	file_system_stat_req req;
	file_system_stat_resp resp;
	uint32_t err;

	wasi_fir_begin(b, &k);
	if (!FIR_SET_STR(req.path, path))
		return WASI_ENAMETOOLONG;
	file_system_stat_req_enc(&k.e, k.txid, &req);
	if ((err = wf_send(b, b->fs, &k, FILE_SYSTEM_stat_ORDINAL)))
		return err;
	err = wasi_fir_end(&k, file_system_stat_resp_dec(&k.d, &resp));
	*out = resp.stat;
	return err;
}

/* A new entry for path (copied) of kind with channel ch (its reference
 * moves in; released on failure): 0 and *out, or ENOMEM. */
static uint32_t wf_add(struct wasi_fir *b, int kind, const char *path,
		       struct channel *ch, bool append, int32_t *out)
{
	int32_t h = wf_new(b);
	size_t n = strlen(path) + 1;
	char *copy = h >= 0 ? malloc(n) : NULL;

	if (!copy) {
		if (ch)
			kobj_release(&ch->o);
		return WASI_ENOMEM;
	}
	memcpy(copy, path, n);
	b->e[h] = (struct wf_ent){(uint8_t)kind, append, ch, copy, NULL};
	*out = h;
	return WASI_ESUCCESS;
}

/* FileSystem.open of path with flags and rights: the File channel
 * (a reference of the caller's) and the stat. */
static uint32_t wf_fs_open(struct wasi_fir *b, const char *path, uint32_t flags,
			   uint32_t rights, struct channel **ch, fs_stat *st)
{
	struct wasi_fir_call k;
	file_system_open_req req;
	file_system_open_resp resp;
	struct kobj *o;
	uint32_t err;

	wasi_fir_begin(b, &k);
	memset(&req, 0, sizeof req);
	if (!FIR_SET_STR(req.path, path))
		return WASI_ENAMETOOLONG;
	req.flags = flags;
	req.rights = rights;
	file_system_open_req_enc(&k.e, k.txid, &req);
	if ((err = wf_send(b, b->fs, &k, FILE_SYSTEM_open_ORDINAL)))
		return err;
	if (!file_system_open_resp_dec(&k.d, &resp) ||
	    resp.file >= k.m->nhandles ||
	    (o = k.m->handles[resp.file].obj)->type != KOBJ_CHANNEL)
		return wasi_fir_end(&k, false);
	kobj_retain(o);
	*ch = (struct channel *)o;
	*st = resp.stat;
	return wasi_fir_end(&k, true);
}

static uint32_t wf_open(void *be, int32_t dir, const char *name,
			uint16_t oflags, uint16_t fdflags, uint32_t how,
			int32_t *out)
{
	struct wasi_fir *b = be;
	struct wf_ent *d = wf_get(b, dir, WF_DIR);
	char path[WF_PATH_MAX + 1];
	struct channel *ch;
	uint32_t flags = 0, rights = 0, err;
	fs_stat st;

	if (!d)
		return WASI_EBADF;
	if ((err = wf_join(d, name, path)))
		return err;
	if (how & WASI_FS_WALK) {
		if ((err = wf_path_stat(b, path, &st)))
			return err;
		if (!st.dir)
			return WASI_ENOTDIR;
		return wf_add(b, WF_DIR, path, NULL, false, out);
	}
	flags = (oflags & 1 ? 4 : 0) | (oflags & 4 ? 8 : 0) |
		(oflags & 8 ? 16 : 0) | (oflags & 2 ? 64 : 0);
	rights = (how & WASI_FS_READ ? 1 : 0) | (how & WASI_FS_WRITE ? 2 : 0);
	if (!rights)
		rights = 1; /* FileSystem opens nothing for neither */
	if ((err = wf_fs_open(b, path, flags, rights, &ch, &st)))
		return err;
	return wf_add(b, st.dir ? WF_DIR : WF_FILE, path, ch,
		      (fdflags & 1) != 0, out);
}

static void wf_close(void *be, int32_t h)
{
	struct wasi_fir *b = be;
	struct wf_ent *e = wf_get(b, h, 0);

	if (!e)
		return;
	if (e->ch)
		kobj_release(&e->ch->o);
	wsock_free(e->sock);
	free(e->path);
	*e = (struct wf_ent){0};
}

/* One File.read or pread (off >= 0) of at most n bytes into buf. */
static uint32_t wf_read1(struct wasi_fir *b, struct channel *ch, uint8_t *buf,
			 uint32_t n, int64_t off, uint32_t *got)
{
	struct wasi_fir_call k;
	file_read_resp resp; /* pread's is the same */
	uint32_t err;
	bool ok;

	wasi_fir_begin(b, &k);
	if (off < 0)
		file_read_req_enc(&k.e, k.txid, &(file_read_req){n});
	else
		file_pread_req_enc(&k.e, k.txid,
				   &(file_pread_req){(uint64_t)off, n});
	if ((err = wf_send(b, ch, &k,
			   off < 0 ? FILE_read_ORDINAL : FILE_pread_ORDINAL)))
		return err;
	ok = off < 0 ? file_read_resp_dec(&k.d, &resp)
		     : file_pread_resp_dec(&k.d, (file_pread_resp *)&resp);
	if (ok && resp.data.len > n)
		ok = false;
	if (ok) {
		memcpy(buf, resp.data.b, resp.data.len);
		*got = resp.data.len;
	}
	return wasi_fir_end(&k, ok);
}

/* One File.write or pwrite (off >= 0) of buf[0..n), n <= WF_CHUNK. */
static uint32_t wf_write1(struct wasi_fir *b, struct channel *ch,
			  const uint8_t *buf, uint32_t n, int64_t off,
			  uint32_t *put)
{
	struct wasi_fir_call k;
	file_pwrite_req req;
	file_write_resp resp; /* pwrite's is the same */
	uint32_t err;
	bool ok;

	wasi_fir_begin(b, &k);
	req.offset = off < 0 ? 0 : (uint64_t)off;
	req.data.len = n;
	memcpy(req.data.b, buf, n);
	if (off < 0)
		file_write_req_enc(&k.e, k.txid, (file_write_req *)&req.data);
	else
		file_pwrite_req_enc(&k.e, k.txid, &req);
	if ((err = wf_send(b, ch, &k,
			   off < 0 ? FILE_write_ORDINAL : FILE_pwrite_ORDINAL)))
		return err;
	ok = off < 0 ? file_write_resp_dec(&k.d, &resp)
		     : file_pwrite_resp_dec(&k.d, (file_pwrite_resp *)&resp);
	if (ok && resp.written > n)
		ok = false;
	*put = ok ? resp.written : 0;
	return wasi_fir_end(&k, ok);
}

uint32_t wasi_fir_chunks(const struct wasi_iov *iov, uint32_t n, uint32_t chunk,
			 wasi_fir_piece one, void *arg, uint32_t *done)
{
	uint32_t total = 0, err = 0;

	for (uint32_t i = 0; i < n && !err; i++) {
		for (uint32_t o = 0; o < iov[i].len;) {
			uint32_t want = iov[i].len - o, got = 0;
			if (want > chunk)
				want = chunk;
			if ((err = one(arg, iov[i].buf + o, want, total, &got)))
				break;
			o += got;
			total += got;
			if (got < want)
				goto out;
		}
	}
out:
	*done = total;
	return total ? WASI_ESUCCESS : err;
}

/* A file transfer: of which handle, where, which way. */
struct wf_xfer {
	struct wasi_fir *b;
	int32_t h;
	int64_t off; /* < 0: at the position */
	bool write;
};

/* wasi_fir_piece of a file transfer: one File request, on the handle's
 * channel as it is now (another thread may have closed it). */
static uint32_t wf_piece(void *arg, uint8_t *buf, uint32_t len, uint32_t at,
			 uint32_t *got)
{
	struct wf_xfer *x = arg;
	int64_t off = x->off < 0 ? -1 : x->off + at;
	struct wf_ent *f = wf_get(x->b, x->h, WF_FILE);

	if (!f)
		return WASI_EBADF;
	return x->write ? wf_write1(x->b, f->ch, buf, len, off, got)
			: wf_read1(x->b, f->ch, buf, len, off, got);
}

/* Reads (write false) or writes iov[0..n) of file h in File requests of
 * at most WF_CHUNK bytes, at the position (off < 0) or from off; h's
 * closing by another thread ends the transfer. */
static uint32_t wf_xfer(struct wasi_fir *b, int32_t h,
			const struct wasi_iov *iov, uint32_t n, int64_t off,
			bool write, uint32_t *done)
{
	struct wf_xfer x = {b, h, off, write};

	return wasi_fir_chunks(iov, n, WF_CHUNK, wf_piece, &x, done);
}

static uint32_t wf_read(void *be, int32_t h, const struct wasi_iov *iov,
			uint32_t n, int64_t off, uint32_t *done)
{
	struct wasi_fir *b = be;
	struct wf_ent *f = wf_get(b, h, WF_FILE), *s = wf_get(b, h, WF_SOCK);

	if (s)
		return wsock_recv(b, s->sock, iov, n, 0, done);
	if (!f)
		return wf_get(b, h, WF_DIR) ? WASI_EISDIR : WASI_EBADF;
	return wf_xfer(b, h, iov, n, off, false, done);
}

static uint32_t wf_seek(void *be, int32_t h, int64_t off, uint8_t whence,
			uint64_t *pos);

/* Appending: a seek to the end first (one writer per file channel). */
static uint32_t wf_write(void *be, int32_t h, const struct wasi_iov *iov,
			 uint32_t n, int64_t off, uint32_t *done)
{
	struct wasi_fir *b = be;
	struct wf_ent *f = wf_get(b, h, WF_FILE), *s = wf_get(b, h, WF_SOCK);
	uint64_t end;
	uint32_t err;

	if (s)
		return wsock_send(b, s->sock, iov, n, done);
	if (!f)
		return wf_get(b, h, WF_DIR) ? WASI_EISDIR : WASI_EBADF;
	if (off < 0 && f->append && (err = wf_seek(b, h, 0, 2, &end)))
		return err;
	return wf_xfer(b, h, iov, n, off, true, done);
}

static uint32_t wf_seek(void *be, int32_t h, int64_t off, uint8_t whence,
			uint64_t *pos)
{
	struct wasi_fir *b = be;
	struct wf_ent *f = wf_get(b, h, WF_FILE);
	struct wasi_fir_call k;
	file_seek_resp resp;
	uint32_t err;

	if (!f)
		return WASI_EBADF;
	wasi_fir_begin(b, &k);
	file_seek_req_enc(&k.e, k.txid, &(file_seek_req){off, whence});
	if ((err = wf_send(b, f->ch, &k, FILE_seek_ORDINAL)))
		return err;
	err = wasi_fir_end(&k, file_seek_resp_dec(&k.d, &resp));
	*pos = resp.position;
	return err;
}

/* A request without fields on the entry's channel (File.sync), or on
 * the FileSystem channel (FileSystem.sync) for a walked directory. */
static uint32_t wf_sync(void *be, int32_t h, bool data_only)
{
	struct wasi_fir *b = be;
	struct wf_ent *e = wf_get(b, h, 0);
	struct wasi_fir_call k;
	uint32_t err;
	bool file;

	if (!e)
		return WASI_EBADF;
	file = e->ch != NULL; /* e is not read after the wait */
	wasi_fir_begin(b, &k);
	if (file)
		file_sync_req_enc(&k.e, k.txid);
	else
		file_system_sync_req_enc(&k.e, k.txid);
	if ((err = wf_send(b, file ? e->ch : b->fs, &k,
			   file ? FILE_sync_ORDINAL
				: FILE_SYSTEM_sync_ORDINAL)))
		return err;
	return wasi_fir_end(&k, file ? file_sync_resp_dec(&k.d)
				     : file_system_sync_resp_dec(&k.d));
}

static uint32_t wf_advise(void *be, int32_t h, uint64_t off, uint64_t len,
			  uint8_t advice)
{
	return wf_get(be, h, WF_FILE) ? WASI_ESUCCESS : WASI_EBADF;
}

static uint32_t wf_stat(void *be, int32_t h, struct wasi_filestat *st);
static uint32_t wf_set_size(void *be, int32_t h, uint64_t size);

/* The file grows to off + len if it is shorter (FAT has no holes to
 * reserve: the growth writes zeros). */
static uint32_t wf_allocate(void *be, int32_t h, uint64_t off, uint64_t len)
{
	struct wasi_filestat st;
	uint32_t err = wf_stat(be, h, &st);

	if (err)
		return err;
	if (off + len < off)
		return 22; /* EFBIG */
	return off + len > st.size ? wf_set_size(be, h, off + len)
				   : WASI_ESUCCESS;
}

static uint32_t wf_set_flags(void *be, int32_t h, uint16_t fdflags)
{
	struct wf_ent *e = wf_get(be, h, 0);

	if (!e)
		return WASI_EBADF;
	e->append = fdflags & 1;
	if (e->sock)
		wsock_set_nonblock(e->sock, fdflags & WASI_FDFLAG_NONBLOCK);
	return WASI_ESUCCESS;
}

static uint32_t wf_stat(void *be, int32_t h, struct wasi_filestat *st)
{
	struct wasi_fir *b = be;
	struct wf_ent *e = wf_get(b, h, 0);
	file_stat_resp resp;
	struct wasi_fir_call k;
	uint32_t err;

	if (!e)
		return WASI_EBADF;
	if (e->sock) {
		memset(st, 0, sizeof *st);
		st->type = WASI_FILETYPE_SOCKET_STREAM;
		return WASI_ESUCCESS;
	}
	if (!e->ch) {
		err = wf_path_stat(b, e->path, &resp.stat);
	} else {
		wasi_fir_begin(b, &k);
		file_stat_req_enc(&k.e, k.txid);
		if ((err = wf_send(b, e->ch, &k, FILE_stat_ORDINAL)))
			return err;
		err = wasi_fir_end(&k, file_stat_resp_dec(&k.d, &resp));
	}
	if (!err)
		wf_stat_out(&resp.stat, st);
	return err;
}

static uint32_t wf_statat(void *be, int32_t dir, const char *name,
			  struct wasi_filestat *st)
{
	struct wasi_fir *b = be;
	struct wf_ent *d = wf_get(b, dir, WF_DIR);
	char path[WF_PATH_MAX + 1];
	uint32_t err;
	fs_stat s;

	if (!d)
		return WASI_EBADF;
	if ((err = wf_join(d, name, path)) || (err = wf_path_stat(b, path, &s)))
		return err;
	wf_stat_out(&s, st);
	return WASI_ESUCCESS;
}

static uint32_t wf_set_size(void *be, int32_t h, uint64_t size)
{
	struct wasi_fir *b = be;
	struct wf_ent *f = wf_get(b, h, WF_FILE);
	struct wasi_fir_call k;
	uint32_t err;

	if (!f)
		return WASI_EBADF;
	wasi_fir_begin(b, &k);
	file_truncate_req_enc(&k.e, k.txid, &(file_truncate_req){size});
	if ((err = wf_send(b, f->ch, &k, FILE_truncate_ORDINAL)))
		return err;
	return wasi_fir_end(&k, file_truncate_resp_dec(&k.d));
}

static uint32_t wf_set_times(void *be, int32_t dir, const char *name,
			     uint64_t atim, uint64_t mtim, uint16_t fstflags)
{
	return WASI_ENOTSUP;
}

/*
 * A WASI cookie c is "." at 0, ".." at 1; from 2 on, c - 2 is a
 * FileSystem cookie times 16 plus how many entries of the 12 that
 * File.readdir lists from it were already seen (FileSystem gives a
 * cookie only after the last of a batch), so a listing resumes after
 * any entry and stays stable while the directory does not change.
 */
static uint32_t wf_readdir(void *be, int32_t dir, uint64_t cookie,
			   wasi_dirent_fn emit, void *arg)
{
	struct wasi_fir *b = be;
	struct wf_ent *d = wf_get(b, dir, WF_DIR);
	file_readdir_resp resp;
	struct wasi_fir_call k;
	uint64_t batch, skip;
	uint32_t err;
	bool more = true;

	if (!d)
		return wf_get(b, dir, 0) ? WASI_ENOTDIR : WASI_EBADF;
	if (!d->ch)
		return WASI_EBADF; /* walked only: not readable */
	if (cookie == 0)
		more = emit(arg, 1, 0, WASI_FILETYPE_DIRECTORY, ".", 1);
	if (more && cookie <= 1)
		more = emit(arg, 2, 0, WASI_FILETYPE_DIRECTORY, "..", 2);
	batch = cookie < 2 ? 0 : (cookie - 2) >> 4;
	skip = cookie < 2 ? 0 : (cookie - 2) & 15;
	while (more) {
		if (!(d = wf_get(b, dir, WF_DIR)) || !d->ch)
			return WASI_EBADF; /* closed by another thread */
		wasi_fir_begin(b, &k);
		file_readdir_req_enc(&k.e, k.txid, &(file_readdir_req){batch});
		if ((err = wf_send(b, d->ch, &k, FILE_readdir_ORDINAL)))
			return err;
		if ((err = wasi_fir_end(&k,
					file_readdir_resp_dec(&k.d, &resp))))
			return err;
		if (!resp.entries.len || resp.next <= batch ||
		    resp.next > UINT64_MAX >> 5)
			break;
		for (uint32_t i = (uint32_t)skip; i < resp.entries.len && more;
		     i++) {
			dir_entry *e = &resp.entries.items[i];
			uint64_t next = i + 1 < resp.entries.len
						? 2 + (batch << 4 | (i + 1))
						: 2 + (resp.next << 4);
			more = emit(arg, next, e->stat.ino,
				    e->stat.dir ? WASI_FILETYPE_DIRECTORY
						: WASI_FILETYPE_REGULAR_FILE,
				    e->name.s, e->name.len);
		}
		batch = resp.next;
		skip = 0;
	}
	return WASI_ESUCCESS;
}

/* FileSystem.mkdir, unlink or rmdir (ordinal) of path. */
static uint32_t wf_path_op(struct wasi_fir *b, uint32_t ordinal,
			   const char *path)
{
	file_system_mkdir_req req; /* unlink's and rmdir's alike */
	struct wasi_fir_call k;
	uint32_t err;

	wasi_fir_begin(b, &k);
	if (!FIR_SET_STR(req.path, path))
		return WASI_ENAMETOOLONG;
	if (ordinal == FILE_SYSTEM_mkdir_ORDINAL)
		file_system_mkdir_req_enc(&k.e, k.txid, &req);
	else if (ordinal == FILE_SYSTEM_unlink_ORDINAL)
		file_system_unlink_req_enc(&k.e, k.txid,
					   (file_system_unlink_req *)&req);
	else
		file_system_rmdir_req_enc(&k.e, k.txid,
					  (file_system_rmdir_req *)&req);
	if ((err = wf_send(b, b->fs, &k, ordinal)))
		return err;
	return wasi_fir_end(&k, fir_dec_done(&k.d));
}

/* path of name beneath dir into out (WF_PATH_MAX + 1 bytes). */
static uint32_t wf_pathat(struct wasi_fir *b, int32_t dir, const char *name,
			  char *out)
{
	struct wf_ent *d = wf_get(b, dir, WF_DIR);

	return d ? wf_join(d, name, out) : WASI_EBADF;
}

static uint32_t wf_mkdir(void *be, int32_t dir, const char *name)
{
	char path[WF_PATH_MAX + 1];
	uint32_t err = wf_pathat(be, dir, name, path);

	return err ? err : wf_path_op(be, FILE_SYSTEM_mkdir_ORDINAL, path);
}

static uint32_t wf_unlink(void *be, int32_t dir, const char *name, bool is_dir)
{
	char path[WF_PATH_MAX + 1];
	uint32_t err = wf_pathat(be, dir, name, path);

	if (err)
		return err;
	return wf_path_op(be,
			  is_dir ? FILE_SYSTEM_rmdir_ORDINAL
				 : FILE_SYSTEM_unlink_ORDINAL,
			  path);
}

static uint32_t wf_rename(void *be, int32_t d1, const char *n1, int32_t d2,
			  const char *n2)
{
	struct wasi_fir *b = be;
	file_system_rename_req req;
	char from[WF_PATH_MAX + 1], to[WF_PATH_MAX + 1];
	struct wasi_fir_call k;
	uint32_t err;

	if ((err = wf_pathat(b, d1, n1, from)) ||
	    (err = wf_pathat(b, d2, n2, to)))
		return err;
	wasi_fir_begin(b, &k);
	if (!FIR_SET_STR(req.from, from) || !FIR_SET_STR(req.to, to))
		return WASI_ENAMETOOLONG;
	file_system_rename_req_enc(&k.e, k.txid, &req);
	if ((err = wf_send(b, b->fs, &k, FILE_SYSTEM_rename_ORDINAL)))
		return err;
	return wasi_fir_end(&k, file_system_rename_resp_dec(&k.d));
}

static uint32_t wf_link(void *be, int32_t d1, const char *n1, int32_t d2,
			const char *n2)
{
	return WASI_EPERM;
}

static uint32_t wf_symlink(void *be, const char *target, int32_t dir,
			   const char *name)
{
	return WASI_EPERM;
}

/* FAT has no symlinks: EINVAL for whatever exists. */
static uint32_t wf_readlink(void *be, int32_t dir, const char *name, char *buf,
			    uint32_t len, uint32_t *n)
{
	struct wasi_filestat st;
	uint32_t err = wf_statat(be, dir, name, &st);

	return err ? err : WASI_EINVAL;
}

/* Files are always ready; sockets when their events say (wasi_sock.c). */
static uint32_t wf_poll(void *be, struct wasi_pollfd *fds, uint32_t n,
			int64_t timeout_ns)
{
	struct wsock **socks = calloc(n ? n : 1, sizeof *socks);
	uint32_t err;

	if (!socks)
		return WASI_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct wf_ent *e = wf_get(be, fds[i].h, 0);
		if (!e)
			fds[i].err = WASI_EBADF;
		else
			socks[i] = e->sock;
	}
	err = wsock_poll(socks, fds, n, timeout_ns);
	free(socks);
	return err;
}

/* The socket entry of h, or NULL with *err (EBADF, or ENOTSOCK for a
 * file or directory). */
static struct wf_ent *wf_sock(struct wasi_fir *b, int32_t h, uint32_t *err)
{
	struct wf_ent *e = wf_get(b, h, 0);

	*err = !e ? WASI_EBADF : !e->sock ? WASI_ENOTSOCK : WASI_ESUCCESS;
	return *err ? NULL : e;
}

/* A new entry for socket s (freed on failure). */
static uint32_t wf_add_sock(struct wasi_fir *b, struct wsock *s, int32_t *out)
{
	int32_t h = wf_new(b);

	if (h < 0) {
		wsock_free(s);
		return WASI_ENOMEM;
	}
	b->e[h] = (struct wf_ent){.kind = WF_SOCK, .sock = s};
	*out = h;
	return WASI_ESUCCESS;
}

static uint32_t wf_accept(void *be, int32_t h, uint16_t fdflags, int32_t *out)
{
	struct wasi_fir *b = be;
	struct wf_ent *e;
	struct wsock *s;
	uint32_t err;

	if (!(e = wf_sock(b, h, &err)) ||
	    (err = wsock_accept(b, e->sock, fdflags, &s)))
		return err;
	return wf_add_sock(b, s, out);
}

static uint32_t wf_recv(void *be, int32_t h, const struct wasi_iov *iov,
			uint32_t n, uint16_t riflags, uint32_t *done,
			uint16_t *roflags)
{
	struct wf_ent *e;
	uint32_t err;

	*roflags = 0;
	if (!(e = wf_sock(be, h, &err)))
		return err;
	return wsock_recv(be, e->sock, iov, n, riflags, done);
}

static uint32_t wf_send_sock(void *be, int32_t h, const struct wasi_iov *iov,
			     uint32_t n, uint32_t *done)
{
	struct wf_ent *e;
	uint32_t err;

	if (!(e = wf_sock(be, h, &err)))
		return err;
	return wsock_send(be, e->sock, iov, n, done);
}

static uint32_t wf_shutdown(void *be, int32_t h, uint8_t how)
{
	struct wf_ent *e;
	uint32_t err;

	if (!(e = wf_sock(be, h, &err)))
		return err;
	return wsock_shutdown(be, e->sock, how);
}

static const struct wasi_fs_ops wf_ops = {
	wf_open,   wf_close,	wf_read,      wf_write,	    wf_seek,
	wf_sync,   wf_advise,	wf_allocate,  wf_set_flags, wf_stat,
	wf_statat, wf_set_size, wf_set_times, wf_readdir,   wf_mkdir,
	wf_unlink, wf_rename,	wf_link,      wf_symlink,   wf_readlink,
	wf_poll,   wf_accept,	wf_recv,      wf_send_sock, wf_shutdown,
};

/* The N of a socket preopen's path "#N" (decimal, N + 1 below
 * NB_CHANNEL_MAX_HANDLES), or -1. */
static int wf_sock_index(const char *path)
{
	int n = 0;

	if (path[0] != '#' || !path[1])
		return -1;
	for (const char *c = path + 1; *c; c++) {
		if (*c < '0' || *c > '9' || n > 999)
			return -1;
		n = n * 10 + (*c - '0');
	}
	return n + 1 < (int)NB_CHANNEL_MAX_HANDLES ? n : -1;
}

bool wasi_fir_check(const char *pre, uint32_t len)
{
	uint32_t n = 0, start = 0;

	if (len && pre[len - 1])
		return false;
	for (uint32_t i = 0; i < len; i++) {
		if (pre[i])
			continue;
		if (i == start)
			return false; /* empty */
		if (n % 2 && pre[start] == '#' &&
		    wf_sock_index(pre + start) < 0)
			return false;
		n++;
		start = i + 1;
	}
	return n % 2 == 0 && n / 2 <= WF_PREOPENS;
}

struct wasi_fir *wasi_fir_new(const char *pre, uint32_t len)
{
	struct wasi_fir *b = calloc(1, sizeof *b);

	if (!b || !(b->pre = malloc(len ? len : 1)) ||
	    !(b->idle = event_create())) {
		if (b)
			free(b->pre);
		free(b);
		return NULL;
	}
	kobj_signal(&b->idle->o, 0, NB_SIGNAL_SIGNALED);
	memcpy(b->pre, pre, len);
	b->npre = len;
	return b;
}

void wasi_fir_set_fs(struct wasi_fir *b, struct channel *fs)
{
	b->fs = fs;
}

/* Preopen of a listening socket, "#N": p's startup handles N (its
 * Socket channel) and N + 1 (its ready event), which move to the
 * backend. */
static uint32_t wf_attach_sock(struct wasi_fir *b, struct process *p,
			       wasi_ctx *x, const char *path)
{
	uint32_t n = (uint32_t)wf_sock_index(path), err;
	struct khandle *k = &p->startup[n];
	struct wsock *s;
	int32_t h;

	if (n + 1 >= p->nstartup || !k[0].obj || !k[1].obj ||
	    k[0].obj->type != KOBJ_CHANNEL || k[1].obj->type != KOBJ_EVENT)
		return WASI_EBADF;
	s = wsock_new((struct channel *)k[0].obj, (struct event *)k[1].obj);
	k[0].obj = k[1].obj = NULL;
	if (!s || (err = wf_add_sock(b, s, &h)))
		return WASI_ENOMEM;
	if (wasi_ctx_add_socket(x, h) < 0) {
		wf_close(b, h);
		return WASI_ENOMEM;
	}
	return WASI_ESUCCESS;
}

/* Preopen of directory path as guest. */
static uint32_t wf_attach_dir(struct wasi_fir *b, wasi_ctx *x,
			      const char *guest, const char *path)
{
	struct channel *ch;
	uint32_t err;
	fs_stat st;
	int32_t h;

	if (!b->fs)
		return WASI_ENOTCAPABLE; /* no file system given */
	err = wf_fs_open(b, path, 64, 1, &ch, &st);
	if (!err)
		err = wf_add(b, WF_DIR, path, ch, false, &h);
	if (!err && wasi_ctx_preopen(x, guest, h) < 0) {
		wf_close(b, h);
		err = WASI_ENOMEM;
	}
	return err;
}

bool wasi_fir_attach(struct wasi_fir *b, struct process *p, wasi_ctx *x)
{
	b->p = p;
	wasi_ctx_set_fs(x, &wf_ops, b);
	for (uint32_t i = 0; i < b->npre;) {
		const char *guest = b->pre + i;
		const char *path = guest + strlen(guest) + 1;
		bool sock = path[0] == '#';
		uint32_t err;
		i = (uint32_t)(path - b->pre) + (uint32_t)strlen(path) + 1;
		err = sock ? wf_attach_sock(b, p, x, path)
			   : wf_attach_dir(b, x, guest, path);
		if (err && !p->killed)
			fprintf(stderr,
				"%s: preopen %s (%s%s): WASI errno %u\n",
				p->name, guest,
				sock ? "a listening socket" : path,
				sock ? "" : " of the file system", err);
		if (err)
			return false;
	}
	return true;
}

void wasi_fir_free(struct wasi_fir *b)
{
	if (!b)
		return;
	for (uint32_t i = 0; i < b->ne; i++)
		wf_close(b, (int32_t)i);
	free(b->e);
	free(b->pre);
	if (b->fs)
		kobj_release(&b->fs->o);
	kobj_release(&b->idle->o);
	free(b);
}
