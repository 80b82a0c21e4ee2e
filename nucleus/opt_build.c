/*
 * opt_build.c: builds a function's SSA IR (opt.h) from its lowered code.
 *
 * The lowering has already resolved the wasm control structure into
 * branches between cells and the operand stack into frame slots, so a
 * slot is a variable like a local. Steps: split the instructions into
 * basic blocks (at labels and after branches); find which slots are live
 * into each block (backward dataflow over bitsets); put a phi at every
 * join block for every slot live into it (a superset of the minimal
 * phis, which opt_pass prunes); then rename along the dominator tree,
 * keeping each slot's current value, translating each instruction into
 * IR as it goes. A block's entry (block 0) defines the params and zeroes
 * every other slot (declared locals start at zero).
 */
#include <stdlib.h>
#include <string.h>

#include "nucleus/opt.h"

/* One lowered instruction, as the lowering's sink handed it over. */
struct lins {
	uint32_t pc, n;
	enum iop op;
};

/* Slots an instruction reads and writes: up to 4 single reads, a range
 * of reads and a range of writes. */
struct lslots {
	uint32_t rd[4], nrd;
	uint32_t rlo, rn, wlo, wn;
};

struct bld {
	struct opt_fn *fn;
	const struct lower_code *c;
	struct lins *li;
	uint32_t nli, cli;
	uint32_t *bofc;	 /* block of each cell that starts one */
	uint32_t *first; /* each block's first lins (nli: a move block) */
	uint32_t *mv;	 /* move blocks: dst, src slots (2 per block) */
	uint64_t *use, *def, *in; /* per block, nw words each */
	uint32_t nw;
	uint32_t *cur; /* renaming: each slot's current value */
	uint32_t osr;  /* OSR: the entry jumps to this cell (else OPT_NONE) */
};

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t sz, bool *oom)
{
	if (need <= *cap)
		return p;
	uint32_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(p, (size_t)n * sz);
	if (!q) {
		*oom = true;
		return NULL;
	}
	*cap = n;
	return q;
}

/* The lowering's sink: records each instruction. */
static void on_insn(void *ctx, const icell *code, uint32_t pc, uint32_t n,
		    enum iop op)
{
	struct bld *b = ctx;
	struct lins *p =
		grow(b->li, &b->cli, b->nli + 1, sizeof *p, &b->fn->oom);
	if (!p)
		return;
	b->li = p;
	b->li[b->nli++] = (struct lins){pc, n, op};
}

static void on_label(void *ctx, uint32_t pc)
{
}

/* n free words of the pool; their offset (0 and oom when none). */
static uint32_t pool_alloc(struct opt_fn *fn, uint32_t n)
{
	uint32_t *p = grow(fn->pool, &fn->cpool, fn->npool + n, 4, &fn->oom);
	if (!p)
		return 0;
	fn->pool = p;
	fn->npool += n;
	return fn->npool - n;
}

uint32_t opt_add(struct opt_fn *fn, uint32_t bi, struct opt_ins v)
{
	struct opt_blk *b = &fn->blk[bi];
	struct opt_ins *p =
		grow(fn->ins, &fn->cins, fn->nins + 1, sizeof *p, &fn->oom);
	uint32_t *q = grow(b->ins, &b->cap, b->n + 1, 4, &fn->oom);
	if (!p || !q)
		return OPT_NONE;
	fn->ins = p;
	b->ins = q;
	v.blk = bi;
	fn->ins[fn->nins] = v;
	b->ins[b->n++] = fn->nins;
	return fn->nins++;
}

/* Is op a block's last instruction (a branch, return or trap)? */
static bool ends_block(enum iop op)
{
	return op == IOP_BR || op == IOP_BR_IF || op == IOP_BR_IFZ ||
	       op == IOP_BR_TABLE || op == IOP_RET || op == IOP_W_UNREACHABLE ||
	       op == IOP_BR_IF_MOV || op == IOP_BR_IFZ_MOV ||
	       (op >= IOP_BR_EQ && op <= IOP_BR_GE_U_RI);
}

/* The slots instruction op at p reads and writes; false for one the tier
 * does not cover. */
