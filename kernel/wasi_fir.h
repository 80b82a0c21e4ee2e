/*
 * wasi_fir.h: the kernel's WASI backend (wasi_fs.h) over the
 * firmament's FileSystem service (firmament/filesystem.fir), for
 * processes on bare metal: a process created with a FileSystem channel
 * (process_create_wasi) gets its files through it, each open file or
 * directory a File channel of its own. Its handles index a table of the
 * backend's; every call blocks the calling thread in the scheduler
 * until the service replies (kernel/firport.c), and a killed process
 * stops waiting (EIO). Listening sockets the launcher made with the
 * network service are preopened too, their connections served over
 * Socket (kernel/wasi_sock.c).
 */
#ifndef KERNEL_WASI_FIR_H
#define KERNEL_WASI_FIR_H

#include "firmament/filesystem_wire.h"
#include "firmament/socket_wire.h"
#include "kernel/firport.h"
#include "kernel/wasi.h"

struct channel;
struct process;
struct wasi_fir;

/*
 * A backend with preopens[0..len): NUL-terminated pairs GUEST, PATH
 * (the guest's name, then the directory's path in the file system; or
 * PATH "#N": a listening socket, the process's startup handles N, its
 * Socket channel, and N + 1, its ready event, firmament/socket.fir,
 * GUEST naming it in messages), checked by wasi_fir_check. NULL when
 * out of memory. Its FileSystem channel, if it has directories,
 * follows with wasi_fir_set_fs (the reference moves in).
 */
struct wasi_fir *wasi_fir_new(const char *preopens, uint32_t len);
void wasi_fir_set_fs(struct wasi_fir *b, struct channel *fs);
/* Whether preopens[0..len) is a block wasi_fir_new takes: complete
 * pairs of NUL-terminated strings, neither empty, at most 16 pairs, a
 * PATH starting with '#' a socket's "#N" (N + 1 < 64). */
bool wasi_fir_check(const char *preopens, uint32_t len);
/* In p's own thread, before instantiation: makes b x's backend and opens
 * its preopens (descriptors 3, 4, ...). False after a message on stderr
 * when one cannot be opened as a directory. */
bool wasi_fir_attach(struct wasi_fir *b, struct process *p, wasi_ctx *x);
/* Closes what b holds (after wasi_ctx_free) and frees it; NULL is
 * nothing. */
void wasi_fir_free(struct wasi_fir *b);

/*
 * A request of the backend (wasi_fir.c's and wasi_sock.c's): begin
 * (the txid, the encoder over buf), encode into k->e, send: NB_OK with
 * k->d positioned at the reply's fields (decode them, then end, which
 * frees the reply; ok false makes it EIO), or the reply's status (the
 * service's, a fir error), NB_ERR_PEER_CLOSED without a reply (the
 * service gone), NB_ERR_BAD_STATE when the process is being killed:
 * nothing to end then. One request at a time per backend: threads of a
 * process never take each other's replies.
 */
#define WF_CALL_MAX                                                            \
	(FILE_pwrite_REQ_BYTES > SOCKET_send_REQ_BYTES                         \
		 ? FILE_pwrite_REQ_BYTES                                       \
		 : SOCKET_send_REQ_BYTES)
struct wasi_fir_call {
	uint8_t buf[WF_CALL_MAX > FILE_SYSTEM_rename_REQ_BYTES
			    ? WF_CALL_MAX
			    : FILE_SYSTEM_rename_REQ_BYTES];
	fir_enc e;
	uint32_t txid;
	struct kmsg *m;
	struct firport fp;
	fir_dec d;
};
void wasi_fir_begin(struct wasi_fir *b, struct wasi_fir_call *k);
int32_t wasi_fir_send(struct wasi_fir *b, struct channel *c,
		      struct wasi_fir_call *k, uint32_t ordinal);
uint32_t wasi_fir_end(struct wasi_fir_call *k, bool ok);
/*
 * A transfer of iov[0..n) in pieces of at most chunk bytes, each by
 * one(arg, buf, len, at: the bytes done before it, &got): a short piece
 * (the end of a file, a full send buffer) ends the transfer, an error
 * too. The bytes done, or the first error when there are none.
 */
typedef uint32_t (*wasi_fir_piece)(void *arg, uint8_t *buf, uint32_t len,
				   uint32_t at, uint32_t *got);
uint32_t wasi_fir_chunks(const struct wasi_iov *iov, uint32_t n, uint32_t chunk,
			 wasi_fir_piece one, void *arg, uint32_t *done);

#endif
