/*
 * svc.h: what firmament programs share (user/firmament/): the Directory
 * channel every program started by init holds as startup handle 0, a
 * lookup that waits out a restarting service, arguments from startup
 * handle 1, and the serving loop of a service or driver.
 */
#ifndef SVC_H
#define SVC_H

#include "directory.h"

/* The signature of firc's X_dispatch_any: interface X's dispatcher
 * taking its ops table (a const struct X_ops *) untyped. */
typedef nb_status (*svc_dispatch_fn)(const void *ops, void *ctx, nb_handle ch,
				     const uint8_t *msg, uint32_t n,
				     nb_handle *h, uint32_t nh);

/* This program's Directory channel (startup handle 0, taken once). */
nb_handle svc_directory(void);
/* Looks `name` up, retrying while it is FIR_ERR_UNAVAILABLE (a service
 * being restarted) for up to 10 s; *out gets the channel. */
nb_status svc_connect(const char *name, nb_handle *out);
/* FileSystem.open of path on fs (flags and rights as in
 * firmament/filesystem.fir); *file gets the File channel.
 * FS_STATUS_NAME_TOO_LONG if path does not fit the request. */
nb_status svc_open(nb_handle fs, const char *path, uint32_t flags,
		   uint32_t rights, nb_handle *file);
/* Waits for process proc to end, stores its exit code in *code (left
 * as is when it cannot be read) and closes proc. Returns the status of
 * reading the code. */
nb_status svc_wait_exit(nb_handle proc, int32_t *code);
/* True while channel h is open and its peer still there (a client
 * that left shows PEER_CLOSED). */
int svc_peer_open(nb_handle h);
/* Sleeps ns nanoseconds. */
void svc_sleep(nb_time ns);
/* The arguments init sent through startup handle 1; argv[0] is name0.
 * Returns argc (1 when there were none). */
int svc_args(const char *name0, char ***argv);
/* One more object a server waits on (a driver's interrupt): when h
 * shows any of signals, fn(ctx) runs before the ready channels. */
struct svc_extra {
	nb_handle h;
	nb_signals signals;
	void (*fn)(void *ctx);
};
/* Serves the clients that arrive as Listener.connect on listener, their
 * messages through fn(ops, ctx, ...) (e.g. console_dispatch_any and a
 * struct console_ops), and extra (may be NULL), until the listener and
 * every client are closed (NB_ERR_PEER_CLOSED); other statuses are
 * errors. At most 62 clients at once; one more is closed at once. */
nb_status svc_serve_on(nb_handle listener, svc_dispatch_fn fn, const void *ops,
		       void *ctx, const struct svc_extra *extra);
/* Publishes this service as `name`: a new listener pair, one end given
 * to the Directory, the other (to serve) in *listener. */
nb_status svc_publish(const char *name, nb_handle *listener);
/* Publishes this service as `name` with a new listener and serves it
 * (svc_serve_on). */
nb_status svc_serve(const char *name, svc_dispatch_fn fn, const void *ops,
		    void *ctx);
/* In a handler svc_serve_on called: the channel of the client whose
 * message it serves (NB_HANDLE_INVALID elsewhere). */
nb_handle svc_client(void);

#endif