static bool slots_of(const struct opt_fn *fn, enum iop op, const icell *p,
		     struct lslots *s)
{
	const wasm_instance *inst = fn->f->inst;
	memset(s, 0, sizeof *s);
	unsigned cls = iop_class(op);
	if (cls == OPC_UNARY || cls == OPC_IBINARY || cls == OPC_FBINARY ||
	    cls == OPC_LOAD) {
		s->wlo = p[1], s->wn = 1;
		s->rd[s->nrd++] = p[2];
		if (cls == OPC_IBINARY || cls == OPC_FBINARY)
			s->rd[s->nrd++] = p[3];
		return true;
	}
	if (cls == OPC_STORE) {
		s->rd[s->nrd++] = p[1];
		s->rd[s->nrd++] = p[2];
		return true;
	}
	if ((op >= IOP_I32_ADD_RI && op <= IOP_I32_GE_U_RI)) {
		s->wlo = p[1], s->wn = 1;
		s->rd[s->nrd++] = p[2];
		return true;
	}
	if (op >= IOP_BR_EQ && op <= IOP_BR_GE_U) {
		s->rd[s->nrd++] = p[1];
		s->rd[s->nrd++] = p[2];
		return true;
	}
	if (op >= IOP_BR_EQ_RI && op <= IOP_BR_GE_U_RI) {
		s->rd[s->nrd++] = p[1];
		return true;
	}
	const wasm_functype *t;
	switch (op) {
	case IOP_W_LOOP:
	case IOP_W_UNREACHABLE:
	case IOP_BR:
		return true;
	case IOP_BR_IF:
	case IOP_BR_IFZ:
	case IOP_BR_TABLE:
		s->rd[s->nrd++] = p[1];
		return true;
	case IOP_BR_IF_MOV:
	case IOP_BR_IFZ_MOV:
		s->rd[s->nrd++] = p[1];
		s->rd[s->nrd++] = p[4];
		return true; /* the move's write: its own block's */
	case IOP_RET:
		s->rlo = 0, s->rn = fn->f->type.nresults;
		return true;
	case IOP_CALL:
	case IOP_CALL_IND:
		t = op == IOP_CALL ? &inst->funcs[p[1]]->type
				   : &inst->module->types[p[1]];
		s->rlo = op == IOP_CALL ? p[2] : p[3];
		s->rn = t->nparams;
		s->wlo = s->rlo, s->wn = t->nresults;
		if (op == IOP_CALL_IND)
			s->rd[s->nrd++] = p[4];
		return true;
	case IOP_COPY:
	case IOP_REF_ISNULL:
		s->wlo = p[1], s->wn = 1;
		s->rd[s->nrd++] = p[2];
		return true;
	case IOP_CONST32:
	case IOP_CONST64:
	case IOP_REF_NULL:
	case IOP_REF_FUNC:
	case IOP_W_MEMORY_SIZE:
		s->wlo = p[1], s->wn = 1;
		return true;
	case IOP_GGET:
		s->wlo = p[1], s->wn = 1;
		return inst->globals[p[2]]->type != WASM_V128;
	case IOP_GSET:
		s->rd[s->nrd++] = p[2];
		return inst->globals[p[1]]->type != WASM_V128;
	case IOP_SEL:
	case IOP_I32_MUL_ADD:
		s->wlo = p[1], s->wn = 1;
		s->rd[s->nrd++] = p[2];
		s->rd[s->nrd++] = p[3];
		s->rd[s->nrd++] = p[4];
		return true;
	case IOP_I32_SHRU_AND:
	case IOP_W_MEMORY_GROW:
		s->wlo = p[1], s->wn = 1;
		s->rd[s->nrd++] = p[2];
		return true;
	case IOP_W_MEMORY_FILL:
	case IOP_W_MEMORY_COPY:
		s->rd[s->nrd++] = p[1];
		s->rd[s->nrd++] = p[2];
		s->rd[s->nrd++] = p[3];
		return true;
	default:
		return false;
	}
}

/* Splits the instructions into blocks: block 0 the entry (no code),
 * then one per leader; a BR_IF_MOV's taken edge gets a move block. */
static bool split(struct bld *b)
{
	struct opt_fn *fn = b->fn;
	uint32_t len = b->c->len, nb = 1;
	b->bofc = malloc(((size_t)len + 1) * 4);
	if (!b->bofc)
		return false;
	memset(b->bofc, 0xFF, ((size_t)len + 1) * 4);
	/* leaders: targets of branches, and what follows a branch */
	const icell *code = b->c->code;
	for (uint32_t i = 0; i < b->nli; i++) {
		struct lins *l = &b->li[i];
		if (i == 0 || ends_block(b->li[i - 1].op) || l->pc == b->osr)
			b->bofc[l->pc] = 0;
		if (!ends_block(l->op) || l->op == IOP_RET ||
		    l->op == IOP_W_UNREACHABLE)
			continue;
		uint32_t t0 = l->pc + l->n - 1, nt = 1;
		if (l->op == IOP_BR_TABLE)
			t0 = l->pc + 3, nt = code[l->pc + 2] + 1;
		else if (l->op == IOP_BR_IF_MOV || l->op == IOP_BR_IFZ_MOV)
			t0 = l->pc + 2, nb++;
		for (uint32_t j = 0; j < nt; j++) {
			if (code[t0 + j] >= len)
				return false;
			b->bofc[code[t0 + j]] = 0;
		}
	}
	for (uint32_t i = 0; i < b->nli; i++)
		if (b->bofc[b->li[i].pc] == 0)
			nb++;
	fn->blk = calloc(nb, sizeof *fn->blk);
	b->first = malloc((size_t)nb * 4);
	b->mv = malloc((size_t)nb * 8);
	if (!fn->blk || !b->first || !b->mv)
		return false;
	b->first[0] = b->nli;
	b->mv[0] = b->mv[1] = OPT_NONE;
	fn->nblk = 1;
	for (uint32_t i = 0; i < b->nli; i++) {
		struct lins *l = &b->li[i];
		if (b->bofc[l->pc] == 0) {
			b->bofc[l->pc] = fn->nblk;
			fn->blk[fn->nblk].cell = l->pc;
			b->first[fn->nblk++] = i;
		}
		if (l->op == IOP_BR_IF_MOV || l->op == IOP_BR_IFZ_MOV) {
			uint32_t m = fn->nblk++;
			b->first[m] = b->nli;
			b->mv[2 * m] = code[l->pc + 3];
			b->mv[2 * m + 1] = code[l->pc + 4];
			fn->blk[m].cell = l->pc;
		}
	}
	return fn->nblk == nb;
}

/* Adds edge from -> to (to: a block number). */
static void edge(struct opt_fn *fn, uint32_t *succ, uint32_t *n, uint32_t to)
{
	succ[(*n)++] = to;
	fn->blk[to].npred++;
}

