/*
 * object.h: the kernel's objects and the internal interfaces between its
 * files. Every object starts with a struct kobj: its type, a reference
 * count (one per handle, per message that carries it, per running thread
 * of a process), its signals and the threads waiting on them.
 *
 *   object.c   reference counts, signals, the wait primitive, events
 *   handle.c   per-process handle tables
 *   channel.c  channel pairs and their messages
 *   cycle.c    the collector of channel ends held only by queues
 *   timer.c    timer objects
 *   vmo.c      memory objects, mappings, page flipping (pages objects)
 *   process.c  processes: a wasm instance, a handle table, threads
 *   thread.c   threads of a process, atomic wait/notify queues
 *   sched.c    kernel threads on HAL contexts, priorities, preemption
 *   klock.c    the kernel lock
 *   syscall.c  the "nebulet" imports (sysvm.c: memory, timers, threads)
 *   kmem.c     memory accounts: what each process is charged, its limits
 *   list.h     intrusive doubly-linked lists
 *
 * Status codes, rights, signals and limits are the SDK's (nebulet.h).
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/hal.h"
#include "kernel/list.h"
#include "kernel/wasi.h"
#include "nucleus/nucleus.h"
#include "user/include/nebulet.h"

enum kobj_type {
	KOBJ_CHANNEL = 1,
	KOBJ_EVENT,
	KOBJ_PROCESS,
	KOBJ_TIMER,
	KOBJ_VMO,
	KOBJ_PAGES,
	KOBJ_THREAD,
	KOBJ_IOPORT,	/* kernel/device.h */
	KOBJ_INTERRUPT, /* kernel/device.h */
	KOBJ_PCI,	/* kernel/device.h: one PCI function */
};

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
	struct kacct *acct; /* charged (its creator's), or NULL: the kernel */
	uint64_t charge;    /* bytes charged to acct */
	uint32_t gc_refs;   /* cycle.c's scratch: references not from queues */
	uint8_t gc_color;   /* cycle.c's: 0 outside a collection */
};

/* A process's limits (kmem.c); 0 in a request means "the default". */
struct kacct_limits {
	uint64_t kernel; /* bytes of kernel memory charged to it */
	uint64_t memory; /* bytes of linear memory */
	uint32_t handles;
	bool inspect; /* the inspect right: mem_usage lists every account */
};
#define KACCT_KERNEL_DEFAULT ((uint64_t)64 << 20)
#define KACCT_MEMORY_DEFAULT ((uint64_t)1 << 30)

/* A memory account: one per process, living on while charges do. */
struct kacct {
	uint32_t refs, id;
	char name[32];
	uint64_t used; /* bytes charged */
	struct kacct_limits lim;
	struct process *proc; /* NULL once the process has ended */
	struct klink link;    /* on kmem.c's list of live accounts */
};

struct kacct_totals {
	uint64_t charged;
	uint32_t accounts;
};

/* A handle moving between processes (in a message, or at start). */
struct khandle {
	struct kobj *obj;
	nb_rights rights;
};

struct kmsg {
	struct kmsg *next;
	struct kacct *acct; /* its writer's, charged until it is read */
	uint32_t nbytes, nhandles;
	struct khandle *handles; /* point into the same allocation */
	uint8_t *bytes;
};

struct channel {
	struct kobj o;
	struct channel *peer; /* NULL once the peer is destroyed */
	struct kmsg *head, *tail;
	uint32_t count;	      /* messages queued for this end to read */
	struct klink gc_link; /* on cycle.c's list of candidates */
	bool gc_candidate;
};

struct event {
	struct kobj o;
};

struct timer {
	struct kobj o;
	nb_time deadline; /* NB_TIME_INFINITE: not armed */
	struct timer *next_armed;
};

/* A memory object: shared pages (hal_shm) of `size` bytes. */
struct vmo {
	struct kobj o;
	hal_shm *shm;
	uint32_t size;
	struct pcidev *dev; /* DMA memory: its device (a reference) */
	/* A loan (vmo_lend): the object lent (a reference; shm is its),
	 * whether it was taken back (vmo_revoke), and its mappings in
	 * every process (by kmap.next_loan). */
	struct vmo *lender;
	bool revoked;
	struct kmap *loan_maps;
};

/* A pages object: private pages moved out of a linear memory, held in
 * a reservation of the kernel's until moved in elsewhere. */
