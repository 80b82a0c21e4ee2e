/*
 * wasi.c: WASI preview 1 host functions (see wasi.h): the context, the
 * table of functions and their resolution, and the calls that need no
 * descriptor (args, environ, clocks, random, proc_exit, proc_raise).
 * Descriptors are wasi_fd.c's, paths wasi_path.c's, waiting and sockets
 * wasi_poll.c's.
 *
 * Every pointer a program passes is an offset into its linear memory 0;
 * wasi_mem() checks each [ptr, ptr+len) against the memory's size in
 * 64-bit arithmetic (no overflow) before any byte is touched, and a bad
 * range gives EFAULT. All ranges of a call are checked before the call
 * has any effect, so a call that fails did nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "kernel/object.h"
#include "kernel/wasi_impl.h"

/* Clock ids. */
enum {
	WASI_CLOCK_REALTIME,
	WASI_CLOCK_MONOTONIC,
	WASI_CLOCK_PROCESS_CPUTIME,
	WASI_CLOCK_THREAD_CPUTIME,
};

bool wasi_ctx_init(wasi_ctx *ctx, wasm_store *store, int argc,
		   char *const *argv, int envc, char *const *envp)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->store = store;
	ctx->argc = argc;
	ctx->argv = argv;
	ctx->envc = envc;
	ctx->envp = envp;
	ctx->start_ns = hal_clock_monotonic_ns();
	for (int32_t fd = 0; fd < 3; fd++)
		if (wasi_fd_add(ctx, WASI_KIND_STREAM,
				WASI_FILETYPE_CHARACTER_DEVICE, fd,
				(fd == 0 ? WASI_R(WR_FD_READ)
					 : WASI_R(WR_FD_WRITE)) |
					WASI_R(WR_POLL_FD_READWRITE) |
					WASI_R(WR_FD_FILESTAT_GET) |
					WASI_R(WR_FD_FDSTAT_SET_FLAGS),
				0, 0) != fd)
			return false;
	return true;
}

void wasi_ctx_set_fs(wasi_ctx *ctx, const struct wasi_fs_ops *fs, void *arg)
{
	ctx->fs = fs;
	ctx->fs_arg = arg;
}

uint8_t *wasi_mem(wasm_caller *c, uint32_t ptr, uint64_t len)
{
	wasm_memory *mem = wasm_caller_memory(c);

	if (mem == NULL || (uint64_t)ptr + len > wasm_memory_size(mem))
		return NULL;
	return wasm_memory_data(mem) + ptr;
}

uint32_t wasi_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint64_t wasi_get_u64(const uint8_t *p)
{
	return wasi_get_u32(p) | (uint64_t)wasi_get_u32(p + 4) << 32;
}

void wasi_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void wasi_put_u32(uint8_t *p, uint32_t v)
{
	wasi_put_u16(p, (uint16_t)v);
	wasi_put_u16(p + 2, (uint16_t)(v >> 16));
}

