/*
 * vmo.c: memory objects, mappings, sharing, page flipping and a process
 * started from a memory object (run as init by tests/kernel.sh, with
 * child.wasm as its boot image).
 */
#include "kt.h"

#define PG NB_PAGE_SIZE

static unsigned char *child;
static uint32_t child_len;
static unsigned char area[4 * PG] __attribute__((aligned(PG)));
static unsigned char area2[2 * PG] __attribute__((aligned(PG)));

static void read_write(void)
{
	nb_handle v;
	uint32_t size = 0;
	char buf[16] = "";

	EXPECT("vmo_create", nb_vmo_create(10000, &v), NB_OK);
	EXPECT("vmo_size rounds up to pages", nb_vmo_size(v, &size), NB_OK);
	EXPECT("size", size, 3 * PG);
	EXPECT("new object reads zero",
	       nb_vmo_read(v, 5000, buf, 8) == NB_OK &&
		       memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0,
	       1);
	EXPECT("vmo_write", nb_vmo_write(v, 3 * PG - 5, "hello", 5), NB_OK);
	EXPECT("vmo_read",
	       nb_vmo_read(v, 3 * PG - 5, buf, 5) == NB_OK &&
		       memcmp(buf, "hello", 5) == 0,
	       1);
	EXPECT("read past the end", nb_vmo_read(v, 3 * PG - 4, buf, 5),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("write past the end", nb_vmo_write(v, 3 * PG, buf, 1),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("empty read at the end", nb_vmo_read(v, 3 * PG, buf, 0), NB_OK);
	nb_handle_close(v);
}

static void mapping(void)
{
	nb_handle v, ro;
	char buf[16] = "";

	nb_vmo_create(2 * PG, &v);
	memset(area, 'z', sizeof area);
	EXPECT("vm_map", nb_vm_map(v, 0, area, 2 * PG, NB_MAP_WRITE), NB_OK);
	EXPECT("the mapping shows the object, not what was there",
	       area[0] == 0 && area[2 * PG - 1] == 0 && area[2 * PG] == 'z', 1);
	memcpy(area + 100, "through map", 11);
	EXPECT("a store through the mapping reaches the object",
	       nb_vmo_read(v, 100, buf, 11) == NB_OK &&
		       memcmp(buf, "through map", 11) == 0,
	       1);
	nb_vmo_write(v, PG + 7, "by write", 8);
	EXPECT("vmo_write shows in the mapping",
	       memcmp(area + PG + 7, "by write", 8), 0);
	EXPECT("map the second page again elsewhere",
	       nb_vm_map(v, PG, area2, PG, 0), NB_OK);
	EXPECT("both views alias", memcmp(area2 + 7, "by write", 8), 0);
	area[PG + 7] = 'B';
	EXPECT("a store in one view shows in the other", area2[7], 'B');
	EXPECT("overlapping mapping", nb_vm_map(v, 0, area + PG, PG, 0),
	       NB_ERR_BAD_STATE);
	EXPECT("unmap a part", nb_vm_unmap(area, PG), NB_ERR_BAD_STATE);
	nb_handle_close(v);
	EXPECT("the mapping outlives the handle", area2[7], 'B');
	EXPECT("vm_unmap", nb_vm_unmap(area, 2 * PG), NB_OK);
	EXPECT("unmapped range reads zero", area[100] == 0 && area[PG + 7] == 0,
	       1);
	area[100] = 1;
	EXPECT("and is writable", area[100], 1);
	EXPECT("unmap twice", nb_vm_unmap(area, 2 * PG), NB_ERR_BAD_STATE);
	EXPECT("vm_unmap the other", nb_vm_unmap(area2, PG), NB_OK);
	nb_vmo_create(PG, &v);
	nb_handle_duplicate(v, NB_RIGHT_READ, &ro);
	EXPECT("writable map needs WRITE",
	       nb_vm_map(ro, 0, area, PG, NB_MAP_WRITE), NB_ERR_ACCESS_DENIED);
	EXPECT("read-only map with READ", nb_vm_map(ro, 0, area, PG, 0), NB_OK);
	nb_vm_unmap(area, PG);
	nb_handle_close(v);
	nb_handle_close(ro);
}

/* A child maps the same object and writes into it. */
static void sharing(void)
{
	nb_handle v, ch, p, d;
	char buf[16] = "";

	nb_vmo_create(2 * PG, &v);
	nb_vmo_write(v, 0, "from init", 9);
	p = kt_spawn(child, child_len, &ch);
	EXPECT("send the object", nb_channel_write(ch, "vmo", 3, &v, 1), NB_OK);
	EXPECT("child status", kt_join(p), 0);
	nb_handle_close(ch);
	nb_handle_close(p);
	/* Now keep a handle: the child gets a duplicate. */
	p = kt_spawn(child, child_len, &ch);
	nb_vmo_create(2 * PG, &v);
	nb_handle_duplicate(v, NB_RIGHT_SAME_RIGHTS, &d);
	nb_vmo_write(v, 0, "from init", 9);
	nb_channel_write(ch, "vmo", 3, &d, 1);
	EXPECT("child status (duplicate)", kt_join(p), 0);
	EXPECT("the child's store is in our object",
	       nb_vmo_read(v, PG, buf, 10) == NB_OK &&
		       memcmp(buf, "from child", 10) == 0,
	       1);
	nb_handle_close(ch);
	nb_handle_close(p);
	p = kt_spawn(child, child_len, &ch);
	nb_handle_duplicate(v, NB_RIGHT_SAME_RIGHTS, &d);
	nb_channel_write(ch, "rowrite", 7, &d, 1);
	EXPECT("a store to a read-only mapping traps", kt_join(p),
	       NB_EXIT_TRAP);
	nb_handle_close(ch);
	nb_handle_close(p);
	nb_handle_close(v);
}

/* Loans: a child maps one and fills it; taken back, its next store
 * traps and the lender's pages keep what it wrote before; the loan can
 * no longer be mapped, read or written, here either. */
static void loans(void)
{
	nb_handle v, l, d, ch, p, bad;
	char buf[8] = "";
	uint32_t n, nh;

	nb_vmo_create(PG, &v);
	EXPECT("vmo_lend", nb_vmo_lend(v, &l), NB_OK);
	EXPECT("no loan of a loan", nb_vmo_lend(l, &bad), NB_ERR_NOT_SUPPORTED);
	EXPECT("revoke needs a loan", nb_vmo_revoke(v), NB_ERR_ACCESS_DENIED);
	nb_handle_duplicate(
		l, NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_TRANSFER, &d);
	EXPECT("the borrower cannot revoke", nb_vmo_revoke(d),
	       NB_ERR_ACCESS_DENIED);
	p = kt_spawn(child, child_len, &ch);
	nb_channel_write(ch, "loan", 4, &d, 1);
	EXPECT("the child filled the loan",
	       nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf, NULL,
			       0, &n, &nh) == NB_OK &&
		       n == 6,
	       1);
	EXPECT("vmo_revoke", nb_vmo_revoke(l), NB_OK);
	nb_channel_write(ch, "go", 2, NULL, 0);
	EXPECT("a store after the revoke traps", kt_join(p), NB_EXIT_TRAP);
	EXPECT("the lender's pages kept the loan's bytes",
	       nb_vmo_read(v, 0, buf, 4) == NB_OK &&
		       memcmp(buf, "lent", 4) == 0,
	       1);
	EXPECT("revoked: no mapping", nb_vm_map(l, 0, area, PG, 0),
	       NB_ERR_BAD_STATE);
	EXPECT("revoked: no vmo_write", nb_vmo_write(l, 0, "x", 1),
	       NB_ERR_BAD_STATE);
	EXPECT("revoked: no vmo_read", nb_vmo_read(l, 0, buf, 1),
	       NB_ERR_BAD_STATE);
	/* Revoked while mapped here: the range reads zero until unmapped. */
	nb_handle_close(l);
	nb_vmo_lend(v, &l);
	EXPECT("map a loan", nb_vm_map(l, 0, area, PG, NB_MAP_WRITE), NB_OK);
	EXPECT("it shows the lender's pages", memcmp(area, "lent", 4), 0);
	nb_vmo_revoke(l);
	EXPECT("revoked mapping reads zero", area[0], 0);
	EXPECT("and unmaps", nb_vm_unmap(area, PG), NB_OK);
	area[0] = 1;
	EXPECT("then is writable", area[0], 1);
	nb_handle_close(ch);
	nb_handle_close(p);
	nb_handle_close(l);
	nb_handle_close(v);
}

/* Pages move out of init, into the child, back out and into init. */
static void flipping(void)
{
	nb_handle g, back, ch, p, v;
	uint32_t size = 0, n, nh;
	int bad = 0;
	char buf[8];

	for (uint32_t i = 0; i < 2 * PG; i++)
		area[PG + i] = (unsigned char)(i % 251);
	area[0] = area[3 * PG] = 'k';
	EXPECT("vm_move_out", nb_vm_move_out(area + PG, 2 * PG, &g), NB_OK);
	for (uint32_t i = 0; i < 2 * PG; i++)
		bad += area[PG + i] != 0;
	EXPECT("the range reads zero after", bad, 0);
	EXPECT("its neighbours kept", area[0] == 'k' && area[3 * PG] == 'k', 1);
	EXPECT("pages object size", nb_vmo_size(g, &size) == NB_OK ? size : 1,
	       2 * PG);
	EXPECT("vmo_read on pages",
	       nb_vmo_read(g, 251, buf, 2) == NB_OK && buf[0] == 0 &&
		       buf[1] == 1,
	       1);
	p = kt_spawn(child, child_len, &ch);
	EXPECT("send the pages", nb_channel_write(ch, "flip", 4, &g, 1), NB_OK);
	EXPECT("pages come back",
	       nb_channel_read(ch, NB_CHANNEL_READ_WAIT, buf, sizeof buf, &back,
			       1, &n, &nh) == NB_OK &&
		       nh == 1,
	       1);
	EXPECT("child status", kt_join(p), 0);
	EXPECT("vm_move_in", nb_vm_move_in(back, area2), NB_OK);
	bad = 0;
	for (uint32_t i = 0; i < 2 * PG; i++)
		bad += area2[i] != (unsigned char)(i % 251 + 1);
	EXPECT("the child's changes arrived", bad, 0);
	EXPECT("moved in: empty", nb_vmo_size(back, &size) == NB_OK ? size : 1,
	       0);
	EXPECT("move in twice", nb_vm_move_in(back, area2), NB_ERR_BAD_STATE);
	nb_vmo_create(PG, &v);
	nb_vm_map(v, 0, area, PG, NB_MAP_WRITE);
	EXPECT("move out of a mapping", nb_vm_move_out(area, 2 * PG, &g),
	       NB_ERR_BAD_STATE);
	nb_vm_unmap(area, PG);
	nb_handle_close(v);
	nb_handle_close(back);
	nb_handle_close(ch);
	nb_handle_close(p);
}

/* A process started from an image in a memory object. */
static void image_in_vmo(void)
{
	nb_handle v, a, b, p;

	nb_vmo_create(child_len, &v);
	nb_vmo_write(v, 0, child, child_len);
	nb_channel_create(&a, &b);
	EXPECT("process_create_vmo",
	       nb_process_create_vmo(v, child_len, &b, 1, &p), NB_OK);
	nb_channel_write(a, "exit 9", 6, NULL, 0);
	EXPECT("its status", kt_join(p), 9);
	nb_handle_close(a);
	nb_handle_close(p);
	nb_handle_close(v);
}

int main(void)
{
	child = nb_boot_read(nb_startup_handle(0), &child_len, NULL);
	EXPECT("child image loaded", child != NULL, 1);
	if (!child)
		return 1;
	read_write();
	mapping();
	sharing();
	flipping();
	loans();
	image_in_vmo();
	puts("done");
	return kt_failed ? 1 : 0;
}