struct pages {
	struct kobj o;
	uint8_t *base; /* NULL once moved in */
	uint32_t size;
};

/* A vmo range mapped into a process's linear memory. */
struct kmap {
	struct vmo *vmo; /* holds a reference */
	uint32_t addr, len;
	struct kmap *next;
	uint8_t *mem;		/* a loan's: the linear memory's base */
	struct kmap *next_loan; /* the loan's other mappings */
};

struct hentry {
	struct kobj *obj; /* NULL: free */
	nb_rights rights;
	uint32_t gen;	    /* bumped at each close: stale values fail */
	uint32_t next_free; /* free list, by index */
};

struct htable {
	struct hentry *e;   /* cap entries, grown on demand (handle.c) */
	struct kacct *acct; /* charged for them */
	uint32_t cap;	    /* at most NB_HANDLES_MAX */
	uint32_t free_head; /* cap: none (the table grows) */
	uint32_t count;
	uint32_t limit; /* at most this many live (the process's limit) */
};

struct process {
	struct kobj o;
	uint32_t id;
	struct htable handles;
	struct kacct *acct;		  /* what it is charged, its limits */
	struct kacct_limits child_limits; /* for the processes it creates */
	wasm_module *module;
	wasm_store *store;
	wasi_ctx wasi;
	char name[32];
	struct khandle startup[NB_CHANNEL_MAX_HANDLES];
	uint32_t nstartup;
	const struct process_args *args; /* NULL: the defaults (below) */
	struct process_args *own_args;	 /* a creator's copy, freed with p */
	struct channel *console; /* NULL, or WASI fds 1, 2 speak Console */
	uint32_t console_txid;	 /* of its last Console.write */
	struct wasi_fir *wfir;	 /* NULL, or WASI files: kernel/wasi_fir.c */
	wasm_instance *inst;
	wasm_global *sp; /* the exported __stack_pointer, or NULL */
	struct kmap *maps;
	bool killed; /* ending: its threads unwind (exit_code is set) */
	bool ended;  /* every thread ended, store freed */
	int32_t exit_code;
	uint32_t priority;
	uint32_t nthreads;	 /* not yet ended */
	struct kthread *threads; /* those, by next_in_proc */
};

/* A thread; a kernel object too (thread handles), freed when the
 * scheduler has reaped it and its last handle is closed. */
struct kthread {
	struct kobj o;
	struct process *proc; /* holds a reference */
	hal_context *ctx;
	wasm_exec *exec;
	enum { KT_READY, KT_BLOCKED, KT_DEAD } state;
	uint32_t prio; /* base priority */
	uint32_t eff;  /* with aging, while ready */
	uint32_t cpu;  /* the CPU whose ready queue it joins (sched.c) */
	struct kthread *next_ready;
	struct kthread *next_all, *prev_all;
	struct kthread *next_in_proc;
	nb_time deadline;     /* while blocked: when to wake; INFINITE */
	struct waiter wait1;  /* a wait on one object */
	struct waiter *waits; /* on several: NB_WAIT_MANY_MAX, made at its
				 first such wait, freed with it */
	wasm_func *entry;     /* NULL: the main thread (runs _start) */
	uint32_t arg;
	wasm_val sp;	  /* its __stack_pointer while switched out */
	bool thread_exit; /* the exit unwinding it is thread_exit's */
	bool ended;
	int32_t exit_code;
};

/* object.c */
void kobj_init(struct kobj *o, enum kobj_type type);
/* A zeroed object of size bytes, initialised and charged to the running
 * process; NULL when out of memory or past its limit. kobj_charge adds
 * to the charge (NB_ERR_NO_MEMORY past the limit); kobj_free uncharges
 * and frees: where every object ends, destroyed or never handed out, so
 * kobj_live() counts it gone. */
void *kobj_alloc(size_t size, enum kobj_type type);
nb_status kobj_charge(struct kobj *o, uint64_t n);
void kobj_free(struct kobj *o);
void kobj_retain(struct kobj *o);
void kobj_release(struct kobj *o);
/* Clears then sets signals, waking threads that wait for a new one. */
void kobj_signal(struct kobj *o, nb_signals clear, nb_signals set);
/*
 * Blocks the running thread until some objs[i] has a signal of masks[i]
 * (NB_OK) or the deadline passes (NB_ERR_TIMED_OUT), or the process is
 * killed (NB_ERR_BAD_STATE). pending[i] gets each object's signals.
 * NB_ERR_NO_MEMORY: a thread's first wait on several objects, when its
 * waiters cannot be had.
 */
