/* exit: buffered output is flushed, then the status reaches the host. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("before exit");
	exit(42);
}
