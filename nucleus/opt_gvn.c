/*
 * opt_gvn.c: global value numbering for the optimizing tier (opt.h),
 * the cheap dominator-based kind: walking the dominator tree, each pure
 * instruction that cannot trap (arithmetic, compares, conversions that
 * do not trap, select) is looked up in a table of the ones its dominators
 * computed; an equal one replaces it. Equal: the same operation, width and
 * immediate, and the same operands (one value, or constants with the same
 * bits), in either order for a commutative operation. Loads, globals,
 * memory.size and calls are never merged (memory and globals change);
 * nothing that may trap is merged or moved, so every trap stays where it
 * was.
 */
#include <stdlib.h>

#include "nucleus/opt.h"

struct gvn {
	struct opt_fn *fn;
	uint32_t *rep;	/* each value's replacement (itself if none) */
	uint32_t *tab;	/* open addressing: value numbers, OPT_NONE empty */
	uint32_t mask;	/* table size - 1 */
	uint32_t *undo; /* table slots filled, in order */
	uint32_t nundo;
	bool any;
};

/* Is op's result independent of its operands' order? */
static bool commutes(uint32_t op)
{
	switch (op) {
	case IOP_W_I32_ADD:
	case IOP_W_I32_MUL:
	case IOP_W_I32_AND:
	case IOP_W_I32_OR:
	case IOP_W_I32_XOR:
	case IOP_W_I32_EQ:
	case IOP_W_I32_NE:
	case IOP_W_I64_ADD:
	case IOP_W_I64_MUL:
	case IOP_W_I64_AND:
	case IOP_W_I64_OR:
	case IOP_W_I64_XOR:
	case IOP_W_I64_EQ:
	case IOP_W_I64_NE:
		return true;
	default:
		return false;
	}
}

/* May instruction v be merged with an equal one that dominates it? */
static bool numbered(const struct opt_ins *v)
{
	if (v->op == OPT_SEL)
		return true;
	if (v->op >= OP_COUNT || opt_may_trap(v->op))
		return false;
	unsigned cls = wasm_ops[v->op].cls;
	return cls == OPC_UNARY || cls == OPC_IBINARY || cls == OPC_FBINARY;
}

/* Operand x's key: a constant by its bits, any other value by number. */
static uint64_t key(const struct gvn *g, uint32_t x)
{
	if (x == OPT_NONE)
		return UINT64_MAX;
	x = g->rep[x];
	const struct opt_ins *p = &g->fn->ins[x];
	if (p->op != OPT_CONST)
		return x;
	return (p->k * 0x9E3779B97F4A7C15ull) ^ (p->w64 ? 0xA5A5u : 0x5A5Au) ^
	       (1ull << 63);
}

/* Are operands x and y the same value (or constants of the same bits)? */
static bool same(const struct gvn *g, uint32_t x, uint32_t y)
{
	if (x == OPT_NONE || y == OPT_NONE)
		return x == y;
	x = g->rep[x], y = g->rep[y];
	const struct opt_ins *p = &g->fn->ins[x], *q = &g->fn->ins[y];
	return x == y || (p->op == OPT_CONST && q->op == OPT_CONST &&
			  p->k == q->k && p->w64 == q->w64);
}

/* The hash of v's operation and operands. */
static uint32_t hash(const struct gvn *g, const struct opt_ins *v)
{
	uint64_t h = v->op * 0x100000001B3ull ^ v->w64 ^ v->k * 31;
	uint64_t k[3] = {0, 0, 0};
	for (uint32_t i = 0; i < v->n; i++)
		k[i] = key(g, v->a[i]);
	if (commutes(v->op))
		h ^= (k[0] + k[1]) * 0xFF51AFD7ED558CCDull;
	else
		for (uint32_t i = 0; i < v->n; i++)
			h = (h ^ k[i]) * 0xC4CEB9FE1A85EC53ull;
	return (uint32_t)(h ^ h >> 29);
}

/* Does u compute what v computes? */
static bool equal(const struct gvn *g, const struct opt_ins *u,
		  const struct opt_ins *v)
{
	if (u->op != v->op || u->w64 != v->w64 || u->n != v->n || u->k != v->k)
		return false;
	bool in_order = true;
	for (uint32_t i = 0; i < v->n && in_order; i++)
		in_order = same(g, u->a[i], v->a[i]);
	if (in_order)
		return true;
	return commutes(v->op) && same(g, u->a[0], v->a[1]) &&
	       same(g, u->a[1], v->a[0]);
}

/* Numbers block b's instructions: each either found (replaced) or
 * entered in the table. */
static void number_block(struct gvn *g, uint32_t b)
{
	struct opt_fn *fn = g->fn;
	struct opt_blk *k = &fn->blk[b];
	for (uint32_t i = 0; i < k->n; i++) {
		uint32_t v = k->ins[i];
		struct opt_ins *p = &fn->ins[v];
		if (!numbered(p))
			continue;
		uint32_t s = hash(g, p) & g->mask;
		for (; g->tab[s] != OPT_NONE; s = (s + 1) & g->mask)
			if (equal(g, &fn->ins[g->tab[s]], p))
				break;
		if (g->tab[s] != OPT_NONE) {
			g->rep[v] = g->tab[s];
			g->any = true;
			continue;
		}
		g->tab[s] = v;
		g->undo[g->nundo++] = s;
	}
}

/* Walks the dominator tree depth first (iteratively), numbering each
 * block with the table of its dominators, then taking its entries out
 * on the way up (last in, first out, which leaves linear probing as it
 * was). */
static void walk(struct gvn *g, uint32_t *kid, uint32_t *sib, uint32_t *stk)
{
	uint32_t sp = 0;
	stk[sp++] = 0, stk[sp++] = OPT_NONE;
	while (sp) {
		sp -= 2;
		uint32_t b = stk[sp], mark = stk[sp + 1];
		if (mark != OPT_NONE) {
			while (g->nundo > mark)
				g->tab[g->undo[--g->nundo]] = OPT_NONE;
			continue;
		}
		stk[sp++] = b, stk[sp++] = g->nundo;
		number_block(g, b);
		for (uint32_t c = kid[b]; c != OPT_NONE; c = sib[c])
			stk[sp++] = c, stk[sp++] = OPT_NONE;
	}
}

bool opt_gvn(struct opt_fn *fn, uint32_t *rep)
{
	struct gvn g = {.fn = fn, .rep = rep};
	uint32_t nb = fn->nblk, size = 16;
	while (size < 2 * fn->nins)
		size *= 2;
	g.mask = size - 1;
	g.tab = malloc((size_t)size * 4);
	g.undo = malloc((size_t)fn->nins * 4 + 4);
	uint32_t *kid = malloc((size_t)nb * 4 + 4);
	uint32_t *sib = malloc((size_t)nb * 4 + 4);
	uint32_t *stk = malloc((size_t)nb * 16 + 16);
	if (g.tab && g.undo && kid && sib && stk) {
		for (uint32_t i = 0; i < size; i++)
			g.tab[i] = OPT_NONE;
		for (uint32_t i = 0; i < nb; i++)
			kid[i] = sib[i] = OPT_NONE;
		for (uint32_t o = fn->norder; o-- > 1;) {
			uint32_t b = fn->order[o], d = fn->blk[b].idom;
			sib[b] = kid[d];
			kid[d] = b;
		}
		walk(&g, kid, sib, stk);
	} else {
		fn->oom = true;
	}
	free(g.tab);
	free(g.undo);
	free(kid);
	free(sib);
	free(stk);
	return g.any;
}
