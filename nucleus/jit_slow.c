/*
 * jit_slow.c: the instructions JIT code runs in C (jit_slow): bulk memory
 * and table instructions, memory.grow, bit counts, float rounding,
 * min/max, float-to-int truncation, and memory.atomic.wait/notify
 * (atomic.c, which checks bounds and alignment itself; it may block in
 * the kernel's hooks). The other atomics are inline (jit_ops.c); this
 * runs them right too. Operands are the internal code's
 * (lower.h), read at cell pc of f's internal code; the semantics are the
 * interpreter's (interp.c).
 */
#include <math.h>
#include <string.h>

#include "nucleus/jit.h"
#include "nucleus/numeric.h"
#include "nucleus/simd.h"

/* Float-to-int: a trap unless lo < x < hi (lo_eq: lo itself allowed). */
static double trunc_chk(wasm_func *f, uint32_t pc, double x, double lo,
			bool lo_eq, double hi)
{
	if (x != x)
		jit_trap_pc(TRAP_INVALID_CONVERSION, pc, f);
	if (!((lo_eq ? x >= lo : x > lo) && x < hi))
		jit_trap_pc(TRAP_INT_OVERFLOW, pc, f);
	return x;
}

/* Saturating: NaN -> 0, clamped to [min, max]. */
static uint64_t trunc_sat(double x, double lo, bool lo_eq, double hi,
			  uint64_t min, uint64_t max, bool sign)
{
	if (x != x)
		return 0;
	if (!(lo_eq ? x >= lo : x > lo))
		return min;
	if (!(x < hi))
		return max;
	return sign ? (uint64_t)(int64_t)x : (uint64_t)x;
}

/* The float-to-int conversions; false if op is not one. */
static bool convert(wasm_func *f, wasm_val *fp, uint32_t pc, enum iop op)
{
	const icell *p = f->code->code + pc;
	if (!(op >= IOP_W_I32_TRUNC_F32_S && op <= IOP_W_I64_TRUNC_F64_U) &&
	    !(op >= IOP_W_I32_TRUNC_SAT_F32_S &&
	      op <= IOP_W_I64_TRUNC_SAT_F64_U))
		return false;
	wasm_val *d = &fp[p[1]], *a = &fp[p[2]];
	double x = op == IOP_W_I32_TRUNC_F32_S || op == IOP_W_I32_TRUNC_F32_U ||
				   op == IOP_W_I64_TRUNC_F32_S ||
				   op == IOP_W_I64_TRUNC_F32_U ||
				   op == IOP_W_I32_TRUNC_SAT_F32_S ||
				   op == IOP_W_I32_TRUNC_SAT_F32_U ||
				   op == IOP_W_I64_TRUNC_SAT_F32_S ||
				   op == IOP_W_I64_TRUNC_SAT_F32_U
			   ? (double)f32_of(a->f32)
			   : f64_of(a->f64);
	const double i32lo = -2147483649.0, i32hi = 2147483648.0;
	const double u32hi = 4294967296.0, i64lo = -9223372036854775808.0;
	const double i64hi = 9223372036854775808.0;
	const double u64hi = 18446744073709551616.0;
	switch (op) {
	case IOP_W_I32_TRUNC_F32_S:
	case IOP_W_I32_TRUNC_F64_S:
		d->i32 = (uint32_t)(int32_t)trunc_chk(f, pc, x, i32lo, false,
						      i32hi);
		return true;
	case IOP_W_I32_TRUNC_F32_U:
	case IOP_W_I32_TRUNC_F64_U:
		d->i32 = (uint32_t)trunc_chk(f, pc, x, -1.0, false, u32hi);
		return true;
	case IOP_W_I64_TRUNC_F32_S:
	case IOP_W_I64_TRUNC_F64_S:
		d->i64 = (uint64_t)(int64_t)trunc_chk(f, pc, x, i64lo, true,
						      i64hi);
		return true;
	case IOP_W_I64_TRUNC_F32_U:
	case IOP_W_I64_TRUNC_F64_U:
		d->i64 = (uint64_t)trunc_chk(f, pc, x, -1.0, false, u64hi);
		return true;
	case IOP_W_I32_TRUNC_SAT_F32_S:
	case IOP_W_I32_TRUNC_SAT_F64_S:
		d->i32 = (uint32_t)trunc_sat(x, i32lo, false, i32hi,
					     (uint32_t)INT32_MIN, INT32_MAX,
					     true);
		return true;
	case IOP_W_I32_TRUNC_SAT_F32_U:
	case IOP_W_I32_TRUNC_SAT_F64_U:
		d->i32 = (uint32_t)trunc_sat(x, -1.0, false, u32hi, 0,
					     UINT32_MAX, false);
		return true;
	case IOP_W_I64_TRUNC_SAT_F32_S:
	case IOP_W_I64_TRUNC_SAT_F64_S:
		d->i64 = trunc_sat(x, i64lo, true, i64hi, (uint64_t)INT64_MIN,
				   INT64_MAX, true);
		return true;
	case IOP_W_I64_TRUNC_SAT_F32_U:
	case IOP_W_I64_TRUNC_SAT_F64_U:
		d->i64 = trunc_sat(x, -1.0, false, u64hi, 0, UINT64_MAX, false);
		return true;
	default:
		return false;
	}
}

