/*
 * interp.c: the interpreter's dispatch loop (see lower.h for the code
 * format).
 *
 * Each thread has a value stack of slots and a stack of call frames.
 * A wasm-to-wasm call does not recurse in C: the callee's frame starts at
 * the caller's argument slots (so the results land where the caller wants
 * them) and the loop continues in the callee. Only a host function calling
 * back into wasm (wasm_func_call) nests interp_invoke, which then continues
 * above the frames already in use.
 *
 * Dispatch is direct threading with computed goto where the compiler has
 * it (GCC, clang), else a switch; handlers are written with the vmdispatch/
 * vmcase/vmbreak macros so both work.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/atomic.h"
#include "nucleus/lower.h"
#include "nucleus/numeric.h"
#include "nucleus/simd.h"

#define STACK_SLOTS (1u << 20) /* 16 MiB of value stack per thread */
#define MAX_FRAMES (1u << 17)
#define MAX_NEST 256 /* host -> wasm re-entries (these recurse in C) */

struct frame {
	wasm_func *f;
	wasm_val *fp;
	const icell *ret; /* where the caller resumes; NULL: back to C */
};

struct interp_thread {
	wasm_val *stack, *stack_end;
	struct frame *frames, *frames_end;
	struct frame *fr; /* the running function's frame */
	const icell *pc;  /* last memory access, for fault messages */
	wasm_val *top;	  /* first free slot while a host call runs */
	uint32_t nest;	  /* host calls in progress */
};

static _Thread_local struct interp_thread T;

/*
 * Preemption point, at function entries and loop headers (W_LOOP): a
 * timer set wasm_preempt_flag; rt_preempt may switch contexts and return
 * much later, or trap.
 */
#define PREEMPT_CHECK()                                                        \
	do {                                                                   \
		if (__builtin_expect(wasm_preempt_flag, 0))                    \
			rt_preempt();                                          \
	} while (0)

#if defined(__GNUC__) && !defined(INTERP_SWITCH)
#define INTERP_GOTO 1
#endif

static uint32_t clz32(uint32_t x)
{
	return x ? (uint32_t)__builtin_clz(x) : 32;
}
static uint32_t ctz32(uint32_t x)
{
	return x ? (uint32_t)__builtin_ctz(x) : 32;
}
static uint64_t clz64(uint64_t x)
{
	return x ? (uint64_t)__builtin_clzll(x) : 64;
}
static uint64_t ctz64(uint64_t x)
{
	return x ? (uint64_t)__builtin_ctzll(x) : 64;
}

static uint32_t rotl32(uint32_t x, uint32_t n)
{
	n &= 31;
	return (x << n) | (x >> ((32 - n) & 31));
}

static uint32_t rotr32(uint32_t x, uint32_t n)
{
	n &= 31;
	return (x >> n) | (x << ((32 - n) & 31));
}

static uint64_t rotl64(uint64_t x, uint64_t n)
{
	n &= 63;
	return (x << n) | (x >> ((64 - n) & 63));
}

static uint64_t rotr64(uint64_t x, uint64_t n)
{
	n &= 63;
	return (x >> n) | (x << ((64 - n) & 63));
}

/* Allocates this thread's stacks; false when out of memory. */
static bool thread_init(void)
{
	if (T.stack)
		return true;
	T.stack = rt_stack_new(STACK_SLOTS * sizeof *T.stack);
	T.frames = rt_stack_new(MAX_FRAMES * sizeof *T.frames);
	if (!T.stack || !T.frames) {
		rt_stack_free(T.stack, STACK_SLOTS * sizeof *T.stack);
		rt_stack_free(T.frames, MAX_FRAMES * sizeof *T.frames);
		T.stack = NULL;
		T.frames = NULL;
		return false;
	}
	T.stack_end = T.stack + STACK_SLOTS;
	T.frames_end = T.frames + MAX_FRAMES;
	return true;
}

static const int32_t *op_table(void);

/* f's lowered code, the module's shared one, lowering it on its first
 * use by any instance; NULL if out of memory. */
static struct lower_code *code_of(wasm_func *f)
{
	if (!f->code && !(f->code = lower_shared(f, false)))
		f->code = lower_publish(f, false,
					lower_func(f, op_table(), NULL));
	return f->code;
}

static void run(struct frame *fr, const int32_t **table);

/* The handler cell value of each internal opcode (lower_func's
 * handlers). */
static const int32_t *op_table(void)
{
	static const int32_t *table;
	if (!table)
		run(NULL, &table);
	return table;
}

/* Runs wasm function f (not a host function); see runtime.h. */
void interp_invoke(wasm_func *f, const wasm_val *args, wasm_val *results)
{
	if (!thread_init())
		rt_trap(TRAP_EXHAUSTED, f, 0);
	struct lower_code *code = code_of(f);
	if (!code)
		rt_trap(TRAP_NO_MEMORY, f, 0);
	if (T.nest >= MAX_NEST)
		rt_trap(TRAP_EXHAUSTED, f, 0);
	bool nested = T.nest > 0;
	wasm_val *fp = nested ? T.top : T.stack;
	struct frame *fr = nested ? T.fr + 1 : T.frames;
	if (fr >= T.frames_end || (size_t)(T.stack_end - fp) < code->nslots)
		rt_trap(TRAP_EXHAUSTED, f, 0);
	if (code->nparams)
		memcpy(fp, args, code->nparams * sizeof *fp);
	memset(fp + code->nparams, 0,
	       (code->nlocals - code->nparams) * sizeof *fp);
	fr->f = f;
	fr->fp = fp;
	fr->ret = NULL;
	struct frame *saved = T.fr;
	T.fr = fr;
	run(fr, NULL);
	if (code->nresults)
		memcpy(results, fp, code->nresults * sizeof *fp);
	T.fr = saved;
}

