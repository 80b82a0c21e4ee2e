/*
 * jit_rt.c: the JIT's run-time support: entering JIT code from C, the
 * stubs (lazy compilation, host calls), code memory (W^X: written while
 * READ|WRITE, then made READ|EXEC), fault locations, and the instructions
 * the generated code leaves to C (jit_slow).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/jit.h"
#include "nucleus/jit_x64.h"

#define STACK_SLOTS (1u << 20)		  /* value stack: 16 MiB */
#define STACK_BUDGET ((uintptr_t)2 << 20) /* native stack for wasm */
#define MAX_NEST 256

struct jit_state jit_st;

/* Every installed function's code, under rt_reg_lock (the fault
 * handler reads it on any CPU). */
static struct jit_code *live;
static uint8_t *stubs; /* enter, lazy and host stubs */
static void (*enter)(void *code, wasm_val *fp, wasm_func *f);
static void *lazy_stub, *host_stub;

uint8_t *jit_map_code(const uint8_t *code, uint32_t len, size_t *maplen)
{
	size_t pg = hal_page_size();
	size_t n = ((size_t)len + pg - 1) / pg * pg;
	uint8_t *mem = hal_vm_reserve(n ? n : pg);
	if (!mem)
		return NULL;
	n = n ? n : pg;
	if (!hal_vm_protect(mem, n, HAL_PROT_READ | HAL_PROT_WRITE)) {
		hal_vm_release(mem, n);
		return NULL;
	}
	memcpy(mem, code, len);
	/* W^X: writable until here, executable from here on. */
	if (!hal_vm_protect(mem, n, HAL_PROT_READ | HAL_PROT_EXEC)) {
		hal_vm_release(mem, n);
		return NULL;
	}
	*maplen = n;
	return mem;
}

#ifdef JIT_PERF_MAP
#include <stdio.h>
#include <unistd.h>
/* Debug builds (-DJIT_PERF_MAP): names code for `perf report` in
 * /tmp/perf-PID.map. */
static void perf_map(const struct jit_code *jc)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
	FILE *fp = fopen(path, "a");
	if (!fp)
		return;
	const char *name = wasm_func_name(jc->f->inst->module, jc->f->index);
	fprintf(fp, "%lx %x %s#%u\n", (unsigned long)(uintptr_t)jc->mem,
		jc->size, name ? name : "wasm", jc->f->index);
	fclose(fp);
	snprintf(path, sizeof path, "/tmp/jit-%d-%u.bin", (int)getpid(),
		 jc->f->index);
	if ((fp = fopen(path, "wb"))) {
		fwrite(jc->mem, 1, jc->size, fp);
		fclose(fp);
	}
}
#endif

/*
 * Released code mappings kept for the next instance (its pages stay
 * backed, so compiling there neither faults nor zeroes them): at most
 * CODE_POOL, each under CODE_POOL_MAX bytes. They stay READ|EXEC until
 * taken, then become READ|WRITE: never writable and executable at once.
 */
#define CODE_POOL 2
#define CODE_POOL_MAX ((size_t)64 << 20)
static struct {
	uint8_t *mem;
	size_t len;
} code_pool[CODE_POOL];

/* Releases a code mapping, or keeps it in the pool. */
static void code_release(uint8_t *mem, size_t len)
{
	for (int i = 0; i < CODE_POOL && len <= CODE_POOL_MAX; i++)
		if (!code_pool[i].mem) {
			code_pool[i].mem = mem;
			code_pool[i].len = len;
			return;
		}
	hal_vm_release(mem, len);
}

/* A pooled mapping of at least n bytes, made READ|WRITE (the smallest
 * that fits), or NULL. */
static uint8_t *code_reuse(size_t n, size_t *maplen)
{
	int best = -1;
	for (int i = 0; i < CODE_POOL; i++)
		if (code_pool[i].mem && code_pool[i].len >= n &&
		    (best < 0 || code_pool[i].len < code_pool[best].len))
			best = i;
	if (best < 0)
		return NULL;
	uint8_t *mem = code_pool[best].mem;
	*maplen = code_pool[best].len;
	code_pool[best].mem = NULL;
	if (hal_vm_protect(mem, *maplen, HAL_PROT_READ | HAL_PROT_WRITE))
		return mem;
	hal_vm_release(mem, *maplen);
	return NULL;
}

