/*
 * acpi.c: the few ACPI tables the HAL needs, read once at boot.
 *
 * The RSDP comes from the boot loader (PVH passes its address, multiboot2
 * a copy) or, failing that, from the BIOS areas (the EBDA's first KiB,
 * then 0xe0000-0xfffff). It leads to the XSDT (64-bit entries; ACPI 2.0
 * and later) or the RSDT, and they to the tables used here:
 *   MADT ("APIC"): local APICs (counted), I/O APICs (address, first GSI)
 *     and interrupt source overrides (ISA line -> GSI, polarity, trigger),
 *     for irq.c;
 *   FADT ("FACP"): the PM1 control ports, SMI_CMD, and the DSDT, whose
 *     \_S5 package gives the sleep type values for power-off (S5).
 * Every table is mapped read-only into the VM area and its length and
 * checksum checked before anything in it is believed: a bad one is
 * reported ("acpi: ...: skipped") and ignored, as is a MADT entry that runs
 * past its table. Without usable tables irq.c falls back to the standard
 * I/O APIC and identity ISA routing, and power-off to halting.
 */
#include "hal/x86_64/arch.h"
#include "hal/x86_64/x86.h"

#define SDT_HEADER 36
#define TABLE_MAX (4u << 20) /* longer is taken as garbage */
#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define MADT_X2APIC 9
#define SLP_EN (1u << 13)
#define SCI_EN 1u
#define GAS_IO 1

struct acpi_ioapic acpi_ioapics[ACPI_MAX_IOAPICS];
int acpi_nioapics;
struct acpi_isa_irq acpi_isa[16];
int acpi_ncpus;
uint32_t acpi_apic_ids[MAX_CPUS];

static const char *rsdp_from = "none";
static uint64_t rsdp_at;
static bool xsdt;
static int noverrides;
static uint16_t pm1a_cnt, pm1b_cnt, smi_cmd;
static uint8_t acpi_enable_cmd, slp_typa, slp_typb;
static bool s5_found;

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s;
}

/* True if p[0..avail) holds a valid RSDP: signature and the first 20
 * bytes' checksum; for revision 2 and later, the length and the extended
 * checksum as well. */
static bool rsdp_valid(const uint8_t *p, size_t avail)
{
	if (avail < 20 || memcmp(p, "RSD PTR ", 8) || checksum(p, 20))
		return false;
	if (p[15] < 2)
		return true;
	uint32_t len = rd32(p + 20);
	return len >= 36 && len <= avail && !checksum(p, len);
}

/* Looks for a valid RSDP on 16-byte boundaries in [pa, pa + len). */
static const uint8_t *rsdp_scan(const uint8_t *low, uint64_t pa, uint64_t len)
{
	for (uint64_t a = pa & ~15ull; a + 36 <= pa + len; a += 16)
		if (rsdp_valid(low + a, 36))
			return low + a;
	return NULL;
}

/* The RSDP in the BIOS areas (the EBDA's first KiB, then 0xe0000-0xfffff),
 * and its address in *pa; NULL if there is none. */
static const uint8_t *rsdp_scan_bios(uint64_t *pa)
{
	const uint8_t *low = map_phys(0, 0x100000, 0), *p = NULL;
	if (!low)
		return NULL;
	uint64_t ebda = (uint64_t)rd16(low + 0x40e) << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		p = rsdp_scan(low, ebda, 1024);
	if (!p)
		p = rsdp_scan(low, 0xe0000, 0x20000);
	if (p)
		*pa = (uint64_t)(p - low);
	return p;
}

uint64_t acpi_bios_rsdp(void)
{
	uint64_t pa = 0;
	rsdp_scan_bios(&pa);
	return pa;
}

/* The RSDP: the loader's copy, its address, or the BIOS areas' scan. */
static const uint8_t *find_rsdp(void)
{
	const void *copy;
	size_t len;
	uint64_t pa;
	if (boot_rsdp(&copy, &len, &pa)) {
		rsdp_from = boot_loader_name();
		if (copy && rsdp_valid(copy, len))
			return copy;
		const uint8_t *p = copy ? NULL : map_phys(pa, 36, 0);
		if (p && rsdp_valid(p, 36))
			return rsdp_at = pa, p;
		kprintf("acpi: the boot loader's RSDP is not valid; "
			"skipped\n");
	}
	const uint8_t *p = rsdp_scan_bios(&rsdp_at);
	rsdp_from = p ? "BIOS area" : "none";
	return p;
}

