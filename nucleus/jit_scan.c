/*
 * jit_scan.c: what the JIT translator (jit.c) learns before translating a
 * function: the shape of each internal instruction (jit_cells), branch
 * targets, calls and weighted slot uses (jit_prescan), and which slots
 * live in which registers (jit_choose_pins).
 */
#include <stdlib.h>

#include "jit_gen.h"

/* Internal opcode of a handler cell (inverse of interp_op_table). */
static struct {
	int32_t off;
	uint16_t op;
} rev[IOP_COUNT];
static bool rev_ready;

static int rev_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* A direct map from handler offset to opcode when the offsets span a
 * small range (they do: they are label distances inside one function). */
static uint16_t *direct;
static int32_t dmin, dmax;

enum iop jit_op_of(icell cell)
{
	if (!rev_ready) {
		const int32_t *t = interp_op_table();
		for (int i = 0; i < IOP_COUNT; i++) {
			rev[i].off = t[i];
			rev[i].op = (uint16_t)i;
		}
		qsort(rev, IOP_COUNT, sizeof rev[0], rev_cmp);
		dmin = rev[0].off;
		dmax = rev[IOP_COUNT - 1].off;
		if ((int64_t)dmax - dmin < (1 << 20) &&
		    (direct = calloc((size_t)(dmax - dmin) + 1, 2))) {
			for (int i = 0; i < IOP_COUNT; i++)
				direct[rev[i].off - dmin] = rev[i].op;
		}
		rev_ready = true;
	}
	int32_t v = (int32_t)cell;
	if (direct && v >= dmin && v <= dmax)
		return (enum iop)direct[v - dmin];
	uint32_t lo = 0, hi = IOP_COUNT;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (rev[mid].off <= v)
			lo = mid;
		else
			hi = mid;
	}
	return (enum iop)rev[lo].op;
}

/* Shapes of the plain wasm instructions: 3 (d a), 4 (d a b), 5 (a load's
 * d a off or a store's a v off: 4 cells), 0 for the others. */
