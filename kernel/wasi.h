/*
 * wasi.h: WASI preview 1 ("wasi_snapshot_preview1") host functions for
 * wasm32-wasi programs, built on the nucleus's host-function API and the
 * HAL (console, clocks, random). Descriptors live in a table per context,
 * each with its rights; files, directories and sockets go through the
 * backend of wasi_fs.h, if the context was given one (hosted `nebulet
 * run` gives the host's), else only the standard streams exist.
 *
 * Use: wasi_ctx_init(), optionally wasi_ctx_set_fs() and preopens, then
 * pass wasi_resolve with the context to wasm_instantiate(); finally
 * wasi_ctx_free(). Imports this file does not provide stay unresolved,
 * so instantiation fails with a link error naming module.field.
 */
#ifndef KERNEL_WASI_H
#define KERNEL_WASI_H

#include "kernel/wasi_fs.h"
#include "nucleus/nucleus.h"

#define WASI_MODULE "wasi_snapshot_preview1"
#define WASI_NFUNCS 48	  /* size of the per-context function cache */
#define WASI_MAX_FDS 1024 /* descriptors per context (EMFILE past it) */

/* One function made for a context: the host function's env. */
struct wasi_slot {
	struct wasi_ctx *ctx;
	unsigned index;	 /* into wasi.c's table of functions */
	wasm_func *func; /* NULL until first resolved */
};

/* One descriptor (wasi_fd.c); kind 0 is a free slot. */
struct wasi_fd {
	uint8_t kind;	/* WASI_KIND_* of wasi_impl.h */
	uint8_t type;	/* WASI filetype */
	uint16_t flags; /* WASI fdflags */
	int32_t h;	/* the backend's handle (a stream: 0, 1, 2) */
	uint64_t base, inheriting; /* rights */
	char *preopen;		   /* a preopened directory's name */
};

typedef struct wasi_ctx {
	wasm_store *store;
	int argc;
	char *const *argv; /* argv[0] is the program's name */
	int envc;
	char *const *envp; /* "NAME=value" strings */
	uint64_t start_ns; /* monotonic time at init (CPU-time clocks) */
	/* If set, fds 1 and 2 go through out (not hal_console_write): it
	 * returns the bytes acknowledged, or -1 (EIO; later writes fail). */
	long (*out)(void *arg, const uint8_t *bytes, uint32_t len);
	void *out_arg;
	bool out_broken;
	/* The backend of files and sockets, or NULL. */
	const struct wasi_fs_ops *fs;
	void *fs_arg;
	/* Blocks the caller until monotonic time deadline_ns (or earlier);
	 * false if the program is being killed (the call then traps). The
	 * kernel blocks the thread in its scheduler; NULL: the HAL's clock
	 * is polled with hal_idle. */
	bool (*block)(void *arg, uint64_t deadline_ns);
	/* Lets other threads run (sched_yield); false as block. */
	bool (*yield)(void *arg);
	void *sched_arg;
	struct wasi_fd *fds;
	uint32_t nfds; /* slots in fds */
	struct wasi_slot slots[WASI_NFUNCS];
} wasi_ctx;

/* Fills ctx for one program: the standard streams 0, 1, 2 open. The
 * strings must outlive the context. False if out of memory. */
bool wasi_ctx_init(wasi_ctx *ctx, wasm_store *store, int argc,
		   char *const *argv, int envc, char *const *envp);
/* Closes every descriptor (through the backend) and frees the table. */
void wasi_ctx_free(wasi_ctx *ctx);
void wasi_ctx_set_fs(wasi_ctx *ctx, const struct wasi_fs_ops *fs, void *arg);
/* Adds the backend's directory h as a preopen named guest (copied):
 * the next descriptor, 3 and up in order. Returns the descriptor or -1
 * (out of memory, table full). The context owns h from then on. */
int wasi_ctx_preopen(wasi_ctx *ctx, const char *guest, int32_t h);
/* Adds the backend's listening socket h (owned from then on). */
int wasi_ctx_add_socket(wasi_ctx *ctx, int32_t h);

/* A wasm_resolve_fn: ctx is a wasi_ctx. Resolves the WASI functions of
 * module WASI_MODULE; false for anything else. */
bool wasi_resolve(void *ctx, const char *module, const char *name,
		  enum wasm_extern_kind kind, wasm_extern *out);

#endif
