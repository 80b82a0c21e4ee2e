/*
 * opt_ra.c: register allocation for the optimizing tier's back end: the
 * instructions laid out in reverse postorder, one live interval per value
 * (from its definition to its last use, holes filled, across blocks:
 * a value live into a block covers that block's start and the end of each
 * predecessor), then linear scan. A value live across a call gets a
 * callee-saved register, or a caller-saved one saved around the calls
 * when they are rarer than its uses (ra->saved), or a stack slot; when
 * registers run out, the value worth least (uses weighed by 8^loop depth,
 * per length of its interval) is spilled (it lives in its stack slot).
 * A phi and its operands are hinted to one register.
 */
#include <stdlib.h>
#include <string.h>

#include "nucleus/opt_ra.h"

/* Extends value v's interval to cover position p. */
static inline void cover(struct opt_ra *ra, uint32_t v, uint32_t p)
{
	if (p < ra->start[v])
		ra->start[v] = p;
	if (p > ra->end[v])
		ra->end[v] = p;
}

/* Value v is live into block b: covers b and walks up its predecessors
 * (work: a stack of blocks; seen: per block, the last value walked). */
static void live_in(struct opt_fn *fn, struct opt_ra *ra, uint32_t v,
		    uint32_t b, uint32_t *work, uint32_t *seen)
{
	uint32_t n = 0, db = fn->ins[v].blk;
	work[n++] = b;
	seen[b] = v;
	while (n) {
		struct opt_blk *k = &fn->blk[work[--n]];
		cover(ra, v, 2 * ra->bfrom[work[n]]);
		for (uint32_t j = 0; j < k->npred; j++) {
			uint32_t p = fn->pool[k->pred + j];
			if (fn->blk[p].rpo == OPT_NONE)
				continue;
			cover(ra, v, 2 * ra->bto[p] - 1);
			if (p != db && seen[p] != v) {
				seen[p] = v;
				work[n++] = p;
			}
		}
	}
}

/* Lays out the instructions and computes every used value's interval. */
static bool intervals(struct opt_fn *fn, struct opt_ra *ra)
{
	uint32_t n = fn->nins, *work, *seen;
	ra->weight = calloc((size_t)n + 1, 8);
	ra->ord = malloc((size_t)n * 4 + 4);
	ra->idx = malloc((size_t)n * 4 + 4);
	ra->start = malloc((size_t)n * 4 + 4);
	ra->end = malloc((size_t)n * 4 + 4);
	ra->bfrom = malloc((size_t)fn->nblk * 4 + 4);
	ra->bto = malloc((size_t)fn->nblk * 4 + 4);
	work = malloc((size_t)fn->nblk * 4 + 4);
	seen = malloc((size_t)fn->nblk * 4 + 4);
	if (!ra->weight || !ra->ord || !ra->idx || !ra->start || !ra->end ||
	    !ra->bfrom || !ra->bto || !work || !seen) {
		free(work);
		free(seen);
		return false;
	}
	memset(seen, 0xFF, (size_t)fn->nblk * 4);
	for (uint32_t v = 0; v < n; v++)
		ra->idx[v] = OPT_NONE, ra->start[v] = UINT32_MAX,
		ra->end[v] = 0;
	ra->nord = 0;
	for (uint32_t o = 0; o < fn->norder; o++) {
		struct opt_blk *k = &fn->blk[fn->order[o]];
		ra->bfrom[fn->order[o]] = ra->nord;
		for (uint32_t i = 0; i < k->n; i++) {
			ra->idx[k->ins[i]] = ra->nord;
			ra->ord[ra->nord++] = k->ins[i];
		}
		ra->bto[fn->order[o]] = ra->nord;
	}
	for (uint32_t i = 0; i < ra->nord; i++) {
		uint32_t u = ra->ord[i];
		struct opt_ins *p = &fn->ins[u];
		uint32_t *a = opt_args(fn, p), na = opt_nargs(p);
		uint64_t wt = 1ull << (3 * ra->depth[p->blk]);
		ra->weight[u] += wt;
		if (p->uses && p->op != OPT_CONST)
			cover(ra, u, 2 * i + 1);
		for (uint32_t j = 0; j < na; j++) {
			uint32_t v = a[j];
			if (v == OPT_NONE || fn->ins[v].op == OPT_CONST)
				continue;
			ra->weight[v] += wt;
			if (p->op == OPT_PHI) {
				uint32_t pb =
					fn->pool[fn->blk[p->blk].pred + j];
				if (fn->blk[pb].rpo == OPT_NONE)
					continue;
				cover(ra, v, 2 * ra->bto[pb] - 1);
				if (fn->ins[v].blk != pb)
					live_in(fn, ra, v, pb, work, seen);
				continue;
			}
			cover(ra, v, 2 * i);
			if (fn->ins[v].blk != p->blk)
				live_in(fn, ra, v, p->blk, work, seen);
		}
	}
	free(work);
	free(seen);
	return true;
}

