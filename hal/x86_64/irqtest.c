/*
 * irqtest.c: `test=level` (tests/boot.sh, QEMU with `-device edu`): a
 * level-triggered line through the I/O APIC, end to end. QEMU's edu
 * device raises its PCI INTA when its interrupt status (raised by writing
 * 0x60, acknowledged at 0x64) is not zero, and holds it until then; on
 * the PC machine INTA reaches an ISA line through the PIIX's PIRQ routing
 * (10 or 11 under qboot and SeaBIOS), which pci.c reads and makes level-
 * triggered, as the MADT also says. The line must:
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

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_STATUS 0x24
#define EDU_RAISE 0x60
#define EDU_ACK 0x64
#define WAIT_NS 2000000000ull
#define QUIET_NS 50000000ull

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

/* The edu device as pci.c found it (BAR0 assigned, memory decoding on)
 * and the ISA line pci.c routed its INTA to. */
static volatile uint32_t *edu_find(unsigned *line)
{
	for (unsigned i = 0; i < hal_pci_count(); i++) {
		const struct hal_pci_func *f = hal_pci_func(i);
		if (f->vendor != EDU_VENDOR || f->device != EDU_DEVICE)
			continue;
		if (f->irq == 0xff || !f->bar[0].size) {
			kprintf("test level: edu has no INTx line or BAR0\n");
			return NULL;
		}
		*line = f->irq;
		return map_phys(f->bar[0].addr, PAGE_SIZE,
				PTE_W | PTE_PCD | PTE_PWT);
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
