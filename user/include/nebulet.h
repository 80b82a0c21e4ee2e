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
#define NB_ERR_OUT_OF_RANGE (-14)     /* past the end of a memory object */

/* Rights. */
#define NB_RIGHT_DUPLICATE (1u << 0)
#define NB_RIGHT_TRANSFER (1u << 1)
#define NB_RIGHT_READ (1u << 2)
#define NB_RIGHT_WRITE (1u << 3)
#define NB_RIGHT_SIGNAL (1u << 4) /* object_signal */
#define NB_RIGHT_WAIT (1u << 5)	  /* object_wait_* */
#define NB_RIGHT_KILL (1u << 6)	  /* process_kill */
#define NB_RIGHT_MANAGE (1u << 7) /* object_set_priority */
#define NB_RIGHTS_ALL 0xffu
#define NB_RIGHT_SAME_RIGHTS 0x80000000u /* duplicate/replace: keep them */

/* Signals. */
#define NB_SIGNAL_READABLE (1u << 0)	/* channel: a message is queued */
#define NB_SIGNAL_PEER_CLOSED (1u << 1) /* channel: the other end closed */
#define NB_SIGNAL_TERMINATED (1u << 2)	/* process, thread: it has ended */
#define NB_SIGNAL_SIGNALED                                                     \
	(1u << 3)		   /* event: set by object_signal;             \
				      timer: its deadline passed */
#define NB_SIGNAL_USER0 (1u << 24) /* user signals 0..7 (events) */
#define NB_SIGNAL_USER_ALL 0xff000000u

/* Limits. */
#define NB_HANDLES_MAX 1024	    /* per process */
#define NB_CHANNEL_MAX_BYTES 65536u /* per message */
#define NB_CHANNEL_MAX_HANDLES 64u  /* per message */
#define NB_CHANNEL_QUEUE_MAX 64u    /* messages queued per end */
#define NB_WAIT_MANY_MAX 64u	    /* items per object_wait_many */
#define NB_PAGE_SIZE 4096u	    /* unit of mapping and page moving */
#define NB_VMO_MAX_SIZE (1u << 30)  /* bytes per memory object */
#define NB_THREADS_MAX 64u	    /* threads per process */
#define NB_ARGS_MAX_BYTES 65536u    /* process_create_args's block */
#define NB_ARGS_MAX_STRINGS 1024u   /* its arguments + environment */

/* Priorities: higher runs first (see object_set_priority). */
#define NB_PRIORITY_MIN 0
#define NB_PRIORITY_DEFAULT 16
#define NB_PRIORITY_MAX 31

/* vm_map flags. */
#define NB_MAP_WRITE 1u /* writable (needs WRITE); else a write traps */

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
/* The same with the image in the first len bytes of a memory object
 * (needs READ; NB_ERR_OUT_OF_RANGE if len exceeds its size). */
NB_IMPORT(process_create_vmo)
nb_status nb_process_create_vmo(nb_handle vmo, uint32_t len,
				const nb_handle *handles, uint32_t nhandles,
				nb_handle *out);
/*
 * process_create with the child's WASI arguments and environment (what
 * its args_get and environ_get see; process_create gives argv = {a
 * kernel name} and none): strings[0..strings_len) holds NUL-terminated
 * strings, the first argc the arguments (argv[0] first), the rest
 * "NAME=VALUE" entries. NB_ERR_INVALID_ARGS if strings_len >
 * NB_ARGS_MAX_BYTES, the last string is unterminated, or there are
 * more than NB_ARGS_MAX_STRINGS strings or fewer than argc.
 */
NB_IMPORT(process_create_args)
nb_status nb_process_create_args(const void *image, uint32_t len,
				 const nb_handle *handles, uint32_t nhandles,
				 const char *strings, uint32_t strings_len,
				 uint32_t argc, nb_handle *out);
/*
 * process_create_args, and the child's WASI fds 1 and 2 speak Console
 * (firmament/console.fir) on channel `console` (READ, WRITE, TRANSFER;
 * it moves to the child): each fd_write sends Console.write requests of
 * at most 4096 bytes and waits for each reply (a reply with written < n:
 * a request for the rest); peer closed or an error reply gives EIO (or
 * the short count already acknowledged), and so does every later write.
 */
