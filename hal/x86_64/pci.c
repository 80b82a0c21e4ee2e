/*
 * pci.c: PCI functions (the PCI part of hal.h): enumeration through
 * configuration mechanism #1 (ports 0xcf8/0xcfc), memory BAR assignment
 * and INTx routing.
 *
 * pci_init (hal_init, interrupts off) walks bus 0 and every bus behind a
 * PCI-to-PCI bridge that the firmware numbered, each device's functions
 * 0-7 when its header says multifunction. The firmware (qboot) leaves
 * BARs unassigned and the command register 0, so every memory BAR, 32-
 * or 64-bit, is sized and placed here: naturally aligned, at least a
 * page (so no two devices share a page and a BAR can be mapped alone),
 * bottom-up in a window from above RAM to the I/O APIC at 0xfec00000.
 * Memory space and bus mastering are then enabled. I/O BARs keep what
 * the firmware gave them (I/O space stays off). BARs behind bridges get
 * addresses too, but bridge windows are not programmed (QEMU's pc
 * machine has no bridges by default).
 *
 * The Interrupt Line register is not trusted: on the i440FX/PIIX3 (QEMU's
 * pc machine) a bus-0 device's pin reaches PIRQ (slot + pin - 2) mod 4,
 * which the PIIX3 routes to the ISA line in its registers 0x60-0x63
 * (programmed here to the usual 10, 10, 11, 11 when the firmware left a
 * PIRQ disabled). That line is made level-triggered at the I/O APIC.
 * Elsewhere a function's irq is 0xff (no INTx: use MSI).
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc
#define MAX_FUNCS 64
#define WINDOW_END 0xfec00000ull
#define WINDOW_MIN 0xc0000000ull

#define REG_ID 0x00
#define REG_COMMAND 0x04
#define REG_CLASS 0x08
#define REG_HEADER 0x0e
#define REG_BAR0 0x10
#define REG_SECONDARY 0x19
#define REG_INT_PIN 0x3d
#define CMD_MEMORY 0x2
#define CMD_MASTER 0x4
#define PIIX_PIRQ 0x60

static struct hal_pci_func funcs[MAX_FUNCS];
static unsigned nfuncs;
static uint64_t window_next; /* the next free address of the BAR window */
static uint8_t bus_seen[256 / 8];

static void cfg_select(const struct hal_pci_func *f, unsigned off)
{
	outl(CFG_ADDR, 0x80000000u | (uint32_t)f->bus << 16 |
			       (uint32_t)f->dev << 11 | (uint32_t)f->fn << 8 |
			       (off & 0xfc));
}

/* One register access, width 1, 2 or 4 at an offset it divides. */
static uint32_t cfg_read(const struct hal_pci_func *f, unsigned off,
			 unsigned width)
{
	cfg_select(f, off);
	if (width == 4)
		return inl(CFG_DATA);
	if (width == 2)
		return inw(CFG_DATA + (off & 2));
	return inb(CFG_DATA + (off & 3));
}

static void cfg_write(const struct hal_pci_func *f, unsigned off,
		      unsigned width, uint32_t v)
{
	cfg_select(f, off);
	if (width == 4)
		outl(CFG_DATA, v);
	else if (width == 2)
		outw(CFG_DATA + (off & 2), (uint16_t)v);
	else
		outb(CFG_DATA + (off & 3), (uint8_t)v);
}

/* Writes all ones to the BAR register at off and reads what sticks,
 * restoring the old value. */
static uint32_t bar_probe(const struct hal_pci_func *f, unsigned off)
{
	uint32_t old = cfg_read(f, off, 4), v;
	cfg_write(f, off, 4, 0xffffffffu);
	v = cfg_read(f, off, 4);
	cfg_write(f, off, 4, old);
	return v;
}

/* Places a memory BAR of `size` bytes in the window; 0 if it is full. */
static uint64_t window_alloc(uint64_t size)
{
	uint64_t align = size < PAGE_SIZE ? PAGE_SIZE : size;
	uint64_t a = (window_next + align - 1) & ~(align - 1);
	if (a < window_next || a + align > WINDOW_END || a + align < a)
		return 0;
	window_next = a + align;
	return a;
}