/* Maps the table at pa whole once its header is read; NULL (reported)
 * if its length or checksum is wrong, or if sig is given and differs. */
static const uint8_t *map_table(uint64_t pa, const char *sig)
{
	const uint8_t *h = pa ? map_phys(pa, SDT_HEADER, 0) : NULL;
	if (!h)
		return NULL;
	uint32_t len = rd32(h + 4);
	char name[5] = {0}; /* the signature, printable */
	for (int i = 0; i < 4; i++)
		name[i] = h[i] >= 0x20 && h[i] < 0x7f ? (char)h[i] : '?';
	if (sig && memcmp(h, sig, 4)) {
		kprintf("acpi: table at 0x%lx is not %s; skipped\n", pa, sig);
		return NULL;
	}
	if (len < SDT_HEADER || len > TABLE_MAX) {
		kprintf("acpi: %s at 0x%lx: bad length %u; skipped\n", name, pa,
			len);
		return NULL;
	}
	const uint8_t *t = map_phys(pa, len, 0);
	if (t && checksum(t, len)) {
		kprintf("acpi: %s at 0x%lx: checksum wrong; skipped\n", name,
			pa);
		return NULL;
	}
	return t;
}

/* One interrupt source override: ISA line src arrives at gsi, with
 * flags' polarity (bits 0-1: 0 the bus's, 1 high, 3 low) and trigger
 * mode (bits 2-3: 0 the bus's, 1 edge, 3 level); ISA's are high, edge. */
static void madt_override(const uint8_t *e)
{
	uint8_t bus = e[2], src = e[3];
	uint16_t flags = rd16(e + 8);
	if (bus != 0 || src >= 16) {
		kprintf("acpi: MADT override for bus %u line %u; skipped\n",
			bus, src);
		return;
	}
	acpi_isa[src] = (struct acpi_isa_irq){
		.gsi = rd32(e + 4),
		.active_low = (flags & 3) == 3,
		.level = ((flags >> 2) & 3) == 3,
	};
	noverrides++;
}

/* An enabled local APIC: counted, its id kept (the first MAX_CPUS). */
static void add_cpu(uint32_t apic_id)
{
	if (acpi_ncpus < MAX_CPUS)
		acpi_apic_ids[acpi_ncpus] = apic_id;
	acpi_ncpus++;
}

/* The MADT's entries after its 44-byte head: type, length, body. */
static void read_madt(const uint8_t *t)
{
	uint32_t len = rd32(t + 4);
	for (uint32_t off = 44; off + 2 <= len;) {
		const uint8_t *e = t + off;
		uint8_t type = e[0], elen = e[1];
		if (elen < 2 || elen > len - off) {
			kprintf("acpi: MADT entry %u at +%u runs past the "
				"table; rest skipped\n",
				type, off);
			return;
		}
		if (type == MADT_LAPIC && elen >= 8 && (rd32(e + 4) & 1))
			add_cpu(e[3]);
		else if (type == MADT_X2APIC && elen >= 16 && (rd32(e + 8) & 1))
			add_cpu(rd32(e + 4));
		else if (type == MADT_IOAPIC && elen >= 12 &&
			 acpi_nioapics < ACPI_MAX_IOAPICS)
			acpi_ioapics[acpi_nioapics++] = (struct acpi_ioapic){
				.addr = rd32(e + 4),
				.gsi_base = rd32(e + 8),
				.id = e[2],
			};
		else if (type == MADT_OVERRIDE && elen >= 10)
			madt_override(e);
		off += elen;
	}
}

/* An AML integer at p[*j] (ZeroOp, OneOp, OnesOp or a Byte/Word/DWord
 * constant), advancing *j; false if it is none or runs past n. */