/* The block starting at cell pc. */
static uint32_t at(struct bld *b, uint32_t pc)
{
	return pc < b->c->len ? b->bofc[pc] : OPT_NONE;
}

/* Each block's successors (in the order its terminator names them:
 * taken first, fall-through second), then the predecessor lists. */
static bool link(struct bld *b)
{
	struct opt_fn *fn = b->fn;
	const icell *code = b->c->code;
	for (uint32_t bi = 0; bi < fn->nblk; bi++) {
		struct opt_blk *k = &fn->blk[bi];
		uint32_t s[2], ns = 0;
		if (bi == 0 || b->first[bi] == b->nli) { /* entry, move */
			uint32_t to = bi		   ? OPT_NONE
				      : b->osr == OPT_NONE ? 1
							   : at(b, b->osr);
			if (bi)
				to = at(b, code[k->cell + 2]);
			k->succ = pool_alloc(fn, 1);
			if (fn->oom)
				return false;
			if (to == OPT_NONE || to >= fn->nblk)
				k->bad = true;
			else
				edge(fn, fn->pool + k->succ, &k->nsucc, to);
			continue;
		}
		uint32_t i = b->first[bi];
		while (i + 1 < b->nli && b->bofc[b->li[i + 1].pc] == OPT_NONE)
			i++;
		struct lins *l = &b->li[i];
		uint32_t next = l->pc + l->n; /* fall-through cell */
		if (l->op == IOP_BR_TABLE) {
			uint32_t nt = code[l->pc + 2] + 1;
			k->succ = pool_alloc(fn, nt);
			if (fn->oom)
				return false;
			for (uint32_t j = 0; j < nt; j++)
				if (at(b, code[l->pc + 3 + j]) == OPT_NONE)
					k->bad = true;
			for (uint32_t j = 0; j < nt && !k->bad; j++)
				edge(fn, fn->pool + k->succ, &k->nsucc,
				     at(b, code[l->pc + 3 + j]));
			continue;
		}
		if (l->op == IOP_RET || l->op == IOP_W_UNREACHABLE) {
			ns = 0;
		} else if (l->op == IOP_BR) {
			s[ns++] = at(b, code[l->pc + 1]);
		} else if (l->op == IOP_BR_IF_MOV || l->op == IOP_BR_IFZ_MOV) {
			s[ns++] = bi + 1; /* the move block */
			s[ns++] = at(b, next);
		} else if (ends_block(l->op)) {
			s[ns++] = at(b, code[l->pc + l->n - 1]);
			s[ns++] = at(b, next);
		} else {
			s[ns++] = at(b, next); /* falls into a label */
		}
		k->succ = pool_alloc(fn, 2);
		if (fn->oom)
			return false;
		for (uint32_t j = 0; j < ns; j++)
			if (s[j] == OPT_NONE || s[j] >= fn->nblk)
				k->bad = true;
		for (uint32_t j = 0; j < ns && !k->bad; j++)
			edge(fn, fn->pool + k->succ, &k->nsucc, s[j]);
	}
	for (uint32_t bi = 0; bi < fn->nblk; bi++) {
		fn->blk[bi].pred = pool_alloc(fn, fn->blk[bi].npred);
		fn->blk[bi].npred = 0;
	}
	if (fn->oom)
		return false;
	for (uint32_t bi = 0; bi < fn->nblk; bi++) {
		struct opt_blk *k = &fn->blk[bi];
		for (uint32_t j = 0; j < k->nsucc; j++) {
			struct opt_blk *t = &fn->blk[fn->pool[k->succ + j]];
			fn->pool[t->pred + t->npred++] = bi;
		}
	}
	return true;
}

/* Reverse postorder of the blocks reachable from the entry, and their
 * immediate dominators (Cooper, Harvey and Kennedy's iteration). */
static bool dominators(struct opt_fn *fn)
{
	uint32_t nb = fn->nblk, *stk = malloc((size_t)nb * 8), sp = 0;
	uint32_t *post = malloc((size_t)nb * 4), np = 0;
	fn->order = malloc((size_t)nb * 4);
	if (!stk || !post || !fn->order) {
		free(stk);
		free(post);
		return false;
	}
	for (uint32_t i = 0; i < nb; i++)
		fn->blk[i].rpo = OPT_NONE, fn->blk[i].idom = OPT_NONE;
	/* iterative DFS: (block, next successor) pairs */
	fn->blk[0].rpo = 0; /* visited */
	stk[sp++] = 0, stk[sp++] = 0;
	while (sp) {
		uint32_t bi = stk[sp - 2], j = stk[sp - 1];
		struct opt_blk *k = &fn->blk[bi];
		if (j < k->nsucc) {
			stk[sp - 1]++;
			uint32_t s = fn->pool[k->succ + j];
			if (fn->blk[s].rpo == OPT_NONE) {
				fn->blk[s].rpo = 0;
				stk[sp++] = s, stk[sp++] = 0;
			}
			continue;
		}
		post[np++] = bi;
		sp -= 2;
	}
	for (uint32_t i = 0; i < np; i++) {
		fn->order[i] = post[np - 1 - i];
		fn->blk[fn->order[i]].rpo = i;
	}
	fn->norder = np;
	free(stk);
	free(post);
	fn->blk[0].idom = 0;
	for (bool changed = true; changed;) {
		changed = false;
		for (uint32_t i = 1; i < np; i++) {
			struct opt_blk *k = &fn->blk[fn->order[i]];
			uint32_t d = OPT_NONE;
			for (uint32_t j = 0; j < k->npred; j++) {
				uint32_t p = fn->pool[k->pred + j];
				if (fn->blk[p].idom == OPT_NONE)
					continue;
				if (d == OPT_NONE) {
					d = p;
					continue;
				}
				uint32_t x = p, y = d;
				while (x != y) {
					while (fn->blk[x].rpo > fn->blk[y].rpo)
						x = fn->blk[x].idom;
					while (fn->blk[y].rpo > fn->blk[x].rpo)
						y = fn->blk[y].idom;
				}
				d = x;
			}
			if (d != k->idom) {
				k->idom = d;
				changed = true;
			}
		}
	}
	for (uint32_t i = 0; i < np; i++) {
		struct opt_blk *k = &fn->blk[fn->order[i]];
		for (uint32_t j = 0; j < k->npred; j++) {
			uint32_t p = fn->pool[k->pred + j];
			if (fn->blk[p].rpo != OPT_NONE && fn->blk[p].rpo >= i)
				k->loop = true;
		}
	}
	return true;
}