nb_status kobj_wait(struct kobj **objs, const nb_signals *masks, uint32_t n,
		    nb_time deadline, nb_signals *pending);
struct event *event_create(void);
nb_time kernel_now(void);
/* Objects made and not yet destroyed (a leak check's count). */
uint32_t kobj_live(void);

/*
 * cycle.c: frees channel endpoints (and what their queues hold) that only
 * messages queued in such endpoints keep alive (kernel/README.md).
 * cycle_candidate: c lost a reference from outside a queue, or went
 * into one; cycle_forget: c is being destroyed; cycle_collect: looks at
 * the candidates when there are enough of them, or always with force.
 */
void cycle_candidate(struct channel *c);
void cycle_forget(struct channel *c);
void cycle_collect(bool force);

/* timer.c */
struct timer *timer_create(void);
void timer_set(struct timer *t, nb_time deadline);
void timer_destroy(struct timer *t);
/* Fires the timers that are due; the earliest deadline left. */
nb_time timer_poll(nb_time now);

/* vmo.c. Ranges are checked by the caller (page multiples, inside). */
nb_status vmo_create(uint32_t size, struct vmo **out);
/* A memory object over shm (device registers or DMA memory, kernel/
 * pci.c), charged `charge` bytes; on failure shm is destroyed. */
nb_status vmo_adopt(hal_shm *shm, uint32_t size, uint64_t charge,
		    struct vmo **out);
/* kernel/pci.c: DMA memory of d is about to be freed: d's bus mastering
 * goes off (its driver turns it on again), and the memory's reference
 * to d is dropped. */
void pcidev_dma_gone(struct pcidev *d);
void vmo_destroy(struct vmo *v);
uint8_t *vmo_data(struct vmo *v);
/* A loan of v (not itself a loan: NOT_SUPPORTED): a memory object over
 * v's pages that vmo_revoke takes back from every process. */
nb_status vmo_lend(struct vmo *v, struct vmo **out);
/* Takes loan l back: each of its mappings, in any process, reads as
 * zero and traps on a store until unmapped; mapping, reading or writing
 * it fails after (BAD_STATE). NB_ERR_NO_MEMORY if a mapping could not
 * be replaced (the loan is revoked all the same). */
nb_status vmo_revoke(struct vmo *l);
nb_status vm_map(struct process *p, uint8_t *mem, struct vmo *v, uint32_t off,
		 uint32_t addr, uint32_t len, bool write);
nb_status vm_unmap(struct process *p, uint8_t *mem, uint32_t addr,
		   uint32_t len);
/* Drops every mapping record of p (its memory is gone or going). */
void vm_forget(struct process *p);
bool vm_overlaps(struct process *p, uint32_t addr, uint32_t len);
nb_status pages_move_out(uint8_t *mem, uint32_t addr, uint32_t len,
			 struct pages **out);
nb_status pages_move_in(struct pages *g, uint8_t *mem, uint32_t addr);
void pages_destroy(struct pages *g);

/* kmem.c */
void *kmem_alloc(size_t n, bool zero);
void *kmem_charged(struct kacct *a, size_t n, bool zero);
void kmem_uncharged(struct kacct *a, void *p, size_t n);
uint64_t kmem_fail_at(uint64_t n);
struct kacct *kacct_new(uint32_t id, const char *name,
			const struct kacct_limits *l);
void kacct_retain(struct kacct *a);
void kacct_release(struct kacct *a);
nb_status kacct_charge(struct kacct *a, uint64_t n);
void kacct_uncharge(struct kacct *a, uint64_t n);
struct kacct *kacct_current(void);
void kacct_child_limits(const struct kacct *parent,
			const struct kacct_limits *want,
			struct kacct_limits *out);
uint32_t kacct_list(struct kacct_totals *t, const struct kacct **out,
		    uint32_t cap);

/* handle.c */
/* An empty table whose entries are charged to acct. */
void htable_init(struct htable *t, struct kacct *acct);
/* Closes every handle and frees the entries. */
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

/* modcache.c: modules shared by the processes of the same image. */
nb_status modcache_get(const uint8_t *image, uint32_t len, wasm_error *err,
		       wasm_module **out);
