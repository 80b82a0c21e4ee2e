/*
 * nebulet.h: the Nebulet kernel's calls, for wasm programs (the SDK). Each
 * call is a wasm import of module "nebulet". Every pointer is an offset
 * into the caller's linear memory and is checked; every failure is a
 * negative status and has no effect. The kernel (kernel/) includes this
 * header too, for the status codes, rights, signals and limits.
 *
 * Handles name kernel objects: a handle value is only meaningful in the
 * process that holds it, and carries rights that limit what it can do.
 *
 * A call checks, in this order, and returns the first failure: counts and
 * flags (NB_ERR_INVALID_ARGS), pointers (NB_ERR_FAULT; optional pointers
 * may be NULL), handles (BAD_HANDLE, then WRONG_TYPE, then ACCESS_DENIED),
 * then the object's state (PEER_CLOSED, SHOULD_WAIT, ...).
 */
#ifndef NEBULET_SDK_H
#define NEBULET_SDK_H

#include <stdint.h>

typedef int32_t nb_status;
typedef uint32_t nb_handle;
typedef uint32_t nb_signals;
typedef uint32_t nb_rights;
typedef int64_t nb_time; /* monotonic nanoseconds */

#define NB_HANDLE_INVALID 0u
#define NB_TIME_INFINITE INT64_MAX

/* Status codes. */
#define NB_OK 0
#define NB_ERR_BAD_HANDLE (-1)	      /* not a live handle of this process */
#define NB_ERR_WRONG_TYPE (-2)	      /* the object cannot do that */
#define NB_ERR_ACCESS_DENIED (-3)     /* the handle lacks a right */
#define NB_ERR_INVALID_ARGS (-4)      /* a bad flag, count or value */
#define NB_ERR_FAULT (-5)	      /* a pointer outside linear memory */
#define NB_ERR_NO_MEMORY (-6)	      /* the kernel is out of memory */
#define NB_ERR_NO_RESOURCES (-7)      /* the handle table is full */
#define NB_ERR_SHOULD_WAIT (-8)	      /* queue empty (read) or full (write) */
#define NB_ERR_PEER_CLOSED (-9)	      /* the other end is gone */
#define NB_ERR_TIMED_OUT (-10)	      /* the deadline passed */
#define NB_ERR_BUFFER_TOO_SMALL (-11) /* the message did not fit */
#define NB_ERR_BAD_IMAGE (-12)	      /* not a valid wasm module */
#define NB_ERR_BAD_STATE (-13)	      /* e.g. status of a running process */

/* Rights. */
#define NB_RIGHT_DUPLICATE (1u << 0)
#define NB_RIGHT_TRANSFER (1u << 1)
#define NB_RIGHT_READ (1u << 2)
#define NB_RIGHT_WRITE (1u << 3)
#define NB_RIGHT_SIGNAL (1u << 4) /* object_signal */
#define NB_RIGHT_WAIT (1u << 5)	  /* object_wait_* */
#define NB_RIGHT_KILL (1u << 6)	  /* process_kill */
#define NB_RIGHTS_ALL 0x7fu
#define NB_RIGHT_SAME_RIGHTS 0x80000000u /* duplicate/replace: keep them */

/* Signals. */
#define NB_SIGNAL_READABLE (1u << 0)	/* channel: a message is queued */
#define NB_SIGNAL_PEER_CLOSED (1u << 1) /* channel: the other end closed */
#define NB_SIGNAL_TERMINATED (1u << 2)	/* process: it has ended */
#define NB_SIGNAL_SIGNALED (1u << 3)	/* event: set by object_signal */
#define NB_SIGNAL_USER0 (1u << 24)	/* user signals 0..7 (events) */
#define NB_SIGNAL_USER_ALL 0xff000000u

/* Limits. */
#define NB_HANDLES_MAX 1024	    /* per process */
#define NB_CHANNEL_MAX_BYTES 65536u /* per message */
#define NB_CHANNEL_MAX_HANDLES 64u  /* per message */
#define NB_CHANNEL_QUEUE_MAX 64u    /* messages queued per end */
#define NB_WAIT_MANY_MAX 64u	    /* items per object_wait_many */

/* channel_read flags. */
#define NB_CHANNEL_READ_WAIT 1u /* block until readable or peer closed */