/*
 * Where a memory fault happened: the running function and the wasm offset
 * of its last memory access. Every load and store saves its pc for this
 * (FAULT_PC); that cost about 2% on CoreMark, when it was our benchmark.
 */
void interp_fault_location(const wasm_func **func, uint32_t *offset)
{
	*func = NULL;
	*offset = 0;
	if (!T.fr || !T.fr->f)
		return;
	const struct lower_code *c = T.fr->f->code;
	*func = T.fr->f;
	if (c && T.pc >= c->code && T.pc < c->code + c->len)
		*offset = lower_wasm_offset(c, (uint32_t)(T.pc - c->code));
}

/*
 * Per-context state (wasm_exec_switch): the kernel runs several wasm
 * threads on one OS thread, each on its own native stack, and each must
 * have its own value stack and frames. Rather than reaching T through a
 * pointer on every access (the hot loop writes T.pc), the live state stays
 * in T and a switch copies it out to the outgoing context's save area and
 * copies the incoming one in. Whoever holds a state owns its stacks: the
 * loaded save area is cleared.
 */
struct interp_thread *interp_state_new(void)
{
	return calloc(1, sizeof(struct interp_thread));
}

void interp_state_free(struct interp_thread *t)
{
	if (!t)
		return;
	rt_stack_free(t->stack, STACK_SLOTS * sizeof *t->stack);
	rt_stack_free(t->frames, MAX_FRAMES * sizeof *t->frames);
	free(t);
}

void interp_state_swap(struct interp_thread *save, struct interp_thread *load)
{
	*save = T;
	T = *load;
	memset(load, 0, sizeof *load);
}

/* Calls host function f with args at fp, results written back there. */
static void call_host(wasm_func *f, wasm_instance *caller, wasm_val *fp,
		      wasm_val *top)
{
	struct frame *fr = T.fr;
	T.top = top;
	T.nest++;
	bool ok = rt_call_host(f, caller, fp);
	T.nest--;
	T.fr = fr;
	if (!ok)
		rt_trap_host();
}

/* Dispatch macros, after Lua's lvm.c. */
#ifdef INTERP_GOTO
#define vmdispatch(o) goto *(const void *)(disp + (int32_t)(o));
#define vmcase(n) L_##n:
#define vmbreak vmdispatch(*pc)
#else
#define vmdispatch(o) switch (o)
#define vmcase(n) case IOP_##n:
#define vmbreak break
#endif

/* Operand i of the current instruction, as a slot. */
#define S(i) fp[pc[i]]
#define TRAP(k)                                                                \
	rt_trap((k), fr->f, lower_wasm_offset(fr->f->code, (uint32_t)(pc - cb)))
#define LOAD_INST()                                                            \
	do {                                                                   \
		inst = fr->f->inst;                                            \
		mb = inst->module->num_mems ? inst->mems[0]->base : NULL;      \
	} while (0)
/* Effective address of a load (i = 2) or store (i = 1); offset in pc[3]. */
#define EA(i) (mb + (uint64_t)S(i).i32 + pc[3])
#define FAULT_PC() (T.pc = pc)