static bool aml_int(const uint8_t *p, size_t n, size_t *j, uint32_t *v)
{
	if (*j >= n)
		return false;
	uint8_t op = p[(*j)++];
	size_t w = op == 0x0a ? 1 : op == 0x0b ? 2 : op == 0x0c ? 4 : 0;
	if (op == 0x00 || op == 0x01 || op == 0xff) {
		*v = op == 0xff ? 0xffffffffu : op;
		return true;
	}
	if (!w || *j + w > n)
		return false;
	*v = 0;
	for (size_t i = 0; i < w; i++)
		*v |= (uint32_t)p[*j + i] << (8 * i);
	*j += w;
	return true;
}

/* Finds Name(_S5, Package(){a, b, ...}) in the DSDT's AML and takes its
 * first two values: SLP_TYPa and SLP_TYPb. */
static void read_s5(const uint8_t *t)
{
	uint32_t n = rd32(t + 4);
	for (size_t i = SDT_HEADER + 1; i + 4 < n; i++) {
		if (memcmp(t + i, "_S5_", 4) ||
		    !(t[i - 1] == 0x08 ||
		      (t[i - 1] == '\\' && t[i - 2] == 0x08)))
			continue;
		size_t j = i + 4;
		uint32_t a, b;
		if (j + 2 >= n || t[j] != 0x12) /* PackageOp */
			continue;
		j += 1 + 1 + (t[j + 1] >> 6) + 1; /* PkgLength, NumElements */
		if (aml_int(t, n, &j, &a) && aml_int(t, n, &j, &b)) {
			slp_typa = a & 7, slp_typb = b & 7;
			s5_found = true;
			return;
		}
	}
	kprintf("acpi: no \\_S5 in the DSDT; no power-off\n");
}

/* A PM1 control register: the 64-bit GAS at off when the table is long
 * enough and it is in I/O space, else the 32-bit port at legacy. */
static uint16_t fadt_port(const uint8_t *t, uint32_t len, uint32_t off,
			  uint32_t legacy)
{
	if (len >= off + 12 && t[off] == GAS_IO && rd64(t + off + 4) &&
	    rd64(t + off + 4) <= 0xffff)
		return (uint16_t)rd64(t + off + 4);
	uint32_t port = rd32(t + legacy);
	return port <= 0xffff ? (uint16_t)port : 0;
}

/* The FADT: SMI_CMD (48), ACPI_ENABLE (52), PM1a/b_CNT_BLK (64, 68 or
 * the X_ forms at 172, 184), the DSDT (40, or X_DSDT at 140). */
static void read_fadt(const uint8_t *t)
{
	uint32_t len = rd32(t + 4);
	if (len < 116) {
		kprintf("acpi: FADT of %u bytes is too short; skipped\n", len);
		return;
	}
	smi_cmd = rd32(t + 48) <= 0xffff ? (uint16_t)rd32(t + 48) : 0;
	acpi_enable_cmd = t[52];
	pm1a_cnt = fadt_port(t, len, 172, 64);
	pm1b_cnt = fadt_port(t, len, 184, 68);
	uint64_t dsdt =
		len >= 148 && rd64(t + 140) ? rd64(t + 140) : rd32(t + 40);
	const uint8_t *d = map_table(dsdt, "DSDT");
	if (d)
		read_s5(d);
}

/* Checks every table the RSDT or XSDT lists (entries of esize bytes)
 * and reads the first good MADT and FADT. */
static void read_tables(const uint8_t *sdt, unsigned esize)
{
	uint32_t len = rd32(sdt + 4);
	for (uint32_t off = SDT_HEADER; off + esize <= len; off += esize) {
		uint64_t pa = esize == 8 ? rd64(sdt + off) : rd32(sdt + off);
		const uint8_t *t = map_table(pa, NULL);
		if (!t)
			continue;
		if (!memcmp(t, "APIC", 4) && !acpi_nioapics &&
		    rd32(t + 4) >= 44)
			read_madt(t);
		else if (!memcmp(t, "FACP", 4) && !pm1a_cnt)
			read_fadt(t);
	}
}

/* Forgets what earlier tables said: ISA line n is GSI n, edge, high. */
static void acpi_reset(void)
{
	for (unsigned i = 0; i < 16; i++)
		acpi_isa[i] = (struct acpi_isa_irq){.gsi = i};
	acpi_nioapics = acpi_ncpus = noverrides = 0;
	pm1a_cnt = pm1b_cnt = smi_cmd = 0;
	s5_found = xsdt = false;
}

