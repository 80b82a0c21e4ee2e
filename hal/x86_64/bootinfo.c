/*
 * bootinfo.c: what the boot loader tells the kernel, from either entry of
 * boot.S: the PVH start_info block (QEMU's -kernel) or the multiboot2
 * information (GRUB, from BIOS or UEFI). Both give the command line, the
 * memory map and the boot archive (the first PVH module, QEMU's -initrd,
 * or the first multiboot2 module); they differ in where the ACPI RSDP is:
 * PVH passes its address, multiboot2 a copy of it (tags 14 and 15).
 *
 * read_boot_info copies what is needed before pmm_init, so the loader's
 * blocks may then be reused; only the boot archive's pages stay reserved.
 * The blocks, and boot.S's boot_info and boot_proto (in the low .boot
 * section, unmapped by paging_init), are read through the boot map.
 */
#include "hal/x86_64/arch.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define BOOT_MAP_END (4ull << 30)

struct mb2_tag {
	uint32_t type, size;
};
struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved; /* type 1: usable RAM */
};

struct ram_range ram[MAX_RAM_RANGES];
int nram;
static char cmdline[256];
static uint64_t module_pa, module_len; /* the boot archive, if any */
static uint64_t rsdp_pa;	       /* PVH: the RSDP's address, or 0 */
static uint8_t rsdp_copy[36];	       /* multiboot2: a copy of it */
static size_t rsdp_copy_len;
static bool mb2; /* entered through multiboot2 (boot_proto, read early) */

/* A physical block of the loader's, in the boot map; panics if it lies
 * beyond it. */
static const void *boot_block(uint64_t pa, uint64_t len)
{
	if (pa >= BOOT_MAP_END || len > BOOT_MAP_END - pa)
		panic("boot information at 0x%lx is beyond 4 GiB", pa);
	return P2V(pa);
}

static void set_cmdline(const char *s, size_t max)
{
	size_t i = 0;
	for (; i < max && s[i] && i < sizeof cmdline - 1; i++)
		cmdline[i] = s[i];
	cmdline[i] = 0;
}

static void add_ram(uint64_t start, uint64_t len)
{
	if (nram < MAX_RAM_RANGES && len)
		ram[nram++] = (struct ram_range){start, start + len};
}

/* The PVH start_info block (version 1 has the memory map). */
static void read_pvh(const struct pvh_start_info *si)
{
	if (si->magic != PVH_MAGIC)
		panic("no PVH start_info (magic 0x%x)", si->magic);
	if (si->cmdline_paddr)
		set_cmdline(boot_block(si->cmdline_paddr, 1), 4096);
	if (si->nr_modules > 0 && si->modlist_paddr) {
		const struct pvh_module *m =
			boot_block(si->modlist_paddr, sizeof *m);
		module_pa = m->paddr;
		module_len = m->size;
	}
	rsdp_pa = si->rsdp_paddr;
	if (si->version < 1 || !si->memmap_paddr)
		panic("the boot loader passed no memory map");
	const struct pvh_memmap_entry *e = boot_block(
		si->memmap_paddr, si->memmap_entries * (uint64_t)sizeof *e);
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (e[i].type == 1)
			add_ram(e[i].addr, e[i].size);
}

/* One multiboot2 memory map tag: entries of entry_size bytes. */
static void read_mb2_mmap(const struct mb2_tag *t)
{
	const uint32_t *h = (const uint32_t *)(t + 1);
	uint32_t esize = h[0];
	if (esize < sizeof(struct mb2_mmap_entry) || t->size < 16)
		panic("multiboot2: bad memory map (entry size %u)", esize);
	const char *p = (const char *)(h + 2), *end = (const char *)t + t->size;
	for (; p + esize <= end; p += esize) {
		const struct mb2_mmap_entry *e = (const void *)p;
		if (e->type == 1)
			add_ram(e->addr, e->len);
	}
}

/* The multiboot2 information: total size, reserved, then 8-byte aligned
 * tags up to the end tag. A tag running past the total size ends it. */
static void read_mb2(uint64_t pa)
{
	const uint32_t *hdr = boot_block(pa, 8);
	uint32_t total = hdr[0];
	const char *base = boot_block(pa, total);
	bool mmap = false;
	for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
		const struct mb2_tag *t = (const void *)(base + off);
		if (t->type == MB2_TAG_END)
			break;
		if (t->size < sizeof *t || t->size > total - off)
			panic("multiboot2: tag %u at +%u runs past the end",
			      t->type, off);
		const char *body = (const char *)(t + 1);
		size_t blen = t->size - sizeof *t;
		if (t->type == MB2_TAG_CMDLINE) {
			set_cmdline(body, blen);
		} else if (t->type == MB2_TAG_MODULE && !module_len &&
			   blen >= 8) {
			const uint32_t *m = (const uint32_t *)body;
			if (m[1] > m[0])
				module_pa = m[0], module_len = m[1] - m[0];
		} else if (t->type == MB2_TAG_MMAP) {
			read_mb2_mmap(t);
			mmap = true;
		} else if ((t->type == MB2_TAG_ACPI_NEW ||
			    (t->type == MB2_TAG_ACPI_OLD && !rsdp_copy_len)) &&
			   blen >= 20) {
			rsdp_copy_len = blen < sizeof rsdp_copy
						? blen
						: sizeof rsdp_copy;
			memcpy(rsdp_copy, body, rsdp_copy_len);
		}
		off += (t->size + 7) & ~7u;
	}
	if (!mmap)
		panic("the boot loader passed no memory map");
}

/* Copies what is needed out of the loader's information (command line,
 * usable RAM, the boot archive's place, the RSDP) so that its memory may
 * be reused. */
void read_boot_info(void)
{
	mb2 = boot_proto == BOOT_MB2;
	if (mb2)
		read_mb2(boot_info);
	else
		read_pvh(boot_block(boot_info, sizeof(struct pvh_start_info)));
}

const char *boot_loader_name(void)
{
	return mb2 ? "multiboot2" : "PVH";
}

const char *boot_cmdline(void)
{
	return cmdline;
}

const char *hal_cmdline(void)
{
	return cmdline;
}

bool boot_module(const void **data, size_t *len)
{
	if (!module_len)
		return false;
	*data = P2V(module_pa);
	*len = module_len;
	return true;
}

void boot_module_range(uint64_t *start, uint64_t *end)
{
	*start = module_pa;
	*end = module_pa + module_len;
}

/* The RSDP the loader passed: *copy (multiboot2's copy, *len bytes) or
 * *pa (PVH's address); false if it passed none. */
bool boot_rsdp(const void **copy, size_t *len, uint64_t *pa)
{
	*copy = rsdp_copy_len ? rsdp_copy : NULL;
	*len = rsdp_copy_len;
	*pa = rsdp_pa;
	return rsdp_copy_len || rsdp_pa;
}
