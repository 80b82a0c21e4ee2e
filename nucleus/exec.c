/*
 * exec.c: per-context execution state (wasm_exec in nucleus.h). The engine
 * keeps the running thread's state in per-OS-thread globals (interp.c's
 * value stack and frames, trap.c's trap chain); a wasm_exec is the place
 * where one kernel thread's copy waits while another runs (both engines':
 * the interpreter's and the JIT's jit_st). Also the preemption flag and
 * hook (nucleus.h).
 */
#include <stdlib.h>

#include "nucleus/runtime.h"

struct wasm_exec {
	struct interp_thread *interp; /* saved engine state */
	struct jit_state *jit;	      /* saved JIT state */
	void *chain;		      /* saved trap chain */
};

wasm_exec *wasm_exec_new(void)
{
	wasm_exec *e = calloc(1, sizeof *e);
	if (e && (!(e->interp = interp_state_new()) ||
		  !(e->jit = jit_state_new()))) {
		interp_state_free(e->interp);
		free(e);
		return NULL;
	}
	return e;
}

void wasm_exec_free(wasm_exec *e)
{
	if (!e)
		return;
	interp_state_free(e->interp);
	jit_state_free(e->jit);
	free(e);
}

/* Saves the live state in `save` and makes `load`'s live. */
void wasm_exec_switch(wasm_exec *save, wasm_exec *load)
{
	interp_state_swap(save->interp, load->interp);
	jit_state_swap(save->jit, load->jit);
	save->chain = rt_trap_chain_swap(load->chain);
	load->chain = NULL;
}

volatile uint8_t wasm_preempt_flag;
static bool (*preempt_hook)(void);

void wasm_set_preempt_hook(bool (*hook)(void))
{
	preempt_hook = hook;
}

void rt_preempt(void)
{
	wasm_preempt_flag = 0;
	if (preempt_hook && !preempt_hook())
		rt_trap(TRAP_INTERRUPTED, NULL, 0);
}

wasm_wait_hook rt_wait_hook;
wasm_notify_hook rt_notify_hook;

void wasm_set_atomic_hooks(wasm_wait_hook wait, wasm_notify_hook notify)
{
	rt_wait_hook = wait;
	rt_notify_hook = notify;
}
