/*
 * opt_pass.c: the optimizing tier's machine-independent passes over the
 * SSA IR (opt.h): copy propagation (phis whose operands are all one value,
 * besides themselves), constant folding of the integer instructions, and
 * dead-code elimination (instructions nothing needs that cannot trap or
 * write). Run to a fixed point by opt_optimize, then global value
 * numbering (opt_gvn.c) and the sweep again.
 */
#include <stdlib.h>

#include "nucleus/opt.h"

struct opt_stats opt_stats;

/* The value v stands for, after replacements (rep[v] == v: itself). */
static uint32_t find(uint32_t *rep, uint32_t v)
{
	while (v != OPT_NONE && rep[v] != v) {
		if (rep[rep[v]] != rep[v])
			rep[v] = rep[rep[v]];
		v = rep[v];
	}
	return v;
}

/* A phi that merges one value x (and itself) is x: records it in rep.
 * True if any phi was replaced. */
static bool trivial_phis(struct opt_fn *fn, uint32_t *rep)
{
	bool any = false;
	for (uint32_t v = 0; v < fn->nins; v++) {
		struct opt_ins *p = &fn->ins[v];
		if (p->op != OPT_PHI || rep[v] != v)
			continue;
		uint32_t same = OPT_NONE, *a = fn->pool + p->list;
		bool trivial = true;
		for (uint32_t i = 0; i < p->nl && trivial; i++) {
			uint32_t x = find(rep, a[i]);
			if (x == v || x == same || x == OPT_NONE)
				continue; /* itself, or an unreachable pred */
			if (same != OPT_NONE)
				trivial = false;
			same = x;
		}
		if (trivial && same != OPT_NONE) {
			rep[v] = same;
			p->op = OPT_NOP;
			any = true;
		}
	}
	return any;
}

/* Folds integer instruction op over constants x (and y); false if it is
 * not one this knows or would trap. */
static bool fold(uint32_t op, uint64_t x, uint64_t y, uint64_t *out)
{
	uint32_t a = (uint32_t)x, b = (uint32_t)y;
	int32_t sa = (int32_t)a, sb = (int32_t)b;
	int64_t sx = (int64_t)x, sy = (int64_t)y;
	switch (op) {
	case IOP_W_I32_ADD:
		*out = (uint32_t)(a + b);
		return true;
	case IOP_W_I32_SUB:
		*out = (uint32_t)(a - b);
		return true;
	case IOP_W_I32_MUL:
		*out = (uint32_t)(a * b);
		return true;
	case IOP_W_I32_AND:
		*out = a & b;
		return true;
	case IOP_W_I32_OR:
		*out = a | b;
		return true;
	case IOP_W_I32_XOR:
		*out = a ^ b;
		return true;
	case IOP_W_I32_SHL:
		*out = (uint32_t)(a << (b & 31));
		return true;
	case IOP_W_I32_SHR_U:
		*out = a >> (b & 31);
		return true;
	case IOP_W_I32_SHR_S:
		*out = (uint32_t)(sa >> (b & 31));
		return true;
	case IOP_W_I32_EQ:
		*out = a == b;
		return true;
	case IOP_W_I32_NE:
		*out = a != b;
		return true;
	case IOP_W_I32_LT_S:
		*out = sa < sb;
		return true;
	case IOP_W_I32_LT_U:
		*out = a < b;
		return true;
	case IOP_W_I32_GT_S:
		*out = sa > sb;
		return true;
	case IOP_W_I32_GT_U:
		*out = a > b;
		return true;
	case IOP_W_I32_LE_S:
		*out = sa <= sb;
		return true;
	case IOP_W_I32_LE_U:
		*out = a <= b;
		return true;
	case IOP_W_I32_GE_S:
		*out = sa >= sb;
		return true;
	case IOP_W_I32_GE_U:
		*out = a >= b;
		return true;
	case IOP_W_I32_EQZ:
		*out = a == 0;
		return true;
	case IOP_W_I64_ADD:
		*out = x + y;
		return true;
	case IOP_W_I64_SUB:
		*out = x - y;
		return true;
	case IOP_W_I64_MUL:
		*out = x * y;
		return true;
	case IOP_W_I64_AND:
		*out = x & y;
		return true;
	case IOP_W_I64_OR:
		*out = x | y;
		return true;
	case IOP_W_I64_XOR:
		*out = x ^ y;
		return true;
	case IOP_W_I64_SHL:
		*out = x << (y & 63);
		return true;
	case IOP_W_I64_SHR_U:
		*out = x >> (y & 63);
		return true;
	case IOP_W_I64_SHR_S:
		*out = (uint64_t)(sx >> (y & 63));
		return true;
	case IOP_W_I64_EQ:
		*out = x == y;
		return true;
	case IOP_W_I64_NE:
		*out = x != y;
		return true;
	case IOP_W_I64_LT_S:
		*out = sx < sy;
		return true;
	case IOP_W_I64_LT_U:
		*out = x < y;
		return true;
	case IOP_W_I64_GT_S:
		*out = sx > sy;
		return true;
	case IOP_W_I64_GT_U:
		*out = x > y;
		return true;
	case IOP_W_I64_LE_S:
		*out = sx <= sy;
		return true;
	case IOP_W_I64_LE_U:
		*out = x <= y;
		return true;
	case IOP_W_I64_GE_S:
		*out = sx >= sy;
		return true;
	case IOP_W_I64_GE_U:
		*out = x >= y;
		return true;
	case IOP_W_I64_EQZ:
		*out = x == 0;
		return true;
	case IOP_W_I32_WRAP_I64:
		*out = (uint32_t)x;
		return true;
	case IOP_W_I64_EXTEND_I32_U:
		*out = a;
		return true;
	case IOP_W_I64_EXTEND_I32_S:
		*out = (uint64_t)(int64_t)sa;
		return true;
	case IOP_W_I32_EXTEND8_S:
		*out = (uint32_t)(int8_t)a;
		return true;
	case IOP_W_I32_EXTEND16_S:
		*out = (uint32_t)(int16_t)a;
		return true;
	case IOP_W_I64_EXTEND8_S:
		*out = (uint64_t)(int8_t)x;
		return true;
	case IOP_W_I64_EXTEND16_S:
		*out = (uint64_t)(int16_t)x;
		return true;
	case IOP_W_I64_EXTEND32_S:
		*out = (uint64_t)(int32_t)x;
		return true;
	default:
		return false;
	}
}

