/*
 * syscall.h: what the files of kernel calls (syscall.c, sysvm.c,
 * device.c, syscall_table.c) share: the calling process and its memory,
 * pointer checks, and the bodies' prototypes, made from the list of
 * calls (user/include/nebulet_calls.h). See syscall.c for the order of
 * the checks.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <string.h>

#include "kernel/object.h"

/* The calling process and its memory, for one call. The memory is
 * looked up at the first range check (calls without pointers skip it):
 * mem and size are valid once range_ok or opt_ok has run. */
struct ucall {
	wasm_caller *caller;
	struct process *p;
	uint8_t *mem;
	uint64_t size;
	bool have_mem; /* mem and size looked up */
	bool stop;     /* the body trapped or exited: no result */
};

static inline void ucall_init(struct ucall *u, wasm_caller *c, void *env)
{
	u->caller = c;
	u->p = env;
	u->mem = NULL;
	u->size = 0;
	u->have_mem = false;
	u->stop = false;
}

/* True if [ptr, ptr + len) lies in the caller's memory. */
static inline bool range_ok(struct ucall *u, uint32_t ptr, uint64_t len)
{
	if (!u->have_mem) {
		wasm_memory *m = wasm_caller_memory(u->caller);

		u->mem = m ? wasm_memory_data(m) : NULL;
		u->size = m ? wasm_memory_size(m) : 0;
		u->have_mem = true;
	}
	return (uint64_t)ptr + len <= u->size;
}

/* The same for an optional pointer (0: none). */
static inline bool opt_ok(struct ucall *u, uint32_t ptr, uint64_t len)
{
	return ptr == 0 || range_ok(u, ptr, len);
}

static inline void put32(const struct ucall *u, uint32_t ptr, uint32_t v)
{
	if (ptr)
		memcpy(u->mem + ptr, &v, 4);
}

static inline uint32_t get32(const struct ucall *u, uint32_t ptr)
{
	uint32_t v;

	memcpy(&v, u->mem + ptr, 4);
	return v;
}

/* Ends a call whose process was killed while it waited: the body
 * returns this. */
static inline nb_status killed(struct ucall *u)
{
	wasm_caller_trap(u->caller, "killed");
	u->stop = true;
	return NB_ERR_BAD_STATE;
}

/* Ends the call with an exit of the whole call stack (process_exit,
 * thread_exit). */
static inline void ucall_exit(struct ucall *u, int32_t code)
{
	wasm_caller_exit(u->caller, code);
	u->stop = true;
}

/* sysvm.c: puts a handle to new object o (rights r) at out, or drops
 * o if the table is full. */
nb_status add_new(struct ucall *u, struct kobj *o, nb_rights r, uint32_t out);

/* syscall.c: process_status and thread_status. */
nb_status sys_exit_status(struct ucall *u, uint32_t h, int type, uint32_t code);

/*
 * The body of each call of nebulet_calls.h: RESULT sys_NAME(struct ucall
 * *u, params...), an i32 parameter as uint32_t (a pointer is an offset
 * into u's memory, to check with range_ok), an i64 one as int64_t, the
 * names those of the list. A body that traps or exits sets u->stop
 * (killed() does); syscall_table.c then returns no result.
 */
#define SYS_RESULT_nb_status nb_status
#define SYS_RESULT_nb_handle nb_handle
#define SYS_RESULT_nb_time nb_time
#define SYS_RESULT_noreturn void
#define NB_I32(type, name) uint32_t name
#define NB_I64(type, name) int64_t name
#define NB_CALL(name, result, ...)                                             \
	SYS_RESULT_##result sys_##name(struct ucall *u, __VA_ARGS__);
#define NB_CALL0(name, result) SYS_RESULT_##result sys_##name(struct ucall *u);
#include "user/include/nebulet_calls.h"
#undef NB_CALL0
#undef NB_CALL
#undef NB_I64
#undef NB_I32

#endif
