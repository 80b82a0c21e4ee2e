/* trap_div: integer division by zero traps. */
#include <stdio.h>

int main(void)
{
	volatile int zero = 0, one = 1;

	printf("dividing by zero\n");
	fflush(stdout);
	printf("%d\n", one / zero);
	return 0;
}
