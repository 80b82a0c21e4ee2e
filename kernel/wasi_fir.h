/*
 * wasi_fir.h: the kernel's WASI backend (wasi_fs.h) over the
 * firmament's FileSystem service (firmament/filesystem.fir), for
 * processes on bare metal: a process created with a FileSystem channel
 * (process_create_wasi) gets its files through it, each open file or
 * directory a File channel of its own. Its handles index a table of the
 * backend's; every call blocks the calling thread in the scheduler
 * until the service replies (kernel/firport.c), and a killed process
 * stops waiting (EIO).
 */
#ifndef KERNEL_WASI_FIR_H
#define KERNEL_WASI_FIR_H

#include "kernel/wasi.h"

struct channel;
struct process;
struct wasi_fir;

/*
 * A backend with preopens[0..len): NUL-terminated pairs GUEST, PATH
 * (the guest's name, then the directory's path in the file system),
 * checked by wasi_fir_check. NULL when out of memory. Its FileSystem
 * channel follows with wasi_fir_set_fs (the reference moves in).
 */
struct wasi_fir *wasi_fir_new(const char *preopens, uint32_t len);
void wasi_fir_set_fs(struct wasi_fir *b, struct channel *fs);
/* Whether preopens[0..len) is a block wasi_fir_new takes: complete
 * pairs of NUL-terminated strings, neither empty, at most 16 pairs. */
bool wasi_fir_check(const char *preopens, uint32_t len);
/* In p's own thread, before instantiation: makes b x's backend and opens
 * its preopens (descriptors 3, 4, ...). False after a message on stderr
 * when one cannot be opened as a directory. */
bool wasi_fir_attach(struct wasi_fir *b, struct process *p, wasi_ctx *x);
/* Closes what b holds (after wasi_ctx_free) and frees it; NULL is
 * nothing. */
void wasi_fir_free(struct wasi_fir *b);

#endif
