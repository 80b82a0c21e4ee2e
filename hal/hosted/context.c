/*
 * context.c: the hosted HAL's contexts (hal.h), a user-level context
 * switch for x86-64 Linux. A context is a saved stack pointer; the switch
 * pushes the callee-saved registers on the old stack, swaps stack pointers
 * and pops them from the new one, so it costs a few nanoseconds and no
 * system call. Each stack is a reservation with an inaccessible guard page
 * at its low end, so an overflow faults instead of corrupting memory.
 *
 * Under AddressSanitizer every switch is announced with the sanitizer's
 * fiber interface, so that it knows which stack is live.
 */
#include "hal/hal.h"

#include <stdlib.h>

#if !defined(__x86_64__)
#error "hal/hosted/context.c: only x86-64 has a context switch so far"
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HAL_ASAN 1
#endif

#ifdef HAL_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
				    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
				     const void **bottom_old, size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#endif

struct hal_context {
	void *sp;	    /* saved stack pointer while not running */
	void *mem;	    /* reservation (guard page + stack); NULL: boot */
	size_t mem_len;	    /* its length */
	const void *bottom; /* usable stack (for the sanitizer) */
	size_t size;	    /* its size; 0 until known for the boot context */
	void (*fn)(void *); /* entry, for a new context */
	void *arg;	    /* its argument */
	void *fake_stack;   /* sanitizer bookkeeping */
};

/* hal_ctx_swap(&save_sp, new_sp): the switch itself (SysV ABI). */
void hal_ctx_swap(void **save_sp, void *new_sp);
/* First code a new context runs: calls hal_ctx_entry(context in rbx). */
void hal_ctx_start(void);

__asm__(".text\n"
	".globl hal_ctx_swap\n"
	".type hal_ctx_swap,@function\n"
	"hal_ctx_swap:\n"
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, (%rdi)\n"
	"	movq %rsi, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	ret\n"
	".size hal_ctx_swap, .-hal_ctx_swap\n"
	".globl hal_ctx_start\n"
	".type hal_ctx_start,@function\n"
	"hal_ctx_start:\n"
	"	movq %rbx, %rdi\n"
	"	call hal_ctx_entry\n"
	"	ud2\n"
	".size hal_ctx_start, .-hal_ctx_start\n");

/* Announces a switch to `to` (sanitizer only); `dying`: never resumed. */
static void switch_begin(hal_context *from, hal_context *to, int dying)
{
#ifdef HAL_ASAN
	__sanitizer_start_switch_fiber(dying ? NULL : &from->fake_stack,
				       to->bottom, to->size);
#else
	(void)from, (void)to, (void)dying;
#endif
}

/* Completes a switch into `self`; learns the boot stack's bounds. */
static void switch_end(hal_context *self)
{
#ifdef HAL_ASAN
	__sanitizer_finish_switch_fiber(self->fake_stack, NULL, NULL);
#else
	(void)self;
#endif
}

/* Where the previous context came from, for the sanitizer. */
static hal_context *hal_ctx_prev;

/* A new context's first C code: runs its function, which must not
 * return. */
void hal_ctx_entry(hal_context *c);
void hal_ctx_entry(hal_context *c)
{
#ifdef HAL_ASAN
	const void *bottom;
	size_t size;
	__sanitizer_finish_switch_fiber(NULL, &bottom, &size);
	if (hal_ctx_prev && hal_ctx_prev->size == 0) {
		hal_ctx_prev->bottom = bottom;
		hal_ctx_prev->size = size;
	}
#endif
	c->fn(c->arg);
	static const char m[] = "hal: a context's function returned\n";
	hal_console_write(2, m, sizeof m - 1);
	abort();
}

/*
 * Makes a context running fn(arg) on a new stack of at least stack_size
 * bytes (fn NULL: an empty context for the caller). NULL if out of memory.
 */
hal_context *hal_context_create(void (*fn)(void *), void *arg,
				size_t stack_size)
{
	hal_context *c = calloc(1, sizeof *c);
	size_t page = hal_page_size();
	uint64_t *top;

	if (!c || !fn)
		return c;
	stack_size = (stack_size + page - 1) & ~(page - 1);
	c->mem_len = stack_size + page;
	c->mem = hal_vm_reserve(c->mem_len);
	if (!c->mem || !hal_vm_protect((char *)c->mem + page, stack_size,
				       HAL_PROT_READ | HAL_PROT_WRITE)) {
		if (c->mem)
			hal_vm_release(c->mem, c->mem_len);
		free(c);
		return NULL;
	}
	c->bottom = (char *)c->mem + page;
	c->size = stack_size;
	c->fn = fn;
	c->arg = arg;
	/* Frame that hal_ctx_swap pops: r15 r14 r13 r12 rbx rbp, then the
	 * return address; after the ret the stack is 16-byte aligned. */
	top = (uint64_t *)((char *)c->mem + c->mem_len);
	top[-1] = (uint64_t)(uintptr_t)hal_ctx_start;
	top[-3] = (uint64_t)(uintptr_t)c; /* rbx */
	c->sp = top - 7;
	return c;
}

void hal_context_switch(hal_context *from, hal_context *to)
{
	switch_begin(from, to, 0);
	hal_ctx_prev = from;
	hal_ctx_swap(&from->sp, to->sp);
	switch_end(from);
}

_Noreturn void hal_context_exit(hal_context *from, hal_context *to)
{
	switch_begin(from, to, 1);
	hal_ctx_prev = from;
	hal_ctx_swap(&from->sp, to->sp);
	abort();
}

/* Frees c, which must not be running. */
void hal_context_destroy(hal_context *c)
{
	if (!c)
		return;
	if (c->mem) {
#ifdef HAL_ASAN
		/* Frames that never returned leave poisoned shadow behind. */
		__asan_unpoison_memory_region(c->bottom, c->size);
#endif
		hal_vm_release(c->mem, c->mem_len);
	}
	free(c);
}
