/*
 * osr: main is one long loop, a bytecode interpreter's dispatch loop
 * running a program that counts the primes below 20000 by trial
 * division and keeps a checksum. Under the tiered JIT (the default
 * engine) the loop moves to optimized code while it runs (on-stack
 * replacement); wasi.sh checks that it did (--opt-stats) and that every
 * engine prints the same.
 */
#include <stdint.h>
#include <stdio.h>

enum { PUSH, LOAD, STORE, ADD, MUL, MOD, LT, JZ, JMP, HALT };

static uint32_t code[128];
static int ncode;

static int emit(uint32_t op, uint32_t arg)
{
	code[ncode++] = op;
	code[ncode++] = arg;
	return ncode - 1; /* where arg is: for jumps patched later */
}

/* vars: 0 n, 1 primes, 2 checksum, 3 d */
static void assemble(void)
{
	emit(PUSH, 2), emit(STORE, 0);
	int top = ncode;
	emit(LOAD, 0), emit(PUSH, 20000), emit(LT, 0);
	int done = emit(JZ, 0);
	emit(PUSH, 2), emit(STORE, 3);
	int inner = ncode;
	emit(LOAD, 3), emit(LOAD, 3), emit(MUL, 0), emit(LOAD, 0);
	emit(PUSH, 1), emit(ADD, 0), emit(LT, 0); /* d*d < n+1 */
	int prime = emit(JZ, 0);
	emit(LOAD, 0), emit(LOAD, 3), emit(MOD, 0);
	int composite = emit(JZ, 0);
	emit(LOAD, 3), emit(PUSH, 1), emit(ADD, 0), emit(STORE, 3);
	emit(JMP, inner);
	code[prime] = ncode;
	emit(LOAD, 1), emit(PUSH, 1), emit(ADD, 0), emit(STORE, 1);
	emit(LOAD, 2), emit(PUSH, 31), emit(MUL, 0), emit(LOAD, 0);
	emit(ADD, 0), emit(STORE, 2);
	code[composite] = ncode;
	emit(LOAD, 0), emit(PUSH, 1), emit(ADD, 0), emit(STORE, 0);
	emit(JMP, top);
	code[done] = ncode;
	emit(HALT, 0);
}

int main(void)
{
	uint32_t stack[16], vars[4] = {0}, sp = 0, pc = 0;
	uint64_t steps = 0;
	assemble();
	for (;;) {
		uint32_t op = code[pc], arg = code[pc + 1];
		pc += 2;
		steps++;
		switch (op) {
		case PUSH:
			stack[sp++] = arg;
			break;
		case LOAD:
			stack[sp++] = vars[arg];
			break;
		case STORE:
			vars[arg] = stack[--sp];
			break;
		case ADD:
			sp--, stack[sp - 1] += stack[sp];
			break;
		case MUL:
			sp--, stack[sp - 1] *= stack[sp];
			break;
		case MOD:
			sp--, stack[sp - 1] %= stack[sp];
			break;
		case LT:
			sp--, stack[sp - 1] = stack[sp - 1] < stack[sp];
			break;
		case JZ:
			if (!stack[--sp])
				pc = arg;
			break;
		case JMP:
			pc = arg;
			break;
		default:
			printf("%u primes, checksum %u, %llu steps\n", vars[1],
			       vars[2], (unsigned long long)steps);
			return 0;
		}
	}
}
