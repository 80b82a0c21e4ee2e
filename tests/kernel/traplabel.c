/*
 * traplabel.c: a child started with arguments is named after its
 * argv[0]'s last component, the image it runs: its trap is reported as
 * "trapper.wasm: trap: ..." (tests/kernel.sh checks stderr). Exits 0
 * when the child ended with NB_EXIT_TRAP.
 */
#include "kt.h"

int main(void)
{
	static const char args[] = "some/dir/trapper.wasm";
	uint32_t len;
	unsigned char *image = nb_boot_read(nb_startup_handle(0), &len, NULL);
	nb_handle a, b, p;

	if (!image || nb_channel_create(&a, &b) ||
	    nb_process_create_args(image, len, &b, 1, args, sizeof args, 1,
				   &p) ||
	    nb_channel_write(a, "trap", 4, NULL, 0))
		return 1;
	return kt_join(p) == NB_EXIT_TRAP ? 0 : 2;
}
