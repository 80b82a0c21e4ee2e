/*
 * lower.c: the lowering: translates a validated function body into the
 * internal code both engines run (see lower.h).
 *
 * One pass over the body with a compile-time model of the operand stack.
 * An entry of the model is a value in its own stack slot (V_SLOT), or not
 * yet copied anywhere: a local (V_LOCAL) or a constant (V_CONST). Lazy
 * entries let `local.get a; local.get b; i32.add` become one instruction
 * reading the locals' slots directly. Lazy entries are written to their
 * slots ("materialized") before anything that could change what they read
 * (local.set of that local) and at every block boundary, so all paths that
 * join at a label agree on where values live. A `local.set` (or return)
 * right after the instruction that computed its value retargets that
 * instruction's result; an i32 compare followed by br_if/if becomes one
 * compare-and-branch; (a >> k) & m and a * b + c become one instruction;
 * constant operands become immediates (the RI forms) and a constant 0 is
 * read from a frame slot that is always zero.
 *
 * A sink (the JIT) gets each instruction as soon as it is final, which is
 * when the next one starts, and each label as it is placed.
 */
#include <stdlib.h>
#include <string.h>

#include "nucleus/lower.h"
#include "nucleus/reader.h"

enum vkind { V_SLOT, V_LOCAL, V_CONST };

struct vent {
	uint8_t kind;
	bool wide; /* a v128: its slot is in the v128 range (lower.h) */
	uint32_t local;
	uint64_t k;
};

enum ckind { C_BLOCK, C_LOOP, C_IF, C_FUNC };

struct ctl {
	uint8_t kind;
	bool dead;	 /* the rest of this block is unreachable */
	int64_t bt;	 /* block type (C_FUNC: unused) */
	uint32_t height; /* stack height below the block's params */
	uint32_t nparams, nresults;
	uint32_t label;	     /* loop: first cell */
	uint32_t patch;	     /* chain of cells waiting for the end label (+1) */
	uint32_t else_patch; /* if: branch cell to the else part (+1), or 0 */
};

/* A branch condition, possibly a fused compare. */
struct cond {
	int cmp; /* -1 plain slot, -2 eqz, else ICMP32 index */
	bool ri;
	uint32_t a, b;
};

struct comp {
	const wasm_module *m;
	const int32_t *ops;
	const uint8_t *end; /* of the body */
	icell *code;
	uint32_t len, cap;
	struct lower_pcmap *map;
	uint32_t nmap, mapcap;
	struct vent *vs;
	uint32_t sh, vcap, maxh;
	struct ctl *cs;
	uint32_t nc, ccap;
	uint32_t nlocals, nresults;
	uint32_t nv; /* slots of the v128 range, after the zero slot */
	const wasm_functype *ft;
	const uint8_t *ltypes; /* declared locals' types */
	uint32_t cur_off;
	bool oom;
	uint32_t skip; /* nesting of blocks inside dead code */
	/* result of the last instruction, retargetable by local.set */
	uint32_t fold_len, fold_cell, fold_h;
	enum iop fold_op; /* its internal opcode, for fusions */
	/* the last instruction was an i32 compare (fusable with a branch) */
	uint32_t cmp_start, cmp_len;
	struct cond cmp;
	/* the sink, and the last instruction, not yet given to it */
	const struct lower_sink *sink;
	uint32_t last_pc;
	enum iop last_op;
};

static const uint8_t cmp_invert[10] = {1, 0, 8, 9, 6, 7, 4, 5, 2, 3};
static const uint8_t cmp_swap[10] = {0, 1, 4, 5, 2, 3, 8, 9, 6, 7};

static void *grow(void *p, uint32_t *cap, uint32_t need, size_t size, bool *oom)
{
	if (need <= *cap)
		return p;
	uint32_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (!q) {
		*oom = true;
		return NULL;
	}
	*cap = n;
	return q;
}

/* emit's rare case: the code array is full. */
static void emit_grow(struct comp *c, icell v)
{
	icell *p = grow(c->code, &c->cap, c->len + 1, sizeof *p, &c->oom);
	if (!p)
		return;
	c->code = p;
	c->code[c->len++] = v;
}

/* Appends one cell (dropped silently once out of memory). */
static inline void emit(struct comp *c, icell v)
{
	if (c->len < c->cap) /* the usual case: code is sized up front */
		c->code[c->len++] = v;
	else
		emit_grow(c, v);
}

/* Gives the last instruction to the sink, unless it was fused away. */
static void flush(struct comp *c)
{
	if (c->last_pc < c->len && !c->oom)
		c->sink->insn(c->sink->ctx, c->code, c->last_pc,
			      c->len - c->last_pc, c->last_op);
	c->last_pc = UINT32_MAX;
}

/* Starts an instruction: records its wasm offset, emits its handler. */
static inline void emit_op(struct comp *c, enum iop op)
{
	if (c->sink) {
		flush(c);
		c->last_pc = c->len;
		c->last_op = op;
	}
	struct lower_pcmap *m = c->nmap < c->mapcap
					? c->map
					: grow(c->map, &c->mapcap, c->nmap + 1,
					       sizeof *m, &c->oom);
	if (m) {
		c->map = m;
		m[c->nmap].pc = c->len;
		m[c->nmap].off = c->cur_off;
		c->nmap++;
	}
	emit(c, c->ops ? (icell)c->ops[op] : (icell)op);
}