uint8_t *jit_code_pages(size_t len, size_t *maplen)
{
	size_t pg = hal_page_size();
	size_t n = len ? (len + pg - 1) / pg * pg : pg;
	uint8_t *mem = code_reuse(n, maplen);
	if (mem)
		return mem;
	mem = hal_vm_reserve(n);
	if (mem && !hal_vm_protect(mem, n, HAL_PROT_READ | HAL_PROT_WRITE)) {
		hal_vm_release(mem, n);
		mem = NULL;
	}
	*maplen = n;
	return mem;
}

/* Makes blk (installed, with every defined function of inst's module)
 * the module's shared block *share: its functions' code stays until the
 * module goes. False (blk unchanged) when out of memory. */
static bool share_block(struct jit_block *blk, const wasm_instance *inst,
			struct jit_block **share)
{
	const wasm_module *m = inst->module;
	uint32_t ni = m->num_imported_funcs;
	uint8_t *host = malloc(ni ? ni : 1);
	if (!host)
		return false;
	for (uint32_t i = 0; i < ni; i++)
		host[i] = !inst->funcs[i]->inst;
	blk->host_imports = host;
	blk->module = m;
	blk->refs = 0;
	*share = blk;
	return true;
}

bool jit_install_block(uint8_t *mem, size_t maplen, const struct jit_code *jcs,
		       uint32_t n, uint32_t *pcs, struct jit_block **share)
{
	struct jit_block *blk = calloc(1, sizeof *blk);
	struct jit_code *copies = calloc(n + 1, sizeof *copies);
	/* W^X: writable until here, executable from here on. */
	if (!blk || !copies ||
	    !hal_vm_protect(mem, maplen, HAL_PROT_READ | HAL_PROT_EXEC)) {
		free(blk);
		free(copies);
		return false;
	}
	blk->mem = mem;
	blk->len = maplen;
	/* One allocation for the block's jit_codes: copies[0] owns it. */
	for (uint32_t i = 0; i < n; i++) {
		if (!jcs[i].f)
			continue;
		struct jit_code *jc = &copies[i];
		*jc = jcs[i];
		jc->mem = blk->mem + (uintptr_t)jcs[i].mem;
		jc->pcs = pcs + (uintptr_t)jcs[i].pcs;
		jc->block = blk;
		jc->index = jc->f->index;
		rt_reg_lock();
		jc->next = live;
		if (live)
			live->prev = jc;
		live = jc;
		rt_reg_unlock();
		blk->refs++;
		wasm_func *f = (wasm_func *)jc->f;
		f->jit = jc;
		f->jit_entry = jc->mem;
#ifdef JIT_PERF_MAP
		perf_map(jc);
#endif
	}
	blk->copies = copies;
	blk->pcs = pcs;
	if (share && blk->refs == n)
		share_block(blk, jcs[0].f->inst, share);
	else if (!blk->refs) {
		code_release(blk->mem, blk->len);
		free(copies);
		free(pcs);
		free(blk);
	}
	return true;
}

/* Unlinks jc from the live codes. */
static void unlink_code(struct jit_code *jc)
{
	rt_reg_lock();
	if (jc->prev)
		jc->prev->next = jc->next;
	else
		live = jc->next;
	if (jc->next)
		jc->next->prev = jc->prev;
	rt_reg_unlock();
}

/* Frees a block and its mapping. */
static void free_block(struct jit_block *blk)
{
	code_release(blk->mem, blk->len);
	free(blk->copies);
	free(blk->pcs);
	free(blk->host_imports);
	free(blk);
}

/* Frees f's code and the older codes tiering left (jit_tier.c): a
 * private block goes with its last function, a shared one with its
 * module (jit_free_module). */
void jit_free(wasm_func *f)
{
	struct jit_code *jc = f->jit, *next;

	f->jit = NULL;
	f->jit_entry = NULL;
	for (; jc; jc = next) {
		next = jc->older;
		if (!jc->block->refs)
			continue; /* the module's */
		unlink_code(jc);
		if (--jc->block->refs == 0)
			free_block(jc->block);
	}
}