/* Sets bit s of set (a block's nw words). */
static inline void bset(uint64_t *set, uint32_t s)
{
	set[s / 64] |= 1ull << (s % 64);
}
static inline bool bget(const uint64_t *set, uint32_t s)
{
	return set[s / 64] >> (s % 64) & 1;
}

/* Marks a read of slot s in block bi: a use unless written before. */
static void note_read(struct bld *b, uint32_t bi, uint32_t s)
{
	uint64_t *d = b->def + (size_t)bi * b->nw;
	if (s < b->fn->nslots && !bget(d, s))
		bset(b->use + (size_t)bi * b->nw, s);
}

/* Each block's uses and definitions; false for an uncovered
 * instruction (named in fn->uncovered). */
static bool local_sets(struct bld *b)
{
	struct opt_fn *fn = b->fn;
	for (uint32_t o = 0; o < fn->norder; o++) {
		uint32_t bi = fn->order[o];
		uint64_t *d = b->def + (size_t)bi * b->nw;
		if (bi == 0)
			continue;
		if (b->first[bi] == b->nli) {
			note_read(b, bi, b->mv[2 * bi + 1]);
			bset(d, b->mv[2 * bi]);
			continue;
		}
		for (uint32_t i = b->first[bi]; i < b->nli; i++) {
			struct lins *l = &b->li[i];
			struct lslots s;
			if (i > b->first[bi] && b->bofc[l->pc] != OPT_NONE)
				break;
			if (!slots_of(fn, l->op, b->c->code + l->pc, &s)) {
				fn->uncovered = l->op;
				return false;
			}
			for (uint32_t j = 0; j < s.nrd; j++)
				note_read(b, bi, s.rd[j]);
			for (uint32_t j = 0; j < s.rn; j++)
				note_read(b, bi, s.rlo + j);
			for (uint32_t j = 0; j < s.wn; j++)
				if (s.wlo + j < fn->nslots)
					bset(d, s.wlo + j);
		}
	}
	return true;
}

/* Live-in slots of every block: in = use | (out & ~def), to a fixed
 * point, blocks in postorder. */
static void liveness(struct bld *b)
{
	struct opt_fn *fn = b->fn;
	uint32_t nw = b->nw;
	uint64_t *out = malloc((size_t)nw * 8);
	if (!out) {
		fn->oom = true;
		return;
	}
	for (bool changed = true; changed;) {
		changed = false;
		for (uint32_t o = fn->norder; o-- > 0;) {
			uint32_t bi = fn->order[o];
			struct opt_blk *k = &fn->blk[bi];
			memset(out, 0, (size_t)nw * 8);
			for (uint32_t j = 0; j < k->nsucc; j++) {
				uint64_t *in =
					b->in +
					(size_t)fn->pool[k->succ + j] * nw;
				for (uint32_t w = 0; w < nw; w++)
					out[w] |= in[w];
			}
			uint64_t *in = b->in + (size_t)bi * nw;
			uint64_t *u = b->use + (size_t)bi * nw;
			uint64_t *d = b->def + (size_t)bi * nw;
			for (uint32_t w = 0; w < nw; w++) {
				uint64_t v = u[w] | (out[w] & ~d[w]);
				if (v != in[w])
					in[w] = v, changed = true;
			}
		}
	}
	free(out);
}

/* A phi for every slot live into each reachable join block. */
static void place_phis(struct bld *b)
{
	struct opt_fn *fn = b->fn;
	for (uint32_t o = 1; o < fn->norder; o++) {
		uint32_t bi = fn->order[o];
		struct opt_blk *k = &fn->blk[bi];
		if (k->npred < 2)
			continue;
		const uint64_t *in = b->in + (size_t)bi * b->nw;
		for (uint32_t s = 0; s < fn->nslots; s++) {
			if (!bget(in, s))
				continue;
			uint32_t l = pool_alloc(fn, k->npred);
			if (fn->oom)
				return;
			for (uint32_t j = 0; j < k->npred; j++)
				fn->pool[l + j] = OPT_NONE;
			opt_add(fn, bi,
				(struct opt_ins){.op = OPT_PHI,
						 .nl = k->npred,
						 .list = l,
						 .x = s,
						 .pc = k->cell});
		}
	}
}

/* Renaming state: an undo log of (slot, previous value) pairs. */
struct ren {
	struct bld *b;
	uint32_t bi;
	uint32_t *log;
	uint32_t nlog, clog;
};

