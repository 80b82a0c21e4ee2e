/*
 * wasi.c: WASI preview 1 host functions (see wasi.h).
 *
 * Every pointer a program passes is an offset into its linear memory 0;
 * wasi_mem() checks each [ptr, ptr+len) against the memory's size in
 * 64-bit arithmetic (no overflow) before any byte is touched, and a bad
 * range gives EFAULT. All ranges of a call are checked before the call
 * has any effect, so a call that fails did nothing.
 */
#include "kernel/wasi.h"

#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"

/* Rights bits reported by fd_fdstat_get. */
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_POLL_FD_READWRITE (1ull << 27)
#define WASI_FILETYPE_CHARACTER_DEVICE 2

/* Clock ids. */
enum {
	WASI_CLOCK_REALTIME,
	WASI_CLOCK_MONOTONIC,
	WASI_CLOCK_PROCESS_CPUTIME,
	WASI_CLOCK_THREAD_CPUTIME,
};

void wasi_ctx_init(wasi_ctx *ctx, wasm_store *store, int argc,
		   char *const *argv, int envc, char *const *envp)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->store = store;
	ctx->argc = argc;
	ctx->argv = argv;
	ctx->envc = envc;
	ctx->envp = envp;
	ctx->start_ns = hal_clock_monotonic_ns();
}

/* The caller's memory at [ptr, ptr+len), or NULL if any of it is out of
 * range (or there is no memory). */
static uint8_t *wasi_mem(wasm_caller *c, uint32_t ptr, uint64_t len)
{
	wasm_memory *mem = wasm_caller_memory(c);

	if (mem == NULL || (uint64_t)ptr + len > wasm_memory_size(mem))
		return NULL;
	return wasm_memory_data(mem) + ptr;
}