void jit_free_module(wasm_module *m)
{
	for (int t = 0; t < 2; t++) {
		struct jit_block *blk = m->jit[t];
		if (!blk)
			continue;
		uint32_t n = m->num_funcs - m->num_imported_funcs;
		for (uint32_t i = 0; i < n; i++)
			unlink_code(&blk->copies[i]);
		free_block(blk);
		m->jit[t] = NULL;
	}
}

bool jit_attach(struct jit_block *blk, wasm_instance *inst)
{
	const wasm_module *m = inst->module;
	uint32_t ni = m->num_imported_funcs, n = m->num_funcs - ni;
	for (uint32_t i = 0; i < ni; i++)
		if ((uint8_t)!inst->funcs[i]->inst != blk->host_imports[i])
			return false;
	for (uint32_t i = 0; i < n; i++)
		if (inst->funcs[ni + i]->jit)
			return false;
	for (uint32_t i = 0; i < ni; i++)
		if (inst->funcs[i]->inst)
			jit_resolve(inst->funcs[i]);
	for (uint32_t i = 0; i < n; i++) {
		wasm_func *f = inst->funcs[ni + i];
		f->code = lower_shared(f, true);
		f->jit = &blk->copies[i];
		f->jit_entry = f->jit->mem;
	}
	return true;
}

bool jit_fault_location(void *pc, const wasm_func **func, uint32_t *offset)
{
	uintptr_t a = (uintptr_t)pc;
	for (struct jit_code *jc = live; jc; jc = jc->next) {
		uintptr_t m = (uintptr_t)jc->mem;
		if (a < m || a >= m + jc->size)
			continue;
		uint32_t off = (uint32_t)(a - m), lo = 0, hi = jc->nmap;
		const wasm_func *f = jc->f;
		if (!jc->block->refs) { /* shared: the running instance's */
			const wasm_instance *in = jit_st.inst;
			f = in && in->module == jc->block->module
				    ? in->funcs[jc->index]
				    : NULL;
		}
		*func = f;
		*offset = 0;
		if (!hi || !f)
			return true;
		while (hi - lo > 1) {
			uint32_t mid = (lo + hi) / 2;
			if (jc->pcs[2 * mid] <= off)
				lo = mid;
			else
				hi = mid;
		}
		*offset = lower_wasm_offset(f->code, jc->pcs[2 * lo + 1]);
		return true;
	}
	return false;
}

_Noreturn void jit_trap_pc(int kind, uint32_t pc, const wasm_func *f)
{
	rt_trap((enum rt_trap)kind, f, lower_wasm_offset(f->code, pc));
}

/* Compiles f on its first call (from the lazy stub): its entry. */
static void *lazy(wasm_func *f)
{
	if (!f->jit && (!jit_compile_instance(f->inst) || !f->jit))
		rt_trap(TRAP_EXHAUSTED, f, 0);
	f->jit_entry = f->jit->mem;
	return f->jit_entry;
}

void *jit_resolve(wasm_func *f)
{
	if (!f->jit_entry)
		f->jit_entry = f->inst ? lazy_stub : host_stub;
	return f->jit_entry;
}

void jit_host(wasm_func *f, wasm_instance *caller, wasm_val *fp)
{
	uint32_t np = f->type.nparams, nr = f->type.nresults;
	wasm_val *top = jit_st.top;
	jit_st.top = fp + (np > nr ? np : nr);
	jit_st.nest++;
	bool ok = rt_call_host(f, caller, fp);
	jit_st.nest--;
	jit_st.top = top;
	jit_st.inst = caller; /* if f called wasm that trapped */
	if (!ok)
		rt_trap_host();
}

/*
 * The stubs, generated once:
 *   enter(code, fp, f): saves rbx and r13, calls code with rbx = fp and
 *     rax = f (the C ABI's callee-saved registers are all preserved).
 *   lazy: rax = f; compiles f, then jumps to its code (rax = f).
 *   host: rax = f, rbx = frame, rdx = caller instance: jit_host.
 */