NB_IMPORT(process_create_console)
nb_status nb_process_create_console(const void *image, uint32_t len,
				    const nb_handle *handles, uint32_t nhandles,
				    const char *strings, uint32_t strings_len,
				    uint32_t argc, nb_handle console,
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

/*
 * Priority of a process (each of its threads, and those it creates
 * later) or of one thread: NB_PRIORITY_MIN..MAX, else INVALID_ARGS.
 * Needs MANAGE (a process's own handle from process_create has it; a
 * thread handle too). The ready thread of highest priority runs first,
 * equal priorities take turns at each 10 ms tick; a ready thread passed
 * over gains one level per scheduling decision until it runs (aging),
 * so even a spinning thread at NB_PRIORITY_MAX cannot starve the rest.
 */
NB_IMPORT(object_set_priority)
nb_status nb_object_set_priority(nb_handle h, uint32_t priority);

/* Timers: SIGNALED is set once the armed deadline has passed. */
NB_IMPORT(timer_create) nb_status nb_timer_create(nb_handle *out);
/* Clears SIGNALED and arms the timer for `deadline` (monotonic ns; one
 * in the past fires at once). Needs WRITE. */
NB_IMPORT(timer_set) nb_status nb_timer_set(nb_handle h, nb_time deadline);
/* Disarms the timer and clears SIGNALED. Needs WRITE. */
NB_IMPORT(timer_cancel) nb_status nb_timer_cancel(nb_handle h);

/*
 * Memory objects: zeroed pages the kernel owns, shareable between
 * processes (send or duplicate the handle). The size is rounded up to
 * NB_PAGE_SIZE and at most NB_VMO_MAX_SIZE (else INVALID_ARGS; 0 too).
 */
NB_IMPORT(vmo_create) nb_status nb_vmo_create(uint32_t size, nb_handle *out);
/* Size in bytes of a memory object, or of a pages object (vm_move_out;
 * 0 once moved in). */
NB_IMPORT(vmo_size) nb_status nb_vmo_size(nb_handle h, uint32_t *size);
/* Copies [offset, offset+len) of the object out (needs READ) or in
 * (needs WRITE); NB_ERR_OUT_OF_RANGE past the object's end. */
NB_IMPORT(vmo_read)
nb_status nb_vmo_read(nb_handle h, uint32_t offset, void *buf, uint32_t len);
NB_IMPORT(vmo_write)
nb_status nb_vmo_write(nb_handle h, uint32_t offset, const void *buf,
		       uint32_t len);
/*
 * Maps [offset, offset+len) of a memory object at [addr, addr+len) of
 * this process's linear memory: its previous contents are replaced by
 * the object's pages, shared with every other mapping and vmo_read/
 * vmo_write. offset, addr and len are NB_PAGE_SIZE multiples, len > 0
 * (INVALID_ARGS); the range lies inside the memory's current size
 * (FAULT); the object's range inside the object (OUT_OF_RANGE); it may
 * not overlap another mapping (BAD_STATE). Needs READ, and WRITE with
 * NB_MAP_WRITE; without it a store to the range traps. The mapping
 * holds the object until vm_unmap or the process ends.
 */
NB_IMPORT(vm_map)
nb_status nb_vm_map(nb_handle vmo, uint32_t offset, void *addr, uint32_t len,
		    uint32_t flags);
/* Removes the mapping made at exactly [addr, addr+len) (else BAD_STATE);
 * the range then reads as zero and is writable again. */
NB_IMPORT(vm_unmap) nb_status nb_vm_unmap(void *addr, uint32_t len);
/*
 * Page flipping, the basis of zero-copy I/O: moves the pages of
 * [addr, addr+len) out of this process's memory, without copying, into a
 * new pages object (*out, with DUPLICATE, TRANSFER, READ and WRITE); the
 * range reads as zero afterwards. Send the handle over a channel, and
 * the receiver moves the pages into its own memory with vm_move_in.
 * Alignment as vm_map; the range may not hold a mapping (BAD_STATE).
 */
NB_IMPORT(vm_move_out)
nb_status nb_vm_move_out(void *addr, uint32_t len, nb_handle *out);
/* Moves a pages object's pages, without copying, to [addr, addr+size)
 * of this memory (whose contents they replace); the object is empty
 * after (size 0; BAD_STATE if it already was). Needs WRITE. */
NB_IMPORT(vm_move_in) nb_status nb_vm_move_in(nb_handle pages, void *addr);

/*
 * Threads share their process's instance, memory, globals and handles.
 * thread_create runs entry(arg) (a function of this module's table:
 * type (i32) -> () or (i32) -> (i32), else INVALID_ARGS) on a new thread
 * of this process, at the process's priority; *out gets a thread handle
 * (WAIT for TERMINATED, then thread_status; MANAGE). A thread ends when
 * entry returns (status: its result, or 0) or at thread_exit. A trap, or
 * an exit (proc_exit, process_exit) in any thread, or the main thread's
 * return from _start, ends the whole process. C's shadow stack: when the
 * module exports a mutable i32 global "__stack_pointer" (link with
 * -mmutable-globals -Wl,--export=__stack_pointer) each thread has its
 * own value of it, starting at stack_top; without that export entry
 * must not use the shadow stack (no address-taken locals, no calls that
 * do). stack_top past the end of memory: FAULT. Threads synchronize
 * with memory.atomic.wait32/64 and memory.atomic.notify (shared memory,
 * the threads proposal), which block in the kernel; a thread that the
 * end of its process unwinds gets status NB_EXIT_KILLED.
 */
NB_IMPORT(thread_create)
nb_status nb_thread_create(void (*entry)(uint32_t), uint32_t arg,
			   void *stack_top, nb_handle *out);
/* Ends the calling thread with `code` (in the main thread: the process,
 * as process_exit). */
NB_IMPORT(thread_exit) _Noreturn void nb_thread_exit(int32_t code);
/* The exit status of an ended thread (NB_ERR_BAD_STATE before). */
NB_IMPORT(thread_status) nb_status nb_thread_status(nb_handle h, int32_t *code);
#endif

/*
 * Memory accounts (kernel/README.md). Each process is charged the kernel
 * memory it causes: the messages it wrote until they are read, the
 * objects it created until they are destroyed. It has limits on that
 * kernel memory, on its linear memory (memory.grow returns -1 past it:
 * malloc returns NULL) and on its handles; past the first a call gives
 * NB_ERR_NO_MEMORY, past the last NB_ERR_NO_RESOURCES. process_limits
 * sets the limits of the processes the caller creates from then on (0:
 * the default, 64 MiB of kernel memory, 1 GiB of linear memory, 1024
 * handles), never above the caller's own.
 * mem_usage fills *totals (the machine's RAM, the kernel memory charged
 * to processes) and up to cap entries of procs, one per account (a
 * process, or one that ended while charges of its live on: ended = 1),
 * newest first; *count gets the number of accounts. INVALID_ARGS if
 * cap > 1024.
 */
typedef struct nb_mem_totals {
	uint64_t ram_bytes;	 /* the machine's (hosted: the host's) */
	uint64_t ram_free;	 /* bytes not in use */
	uint64_t kernel_charged; /* kernel memory charged to processes */
	uint32_t accounts;	 /* live accounts */
	uint32_t reserved;
} nb_mem_totals;
typedef struct nb_mem_proc {
	uint32_t id, ended;
	uint32_t handles, handles_limit;
	uint64_t kernel, kernel_limit; /* bytes */
	uint64_t memory, memory_limit; /* linear memory, bytes */
	char name[32];
} nb_mem_proc;
#define NB_MEM_PROCS_MAX 1024

#ifdef __wasm__
NB_IMPORT(process_limits)
nb_status nb_process_limits(uint64_t kernel, uint64_t memory, uint32_t handles);
NB_IMPORT(mem_usage)
nb_status nb_mem_usage(nb_mem_totals *totals, nb_mem_proc *procs, uint32_t cap,
		       uint32_t *count);
#endif

/*
 * Devices (bare metal). A driver holds an I/O-port range object and an
 * interrupt object, made by the boot init for it (manifest options
 * --ioport=BASE:COUNT and --irq=LINE, see init/README.md); a program
 * cannot make them, and on the hosted kernel they do not exist.
 * ioport_read/write access one port of `width` 1, 2 or 4 bytes (else
 * INVALID_ARGS); every byte [port, port + width) must lie in the range
 * (else OUT_OF_RANGE); READ / WRITE rights. An interrupt object is
 * SIGNALED when its line fired (wait for it with object_wait_*, WAIT
 * right); the line stays masked until interrupt_ack (WRITE right), which
 * clears SIGNALED and unmasks it: serve the device, then ack, then look
 * at the device once more before waiting again.
 */
#define NB_ERR_NOT_SUPPORTED (-15) /* no such device on this machine */

#ifdef __wasm__
NB_IMPORT(ioport_read)
nb_status nb_ioport_read(nb_handle h, uint32_t port, uint32_t width,
			 uint32_t *value);
NB_IMPORT(ioport_write)
nb_status nb_ioport_write(nb_handle h, uint32_t port, uint32_t width,
			  uint32_t value);
NB_IMPORT(interrupt_ack) nb_status nb_interrupt_ack(nb_handle h);
#endif

#endif
