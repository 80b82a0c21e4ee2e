/*
 * hello: Nebulet's default demo program, a plain wasm32-wasi program.
 * Prints a banner, its arguments, and a small computation (the primes
 * below 100 by the sieve of Eratosthenes, and fib(30)).
 */
#include <stdio.h>
#include <string.h>

static unsigned fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
	char composite[100];
	int n = 0;

	printf("Nebulet\n");
	printf("a WebAssembly program running on Nebulet's nucleus\n");
	printf("argc = %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);

	memset(composite, 0, sizeof composite);
	printf("primes below 100:");
	for (int i = 2; i < 100; i++) {
		if (composite[i])
			continue;
		printf(" %d", i);
		n++;
		for (int j = i * i; j < 100; j += i)
			composite[j] = 1;
	}
	printf(" (%d of them)\n", n);
	printf("fib(30) = %u\n", fib(30));
	return 0;
}