#define WSHAPE(name, pre, code, imm, p1, p2, res, text)                        \
	[IOP_W_##name] = ((imm) == IMM_NONE && OPV_##p1 && OPV_##res)          \
				 ? 3 + OPV_##p2                                \
			 : ((imm) >= IMM_MEM1 && (imm) <= IMM_MEM8) ? 5        \
								    : 0,
static const uint8_t wshape[IOP_COUNT] = {WASM_OPCODES(WSHAPE)};

/*
 * Length in cells of the instruction op at p (0 if the JIT does not know
 * it); *slots gets a bit i set for each operand p[i] that is a frame slot
 * (for the rare instructions, a guess: every operand).
 */
uint32_t jit_cells(enum iop op, const icell *p, uint32_t *slots)
{
	*slots = 0;
	if (op >= IOP_I32_ADD_RI && op <= IOP_I32_GE_U_RI) {
		*slots = 0x6; /* d a imm */
		return 4;
	}
	if (op >= IOP_BR_EQ && op <= IOP_BR_GE_U_RI) {
		*slots = op <= IOP_BR_GE_U ? 0x6 : 0x2; /* a b t, a imm t */
		return 4;
	}
	switch (op) {
	case IOP_W_UNREACHABLE:
	case IOP_W_LOOP:
	case IOP_RET:
		return 1;
	case IOP_BR:
		return 2;
	case IOP_W_MEMORY_SIZE:
	case IOP_REF_NULL:
		*slots = 0x2;
		return 2;
	case IOP_BR_IF:
	case IOP_BR_IFZ:
	case IOP_CONST32:
	case IOP_GGET:
	case IOP_REF_FUNC:
		*slots = 0x2;
		return 3;
	case IOP_GSET:
		*slots = 0x4;
		return 3;
	case IOP_CALL:
		return 3;
	case IOP_COPY:
	case IOP_REF_ISNULL:
		*slots = 0x6;
		return 3;
	case IOP_CONST64:
		*slots = 0x2;
		return 4;
	case IOP_BR_TABLE:
		*slots = 0x2;
		return 4 + p[2];
	case IOP_CALL_IND:
		*slots = 0x10;
		return 5;
	case IOP_SEL:
	case IOP_I32_MUL_ADD:
		*slots = 0x1E;
		return 5;
	case IOP_BR_IF_MOV:
	case IOP_BR_IFZ_MOV:
		*slots = 0x1A; /* c t d s */
		return 5;
	case IOP_I32_SHRU_AND:
		*slots = 0x6;
		return 5;
	default:
		break;
	}
	if (IOP_IS_ATOMIC(op)) {
		*slots = jit_atomic_slots(op);
		return INTERP_ATOMIC_LEN;
	}
	uint32_t n = wshape[op];
	if (n == 3 || n == 5)
		*slots = 0x6;
	else if (n == 4)
		*slots = 0xE;
	if (n == 5)
		n = 4;
	else if (!n && (n = jit_slow_len(op)) != 0)
		*slots = (1u << n) - 2;
	return n;
}

/* call_indirect: rax = the callee (signature checked), rcx = its entry,
 * rdx = the caller's instance; a callee of the same instance is entered
 * past its entry stub (r13 is already its memory). */
bool jit_callee_saved(int r)
{
	return r == RBP || r == R12 || r == R14 || r == R15;
}

/* Marks branch target t; a backward branch from [pc, end) makes a loop
 * (loop[] counts the loops that start and end at each cell). */
static void branch(struct jc *c, uint32_t *loop, uint32_t pc, uint32_t end,
		   uint32_t t)
{
	if (t > c->ic->len)
		return;
	c->target[t] = 1;
	if (t <= pc) {
		loop[t]++;
		loop[end]--;
	}
}

/*
 * Before translating: records each instruction's opcode and shape (iop,
 * shape), finds branch targets and calls, and weighs each slot's uses,
 * 8 times more per enclosing loop (a loop is a backward branch's range).
 * c->at serves as scratch.
 */
void jit_prescan(struct jc *c)
{
	const struct interp_code *ic = c->ic;
	uint32_t *loop = c->at, slots, n;
	memset(loop, 0, (ic->len + 1) * sizeof *loop);
	memset(c->target, 0, ic->len + 1);
	memset(c->uses, 0, ic->nslots * sizeof *c->uses);
	c->has_call = false;
	for (uint32_t pc = 0; pc < ic->len; pc += n) {
		const icell *p = ic->code + pc;
		enum iop op = jit_op_of(*p);
		n = jit_cells(op, p, &slots);
		c->iop[pc] = (uint16_t)op;
		c->shape[pc] = n << 8 | slots;
		if (!n || pc + n > ic->len || n >= 1u << 24 || slots > 0xFF) {
			c->shape[pc] = 0; /* translate reports it */
			return;
		}
		if (op == IOP_CALL || op == IOP_CALL_IND)
			c->has_call = true;
		else if (op == IOP_BR)
			branch(c, loop, pc, pc + n, p[1]);
		else if (op == IOP_BR_IF || op == IOP_BR_IFZ ||
			 op == IOP_BR_IF_MOV || op == IOP_BR_IFZ_MOV)
			branch(c, loop, pc, pc + n, p[2]);
		else if (op == IOP_BR_TABLE)
			for (uint32_t i = 0; i <= p[2]; i++)
				branch(c, loop, pc, pc + n, p[3 + i]);
		else if ((op >= IOP_BR_EQ && op <= IOP_BR_GE_U) ||
			 (op >= IOP_BR_EQ_RI && op <= IOP_BR_GE_U_RI))
			branch(c, loop, pc, pc + n, p[3]);
	}
	uint32_t depth = 0;
	for (uint32_t pc = 0; pc < ic->len; pc += n) {
		const icell *p = ic->code + pc;
		depth += loop[pc];
		n = c->shape[pc] >> 8;
		slots = c->shape[pc] & 0xFF;
		if (!n)
			return;
		uint32_t wt = 1u << 3 * (depth < 5 ? depth : 5);
		for (uint32_t i = 1; i < n && slots >> i; i++)
			if (slots >> i & 1 && p[i] < ic->nslots)
				c->uses[p[i]] += wt;
	}
}

/*
 * Picks the slots used most (prescan's weights) to live in registers. In
 * a function that calls, locals go to callee-saved registers first (they
 * survive calls without a spill) and operand-stack slots to caller-saved
 * ones (most die before the next call); in a leaf, caller-saved first.
 */
void jit_choose_pins(struct jc *c)
{
	static const int callee[NCALLEE] = {R12, R14, R15, RBP};
	static const int caller[NPIN - NCALLEE] = {R8, R9, R10, R11, RSI, RDI};
	uint32_t n = c->ic->nslots, ne = 0, nr = 0;
	memset(c->pin, -1, n);
	c->npin = c->npush = 0;
	/* the NPIN busiest slots used more than once, busiest first (ties:
	 * the lower slot), by insertion into a short sorted list */
	uint32_t top[NPIN], ntop = 0;
	for (uint32_t s = 0; s < n; s++) {
		uint32_t u = c->uses[s], i = ntop;
		if (u <= 1 || (ntop == NPIN && u <= c->uses[top[NPIN - 1]]))
			continue;
		if (ntop < NPIN)
			ntop++;
		for (; i > 0 && c->uses[top[i - 1]] < u; i--)
			if (i < NPIN)
				top[i] = top[i - 1];
		top[i] = s;
	}
	for (uint32_t k = 0; k < ntop; k++) {
		uint32_t best = top[k];
		bool want_callee = c->has_call && best < c->ic->nlocals;
		int r;
		if (nr == NPIN - NCALLEE || (want_callee && ne < NCALLEE))
			r = callee[ne++];
		else
			r = caller[nr++];
		if (jit_callee_saved(r))
			c->push[c->npush++] = r;
		c->pin[best] = (int8_t)r;
		c->pslot[c->npin] = best;
		c->preg[c->npin++] = r;
	}
	c->pad = c->npush % 2 == 0;
}
