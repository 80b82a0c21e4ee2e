/*
 * writes.c: a plain WASI program whose output shows how fd_write reaches
 * a Console (tests/firmament.sh, tests/boot.sh): lines by printf, one
 * write() of 5000 bytes (two Console.writes of at most 4096), a writev
 * of three buffers, each count checked to be all of it (a Console that
 * acknowledges part of a write still gets the rest: kernel/process.c).
 * Exit status 0, or the number of the write that came back short.
 */
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	static char big[5000];
	struct iovec v[3] = {
		{"writev: one, ", 13}, {"two, ", 5}, {"three\n", 6}};

	for (int i = 1; i <= 20; i++)
		printf("printf line %d of 20\n", i);
	fflush(stdout);
	for (int i = 0; i < 5000; i++)
		big[i] = i % 100 == 99 ? '\n' : (char)('a' + i / 100 % 26);
	if (write(1, big, sizeof big) != sizeof big)
		return 1;
	if (writev(1, v, 3) != 24)
		return 2;
	printf("writes: done\n");
	return 0;
}
