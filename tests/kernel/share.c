/*
 * share.c: processes of one image share its module and compiled code,
 * never their state (tests/kernel.sh, on each engine; boot images
 * sharechild.wasm and child.wasm):
 *   - mem_usage counts one module more for 8 processes of one image, one
 *     more for another image, and as many as at the start once they all
 *     ended, with the kernel memory charged back at its start too;
 *   - two processes of sharechild, given different numbers, each see
 *     only their own global, memory and memory size.
 */
#include "kt.h"

#define NSHARE 8

/* The modules mem_usage counts; the kernel memory charged in *charged. */
static long long modules(uint64_t *charged)
{
	nb_mem_totals t;
	nb_mem_proc self[1];
	uint32_t n;

	if (nb_mem_usage(&t, self, 1, &n))
		return -1;
	if (charged)
		*charged = t.kernel_charged;
	return t.modules;
}

/* Sends v to a sharechild on ch; its answer {global, memory[0],
 * memory.size} as one number g * 10000 + m * 100 + size, or -1. */
static long long ask(nb_handle ch, uint32_t v)
{
	uint32_t r[3], n;

	if (nb_channel_write(ch, &v, 4, NULL, 0) ||
	    nb_channel_read(ch, NB_CHANNEL_READ_WAIT, r, sizeof r, NULL, 0, &n,
			    NULL) ||
	    n != sizeof r)
		return -1;
	return r[0] * 10000ll + r[1] * 100ll + r[2];
}

int main(void)
{
	nb_handle boot = nb_startup_handle(0), ch[NSHARE + 1], p[NSHARE + 1];
	uint32_t len1, len2;
	unsigned char *share = nb_boot_read(boot, &len1, NULL);
	unsigned char *other = nb_boot_read(boot, &len2, NULL);
	uint64_t charged0, charged1;
	nb_handle warm[32];
	long long m0;
	int started = 0;

	if (!share || !other)
		return 1;
	/* our handle table grows once to the size it needs here */
	for (int i = 0; i < 32; i++)
		nb_event_create(&warm[i]);
	for (int i = 0; i < 32; i++)
		nb_handle_close(warm[i]);
	m0 = modules(&charged0);
	for (int i = 0; i < NSHARE; i++)
		started += (p[i] = kt_spawn(share, len1, &ch[i])) !=
			   NB_HANDLE_INVALID;
	EXPECT("8 processes of one image started", started, NSHARE);
	EXPECT("8 processes of one image: one module more", modules(NULL),
	       m0 + 1);
	EXPECT("first process of the image: state at its start", ask(ch[0], 5),
	       1);
	EXPECT("second process of the image: its own state", ask(ch[1], 7), 1);
	EXPECT("first process keeps its global, memory and size", ask(ch[0], 1),
	       50506);
	EXPECT("second process keeps its own", ask(ch[1], 2), 70708);
	EXPECT("a third one still starts afresh", ask(ch[2], 3), 1);
	p[NSHARE] = kt_spawn(other, len2, &ch[NSHARE]);
	EXPECT("another image: another module", modules(NULL), m0 + 2);
	EXPECT("its process runs",
	       nb_channel_write(ch[NSHARE], "exit 3", 6, NULL, 0), NB_OK);
	for (int i = 0; i <= NSHARE; i++)
		nb_handle_close(ch[i]);
	int ok = 0;
	for (int i = 0; i <= NSHARE; i++) {
		ok += kt_join(p[i]) == (i < NSHARE ? 0 : 3);
		nb_handle_close(p[i]);
	}
	EXPECT("every process ended with its status", ok, NSHARE + 1);
	EXPECT("all ended: the modules as at the start", modules(&charged1),
	       m0);
	EXPECT("all ended: kernel memory charged as at the start", charged1,
	       charged0);
	printf("done\n");
	return 0;
}
