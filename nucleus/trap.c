/*
 * trap.c: calling into wasm, and leaving it on a trap.
 *
 * wasm_func_call pushes a trap context (a hal_setjmp buffer) on a chain
 * and runs the function. A trap, raised by the engine through rt_trap or
 * by a fault the HAL reports, jumps back to the innermost context, whose
 * wasm_func_call then returns false with a message. Host functions called
 * from wasm may call wasm_func_call again (re-entry): that pushes another
 * context, so every trap unwinds only as far as the nearest call from C.
 *
 * The chain is per CPU (kernel.ld's per-CPU window on bare metal) and
 * switched with each context (wasm_exec_switch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/runtime.h"

/* A fault this far below the innermost call's frame is taken for an
 * overflow of the native stack. */
#define STACK_WINDOW ((uintptr_t)256 << 20)

struct trap_ctx {
	hal_jmp_buf jb;
	struct trap_ctx *prev;
	bool in_host;	   /* a host function runs: its faults are not wasm's */
	uintptr_t stack;   /* an address in wasm_func_call's frame */
	enum rt_trap kind; /* what the trap was, filled before the jump */
	const wasm_func *func;
	uint32_t offset;
	int exit_code; /* TRAP_EXIT */
	char msg[200]; /* TRAP_HOST */
};

struct wasm_caller {
	wasm_instance *inst; /* NULL when the embedder called the host fn */
	enum { CALLER_OK, CALLER_TRAP, CALLER_EXIT } state;
	int exit_code;
	char msg[200];
};

static struct trap_ctx *current;