/* Sizes BAR i of f (decoding is off); memory BARs get an address. Returns
 * how many BAR registers it took (2 for a 64-bit one). */
static unsigned bar_setup(struct hal_pci_func *f, unsigned i)
{
	unsigned off = REG_BAR0 + 4 * i;
	uint32_t lo = cfg_read(f, off, 4), mask = bar_probe(f, off);
	uint64_t size, addr, full = mask;

	if (lo & 1) { /* I/O */
		size = (~(mask & ~3u) & 0xffff) + 1;
		if (mask & ~3u) {
			f->bar[i].flags = HAL_PCI_BAR_IO;
			f->bar[i].addr = lo & ~3u;
			f->bar[i].size = size;
		}
		return 1;
	}
	bool is64 = ((lo >> 1) & 3) == 2 && i + 1 < HAL_PCI_BARS;
	if (!(mask & ~0xfu) && !is64)
		return 1; /* no BAR here */
	if (is64)
		full |= (uint64_t)bar_probe(f, off + 4) << 32;
	else
		full |= 0xffffffff00000000ull;
	full &= ~0xfull;
	if (!full)
		return is64 ? 2 : 1;
	size = ~full + 1;
	f->bar[i].flags = (is64 ? HAL_PCI_BAR_64 : 0) |
			  ((lo & 8) ? HAL_PCI_BAR_PREFETCH : 0);
	f->bar[i].size = size;
	if (!(addr = window_alloc(size))) {
		kprintf("pci %02x:%02x.%x: no room for BAR %u (%lu bytes)\n",
			f->bus, f->dev, f->fn, i, size);
		f->bar[i].size = 0;
		return is64 ? 2 : 1;
	}
	f->bar[i].addr = addr;
	cfg_write(f, off, 4, (uint32_t)addr | (lo & 0xf));
	if (is64)
		cfg_write(f, off + 4, 4, (uint32_t)(addr >> 32));
	return is64 ? 2 : 1;
}

/* The ISA line of f's INTx pin on a PIIX3 (function 00:01.0), or 0xff. */
static uint8_t intx_line(const struct hal_pci_func *f)
{
	static const uint8_t defaults[4] = {10, 10, 11, 11};
	struct hal_pci_func isa = {0};
	unsigned pin = cfg_read(f, REG_INT_PIN, 1), pirq;
	uint8_t route;

	isa.dev = 1;
	if (pin < 1 || pin > 4 || f->bus != 0 || f->dev == 0 ||
	    cfg_read(&isa, REG_ID, 4) != 0x70008086u)
		return 0xff;
	pirq = (f->dev - 1 + pin - 1) & 3;
	route = (uint8_t)cfg_read(&isa, PIIX_PIRQ + pirq, 1);
	if (route & 0x80 || route >= 16) {
		route = defaults[pirq];
		cfg_write(&isa, PIIX_PIRQ + pirq, 1, route);
	}
	irq_set_level(route);
	return route;
}

static void scan_bus(unsigned bus);

/* Records function (bus, dev, fn), assigns its BARs and enables it;
 * follows a bridge to its secondary bus. */