/* Stack height j's slot, and the v128 range's. */
static uint32_t slot(struct comp *c, uint32_t j)
{
	return c->nlocals + c->nv + j;
}

static uint32_t vslot(struct comp *c, uint32_t j)
{
	return c->nlocals + j;
}

/* The slot of a value of the given width at stack height j. */
static uint32_t slot_w(struct comp *c, uint32_t j, bool wide)
{
	return wide ? vslot(c, j) : slot(c, j);
}

static bool local_wide(struct comp *c, uint32_t x)
{
	uint32_t np = c->ft->nparams;
	return (x < np ? c->ft->params[x] : c->ltypes[x - np]) == WASM_V128;
}

static inline void push(struct comp *c, uint8_t kind, uint32_t local,
			uint64_t k, bool wide)
{
	struct vent *v = c->sh < c->vcap ? c->vs
					 : grow(c->vs, &c->vcap, c->sh + 1,
						sizeof *v, &c->oom);
	if (!v) {
		c->sh++; /* keep heights consistent; code is discarded */
		return;
	}
	c->vs = v;
	v[c->sh].kind = kind;
	v[c->sh].wide = wide;
	v[c->sh].local = local;
	v[c->sh].k = k;
	c->sh++;
	if (c->sh > c->maxh)
		c->maxh = c->sh;
}

static struct vent *ent(struct comp *c, uint32_t j)
{
	static struct vent none = {V_SLOT, false, 0, 0};
	return c->vs ? &c->vs[j] : &none;
}

/* Where stack entry j's value lives once in a slot. */
static uint32_t eslot(struct comp *c, uint32_t j)
{
	return slot_w(c, j, ent(c, j)->wide);
}

static void emit_const(struct comp *c, uint32_t d, uint64_t k)
{
	if (k >> 32) {
		emit_op(c, IOP_CONST64);
		emit(c, d);
		emit(c, (icell)k);
		emit(c, (icell)(k >> 32));
	} else {
		emit_op(c, IOP_CONST32);
		emit(c, d);
		emit(c, (icell)k);
	}
}

/* Copies entry e's value into slot d (nothing if it is already there). */
static void move_to(struct comp *c, struct vent *e, uint32_t j, uint32_t d)
{
	if (e->kind == V_CONST) {
		emit_const(c, d, e->k);
		return;
	}
	uint32_t s = e->kind == V_LOCAL ? e->local : eslot(c, j);
	if (s != d) {
		emit_op(c, IOP_COPY);
		emit(c, d);
		emit(c, s);
	}
}

/* Puts stack entry j's value into its own slot. */
static void materialize(struct comp *c, uint32_t j)
{
	struct vent *e = ent(c, j);
	if (e->kind == V_SLOT)
		return;
	move_to(c, e, j, eslot(c, j));
	e->kind = V_SLOT;
}

static void materialize_top(struct comp *c, uint32_t n)
{
	for (uint32_t j = c->sh - n; j < c->sh; j++)
		materialize(c, j);
}

/* The slot to read entry j from (constants get materialized). */
static uint32_t opnd(struct comp *c, uint32_t j)
{
	struct vent *e = ent(c, j);
	if (e->kind == V_CONST && e->k == 0)
		return c->nlocals - 1; /* the frame's zero slot */
	if (e->kind == V_CONST)
		materialize(c, j);
	return e->kind == V_LOCAL ? e->local : eslot(c, j);
}

static void no_fold(struct comp *c)
{
	c->fold_len = UINT32_MAX;
	c->cmp_len = UINT32_MAX;
}

/* Pushes the result of the instruction just emitted, whose destination
 * operand is cell `cell`. */
static void push_result(struct comp *c, uint32_t cell, bool wide)
{
	push(c, V_SLOT, 0, 0, wide);
	c->fold_len = c->len;
	c->fold_cell = cell;
	c->fold_h = c->sh - 1;
	c->fold_op = IOP_COUNT;
}

static bool top_is_last_result(struct comp *c)
{
	return c->fold_len == c->len && c->sh > 0 && c->fold_h == c->sh - 1 &&
	       ent(c, c->sh - 1)->kind == V_SLOT;
}

/* Pops a branch condition, fusing it with the compare just emitted. */
static struct cond pop_cond(struct comp *c)
{
	struct cond k = {-1, false, 0, 0};
	if (c->cmp_len == c->len && top_is_last_result(c)) {
		k = c->cmp;
		c->len = c->cmp_start;
		if (c->nmap && c->map[c->nmap - 1].pc == c->len)
			c->nmap--;
	} else {
		k.a = opnd(c, c->sh - 1);
	}
	c->sh--;
	no_fold(c);
	return k;
}

/* Emits a branch taken when k holds (or fails, if invert); returns the
 * index of its target cell. */
static uint32_t emit_cond_br(struct comp *c, struct cond k, bool invert)
{
	if (k.cmp == -1 || k.cmp == -2) {
		bool z = (k.cmp == -2) != invert;
		emit_op(c, z ? IOP_BR_IFZ : IOP_BR_IF);
		emit(c, k.a);
	} else {
		int i = invert ? cmp_invert[k.cmp] : k.cmp;
		emit_op(c, (enum iop)((k.ri ? IOP_BR_EQ_RI : IOP_BR_EQ) + i));
		emit(c, k.a);
		emit(c, k.b);
	}
	emit(c, 0);
	return c->len - 1;
}

