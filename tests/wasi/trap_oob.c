/* trap_oob: a store just past the end of linear memory traps. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uintptr_t end = __builtin_wasm_memory_size(0) * 65536;
	volatile int *p = (volatile int *)(end + 16);

	printf("storing out of bounds\n");
	fflush(stdout);
	*p = 1;
	printf("not reached\n");
	return 0;
}
