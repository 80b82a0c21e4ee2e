/* malloc: allocates and frees much more than the initial memory, so the
 * heap grows with memory.grow; a checksum proves the data survived. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 64

int main(void)
{
	uint32_t *blocks[N];
	size_t sizes[N];
	uint64_t sum = 0;
	size_t before = __builtin_wasm_memory_size(0), total = 0;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			sizes[i] = (size_t)(i % 8 + 1) * 100000 + (size_t)round;
			blocks[i] = malloc(sizes[i] * sizeof(uint32_t));
			if (!blocks[i]) {
				printf("malloc failed\n");
				return 1;
			}
			for (size_t j = 0; j < sizes[i]; j++)
				blocks[i][j] = (uint32_t)(j * 2654435761u + i);
			total += sizes[i] * sizeof(uint32_t);
		}
		for (int i = 0; i < N; i++) {
			for (size_t j = 0; j < sizes[i]; j += 97)
				sum += blocks[i][j];
			free(blocks[i]);
		}
	}
	printf("allocated %zu bytes in total\n", total);
	printf("checksum %llu\n", (unsigned long long)sum);
	printf("memory grew: %s\n",
	       __builtin_wasm_memory_size(0) > before + 100 ? "yes" : "no");
	return 0;
}
