/*
 * linux.c: the Linux baselines for the kernel benchmarks. Prints
 *   linux.pipe_roundtrip_ns N  one byte to a child process and back over
 *                              a pair of pipes (write, read)
 *   linux.null_syscall_ns N    getppid through syscall() (no libc cache)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDTRIPS 100000
#define CALLS 2000000

static long long now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static double pipe_roundtrip(void)
{
	int up[2], down[2];
	char c = 'x';
	long long t0 = 0, t1 = 0;
	pid_t pid;

	if (pipe(up) || pipe(down))
		return -1;
	if ((pid = fork()) == 0) {
		close(down[1]);
		close(up[0]);
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	for (int warm = 0; warm < 2; warm++) {
		t0 = now();
		for (int i = 0; i < ROUNDTRIPS; i++)
			if (write(down[1], &c, 1) != 1 ||
			    read(up[0], &c, 1) != 1)
				return -1;
		t1 = now();
	}
	close(down[1]);
	waitpid(pid, NULL, 0);
	return (double)(t1 - t0) / ROUNDTRIPS;
}

static double null_syscall(void)
{
	long long t0 = 0, t1 = 0;

	for (int warm = 0; warm < 2; warm++) {
		t0 = now();
		for (int i = 0; i < CALLS; i++)
			syscall(SYS_getppid);
		t1 = now();
	}
	return (double)(t1 - t0) / CALLS;
}

int main(void)
{
	double rt = pipe_roundtrip(), nc = null_syscall();

	if (rt < 0)
		return 1;
	printf("linux.pipe_roundtrip_ns %.1f ns\n", rt);
	printf("linux.null_syscall_ns %.1f ns\n", nc);
	return 0;
}