static bool make_stubs(void)
{
	struct xbuf b = {0};
	xb(&b, 0x53); /* push rbx; push r13; push rbp */
	xb(&b, 0x41);
	xb(&b, 0x55);
	xb(&b, 0x55);
	xrr(&b, 0, 1, 0x89, RSI, RBX); /* mov rbx, rsi */
	xrr(&b, 0, 1, 0x89, RDX, RAX); /* mov rax, rdx */
	xcallr(&b, RDI);
	xb(&b, 0x5D); /* pop rbp; pop r13; pop rbx; ret */
	xb(&b, 0x41);
	xb(&b, 0x5D);
	xb(&b, 0x5B);
	xb(&b, 0xC3);
	uint32_t lz = b.len;
	xb(&b, 0x50);		       /* push rax */
	xrr(&b, 0, 1, 0x89, RAX, RDI); /* mov rdi, rax */
	xcall(&b, (void *)lazy);
	xrr(&b, 0, 1, 0x89, RAX, RCX); /* mov rcx, rax */
	xb(&b, 0x58);		       /* pop rax */
	xrr(&b, 0, 0, 0xFF, 4, RCX);   /* jmp rcx */
	uint32_t hs = b.len;
	xalui(&b, 1, 5, RSP, 8);       /* sub rsp, 8 */
	xrr(&b, 0, 1, 0x89, RAX, RDI); /* mov rdi, rax */
	xrr(&b, 0, 1, 0x89, RDX, RSI); /* mov rsi, rdx */
	xrr(&b, 0, 1, 0x89, RBX, RDX); /* mov rdx, rbx */
	xcall(&b, (void *)jit_host);
	xalui(&b, 1, 0, RSP, 8); /* add rsp, 8 */
	xb(&b, 0xC3);
	if (b.oom)
		return false;
	size_t maplen;
	stubs = b.oom ? NULL : jit_map_code(b.p, b.len, &maplen);
	free(b.p);
	if (!stubs)
		return false;
	enter = (void (*)(void *, wasm_val *, wasm_func *))(void *)stubs;
	lazy_stub = stubs + lz;
	host_stub = stubs + hs;
	return true;
}

/* A saved JIT state (exec.c), empty: its value stack comes on first use. */
struct jit_state *jit_state_new(void)
{
	return calloc(1, sizeof(struct jit_state));
}

void jit_state_free(struct jit_state *s)
{
	if (!s)
		return;
	rt_stack_free(s->stack, STACK_SLOTS * sizeof *s->stack);
	free(s);
}

/* Saves the live state in save, makes load's live and empties load. */
void jit_state_swap(struct jit_state *save, struct jit_state *load)
{
	*save = jit_st;
	jit_st = *load;
	memset(load, 0, sizeof *load);
}

/* Allocates the value stack and the stubs, once per state; false if out
 * of memory. */
static bool init(void)
{
	if (!stubs && !make_stubs())
		return false;
	if (!jit_st.stack) {
		jit_st.stack = rt_stack_new(STACK_SLOTS * sizeof *jit_st.stack);
		if (!jit_st.stack)
			return false;
		jit_st.vend = jit_st.stack + STACK_SLOTS;
	}
	return true;
}

void jit_invoke(wasm_func *f, const wasm_val *args, wasm_val *results)
{
	if (!init())
		rt_trap(TRAP_EXHAUSTED, f, 0);
	if (jit_st.nest >= MAX_NEST)
		rt_trap(TRAP_EXHAUSTED, f, 0);
	void *code = lazy(f);
	struct lower_code *ic = f->code;
	wasm_val *fp = jit_st.nest ? jit_st.top : jit_st.stack;
	if ((size_t)(jit_st.vend - fp) < ic->nslots)
		rt_trap(TRAP_EXHAUSTED, f, 0);
	uintptr_t limit = jit_st.limit;
	if (!jit_st.nest) {
		uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
		jit_st.limit = sp > STACK_BUDGET ? sp - STACK_BUDGET : 0;
	}
	if (ic->nparams)
		memcpy(fp, args, ic->nparams * sizeof *fp);
	enter(code, fp, f);
	jit_st.limit = limit;
	if (ic->nresults)
		memcpy(results, fp, ic->nresults * sizeof *fp);
}
