/*
 * irq.c: device interrupts, I/O ports for drivers, and halting while idle
 * (the devices part of hal.h).
 *
 * Interrupt lines go through the I/O APIC (the legacy PICs stay masked,
 * idt.c): ISA line n (0-15) is its redirection entry n, edge-triggered,
 * active high, sent to this CPU's local APIC at vector IRQ_VECTOR + n.
 * The I/O APIC is taken at its standard address 0xfec00000 and checked
 * by its version register; ISA source overrides from the ACPI MADT are
 * not read (QEMU and PCs map ISA lines 1-15 to the same inputs; line 0,
 * the PIT, is the one exception, and it is never given out).
 *
 * A driver's line is masked by the handler when it fires and recorded in
 * `pending` (hal_irq_take); the driver unmasks it after serving the
 * device. An edge that comes while the line is masked is held by QEMU's
 * I/O APIC but may be lost on real hardware, so a driver looks at its
 * device once more after unmasking. The HAL's own console line
 * (SERIAL_IRQ) stays unmasked: its handler drains the UART (serial.c).
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define IOAPIC_PHYS 0xfec00000ull
#define IOREGSEL 0
#define IOWIN 4 /* in 32-bit words */
#define REG_VER 0x01
#define REG_REDIR 0x10
#define REDIR_MASKED (1u << 16)
#define REDIR_LEVEL (1u << 15)
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull

static volatile uint32_t *ioapic; /* NULL: none, so no device interrupts */
static uint32_t hal_lines;	  /* lines the HAL keeps (bit n) */
static uint32_t level_lines;	  /* level-triggered (PCI INTx) lines */
static volatile uint32_t pending;
static void (*notify_fn)(void);

static void ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[IOREGSEL] = reg;
	ioapic[IOWIN] = v;
}

static uint32_t ioapic_read(uint32_t reg)
{
	ioapic[IOREGSEL] = reg;
	return ioapic[IOWIN];
}

/* Sets line's redirection entry: its vector, to this CPU, masked or not. */
static void redirect(unsigned line, bool masked)
{
	ioapic_write(REG_REDIR + 2 * line + 1, apic_id() << 24);
	ioapic_write(REG_REDIR + 2 * line,
		     (IRQ_VECTOR + line) | (masked ? REDIR_MASKED : 0) |
			     ((level_lines >> line & 1) ? REDIR_LEVEL : 0));
}

/* A PCI line: level-triggered, so the handler's mask-then-EOI holds it
 * until the driver has served the device and unmasks it. */
void irq_set_level(unsigned line)
{
	if (line < IRQ_LINES)
		level_lines |= 1u << line;
}

void irq_notify(void)
{
	if (notify_fn)
		notify_fn();
}

/* Maps the I/O APIC uncached and masks every line; without one (no
 * local APIC, or a version register that makes no sense) there are no
 * device interrupts. Needs timer_init (the local APIC) first. */
void irq_init(void)
{
	uintptr_t va = (uintptr_t)vm_reserve(PAGE_SIZE);
	uint64_t *pte = va ? paging_walk(va, true) : NULL;
	if (!pte || !timer_hz())
		return;
	*pte = IOAPIC_PHYS | PTE_P | PTE_W | PTE_PCD | PTE_PWT | pte_nx;
	invlpg(va);
	ioapic = (volatile uint32_t *)va;
	uint32_t ver = ioapic_read(REG_VER);
	if (ver == 0xffffffffu || ((ver >> 16) & 0xff) < IRQ_LINES - 1) {
		kprintf("irq: no I/O APIC; no device interrupts\n");
		ioapic = NULL;
		return;
	}
	for (unsigned i = 0; i < IRQ_LINES; i++)
		redirect(i, true);
}

bool irq_route(unsigned line)
{
	if (!ioapic || line >= IRQ_LINES)
		return false;
	hal_lines |= 1u << line;
	redirect(line, false);
	return true;
}

/* Called by trap() for vectors IRQ_VECTOR + line, interrupts off. */
void irq_interrupt(unsigned line)
{
	if (line == SERIAL_IRQ && (hal_lines & (1u << line)))
		serial_interrupt();
	else if (ioapic)
		redirect(line, true);
	pending |= 1u << line;
	if (notify_fn)
		notify_fn();
	apic_eoi();
}

bool hal_irq_unmask(unsigned irq)
{
	if (!ioapic || irq == 0 || irq == 2 || irq >= IRQ_LINES ||
	    (hal_lines & (1u << irq)))
		return false;
	redirect(irq, false);
	return true;
}

void hal_irq_mask(unsigned irq)
{
	if (ioapic && irq < IRQ_LINES && !(hal_lines & (1u << irq)))
		redirect(irq, true);
}

uint32_t hal_irq_take(void)
{
	uint64_t f = irq_save();
	uint32_t v = pending;
	pending = 0;
	irq_restore(f);
	return v;
}

void hal_irq_set_notify(void (*notify)(void))
{
	notify_fn = notify;
}

int hal_console_irq(void)
{
	return (hal_lines & (1u << SERIAL_IRQ)) ? SERIAL_IRQ : -1;
}

/*
 * Halts until an interrupt (the timer's tick at the latest) when the
 * deadline is at least a tick away; a nearer deadline is waited for by
 * spinning, so that it is not rounded up to the next tick. Without the
 * timer running (interrupts may be off) it only spins a little.
 */
void hal_idle(uint64_t deadline_ns)
{
	uint64_t now = hal_clock_monotonic_ns(), tick = timer_period();
	uint64_t f = irq_save();

	if (pending || deadline_ns <= now) {
		irq_restore(f);
		return;
	}
	if (tick && (f & 0x200) && deadline_ns - now >= tick) {
		sti_hlt();
		return;
	}
	irq_restore(f);
	for (int i = 0; i < 1000 && !pending; i++) {
		if (hal_clock_monotonic_ns() >= deadline_ns)
			break;
		__asm__ volatile("pause");
	}
}

/* Ports the HAL uses: PIC, PIT, keyboard controller/port 0x61, CMOS,
 * isa-debug-exit, the console's COM1, PCI configuration. */
static const struct {
	uint32_t lo, hi; /* inclusive */
} hal_ports[] = {
	{0x20, 0x21}, {0x40, 0x43}, {0x60, 0x64},   {0x70, 0x71},
	{0xa0, 0xa1}, {0xf4, 0xf7}, {0x3f8, 0x3ff}, {0xcf8, 0xcff},
};

bool hal_ports_available(uint32_t base, uint32_t count)
{
	if (count == 0 || base > 0xffff || count > 0x10000 - base)
		return false;
	for (size_t i = 0; i < sizeof hal_ports / sizeof hal_ports[0]; i++)
		if (base <= hal_ports[i].hi &&
		    base + count - 1 >= hal_ports[i].lo)
			return false;
	return true;
}

uint32_t hal_port_in(uint16_t port, unsigned width)
{
	if (width == 1)
		return inb(port);
	return width == 2 ? inw(port) : inl(port);
}

void hal_port_out(uint16_t port, unsigned width, uint32_t value)
{
	if (width == 1)
		outb(port, (uint8_t)value);
	else if (width == 2)
		outw(port, (uint16_t)value);
	else
		outl(port, value);
}
