/* trap_stack: unbounded recursion exhausts the call stack, which traps
 * instead of crashing the host. No local lives in linear memory, so the
 * C shadow stack is not what overflows. */
#include <stdio.h>

volatile int sink, stop = -1;

static int recurse(int n)
{
	int r;

	if (n == stop)
		return 0;
	r = recurse(n + 1);
	sink = r; /* work after the call: no tail call, no loop */
	return r + 1;
}

int main(void)
{
	printf("recursing\n");
	fflush(stdout);
	printf("%d\n", recurse(0));
	return 0;
}
