/*
 * wasi.h: WASI preview 1 ("wasi_snapshot_preview1") host functions for
 * wasm32-wasi programs, built on the nucleus's host-function API and the
 * HAL (console, clocks, random). No file system: the standard streams
 * are the only descriptors and there are no preopened directories.
 *
 * Use: wasi_ctx_init(), then pass wasi_resolve with the context to
 * wasm_instantiate(). Imports this file does not provide stay unresolved,
 * so instantiation fails with a link error naming module.field.
 */
#ifndef KERNEL_WASI_H
#define KERNEL_WASI_H

#include "nucleus/nucleus.h"

#define WASI_MODULE "wasi_snapshot_preview1"
#define WASI_NFUNCS 48 /* size of the per-context function cache */

/* WASI errno values used here (preview 1 numbering). */
enum wasi_errno {
	WASI_ESUCCESS = 0,
	WASI_EBADF = 8,
	WASI_EFAULT = 21,
	WASI_EINVAL = 28,
	WASI_EIO = 29,
	WASI_ENOSYS = 52,
	WASI_ENOTDIR = 54,
	WASI_ENOTSOCK = 57,
	WASI_ENOTSUP = 58,
	WASI_ESPIPE = 70,
};

/* One function made for a context: the host function's env. */
struct wasi_slot {
	struct wasi_ctx *ctx;
	unsigned index;	 /* into wasi.c's table of functions */
	wasm_func *func; /* NULL until first resolved */
};

typedef struct wasi_ctx {
	wasm_store *store;
	int argc;
	char *const *argv; /* argv[0] is the program's name */
	int envc;
	char *const *envp; /* "NAME=value" strings */
	bool closed[3];	   /* standard streams closed by fd_close */
	uint64_t start_ns; /* monotonic time at init (CPU-time clocks) */
	/* If set, fds 1 and 2 go through out (not hal_console_write): it
	 * returns the bytes acknowledged, or -1 (EIO; later writes fail). */
	long (*out)(void *arg, const uint8_t *bytes, uint32_t len);
	void *out_arg;
	bool out_broken;
	struct wasi_slot slots[WASI_NFUNCS];
} wasi_ctx;

/* Fills ctx for one program. The strings must outlive the context. */
void wasi_ctx_init(wasi_ctx *ctx, wasm_store *store, int argc,
		   char *const *argv, int envc, char *const *envp);

/* A wasm_resolve_fn: ctx is a wasi_ctx. Resolves the WASI functions of
 * module WASI_MODULE; false for anything else. */
bool wasi_resolve(void *ctx, const char *module, const char *name,
		  enum wasm_extern_kind kind, wasm_extern *out);

#endif
