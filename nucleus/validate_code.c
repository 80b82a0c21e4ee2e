/*
 * validate_code.c: validation of function bodies (WebAssembly 2.0 with
 * SIMD, plus the threads proposal's atomics).
 *
 * The standard one-pass algorithm: an operand stack of value types (with
 * T_UNKNOWN for values conjured by unreachable code) and a control stack of
 * frames, each with its label types, the operand height at entry and an
 * unreachable flag. Simple instructions are typed from their opcodes.h
 * rows (wasm_ops); the rest (OPC_SPECIAL) by hand. Opcodes and immediates
 * are read by reader.h, which checks their encoding; the decoder has run
 * the same reads over every body before, so encoding errors (MALFORMED)
 * come before typing errors (INVALID), and the ones found here are only
 * a fallback.
 *
 * On the way it profiles the body for the JIT (wasm_profile): each use of
 * a local or of an operand-stack entry weighs 8^loops (enclosing loops, at
 * most 5), counted as lower.c will read and write frame slots: a
 * local.get or a constant is not copied to the stack (its consumer reads
 * the local, or an immediate), and a local.set right after the
 * instruction computing its value takes that result directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nucleus/module.h"
#include "nucleus/opcodes.h"
#include "nucleus/reader.h"
#include "nucleus/validate.h"

#define T_UNKNOWN 0

typedef struct frame {
	uint8_t op; /* OP_BLOCK, OP_LOOP, OP_IF, OP_ELSE; OP_CALL: the body */
	bool unreachable;
	uint32_t nparams, nresults;
	const uint8_t *params, *results;
	uint32_t height; /* operand stack height at entry */
} frame;

typedef struct vcode {
	const wasm_module *m;
	const uint8_t *declared;
	wasm_reader r;
	wasm_error *err;
	bool failed;
	const uint8_t *op_at; /* current instruction, for messages */
	const char *what;     /* its name */
	wasm_immval im;	      /* its immediates */
	uint8_t *vals;
	uint32_t nvals, capvals;
	frame *frames;
	uint32_t nframes, capframes;
	uint8_t *locals;
	uint32_t nlocals;
	/* the profile: uses of each slot (locals, the zero slot, then stack
	 * heights), each operand's source (SRC_*), the weight of a use here */
	uint64_t *w; /* (64 bits: no sum of weights can wrap) */
	uint32_t *src;
	uint32_t wt, loops, maxh;
	/* where the last instruction ended, if it computed the top value */
	const uint8_t *fold_at;
	bool calls;
	bool simd; /* a v128 value or local (its slots: V128_SLOT) */
} vcode;

/* Marks a slot's weight: the slot holds a v128 at some point, so no
 * register (8 bytes) may hold it. No sum of weights reaches this bit. */
#define V128_SLOT ((uint64_t)1 << 63)

/* Where an operand comes from: computed into its stack slot, a constant
 * (no slot), or local i (SRC_LOCAL + i, no slot). */
enum { SRC_VALUE, SRC_CONST, SRC_LOCAL };

/* Records the first error: "offset 0x..: MSG in INSTR". Stops reading. */
static void verr(vcode *v, enum wasm_error_kind kind, const char *msg)
{
	if (v->failed)
		return;
	v->failed = true;
	v->err->kind = kind;
	snprintf(v->err->msg, sizeof v->err->msg, "offset 0x%x: %s in %s",
		 rd_offset(&v->r, v->op_at), msg,
		 v->what ? v->what : "function");
	v->r.p = v->r.end;
}

/* "unknown WHAT IDX" (INVALID). */
static void unknown(vcode *v, const char *what, uint32_t idx)
{
	char msg[64];
	snprintf(msg, sizeof msg, "unknown %s %u", what, idx);
	verr(v, WASM_ERR_INVALID, msg);
}

static void invalid(vcode *v, const char *msg)
{
	verr(v, WASM_ERR_INVALID, msg);
}

static void malformed(vcode *v, const char *msg)
{
	verr(v, WASM_ERR_MALFORMED, msg);
}

static bool is_num(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 ||
	       t == WASM_F64 || t == WASM_V128;
}