/* Reads the tables under a valid RSDP: the XSDT when there is one and it
 * is good, else the RSDT. */
static void acpi_read(const uint8_t *rsdp)
{
	const uint8_t *sdt = NULL;
	acpi_reset();
	if (rsdp[15] >= 2 && rd64(rsdp + 24))
		sdt = map_table(rd64(rsdp + 24), "XSDT");
	xsdt = sdt != NULL;
	if (!sdt)
		sdt = map_table(rd32(rsdp + 16), "RSDT");
	if (sdt)
		read_tables(sdt, xsdt ? 8 : 4);
}

/* Finds the RSDP and reads the MADT and FADT. Needs paging_init. */
void acpi_init(void)
{
	const uint8_t *rsdp = find_rsdp();
	if (rsdp) {
		acpi_read(rsdp);
	} else {
		acpi_reset();
		kprintf("acpi: no RSDP; no ACPI tables\n");
	}
}

/* As acpi_init, from the RSDP in rsdp[0..len) (test=acpi, acpitest.c). */
void acpi_read_rsdp(const void *rsdp, size_t len, const char *from)
{
	rsdp_from = from;
	rsdp_at = 0;
	if (rsdp_valid(rsdp, len))
		acpi_read(rsdp);
	else
		kprintf("acpi: RSDP from %s is not valid; skipped\n", from);
}

/* Enables ACPI mode if the firmware left it off (SMI_CMD), then writes
 * SLP_TYPx | SLP_EN to PM1a (and PM1b) control. Returns if it cannot, or
 * if the machine did not go off. */
void acpi_poweroff(void)
{
	if (!pm1a_cnt || !s5_found)
		return;
	if (smi_cmd && acpi_enable_cmd && !(inw(pm1a_cnt) & SCI_EN)) {
		outb(smi_cmd, acpi_enable_cmd);
		for (int i = 0; i < 1000000 && !(inw(pm1a_cnt) & SCI_EN); i++)
			__asm__ volatile("pause");
	}
	outw(pm1a_cnt, (uint16_t)(slp_typa << 10 | SLP_EN));
	if (pm1b_cnt)
		outw(pm1b_cnt, (uint16_t)(slp_typb << 10 | SLP_EN));
	for (int i = 0; i < 1000000; i++)
		__asm__ volatile("pause");
	kprintf("acpi: power-off failed\n");
}

/* True if [base, base + count) overlaps PM1a/b control or SMI_CMD. */
bool acpi_ports_used(uint32_t base, uint32_t count)
{
	uint16_t ports[3] = {pm1a_cnt, pm1b_cnt, smi_cmd};
	for (int i = 0; i < 3; i++)
		if (ports[i] && base <= ports[i] + 1u &&
		    base + count > ports[i])
			return true;
	return false;
}

/* "acpi: RSDP from X at A, XSDT|RSDT; N CPUs, I/O APIC at ...; ISA
 * overrides; power-off through PM1a". */
void acpi_summary(void)
{
	kprintf("acpi: RSDP from %s", rsdp_from);
	if (rsdp_at)
		kprintf(" at 0x%lx", rsdp_at);
	kprintf(", %s; %d CPU%s", xsdt ? "XSDT" : "RSDT", acpi_ncpus,
		acpi_ncpus == 1 ? "" : "s");
	for (int i = 0; i < acpi_nioapics; i++)
		kprintf(", I/O APIC %u at 0x%lx (GSI %u-)", acpi_ioapics[i].id,
			acpi_ioapics[i].addr, acpi_ioapics[i].gsi_base);
	kprintf("\n");
	if (noverrides) {
		kprintf("acpi: ISA overrides:");
		for (unsigned i = 0; i < 16; i++) {
			const struct acpi_isa_irq *q = &acpi_isa[i];
			if (q->gsi != i || q->level || q->active_low)
				kprintf(" %u->%u%s%s", i, q->gsi,
					q->level ? " level" : "",
					q->active_low ? " low" : "");
		}
		kprintf("\n");
	}
	if (pm1a_cnt && s5_found)
		kprintf("acpi: power-off: PM1a control 0x%x, S5 type %u\n",
			pm1a_cnt, slp_typa);
}