/* Makes target cell `cell` wait for ctl's end label. */
static void add_patch(struct comp *c, struct ctl *b, uint32_t cell)
{
	if (c->oom)
		return;
	c->code[cell] = b->patch;
	b->patch = cell + 1;
}

/* Branches land on cell pc (the next instruction's). */
static void label(struct comp *c, uint32_t pc)
{
	if (c->sink && !c->oom)
		c->sink->label(c->sink->ctx, pc);
}

static void resolve(struct comp *c, uint32_t chain, uint32_t target)
{
	if (chain)
		label(c, target);
	while (chain && !c->oom) {
		uint32_t next = c->code[chain - 1];
		c->code[chain - 1] = target;
		chain = next;
	}
}

/* Moves the top n values to slots 0.. and returns. */
static void emit_return(struct comp *c)
{
	uint32_t n = c->nresults;
	if (n == 1) {
		/* one move cannot clobber another's source */
		if (top_is_last_result(c) && !c->oom)
			c->code[c->fold_cell] = 0;
		else
			move_to(c, ent(c, c->sh - 1), c->sh - 1, 0);
		emit_op(c, IOP_RET);
		return;
	}
	materialize_top(c, n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t s = eslot(c, c->sh - n + i);
		if (s != i) {
			emit_op(c, IOP_COPY);
			emit(c, i);
			emit(c, s);
		}
	}
	emit_op(c, IOP_RET);
}

static uint32_t arity(const struct ctl *b)
{
	return b->kind == C_LOOP ? b->nparams : b->nresults;
}

/* Does a branch to b need no moves (values already in place)? */
static bool br_direct(struct comp *c, const struct ctl *b)
{
	uint32_t n = arity(b);
	if (b->kind == C_FUNC || c->sh - n != b->height)
		return false;
	for (uint32_t j = c->sh - n; j < c->sh; j++)
		if (ent(c, j)->kind != V_SLOT)
			return false;
	return true;
}

/* Emits an unconditional branch to b: moves, then jump or return. */
static void emit_br(struct comp *c, struct ctl *b)
{
	if (b->kind == C_FUNC) {
		emit_return(c);
		return;
	}
	uint32_t n = arity(b);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = c->sh - n + i;
		move_to(c, ent(c, j), j,
			slot_w(c, b->height + i, ent(c, j)->wide));
	}
	emit_op(c, IOP_BR);
	emit(c, 0);
	if (b->kind == C_LOOP) {
		if (!c->oom)
			c->code[c->len - 1] = b->label;
	} else {
		add_patch(c, b, c->len - 1);
	}
}

/* Points target cell `cell` at b's label (directly, no moves). */
static void target_label(struct comp *c, struct ctl *b, uint32_t cell)
{
	if (b->kind == C_LOOP) {
		if (!c->oom)
			c->code[cell] = b->label;
	} else {
		add_patch(c, b, cell);
	}
}

static void br_if(struct comp *c, uint32_t depth)
{
	struct cond k = pop_cond(c);
	struct ctl *b = &c->cs[c->nc - 1 - depth];
	if (br_direct(c, b)) {
		target_label(c, b, emit_cond_br(c, k, false));
		return;
	}
	struct vent *v = ent(c, c->sh - 1);
	if (b->kind != C_FUNC && arity(b) == 1 && k.cmp < 0 &&
	    v->kind != V_CONST) {
		/* one value: a conditional move-and-branch */
		bool z = k.cmp == -2;
		emit_op(c, z ? IOP_BR_IFZ_MOV : IOP_BR_IF_MOV);
		emit(c, k.a);
		emit(c, 0);
		target_label(c, b, c->len - 1);
		emit(c, slot_w(c, b->height, v->wide));
		emit(c, v->kind == V_LOCAL ? v->local : eslot(c, c->sh - 1));
		return;
	}
	if (b->kind == C_FUNC)
		materialize_top(c, c->nresults);
	else
		materialize_top(c, arity(b));
	uint32_t skip = emit_cond_br(c, k, true);
	emit_br(c, b);
	if (!c->oom)
		c->code[skip] = c->len;
	label(c, c->len);
	no_fold(c);
}

static void br_table(struct comp *c, const wasm_immval *im)
{
	uint32_t n = im->x;
	wasm_reader r = {.p = im->vec, .end = c->end}; /* the labels */
	uint32_t i = opnd(c, c->sh - 1);
	c->sh--;
	for (uint32_t j = 0; j < c->sh; j++)
		materialize(c, j);
	emit_op(c, IOP_BR_TABLE);
	emit(c, i);
	emit(c, n);
	uint32_t first = c->len;
	for (uint32_t j = 0; j <= n; j++) {
		uint32_t d = rd_u32(&r);
		struct ctl *b = &c->cs[c->nc - 1 - d];
		emit(c, 0);
		if (br_direct(c, b))
			target_label(c, b, c->len - 1);
	}
	/* stubs for targets that need moves */
	r.p = im->vec;
	for (uint32_t j = 0; j <= n; j++) {
		uint32_t d = rd_u32(&r);
		struct ctl *b = &c->cs[c->nc - 1 - d];
		if (br_direct(c, b))
			continue;
		if (!c->oom)
			c->code[first + j] = c->len;
		label(c, c->len);
		emit_br(c, b);
	}
}

