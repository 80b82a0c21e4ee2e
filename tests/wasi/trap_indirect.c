/* trap_indirect: calling a function through a pointer of another type
 * traps with an indirect call type mismatch. */
#include <stdio.h>

typedef int (*fn1)(int);
typedef int (*fn2)(int, int);

static int twice(int x)
{
	return 2 * x;
}

int main(void)
{
	fn1 volatile f = twice;
	void *p = (void *)f;
	fn2 g = (fn2)p;

	printf("twice(21) = %d\n", f(21));
	fflush(stdout);
	printf("%d\n", g(1, 2));
	return 0;
}
