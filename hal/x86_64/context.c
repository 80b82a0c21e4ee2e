/*
 * context.c: hal_context_* (hal.h) on bare metal: cooperative switches
 * between kernel threads, each on a stack of its own.
 *
 * A context is a saved stack pointer. switch.S pushes the callee-saved
 * registers, MXCSR and the x87 control word on the old stack, swaps stack
 * pointers and pops them from the new one. Nothing else needs saving:
 * switches happen only at calls (the scheduler's, at the nucleus's safe
 * points), never inside an interrupt, and interrupt handlers use no
 * SSE or x87 state (-mgeneral-regs-only).
 *
 * A stack is a VM-area reservation with an inaccessible guard page at
 * its low end; its pages are mapped on first use (page faults run on a
 * stack of their own, gdt.c). An overflow hits the guard page, a page
 * fault that the nucleus turns into a "call stack exhausted" trap.
 *
 * Each context also carries its console input (hal_console_set_input
 * applies to the running context), so that concurrent programs may each
 * read a file of the boot archive as their standard input.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"

struct hal_context {
	void *sp;   /* saved stack pointer while not running */
	void *mem;  /* reservation (guard page + stack); NULL: boot */
	size_t len; /* its length */
	void (*fn)(void *);
	void *arg;
	struct console_input input;
};

/* ctx_swap(&save_sp, new_sp): the switch (switch.S). */
void ctx_swap(void **save_sp, void *new_sp);
/* A new context's first code: calls ctx_entry(context in rbx). */
void ctx_start(void);

/* This CPU's running context; NULL until its first switch (then the
 * boot context it recorded). */
static PERCPU hal_context *current;
static struct console_input boot_input;

/* The console input of the running context. */
struct console_input *context_input(void)
{
	return current ? &current->input : &boot_input;
}

/* A new context's first C code: runs its function, which must not
 * return. */
void ctx_entry(hal_context *c);
void ctx_entry(hal_context *c)
{
	c->fn(c->arg);
	panic("hal: a context's function returned");
}

/*
 * Makes a context running fn(arg) on a new stack of at least stack_size
 * bytes (fn NULL: an empty context for the caller). NULL if out of memory.
 */
hal_context *hal_context_create(void (*fn)(void *), void *arg,
				size_t stack_size)
{
	hal_context *c = kzalloc(sizeof *c);
	if (!c || !fn)
		return c;
	stack_size = (stack_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	c->len = stack_size + PAGE_SIZE;
	c->mem = vm_reserve(c->len);
	char *bottom = (char *)c->mem + PAGE_SIZE;
	if (!c->mem ||
	    !vm_protect(bottom, stack_size, HAL_PROT_READ | HAL_PROT_WRITE)) {
		if (c->mem)
			vm_release(c->mem, c->len);
		kfree(c);
		return NULL;
	}
	c->fn = fn;
	c->arg = arg;
	/* The frame ctx_swap pops: MXCSR and x87 control word (one slot),
	 * r15 r14 r13 r12 rbx rbp, then the return address; after the ret
	 * the stack is 16-byte aligned, as ctx_start's call needs. */
	uint64_t *top = (uint64_t *)(bottom + stack_size);
	top[-1] = (uint64_t)(uintptr_t)ctx_start;
	top[-3] = (uint64_t)(uintptr_t)c;   /* rbx */
	top[-8] = 0x1f80 | 0x037full << 32; /* default MXCSR, x87 CW */
	c->sp = top - 8;
	return c;
}

/* Whoever switches back to `from` sets current to it again. */
void hal_context_switch(hal_context *from, hal_context *to)
{
	current = to;
	ctx_swap(&from->sp, to->sp);
}

_Noreturn void hal_context_exit(hal_context *from, hal_context *to)
{
	current = to;
	ctx_swap(&from->sp, to->sp);
	panic("hal: an ended context was resumed");
}

/* Frees c, which must not be running. */
void hal_context_destroy(hal_context *c)
{
	if (!c)
		return;
	if (c->mem)
		vm_release(c->mem, c->len);
	kfree(c);
}