static void blocktype(struct comp *c, int64_t bt, uint32_t *np, uint32_t *nr)
{
	*np = 0;
	*nr = 0;
	if (bt == -64)
		return;
	if (bt < 0) {
		*nr = 1;
		return;
	}
	*np = c->m->types[bt].nparams;
	*nr = c->m->types[bt].nresults;
}

static void push_ctl(struct comp *c, uint8_t kind, int64_t bt, uint32_t np,
		     uint32_t nr)
{
	struct ctl *s = grow(c->cs, &c->ccap, c->nc + 1, sizeof *s, &c->oom);
	if (!s)
		return;
	c->cs = s;
	struct ctl *b = &s[c->nc++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->bt = bt;
	b->height = c->sh - np;
	b->nparams = np;
	b->nresults = nr;
	b->label = c->len;
}

/* Whether block b's i-th result (or param) is a v128. */
static bool bt_wide(struct comp *c, const struct ctl *b, uint32_t i,
		    bool results)
{
	const wasm_functype *t;
	if (b->bt < 0) /* one result, its value type as a negative s33 */
		return (uint8_t)(b->bt + 128) == WASM_V128;
	t = &c->m->types[b->bt];
	return (results ? t->results : t->params)[i] == WASM_V128;
}

/* Resets the stack model above block b to its n results (or params),
 * every entry in its slot. */
static void reset_stack(struct comp *c, const struct ctl *b, uint32_t n,
			bool results)
{
	for (uint32_t j = 0; j < b->height && j < c->sh; j++)
		ent(c, j)->kind = V_SLOT;
	c->sh = b->height;
	for (uint32_t i = 0; i < n; i++)
		push(c, V_SLOT, 0, 0, bt_wide(c, b, i, results));
}

static void do_end(struct comp *c)
{
	struct ctl *b = &c->cs[c->nc - 1];
	if (b->kind == C_FUNC) {
		if (!b->dead)
			emit_return(c);
		c->nc--;
		return;
	}
	if (!b->dead)
		materialize_top(c, b->nresults);
	resolve(c, b->else_patch, c->len);
	resolve(c, b->patch, c->len);
	reset_stack(c, b, b->nresults, true);
	c->nc--;
}

static void do_else(struct comp *c)
{
	struct ctl *b = &c->cs[c->nc - 1];
	if (!b->dead) {
		materialize_top(c, b->nresults);
		emit_op(c, IOP_BR);
		emit(c, 0);
		add_patch(c, b, c->len - 1);
	}
	resolve(c, b->else_patch, c->len);
	b->else_patch = 0;
	b->dead = false;
	reset_stack(c, b, b->nparams, false);
}

static void set_local(struct comp *c, uint32_t x, bool tee)
{
	uint32_t top = c->sh - 1;
	for (uint32_t j = 0; j < top; j++)
		if (ent(c, j)->kind == V_LOCAL && ent(c, j)->local == x)
			materialize(c, j);
	struct vent *e = ent(c, top);
	if (top_is_last_result(c)) {
		if (!c->oom)
			c->code[c->fold_cell] = x;
	} else if (!(e->kind == V_LOCAL && e->local == x)) {
		move_to(c, e, top, x);
	}
	no_fold(c);
	c->sh--;
	if (tee)
		push(c, V_LOCAL, x, 0, local_wide(c, x));
}

static int ri_op(enum wasm_op op)
{
	switch (op) {
	case OP_I32_ADD:
		return IOP_I32_ADD_RI;
	case OP_I32_SUB:
		return IOP_I32_SUB_RI;
	case OP_I32_MUL:
		return IOP_I32_MUL_RI;
	case OP_I32_AND:
		return IOP_I32_AND_RI;
	case OP_I32_OR:
		return IOP_I32_OR_RI;
	case OP_I32_XOR:
		return IOP_I32_XOR_RI;
	case OP_I32_SHL:
		return IOP_I32_SHL_RI;
	case OP_I32_SHR_S:
		return IOP_I32_SHR_S_RI;
	case OP_I32_SHR_U:
		return IOP_I32_SHR_U_RI;
	case OP_I64_ADD:
		return IOP_I64_ADD_RI;
	case OP_I64_SUB:
		return IOP_I64_SUB_RI;
	case OP_I64_AND:
		return IOP_I64_AND_RI;
	case OP_I64_OR:
		return IOP_I64_OR_RI;
	case OP_I64_XOR:
		return IOP_I64_XOR_RI;
	case OP_I64_SHL:
		return IOP_I64_SHL_RI;
	case OP_I64_SHR_S:
		return IOP_I64_SHR_S_RI;
	case OP_I64_SHR_U:
		return IOP_I64_SHR_U_RI;
	default:
		if (op >= OP_I32_EQ && op <= OP_I32_GE_U)
			return IOP_I32_EQ_RI + (op - OP_I32_EQ);
		return -1;
	}
}

static bool commutative(enum wasm_op op)
{
	switch (op) {
	case OP_I32_ADD:
	case OP_I32_MUL:
	case OP_I32_AND:
	case OP_I32_OR:
	case OP_I32_XOR:
	case OP_I64_ADD:
	case OP_I64_AND:
	case OP_I64_OR:
	case OP_I64_XOR:
		return true;
	default:
		return op >= OP_I32_EQ && op <= OP_I32_GE_U;
	}
}

/* Can constant k be the s32 immediate of op's RI form? */
static bool imm_fits(enum wasm_op op, uint64_t k)
{
	if (op >= OP_I64_ADD && op <= OP_I64_ROTR)
		return (uint64_t)(int64_t)(int32_t)k == k;
	return true;
}

/* Drops the last instruction (whose result is being consumed). */
static uint32_t unemit_last(struct comp *c)
{
	uint32_t start = c->fold_cell - 1;
	c->len = start;
	if (c->nmap && c->map[c->nmap - 1].pc == start)
		c->nmap--;
	return start;
}

/* Fuses (a >> k) & m and a * b + c with the instruction before. */
static bool fuse_binary(struct comp *c, enum wasm_op op)
{
	uint32_t ja = c->sh - 2, jb = c->sh - 1;
	struct vent *a = ent(c, ja), *b = ent(c, jb);
	bool last_ok = c->fold_len == c->len && !c->oom;
	enum iop fop;
	uint32_t x, y, z;
	if (op == OP_I32_AND && last_ok && c->fold_h == ja &&
	    a->kind == V_SLOT && b->kind == V_CONST &&
	    c->fold_op == IOP_I32_SHR_U_RI) {
		uint32_t s = unemit_last(c);
		x = c->code[s + 2];
		y = c->code[s + 3];
		z = (uint32_t)b->k;
		fop = IOP_I32_SHRU_AND;
	} else if (op == OP_I32_ADD && last_ok && a->kind != V_CONST &&
		   b->kind != V_CONST && c->fold_op == IOP_W_I32_MUL &&
		   (c->fold_h == ja || c->fold_h == jb) &&
		   ent(c, c->fold_h)->kind == V_SLOT) {
		uint32_t other = c->fold_h == ja ? jb : ja;
		z = opnd(c, other);
		uint32_t s = unemit_last(c);
		x = c->code[s + 2];
		y = c->code[s + 3];
		fop = IOP_I32_MUL_ADD;
	} else {
		return false;
	}
	c->sh -= 2;
	uint32_t start = c->len;
	emit_op(c, fop);
	emit(c, slot(c, c->sh));
	emit(c, x);
	emit(c, y);
	emit(c, z);
	push_result(c, start + 1, false);
	c->fold_op = fop;
	return true;
}

static void binary(struct comp *c, enum wasm_op op)
{
	if (fuse_binary(c, op))
		return;
	uint32_t ja = c->sh - 2, jb = c->sh - 1;
	struct vent *a = ent(c, ja), *b = ent(c, jb);
	int ri = ri_op(op);
	bool cmp = op >= OP_I32_EQ && op <= OP_I32_GE_U;
	int ci = cmp ? (int)(op - OP_I32_EQ) : 0;
	uint32_t start = c->len;
	uint32_t sa, imm = 0;
	bool use_ri = false;
	if (ri >= 0 && b->kind == V_CONST && imm_fits(op, b->k)) {
		sa = opnd(c, ja);
		imm = (uint32_t)b->k;
		use_ri = true;
	} else if (ri >= 0 && commutative(op) && a->kind == V_CONST &&
		   b->kind != V_CONST && imm_fits(op, a->k)) {
		sa = opnd(c, jb);
		imm = (uint32_t)a->k;
		use_ri = true;
		if (cmp) {
			ci = cmp_swap[ci];
			ri = IOP_I32_EQ_RI + ci;
			op = (enum wasm_op)(OP_I32_EQ + ci);
		}
	} else {
		sa = opnd(c, ja);
		imm = opnd(c, jb);
	}
	c->sh -= 2;
	start = c->len;
	emit_op(c, use_ri ? (enum iop)ri : (enum iop)(IOP_W_UNREACHABLE + op));
	emit(c, slot(c, c->sh));
	emit(c, sa);
	emit(c, imm);
	push_result(c, start + 1, false);
	c->fold_op = use_ri ? (enum iop)ri : (enum iop)(IOP_W_UNREACHABLE + op);
	if (cmp) {
		c->cmp_start = start;
		c->cmp_len = c->len;
		c->cmp.cmp = ci;
		c->cmp.ri = use_ri;
		c->cmp.a = sa;
		c->cmp.b = imm;
	}
}

static void unary(struct comp *c, enum wasm_op op)
{
	uint32_t s = opnd(c, c->sh - 1);
	c->sh--;
	uint32_t start = c->len;
	emit_op(c, (enum iop)(IOP_W_UNREACHABLE + op));
	emit(c, slot(c, c->sh));
	emit(c, s);
	push_result(c, start + 1, false);
	if (op == OP_I32_EQZ) {
		c->cmp_start = start;
		c->cmp_len = c->len;
		c->cmp.cmp = -2;
		c->cmp.a = s;
	}
}

/* Emits op with n popped operands (read as slots) and an optional result
 * slot first; `imms` immediates follow the operands. Only a select of
 * v128s and a v128 global's get have a v128 result. */
static void generic(struct comp *c, enum iop op, uint32_t n, bool result,
		    const uint32_t *imm, uint32_t nimm)
{
	uint32_t s[5];
	bool wide = (op == IOP_SEL && ent(c, c->sh - 3)->wide) ||
		    (op == IOP_GGET && c->m->globals[imm[0]].type == WASM_V128);
	for (uint32_t i = 0; i < n; i++)
		s[i] = opnd(c, c->sh - n + i);
	c->sh -= n;
	uint32_t start = c->len;
	emit_op(c, op);
	if (result)
		emit(c, slot_w(c, c->sh, wide));
	for (uint32_t i = 0; i < n; i++)
		emit(c, s[i]);
	for (uint32_t i = 0; i < nimm; i++)
		emit(c, imm[i]);
	if (result)
		push_result(c, start + 1, wide);
}

static void copy(struct comp *c, uint32_t d, uint32_t s)
{
	emit_op(c, IOP_COPY);
	emit(c, d);
	emit(c, s);
}

static void call(struct comp *c, enum iop op, const wasm_functype *t,
		 uint32_t imm0, uint32_t imm1)
{
	uint32_t idx = 0;
	if (op == IOP_CALL_IND) {
		idx = opnd(c, c->sh - 1);
		c->sh--;
	}
	materialize_top(c, t->nparams);
	c->sh -= t->nparams;
	/* arguments (and results) go through stack slots (lower.h) */
	for (uint32_t j = c->sh; j < c->sh + t->nparams; j++)
		if (ent(c, j)->wide)
			copy(c, slot(c, j), vslot(c, j));
	emit_op(c, op);
	emit(c, imm0);
	if (op == IOP_CALL_IND)
		emit(c, imm1);
	emit(c, slot(c, c->sh));
	if (op == IOP_CALL_IND)
		emit(c, idx);
	for (uint32_t i = 0; i < t->nresults; i++) {
		bool wide = t->results[i] == WASM_V128;
		if (wide)
			copy(c, vslot(c, c->sh), slot(c, c->sh));
		push(c, V_SLOT, 0, 0, wide);
	}
	no_fold(c);
}

/* Handles an instruction while the current block is unreachable. */
static void dead_insn(struct comp *c, enum wasm_op op)
{
	if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF)
		c->skip++;
	else if (op == OP_END && c->skip)
		c->skip--;
	else if (op == OP_END)
		do_end(c);
	else if (op == OP_ELSE && !c->skip)
		do_else(c);
}

