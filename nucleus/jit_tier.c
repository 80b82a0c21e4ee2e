/*
 * jit_tier.c: tiering for the JIT (WASM_ENGINE_JIT, the default engine).
 *
 * Every function starts in the baseline (jit.c), whose code counts down
 * the function's budget (wasm_func.tier_budget) at its entry and on
 * every loop back edge (each loop header). When the budget runs out:
 *   - at the entry, jit_tier_up compiles the function with the
 *     optimizing tier (opt_*.c) in a block of its own, synchronously,
 *     points f->jit_entry at it (calls through entries and tables) and
 *     overwrites the start of the baseline body with a jump to the new
 *     body (the direct calls of the baseline block go there);
 *   - at a loop header, jit_tier_osr does the same, then compiles an
 *     on-stack-replacement entry for that loop (opt_build_at: an entry
 *     block that reads every slot live at the header from the frame and
 *     jumps to it). The baseline's stub has written its pinned slots to
 *     the frame; it undoes its prologue and jumps to the entry, which
 *     continues the running frame in optimized code until it returns.
 * Both tiers share the frame layout and calling convention (jit.h), so
 * that is all a switch takes. A function the optimizing tier does not
 * cover stays in the baseline (its budget set so it never runs out).
 * Older code stays valid (frames may still run it) and is freed with the
 * function (jit_free walks jit_code.older).
 *
 * Locking: one wasm thread runs at a time (as in trap.c); with code
 * running on several CPUs at once, the patch of a baseline entry would
 * need the other CPUs to see it atomically (it is 14 bytes).
 */
#include <string.h>

#include "nucleus/jit.h"

/* Calls plus loop iterations a function runs in the baseline before it
 * is optimized: about what the optimizing tier's compile time (roughly
 * 20 times the baseline's) buys back on a short function. After a
 * promotion the budget starts again, for the frames still running the
 * baseline: when it runs out in one of their loops, that loop moves to
 * optimized code (OSR). */
#define JIT_TIER_BUDGET 1000

/* A budget that never runs out: the function stays where it is. */
#define JIT_TIER_NEVER INT32_MAX

static int32_t budget = JIT_TIER_BUDGET;
static uint64_t promoted, replaced;

void wasm_jit_tier_budget(int32_t n)
{
	budget = n > 0 ? n : JIT_TIER_BUDGET;
}

void wasm_jit_tier_counts(uint64_t *p, uint64_t *osr)
{
	*p = promoted;
	*osr = replaced;
}

int32_t jit_tier_start(void)
{
	return budget;
}

/* Overwrites the first 14 bytes of old's body with jmp [rip]; target
 * (W^X: its pages writable only meanwhile). False if it could not. */
static bool patch_entry(struct jit_code *old, uint8_t *target)
{
	uint8_t *at = old->mem + JIT_ENTRY_STUB;
	size_t pg = hal_page_size();
	uint8_t *lo = (uint8_t *)((uintptr_t)at & ~(uintptr_t)(pg - 1));
	size_t len = (size_t)(at + 14 - lo + pg - 1) / pg * pg;
	uint8_t jmp[14] = {0xFF, 0x25, 0, 0, 0, 0};
	uintptr_t t = (uintptr_t)target;
	memcpy(jmp + 6, &t, 8);
	if (!hal_vm_protect(lo, len, HAL_PROT_READ | HAL_PROT_WRITE))
		return false;
	memcpy(at, jmp, sizeof jmp);
	return hal_vm_protect(lo, len, HAL_PROT_READ | HAL_PROT_EXEC);
}

void *jit_tier_up(wasm_func *f)
{
	struct jit_code *old = f->jit;
	if (old->tier == JIT_TIER_OPT) /* (the entry patch failed) */
		return old->mem + JIT_ENTRY_STUB;
	if (!jit_compile_opt(f, 0)) {
		f->tier_budget = JIT_TIER_NEVER;
		return NULL;
	}
	struct jit_code *jc = f->jit;
	jc->tier = JIT_TIER_OPT;
	jc->older = old;
	patch_entry(old, jc->mem + JIT_ENTRY_STUB);
	promoted++;
	f->tier_budget = budget;
	return jc->mem + JIT_ENTRY_STUB;
}

/* f's OSR entry at loop cell pc, compiled if need be; NULL if the tier
 * cannot make one. */
static struct jit_code *osr_code(wasm_func *f, uint32_t pc)
{
	struct jit_code *cur = f->jit, *o;
	for (o = cur; o; o = o->older)
		if (o->tier == JIT_TIER_OSR && o->osr_pc == pc)
			return o;
	void *entry = f->jit_entry;
	if (!jit_compile_opt(f, pc + 1))
		return NULL;
	o = f->jit; /* installed as f's code: put back the current one */
	f->jit = cur;
	f->jit_entry = entry;
	o->tier = JIT_TIER_OSR;
	o->osr_pc = pc;
	o->older = cur->older;
	cur->older = o;
	return o;
}

void *jit_tier_osr(wasm_func *f, uint32_t pc)
{
	struct jit_code *o = NULL;
	if ((f->jit->tier == JIT_TIER_OPT || jit_tier_up(f)) &&
	    (o = osr_code(f, pc)) == NULL)
		f->tier_budget = JIT_TIER_NEVER;
	if (!o)
		return NULL;
	replaced++;
	f->tier_budget = budget;
	return o->mem + JIT_ENTRY_STUB;
}