/* Makes room for n more operands (and their sources and weights). */
static bool reserve(vcode *v, uint32_t n)
{
	if (v->capvals - v->nvals >= n)
		return true;
	uint64_t cap = v->capvals ? 2 * (uint64_t)v->capvals : 64;
	while (cap - v->nvals < n)
		cap *= 2;
	uint64_t nw = v->nlocals + 1 + cap;
	uint8_t *p = cap <= UINT32_MAX / 4 ? realloc(v->vals, cap) : NULL;
	uint32_t *src = p ? realloc(v->src, cap * 4) : NULL;
	uint64_t *w = src ? realloc(v->w, nw * sizeof *w) : NULL;
	if (p)
		v->vals = p;
	if (src)
		v->src = src;
	if (!w) {
		verr(v, WASM_ERR_RESOURCE, "out of memory");
		return false;
	}
	memset(w + v->nlocals + 1 + v->capvals, 0,
	       (cap - v->capvals) * sizeof *w);
	v->w = w;
	v->capvals = (uint32_t)cap;
	return true;
}

/* Pushes an operand of type t from source src. */
static inline void push_src(vcode *v, uint8_t t, uint32_t src)
{
	if (v->nvals == v->capvals && !reserve(v, 1))
		return;
	v->src[v->nvals] = src;
	v->vals[v->nvals++] = t;
	if (t == WASM_V128) /* its slot is in the v128 range (lower.h) */
		v->simd = true;
	if (v->nvals > v->maxh)
		v->maxh = v->nvals;
}

static inline void push(vcode *v, uint8_t t)
{
	push_src(v, t, SRC_VALUE);
}

/* Pushes the result of an instruction, computed into its stack slot. */
static inline void push_result(vcode *v, uint8_t t)
{
	push_src(v, t, SRC_VALUE);
	if (v->failed)
		return;
	if (t != WASM_V128) /* slot nlocals + 1 + height */
		v->w[v->nlocals + v->nvals] += v->wt;
	v->fold_at = v->r.p;
}

static frame *top(vcode *v)
{
	return &v->frames[v->nframes - 1];
}

/* Pops any value; below the frame's height only in unreachable code. */
static inline uint8_t pop(vcode *v)
{
	frame *f = top(v);
	if (v->nvals == f->height) {
		if (!f->unreachable)
			invalid(v, "type mismatch");
		return T_UNKNOWN;
	}
	uint32_t h = --v->nvals, s = v->src[h];
	if (s != SRC_CONST && (v->vals[h] != WASM_V128 || s >= SRC_LOCAL))
		v->w[s >= SRC_LOCAL ? s - SRC_LOCAL : v->nlocals + 1 + h] +=
			v->wt;
	return v->vals[h];
}

/* Pops a value of type `want` (T_UNKNOWN: any); returns its type. */
static uint8_t pop_expect(vcode *v, uint8_t want)
{
	uint8_t t = pop(v);
	if (t != want && t != T_UNKNOWN && want != T_UNKNOWN)
		invalid(v, "type mismatch");
	return t;
}

static void pop_types(vcode *v, const uint8_t *types, uint32_t n)
{
	while (n-- > 0 && !v->failed)
		pop_expect(v, types[n]);
}

static void push_types(vcode *v, const uint8_t *types, uint32_t n)
{
	for (uint32_t i = 0; i < n && !v->failed; i++)
		push(v, types[i]);
}

static void set_unreachable(vcode *v)
{
	v->nvals = top(v)->height;
	top(v)->unreachable = true;
}

/* Enters a block: its params are already popped and are pushed again. */
static void push_frame(vcode *v, const frame *f)
{
	if (v->nframes == v->capframes) {
		uint32_t cap = v->capframes ? 2 * v->capframes : 16;
		frame *p = realloc(v->frames, cap * sizeof *p);
		if (!p) {
			verr(v, WASM_ERR_RESOURCE, "out of memory");
			return;
		}
		v->frames = p;
		v->capframes = cap;
	}
	frame *n = &v->frames[v->nframes++];
	*n = *f;
	n->height = v->nvals;
	n->unreachable = false;
	push_types(v, f->params, f->nparams);
}