/* A load or store, at memarg offset off. */
static void memarg_op(struct comp *c, enum wasm_op op, uint32_t off)
{
	enum iop iop = (enum iop)(IOP_W_UNREACHABLE + op);
	if (wasm_ops[op].cls == OPC_LOAD)
		generic(c, iop, 1, true, &off, 1);
	else
		generic(c, iop, 2, false, &off, 1);
}

/* An atomic instruction: d a b c off (lower.h), unused operands read
 * the zero slot. */
static void atomic_op(struct comp *c, enum wasm_op op, const wasm_immval *im)
{
	const wasm_opinfo *o = &wasm_ops[op];
	bool fence = o->imm == IMM_FENCE, result = o->res;
	uint32_t off = fence ? 0 : im->y, s[3], zero = c->nlocals - 1;
	/* the address, then the value operands after it in the row */
	uint32_t n = !fence + (o->p1 != 0) + (o->p2 != 0);
	for (uint32_t i = 0; i < 3; i++)
		s[i] = i < n ? opnd(c, c->sh - n + i) : zero;
	c->sh -= n;
	uint32_t start = c->len;
	emit_op(c, (enum iop)(IOP_W_UNREACHABLE + op));
	emit(c, result ? slot(c, c->sh) : zero);
	for (uint32_t i = 0; i < 3; i++)
		emit(c, s[i]);
	emit(c, off);
	if (result)
		push_result(c, start + 1, false);
}

