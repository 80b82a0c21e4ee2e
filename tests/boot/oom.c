/*
 * oom.c: running out of memory, as a WASI program sees it
 * (tests/boot.sh on a small machine, tests/kernel.sh under a memory
 * limit). malloc takes 1 MiB blocks, writing each, until it returns NULL
 * (memory.grow said -1), and prints "malloc: NULL after N MiB". Then:
 *   oom.wasm         frees them, takes them again (the same number),
 *                    exits 0;
 *   oom.wasm deep    recurses, each frame holding live values on the
 *                    engine's stacks, until a page of stack cannot be
 *                    had: the trap "out of memory" (status 134), never
 *                    a fault in the kernel.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (1u << 20)
#define MAX_BLOCKS 4096

static void *blocks[MAX_BLOCKS];

/* Takes blocks until malloc says NULL; the number taken. */
static unsigned fill(void)
{
	unsigned n = 0;

	while (n < MAX_BLOCKS && (blocks[n] = malloc(BLOCK))) {
		memset(blocks[n], (int)n, BLOCK);
		n++;
	}
	return n;
}

static volatile uint64_t seed = 1;

/* Sixteen values live across the call: stack for each frame. */
static uint64_t deep(uint64_t n, uint64_t a)
{
	uint64_t v[16];
	uint64_t r;

	for (int i = 0; i < 16; i++)
		v[i] = a * (uint64_t)(2 * i + 3) + seed;
	if (n == 0)
		return a;
	r = deep(n - 1, a + v[0]);
	for (int i = 0; i < 16; i++)
		r += v[i] * v[(i + 5) % 16];
	return r;
}

int main(int argc, char **argv)
{
	unsigned n = fill(), again;

	printf("malloc: NULL after %u MiB\n", n);
	fflush(stdout);
	if (n == 0 || n == MAX_BLOCKS)
		return 1;
	if (argc > 1 && strcmp(argv[1], "deep") == 0) {
		printf("deep: %llu\n", (unsigned long long)deep(1u << 30, 1));
		return 2; /* not reached: the stack cannot grow forever */
	}
	for (unsigned i = 0; i < n; i++)
		free(blocks[i]);
	again = fill();
	printf("again: %u MiB\n", again);
	return again == n ? 0 : 3;
}