/* Sorts values by interval start (a heap sort: no recursion, no worst
 * case). */
static void sort_by_start(uint32_t *a, uint32_t n, const uint32_t *start)
{
	for (uint32_t i = n / 2; i-- > 0;) {
		for (uint32_t r = i;;) {
			uint32_t c = 2 * r + 1;
			if (c >= n)
				break;
			if (c + 1 < n && start[a[c + 1]] > start[a[c]])
				c++;
			if (start[a[r]] >= start[a[c]])
				break;
			uint32_t t = a[r];
			a[r] = a[c], a[c] = t, r = c;
		}
	}
	for (uint32_t m = n; m-- > 1;) {
		uint32_t t = a[0];
		a[0] = a[m], a[m] = t;
		for (uint32_t r = 0;;) {
			uint32_t c = 2 * r + 1;
			if (c >= m)
				break;
			if (c + 1 < m && start[a[c + 1]] > start[a[c]])
				c++;
			if (start[a[r]] >= start[a[c]])
				break;
			t = a[r];
			a[r] = a[c], a[c] = t, r = c;
		}
	}
}

/* The calls (positions, sorted) and their weights' running sums:
 * cw[i] is the weight of calls[0..i). */
struct calls {
	uint32_t *at, n;
	uint64_t *cw;
};