/* Leaves the top block: its results must be exactly what is left. */
static frame pop_frame(vcode *v)
{
	frame f = *top(v);
	pop_types(v, f.results, f.nresults);
	if (!v->failed && v->nvals != f.height)
		invalid(v, "type mismatch");
	v->nframes--;
	return f;
}

/* A branch target's types: a loop's params, a block's results. */
static void label_types(const frame *f, const uint8_t **types, uint32_t *n)
{
	if (f->op == OP_LOOP) {
		*types = f->params;
		*n = f->nparams;
	} else {
		*types = f->results;
		*n = f->nresults;
	}
}

/* The frame of label `depth`; NULL (after an error) if there is none. */
static const frame *label_at(vcode *v, uint32_t depth)
{
	if (depth >= v->nframes) {
		unknown(v, "label", depth);
		return NULL;
	}
	return &v->frames[v->nframes - 1 - depth];
}

/* The block type (s33) of the block instruction just read: empty, one
 * value type (its byte follows the opcode), or a type index. */
static void blocktype(vcode *v, frame *f)
{
	int64_t bt = (int64_t)v->im.k;
	memset(f, 0, sizeof *f);
	if (bt == -64)
		return;
	if (bt < 0) {
		f->results = v->op_at + 1;
		f->nresults = 1;
		return;
	}
	if ((uint64_t)bt >= v->m->num_types) {
		unknown(v, "type", (uint32_t)bt);
		return;
	}
	const wasm_functype *t = &v->m->types[bt];
	f->params = t->params;
	f->nparams = t->nparams;
	f->results = t->results;
	f->nresults = t->nresults;
}

static void need_memory(vcode *v)
{
	if (v->m->num_mems == 0)
		invalid(v, "unknown memory 0");
}

/* memarg: alignment at most natural (2^log2; exactly that for an atomic
 * access). */
static void memarg(vcode *v, unsigned log2, bool atomic)
{
	uint32_t align = v->im.x;
	need_memory(v);
	if (atomic && align != log2)
		invalid(v, "alignment must be equal to natural");
	else if (align > log2)
		invalid(v, "alignment must not be larger than natural");
}

/* A SIMD lane index immediate: below n, else INVALID. */
static void lane(vcode *v, unsigned n)
{
	if (v->im.k >= n)
		invalid(v, "invalid lane index");
}

/* i8x16.shuffle's 16 lane indices, each below 32. */
static void shuffle_lanes(vcode *v)
{
	for (int i = 0; i < 16; i++)
		if (v->im.vec[i] >= 32)
			invalid(v, "invalid lane index");
}

/* An instruction typed by its opcodes.h row. */
static void check_simple(vcode *v, const wasm_opinfo *o)
{
	switch (o->imm) {
	case IMM_MEM16:
		memarg(v, 4, false);
		break;
	case IMM_MEMLANE1:
	case IMM_MEMLANE2:
	case IMM_MEMLANE4:
	case IMM_MEMLANE8:
		memarg(v, o->imm - IMM_MEMLANE1, false);
		lane(v, 16u >> (o->imm - IMM_MEMLANE1));
		break;
	case IMM_LANE16:
	case IMM_LANE8:
	case IMM_LANE4:
	case IMM_LANE2:
		lane(v, 16u >> (o->imm - IMM_LANE16));
		break;
	case IMM_SHUFFLE:
		shuffle_lanes(v);
		break;
	case IMM_MEM1:
	case IMM_MEM2:
	case IMM_MEM4:
	case IMM_MEM8:
		memarg(v, o->imm - IMM_MEM1, false);
		break;
	case IMM_ATOMIC1:
	case IMM_ATOMIC2:
	case IMM_ATOMIC4:
	case IMM_ATOMIC8:
		memarg(v, o->imm - IMM_ATOMIC1, true);
		break;
	case IMM_MEMIDX:
		need_memory(v);
		break;
	default:
		break;
	}
	if (v->failed)
		return;
	if (o->p2)
		pop_expect(v, o->p2);
	if (o->p1)
		pop_expect(v, o->p1);
	if (o->imm >= IMM_ATOMIC1 && o->imm <= IMM_ATOMIC8)
		pop_expect(v, WASM_I32); /* the address */
	if (o == &wasm_ops[OP_V128_BITSELECT])
		pop_expect(v, WASM_V128); /* the first operand */
	if (o->res && o->imm >= IMM_I32 && o->imm <= IMM_F64 && !o->p1)
		push_src(v, o->res, SRC_CONST);
	else if (o->res)
		push_result(v, o->res);
}