/* Exit status of a process that trapped, or was killed. */
#define NB_EXIT_TRAP 134
#define NB_EXIT_KILLED 137

/* One entry of object_wait_many: handle and signals to wait for in;
 * the signals pending out. */
typedef struct nb_wait_item {
	nb_handle handle;
	nb_signals waitfor;
	nb_signals pending;
} nb_wait_item;

#ifdef __wasm__
#define NB_IMPORT(name)                                                        \
	__attribute__((import_module("nebulet"), import_name(#name)))

/* Closes h; the object goes when its last handle does. */
NB_IMPORT(handle_close) nb_status nb_handle_close(nb_handle h);
/* A new handle to h's object with rights (a subset of h's, or
 * NB_RIGHT_SAME_RIGHTS); needs DUPLICATE. */
NB_IMPORT(handle_duplicate)
nb_status nb_handle_duplicate(nb_handle h, nb_rights rights, nb_handle *out);
/* Like duplicate, but h is closed (on success only); no right needed. */
NB_IMPORT(handle_replace)
nb_status nb_handle_replace(nb_handle h, nb_rights rights, nb_handle *out);

/* A channel pair: what is written to one end is read from the other. */
NB_IMPORT(channel_create)
nb_status nb_channel_create(nb_handle *out0, nb_handle *out1);
/* Queues a message; the handles (which need TRANSFER) leave this process.
 * NB_ERR_SHOULD_WAIT when the peer's queue is full. Needs WRITE. */
NB_IMPORT(channel_write)
nb_status nb_channel_write(nb_handle h, const void *bytes, uint32_t nbytes,
			   const nb_handle *handles, uint32_t nhandles);
/* Takes the first message (handles arrive in this process). Sizes are
 * written to *actual_bytes / *actual_handles (may be NULL), also when the
 * buffers are too small (then the message stays queued). Needs READ. */
NB_IMPORT(channel_read)
nb_status nb_channel_read(nb_handle h, uint32_t flags, void *bytes,
			  uint32_t bytes_cap, nb_handle *handles,
			  uint32_t handles_cap, uint32_t *actual_bytes,
			  uint32_t *actual_handles);

NB_IMPORT(event_create) nb_status nb_event_create(nb_handle *out);
/* Clears then sets user signals (SIGNALED, USER*). Needs SIGNAL. */
NB_IMPORT(object_signal)
nb_status nb_object_signal(nb_handle h, nb_signals clear, nb_signals set);
/* Waits until one of `signals` is pending or `deadline` passes
 * (NB_ERR_TIMED_OUT); *observed (may be NULL) gets the pending signals.
 * Needs WAIT. */
NB_IMPORT(object_wait_one)
nb_status nb_object_wait_one(nb_handle h, nb_signals signals, nb_time deadline,
			     nb_signals *observed);
/* The same over up to NB_WAIT_MANY_MAX handles: returns when any item's
 * signals are pending, with every item's pending signals filled in. */
NB_IMPORT(object_wait_many)
nb_status nb_object_wait_many(nb_wait_item *items, uint32_t count,
			      nb_time deadline);

/* Starts a process from a wasm image; the handles move to it and become
 * its startup handles 0..n-1. *out gets the process handle. */
NB_IMPORT(process_create)
nb_status nb_process_create(const void *image, uint32_t len,
			    const nb_handle *handles, uint32_t nhandles,
			    nb_handle *out);
/* Startup handle i of this process, or NB_HANDLE_INVALID. Each can be
 * taken once. */
NB_IMPORT(startup_handle) nb_handle nb_startup_handle(uint32_t i);
NB_IMPORT(process_exit) _Noreturn void nb_process_exit(int32_t code);
/* Ends the process (NB_EXIT_KILLED). Needs KILL. */
NB_IMPORT(process_kill) nb_status nb_process_kill(nb_handle h);
/* The exit status of an ended process (NB_ERR_BAD_STATE before). */
NB_IMPORT(process_status)
nb_status nb_process_status(nb_handle h, int32_t *code);
/* Lets other processes run. */
NB_IMPORT(yield) nb_status nb_yield(void);
NB_IMPORT(clock_monotonic) nb_time nb_clock_monotonic(void);
#endif

#endif