static uint32_t wasi_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void wasi_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void wasi_put_u64(uint8_t *p, uint64_t v)
{
	wasi_put_u32(p, (uint32_t)v);
	wasi_put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Is fd an open standard stream (0, 1 or 2)? */
static bool wasi_fd_ok(const wasi_ctx *x, uint32_t fd)
{
	return fd <= 2 && !x->closed[fd];
}

/*
 * Checks an iovec array (n entries of {u32 buf, u32 len}) at iovs: every
 * buffer must lie in memory and the total must fit in a u32. Returns the
 * array or NULL with *err set.
 */
static const uint8_t *wasi_iovecs(wasm_caller *c, uint32_t iovs, uint32_t n,
				  uint32_t *err)
{
	const uint8_t *vec = wasi_mem(c, iovs, (uint64_t)n * 8);
	uint64_t total = 0;
	uint32_t i;

	*err = WASI_EFAULT;
	if (vec == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		if (wasi_mem(c, wasi_get_u32(vec + 8 * i), len) == NULL)
			return NULL;
		total += len;
	}
	if (total > UINT32_MAX) {
		*err = WASI_EINVAL;
		return NULL;
	}
	return vec;
}

#define WASI_OUT_CHUNK 4096u

/* Sends buf[0..*fill) through x->out and adds the count acknowledged to
 * *total: 0 (and *fill = 0) if it was all, -2 if part, -1 on failure. */
static long wasi_flush(wasi_ctx *x, const uint8_t *buf, uint32_t *fill,
		       long *total)
{
	long k = x->out(x->out_arg, buf, *fill);

	if (k < 0)
		return -1;
	*total += k;
	if ((uint32_t)k < *fill)
		return -2;
	*fill = 0;
	return 0;
}

/* The checked iovecs' bytes through x->out, gathered into chunks of at
 * most WASI_OUT_CHUNK so that a line split across iovecs goes out in one
 * piece: the count acknowledged (stopping at a partial write or a
 * failure after some bytes: the next call sees the failure), or -1 if
 * the first chunk failed. */
static long wasi_out(wasm_caller *c, wasi_ctx *x, const uint8_t *vec,
		     uint32_t n)
{
	uint8_t *buf = malloc(WASI_OUT_CHUNK);
	uint32_t fill = 0;
	long total = 0, k = 0;

	if (!buf)
		return -1;
	for (uint32_t i = 0; i < n && k == 0; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		const uint8_t *p = wasi_mem(c, wasi_get_u32(vec + 8 * i), len);
		while (len && k == 0) {
			uint32_t m = WASI_OUT_CHUNK - fill < len
					     ? WASI_OUT_CHUNK - fill
					     : len;
			memcpy(buf + fill, p, m);
			fill += m, p += m, len -= m;
			if (fill == WASI_OUT_CHUNK)
				k = wasi_flush(x, buf, &fill, &total);
		}
	}
	if (k == 0 && fill)
		k = wasi_flush(x, buf, &fill, &total);
	free(buf);
	return k == -1 && total == 0 ? -1 : total;
}

/* fd_write(fd, iovs, iovs_len, nwritten_ptr): stdout and stderr only. */
static uint32_t wasi_fd_write(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	uint32_t fd = a[0].i32, n = a[2].i32, err, i, total = 0;
	const uint8_t *vec;
	uint8_t *out;

	if (fd == 0 || !wasi_fd_ok(x, fd))
		return WASI_EBADF;
	if ((vec = wasi_iovecs(c, a[1].i32, n, &err)) == NULL)
		return err;
	if ((out = wasi_mem(c, a[3].i32, 4)) == NULL)
		return WASI_EFAULT;
	if (x->out) {
		long k = x->out_broken ? -1 : wasi_out(c, x, vec, n);
		if (k < 0) {
			x->out_broken = true;
			return WASI_EIO;
		}
		wasi_put_u32(out, (uint32_t)k);
		return WASI_ESUCCESS;
	}
	for (i = 0; i < n; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		hal_console_write((int)fd,
				  wasi_mem(c, wasi_get_u32(vec + 8 * i), len),
				  len);
		total += len;
	}
	wasi_put_u32(out, total);
	return WASI_ESUCCESS;
}

/*
 * fd_read(fd, iovs, iovs_len, nread_ptr): stdin only. One read into the
 * first non-empty buffer, so that a call never waits for more input once
 * some has arrived (as readv does on a pipe or terminal).
 */
static uint32_t wasi_fd_read(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	uint32_t n = a[2].i32, err, i;
	const uint8_t *vec;
	uint8_t *out;
	long got = 0;

	if (a[0].i32 != 0 || !wasi_fd_ok(x, 0))
		return WASI_EBADF;
	if ((vec = wasi_iovecs(c, a[1].i32, n, &err)) == NULL)
		return err;
	if ((out = wasi_mem(c, a[3].i32, 4)) == NULL)
		return WASI_EFAULT;
	for (i = 0; i < n; i++) {
		uint32_t len = wasi_get_u32(vec + 8 * i + 4);
		if (len == 0)
			continue;
		got = hal_console_read(
			wasi_mem(c, wasi_get_u32(vec + 8 * i), len), len);
		if (got < 0)
			return WASI_EIO;
		break;
	}
	wasi_put_u32(out, (uint32_t)got);
	return WASI_ESUCCESS;
}

static uint32_t wasi_fd_close(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	if (!wasi_fd_ok(x, a[0].i32))
		return WASI_EBADF;
	x->closed[a[0].i32] = true;
	return WASI_ESUCCESS;
}

/* fd_fdstat_get(fd, stat_ptr): a 24-byte fdstat; the streams are
 * character devices without seek, so libc treats them as terminals. */
static uint32_t wasi_fd_fdstat_get(wasm_caller *c, wasi_ctx *x,
				   const wasm_val *a)
{
	uint32_t fd = a[0].i32;
	uint8_t *st;
	uint64_t rights;

	if (!wasi_fd_ok(x, fd))
		return WASI_EBADF;
	if ((st = wasi_mem(c, a[1].i32, 24)) == NULL)
		return WASI_EFAULT;
	rights = fd == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
	memset(st, 0, 24);
	st[0] = WASI_FILETYPE_CHARACTER_DEVICE;
	wasi_put_u64(st + 8, rights | WASI_RIGHT_POLL_FD_READWRITE);
	return WASI_ESUCCESS;
}

/* fd_fdstat_set_flags(fd, flags): only "no flags" is supported. */
static uint32_t wasi_fd_fdstat_set_flags(wasm_caller *c, wasi_ctx *x,
					 const wasm_val *a)
{
	if (!wasi_fd_ok(x, a[0].i32))
		return WASI_EBADF;
	return a[1].i32 == 0 ? WASI_ESUCCESS : WASI_ENOSYS;
}

/* fd_seek(fd, offset, whence, newoffset_ptr): streams cannot seek. */
static uint32_t wasi_fd_seek(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	return wasi_fd_ok(x, a[0].i32) ? WASI_ESPIPE : WASI_EBADF;
}

/* fd_prestat_get, fd_prestat_dir_name: there are no preopens. */
static uint32_t wasi_no_prestat(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	return WASI_EBADF;
}

/* Bytes needed for n NUL-terminated strings. */
static uint64_t wasi_strings_size(int n, char *const *s)
{
	uint64_t size = 0;
	int i;

	for (i = 0; i < n; i++)
		size += strlen(s[i]) + 1;
	return size;
}

/* args_sizes_get / environ_sizes_get(count_ptr, size_ptr). */
static uint32_t wasi_sizes_get(wasm_caller *c, const wasm_val *a, int n,
			       char *const *s)
{
	uint8_t *count = wasi_mem(c, a[0].i32, 4);
	uint8_t *size = wasi_mem(c, a[1].i32, 4);

	if (count == NULL || size == NULL)
		return WASI_EFAULT;
	wasi_put_u32(count, (uint32_t)n);
	wasi_put_u32(size, (uint32_t)wasi_strings_size(n, s));
	return WASI_ESUCCESS;
}

/* args_get / environ_get(ptrs_ptr, buf_ptr): n u32 pointers into the
 * buffer, then the strings themselves. */
static uint32_t wasi_strings_get(wasm_caller *c, const wasm_val *a, int n,
				 char *const *s)
{
	uint32_t ptrs = a[0].i32, buf = a[1].i32, off = 0;
	uint8_t *p = wasi_mem(c, ptrs, (uint64_t)n * 4);
	uint8_t *b = wasi_mem(c, buf, wasi_strings_size(n, s));
	int i;

	if (p == NULL || b == NULL)
		return WASI_EFAULT;
	for (i = 0; i < n; i++) {
		size_t len = strlen(s[i]) + 1;
		wasi_put_u32(p + 4 * i, buf + off);
		memcpy(b + off, s[i], len);
		off += (uint32_t)len;
	}
	return WASI_ESUCCESS;
}

static uint32_t wasi_args_sizes_get(wasm_caller *c, wasi_ctx *x,
				    const wasm_val *a)
{
	return wasi_sizes_get(c, a, x->argc, x->argv);
}

static uint32_t wasi_args_get(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	return wasi_strings_get(c, a, x->argc, x->argv);
}

static uint32_t wasi_environ_sizes_get(wasm_caller *c, wasi_ctx *x,
				       const wasm_val *a)
{
	return wasi_sizes_get(c, a, x->envc, x->envp);
}

static uint32_t wasi_environ_get(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	return wasi_strings_get(c, a, x->envc, x->envp);
}

/* The time of clock `id` in ns, false for an unknown clock. The CPU-time
 * clocks count monotonic time since the context began (one thread). */
static bool wasi_clock_now(const wasi_ctx *x, uint32_t id, uint64_t *t)
{
	switch (id) {
	case WASI_CLOCK_REALTIME:
		*t = hal_clock_realtime_ns();
		return true;
	case WASI_CLOCK_MONOTONIC:
		*t = hal_clock_monotonic_ns();
		return true;
	case WASI_CLOCK_PROCESS_CPUTIME:
	case WASI_CLOCK_THREAD_CPUTIME:
		*t = hal_clock_monotonic_ns() - x->start_ns;
		return true;
	default:
		return false;
	}
}

/* clock_time_get(id, precision, time_ptr). */
static uint32_t wasi_clock_time_get(wasm_caller *c, wasi_ctx *x,
				    const wasm_val *a)
{
	uint8_t *out = wasi_mem(c, a[2].i32, 8);
	uint64_t t;

	if (!wasi_clock_now(x, a[0].i32, &t))
		return WASI_EINVAL;
	if (out == NULL)
		return WASI_EFAULT;
	wasi_put_u64(out, t);
	return WASI_ESUCCESS;
}

/* clock_res_get(id, res_ptr). */
static uint32_t wasi_clock_res_get(wasm_caller *c, wasi_ctx *x,
				   const wasm_val *a)
{
	uint8_t *out = wasi_mem(c, a[1].i32, 8);
	uint64_t t;

	if (!wasi_clock_now(x, a[0].i32, &t))
		return WASI_EINVAL;
	if (out == NULL)
		return WASI_EFAULT;
	wasi_put_u64(out, hal_clock_resolution_ns());
	return WASI_ESUCCESS;
}

/* random_get(buf, len). */
static uint32_t wasi_random_get(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	uint8_t *buf = wasi_mem(c, a[0].i32, a[1].i32);

	if (buf == NULL)
		return WASI_EFAULT;
	return hal_random(buf, a[1].i32) ? WASI_ESUCCESS : WASI_EIO;
}

static uint32_t wasi_sched_yield(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	return WASI_ESUCCESS;
}

/* fd_filestat_get(fd, buf): a 64-byte filestat; the streams are
 * character devices with nothing else known. */
static uint32_t wasi_fd_filestat_get(wasm_caller *c, wasi_ctx *x,
				     const wasm_val *a)
{
	uint8_t *st;

	if (!wasi_fd_ok(x, a[0].i32))
		return WASI_EBADF;
	if ((st = wasi_mem(c, a[1].i32, 64)) == NULL)
		return WASI_EFAULT;
	memset(st, 0, 64);
	st[16] = WASI_FILETYPE_CHARACTER_DEVICE;
	return WASI_ESUCCESS;
}

typedef uint32_t (*wasi_impl)(wasm_caller *c, wasi_ctx *x, const wasm_val *a);

/*
 * The functions. Params are spelled i (i32) and I (i64); every function
 * returns an i32 errno except proc_exit. A stub (impl NULL) does nothing:
 * it gives EBADF unless its param fd_arg names an open standard stream,
 * and then std_err (fd_arg NOFD: always std_err). With no descriptors
 * beyond the streams and no preopens, that is the honest answer, and it
 * lets programs that merely mention files (fopen, remove) link and run.
 */
#define NOFD 0xff
enum { WASI_IMPL, WASI_STUB, WASI_EXIT };
static const struct wasi_def {
	const char *name;
	const char *params;
	uint8_t how;
	wasi_impl impl;
	uint8_t fd_arg;
	uint8_t std_err;
} wasi_defs[] = {
	{"args_get", "ii", WASI_IMPL, wasi_args_get, 0, 0},
	{"args_sizes_get", "ii", WASI_IMPL, wasi_args_sizes_get, 0, 0},
	{"environ_get", "ii", WASI_IMPL, wasi_environ_get, 0, 0},
	{"environ_sizes_get", "ii", WASI_IMPL, wasi_environ_sizes_get, 0, 0},
	{"fd_read", "iiii", WASI_IMPL, wasi_fd_read, 0, 0},
	{"fd_write", "iiii", WASI_IMPL, wasi_fd_write, 0, 0},
	{"fd_close", "i", WASI_IMPL, wasi_fd_close, 0, 0},
	{"fd_fdstat_get", "ii", WASI_IMPL, wasi_fd_fdstat_get, 0, 0},
	{"fd_fdstat_set_flags", "ii", WASI_IMPL, wasi_fd_fdstat_set_flags, 0,
	 0},
	{"fd_filestat_get", "ii", WASI_IMPL, wasi_fd_filestat_get, 0, 0},
	{"fd_seek", "iIii", WASI_IMPL, wasi_fd_seek, 0, 0},
	{"fd_prestat_get", "ii", WASI_IMPL, wasi_no_prestat, 0, 0},
	{"fd_prestat_dir_name", "iii", WASI_IMPL, wasi_no_prestat, 0, 0},
	{"clock_time_get", "iIi", WASI_IMPL, wasi_clock_time_get, 0, 0},
	{"clock_res_get", "ii", WASI_IMPL, wasi_clock_res_get, 0, 0},
	{"random_get", "ii", WASI_IMPL, wasi_random_get, 0, 0},
	{"sched_yield", "", WASI_IMPL, wasi_sched_yield, 0, 0},
	{"proc_exit", "i", WASI_EXIT, NULL, 0, 0},
	{"fd_advise", "iIIi", WASI_STUB, NULL, 0, WASI_ESPIPE},
	{"fd_allocate", "iII", WASI_STUB, NULL, 0, WASI_ESPIPE},
	{"fd_datasync", "i", WASI_STUB, NULL, 0, WASI_EINVAL},
	{"fd_sync", "i", WASI_STUB, NULL, 0, WASI_EINVAL},
	{"fd_fdstat_set_rights", "iII", WASI_STUB, NULL, 0, WASI_ENOTSUP},
	{"fd_filestat_set_size", "iI", WASI_STUB, NULL, 0, WASI_EINVAL},
	{"fd_filestat_set_times", "iIIi", WASI_STUB, NULL, 0, WASI_ENOTSUP},
	{"fd_pread", "iiiIi", WASI_STUB, NULL, 0, WASI_ESPIPE},
	{"fd_pwrite", "iiiIi", WASI_STUB, NULL, 0, WASI_ESPIPE},
	{"fd_readdir", "iiiIi", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"fd_renumber", "ii", WASI_STUB, NULL, 0, WASI_ENOTSUP},
	{"fd_tell", "ii", WASI_STUB, NULL, 0, WASI_ESPIPE},
	{"path_create_directory", "iii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"path_filestat_get", "iiiii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"path_filestat_set_times", "iiiiIIi", WASI_STUB, NULL, 0,
	 WASI_ENOTDIR},
	{"path_link", "iiiiiii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"path_open", "iiiiiIIii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"path_readlink", "iiiiii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"path_remove_directory", "iii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"path_rename", "iiiiii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"path_symlink", "iiiii", WASI_STUB, NULL, 2, WASI_ENOTDIR},
	{"path_unlink_file", "iii", WASI_STUB, NULL, 0, WASI_ENOTDIR},
	{"poll_oneoff", "iiii", WASI_STUB, NULL, NOFD, WASI_ENOSYS},
	{"proc_raise", "i", WASI_STUB, NULL, NOFD, WASI_ENOSYS},
	{"sock_accept", "iii", WASI_STUB, NULL, 0, WASI_ENOTSOCK},
	{"sock_recv", "iiiiii", WASI_STUB, NULL, 0, WASI_ENOTSOCK},
	{"sock_send", "iiiii", WASI_STUB, NULL, 0, WASI_ENOTSOCK},
	{"sock_shutdown", "ii", WASI_STUB, NULL, 0, WASI_ENOTSOCK},
};
#define WASI_NDEFS (sizeof wasi_defs / sizeof wasi_defs[0])
#define WASI_MAXPARAMS 9
_Static_assert(WASI_NDEFS <= WASI_NFUNCS, "raise WASI_NFUNCS");

/* The host entry point of every function but proc_exit; env is its
 * wasi_slot. Results are one i32 errno. */
static bool wasi_call(wasm_caller *c, void *env, const wasm_val *args,
		      wasm_val *results)
{
	struct wasi_slot *slot = env;
	const struct wasi_def *d = &wasi_defs[slot->index];

	if (d->impl != NULL)
		results[0].i32 = d->impl(c, slot->ctx, args);
	else if (d->fd_arg == NOFD ||
		 wasi_fd_ok(slot->ctx, args[d->fd_arg].i32))
		results[0].i32 = d->std_err;
	else
		results[0].i32 = WASI_EBADF;
	return true;
}

static bool wasi_proc_exit(wasm_caller *c, void *env, const wasm_val *args,
			   wasm_val *results)
{
	wasm_caller_exit(c, (int)args[0].i32);
	return false;
}

/* The function type of wasi_defs[i], built from its params string on
 * first use (static storage: the same for every store). */
static const wasm_functype *wasi_type(unsigned i)
{
	static const uint8_t result[1] = {WASM_I32};
	static uint8_t params[WASI_NDEFS][WASI_MAXPARAMS];
	static wasm_functype types[WASI_NDEFS];
	const char *p = wasi_defs[i].params;
	uint32_t n;

	for (n = 0; p[n] && n < WASI_MAXPARAMS; n++)
		params[i][n] = p[n] == 'I' ? WASM_I64 : WASM_I32;
	types[i].nparams = n;
	types[i].params = params[i];
	types[i].nresults = wasi_defs[i].how == WASI_EXIT ? 0 : 1;
	types[i].results = result;
	return &types[i];
}

/* Finds the named WASI function, making its host function in the store
 * on first use; later imports of the same name share it. */
bool wasi_resolve(void *ctx, const char *module, const char *name,
		  enum wasm_extern_kind kind, wasm_extern *out)
{
	wasi_ctx *x = ctx;
	struct wasi_slot *slot;
	unsigned i;

	if (strcmp(module, WASI_MODULE) != 0 || kind != WASM_EXTERN_FUNC)
		return false;
	for (i = 0; i < WASI_NDEFS; i++)
		if (strcmp(name, wasi_defs[i].name) == 0)
			break;
	if (i == WASI_NDEFS)
		return false;
	slot = &x->slots[i];
	if (slot->func == NULL) {
		slot->ctx = x;
		slot->index = i;
		slot->func = wasm_func_new_host(x->store, wasi_type(i),
						wasi_defs[i].how == WASI_EXIT
							? wasi_proc_exit
							: wasi_call,
						slot);
		if (slot->func == NULL)
			return false;
	}
	out->kind = WASM_EXTERN_FUNC;
	out->of.func = slot->func;
	return true;
}
