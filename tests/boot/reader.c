/*
 * reader.c: reads one line from the console (standard input, the serial
 * port) and prints it. tests/boot.sh runs it beside a printer and sends
 * the line only after the printer's output appeared: while the reader
 * waits for input, the other program must run.
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[128];

	if (!fgets(line, sizeof line, stdin))
		return 1;
	line[strcspn(line, "\n")] = 0;
	printf("reader: got '%s'\n", line);
	return 0;
}