void wasi_put_u64(uint8_t *p, uint64_t v)
{
	wasi_put_u32(p, (uint32_t)v);
	wasi_put_u32(p + 4, (uint32_t)(v >> 32));
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
bool wasi_clock_now(const wasi_ctx *x, uint32_t id, uint64_t *t)
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

/*
 * proc_raise(sig): there is no signal handling in a wasm program, so a
 * signal does what its default action would: 0 checks nothing and
 * succeeds; one that terminates (HUP, INT, QUIT, ILL, TRAP, ABRT, BUS,
 * FPE, KILL, USR1, SEGV, USR2, PIPE, ALRM, TERM, XCPU, XFSZ, VTALRM,
 * PROF, POLL, PWR, SYS) ends the program with status 128 + sig, as a
 * shell reports a process killed by it; one ignored by default (CHLD,
 * CONT, URG, WINCH) and the stop signals (STOP, TSTP, TTIN, TTOU: no job
 * control) succeed and do nothing; any other number is EINVAL.
 */
static uint32_t wasi_proc_raise(wasm_caller *c, wasi_ctx *x, const wasm_val *a)
{
	/* WASI signal numbers 16..22 and 27: ignored or stopping. */
	const uint32_t harmless = 0x7f0000u | 1u << 27;
	uint32_t sig = a[0].i32;

	if (sig > 30)
		return WASI_EINVAL;
	if (sig == 0 || (harmless >> sig & 1))
		return WASI_ESUCCESS;
	wasm_caller_exit(c, (int)(128 + sig));
	return WASI_TRAPPED;
}

/*
 * The functions. Params are spelled i (i32) and I (i64); every function
 * returns an i32 errno except proc_exit.
 */
#define D(name, params)                                                        \
	{                                                                      \
#name, params, wasi_##name                                     \
	}
static const struct wasi_def {
	const char *name;
	const char *params;
	wasi_impl impl; /* NULL: proc_exit */
} wasi_defs[] = {
	D(args_get, "ii"),
	D(args_sizes_get, "ii"),
	D(environ_get, "ii"),
	D(environ_sizes_get, "ii"),
	D(fd_read, "iiii"),
	D(fd_write, "iiii"),
	D(fd_close, "i"),
	D(fd_fdstat_get, "ii"),
	D(fd_fdstat_set_flags, "ii"),
	D(fd_filestat_get, "ii"),
	D(fd_seek, "iIii"),
	D(fd_prestat_get, "ii"),
	D(fd_prestat_dir_name, "iii"),
	D(clock_time_get, "iIi"),
	D(clock_res_get, "ii"),
	D(random_get, "ii"),
	D(sched_yield, ""),
	{"proc_exit", "i", NULL},
	D(fd_advise, "iIIi"),
	D(fd_allocate, "iII"),
	D(fd_datasync, "i"),
	D(fd_sync, "i"),
	D(fd_fdstat_set_rights, "iII"),
	D(fd_filestat_set_size, "iI"),
	D(fd_filestat_set_times, "iIIi"),
	D(fd_pread, "iiiIi"),
	D(fd_pwrite, "iiiIi"),
	D(fd_readdir, "iiiIi"),
	D(fd_renumber, "ii"),
	D(fd_tell, "ii"),
	D(path_create_directory, "iii"),
	D(path_filestat_get, "iiiii"),
	D(path_filestat_set_times, "iiiiIIi"),
	D(path_link, "iiiiiii"),
	D(path_open, "iiiiiIIii"),
	D(path_readlink, "iiiiii"),
	D(path_remove_directory, "iii"),
	D(path_rename, "iiiiii"),
	D(path_symlink, "iiiii"),
	D(path_unlink_file, "iii"),
	D(poll_oneoff, "iiii"),
	D(proc_raise, "i"),
	D(sock_accept, "iii"),
	D(sock_recv, "iiiiii"),
	D(sock_send, "iiiii"),
	D(sock_shutdown, "ii"),
};
#undef D
#define WASI_NDEFS (sizeof wasi_defs / sizeof wasi_defs[0])
#define WASI_MAXPARAMS 9
_Static_assert(WASI_NDEFS <= WASI_NFUNCS, "raise WASI_NFUNCS");

/* The host entry point of every function but proc_exit; env is its
 * wasi_slot. Results are one i32 errno. */
static bool wasi_call(wasm_caller *c, void *env, const wasm_val *args,
		      wasm_val *results)
{
	struct wasi_slot *slot = env;
	klock_enter(); /* called from wasm code (kernel/klock.c) */
	uint32_t r = wasi_defs[slot->index].impl(c, slot->ctx, args);
	klock_exit();

	if (r == WASI_TRAPPED)
		return false;
	results[0].i32 = r;
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
	types[i].nresults = wasi_defs[i].impl == NULL ? 0 : 1;
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
		slot->func = wasm_func_new_host(
			x->store, wasi_type(i),
			wasi_defs[i].impl == NULL ? wasi_proc_exit : wasi_call,
			slot);
		if (slot->func == NULL)
			return false;
	}
	out->kind = WASM_EXTERN_FUNC;
	out->of.func = slot->func;
	return true;
}