/* Slot s gets value v in the current block. */
static void def(struct ren *r, uint32_t s, uint32_t v)
{
	struct opt_fn *fn = r->b->fn;
	if (s >= fn->nslots)
		return;
	uint32_t *p = grow(r->log, &r->clog, r->nlog + 2, 4, &fn->oom);
	if (!p)
		return;
	r->log = p;
	r->log[r->nlog++] = s;
	r->log[r->nlog++] = r->b->cur[s];
	r->b->cur[s] = v;
}

static uint32_t val(struct ren *r, uint32_t s)
{
	return s < r->b->fn->nslots ? r->b->cur[s] : OPT_NONE;
}

/* Adds instruction op with operands a0..a2 (OPT_NONE: fewer) and k. */
static uint32_t add(struct ren *r, uint32_t op, uint32_t pc, uint64_t k,
		    uint32_t a0, uint32_t a1, uint32_t a2)
{
	struct opt_ins v = {.op = (uint16_t)op, .k = k, .pc = pc};
	uint32_t a[3] = {a0, a1, a2};
	for (uint32_t i = 0; i < 3 && a[i] != OPT_NONE; i++)
		v.a[v.n++] = a[i];
	if (op < OP_COUNT)
		v.w64 = wasm_ops[op].res == WASM_I64 ||
			wasm_ops[op].res == WASM_F64;
	return opt_add(r->b->fn, r->bi, v);
}

static uint32_t konst(struct ren *r, uint32_t pc, uint64_t k, bool w64)
{
	uint32_t v = add(r, OPT_CONST, pc, k, OPT_NONE, OPT_NONE, OPT_NONE);
	if (v != OPT_NONE)
		r->b->fn->ins[v].w64 = w64;
	return v;
}

/* The wasm instruction of an _RI form or a compare-and-branch. */
static enum iop plain_op(enum iop op)
{
	static const enum iop ri[] = {
		IOP_W_I32_ADD,	 IOP_W_I32_SUB,	  IOP_W_I32_MUL,
		IOP_W_I32_AND,	 IOP_W_I32_OR,	  IOP_W_I32_XOR,
		IOP_W_I32_SHL,	 IOP_W_I32_SHR_S, IOP_W_I32_SHR_U,
		IOP_W_I64_ADD,	 IOP_W_I64_SUB,	  IOP_W_I64_AND,
		IOP_W_I64_OR,	 IOP_W_I64_XOR,	  IOP_W_I64_SHL,
		IOP_W_I64_SHR_S, IOP_W_I64_SHR_U, IOP_W_I32_EQ,
		IOP_W_I32_NE,	 IOP_W_I32_LT_S,  IOP_W_I32_LT_U,
		IOP_W_I32_GT_S,	 IOP_W_I32_GT_U,  IOP_W_I32_LE_S,
		IOP_W_I32_LE_U,	 IOP_W_I32_GE_S,  IOP_W_I32_GE_U};
	if (op >= IOP_I32_ADD_RI && op <= IOP_I32_GE_U_RI)
		return ri[op - IOP_I32_ADD_RI];
	if (op >= IOP_BR_EQ_RI)
		return IOP_W_I32_EQ + (op - IOP_BR_EQ_RI);
	return IOP_W_I32_EQ + (op - IOP_BR_EQ);
}

/* Ends block r->bi with terminator op (operand a, OPT_NONE for none). */
static void term(struct ren *r, uint32_t op, uint32_t pc, uint32_t a)
{
	add(r, op, pc, 0, a, OPT_NONE, OPT_NONE);
}

/* A call: arguments from their slots, then one RES per result. */
static void call(struct ren *r, const struct lins *l, const icell *p)
{
	struct opt_fn *fn = r->b->fn;
	const wasm_instance *inst = fn->f->inst;
	bool ind = l->op == IOP_CALL_IND;
	const wasm_functype *t =
		ind ? &inst->module->types[p[1]] : &inst->funcs[p[1]]->type;
	uint32_t base = ind ? p[3] : p[2], n = t->nparams + ind;
	uint32_t list = pool_alloc(fn, n);
	if (fn->oom)
		return;
	for (uint32_t i = 0; i < t->nparams; i++)
		fn->pool[list + i] = val(r, base + i);
	if (ind)
		fn->pool[list + t->nparams] = val(r, p[4]);
	struct opt_ins v = {
		.op = OPT_CALL, .nl = n, .list = list, .x = base, .pc = l->pc};
	v.k = ind ? p[1] | (uint64_t)p[2] << 32 : p[1];
	uint32_t c = opt_add(fn, r->bi, v);
	fn->calls = true;
	for (uint32_t i = 0; i < t->nresults && c != OPT_NONE; i++) {
		uint32_t x = add(r, OPT_RES, l->pc, i, c, OPT_NONE, OPT_NONE);
		if (x != OPT_NONE)
			fn->ins[x].w64 = t->results[i] == WASM_I64 ||
					 t->results[i] == WASM_F64 ||
					 t->results[i] == WASM_FUNCREF ||
					 t->results[i] == WASM_EXTERNREF;
		def(r, base + i, x);
	}
}