void modcache_put(wasm_module *m);
void modcache_usage(uint32_t *modules, uint64_t *bytes);

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
void channel_drop_queue(struct channel *c);

/* process.c */
/* Set by a process's creator before it first runs (the bare-metal init
 * does, for the programs of its manifest): WASI arguments and
 * environment, engine, and a function called first in the process's own
 * thread. Without it: argv = {name}, no environment, kernel_engine. */
struct process_args {
	int argc, envc;
	char **argv, **envp;
	enum wasm_engine engine;
	void (*on_start)(void *arg);
	void *arg;
};
/* Creates and schedules a process running image (validated here). The
 * startup handles' references move to it on success. */
nb_status process_create(const uint8_t *image, uint32_t len,
			 const struct khandle *startup, uint32_t nstartup,
			 const char *name, struct process **out);
/* The name a process gets from the path of its image: the last path
 * component (all of path if that is empty). */
const char *process_base_name(const char *path);
/* A creator's argument block, checked, then copied (process.c). */
nb_status process_args_check(const char *block, uint32_t len, uint32_t argc,
			     uint32_t *nstr);
struct process_args *process_args_new(const char *block, uint32_t len,
				      uint32_t argc, uint32_t nstr);
void process_kill(struct process *p);
/* Ends p with code (its first ending wins): every thread unwinds. */
void process_exit_all(struct process *p, int32_t code);
void process_set_priority(struct process *p, uint32_t prio);
void process_destroy(struct process *p);
/* Each thread calls it as it ends; the last one ends the process. */
_Noreturn void process_thread_end(struct kthread *t, int32_t code);

/* thread.c */
/* A new thread of p running entry(arg), or NULL (out of memory). */
struct kthread *thread_create(struct process *p, wasm_func *entry, uint32_t arg,
			      uint32_t stack_top);
void thread_destroy(struct kthread *t);
/* The kernel's memory.atomic.wait/notify (wasm_set_atomic_hooks). */
uint32_t thread_atomic_wait(wasm_memory *mem, uint64_t addr,
			    int64_t timeout_ns);
uint32_t thread_atomic_notify(wasm_memory *mem, uint64_t addr, uint32_t count);

/* sched.c */
struct kthread *sched_current(void);
/* Makes t (zeroed but for proc and prio) ready to run fn(t) on a new
 * context; false if out of memory. */
bool sched_spawn(struct kthread *t, void (*fn)(void *));
void sched_set_priority(struct kthread *t, uint32_t prio);
/* Runs threads until none is left; the boot context calls it. */
void sched_run(void);
/* Blocks the running thread until sched_wake or its deadline. */
void sched_block(nb_time deadline);
void sched_wake(struct kthread *t);
void sched_relinquish(void);
/* Ends the running thread; it is freed by the boot context. */
_Noreturn void sched_exit(void);
/* Makes p's running threads, on any CPU, reach a preemption check. */
void sched_poke(struct process *p);

/* klock.c: the kernel lock (held by a CPU, not a thread). */
void klock_enter(void); /* unless this CPU holds it already */
void klock_exit(void);

/* syscall_table.c: resolves the "nebulet" imports (the calls of
 * user/include/nebulet_calls.h); ctx is the process. */
bool syscall_resolve(void *ctx, const char *module, const char *name,
		     enum wasm_extern_kind kind, wasm_extern *out);

/* process.c: the hosted kernel. Runs images[0] as init, which reads the
 * other images from its startup handle 0; returns init's exit status. */
int kernel_run(int n, char **paths, uint8_t **images, size_t *lens);
/* Writes file `name` (at most NB_BOOT_NAME_MAX bytes of it) with its
 * data on c, a boot channel: the format's one writer (process.c). */
nb_status process_boot_send(struct channel *c, const char *name,
			    const uint8_t *data, size_t len);
/* The engine processes run on, by default the baseline JIT (the
 * interpreter without a JIT): its code is shared by the processes of
 * one image, while tiered code (`--engine=jit`) is each one's own. */
#define KERNEL_ENGINE_DEFAULT                                                  \
	(WASM_ENGINE_DEFAULT == WASM_ENGINE_JIT ? WASM_ENGINE_BASE             \
						: WASM_ENGINE_DEFAULT)
extern enum wasm_engine kernel_engine;

#endif