/* Is index i below limit? Else "unknown WHAT I". */
static bool known(vcode *v, uint32_t i, uint32_t limit, const char *what)
{
	if (i < limit)
		return true;
	unknown(v, what, i);
	return false;
}

static const wasm_tabletype *table_at(vcode *v, uint32_t t)
{
	return known(v, t, v->m->num_tables, "table") ? &v->m->tables[t] : NULL;
}

/* Marks stack height h's slot as holding a v128 (an argument or result
 * of a call, moved there from the v128 range and back: lower.c's call). */
static void mark_wide(vcode *v, uint32_t h)
{
	v->w[v->nlocals + 1 + h] |= V128_SLOT;
}

static void check_call(vcode *v, const wasm_functype *t)
{
	uint32_t h = v->nvals;
	pop_types(v, t->params, t->nparams);
	for (uint32_t i = 0; i < t->nparams && h >= t->nparams; i++)
		if (t->params[i] == WASM_V128 && !v->failed)
			mark_wide(v, h - t->nparams + i);
	h = v->nvals;
	for (uint32_t i = 0; i < t->nresults && !v->failed; i++) {
		push_result(v, t->results[i]);
		if (t->results[i] == WASM_V128)
			mark_wide(v, h + i);
	}
	v->calls = true;
}

static void check_block(vcode *v, unsigned op)
{
	frame f;
	blocktype(v, &f);
	if (v->failed)
		return;
	f.op = op;
	if (op == OP_IF)
		pop_expect(v, WASM_I32);
	pop_types(v, f.params, f.nparams);
	push_frame(v, &f);
	if (op == OP_LOOP && ++v->loops <= 5)
		v->wt = 1u << 3 * v->loops;
}

static void check_else(vcode *v)
{
	if (top(v)->op != OP_IF) {
		malformed(v, "else without if");
		return;
	}
	frame f = pop_frame(v);
	f.op = OP_ELSE;
	push_frame(v, &f);
}

static void check_end(vcode *v)
{
	frame f = pop_frame(v);
	if (v->failed)
		return;
	if (f.op == OP_LOOP && v->loops-- <= 5)
		v->wt = 1u << 3 * v->loops;
	/* an if without else passes its params through the missing arm */
	if (f.op == OP_IF &&
	    (f.nparams != f.nresults ||
	     (f.nparams && memcmp(f.params, f.results, f.nparams) != 0))) {
		invalid(v, "type mismatch");
		return;
	}
	if (v->nframes > 0)
		push_types(v, f.results, f.nresults);
}

static void check_br_table(vcode *v)
{
	uint32_t n = v->im.x;
	wasm_reader labels = {.p = v->im.vec, .end = v->r.end};
	pop_expect(v, WASM_I32);
	const frame *def = NULL;
	const uint8_t *types;
	uint32_t arity = 0, k;
	/* the default label comes last; read all first to find its arity */
	for (uint32_t i = 0; i <= n && !v->failed; i++)
		def = label_at(v, rd_u32(&labels));
	if (!def)
		return;
	label_types(def, &types, &arity);
	labels.p = v->im.vec;
	for (uint32_t i = 0; i < n && !v->failed; i++) {
		const frame *f = label_at(v, rd_u32(&labels));
		label_types(f, &types, &k);
		if (k != arity) {
			invalid(v, "type mismatch");
			return;
		}
		/* pop and push back what was popped, to check every label:
		 * values conjured below the frame height come back unknown */
		uint32_t h = v->nvals;
		pop_types(v, types, k);
		uint32_t real = h - v->nvals, missing = k - real;
		if (v->failed || k == 0 || !reserve(v, k))
			continue;
		memmove(v->vals + v->nvals + missing, v->vals + v->nvals, real);
		memset(v->vals + v->nvals, T_UNKNOWN, missing);
		memmove(v->src + v->nvals + missing, v->src + v->nvals,
			real * sizeof *v->src);
		memset(v->src + v->nvals, 0, missing * sizeof *v->src);
		v->nvals += k;
	}
	label_types(def, &types, &arity);
	pop_types(v, types, arity);
	set_unreachable(v);
}

