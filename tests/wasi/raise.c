/* raise: proc_raise(SIGTERM) ends the program as the signal's default
 * action would: status 128 + 15, nothing after it runs. */
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>

/* wasi-libc's header leaves proc_raise out; the import is preview 1's. */
__attribute__((import_module("wasi_snapshot_preview1"),
	       import_name("proc_raise"))) uint16_t
raw_proc_raise(uint8_t sig);

int main(void)
{
	printf("raising\n");
	fflush(stdout);
	int e = raw_proc_raise(15);
	printf("still here: %d\n", e);
	return 1;
}
