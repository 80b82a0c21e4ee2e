/*
 * osr_trap: a long loop in main whose stores walk off the end of linear
 * memory. It runs long enough for the tiered JIT to move the loop to
 * optimized code first (on-stack replacement), and the trap there names
 * the same function and offset as on every other engine (wasi.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	uint32_t *p = malloc(64);
	uint32_t sum = 0;

	printf("walking off the end\n");
	fflush(stdout);
	for (uint32_t i = 0;; i++) {
		p[i] = i;
		sum += p[i / 2];
		if (sum == 7) /* never: keeps the loop and sum alive */
			break;
	}
	printf("not reached %u\n", sum);
	return 0;
}