static void check_select(vcode *v, bool typed)
{
	uint8_t want = T_UNKNOWN;
	if (typed) {
		if (v->im.x != 1) {
			invalid(v, "invalid result arity");
			return;
		}
		want = v->im.vec[0];
	}
	pop_expect(v, WASM_I32);
	uint8_t t1 = pop_expect(v, want);
	uint8_t t2 = pop_expect(v, want);
	if (v->failed)
		return;
	if (!typed) {
		if ((t1 && !is_num(t1)) || (t2 && !is_num(t2)) ||
		    (t1 && t2 && t1 != t2)) {
			invalid(v, "type mismatch");
			return;
		}
		want = t1 ? t1 : t2;
	}
	push_result(v, want);
}

static void check_local(vcode *v, unsigned op)
{
	uint32_t i = v->im.x;
	if (!known(v, i, v->nlocals, "local"))
		return;
	uint8_t t = v->locals[i];
	if (op == OP_LOCAL_GET) {
		push_src(v, t, SRC_LOCAL + i);
		return;
	}
	/* right after the instruction that computed it, the value goes
	 * straight to the local: its stack slot is neither written nor read */
	uint32_t h = v->nvals - 1;
	bool direct = v->op_at == v->fold_at && v->nvals > top(v)->height;
	pop_expect(v, t);
	if (direct && !v->failed && t != WASM_V128)
		v->w[v->nlocals + 1 + h] -= 2 * v->wt;
	v->w[i] += v->wt;
	if (op == OP_LOCAL_TEE)
		push_src(v, t, SRC_LOCAL + i);
}

static void check_global(vcode *v, unsigned op)
{
	uint32_t i = v->im.x;
	if (!known(v, i, v->m->num_globals, "global"))
		return;
	const wasm_globaltype *g = &v->m->globals[i];
	if (op == OP_GLOBAL_GET) {
		push_result(v, g->type);
	} else if (!g->mut) {
		invalid(v, "global is immutable");
	} else {
		pop_expect(v, g->type);
	}
}

static void check_call_indirect(vcode *v)
{
	uint32_t ti = v->im.x;
	const wasm_tabletype *t = NULL;
	if (known(v, ti, v->m->num_types, "type"))
		t = table_at(v, v->im.y);
	if (!t)
		return;
	if (t->elem != WASM_FUNCREF) {
		invalid(v, "type mismatch");
		return;
	}
	pop_expect(v, WASM_I32);
	check_call(v, &v->m->types[ti]);
}

/* memory.init, data.drop: data indices need the data count section. */
static void check_data_op(vcode *v, unsigned op)
{
	uint32_t d = v->im.x;
	if (op == OP_MEMORY_INIT)
		need_memory(v);
	/* without the section (then the decoder made sure there is no data
	 * section either) there are no data segments */
	if (d >= (v->m->has_data_count ? v->m->data_count : v->m->num_datas))
		unknown(v, "data segment", d);
	if (op == OP_MEMORY_INIT) {
		pop_expect(v, WASM_I32);
		pop_expect(v, WASM_I32);
		pop_expect(v, WASM_I32);
	}
}

static void pop3_i32(vcode *v)
{
	for (int i = 0; i < 3; i++)
		pop_expect(v, WASM_I32);
}

