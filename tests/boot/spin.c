/* spin.c: an endless loop that never calls the kernel (tests/boot.sh:
 * watch.c kills it; without preemption nothing else would run). */
int main(void)
{
	volatile unsigned n = 0;
	for (;;)
		n++;
}