/* The first call after position s. */
static uint32_t first_after(const struct calls *c, uint32_t s)
{
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (c->at[mid] <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The weight of the calls strictly inside (s, e): 0 if none. */
static uint64_t crossed(const struct calls *c, uint32_t s, uint32_t e)
{
	uint32_t lo = first_after(c, s), hi = e ? first_after(c, e - 1) : 0;
	return hi > lo ? c->cw[hi] - c->cw[lo] : 0;
}

static const int8_t caller_regs[] = {RSI, RDI, R8, R9, R10, R11};
static const int8_t callee_regs[] = {R12, R14, R15, RBP};

static bool is_caller(int r)
{
	return r != RBP && r != R12 && r != R14 && r != R15;
}

/* Hints: a phi and its operands would rather share a register (then
 * their edge moves vanish): each operand points at its phi, and the phi
 * at its first operand. */
static void hints(struct opt_fn *fn, uint32_t *hint)
{
	for (uint32_t v = 0; v < fn->nins; v++)
		hint[v] = OPT_NONE;
	for (uint32_t v = 0; v < fn->nins; v++) {
		struct opt_ins *p = &fn->ins[v];
		if (p->op != OPT_PHI || !p->uses)
			continue;
		for (uint32_t j = 0; j < p->nl; j++) {
			uint32_t x = fn->pool[p->list + j];
			if (x == OPT_NONE || fn->ins[x].op == OPT_CONST)
				continue;
			if (hint[v] == OPT_NONE)
				hint[v] = x;
			if (hint[x] == OPT_NONE)
				hint[x] = v;
		}
	}
}

/* The register value v's hint holds, if free and allowed (across: only
 * callee-saved ones), else -1. */
static int hinted(const struct opt_ra *ra, const uint32_t *hint, uint32_t v,
		  const uint32_t *holder, bool across)
{
	uint32_t h = hint[v];
	if (h == OPT_NONE || ra->reg[h] < 0)
		return -1;
	int r = ra->reg[h];
	if (holder[r] != OPT_NONE || (across && is_caller(r)))
		return -1;
	return r;
}

/* What keeping v in a register is worth: its weighed uses per length
 * of its interval (a short temporary beats a long-lived value used as
 * often, which costs a load per use once spilled, not a store and a
 * load). */
static uint64_t prio(const struct opt_ra *ra, uint32_t v)
{
	return (ra->weight[v] << 8) / (ra->end[v] - ra->start[v] + 8);
}

/* Linear scan over the intervals sorted by start. A value live across
 * calls that are rarer than its uses may take a caller-saved register
 * all the same: it also gets a stack slot, and the code saves it there
 * before each such call and restores it after (ra->saved). */
static bool scan(struct opt_fn *fn, struct opt_ra *ra, const struct calls *cs)
{
	uint32_t n = 0, *vs = malloc((size_t)fn->nins * 4 + 4);
	uint32_t *hint = malloc((size_t)fn->nins * 4 + 4);
	uint32_t holder[16]; /* the value in each register, or OPT_NONE */
	if (!vs || !hint) {
		free(vs);
		free(hint);
		return false;
	}
	hints(fn, hint);
	for (uint32_t v = 0; v < fn->nins; v++)
		if (ra->start[v] != UINT32_MAX)
			vs[n++] = v;
	sort_by_start(vs, n, ra->start);
	for (int r = 0; r < 16; r++)
		holder[r] = OPT_NONE;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = vs[i], s = ra->start[v];
		for (int r = 0; r < 16; r++)
			if (holder[r] != OPT_NONE && ra->end[holder[r]] < s)
				holder[r] = OPT_NONE;
		uint64_t cross = crossed(cs, s, ra->end[v]);
		bool across = cross != 0;
		int pick = hinted(ra, hint, v, holder, across);
		for (uint32_t j = 0; pick < 0 && j < 4 && across; j++)
			if (holder[callee_regs[j]] == OPT_NONE)
				pick = callee_regs[j];
		bool save = across && ra->weight[v] > 2 * cross;
		for (uint32_t j = 0; (!across || save) && pick < 0 && j < 6;
		     j++)
			if (holder[caller_regs[j]] == OPT_NONE)
				pick = caller_regs[j];
		for (uint32_t j = 0; pick < 0 && j < 4; j++)
			if (holder[callee_regs[j]] == OPT_NONE)
				pick = callee_regs[j];
		if (across && pick >= 0 && is_caller(pick)) {
			ra->slot[v] = (int32_t)ra->nslot++;
			ra->saved[ra->nsaved++] = v;
		}
		if (pick < 0) { /* evict the allowed one used least */
			int low = -1;
			for (uint32_t j = 0; j < 10; j++) {
				int r = j < 4 ? callee_regs[j]
					      : caller_regs[j - 4];
				if (across && j >= 4)
					break;
				if (low < 0 ||
				    prio(ra, holder[r]) < prio(ra, holder[low]))
					low = r;
			}
			if (low >= 0 && prio(ra, holder[low]) < prio(ra, v)) {
				uint32_t w = holder[low];
				ra->reg[w] = -1;
				if (ra->slot[w] < 0)
					ra->slot[w] = (int32_t)ra->nslot++;
				pick = low;
			}
		}
		if (pick < 0) {
			ra->slot[v] = (int32_t)ra->nslot++;
			continue;
		}
		ra->reg[v] = (int8_t)pick;
		holder[pick] = v;
		ra->used |= (uint16_t)(1u << pick);
	}
	free(vs);
	free(hint);
	return true;
}

/* Each block's loop depth (at most 6): wasm's loops are structured, so
 * a loop's blocks are the rpo range from its header to its last back
 * edge's source. */
static bool depths(struct opt_fn *fn, struct opt_ra *ra)
{
	uint32_t n = fn->norder;
	int32_t *d = calloc((size_t)n + 1, 4);
	ra->depth = calloc((size_t)fn->nblk + 1, 1);
	if (!d || !ra->depth) {
		free(d);
		return false;
	}
	for (uint32_t o = 0; o < n; o++) {
		struct opt_blk *k = &fn->blk[fn->order[o]];
		uint32_t last = 0;
		bool loop = false;
		for (uint32_t j = 0; j < k->npred; j++) {
			uint32_t r = fn->blk[fn->pool[k->pred + j]].rpo;
			if (r != OPT_NONE && r >= o)
				loop = true, last = r > last ? r : last;
		}
		if (loop)
			d[o]++, d[last + 1]--;
	}
	int32_t run = 0;
	for (uint32_t o = 0; o < n; o++) {
		run += d[o];
		ra->depth[fn->order[o]] = (uint8_t)(run > 6 ? 6 : run);
	}
	free(d);
	return true;
}

bool opt_alloc(struct opt_fn *fn, struct opt_ra *ra,
	       bool (*clobbers)(const struct opt_ins *))
{
	memset(ra, 0, sizeof *ra);
	if (!depths(fn, ra) || !intervals(fn, ra))
		return false;
	struct calls cs = {malloc((size_t)ra->nord * 4 + 4), 0,
			   malloc((size_t)ra->nord * 8 + 8)};
	ra->reg = malloc((size_t)fn->nins + 1);
	ra->slot = malloc((size_t)fn->nins * 4 + 4);
	ra->saved = malloc((size_t)fn->nins * 4 + 4);
	bool ok = cs.at && cs.cw && ra->reg && ra->slot && ra->saved;
	if (ok) {
		memset(ra->reg, -1, fn->nins);
		for (uint32_t v = 0; v < fn->nins; v++)
			ra->slot[v] = -1;
		cs.cw[0] = 0;
		for (uint32_t i = 0; i < ra->nord; i++) {
			const struct opt_ins *p = &fn->ins[ra->ord[i]];
			if (!clobbers(p))
				continue;
			cs.at[cs.n] = 2 * i;
			cs.cw[cs.n + 1] =
				cs.cw[cs.n] + (1ull << (3 * ra->depth[p->blk]));
			cs.n++;
		}
		ok = scan(fn, ra, &cs);
	}
	free(cs.at);
	free(cs.cw);
	return ok;
}

void opt_ra_free(struct opt_ra *ra)
{
	free(ra->ord);
	free(ra->idx);
	free(ra->start);
	free(ra->end);
	free(ra->bfrom);
	free(ra->bto);
	free(ra->reg);
	free(ra->slot);
	free(ra->saved);
	free(ra->weight);
	free(ra->depth);
	memset(ra, 0, sizeof *ra);
}