static const char *const messages[] = {
	[TRAP_UNREACHABLE] = "unreachable",
	[TRAP_DIV_ZERO] = "integer divide by zero",
	[TRAP_INT_OVERFLOW] = "integer overflow",
	[TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
	[TRAP_MEMORY_OOB] = "out of bounds memory access",
	[TRAP_TABLE_OOB] = "out of bounds table access",
	[TRAP_UNDEFINED_ELEMENT] = "undefined element",
	[TRAP_UNINITIALIZED_ELEMENT] = "uninitialized element",
	[TRAP_INDIRECT_MISMATCH] = "indirect call type mismatch",
	[TRAP_EXHAUSTED] = "call stack exhausted",
	[TRAP_HOST] = "host function trapped",
	[TRAP_EXIT] = "exit",
	[TRAP_INTERRUPTED] = "interrupted",
	[TRAP_UNALIGNED_ATOMIC] = "unaligned atomic",
	[TRAP_UNSHARED_WAIT] = "expected shared memory",
	[TRAP_WAIT_FOREVER] = "memory.atomic.wait would never be woken",
	[TRAP_NO_MEMORY] = "out of memory",
};

const char *rt_trap_message(enum rt_trap t)
{
	if ((unsigned)t < sizeof messages / sizeof messages[0] && messages[t])
		return messages[t];
	return "trap";
}

/*
 * Unwinds to the innermost wasm_func_call. An offset of 0 or UINT32_MAX
 * means "unknown" and is left out of the message. Trapping with no call
 * in progress is a bug in the engine: the process ends.
 */
_Noreturn void rt_trap(enum rt_trap t, const wasm_func *func, uint32_t offset)
{
	struct trap_ctx *c = current;
	if (!c) {
		static const char m[] = "nucleus: trap outside a wasm call\n";
		hal_console_write(2, m, sizeof m - 1);
		hal_exit(70);
	}
	c->kind = t;
	c->func = func;
	c->offset = offset;
	hal_longjmp(c->jb, 1);
}

/* Raises what rt_call_host recorded in the innermost context. */
_Noreturn void rt_trap_host(void)
{
	struct trap_ctx *c = current;
	rt_trap(c ? c->kind : TRAP_HOST, NULL, 0);
}

/*
 * The HAL's fault handler. A memory fault inside a linear memory's
 * reservation, a divide error, a fault just below the stack, or a page
 * that no RAM was left for, taken while wasm (not a host function) runs,
 * becomes a trap; anything else
 * returns, and the HAL treats it as fatal.
 */
/* Where the faulting code is: JIT code knows from pc, else the interp. */
static void fault_location(void *pc, const wasm_func **f, uint32_t *off)
{
	if (!jit_fault_location(pc, f, off))
		interp_fault_location(f, off);
}

/* The trap a fault of wasm code's becomes (*t), or false if it is not
 * one (the HAL reports it). The caller holds rt_reg_lock. */
static bool fault_trap(const struct trap_ctx *c, enum hal_fault kind,
		       uintptr_t addr, enum rt_trap *t)
{
	if (kind == HAL_FAULT_MEMORY && rt_memory_owns(addr))
		*t = TRAP_MEMORY_OOB;
	else if (kind == HAL_FAULT_MEMORY && addr < c->stack &&
		 c->stack - addr < STACK_WINDOW)
		*t = TRAP_EXHAUSTED;
	else if (kind == HAL_FAULT_DIVIDE)
		*t = TRAP_DIV_ZERO;
	else if (kind == HAL_FAULT_NO_MEMORY) /* its memory, or its stacks */
		*t = TRAP_NO_MEMORY;
	else
		return false;
	return true;
}

/* The registries are read under rt_reg_lock, let go before the trap
 * unwinds. */
static void on_fault(enum hal_fault kind, uintptr_t addr, void *pc)
{
	struct trap_ctx *c = current;
	enum rt_trap t;
	const wasm_func *f = NULL;
	uint32_t off = 0;
	bool wasm;
	if (!c || c->in_host)
		return;
	rt_reg_lock();
	if ((wasm = fault_trap(c, kind, addr, &t)))
		fault_location(pc, &f, &off);
	rt_reg_unlock();
	if (wasm)
		rt_trap(t, f, off);
}

#if defined(__x86_64__) || defined(__i386__)
#define spin_pause() __builtin_ia32_pause()
#else
#define spin_pause() ((void)0)
#endif

static int reg_lock; /* rt_reg_lock: 1 while held */

void rt_reg_lock(void)
{
	while (__atomic_exchange_n(&reg_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&reg_lock, __ATOMIC_RELAXED))
			spin_pause();
}

void rt_reg_unlock(void)
{
	__atomic_store_n(&reg_lock, 0, __ATOMIC_RELEASE);
}

/* Installs the fault handler, once per process. */
static void install_handler(void)
{
	static bool done;
	if (!done) {
		hal_set_fault_handler(on_fault);
		done = true;
	}
}

/* Fills err from a context that caught a trap. */
static void trap_error(const struct trap_ctx *c, wasm_error *err)
{
	size_t cap = sizeof err->msg;
	int n;
	switch (c->kind) {
	case TRAP_EXIT:
		err->kind = WASM_ERR_EXIT;
		err->exit_code = c->exit_code;
		snprintf(err->msg, cap, "exit with code %d", c->exit_code);
		return;
	case TRAP_HOST:
		err->kind = WASM_ERR_TRAP;
		snprintf(err->msg, cap, "%s", c->msg);
		return;
	case TRAP_EXHAUSTED:
		err->kind = WASM_ERR_EXHAUSTED;
		break;
	default:
		err->kind = WASM_ERR_TRAP;
		break;
	}
	n = snprintf(err->msg, cap, "%s", rt_trap_message(c->kind));
	const wasm_func *f = c->func;
	if (f && f->inst && (size_t)n < cap) {
		const char *name = wasm_func_name(f->inst->module, f->index);
		if (name)
			n += snprintf(err->msg + n, cap - n,
				      " in function '%s'", name);
		else
			n += snprintf(err->msg + n, cap - n, " in function #%u",
				      f->index);
	}
	if (c->offset != 0 && c->offset != UINT32_MAX && (size_t)n < cap)
		snprintf(err->msg + n, cap - n, " at offset 0x%x", c->offset);
}

/* Copies a host function's trap or exit into err (direct calls). */
static void caller_error(const struct wasm_caller *c, wasm_error *err)
{
	if (c->state == CALLER_EXIT) {
		err->kind = WASM_ERR_EXIT;
		err->exit_code = c->exit_code;
		snprintf(err->msg, sizeof err->msg, "exit with code %d",
			 c->exit_code);
	} else {
		err->kind = WASM_ERR_TRAP;
		snprintf(err->msg, sizeof err->msg, "%s",
			 c->state == CALLER_TRAP ? c->msg
						 : rt_trap_message(TRAP_HOST));
	}
}

static bool call_error(wasm_error *err, const char *msg)
{
	err->kind = WASM_ERR_TRAP;
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	return false;
}

/* Runs wasm function f in the engine inside a new trap context. */
static bool run_wasm(wasm_func *f, const wasm_val *args, wasm_val *results,
		     wasm_error *err)
{
	struct trap_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.prev = current;
	ctx.stack = (uintptr_t)&ctx;
	current = &ctx;
	if (hal_setjmp(ctx.jb) == 0) {
		if (f->inst->engine != WASM_ENGINE_INTERP)
			jit_invoke(f, args, results);
		else
			interp_invoke(f, args, results);
		current = ctx.prev;
		return true;
	}
	current = ctx.prev;
	trap_error(&ctx, err);
	return false;
}

/*
 * Runs f with f's number of args, writing its results. A host function
 * is called directly; a wasm function runs in the engine inside a new
 * trap context. False with err filled on a trap or an exit.
 */
bool wasm_func_call(wasm_func *f, const wasm_val *args, wasm_val *results,
		    wasm_error *err)
{
	wasm_error dummy;
	if (!err)
		err = &dummy;
	err->kind = WASM_OK;
	err->exit_code = 0;
	err->msg[0] = '\0';
	if (!f)
		return call_error(err, "no function to call");
	if (f->type.nparams && !args)
		return call_error(err, "missing arguments");
	if (f->type.nresults && !results)
		return call_error(err, "missing room for results");
	if (!f->inst) {
		struct wasm_caller c = {.inst = NULL};
		if (f->host(&c, f->env, args, results))
			return true;
		caller_error(&c, err);
		return false;
	}
	/* The engine always gets real arrays, even for no values. */
	wasm_val none[1] = {{0}}, scratch[1];
	install_handler();
	return run_wasm(f, args ? args : none, results ? results : scratch,
			err);
}

/*
 * Runs host function f for rt_call_host. False means the host trapped or
 * exited: the outcome is kept in the innermost context.
 */
static bool host_call(wasm_func *f, wasm_instance *caller, const wasm_val *args,
		      wasm_val *results)
{
	/* Not zero-initialized: clearing msg[] costs more than a kernel
	 * call (rep stos); msg and exit_code are only read after
	 * wasm_caller_trap/exit set them. */
	struct wasm_caller c;
	c.inst = caller;
	c.state = CALLER_OK;
	struct trap_ctx *t = current;
	bool was = t ? t->in_host : false;
	if (t)
		t->in_host = true;
	bool ok = f->host(&c, f->env, args, results);
	if (t)
		t->in_host = was;
	if (ok || !t)
		return ok;
	if (c.state == CALLER_EXIT) {
		t->kind = TRAP_EXIT;
		t->exit_code = c.exit_code;
	} else {
		t->kind = TRAP_HOST;
		snprintf(t->msg, sizeof t->msg, "%s",
			 c.state == CALLER_TRAP ? c.msg
						: rt_trap_message(TRAP_HOST));
	}
	return false;
}

/*
 * Called by the engine, for both engines the same, for a call to host
 * function f from wasm code of `caller`: the arguments are at fp and the
 * results are written back there (through a buffer, as the host reads
 * its arguments while it writes results). False means the host trapped
 * or exited, or there was no memory for its results (more than 16):
 * nothing is raised here, the outcome (TRAP_EXHAUSTED for the latter) is
 * kept in the innermost context, and the engine, once it has restored
 * its own state (host nesting, stack top), must call rt_trap_host().
 */
bool rt_call_host(wasm_func *f, wasm_instance *caller, wasm_val *fp)
{
	wasm_val buf[16], *res = buf;
	uint32_t nr = f->type.nresults;
	if (nr > 16 && !(res = malloc(nr * sizeof *res))) {
		if (current)
			current->kind = TRAP_EXHAUSTED;
		return false;
	}
	bool ok = host_call(f, caller, fp, res);
	if (ok)
		memcpy(fp, res, nr * sizeof *res);
	if (res != buf)
		free(res);
	return ok;
}

/*
 * Per-context state (wasm_exec_switch): the trap chain belongs to the
 * native stack it points into, so a kernel context switch installs the
 * incoming context's chain and returns the outgoing one's.
 */
void *rt_trap_chain_swap(void *chain)
{
	void *old = current;
	current = chain;
	return old;
}

wasm_memory *wasm_caller_memory(wasm_caller *c)
{
	if (!c->inst || c->inst->module->num_mems == 0)
		return NULL;
	return c->inst->mems[0];
}

wasm_func *wasm_caller_table_func(wasm_caller *c, uint32_t i)
{
	wasm_table *t;

	if (!c->inst || c->inst->module->num_tables == 0)
		return NULL;
	t = c->inst->tables[0];
	if (t->elem != WASM_FUNCREF || i >= t->size)
		return NULL;
	return t->elems[i];
}

void wasm_caller_trap(wasm_caller *c, const char *msg)
{
	c->state = CALLER_TRAP;
	snprintf(c->msg, sizeof c->msg, "%s", msg ? msg : "host trap");
}

void wasm_caller_exit(wasm_caller *c, int code)
{
	c->state = CALLER_EXIT;
	c->exit_code = code;
}