/* A SIMD instruction: d a b c x0..x3 (lower.h). */
static void simd_op(struct comp *c, enum wasm_op op, const wasm_immval *im)
{
	const wasm_opinfo *o = &wasm_ops[op];
	uint32_t n = (o->p1 != 0) + (o->p2 != 0) + (op == OP_V128_BITSELECT);
	uint32_t s[3], x[4] = {0}, zero = c->nlocals - 1;
	for (uint32_t i = 0; i < 3; i++)
		s[i] = i < n ? opnd(c, c->sh - n + i) : zero;
	c->sh -= n;
	if (o->imm == IMM_V128 || o->imm == IMM_SHUFFLE)
		memcpy(x, im->vec, 16);
	else if (o->imm >= IMM_LANE16 && o->imm <= IMM_LANE2)
		x[0] = (uint32_t)im->k;
	else if (o->imm != IMM_NONE) { /* a memarg, perhaps a lane */
		x[0] = im->y;
		x[1] = (uint32_t)im->k;
	}
	uint32_t start = c->len;
	emit_op(c, (enum iop)(IOP_W_UNREACHABLE + op));
	emit(c, o->res ? slot_w(c, c->sh, o->res == WASM_V128) : zero);
	for (uint32_t i = 0; i < 3; i++)
		emit(c, s[i]);
	for (uint32_t i = 0; i < 4; i++)
		emit(c, x[i]);
	if (o->res)
		push_result(c, start + 1, o->res == WASM_V128);
	else
		no_fold(c);
}

static void mark_dead(struct comp *c)
{
	c->cs[c->nc - 1].dead = true;
	no_fold(c);
}

