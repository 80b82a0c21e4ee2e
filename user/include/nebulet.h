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
#define NB_BOOT_NAME_MAX 255u /* a boot channel file's name (nb_bootch.h) */

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

/* thread_create's entry: a function of the module's table 0. */
typedef void (*nb_thread_entry)(uint32_t arg);

/* Memory accounts (kernel/README.md; mem_usage and process_limits in
 * nebulet_calls.h). */
typedef struct nb_mem_totals {
	uint64_t ram_bytes;	 /* the machine's (hosted: the host's) */
	uint64_t ram_free;	 /* bytes not in use */
	uint64_t kernel_charged; /* kernel memory charged to processes */
	uint32_t accounts;	 /* live accounts */
	uint32_t modules;	 /* distinct modules of the live processes,
				    each shared by all of its processes */
	uint64_t module_bytes;	 /* the bytes of their images */
} nb_mem_totals;
typedef struct nb_mem_proc {
	uint32_t id, ended;
	uint32_t handles, handles_limit;
	uint64_t kernel, kernel_limit; /* bytes */
	uint64_t memory, memory_limit; /* linear memory, bytes */
	char name[32];
} nb_mem_proc;
#define NB_MEM_PROCS_MAX 1024

/* Devices (nebulet_calls.h): no such device on this machine. */
#define NB_ERR_NOT_SUPPORTED (-15)
/* pci_interrupt's vector for the function's INTx line (not MSI-X). */
#define NB_PCI_INTX 0xffffffffu
#define NB_DMA_MAX_SIZE (4u << 20) /* bytes per DMA memory object */

/*
 * The calls, one declaration each from the list in nebulet_calls.h
 * (documented there): nb_NAME imports field NAME of module "nebulet",
 * e.g. nb_status nb_channel_write(nb_handle h, const void *bytes,
 * uint32_t nbytes, const nb_handle *handles, uint32_t nhandles).
 */
#ifdef __wasm__
#define NB_IMPORT(name)                                                        \
	__attribute__((import_module("nebulet"), import_name(#name)))
#define NB_RESULT_nb_status nb_status
#define NB_RESULT_nb_handle nb_handle
#define NB_RESULT_nb_time nb_time
#define NB_RESULT_noreturn _Noreturn void
#define NB_I32(type, name) type name
#define NB_I64(type, name) type name
#define NB_CALL(name, result, ...)                                             \
	NB_IMPORT(name) NB_RESULT_##result nb_##name(__VA_ARGS__);
#define NB_CALL0(name, result)                                                 \
	NB_IMPORT(name) NB_RESULT_##result nb_##name(void);
#include "nebulet_calls.h"
#undef NB_CALL0
#undef NB_CALL
#undef NB_I64
#undef NB_I32
#undef NB_RESULT_noreturn
#undef NB_RESULT_nb_time
#undef NB_RESULT_nb_handle
#undef NB_RESULT_nb_status
#undef NB_IMPORT
#endif

#endif