static void add_func(unsigned bus, unsigned dev, unsigned fn, uint32_t id)
{
	struct hal_pci_func *f = &funcs[nfuncs];
	unsigned type, nbars, cmd;

	if (nfuncs == MAX_FUNCS) {
		kprintf("pci: more than %d functions; the rest ignored\n",
			MAX_FUNCS);
		return;
	}
	*f = (struct hal_pci_func){.bus = bus, .dev = dev, .fn = fn};
	f->vendor = id & 0xffff;
	f->device = id >> 16;
	f->class_rev = cfg_read(f, REG_CLASS, 4);
	type = cfg_read(f, REG_HEADER, 1) & 0x7f;
	nbars = type == 0 ? 6 : type == 1 ? 2 : 0;
	cmd = cfg_read(f, REG_COMMAND, 2);
	cfg_write(f, REG_COMMAND, 2, cmd & ~(CMD_MEMORY | 1u));
	for (unsigned i = 0; i < nbars;)
		i += bar_setup(f, i);
	/* Host bridges and the ISA bridge keep the firmware's setting. */
	if (f->class_rev >> 24 != 0x06 || type == 1)
		cmd |= CMD_MEMORY | CMD_MASTER;
	cfg_write(f, REG_COMMAND, 2, cmd);
	f->irq = type == 0 ? intx_line(f) : 0xff;
	nfuncs++;
	if (type == 1)
		scan_bus(cfg_read(f, REG_SECONDARY, 1));
}

/* Every function of every device on bus (once per bus). */
static void scan_bus(unsigned bus)
{
	struct hal_pci_func probe = {.bus = bus};

	if (bus >= 256 || (bus_seen[bus / 8] & (1u << bus % 8)))
		return;
	bus_seen[bus / 8] |= 1u << bus % 8;
	for (unsigned dev = 0; dev < 32; dev++) {
		probe.dev = dev;
		for (unsigned fn = 0; fn < 8; fn++) {
			probe.fn = fn;
			uint32_t id = cfg_read(&probe, REG_ID, 4);
			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			add_func(bus, dev, fn, id);
			if (fn == 0 &&
			    !(cfg_read(&probe, REG_HEADER, 1) & 0x80))
				break;
		}
	}
}

/* Finds and sets up every function; the BAR window starts above RAM. */
void pci_init(void)
{
	uint64_t top = 0;
	struct hal_pci_func host = {0};

	for (int i = 0; i < nram; i++)
		if (ram[i].end <= WINDOW_END && ram[i].end > top)
			top = ram[i].end;
	top = (top + 0xfffffffull) & ~0xfffffffull; /* 256 MiB */
	window_next = top > WINDOW_MIN ? top : WINDOW_MIN;
	if ((cfg_read(&host, REG_ID, 4) & 0xffff) == 0xffff)
		return; /* no PCI (or not mechanism #1) */
	scan_bus(0);
}

/* Lists the functions (the boot summary). */
void pci_print(void)
{
	for (unsigned i = 0; i < nfuncs; i++) {
		const struct hal_pci_func *f = &funcs[i];
		kprintf("pci %02x:%02x.%x %04x:%04x class %06x", f->bus, f->dev,
			f->fn, f->vendor, f->device, f->class_rev >> 8);
		if (f->irq != 0xff)
			kprintf(" irq %u", f->irq);
		for (unsigned b = 0; b < HAL_PCI_BARS; b++)
			if (f->bar[b].size &&
			    !(f->bar[b].flags & HAL_PCI_BAR_IO))
				kprintf(" bar%u 0x%lx+0x%lx", b, f->bar[b].addr,
					f->bar[b].size);
		kprintf("\n");
	}
}

unsigned hal_pci_count(void)
{
	return nfuncs;
}

const struct hal_pci_func *hal_pci_func(unsigned i)
{
	return i < nfuncs ? &funcs[i] : NULL;
}

static bool cfg_ok(unsigned i, unsigned off, unsigned width)
{
	return i < nfuncs && (width == 1 || width == 2 || width == 4) &&
	       off < 256 && off % width == 0;
}

uint32_t hal_pci_read(unsigned i, unsigned off, unsigned width)
{
	if (!cfg_ok(i, off, width))
		return 0xffffffffu;
	uint64_t f = irq_save();
	uint32_t v = cfg_read(&funcs[i], off, width);
	irq_restore(f);
	return v;
}

void hal_pci_write(unsigned i, unsigned off, unsigned width, uint32_t v)
{
	if (!cfg_ok(i, off, width))
		return;
	uint64_t f = irq_save();
	cfg_write(&funcs[i], off, width, v);
	irq_restore(f);
}