/* Translates one live instruction; false on a malformed body. */
static bool insn(struct comp *c, enum wasm_op op, const wasm_immval *im)
{
	const wasm_module *m = c->m;
	uint32_t np, nr, x = im->x, y;
	switch (op) {
	case OP_UNREACHABLE:
		emit_op(c, IOP_W_UNREACHABLE);
		mark_dead(c);
		break;
	case OP_NOP:
		break;
	case OP_BLOCK:
	case OP_LOOP:
	case OP_IF: {
		blocktype(c, (int64_t)im->k, &np, &nr);
		struct cond k = {-1, false, 0, 0};
		if (op == OP_IF)
			k = pop_cond(c);
		for (uint32_t j = 0; j < c->sh; j++)
			materialize(c, j);
		no_fold(c);
		push_ctl(c,
			 op == OP_LOOP ? C_LOOP
			 : op == OP_IF ? C_IF
				       : C_BLOCK,
			 (int64_t)im->k, np, nr);
		if (op == OP_IF && !c->oom)
			c->cs[c->nc - 1].else_patch =
				emit_cond_br(c, k, true) + 1;
		if (op == OP_LOOP) { /* the loop's preemption point */
			label(c, c->len);
			emit_op(c, IOP_W_LOOP);
		}
		break;
	}
	case OP_ELSE:
		do_else(c);
		no_fold(c);
		break;
	case OP_END:
		do_end(c);
		no_fold(c);
		break;
	case OP_BR:
		emit_br(c, &c->cs[c->nc - 1 - x]);
		mark_dead(c);
		break;
	case OP_BR_IF:
		br_if(c, x);
		break;
	case OP_BR_TABLE:
		br_table(c, im);
		mark_dead(c);
		break;
	case OP_RETURN:
		emit_return(c);
		mark_dead(c);
		break;
	case OP_CALL:
		call(c, IOP_CALL, &m->types[m->func_types[x]], x, 0);
		break;
	case OP_CALL_INDIRECT:
		call(c, IOP_CALL_IND, &m->types[x], x, im->y);
		break;
	case OP_DROP:
		c->sh--;
		no_fold(c);
		break;
	case OP_SELECT:
	case OP_SELECT_T:
		generic(c, IOP_SEL, 3, true, NULL, 0);
		break;
	case OP_LOCAL_GET:
		push(c, V_LOCAL, x, 0, local_wide(c, x));
		break;
	case OP_LOCAL_SET:
	case OP_LOCAL_TEE:
		set_local(c, x, op == OP_LOCAL_TEE);
		break;
	case OP_GLOBAL_GET:
		generic(c, IOP_GGET, 0, true, &im->x, 1);
		break;
	case OP_GLOBAL_SET:
		y = opnd(c, c->sh - 1);
		c->sh--;
		emit_op(c, IOP_GSET);
		emit(c, x);
		emit(c, y);
		no_fold(c);
		break;
	case OP_TABLE_GET:
		/* d t i: table before the operand */
		x = opnd(c, c->sh - 1);
		c->sh--;
		emit_op(c, IOP_W_TABLE_GET);
		emit(c, slot(c, c->sh));
		emit(c, im->x);
		emit(c, x);
		push(c, V_SLOT, 0, 0, false);
		no_fold(c);
		break;
	case OP_TABLE_SET:
		generic(c, IOP_W_TABLE_SET, 2, false, &im->x, 1);
		break;
	case OP_MEMORY_SIZE:
		generic(c, IOP_W_MEMORY_SIZE, 0, true, NULL, 0);
		break;
	case OP_MEMORY_GROW:
		generic(c, IOP_W_MEMORY_GROW, 1, true, NULL, 0);
		break;
	case OP_I32_CONST:
	case OP_I64_CONST:
	case OP_F32_CONST:
	case OP_F64_CONST:
		push(c, V_CONST, 0, im->k, false);
		break;
	case OP_REF_NULL:
		push(c, V_CONST, 0, 0, false);
		break;
	case OP_REF_IS_NULL:
		generic(c, IOP_REF_ISNULL, 1, true, NULL, 0);
		break;
	case OP_REF_FUNC:
		generic(c, IOP_REF_FUNC, 0, true, &im->x, 1);
		break;
	case OP_MEMORY_INIT:
		generic(c, IOP_W_MEMORY_INIT, 3, false, &im->x, 1);
		break;
	case OP_DATA_DROP:
	case OP_ELEM_DROP:
		emit_op(c, (enum iop)(IOP_W_UNREACHABLE + op));
		emit(c, x);
		no_fold(c);
		break;
	case OP_MEMORY_COPY:
		generic(c, IOP_W_MEMORY_COPY, 3, false, NULL, 0);
		break;
	case OP_MEMORY_FILL:
		generic(c, IOP_W_MEMORY_FILL, 3, false, NULL, 0);
		break;
	case OP_TABLE_INIT:
	case OP_TABLE_COPY:
		generic(c, (enum iop)(IOP_W_UNREACHABLE + op), 3, false, &im->x,
			2);
		break;
	case OP_TABLE_GROW:
		generic(c, IOP_W_TABLE_GROW, 2, true, &im->x, 1);
		break;
	case OP_TABLE_SIZE:
		generic(c, IOP_W_TABLE_SIZE, 0, true, &im->x, 1);
		break;
	case OP_TABLE_FILL:
		generic(c, IOP_W_TABLE_FILL, 3, false, &im->x, 1);
		break;
	default:
		switch (wasm_ops[op].cls) {
		case OPC_UNARY:
			unary(c, op);
			break;
		case OPC_IBINARY:
		case OPC_FBINARY:
			binary(c, op);
			break;
		case OPC_LOAD:
		case OPC_STORE:
			memarg_op(c, op, im->y);
			break;
		case OPC_ATOMIC:
			atomic_op(c, op, im);
			break;
		case OPC_SIMD:
			simd_op(c, op, im);
			break;
		default:
			return false;
		}
	}
	return true;
}