/* Numeric instructions: d a [b]. False if op is not one of them. */
static bool numeric(wasm_val *fp, const icell *p, enum iop op)
{
	wasm_val *d = &fp[p[1]], *a = &fp[p[2]];
#define b (&fp[p[3]]) /* only binary instructions have it */
	float fa = f32_of(a->f32);
	double da = f64_of(a->f64);
	switch (op) {
	case IOP_W_I32_CLZ:
		d->i32 = a->i32 ? __builtin_clz(a->i32) : 32;
		break;
	case IOP_W_I32_CTZ:
		d->i32 = a->i32 ? __builtin_ctz(a->i32) : 32;
		break;
	case IOP_W_I32_POPCNT:
		d->i32 = __builtin_popcount(a->i32);
		break;
	case IOP_W_I64_CLZ:
		d->i64 = a->i64 ? __builtin_clzll(a->i64) : 64;
		break;
	case IOP_W_I64_CTZ:
		d->i64 = a->i64 ? __builtin_ctzll(a->i64) : 64;
		break;
	case IOP_W_I64_POPCNT:
		d->i64 = __builtin_popcountll(a->i64);
		break;
	case IOP_W_F32_CEIL:
		d->f32 = f32_bits(fa != fa ? fa + fa : ceilf(fa));
		break;
	case IOP_W_F32_FLOOR:
		d->f32 = f32_bits(fa != fa ? fa + fa : floorf(fa));
		break;
	case IOP_W_F32_TRUNC:
		d->f32 = f32_bits(fa != fa ? fa + fa : truncf(fa));
		break;
	case IOP_W_F32_NEAREST:
		d->f32 = f32_bits(fa != fa ? fa + fa : rintf(fa));
		break;
	case IOP_W_F64_CEIL:
		d->f64 = f64_bits(da != da ? da + da : ceil(da));
		break;
	case IOP_W_F64_FLOOR:
		d->f64 = f64_bits(da != da ? da + da : floor(da));
		break;
	case IOP_W_F64_TRUNC:
		d->f64 = f64_bits(da != da ? da + da : trunc(da));
		break;
	case IOP_W_F64_NEAREST:
		d->f64 = f64_bits(da != da ? da + da : rint(da));
		break;
	case IOP_W_F32_CONVERT_I64_U:
		d->f32 = f32_bits((float)a->i64);
		break;
	case IOP_W_F64_CONVERT_I64_U:
		d->f64 = f64_bits((double)a->i64);
		break;
	case IOP_W_F32_MIN:
		d->f32 = f32_bits(wmin32(fa, f32_of(b->f32)));
		break;
	case IOP_W_F32_MAX:
		d->f32 = f32_bits(wmax32(fa, f32_of(b->f32)));
		break;
	case IOP_W_F64_MIN:
		d->f64 = f64_bits(wmin64(da, f64_of(b->f64)));
		break;
	case IOP_W_F64_MAX:
		d->f64 = f64_bits(wmax64(da, f64_of(b->f64)));
		break;
	default:
		return false;
	}
#undef b
	return true;
}

