/*
 * irqtest.c: `test=level` (tests/boot.sh, QEMU with `-device edu`): a
 * level-triggered line through the I/O APIC, end to end. QEMU's edu
 * device raises its PCI INTA when its interrupt status (raised by writing
 * 0x60, acknowledged at 0x64) is not zero, and holds it until then; on
 * the PC machine INTA reaches an ISA line through the PIIX's PIRQ routing
 * (10 or 11 under qboot and SeaBIOS), which the MADT marks level-
 * triggered. The line must:
 *   fire once raised, then stay quiet (masked by the handler) while the
 *   device still holds it;
 *   fire again when unmasked while still held (the EOI cleared the remote
 *   IRR; an edge-triggered entry would stay silent);
 *   stay quiet once the device is acknowledged and the line unmasked.
 * Prints "test level: ok", or what went wrong, then the boot exits.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define EDU_ID 0x11e81234u /* device, vendor */
#define EDU_STATUS 0x24
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
#define PIIX_PIRQ 0x60 /* PIIX3 (0:1.0) PIRQA-D routes */
#define BAR0_DEFAULT 0xe0000000u
#define WAIT_NS 2000000000ull
#define QUIET_NS 50000000ull

static uint32_t pci_read(unsigned dev, unsigned fn, unsigned reg)
{
	outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	return inl(0xcfc);
}

static void pci_write(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	outl(0xcf8, 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc));
	outl(0xcfc, v);
}

/* Waits up to ns, interrupts on, for line to fire; true if it did. */
static bool fired(unsigned line, uint64_t ns)
{
	uint64_t end = hal_clock_monotonic_ns() + ns;
	bool seen = false;
	__asm__ volatile("sti");
	while (!seen && hal_clock_monotonic_ns() < end) {
		seen = hal_irq_take() & (1u << line);
		__asm__ volatile("pause");
	}
	cli();
	return seen;
}

/* The edu device on bus 0 (BAR0 given an address if the firmware left it
 * none, memory decoding on), and the ISA line its INTA reaches. */
static volatile uint32_t *edu_find(unsigned *line)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		if (pci_read(dev, 0, 0) != EDU_ID)
			continue;
		uint32_t bar = pci_read(dev, 0, 0x10) & ~0xfu;
		if (!bar)
			pci_write(dev, 0, 0x10, bar = BAR0_DEFAULT);
		pci_write(dev, 0, 0x04, pci_read(dev, 0, 0x04) | 2);
		unsigned pin = (pci_read(dev, 0, 0x3c) >> 8) & 0xff;
		unsigned pirq = (dev - 1 + pin - 1) & 3; /* PIIX wiring */
		uint32_t route = pci_read(1, 0, PIIX_PIRQ) >> (8 * pirq);
		if (!pin || (route & 0x80)) {
			kprintf("test level: INT%c is not routed\n",
				'A' + pin - 1);
			return NULL;
		}
		*line = route & 0x0f;
		return map_phys(bar, PAGE_SIZE, PTE_W | PTE_PCD | PTE_PWT);
	}
	kprintf("test level: no edu device (QEMU -device edu)\n");
	return NULL;
}

void level_selftest(void)
{
	unsigned line;
	volatile uint32_t *edu = edu_find(&line);
	if (!edu)
		return;
	kprintf("test level: edu INTA on ISA line %u (GSI %u, %s)\n", line,
		acpi_isa[line].gsi, acpi_isa[line].level ? "level" : "edge");
	const char *bad = NULL;
	hal_irq_take();
	if (!hal_irq_unmask(line))
		bad = "the line cannot be unmasked";
	else if (fired(line, QUIET_NS))
		bad = "it fired before the device raised it";
	edu[EDU_RAISE / 4] = 1;
	if (!bad && !fired(line, WAIT_NS))
		bad = "it did not fire when raised";
	else if (!bad && fired(line, QUIET_NS))
		bad = "it fired again while masked";
	if (!bad && !(edu[EDU_STATUS / 4] & 1))
		bad = "the device dropped its interrupt";
	if (!bad && (!hal_irq_unmask(line) || !fired(line, WAIT_NS)))
		bad = "unmasked while held, it did not fire again";
	edu[EDU_ACK / 4] = 1;
	if (!bad && (!hal_irq_unmask(line) || fired(line, QUIET_NS)))
		bad = "it fired after the device's acknowledgement";
	hal_irq_mask(line);
	if (bad)
		kprintf("test level: %s\n", bad);
	else
		kprintf("test level: ok\n");
}