/* Translates lowered instruction l (covered: slots_of said so). */
static void translate(struct ren *r, const struct lins *l)
{
	struct opt_fn *fn = r->b->fn;
	const icell *p = r->b->c->code + l->pc;
	enum iop op = l->op;
	uint32_t pc = l->pc, v, t;
	unsigned cls = iop_class(op);
	if (cls == OPC_UNARY || cls == OPC_IBINARY || cls == OPC_FBINARY) {
		bool bin = cls != OPC_UNARY;
		def(r, p[1],
		    add(r, op, pc, 0, val(r, p[2]),
			bin ? val(r, p[3]) : OPT_NONE, OPT_NONE));
		if (op >= IOP_W_MEMORY_GROW)
			fn->calls = true;
		return;
	}
	if (cls == OPC_LOAD) {
		def(r, p[1],
		    add(r, op, pc, p[3], val(r, p[2]), OPT_NONE, OPT_NONE));
		return;
	}
	if (cls == OPC_STORE) {
		add(r, op, pc, p[3], val(r, p[1]), val(r, p[2]), OPT_NONE);
		return;
	}
	if (op >= IOP_I32_ADD_RI && op <= IOP_I32_GE_U_RI) {
		bool w = op >= IOP_I64_ADD_RI && op <= IOP_I64_SHR_U_RI;
		uint64_t k = w ? (uint64_t)(int64_t)(int32_t)p[3] : p[3];
		v = konst(r, pc, k, w);
		def(r, p[1],
		    add(r, plain_op(op), pc, 0, val(r, p[2]), v, OPT_NONE));
		return;
	}
	if (op >= IOP_BR_EQ && op <= IOP_BR_GE_U_RI) {
		v = op >= IOP_BR_EQ_RI ? konst(r, pc, p[2], false)
				       : val(r, p[2]);
		t = add(r, plain_op(op), pc, 0, val(r, p[1]), v, OPT_NONE);
		term(r, OPT_BRIF, pc, t);
		return;
	}
	switch (op) {
	case IOP_W_LOOP:
		add(r, OPT_PREEMPT, pc, 0, OPT_NONE, OPT_NONE, OPT_NONE);
		return;
	case IOP_W_UNREACHABLE:
		add(r, OPT_TRAP, pc, TRAP_UNREACHABLE, OPT_NONE, OPT_NONE,
		    OPT_NONE);
		return;
	case IOP_BR:
		term(r, OPT_JMP, pc, OPT_NONE);
		return;
	case IOP_BR_IF:
	case IOP_BR_IF_MOV:
		term(r, OPT_BRIF, pc, val(r, p[1]));
		return;
	case IOP_BR_IFZ:
	case IOP_BR_IFZ_MOV: /* the successors swapped: see rename_block */
		term(r, OPT_BRIF, pc, val(r, p[1]));
		return;
	case IOP_BR_TABLE:
		term(r, OPT_BRTAB, pc, val(r, p[1]));
		return;
	case IOP_RET: {
		uint32_t n = fn->f->type.nresults, list = pool_alloc(fn, n);
		if (fn->oom)
			return;
		for (uint32_t i = 0; i < n; i++)
			fn->pool[list + i] = val(r, i);
		v = add(r, OPT_RET, pc, 0, OPT_NONE, OPT_NONE, OPT_NONE);
		if (v != OPT_NONE)
			fn->ins[v].list = list, fn->ins[v].nl = n;
		return;
	}
	case IOP_CALL:
	case IOP_CALL_IND:
		call(r, l, p);
		return;
	case IOP_COPY:
		def(r, p[1], val(r, p[2]));
		return;
	case IOP_CONST32:
		def(r, p[1], konst(r, pc, p[2], false));
		return;
	case IOP_CONST64:
		def(r, p[1], konst(r, pc, p[2] | (uint64_t)p[3] << 32, true));
		return;
	case IOP_REF_NULL:
		def(r, p[1], konst(r, pc, 0, true));
		return;
	case IOP_REF_FUNC:
		def(r, p[1],
		    konst(r, pc, (uintptr_t)fn->f->inst->funcs[p[2]], true));
		return;
	case IOP_REF_ISNULL:
		def(r, p[1],
		    add(r, IOP_W_I64_EQZ, pc, 0, val(r, p[2]), OPT_NONE,
			OPT_NONE));
		return;
	case IOP_SEL:
		def(r, p[1],
		    add(r, OPT_SEL, pc, 0, val(r, p[2]), val(r, p[3]),
			val(r, p[4])));
		return;
	case IOP_GGET:
		v = add(r, OPT_GGET, pc, p[2], OPT_NONE, OPT_NONE, OPT_NONE);
		def(r, p[1], v);
		return;
	case IOP_GSET:
		add(r, OPT_GSET, pc, p[1], val(r, p[2]), OPT_NONE, OPT_NONE);
		return;
	case IOP_I32_SHRU_AND:
		t = add(r, IOP_W_I32_SHR_U, pc, 0, val(r, p[2]),
			konst(r, pc, p[3] & 31, false), OPT_NONE);
		def(r, p[1],
		    add(r, IOP_W_I32_AND, pc, 0, t, konst(r, pc, p[4], false),
			OPT_NONE));
		return;
	case IOP_I32_MUL_ADD:
		t = add(r, IOP_W_I32_MUL, pc, 0, val(r, p[2]), val(r, p[3]),
			OPT_NONE);
		def(r, p[1],
		    add(r, IOP_W_I32_ADD, pc, 0, t, val(r, p[4]), OPT_NONE));
		return;
	case IOP_W_MEMORY_SIZE:
		def(r, p[1], add(r, op, pc, 0, OPT_NONE, OPT_NONE, OPT_NONE));
		return;
	case IOP_W_MEMORY_GROW:
		fn->calls = true;
		def(r, p[1],
		    add(r, op, pc, 0, val(r, p[2]), OPT_NONE, OPT_NONE));
		return;
	case IOP_W_MEMORY_FILL:
	case IOP_W_MEMORY_COPY:
		fn->calls = true;
		add(r, op, pc, 0, val(r, p[1]), val(r, p[2]), val(r, p[3]));
		return;
	default:
		fn->oom = true; /* slots_of and this switch disagree */
		return;
	}
}