/* Numeric instruction templates: d = pc[1], a = pc[2], b = pc[3]. */
#define UN(name, expr)                                                         \
	vmcase(W_##name)                                                       \
	{                                                                      \
		expr;                                                          \
		pc += 3;                                                       \
	}                                                                      \
	vmbreak;
#define BIN(name, expr)                                                        \
	vmcase(W_##name)                                                       \
	{                                                                      \
		expr;                                                          \
		pc += 4;                                                       \
	}                                                                      \
	vmbreak;
#define I32BIN(name, T_, e)                                                    \
	BIN(name, T_ a = (T_)S(2).i32; T_ b = (T_)S(3).i32;                    \
	    S(1).i32 = (uint32_t)(e))
#define I64BIN(name, T_, e)                                                    \
	BIN(name, T_ a = (T_)S(2).i64; T_ b = (T_)S(3).i64;                    \
	    S(1).i64 = (uint64_t)(e))
#define I64CMP(name, T_, e)                                                    \
	BIN(name, T_ a = (T_)S(2).i64; T_ b = (T_)S(3).i64; S(1).i32 = (e))
#define F32BIN(name, e)                                                        \
	BIN(name, float a = f32_of(S(2).f32); float b = f32_of(S(3).f32);      \
	    S(1).f32 = f32_bits(e))
#define F32CMP(name, e)                                                        \
	BIN(name, float a = f32_of(S(2).f32); float b = f32_of(S(3).f32);      \
	    S(1).i32 = (e))
#define F64BIN(name, e)                                                        \
	BIN(name, double a = f64_of(S(2).f64); double b = f64_of(S(3).f64);    \
	    S(1).f64 = f64_bits(e))
#define F64CMP(name, e)                                                        \
	BIN(name, double a = f64_of(S(2).f64); double b = f64_of(S(3).f64);    \
	    S(1).i32 = (e))
#define F32UN(name, e)                                                         \
	UN(name, float a = f32_of(S(2).f32); S(1).f32 = f32_bits(e))
#define F64UN(name, e)                                                         \
	UN(name, double a = f64_of(S(2).f64); S(1).f64 = f64_bits(e))
/* RI forms: b is the immediate in pc[3]. */
#define RI32(name, T_, e)                                                      \
	vmcase(name##_RI)                                                      \
	{                                                                      \
		T_ a = (T_)S(2).i32;                                           \
		T_ b = (T_)pc[3];                                              \
		S(1).i32 = (uint32_t)(e);                                      \
		pc += 4;                                                       \
	}                                                                      \
	vmbreak;
#define RI64(name, T_, e)                                                      \
	vmcase(name##_RI)                                                      \
	{                                                                      \
		T_ a = (T_)S(2).i64;                                           \
		T_ b = (T_)(int64_t)(int32_t)pc[3];                            \
		S(1).i64 = (uint64_t)(e);                                      \
		pc += 4;                                                       \
	}                                                                      \
	vmbreak;
/* Trapping float-to-int: x is NaN -> invalid, outside (lo, hi) -> overflow. */
#define TRUNC(name, get, FT, inrange, field, IT)                               \
	vmcase(W_##name)                                                       \
	{                                                                      \
		FT x = get;                                                    \
		if (x != x)                                                    \
			TRAP(TRAP_INVALID_CONVERSION);                         \
		if (!(inrange))                                                \
			TRAP(TRAP_INT_OVERFLOW);                               \
		S(1).field = (IT)x;                                            \
		pc += 3;                                                       \
	}                                                                      \
	vmbreak;
/* Saturating: NaN -> 0, clamps to [min, max]. */
#define TRUNC_SAT(name, get, FT, lo_ok, hi_ok, field, IT, MIN, MAX)            \
	vmcase(W_##name)                                                       \
	{                                                                      \
		FT x = get;                                                    \
		S(1).field = x != x	? 0                                    \
			     : !(lo_ok) ? (uint64_t)(MIN)                      \
			     : !(hi_ok) ? (uint64_t)(MAX)                      \
					: (uint64_t)(IT)x;                     \
		pc += 3;                                                       \
	}                                                                      \
	vmbreak;
#define LOAD(name, CT, field, ET)                                              \
	vmcase(W_##name)                                                       \
	{                                                                      \
		CT v;                                                          \
		FAULT_PC();                                                    \
		memcpy(&v, EA(2), sizeof v);                                   \
		S(1).field = (ET)v;                                            \
		pc += 4;                                                       \
	}                                                                      \
	vmbreak;
#define STORE(name, CT, field)                                                 \
	vmcase(W_##name)                                                       \
	{                                                                      \
		CT v = (CT)S(2).field;                                         \
		FAULT_PC();                                                    \
		memcpy(EA(1), &v, sizeof v);                                   \
		pc += 4;                                                       \
	}                                                                      \
	vmbreak;

/*
 * The loop: runs from frame `fr` (already set up) until it returns. With
 * `table` set, only reports the handler table.
 */
static void run(struct frame *fr, const int32_t **table)
{
#ifdef INTERP_GOTO
#define OFF_W(name, prefix, code, imm, p1, p2, res, text)                      \
	[IOP_W_##name] = &&L_W_##name - &&L_W_UNREACHABLE,
#define OFF_E(name) [IOP_##name] = &&L_##name - &&L_W_UNREACHABLE,
	static const int32_t offs[IOP_COUNT] = {WASM_OPCODES(OFF_W)
							IOP_OWN(OFF_E)};
	const char *disp = (const char *)&&L_W_UNREACHABLE;
#else
	static int32_t offs[IOP_COUNT];
	if (table) {
		for (int i = 0; i < IOP_COUNT; i++)
			offs[i] = i;
	}
#endif
	if (table) {
		*table = offs;
		return;
	}
	wasm_val *fp = fr->fp;
	const icell *cb = fr->f->code->code, *pc = cb;
	wasm_instance *inst;
	uint8_t *mb;
	wasm_func *callee;
	wasm_val *nfp;
	LOAD_INST();
	PREEMPT_CHECK();
	for (;;) {
		vmdispatch(*pc)
		{
			vmcase(W_UNREACHABLE)
			TRAP(TRAP_UNREACHABLE);
			vmcase(BR)
			pc = cb + pc[1];
			vmbreak;
			vmcase(BR_IF)
			pc = S(1).i32 ? cb + pc[2] : pc + 3;
			vmbreak;
			vmcase(BR_IFZ)
			pc = S(1).i32 ? pc + 3 : cb + pc[2];
			vmbreak;
			vmcase(BR_IF_MOV)
			if (S(1).i32) {
				fp[pc[3]] = fp[pc[4]];
				pc = cb + pc[2];
			} else {
				pc += 5;
			}
			vmbreak;
			vmcase(BR_IFZ_MOV)
			if (!S(1).i32) {
				fp[pc[3]] = fp[pc[4]];
				pc = cb + pc[2];
			} else {
				pc += 5;
			}
			vmbreak;
			vmcase(BR_TABLE)
			{
				uint32_t i = S(1).i32, n = pc[2];
				pc = cb + pc[3 + (i < n ? i : n)];
			}
			vmbreak;
#define CMPCASES(n, op, T_)                                                    \
	vmcase(W_I32_##n)                                                      \
	S(1).i32 = (T_)S(2).i32 op(T_) S(3).i32;                               \
	pc += 4;                                                               \
	vmbreak;                                                               \
	vmcase(I32_##n##_RI)                                                   \
	S(1).i32 = (T_)S(2).i32 op(T_) pc[3];                                  \
	pc += 4;                                                               \
	vmbreak;                                                               \
	vmcase(BR_##n)                                                         \
	pc = (T_)S(1).i32 op(T_) S(2).i32 ? cb + pc[3] : pc + 4;               \
	vmbreak;                                                               \
	vmcase(BR_##n##_RI)                                                    \
	pc = (T_)S(1).i32 op(T_) pc[2] ? cb + pc[3] : pc + 4;                  \
	vmbreak;
			ICMP32(CMPCASES)
			vmcase(COPY)
			fp[pc[1]] = fp[pc[2]];
			pc += 3;
			vmbreak;
			vmcase(CONST32)
			S(1).i64 = pc[2];
			pc += 3;
			vmbreak;
			vmcase(CONST64)
			S(1).i64 = pc[2] | (uint64_t)pc[3] << 32;
			pc += 4;
			vmbreak;
			vmcase(SEL)
			fp[pc[1]] = S(4).i32 ? S(2) : S(3);
			pc += 5;
			vmbreak;
			vmcase(GGET)
			S(1) = inst->globals[pc[2]]->val;
			pc += 3;
			vmbreak;
			vmcase(GSET)
			inst->globals[pc[1]]->val = S(2);
			pc += 3;
			vmbreak;
			vmcase(CALL)
			callee = inst->funcs[pc[1]];
			nfp = fp + pc[2];
			pc += 3;
			goto do_call;
			vmcase(CALL_IND)
			{
				wasm_table *t = inst->tables[pc[2]];
				uint32_t i = S(4).i32;
				if (i >= t->size)
					TRAP(TRAP_UNDEFINED_ELEMENT);
				callee = t->elems[i];
				if (!callee)
					TRAP(TRAP_UNINITIALIZED_ELEMENT);
				if (callee->sig != inst->type_sigs[pc[1]])
					TRAP(TRAP_INDIRECT_MISMATCH);
				nfp = fp + pc[3];
				pc += 5;
				goto do_call;
			}
do_call : {
	if (!callee->inst) {
		call_host(callee, inst, nfp, fp + fr->f->code->nslots);
		vmbreak;
	}
	struct lower_code *code = code_of(callee);
	pc--;	   /* inside the call, for the trap's offset */
	if (!code) /* no memory to lower it in */
		TRAP(TRAP_NO_MEMORY);
	if (fr + 1 >= T.frames_end ||
	    (size_t)(T.stack_end - nfp) < code->nslots)
		TRAP(TRAP_EXHAUSTED);
	memset(nfp + code->nparams, 0,
	       (code->nlocals - code->nparams) * sizeof *nfp);
	fr++;
	fr->f = callee;
	fr->fp = nfp;
	fr->ret = pc + 1;
	T.fr = fr;
	fp = nfp;
	cb = pc = code->code;
	if (callee->inst != inst)
		LOAD_INST();
	PREEMPT_CHECK();
}
			vmbreak;
			vmcase(RET)
			{
				const icell *ret = fr->ret;
				if (!ret)
					return;
				fr--;
				T.fr = fr;
				fp = fr->fp;
				cb = fr->f->code->code;
				pc = ret;
				if (fr->f->inst != inst)
					LOAD_INST();
			}
			vmbreak;
			vmcase(REF_NULL)
			S(1).ref = NULL;
			pc += 2;
			vmbreak;
			vmcase(REF_ISNULL)
			S(1).i32 = S(2).ref == NULL;
			pc += 3;
			vmbreak;
			vmcase(REF_FUNC)
			S(1).ref = inst->funcs[pc[2]];
			pc += 3;
			vmbreak;

			/* memory */
			LOAD(I32_LOAD, uint32_t, i32, uint32_t)
			LOAD(I64_LOAD, uint64_t, i64, uint64_t)
			LOAD(F32_LOAD, uint32_t, f32, uint32_t)
			LOAD(F64_LOAD, uint64_t, f64, uint64_t)
			LOAD(I32_LOAD8_S, int8_t, i32, uint32_t)
			LOAD(I32_LOAD8_U, uint8_t, i32, uint32_t)
			LOAD(I32_LOAD16_S, int16_t, i32, uint32_t)
			LOAD(I32_LOAD16_U, uint16_t, i32, uint32_t)
			LOAD(I64_LOAD8_S, int8_t, i64, uint64_t)
			LOAD(I64_LOAD8_U, uint8_t, i64, uint64_t)
			LOAD(I64_LOAD16_S, int16_t, i64, uint64_t)
			LOAD(I64_LOAD16_U, uint16_t, i64, uint64_t)
			LOAD(I64_LOAD32_S, int32_t, i64, uint64_t)
			LOAD(I64_LOAD32_U, uint32_t, i64, uint64_t)
			STORE(I32_STORE, uint32_t, i32)
			STORE(I64_STORE, uint64_t, i64)
			STORE(F32_STORE, uint32_t, f32)
			STORE(F64_STORE, uint64_t, f64)
			STORE(I32_STORE8, uint8_t, i32)
			STORE(I32_STORE16, uint16_t, i32)
			STORE(I64_STORE8, uint8_t, i64)
			STORE(I64_STORE16, uint16_t, i64)
			STORE(I64_STORE32, uint32_t, i64)
			vmcase(W_MEMORY_SIZE)
			S(1).i32 = (uint32_t)inst->mems[0]->pages;
			pc += 2;
			vmbreak;
			vmcase(W_MEMORY_GROW)
			S(1).i32 = (uint32_t)rt_memory_grow(inst->mems[0],
							    S(2).i32);
			pc += 3;
			vmbreak;
			vmcase(W_MEMORY_INIT)
			{
				uint32_t d = S(1).i32, s = S(2).i32,
					 n = S(3).i32, seg = pc[4];
				const wasm_data *data =
					&inst->module->datas[seg];
				uint64_t len =
					inst->data_dropped[seg] ? 0 : data->len;
				if ((uint64_t)s + n > len ||
				    (uint64_t)d + n >
					    inst->mems[0]->pages * WASM_PAGE)
					TRAP(TRAP_MEMORY_OOB);
				if (n)
					memcpy(mb + d, data->bytes + s, n);
				pc += 5;
			}
			vmbreak;
			vmcase(W_DATA_DROP)
			inst->data_dropped[pc[1]] = true;
			pc += 2;
			vmbreak;
			vmcase(W_MEMORY_COPY)
			{
				uint32_t d = S(1).i32, s = S(2).i32,
					 n = S(3).i32;
				uint64_t size =
					inst->mems[0]->pages * WASM_PAGE;
				if ((uint64_t)s + n > size ||
				    (uint64_t)d + n > size)
					TRAP(TRAP_MEMORY_OOB);
				memmove(mb + d, mb + s, n);
				pc += 4;
			}
			vmbreak;
			vmcase(W_MEMORY_FILL)
			{
				uint32_t d = S(1).i32, v = S(2).i32,
					 n = S(3).i32;
				if ((uint64_t)d + n >
				    inst->mems[0]->pages * WASM_PAGE)
					TRAP(TRAP_MEMORY_OOB);
				memset(mb + d, (int)(uint8_t)v, n);
				pc += 4;
			}
			vmbreak;

			/* threads: the atomic instructions, all in atomic.c */
#define ATOMIC(name, prefix, code, imm, p1, p2, res, text)                     \
	vmcase(W_##name)                                                       \
	{                                                                      \
		int k = atomic_run(inst, IOP_W_##name, fp, pc);                \
		if (k >= 0)                                                    \
			TRAP((enum rt_trap)k);                                 \
		pc += LOWER_ATOMIC_LEN;                                        \
	}                                                                      \
	vmbreak;
			WASM_ATOMIC_OPCODES(ATOMIC)
#undef ATOMIC
#define SIMD(name, prefix, code, imm, p1, p2, res, text)                       \
	vmcase(W_##name)                                                       \
	{                                                                      \
		FAULT_PC();                                                    \
		simd_run(IOP_W_##name, fp, pc, mb);                            \
		pc += LOWER_SIMD_LEN;                                          \
	}                                                                      \
	vmbreak;
			WASM_SIMD_OPCODES(SIMD)
#undef SIMD

			/* tables */
			vmcase(W_TABLE_GET)
			{
				wasm_table *t = inst->tables[pc[2]];
				uint32_t i = S(3).i32;
				if (i >= t->size)
					TRAP(TRAP_TABLE_OOB);
				S(1).ref = t->elems[i];
				pc += 4;
			}
			vmbreak;
			vmcase(W_TABLE_SET)
			{
				wasm_table *t = inst->tables[pc[3]];
				uint32_t i = S(1).i32;
				if (i >= t->size)
					TRAP(TRAP_TABLE_OOB);
				t->elems[i] = S(2).ref;
				pc += 4;
			}
			vmbreak;
			vmcase(W_TABLE_SIZE)
			S(1).i32 = inst->tables[pc[2]]->size;
			pc += 3;
			vmbreak;
			vmcase(W_TABLE_GROW)
			S(1).i32 = (uint32_t)rt_table_grow(inst->tables[pc[4]],
							   S(3).i32, S(2).ref);
			pc += 5;
			vmbreak;
			vmcase(W_TABLE_FILL)
			if (!rt_table_fill(inst->tables[pc[4]], S(1).i32,
					   S(2).ref, S(3).i32))
				TRAP(TRAP_TABLE_OOB);
			pc += 5;
			vmbreak;
			vmcase(W_TABLE_COPY)
			if (!rt_table_copy(inst->tables[pc[4]], S(1).i32,
					   inst->tables[pc[5]], S(2).i32,
					   S(3).i32))
				TRAP(TRAP_TABLE_OOB);
			pc += 6;
			vmbreak;
			vmcase(W_TABLE_INIT)
			if (!rt_table_init(inst, inst->tables[pc[5]], pc[4],
					   S(1).i32, S(2).i32, S(3).i32))
				TRAP(TRAP_TABLE_OOB);
			pc += 6;
			vmbreak;
			vmcase(W_ELEM_DROP)
			inst->elem_dropped[pc[1]] = true;
			pc += 2;
			vmbreak;

			/* i32 */
			UN(I32_EQZ, S(1).i32 = S(2).i32 == 0)
			UN(I32_CLZ, S(1).i32 = clz32(S(2).i32))
			UN(I32_CTZ, S(1).i32 = ctz32(S(2).i32))
			UN(I32_POPCNT,
			   S(1).i32 = (uint32_t)__builtin_popcount(S(2).i32))
			I32BIN(I32_ADD, uint32_t, a + b)
			I32BIN(I32_SUB, uint32_t, a - b)
			I32BIN(I32_MUL, uint32_t, a * b)
			vmcase(W_I32_DIV_S)
			{
				int32_t a = (int32_t)S(2).i32,
					b = (int32_t)S(3).i32;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				if (a == INT32_MIN && b == -1)
					TRAP(TRAP_INT_OVERFLOW);
				S(1).i32 = (uint32_t)(a / b);
				pc += 4;
			}
			vmbreak;
			vmcase(W_I32_DIV_U)
			{
				uint32_t a = S(2).i32, b = S(3).i32;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				S(1).i32 = a / b;
				pc += 4;
			}
			vmbreak;
			vmcase(W_I32_REM_S)
			{
				int32_t a = (int32_t)S(2).i32,
					b = (int32_t)S(3).i32;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				S(1).i32 = b == -1 ? 0 : (uint32_t)(a % b);
				pc += 4;
			}
			vmbreak;
			vmcase(W_I32_REM_U)
			{
				uint32_t a = S(2).i32, b = S(3).i32;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				S(1).i32 = a % b;
				pc += 4;
			}
			vmbreak;
			I32BIN(I32_AND, uint32_t, a & b)
			I32BIN(I32_OR, uint32_t, a | b)
			I32BIN(I32_XOR, uint32_t, a ^ b)
			I32BIN(I32_SHL, uint32_t, a << (b & 31))
			I32BIN(I32_SHR_S, int32_t, a >> (b & 31))
			I32BIN(I32_SHR_U, uint32_t, a >> (b & 31))
			I32BIN(I32_ROTL, uint32_t, rotl32(a, b))
			I32BIN(I32_ROTR, uint32_t, rotr32(a, b))
			vmcase(I32_SHRU_AND)
			S(1).i32 = (S(2).i32 >> (pc[3] & 31)) & pc[4];
			pc += 5;
			vmbreak;
			vmcase(I32_MUL_ADD)
			S(1).i32 = S(2).i32 * S(3).i32 + S(4).i32;
			pc += 5;
			vmbreak;
			RI32(I32_ADD, uint32_t, a + b)
			RI32(I32_SUB, uint32_t, a - b)
			RI32(I32_MUL, uint32_t, a * b)
			RI32(I32_AND, uint32_t, a & b)
			RI32(I32_OR, uint32_t, a | b)
			RI32(I32_XOR, uint32_t, a ^ b)
			RI32(I32_SHL, uint32_t, a << (b & 31))
			RI32(I32_SHR_S, int32_t, a >> (b & 31))
			RI32(I32_SHR_U, uint32_t, a >> (b & 31))

			/* i64 */
			UN(I64_EQZ, S(1).i32 = S(2).i64 == 0)
			I64CMP(I64_EQ, uint64_t, a == b)
			I64CMP(I64_NE, uint64_t, a != b)
			I64CMP(I64_LT_S, int64_t, a < b)
			I64CMP(I64_LT_U, uint64_t, a < b)
			I64CMP(I64_GT_S, int64_t, a > b)
			I64CMP(I64_GT_U, uint64_t, a > b)
			I64CMP(I64_LE_S, int64_t, a <= b)
			I64CMP(I64_LE_U, uint64_t, a <= b)
			I64CMP(I64_GE_S, int64_t, a >= b)
			I64CMP(I64_GE_U, uint64_t, a >= b)
			UN(I64_CLZ, S(1).i64 = clz64(S(2).i64))
			UN(I64_CTZ, S(1).i64 = ctz64(S(2).i64))
			UN(I64_POPCNT,
			   S(1).i64 = (uint64_t)__builtin_popcountll(S(2).i64))
			I64BIN(I64_ADD, uint64_t, a + b)
			I64BIN(I64_SUB, uint64_t, a - b)
			I64BIN(I64_MUL, uint64_t, a * b)
			vmcase(W_I64_DIV_S)
			{
				int64_t a = (int64_t)S(2).i64,
					b = (int64_t)S(3).i64;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				if (a == INT64_MIN && b == -1)
					TRAP(TRAP_INT_OVERFLOW);
				S(1).i64 = (uint64_t)(a / b);
				pc += 4;
			}
			vmbreak;
			vmcase(W_I64_DIV_U)
			{
				uint64_t a = S(2).i64, b = S(3).i64;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				S(1).i64 = a / b;
				pc += 4;
			}
			vmbreak;
			vmcase(W_I64_REM_S)
			{
				int64_t a = (int64_t)S(2).i64,
					b = (int64_t)S(3).i64;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				S(1).i64 = b == -1 ? 0 : (uint64_t)(a % b);
				pc += 4;
			}
			vmbreak;
			vmcase(W_I64_REM_U)
			{
				uint64_t a = S(2).i64, b = S(3).i64;
				if (b == 0)
					TRAP(TRAP_DIV_ZERO);
				S(1).i64 = a % b;
				pc += 4;
			}
			vmbreak;
			I64BIN(I64_AND, uint64_t, a & b)
			I64BIN(I64_OR, uint64_t, a | b)
			I64BIN(I64_XOR, uint64_t, a ^ b)
			I64BIN(I64_SHL, uint64_t, a << (b & 63))
			I64BIN(I64_SHR_S, int64_t, a >> (b & 63))
			I64BIN(I64_SHR_U, uint64_t, a >> (b & 63))
			I64BIN(I64_ROTL, uint64_t, rotl64(a, b))
			I64BIN(I64_ROTR, uint64_t, rotr64(a, b))
			RI64(I64_ADD, uint64_t, a + b)
			RI64(I64_SUB, uint64_t, a - b)
			RI64(I64_AND, uint64_t, a & b)
			RI64(I64_OR, uint64_t, a | b)
			RI64(I64_XOR, uint64_t, a ^ b)
			RI64(I64_SHL, uint64_t, a << (b & 63))
			RI64(I64_SHR_S, int64_t, a >> (b & 63))
			RI64(I64_SHR_U, uint64_t, a >> (b & 63))

			/* f32 */
			F32CMP(F32_EQ, a == b)
			F32CMP(F32_NE, a != b)
			F32CMP(F32_LT, a < b)
			F32CMP(F32_GT, a > b)
			F32CMP(F32_LE, a <= b)
			F32CMP(F32_GE, a >= b)
			UN(F32_ABS, S(1).f32 = S(2).f32 & 0x7fffffffu)
			UN(F32_NEG, S(1).f32 = S(2).f32 ^ 0x80000000u)
			F32UN(F32_CEIL, a != a ? a + a : ceilf(a))
			F32UN(F32_FLOOR, a != a ? a + a : floorf(a))
			F32UN(F32_TRUNC, a != a ? a + a : truncf(a))
			F32UN(F32_NEAREST, a != a ? a + a : rintf(a))
			F32UN(F32_SQRT, sqrtf(a))
			F32BIN(F32_ADD, a + b)
			F32BIN(F32_SUB, a - b)
			F32BIN(F32_MUL, a * b)
			F32BIN(F32_DIV, a / b)
			F32BIN(F32_MIN, wmin32(a, b))
			F32BIN(F32_MAX, wmax32(a, b))
			BIN(F32_COPYSIGN, S(1).f32 = (S(2).f32 & 0x7fffffffu) |
						     (S(3).f32 & 0x80000000u))

			/* f64 */
			F64CMP(F64_EQ, a == b)
			F64CMP(F64_NE, a != b)
			F64CMP(F64_LT, a < b)
			F64CMP(F64_GT, a > b)
			F64CMP(F64_LE, a <= b)
			F64CMP(F64_GE, a >= b)
			UN(F64_ABS, S(1).f64 = S(2).f64 & 0x7fffffffffffffffull)
			UN(F64_NEG, S(1).f64 = S(2).f64 ^ 0x8000000000000000ull)
			F64UN(F64_CEIL, a != a ? a + a : ceil(a))
			F64UN(F64_FLOOR, a != a ? a + a : floor(a))
			F64UN(F64_TRUNC, a != a ? a + a : trunc(a))
			F64UN(F64_NEAREST, a != a ? a + a : rint(a))
			F64UN(F64_SQRT, sqrt(a))
			F64BIN(F64_ADD, a + b)
			F64BIN(F64_SUB, a - b)
			F64BIN(F64_MUL, a * b)
			F64BIN(F64_DIV, a / b)
			F64BIN(F64_MIN, wmin64(a, b))
			F64BIN(F64_MAX, wmax64(a, b))
			BIN(F64_COPYSIGN,
			    S(1).f64 = (S(2).f64 & 0x7fffffffffffffffull) |
				       (S(3).f64 & 0x8000000000000000ull))

			/* conversions */
			UN(I32_WRAP_I64, S(1).i32 = (uint32_t)S(2).i64)
			TRUNC(I32_TRUNC_F32_S, f32_of(S(2).f32), float,
			      x >= -2147483648.0f && x < 2147483648.0f, i32,
			      int32_t)
			TRUNC(I32_TRUNC_F32_U, f32_of(S(2).f32), float,
			      x > -1.0f && x < 4294967296.0f, i32, uint32_t)
			TRUNC(I32_TRUNC_F64_S, f64_of(S(2).f64), double,
			      x > -2147483649.0 && x < 2147483648.0, i32,
			      int32_t)
			TRUNC(I32_TRUNC_F64_U, f64_of(S(2).f64), double,
			      x > -1.0 && x < 4294967296.0, i32, uint32_t)
			TRUNC(I64_TRUNC_F32_S, f32_of(S(2).f32), float,
			      x >= -9223372036854775808.0f &&
				      x < 9223372036854775808.0f,
			      i64, int64_t)
			TRUNC(I64_TRUNC_F32_U, f32_of(S(2).f32), float,
			      x > -1.0f && x < 18446744073709551616.0f, i64,
			      uint64_t)
			TRUNC(I64_TRUNC_F64_S, f64_of(S(2).f64), double,
			      x >= -9223372036854775808.0 &&
				      x < 9223372036854775808.0,
			      i64, int64_t)
			TRUNC(I64_TRUNC_F64_U, f64_of(S(2).f64), double,
			      x > -1.0 && x < 18446744073709551616.0, i64,
			      uint64_t)
			UN(I64_EXTEND_I32_S,
			   S(1).i64 = (uint64_t)(int64_t)(int32_t)S(2).i32)
			UN(I64_EXTEND_I32_U, S(1).i64 = S(2).i32)
			UN(F32_CONVERT_I32_S,
			   S(1).f32 = f32_bits((float)(int32_t)S(2).i32))
			UN(F32_CONVERT_I32_U,
			   S(1).f32 = f32_bits((float)S(2).i32))
			UN(F32_CONVERT_I64_S,
			   S(1).f32 = f32_bits((float)(int64_t)S(2).i64))
			UN(F32_CONVERT_I64_U,
			   S(1).f32 = f32_bits((float)S(2).i64))
			UN(F32_DEMOTE_F64,
			   S(1).f32 = f32_bits((float)f64_of(S(2).f64)))
			UN(F64_CONVERT_I32_S,
			   S(1).f64 = f64_bits((double)(int32_t)S(2).i32))
			UN(F64_CONVERT_I32_U,
			   S(1).f64 = f64_bits((double)S(2).i32))
			UN(F64_CONVERT_I64_S,
			   S(1).f64 = f64_bits((double)(int64_t)S(2).i64))
			UN(F64_CONVERT_I64_U,
			   S(1).f64 = f64_bits((double)S(2).i64))
			UN(F64_PROMOTE_F32,
			   S(1).f64 = f64_bits((double)f32_of(S(2).f32)))
			UN(I32_REINTERPRET_F32, S(1).i32 = S(2).f32)
			UN(I64_REINTERPRET_F64, S(1).i64 = S(2).f64)
			UN(F32_REINTERPRET_I32, S(1).f32 = S(2).i32)
			UN(F64_REINTERPRET_I64, S(1).f64 = S(2).i64)
			UN(I32_EXTEND8_S,
			   S(1).i32 = (uint32_t)(int32_t)(int8_t)S(2).i32)
			UN(I32_EXTEND16_S,
			   S(1).i32 = (uint32_t)(int32_t)(int16_t)S(2).i32)
			UN(I64_EXTEND8_S,
			   S(1).i64 = (uint64_t)(int64_t)(int8_t)S(2).i64)
			UN(I64_EXTEND16_S,
			   S(1).i64 = (uint64_t)(int64_t)(int16_t)S(2).i64)
			UN(I64_EXTEND32_S,
			   S(1).i64 = (uint64_t)(int64_t)(int32_t)S(2).i64)
			TRUNC_SAT(I32_TRUNC_SAT_F32_S, f32_of(S(2).f32), float,
				  x >= -2147483648.0f, x < 2147483648.0f, i32,
				  int32_t, (uint32_t)INT32_MIN,
				  (uint32_t)INT32_MAX)
			TRUNC_SAT(I32_TRUNC_SAT_F32_U, f32_of(S(2).f32), float,
				  x > -1.0f, x < 4294967296.0f, i32, uint32_t,
				  0, UINT32_MAX)
			TRUNC_SAT(I32_TRUNC_SAT_F64_S, f64_of(S(2).f64), double,
				  x > -2147483649.0, x < 2147483648.0, i32,
				  int32_t, (uint32_t)INT32_MIN,
				  (uint32_t)INT32_MAX)
			TRUNC_SAT(I32_TRUNC_SAT_F64_U, f64_of(S(2).f64), double,
				  x > -1.0, x < 4294967296.0, i32, uint32_t, 0,
				  UINT32_MAX)
			TRUNC_SAT(I64_TRUNC_SAT_F32_S, f32_of(S(2).f32), float,
				  x >= -9223372036854775808.0f,
				  x < 9223372036854775808.0f, i64, int64_t,
				  (uint64_t)INT64_MIN, (uint64_t)INT64_MAX)
			TRUNC_SAT(I64_TRUNC_SAT_F32_U, f32_of(S(2).f32), float,
				  x > -1.0f, x < 18446744073709551616.0f, i64,
				  uint64_t, 0, UINT64_MAX)
			TRUNC_SAT(I64_TRUNC_SAT_F64_S, f64_of(S(2).f64), double,
				  x >= -9223372036854775808.0,
				  x < 9223372036854775808.0, i64, int64_t,
				  (uint64_t)INT64_MIN, (uint64_t)INT64_MAX)
			TRUNC_SAT(I64_TRUNC_SAT_F64_U, f64_of(S(2).f64), double,
				  x > -1.0, x < 18446744073709551616.0, i64,
				  uint64_t, 0, UINT64_MAX)

			/* a loop header: its branches back land here */
			vmcase(W_LOOP)
			PREEMPT_CHECK();
			pc++;
			vmbreak;

			/* wasm opcodes the lowering never emits as such */
			vmcase(W_NOP)
			vmcase(W_BLOCK)
			vmcase(W_IF)
			vmcase(W_ELSE)
			vmcase(W_END)
			vmcase(W_BR)
			vmcase(W_BR_IF)
			vmcase(W_BR_TABLE)
			vmcase(W_RETURN)
			vmcase(W_CALL)
			vmcase(W_CALL_INDIRECT)
			vmcase(W_DROP)
			vmcase(W_SELECT)
			vmcase(W_SELECT_T)
			vmcase(W_LOCAL_GET)
			vmcase(W_LOCAL_SET)
			vmcase(W_LOCAL_TEE)
			vmcase(W_GLOBAL_GET)
			vmcase(W_GLOBAL_SET)
			vmcase(W_I32_CONST)
			vmcase(W_I64_CONST)
			vmcase(W_F32_CONST)
			vmcase(W_F64_CONST)
			vmcase(W_REF_NULL)
			vmcase(W_REF_IS_NULL)
			vmcase(W_REF_FUNC)
#ifndef INTERP_GOTO
		default:
#endif
			TRAP(TRAP_UNREACHABLE);
		}
	}
}