/* table.* and elem.drop. */
static void check_table_op(vcode *v, unsigned op)
{
	const wasm_tabletype *t, *src;
	uint32_t e;
	switch (op) {
	case OP_TABLE_GET:
		if ((t = table_at(v, v->im.x))) {
			pop_expect(v, WASM_I32);
			push(v, t->elem);
		}
		break;
	case OP_TABLE_SET:
		if ((t = table_at(v, v->im.x))) {
			pop_expect(v, t->elem);
			pop_expect(v, WASM_I32);
		}
		break;
	case OP_TABLE_SIZE:
		if (table_at(v, v->im.x))
			push(v, WASM_I32);
		break;
	case OP_TABLE_GROW:
		if ((t = table_at(v, v->im.x))) {
			pop_expect(v, WASM_I32);
			pop_expect(v, t->elem);
			push(v, WASM_I32);
		}
		break;
	case OP_TABLE_FILL:
		if ((t = table_at(v, v->im.x))) {
			pop_expect(v, WASM_I32);
			pop_expect(v, t->elem);
			pop_expect(v, WASM_I32);
		}
		break;
	case OP_TABLE_COPY:
		t = table_at(v, v->im.x);
		src = t ? table_at(v, v->im.y) : NULL;
		if (src && t->elem != src->elem)
			invalid(v, "type mismatch");
		if (src)
			pop3_i32(v);
		break;
	case OP_TABLE_INIT:
		e = v->im.x;
		if (!(t = table_at(v, v->im.y)))
			break;
		if (e >= v->m->num_elems) {
			unknown(v, "elem segment", e);
			break;
		}
		if (v->m->elems[e].type != t->elem)
			invalid(v, "type mismatch");
		pop3_i32(v);
		break;
	case OP_ELEM_DROP:
		known(v, v->im.x, v->m->num_elems, "elem segment");
		break;
	}
}

static void check_ref(vcode *v, unsigned op)
{
	uint8_t t;
	uint32_t f;
	switch (op) {
	case OP_REF_NULL:
		push(v, (uint8_t)v->im.k);
		break;
	case OP_REF_IS_NULL:
		t = pop(v);
		if (t != T_UNKNOWN && !rd_is_reftype(t))
			invalid(v, "type mismatch");
		push(v, WASM_I32);
		break;
	case OP_REF_FUNC:
		f = v->im.x;
		if (!known(v, f, v->m->num_funcs, "function"))
			break;
		if (!v->declared[f])
			invalid(v, "undeclared function reference");
		push(v, WASM_FUNCREF);
		break;
	}
}

/* An instruction whose typing is not in the table (p1 == SP). */
static void check_special(vcode *v, unsigned op)
{
	const frame *l;
	const uint8_t *types;
	uint32_t n;
	switch (op) {
	case OP_UNREACHABLE:
		set_unreachable(v);
		break;
	case OP_NOP:
		break;
	case OP_BLOCK:
	case OP_LOOP:
	case OP_IF:
		check_block(v, op);
		break;
	case OP_ELSE:
		check_else(v);
		break;
	case OP_END:
		check_end(v);
		break;
	case OP_BR:
	case OP_BR_IF:
		if (!(l = label_at(v, v->im.x)))
			break;
		label_types(l, &types, &n);
		if (op == OP_BR_IF)
			pop_expect(v, WASM_I32);
		pop_types(v, types, n);
		if (op == OP_BR_IF)
			push_types(v, types, n);
		else
			set_unreachable(v);
		break;
	case OP_BR_TABLE:
		check_br_table(v);
		break;
	case OP_RETURN:
		pop_types(v, v->frames[0].results, v->frames[0].nresults);
		set_unreachable(v);
		break;
	case OP_CALL:
		n = v->im.x;
		if (known(v, n, v->m->num_funcs, "function"))
			check_call(v, &v->m->types[v->m->func_types[n]]);
		break;
	case OP_CALL_INDIRECT:
		check_call_indirect(v);
		break;
	case OP_DROP:
		pop(v);
		break;
	case OP_SELECT:
		check_select(v, false);
		break;
	case OP_SELECT_T:
		check_select(v, true);
		break;
	case OP_LOCAL_GET:
	case OP_LOCAL_SET:
	case OP_LOCAL_TEE:
		check_local(v, op);
		break;
	case OP_GLOBAL_GET:
	case OP_GLOBAL_SET:
		check_global(v, op);
		break;
	case OP_REF_NULL:
	case OP_REF_IS_NULL:
	case OP_REF_FUNC:
		check_ref(v, op);
		break;
	case OP_MEMORY_INIT:
	case OP_DATA_DROP:
		check_data_op(v, op);
		break;
	case OP_MEMORY_COPY:
	case OP_MEMORY_FILL:
		need_memory(v);
		pop3_i32(v);
		break;
	default:
		check_table_op(v, op);
		break;
	}
}