/* OSR: the width of slot s's value in the frame (1: 64 bits, 0: 32, 2:
 * an operand-stack slot, found later by osr_widths). */
static uint8_t osr_width(const struct opt_fn *fn, uint32_t s)
{
	const wasm_module *m = fn->f->inst->module;
	const wasm_functype *t = &fn->f->type;
	uint32_t nl = fn->code->nlocals - 1; /* params + declared locals */
	if (s >= nl)
		return 2;
	uint8_t ty = s < t->nparams
			     ? t->params[s]
			     : m->code[fn->f->index - m->num_imported_funcs]
				       .local_types[s - t->nparams];
	return ty != WASM_I32 && ty != WASM_F32;
}

/* OSR's entry block: every slot live into the loop header read from the
 * frame the baseline left (OPT_PARAM of that slot), the rest zero. */
static void osr_entry(struct ren *r, uint32_t z)
{
	struct opt_fn *fn = r->b->fn;
	const uint64_t *in = r->b->in + (size_t)at(r->b, r->b->osr) * r->b->nw;
	for (uint32_t s = 0; s < fn->nslots; s++) {
		uint32_t v = z;
		if (bget(in, s) && s != fn->code->nlocals - 1) {
			v = add(r, OPT_PARAM, 0, s, OPT_NONE, OPT_NONE,
				OPT_NONE);
			if (v != OPT_NONE)
				fn->ins[v].w64 = osr_width(fn, s);
		}
		r->b->cur[s] = v;
	}
	term(r, OPT_JMP, 0, OPT_NONE);
}

/* The entry block: params, every other slot zero, a jump. */
static void entry_block(struct ren *r)
{
	struct opt_fn *fn = r->b->fn;
	const wasm_functype *t = &fn->f->type;
	uint32_t z = konst(r, 0, 0, true);
	if (r->b->osr != OPT_NONE) {
		osr_entry(r, z);
		return;
	}
	for (uint32_t s = 0; s < fn->nslots; s++) {
		uint32_t v = z;
		if (s < t->nparams) {
			v = add(r, OPT_PARAM, 0, s, OPT_NONE, OPT_NONE,
				OPT_NONE);
			if (v != OPT_NONE)
				fn->ins[v].w64 = t->params[s] != WASM_I32 &&
						 t->params[s] != WASM_F32;
		}
		r->b->cur[s] = v;
	}
	term(r, OPT_JMP, 0, OPT_NONE);
}

/* Translates block bi with the slots' current values, then fills its
 * successors' phi operands. */
static void rename_block(struct ren *r, uint32_t bi)
{
	struct bld *b = r->b;
	struct opt_fn *fn = b->fn;
	struct opt_blk *k = &fn->blk[bi];
	r->bi = bi;
	for (uint32_t i = 0; i < k->n; i++) /* its phis */
		def(r, fn->ins[k->ins[i]].x, k->ins[i]);
	if (bi == 0) {
		entry_block(r);
	} else if (b->first[bi] == b->nli) { /* a move block */
		def(r, b->mv[2 * bi], val(r, b->mv[2 * bi + 1]));
		term(r, OPT_JMP, k->cell, OPT_NONE);
	} else {
		uint32_t i = b->first[bi];
		for (; i < b->nli; i++) {
			if (i > b->first[bi] &&
			    b->bofc[b->li[i].pc] != OPT_NONE)
				break;
			translate(r, &b->li[i]);
		}
		enum iop last = b->li[i - 1].op;
		if (!ends_block(last))
			term(r, OPT_JMP, b->li[i - 1].pc, OPT_NONE);
		if ((last == IOP_BR_IFZ || last == IOP_BR_IFZ_MOV) &&
		    k->nsucc == 2) {
			uint32_t *sp = fn->pool + k->succ, x = sp[0];
			sp[0] = sp[1], sp[1] = x;
		}
	}
	for (uint32_t j = 0; j < k->nsucc && !fn->oom; j++) {
		struct opt_blk *s = &fn->blk[fn->pool[k->succ + j]];
		for (uint32_t q = 0; q < s->npred; q++) {
			if (fn->pool[s->pred + q] != bi)
				continue;
			for (uint32_t i = 0; i < s->n; i++) {
				struct opt_ins *v = &fn->ins[s->ins[i]];
				if (v->op != OPT_PHI)
					break;
				fn->pool[v->list + q] = val(r, v->x);
			}
		}
	}
}

/* Renames every reachable block along the dominator tree (iteratively:
 * bodies may nest deeply), restoring each slot's value on the way up. */
