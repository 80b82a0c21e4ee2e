/* args: echoes its arguments (after argv[0]) and its environment. */
#include <stdio.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');

	printf("argv[0] ends in %s\n", slash ? slash + 1 : argv[0]);
	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("arg %d: [%s]\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env: [%s]\n", *e);
	return 0;
}
