/*
 * atomic.c: the threads proposal's atomic instructions (0xFE prefix), for
 * both engines: the interpreter calls atomic_run from its handlers,
 * the JIT from jit_slow. Cells as lower.h says (d a b c off).
 *
 * Every access checks its bounds and alignment here (no guard-page fault:
 * the access is C code, not the engine's): out of bounds first, then
 * "unaligned atomic", as the spec's execution rules order them. Memory is
 * touched with sequentially consistent __atomic builtins so the code
 * stays right on SMP; on one CPU they cost about a plain access.
 *
 * memory.atomic.wait/notify call the kernel's hooks (nucleus.h). Without
 * hooks there is one thread: notify wakes nobody, a wait with a finite
 * timeout spins on hal_clock_monotonic_ns until the deadline (there is no
 * HAL sleep; a pending preemption is honoured meanwhile) and returns 2,
 * and a wait without timeout traps, as nothing could ever wake it.
 */
#include "nucleus/atomic.h"

/* The sub-opcode of every 0xFE instruction, by wasm op. */
#define FE_CODE(name, prefix, code, imm, p1, p2, res, text)                    \
	[OP_##name] = (code),
static const uint8_t fe_code[OP_COUNT] = {WASM_ATOMIC_OPCODES(FE_CODE)};
#undef FE_CODE

/* Sub-opcodes 0x10.. come in groups of 7 widths; what each group does. */
enum { G_LOAD, G_STORE, G_ADD, G_SUB, G_AND, G_OR, G_XOR, G_XCHG, G_CMPXCHG };
static const uint8_t width_size[7] = {4, 8, 1, 2, 1, 2, 4};
static const bool width_i64[7] = {false, true, false, false, true, true, true};

/* One access of group g at x (the value's own type): the old value for
 * loads and read-modify-writes, 0 for stores. cmpxchg writes w where x
 * holds v (v wrapped to the access width, as the hardware compares). */
#define ACCESS(T)                                                              \
	static uint64_t access_##T(T *x, unsigned g, T v, T w)                 \
	{                                                                      \
		switch (g) {                                                   \
		case G_LOAD:                                                   \
			return __atomic_load_n(x, __ATOMIC_SEQ_CST);           \
		case G_STORE:                                                  \
			__atomic_store_n(x, v, __ATOMIC_SEQ_CST);              \
			return 0;                                              \
		case G_ADD:                                                    \
			return __atomic_fetch_add(x, v, __ATOMIC_SEQ_CST);     \
		case G_SUB:                                                    \
			return __atomic_fetch_sub(x, v, __ATOMIC_SEQ_CST);     \
		case G_AND:                                                    \
			return __atomic_fetch_and(x, v, __ATOMIC_SEQ_CST);     \
		case G_OR:                                                     \
			return __atomic_fetch_or(x, v, __ATOMIC_SEQ_CST);      \
		case G_XOR:                                                    \
			return __atomic_fetch_xor(x, v, __ATOMIC_SEQ_CST);     \
		case G_XCHG:                                                   \
			return __atomic_exchange_n(x, v, __ATOMIC_SEQ_CST);    \
		default:                                                       \
			__atomic_compare_exchange_n(x, &v, w, false,           \
						    __ATOMIC_SEQ_CST,          \
						    __ATOMIC_SEQ_CST);         \
			return v;                                              \
		}                                                              \
	}
ACCESS(uint8_t)
ACCESS(uint16_t)
ACCESS(uint32_t)
ACCESS(uint64_t)
#undef ACCESS

/* Access of `size` bytes at x (aligned): see access_T. */
static uint64_t mem_access(void *x, unsigned size, unsigned g, uint64_t v,
			   uint64_t w)
{
	switch (size) {
	case 1:
		return access_uint8_t(x, g, (uint8_t)v, (uint8_t)w);
	case 2:
		return access_uint16_t(x, g, (uint16_t)v, (uint16_t)w);
	case 4:
		return access_uint32_t(x, g, (uint32_t)v, (uint32_t)w);
	default:
		return access_uint64_t(x, g, v, w);
	}
}

/* Effective address of the access in m, checked: -1 and *ea, or a trap. */
static int check(const wasm_memory *m, uint32_t addr, uint32_t off,
		 unsigned size, uint64_t *ea)
{
	*ea = (uint64_t)addr + off;
	if (*ea + size > m->pages * WASM_PAGE)
		return TRAP_MEMORY_OOB;
	if (*ea & (size - 1))
		return TRAP_UNALIGNED_ATOMIC;
	return -1;
}

/* memory.atomic.wait without a kernel hook: spins to the deadline. */
static uint32_t wait_alone(int64_t timeout_ns)
{
	uint64_t start = hal_clock_monotonic_ns();
	while (hal_clock_monotonic_ns() - start < (uint64_t)timeout_ns)
		if (wasm_preempt_flag)
			rt_preempt();
	return 2;
}

/* memory.atomic.wait32/64 (size 4/8) at ea, value checked first: the
 * result, or a trap in *trap. */
static uint32_t wait_op(wasm_memory *m, uint64_t ea, unsigned size,
			uint64_t expect, int64_t timeout_ns, int *trap)
{
	if (!m->shared) {
		*trap = TRAP_UNSHARED_WAIT;
		return 0;
	}
	if (mem_access(m->base + ea, size, G_LOAD, 0, 0) != expect)
		return 1; /* "not-equal" */
	if (rt_wait_hook)
		return rt_wait_hook(m, ea, timeout_ns);
	if (timeout_ns < 0) {
		*trap = TRAP_WAIT_FOREVER;
		return 0;
	}
	return wait_alone(timeout_ns);
}

int atomic_run(wasm_instance *inst, enum iop op, wasm_val *fp, const icell *p)
{
	unsigned code = fe_code[op];
	if (code == 0x03) { /* atomic.fence */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		return -1;
	}
	wasm_memory *m = inst->mems[0];
	unsigned w = code >= 0x10 ? (code - 0x10) % 7 : 0;
	unsigned size = code == 0x02 ? 8 : code < 0x10 ? 4 : width_size[w];
	uint64_t ea;
	int trap = check(m, fp[p[2]].i32, p[5], size, &ea);
	if (trap >= 0)
		return trap;
	wasm_val *d = &fp[p[1]];
	uint64_t b = fp[p[3]].i64, c = fp[p[4]].i64;
	switch (code) {
	case 0x00: /* memory.atomic.notify */
		d->i32 = m->shared && rt_notify_hook
				 ? rt_notify_hook(m, ea, (uint32_t)b)
				 : 0;
		return -1;
	case 0x01: /* memory.atomic.wait32 */
		d->i32 = wait_op(m, ea, 4, (uint32_t)b, (int64_t)c, &trap);
		return trap;
	case 0x02: /* memory.atomic.wait64 */
		d->i32 = wait_op(m, ea, 8, b, (int64_t)c, &trap);
		return trap;
	}
	unsigned g = (code - 0x10) / 7;
	if (!width_i64[w]) {
		b = (uint32_t)b;
		c = (uint32_t)c;
	}
	uint64_t old = mem_access(m->base + ea, size, g, b, c);
	if (g == G_STORE)
		return -1;
	if (width_i64[w])
		d->i64 = old;
	else
		d->i32 = (uint32_t)old;
	return -1;
}
