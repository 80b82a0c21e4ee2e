/*
 * syscall.h: what the files of kernel calls (syscall.c, sysvm.c) share:
 * the calling process and its memory, pointer checks, and the macros
 * that declare a call. See syscall.c for the order of the checks.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <string.h>

#include "kernel/object.h"

/* The calling process and its memory, for one call. */
struct ucall {
	wasm_caller *caller;
	struct process *p;
	uint8_t *mem;
	uint64_t size;
};

static inline void ucall_init(struct ucall *u, wasm_caller *c, void *env)
{
	wasm_memory *m = wasm_caller_memory(c);

	u->caller = c;
	u->p = env;
	u->mem = m ? wasm_memory_data(m) : NULL;
	u->size = m ? wasm_memory_size(m) : 0;
}

/* True if [ptr, ptr + len) lies in the caller's memory. */
static inline bool range_ok(const struct ucall *u, uint32_t ptr, uint64_t len)
{
	return (uint64_t)ptr + len <= u->size;
}

/* The same for an optional pointer (0: none). */
static inline bool opt_ok(const struct ucall *u, uint32_t ptr, uint64_t len)
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

/* Ends a call whose process was killed while it waited. */
static inline bool killed(struct ucall *u)
{
	wasm_caller_trap(u->caller, "killed");
	return false;
}

/* syscall.c: process_status and thread_status. */
nb_status sys_exit_status(struct ucall *u, uint32_t h, int type, uint32_t code);

#define RET(s)                                                                 \
	do {                                                                   \
		results[0].i32 = (uint32_t)(s);                                \
		return true;                                                   \
	} while (0)
#define A(i) (args[i].i32)
#define SYSCALL(name)                                                          \
	static bool sys_##name(wasm_caller *c, void *env,                      \
			       const wasm_val *args, wasm_val *results)

#endif
