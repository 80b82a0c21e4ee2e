/*
 * watch.c: runs as init (`nebulet boot --kernel watch.wasm VICTIM...`,
 * tests/boot.sh) and shows that a misbehaving program hurts no other.
 * For each boot image (a victim) in turn it starts the victim as a
 * process, then prints five "alive" lines of its own, yielding the CPU
 * before each, and then waits for the victim's end: a victim whose name
 * starts with "spin" never ends by itself and is killed first. It prints
 *   watch: NAME: alive 1 ... alive 5
 *   watch: NAME: status S
 * for each (S: 134 for a trap, 137 when killed), then "done". Without
 * preemption the first yield to a spinning victim never comes back.
 */
#include "kt.h"

/* Starts one victim, keeps printing beside it, reports its end. */
static void watch(const unsigned char *image, uint32_t len, const char *name)
{
	const char *base = strrchr(name, '/');
	nb_handle p;

	base = base ? base + 1 : name;
	if (nb_process_create(image, len, NULL, 0, &p)) {
		printf("watch: %s: cannot start\n", base);
		return;
	}
	for (int i = 1; i <= 5; i++) {
		nb_yield();
		printf("watch: %s: alive %d\n", base, i);
	}
	if (strncmp(base, "spin", 4) == 0)
		nb_process_kill(p);
	printf("watch: %s: status %d\n", base, kt_join(p));
	nb_handle_close(p);
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0);
	unsigned char *image;
	uint32_t len;
	char name[260];

	while ((image = nb_boot_read(boot, &len, name)) != NULL) {
		watch(image, len, name);
		free(image);
	}
	puts("done");
	return 0;
}