static void comp_free(struct comp *c)
{
	free(c->code);
	free(c->map);
	free(c->vs);
	free(c->cs);
}

/*
 * Lowers defined function f. Returns NULL when out of memory or (which
 * validation rules out) when the body does not parse.
 */
struct lower_code *lower_func(const wasm_func *f, const int32_t *handlers,
			      const struct lower_sink *sink)
{
	const wasm_module *m = f->inst->module;
	const wasm_code *wc = &m->code[f->index - m->num_imported_funcs];
	struct comp c;
	memset(&c, 0, sizeof c);
	c.m = m;
	c.ops = handlers;
	c.sink = sink;
	c.end = wc->body + wc->body_len;
	c.last_pc = UINT32_MAX;
	/* slots: params, declared locals, one slot that stays zero (read for
	 * constant 0 operands), then the operand stack */
	c.nlocals = f->type.nparams + wc->num_locals + 1;
	c.nresults = f->type.nresults;
	c.nv = wc->prof.nv;
	c.ft = &f->type;
	c.ltypes = wc->local_types;
	/* about one cell and half a map entry per byte of body: sized once */
	c.code = grow(NULL, &c.cap, wc->body_len + 8, sizeof *c.code, &c.oom);
	c.map = grow(NULL, &c.mapcap, wc->body_len / 2 + 8, sizeof *c.map,
		     &c.oom);
	no_fold(&c);
	push_ctl(&c, C_FUNC, -64, 0, f->type.nresults);
	wasm_reader r = {.p = wc->body,
			 .end = wc->body + wc->body_len,
			 .base = wc->body};
	wasm_immval im = {0};
	bool ok = true;
	while (ok && c.nc > 0 && r.p < r.end && !c.oom) {
		c.cur_off = wc->body_offset + (uint32_t)(r.p - wc->body);
		enum wasm_op op = rd_op(&r);
		rd_imm(&r, op, &im);
		if (r.err)
			ok = false;
		else if (c.cs[c.nc - 1].dead)
			dead_insn(&c, op);
		else
			ok = insn(&c, op, &im);
	}
	if (sink)
		flush(&c);
	struct lower_code *ic = calloc(1, sizeof *ic);
	if (!ok || c.oom || c.nc != 0 || !ic) {
		free(ic);
		comp_free(&c);
		return NULL;
	}
	ic->code = c.code;
	ic->len = c.len;
	ic->nparams = f->type.nparams;
	ic->nresults = f->type.nresults;
	ic->nlocals = c.nlocals;
	/* validation's height bounds ours (it counts dead code too): the JIT
	 * has sized its frames by it before seeing the code */
	ic->nslots = c.nlocals + c.nv +
		     (c.maxh > wc->prof.maxh ? c.maxh : wc->prof.maxh);
	if (ic->nslots < ic->nresults)
		ic->nslots = ic->nresults;
	ic->map = c.map;
	ic->nmap = c.nmap;
	free(c.vs);
	free(c.cs);
	return ic;
}

/* Wasm offset of the instruction containing cell pc (binary search). */
uint32_t lower_wasm_offset(const struct lower_code *c, uint32_t pc)
{
	uint32_t lo = 0, hi = c->nmap;
	if (!hi)
		return 0;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (c->map[mid].pc <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return c->map[lo].off;
}

/* Frees code from lower_func (NULL: nothing). */
void lower_free_code(struct lower_code *code)
{
	if (!code)
		return;
	free(code->code);
	free(code->map);
	free(code);
}

/* f's slot in its module's shared lowered code. */
static struct lower_code **shared_slot(const wasm_func *f, bool jit)
{
	const wasm_module *m = f->inst->module;
	uint32_t n = m->num_funcs - m->num_imported_funcs;
	return &m->lowered[(jit ? n : 0) + f->index - m->num_imported_funcs];
}

struct lower_code *lower_shared(const wasm_func *f, bool jit)
{
	return __atomic_load_n(shared_slot(f, jit), __ATOMIC_ACQUIRE);
}

struct lower_code *lower_publish(const wasm_func *f, bool jit,
				 struct lower_code *ic)
{
	struct lower_code *had = NULL;
	if (!ic)
		return NULL;
	if (__atomic_compare_exchange_n(shared_slot(f, jit), &had, ic, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return ic;
	lower_free_code(ic);
	return had;
}

void lower_free_module(wasm_module *m)
{
	uint32_t n = m->num_funcs - m->num_imported_funcs;
	for (uint32_t i = 0; m->lowered && i < 2 * n; i++)
		if (m->lowered[i])
			lower_free_code(m->lowered[i]);
	free(m->lowered);
	m->lowered = NULL;
}