static void check_body(vcode *v, const wasm_functype *ft)
{
	frame body = {0};
	body.op = OP_CALL;
	body.results = ft->results;
	body.nresults = ft->nresults;
	push_frame(v, &body);
	while (!v->failed && v->nframes > 0) {
		v->op_at = v->r.p;
		v->what = NULL;
		enum wasm_op op = rd_op(&v->r);
		if (v->r.err)
			break;
		const wasm_opinfo *o = &wasm_ops[op];
		v->what = o->text;
		rd_imm(&v->r, op, &v->im);
		if (v->r.err)
			break;
		if (o->cls == OPC_SPECIAL)
			check_special(v, op);
		else
			check_simple(v, o);
	}
	if (v->failed)
		return;
	if (v->r.err) {
		v->op_at = v->r.err_at;
		malformed(v, strcmp(v->r.err, "unexpected end") == 0
				     ? "unexpected end of section or function"
				     : v->r.err);
	} else if (v->r.p != v->r.end) {
		v->op_at = v->r.p;
		v->what = NULL;
		malformed(v, "section size mismatch");
	}
}

/*
 * The profile's busiest slots: the WASM_NHOT used most and more than
 * once, busiest first (ties: the lower slot), by insertion into a short
 * sorted list.
 */
static void profile(const vcode *v, wasm_profile *out)
{
	uint32_t n = v->nlocals + 1 + v->maxh, k = 0;
	memset(out, 0, sizeof *out);
	out->maxh = v->maxh;
	out->calls = v->calls;
	out->simd = v->simd;
	out->nv = v->simd ? v->maxh : 0;
	for (uint32_t s = 0; s < n; s++) {
		uint64_t u = v->w[s];
		uint32_t i = k;
		if (u & V128_SLOT) /* registers hold 8 bytes */
			continue;
		if (u <= 1 || (k == WASM_NHOT && u <= v->w[out->hot[k - 1]]))
			continue;
		if (k < WASM_NHOT)
			k++;
		for (; i > 0 && v->w[out->hot[i - 1]] < u; i--)
			if (i < WASM_NHOT)
				out->hot[i] = out->hot[i - 1];
		out->hot[i] = s;
	}
	out->nhot = (uint8_t)k;
	/* stack slots come after the v128 range in the frame */
	for (uint32_t i = 0; i < k; i++)
		if (out->hot[i] > v->nlocals)
			out->hot[i] += out->nv;
}

bool wasm_validate_code(const wasm_module *m, uint32_t func,
			const uint8_t *declared, wasm_error *err,
			wasm_profile *prof)
{
	const wasm_code *c = &m->code[func - m->num_imported_funcs];
	const wasm_functype *ft = &m->types[m->func_types[func]];
	vcode v = {0};
	v.m = m;
	v.declared = declared;
	v.err = err;
	v.r.base = m->bytes;
	v.r.p = c->body;
	v.r.end = c->body + c->body_len;
	v.op_at = c->body;
	v.nlocals = ft->nparams + c->num_locals;
	v.locals = malloc(v.nlocals + 1);
	if (!v.locals) {
		verr(&v, WASM_ERR_RESOURCE, "out of memory");
		return false;
	}
	memcpy(v.locals, ft->params, ft->nparams);
	if (c->num_locals)
		memcpy(v.locals + ft->nparams, c->local_types, c->num_locals);
	v.wt = 1;
	if (reserve(&v, ft->nresults + 1)) {
		memset(v.w, 0, (v.nlocals + 1) * sizeof *v.w);
		/* v128 locals, and the slots a v128 result is returned in */
		for (uint32_t i = 0; i < v.nlocals; i++)
			if (v.locals[i] == WASM_V128)
				v.w[i] |= V128_SLOT;
		for (uint32_t i = 0; i < ft->nresults; i++)
			if (ft->results[i] == WASM_V128)
				v.w[i] |= V128_SLOT;
		for (uint32_t i = 0; i < v.nlocals + ft->nresults; i++)
			v.simd |= (v.w[i] & V128_SLOT) != 0;
		check_body(&v, ft);
	}
	if (!v.failed)
		profile(&v, prof);
	free(v.locals);
	free(v.vals);
	free(v.src);
	free(v.w);
	free(v.frames);
	return !v.failed;
}