/* Folds instructions whose operands are all constants; true if any. */
static bool fold_all(struct opt_fn *fn, uint32_t *rep)
{
	bool any = false;
	for (uint32_t v = 0; v < fn->nins; v++) {
		struct opt_ins *p = &fn->ins[v];
		if (p->op >= OP_COUNT || p->n == 0 || opt_listed(p))
			continue;
		uint64_t k[2] = {0, 0}, r;
		bool all = p->n <= 2;
		for (uint32_t i = 0; i < p->n && all; i++) {
			const struct opt_ins *x = &fn->ins[find(rep, p->a[i])];
			all = x->op == OPT_CONST;
			k[i] = x->k;
		}
		if (all && fold(p->op, k[0], k[1], &r)) {
			p->op = OPT_CONST;
			p->k = r;
			p->n = 0;
			any = true;
		}
	}
	return any;
}

/* May v be removed when nothing uses its value? Not if it writes, traps
 * or ends its block. */
static bool pure(const struct opt_ins *v)
{
	switch (v->op) {
	case OPT_CONST:
	case OPT_PARAM:
	case OPT_PHI:
	case OPT_RES:
	case OPT_SEL:
	case OPT_GGET:
	case OPT_NOP:
	case IOP_W_MEMORY_SIZE:
		return true;
	default:
		break;
	}
	if (v->op >= OP_COUNT)
		return false;
	unsigned cls = wasm_ops[v->op].cls;
	if (cls != OPC_UNARY && cls != OPC_IBINARY && cls != OPC_FBINARY)
		return false;
	return !opt_may_trap(v->op);
}

/* Rewrites every operand through rep, then removes what no impure
 * instruction needs (marking from them), recounting uses. */
static void sweep(struct opt_fn *fn, uint32_t *rep, uint8_t *live,
		  uint32_t *work)
{
	uint32_t nw = 0;
	for (uint32_t v = 0; v < fn->nins; v++) {
		struct opt_ins *p = &fn->ins[v];
		uint32_t *a = opt_args(fn, p), n = opt_nargs(p);
		for (uint32_t i = 0; i < n; i++)
			a[i] = find(rep, a[i]);
		p->uses = 0;
		live[v] = p->op != OPT_NOP && !pure(p);
		if (live[v])
			work[nw++] = v;
	}
	while (nw) {
		struct opt_ins *p = &fn->ins[work[--nw]];
		uint32_t *a = opt_args(fn, p), n = opt_nargs(p);
		for (uint32_t i = 0; i < n; i++) {
			if (a[i] == OPT_NONE)
				continue;
			fn->ins[a[i]].uses++;
			if (!live[a[i]]) {
				live[a[i]] = 1;
				work[nw++] = a[i];
			}
		}
	}
	for (uint32_t b = 0; b < fn->nblk; b++) {
		struct opt_blk *k = &fn->blk[b];
		uint32_t j = 0;
		for (uint32_t i = 0; i < k->n; i++)
			if (live[k->ins[i]])
				k->ins[j++] = k->ins[i];
			else
				fn->ins[k->ins[i]].op = OPT_NOP;
		k->n = j;
	}
}

void opt_optimize(struct opt_fn *fn)
{
	uint32_t n = fn->nins;
	uint32_t *rep = malloc((size_t)n * 4 + 4);
	uint8_t *live = malloc((size_t)n + 1);
	uint32_t *work = malloc((size_t)n * 4 + 4);
	if (!rep || !live || !work) {
		fn->oom = true;
	} else {
		for (uint32_t v = 0; v < n; v++)
			rep[v] = v;
		for (int round = 0; round < 4; round++) {
			bool any = trivial_phis(fn, rep);
			any |= fold_all(fn, rep);
			if (!any)
				break;
		}
		sweep(fn, rep, live, work);
		for (uint32_t v = 0; v < n; v++)
			rep[v] = v;
		if (opt_gvn(fn, rep))
			sweep(fn, rep, live, work);
	}
	free(rep);
	free(live);
	free(work);
}

void wasm_opt_counts(uint64_t *compiled, uint64_t *fallback)
{
	*compiled = opt_stats.compiled;
	*fallback = opt_stats.fallback;
}

const char *wasm_opt_uncovered(uint32_t i, uint64_t *count)
{
	for (uint32_t op = 0; op <= IOP_COUNT; op++) {
		if (!opt_stats.uncovered[op] || i-- > 0)
			continue;
		*count = opt_stats.uncovered[op];
		if (op >= OP_COUNT)
			return op == IOP_COUNT ? "(size, shape or memory)"
					       : "(internal)";
		return wasm_ops[op].text;
	}
	return NULL;
}