/* Bulk memory, tables, memory.grow: as interp.c does them. */
static void bulk(wasm_func *f, wasm_val *fp, uint32_t pc, enum iop op)
{
	wasm_instance *inst = f->inst;
	const icell *p = f->code->code + pc;
	wasm_memory *m = inst->module->num_mems ? inst->mems[0] : NULL;
	uint64_t size = m ? m->pages * WASM_PAGE : 0;
#define x (fp[p[1]].i32) /* dst / index / first operand */
#define y (fp[p[2]].i32) /* src / value */
#define n (fp[p[3]].i32) /* count */
	switch (op) {
	case IOP_W_MEMORY_GROW:
		fp[p[1]].i32 = (uint32_t)rt_memory_grow(m, fp[p[2]].i32);
		return;
	case IOP_W_MEMORY_INIT: {
		uint32_t seg = p[4];
		uint64_t len = inst->data_dropped[seg]
				       ? 0
				       : inst->module->datas[seg].len;
		if ((uint64_t)y + n > len || (uint64_t)x + n > size)
			jit_trap_pc(TRAP_MEMORY_OOB, pc, f);
		if (n)
			memcpy(m->base + x, inst->module->datas[seg].bytes + y,
			       n);
		return;
	}
	case IOP_W_DATA_DROP:
		inst->data_dropped[p[1]] = true;
		return;
	case IOP_W_MEMORY_COPY:
		if ((uint64_t)y + n > size || (uint64_t)x + n > size)
			jit_trap_pc(TRAP_MEMORY_OOB, pc, f);
		memmove(m->base + x, m->base + y, n);
		return;
	case IOP_W_MEMORY_FILL:
		if ((uint64_t)x + n > size)
			jit_trap_pc(TRAP_MEMORY_OOB, pc, f);
		memset(m->base + x, (int)(uint8_t)y, n);
		return;
	case IOP_W_TABLE_GET: {
		wasm_table *t = inst->tables[p[2]];
		uint32_t i = fp[p[3]].i32;
		if (i >= t->size)
			jit_trap_pc(TRAP_TABLE_OOB, pc, f);
		fp[p[1]].ref = t->elems[i];
		return;
	}
	case IOP_W_TABLE_SET: {
		wasm_table *t = inst->tables[p[3]];
		if (x >= t->size)
			jit_trap_pc(TRAP_TABLE_OOB, pc, f);
		t->elems[x] = fp[p[2]].ref;
		return;
	}
	case IOP_W_TABLE_SIZE:
		fp[p[1]].i32 = inst->tables[p[2]]->size;
		return;
	case IOP_W_TABLE_GROW:
		fp[p[1]].i32 = (uint32_t)rt_table_grow(inst->tables[p[4]], n,
						       fp[p[2]].ref);
		return;
	case IOP_W_TABLE_FILL:
		if (!rt_table_fill(inst->tables[p[4]], x, fp[p[2]].ref, n))
			jit_trap_pc(TRAP_TABLE_OOB, pc, f);
		return;
	case IOP_W_TABLE_COPY:
		if (!rt_table_copy(inst->tables[p[4]], x, inst->tables[p[5]], y,
				   n))
			jit_trap_pc(TRAP_TABLE_OOB, pc, f);
		return;
	case IOP_W_TABLE_INIT:
		if (!rt_table_init(inst, inst->tables[p[5]], p[4], x, y, n))
			jit_trap_pc(TRAP_TABLE_OOB, pc, f);
		return;
	case IOP_W_ELEM_DROP:
		inst->elem_dropped[p[1]] = true;
		return;
	default:
		jit_trap_pc(TRAP_UNREACHABLE, pc, f);
	}
#undef x
#undef y
#undef n
}

/* True for the instructions `bulk` runs (their operands are not all
 * slots). */
static bool is_bulk(enum iop op)
{
	switch (op) {
	case IOP_W_MEMORY_GROW:
	case IOP_W_MEMORY_INIT:
	case IOP_W_DATA_DROP:
	case IOP_W_MEMORY_COPY:
	case IOP_W_MEMORY_FILL:
	case IOP_W_TABLE_GET:
	case IOP_W_TABLE_SET:
	case IOP_W_TABLE_SIZE:
	case IOP_W_TABLE_GROW:
	case IOP_W_TABLE_FILL:
	case IOP_W_TABLE_COPY:
	case IOP_W_TABLE_INIT:
	case IOP_W_ELEM_DROP:
		return true;
	default:
		return false;
	}
}

/* A SIMD instruction in C; its memory access is checked here, as a
 * fault in C code is not located by the JIT's fault handler. */
static void simd_slow(wasm_func *f, wasm_val *fp, uint32_t pc, enum iop op)
{
	const icell *p = f->code->code + pc;
	uint32_t w = simd_access_width(op);
	uint8_t *mb = NULL;
	if (w) {
		wasm_memory *m = f->inst->mems[0];
		uint64_t ea = (uint64_t)fp[p[2]].i32 + p[5];
		if (ea + w > m->pages * WASM_PAGE)
			jit_trap_pc(TRAP_MEMORY_OOB, pc, f);
		mb = m->base;
	}
	simd_run(op, fp, p, mb);
}

void jit_slow(wasm_func *f, wasm_val *fp, uint32_t pc, uint32_t op)
{
	const icell *p = f->code->code + pc;
	if (IOP_IS_ATOMIC(op)) {
		int k = atomic_run(f->inst, (enum iop)op, fp, p);
		if (k >= 0)
			jit_trap_pc(k, pc, f);
	} else if (IOP_IS_SIMD(op)) {
		simd_slow(f, fp, pc, (enum iop)op);
	} else if (is_bulk((enum iop)op)) {
		bulk(f, fp, pc, (enum iop)op);
	} else if (!convert(f, fp, pc, (enum iop)op)) {
		numeric(fp, p, (enum iop)op);
	}
}
