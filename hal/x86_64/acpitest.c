/*
 * acpitest.c: `test=acpi`, run by tests/boot.sh: ACPI tables broken on
 * purpose, built in a page of RAM and read by acpi.c as the firmware's
 * would be. Each bad one must be reported and skipped, the good ones read:
 *   the RSDP (revision 2) names an XSDT with a wrong checksum (the RSDT
 *   is used instead), which lists: a MADT with a wrong checksum, a FADT
 *   claiming 2 GiB, a table beyond RAM, a good MADT (one CPU, I/O APIC 3,
 *   ISA line 9 -> GSI 20 level low) whose last entry runs past the table,
 *   and a good FADT whose DSDT has \_S5 = {5, 5}.
 * The summary then prints what was believed (acpi_summary). First, the
 * firmware's RSDP must be found in the BIOS areas too. The machine's
 * real tables are gone for the rest of the boot, which ends right after.
 */
#include "hal/x86_64/arch.h"

#define RSDT 0x40
#define MADT_BAD 0x100
#define FADT_LONG 0x200
#define MADT 0x300
#define FADT 0x400
#define DSDT 0x500
#define XSDT 0x600
#define BEYOND_RAM 0x3f000000u

static uint8_t *page;
static uint64_t page_pa;

static void put32(uint32_t off, uint32_t v)
{
	memcpy(page + off, &v, 4);
}

static uint8_t sum(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < len; i++)
		s += p[i];
	return s;
}

/* A table header at off: signature, length, and a checksum right for
 * the bytes inside its 0x100-byte slot. */
static void table(uint32_t off, const char *sig, uint32_t len)
{
	memcpy(page + off, sig, 4);
	put32(off + 4, len);
	page[off + 8] = 1;
	memcpy(page + off + 10, "NEBULT", 6);
	page[off + 9] = 0;
	page[off + 9] = (uint8_t)-sum(page + off, len < 0x100 ? len : 0x100);
}

/* The good MADT's body: local APIC address and flags, then entries. */
static const uint8_t madt_head[] = {0, 0, 0xe0, 0xfe, 1, 0, 0, 0};
static const uint8_t madt_lapic[] = {0, 8, 0, 0, 1, 0, 0, 0};
static const uint8_t madt_ioapic[] = {1,    12,	  3, 0, 0, 0,
				      0xc0, 0xfe, 0, 0, 0, 0};
static const uint8_t madt_iso[] = {2, 10, 0, 9, 20, 0, 0, 0, 0xf, 0};
static const uint8_t madt_past_end[] = {1, 200, 0, 0};
static const struct {
	const uint8_t *p;
	uint32_t len;
} madt_parts[] = {
	{madt_head, sizeof madt_head},	       {madt_lapic, sizeof madt_lapic},
	{madt_ioapic, sizeof madt_ioapic},     {madt_iso, sizeof madt_iso},
	{madt_past_end, sizeof madt_past_end},
};
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 5, 0x0a, 5, 0, 0,
};

/* Scans the BIOS areas for the firmware's own RSDP (the path taken when
 * the loader passes none) and compares it with the loader's. */
static void scan_test(void)
{
	const void *copy;
	size_t len;
	uint64_t pa, scan = acpi_bios_rsdp();
	boot_rsdp(&copy, &len, &pa);
	kprintf("test acpi: BIOS area scan: RSDP at 0x%lx, %s the loader's\n",
		scan, scan && scan == pa ? "as" : "not");
}

/* Builds the tables, reads them, prints the summary. */
void acpi_selftest(void)
{
	scan_test();
	page_pa = pmm_alloc();
	if (!page_pa)
		panic("test acpi: no page");
	page = P2V(page_pa);
	memset(page, 0, PAGE_SIZE);
	uint32_t entries[] = {MADT_BAD, FADT_LONG, BEYOND_RAM, MADT, FADT};
	for (unsigned i = 0; i < 5; i++)
		put32(RSDT + 36 + 4 * i,
		      entries[i] == BEYOND_RAM
			      ? entries[i]
			      : (uint32_t)page_pa + entries[i]);
	table(RSDT, "RSDT", 36 + 4 * 5);
	table(XSDT, "XSDT", 36);
	page[XSDT + 9]++;
	table(MADT_BAD, "APIC", 44);
	page[MADT_BAD + 40]++;
	table(FADT_LONG, "FACP", 0x7fffffff);
	uint32_t off = MADT + 36;
	for (unsigned i = 0; i < sizeof madt_parts / sizeof madt_parts[0]; i++)
		memcpy(page + off, madt_parts[i].p, madt_parts[i].len),
			off += madt_parts[i].len;
	table(MADT, "APIC", off - MADT);
	put32(FADT + 40, (uint32_t)page_pa + DSDT);
	put32(FADT + 64, 0x1234);
	table(FADT, "FACP", 116);
	memcpy(page + DSDT + 36, dsdt_aml, sizeof dsdt_aml);
	table(DSDT, "DSDT", 36 + sizeof dsdt_aml);

	uint8_t rsdp[36] = "RSD PTR ";
	memcpy(rsdp + 9, "NEBULT", 6);
	rsdp[15] = 2;
	uint32_t rsdt = (uint32_t)page_pa + RSDT, len = 36;
	uint64_t xsdt = page_pa + XSDT;
	memcpy(rsdp + 16, &rsdt, 4);
	memcpy(rsdp + 20, &len, 4);
	memcpy(rsdp + 24, &xsdt, 8);
	rsdp[8] = (uint8_t)-sum(rsdp, 20);  /* the first 20 bytes' */
	rsdp[32] = (uint8_t)-sum(rsdp, 36); /* all 36 (sum of 0..20 is 0) */
	acpi_read_rsdp(rsdp, sizeof rsdp, "test");
	acpi_summary();
	kprintf("test acpi: done\n");
}
