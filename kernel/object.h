/*
 * object.h: the kernel's objects and the internal interfaces between its
 * files. Every object starts with a struct kobj: its type, a reference
 * count (one per handle, per message that carries it, per running thread
 * of a process), its signals and the threads waiting on them.
 *
 *   object.c   reference counts, signals, the wait primitive, events
 *   handle.c   per-process handle tables
 *   channel.c  channel pairs and their messages
 *   process.c  processes: a wasm instance, a handle table, one thread
 *   sched.c    kernel threads on HAL contexts, cooperative round robin
 *   syscall.c  the "nebulet" imports
 *
 * Status codes, rights, signals and limits are the SDK's (nebulet.h).
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal.h"
#include "kernel/wasi.h"
#include "nucleus/nucleus.h"
#include "user/include/nebulet.h"

enum kobj_type { KOBJ_CHANNEL = 1, KOBJ_EVENT, KOBJ_PROCESS };

struct kthread;

/* One thread waiting for signals on one object. */
struct waiter {
	struct kthread *thread;
	struct kobj *obj;
	nb_signals mask;
	struct waiter *next, *prev; /* the object's list */
};

struct kobj {
	enum kobj_type type;
	uint32_t refs;
	nb_signals signals;
	struct waiter *waiters;
};

/* A handle moving between processes (in a message, or at start). */
struct khandle {
	struct kobj *obj;
	nb_rights rights;
};

struct kmsg {
	struct kmsg *next;
	uint32_t nbytes, nhandles;
	struct khandle *handles; /* point into the same allocation */
	uint8_t *bytes;
};

struct channel {
	struct kobj o;
	struct channel *peer; /* NULL once the peer is destroyed */
	struct kmsg *head, *tail;
	uint32_t count; /* messages queued for this end to read */
};

struct event {
	struct kobj o;
};

struct hentry {
	struct kobj *obj; /* NULL: free */
	nb_rights rights;
	uint32_t gen;	    /* bumped at each close: stale values fail */
	uint32_t next_free; /* free list, by index */
};

struct htable {
	struct hentry e[NB_HANDLES_MAX];
	uint32_t free_head; /* NB_HANDLES_MAX: none */
	uint32_t count;
};

struct process {
	struct kobj o;
	uint32_t id;
	struct htable handles;
	wasm_module *module;
	wasm_store *store;
	wasi_ctx wasi;
	char name[32];
	struct khandle startup[NB_CHANNEL_MAX_HANDLES];
	uint32_t nstartup;
	bool killed;
	bool ended;
	int32_t exit_code;
	struct kthread *thread; /* NULL once it ended */
};

struct kthread {
	struct process *proc;
	hal_context *ctx;
	wasm_exec *exec;
	enum { KT_READY, KT_BLOCKED, KT_DEAD } state;
	struct kthread *next_ready;
	struct kthread *next_all, *prev_all;
	nb_time deadline; /* while blocked: when to wake; INFINITE */
	struct waiter waits[NB_WAIT_MANY_MAX];
};

/* object.c */
void kobj_init(struct kobj *o, enum kobj_type type);
void kobj_retain(struct kobj *o);
void kobj_release(struct kobj *o);
/* Clears then sets signals, waking threads that wait for a new one. */
void kobj_signal(struct kobj *o, nb_signals clear, nb_signals set);
/*
 * Blocks the running thread until some objs[i] has a signal of masks[i]
 * (NB_OK) or the deadline passes (NB_ERR_TIMED_OUT), or the process is
 * killed (NB_ERR_BAD_STATE). pending[i] gets each object's signals.
 */
nb_status kobj_wait(struct kobj **objs, const nb_signals *masks, uint32_t n,
		    nb_time deadline, nb_signals *pending);
struct event *event_create(void);
nb_time kernel_now(void);

/* handle.c */
void htable_init(struct htable *t);
/* Closes every handle. */
void htable_clear(struct htable *t);
uint32_t htable_room(const struct htable *t);
/* Adds a handle holding the caller's reference to obj (on success). */
nb_status htable_add(struct htable *t, struct kobj *obj, nb_rights rights,
		     nb_handle *out);
/*
 * Looks up h: BAD_HANDLE if not live, WRONG_TYPE if type is not 0 and
 * differs, ACCESS_DENIED if a right of `need` is missing. Borrowed.
 */
nb_status htable_get(struct htable *t, nb_handle h, enum kobj_type type,
		     nb_rights need, struct kobj **obj);
nb_status htable_rights(struct htable *t, nb_handle h, nb_rights *rights);
/* Removes h, handing its reference to the caller. */
nb_status htable_take(struct htable *t, nb_handle h, struct khandle *out);
nb_status htable_close(struct htable *t, nb_handle h);

/* channel.c */
nb_status channel_create(struct channel **a, struct channel **b);
/* Writing a message: whether c can take one now (PEER_CLOSED,
 * SHOULD_WAIT), a message with room for the bytes and handles (NULL: out
 * of memory) that the caller fills in, and queueing it for c's peer. */
nb_status channel_can_write(const struct channel *c);
struct kmsg *kmsg_alloc(uint32_t nbytes, uint32_t nhandles);
void channel_queue(struct channel *c, struct kmsg *m);
/* All three, for the kernel's own messages (no handles). */
nb_status channel_write(struct channel *c, const uint8_t *bytes,
			uint32_t nbytes);
/* The first queued message (NULL if none) and its removal. */
struct kmsg *channel_peek(struct channel *c);
void channel_pop(struct channel *c);
void channel_destroy(struct channel *c);
void kmsg_free(struct kmsg *m, bool release_handles);

/* process.c */
/* Creates and schedules a process running image (validated here). The
 * startup handles' references move to it on success. */
nb_status process_create(const uint8_t *image, uint32_t len,
			 const struct khandle *startup, uint32_t nstartup,
			 const char *name, struct process **out);
void process_kill(struct process *p);
void process_destroy(struct process *p);

/* sched.c */
struct kthread *sched_current(void);
struct kthread *sched_spawn(struct process *p, void (*fn)(void *));
/* Runs threads until none is left; the boot context calls it. */
void sched_run(void);
/* Blocks the running thread until sched_wake or its deadline. */
void sched_block(nb_time deadline);
void sched_wake(struct kthread *t);
void sched_relinquish(void);
/* Ends the running thread; it is freed by the boot context. */
_Noreturn void sched_exit(void);

/* syscall.c: resolves the "nebulet" imports; ctx is the process. */
bool syscall_resolve(void *ctx, const char *module, const char *name,
		     enum wasm_extern_kind kind, wasm_extern *out);

/* process.c: the hosted kernel. Runs images[0] as init, which reads the
 * other images from its startup handle 0; returns init's exit status. */
int kernel_run(int n, char **paths, uint8_t **images, size_t *lens);
/* The engine processes run on (WASM_ENGINE_DEFAULT unless changed). */
extern enum wasm_engine kernel_engine;

#endif
