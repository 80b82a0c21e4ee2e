/*
 * memproc.c: what one more idle process costs the machine (bench/mem.sh,
 * as init on the bare-metal kernel with tests/kernel/child.c as its boot
 * image). Starts NPROC echo children, waits until each has answered once
 * (so each is instantiated and blocked in a read), and compares the free
 * RAM before and after (mem_usage), less the children's linear memory:
 * prints "mem.process_kib N KiB", the mean per child. That includes
 * everything the kernel and the nucleus hold for a process (objects,
 * handle table, stack pages, instance), but not the module and its
 * compiled code, which the processes of one image share (the first
 * child, before the measure, made them).
 */
#include <stdio.h>
#include <string.h>

#include "../../tests/kernel/kt.h"

#define NPROC 8

static nb_mem_proc procs[64];

/* Free RAM, the linear memory of the accounts newer than id `after`
 * (the children) and the newest id. False if mem_usage fails. */
static int usage(uint32_t after, uint64_t *free, uint64_t *kids_mem,
		 uint32_t *newest)
{
	nb_mem_totals t;
	uint32_t n;

	if (nb_mem_usage(&t, procs, 64, &n))
		return 0;
	*free = t.ram_free;
	*kids_mem = 0;
	*newest = 0;
	for (uint32_t i = 0; i < n && i < 64; i++) {
		if (procs[i].id > after && !procs[i].ended)
			*kids_mem += procs[i].memory;
		if (procs[i].id > *newest)
			*newest = procs[i].id;
	}
	return 1;
}

/* Starts an echo child and waits for its first answer. */
static nb_handle start(const unsigned char *image, uint32_t len, nb_handle *ch)
{
	nb_handle p = kt_spawn(image, len, ch);
	char back[8];
	uint32_t n;

	if (p == NB_HANDLE_INVALID ||
	    nb_channel_write(*ch, "echo", 4, NULL, 0) ||
	    nb_channel_write(*ch, "x", 1, NULL, 0) ||
	    nb_channel_read(*ch, NB_CHANNEL_READ_WAIT, back, sizeof back, NULL,
			    0, &n, NULL))
		return NB_HANDLE_INVALID;
	return p;
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0), ch[NPROC], p[NPROC], wch;
	uint64_t free0, free1, mem0, mem1;
	unsigned char *image;
	uint32_t len, first, newest;

	if (!(image = nb_boot_read(boot, &len, NULL)))
		return 1;
	/* One child first, not measured: the pools (heap size classes,
	 * page tables, memory reservations) grow once. */
	if (start(image, len, &wch) == NB_HANDLE_INVALID)
		return 2;
	if (!usage(0, &free0, &mem0, &first))
		return 3;
	for (int i = 0; i < NPROC; i++)
		if ((p[i] = start(image, len, &ch[i])) == NB_HANDLE_INVALID)
			return 4;
	if (!usage(first, &free1, &mem1, &newest) || free1 > free0)
		return 5;
	printf("mem.process_kib %llu KiB\n",
	       (unsigned long long)((free0 - free1 - mem1) / NPROC / 1024));
	for (int i = 0; i < NPROC; i++) {
		nb_handle_close(ch[i]);
		kt_join(p[i]);
	}
	return 0;
}