static bool rename_all(struct bld *b)
{
	struct opt_fn *fn = b->fn;
	uint32_t nb = fn->nblk;
	uint32_t *kid = malloc((size_t)nb * 4), *sib = malloc((size_t)nb * 4);
	uint32_t *stk = malloc((size_t)nb * 16), sp = 0;
	struct ren r = {.b = b};
	b->cur = malloc((size_t)fn->nslots * 4 + 4);
	bool ok = kid && sib && stk && b->cur;
	for (uint32_t i = 0; ok && i < nb; i++)
		kid[i] = sib[i] = OPT_NONE;
	for (uint32_t o = fn->norder; ok && o-- > 1;) {
		uint32_t bi = fn->order[o], d = fn->blk[bi].idom;
		if (fn->blk[bi].bad)
			ok = false;
		sib[bi] = kid[d];
		kid[d] = bi;
	}
	if (ok && fn->blk[0].bad)
		ok = false;
	/* frames: (block, OPT_NONE) to enter it, (block, log mark) to
	 * leave it; a block's children are entered before it is left */
	if (ok) {
		stk[sp++] = 0;
		stk[sp++] = OPT_NONE;
	}
	while (ok && sp && !fn->oom) {
		sp -= 2;
		uint32_t bi = stk[sp], mark = stk[sp + 1];
		if (mark == OPT_NONE) {
			stk[sp++] = bi;
			stk[sp++] = r.nlog;
			rename_block(&r, bi);
			for (uint32_t c = kid[bi]; c != OPT_NONE; c = sib[c]) {
				stk[sp++] = c;
				stk[sp++] = OPT_NONE;
			}
			continue;
		}
		while (r.nlog > mark) {
			r.nlog -= 2;
			b->cur[r.log[r.nlog]] = r.log[r.nlog + 1];
		}
	}
	free(kid);
	free(sib);
	free(stk);
	free(r.log);
	return ok && !fn->oom;
}

/* Whether v's w64 gives its width (wasm operations, constants, params,
 * call results); others (phis, selects, globals) say nothing. */
static bool width_known(const struct opt_ins *v)
{
	return v->op < OP_COUNT || v->op == OPT_CONST || v->op == OPT_RES ||
	       (v->op == OPT_PARAM && v->w64 < 2);
}

/*
 * OSR: the widths of the operand-stack slots read at entry (w64 2). A
 * phi and its operands hold one wasm type (validation), so widths flow
 * between them until nothing changes; false if one stays unknown.
 */
static bool osr_widths(struct opt_fn *fn)
{
	uint8_t *w = malloc(fn->nins + 1);
	if (!w)
		return false;
	for (uint32_t v = 0; v < fn->nins; v++)
		w[v] = width_known(&fn->ins[v]) ? fn->ins[v].w64 : 2;
	for (bool changed = true; changed;) {
		changed = false;
		for (uint32_t v = 0; v < fn->nins; v++) {
			struct opt_ins *p = &fn->ins[v];
			if (p->op != OPT_PHI)
				continue;
			uint32_t *a = fn->pool + p->list;
			uint8_t k = w[v];
			for (uint32_t i = 0; i < p->nl && k == 2; i++)
				if (a[i] != OPT_NONE)
					k = w[a[i]];
			for (uint32_t i = 0; i < p->nl && k != 2; i++)
				if (a[i] != OPT_NONE && w[a[i]] == 2)
					w[a[i]] = k, changed = true;
			if (w[v] == 2 && k != 2)
				w[v] = k, changed = true;
		}
	}
	bool ok = true;
	for (uint32_t v = 0; v < fn->nins; v++) {
		struct opt_ins *p = &fn->ins[v];
		if (p->op == OPT_PARAM && p->w64 == 2) {
			p->w64 = w[v];
			ok = ok && w[v] != 2;
		}
	}
	free(w);
	return ok;
}

bool opt_build(struct opt_fn *fn, const wasm_func *f)
{
	return opt_build_at(fn, f, OPT_NONE);
}

bool opt_build_at(struct opt_fn *fn, const wasm_func *f, uint32_t osr)
{
	memset(fn, 0, sizeof *fn);
	fn->f = f;
	fn->uncovered = IOP_COUNT;
	const wasm_module *m = f->inst->module;
	const wasm_code *wc = &m->code[f->index - m->num_imported_funcs];
	if (wc->prof.simd) {
		fn->uncovered = IOP_W_V128_LOAD; /* any v128: SIMD */
		return false;
	}
	struct bld b = {.fn = fn, .osr = osr};
	struct lower_sink sink = {on_insn, on_label, &b};
	fn->code = lower_func(f, NULL, &sink);
	b.c = fn->code;
	bool ok = b.c && !fn->oom && b.nli;
	if (ok) {
		fn->nslots = b.c->nslots;
		ok = split(&b) && link(&b) && dominators(fn);
	}
	if (ok && (uint64_t)fn->nblk * fn->nslots > (64u << 20))
		ok = false; /* bitsets too large: leave it to the baseline */
	if (ok) {
		b.nw = (fn->nslots + 63) / 64;
		size_t n = (size_t)fn->nblk * b.nw;
		b.use = calloc(n ? n : 1, 8);
		b.def = calloc(n ? n : 1, 8);
		b.in = calloc(n ? n : 1, 8);
		ok = b.use && b.def && b.in && local_sets(&b);
	}
	if (ok) {
		liveness(&b);
		place_phis(&b);
		ok = !fn->oom && rename_all(&b);
	}
	if (ok && osr != OPT_NONE)
		ok = osr_widths(fn);
	free(b.li);
	free(b.bofc);
	free(b.first);
	free(b.mv);
	free(b.use);
	free(b.def);
	free(b.in);
	free(b.cur);
	return ok && !fn->oom;
}

void opt_free(struct opt_fn *fn)
{
	for (uint32_t i = 0; i < fn->nblk && fn->blk; i++)
		free(fn->blk[i].ins);
	free(fn->blk);
	free(fn->ins);
	free(fn->pool);
	free(fn->order);
	lower_free_code(fn->code);
	memset(fn, 0, sizeof *fn);
}
