/*
 * irq.c: device interrupts, I/O ports for drivers, and halting while idle
 * (the devices part of hal.h).
 *
 * Interrupt lines go through the I/O APICs (the legacy PICs stay masked,
 * idt.c). ISA line n (0-15) arrives at the global system interrupt (GSI)
 * the ACPI MADT's interrupt source overrides name, with their polarity
 * and trigger mode (acpi.c): on QEMU line 0 (the PIT) is GSI 2, and under
 * qboot and SeaBIOS lines 5, 9, 10 and 11 (PCI) are level-triggered; any
 * other line is GSI n, edge-triggered, active high. The I/O APIC serving
 * a GSI is the MADT's whose range holds it (without a MADT: one at the
 * standard 0xfec00000, checked by its version register). A line is sent
 * to this CPU's local APIC at vector IRQ_VECTOR + n.
 *
 * A driver's line is masked by the handler when it fires, before the
 * EOI, and recorded in `pending` (hal_irq_take); the driver unmasks it
 * after serving the device. For a level-triggered line the EOI clears the
 * entry's remote IRR, and unmasking a line the device still holds raises
 * it again, so nothing is lost. An edge that comes while the line is
 * masked is held by QEMU's I/O APIC but may be lost on real hardware, so
 * a driver looks at its device once more after unmasking. The HAL's own
 * console line (SERIAL_IRQ) stays unmasked: its handler drains the UART
 * (serial.c).
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define IOAPIC_PHYS 0xfec00000ull
#define IOREGSEL 0
#define IOWIN 4 /* in 32-bit words */
#define REG_VER 0x01
#define REG_REDIR 0x10
#define REDIR_LOW (1u << 13)   /* polarity: active low */
#define REDIR_LEVEL (1u << 15) /* trigger mode: level */
#define REDIR_MASKED (1u << 16)

static struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base, count; /* GSIs [gsi_base, gsi_base + count) */
} ioapics[ACPI_MAX_IOAPICS];
static int nioapics;	   /* 0: none, so no device interrupts */
static uint32_t hal_lines; /* lines the HAL keeps (bit n) */
static volatile uint32_t pending;
static void (*notify_fn)(void);

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL] = reg;
	io->regs[IOWIN] = v;
}

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL] = reg;
	return io->regs[IOWIN];
}

/* The I/O APIC serving gsi, and gsi's entry in it in *pin; NULL if none. */
static struct ioapic *ioapic_for(uint32_t gsi, uint32_t *pin)
{
	for (int i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->count) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/* A PCI line (pci.c routes INTx to it): level-triggered from now on,
 * whatever the MADT said, so the handler's mask-then-EOI holds it until
 * the driver has served the device and unmasks it. */
void irq_set_level(unsigned line)
{
	if (line < IRQ_LINES)
		acpi_isa[line].level = true;
}

void irq_notify(void)
{
	if (notify_fn)
		notify_fn();
}

/* Sets ISA line's redirection entry: its vector, polarity and trigger
 * mode, to this CPU, masked or not; false if no I/O APIC serves it.
 * Under redirect's lock. */
static bool redirect_locked(unsigned line, bool masked)
{
	const struct acpi_isa_irq *q = &acpi_isa[line];
	uint32_t pin;
	struct ioapic *io = ioapic_for(q->gsi, &pin);
	if (!io)
		return false;
	ioapic_write(io, REG_REDIR + 2 * pin + 1, apic_id() << 24);
	ioapic_write(io, REG_REDIR + 2 * pin,
		     (IRQ_VECTOR + line) | (q->active_low ? REDIR_LOW : 0) |
			     (q->level ? REDIR_LEVEL : 0) |
			     (masked ? REDIR_MASKED : 0));
	return true;
}

/* redirect_locked, one CPU at a time (the I/O APIC's registers are an
 * index and a data window): a CPU's interrupt handler masks a line while
 * another unmasks one. */
static bool redirect(unsigned line, bool masked)
{
	static volatile int busy;
	uint64_t f = spin_lock_irq(&busy);
	bool ok = redirect_locked(line, masked);
	spin_unlock_irq(&busy, f);
	return ok;
}

/* Maps one I/O APIC uncached and masks all its entries; false (reported)
 * if its version register makes no sense. */
static bool ioapic_add(uint64_t pa, uint32_t gsi_base)
{
	struct ioapic *io = &ioapics[nioapics];
	io->regs = map_phys(pa, PAGE_SIZE, PTE_W | PTE_PCD | PTE_PWT);
	if (!io->regs)
		return false;
	uint32_t ver = ioapic_read(io, REG_VER);
	if (ver == 0xffffffffu || (ver & 0xff) < 0x10) {
		kprintf("irq: no I/O APIC at 0x%lx (version 0x%x)\n", pa, ver);
		return false;
	}
	io->gsi_base = gsi_base;
	io->count = ((ver >> 16) & 0xff) + 1;
	for (uint32_t i = 0; i < io->count; i++)
		ioapic_write(io, REG_REDIR + 2 * i, REDIR_MASKED);
	nioapics++;
	return true;
}

/* Takes the MADT's I/O APICs (or the standard one) and masks every
 * entry; without one (no local APIC, or no I/O APIC that answers) there
 * are no device interrupts. Needs timer_init (the local APIC) and
 * acpi_init first. */
void irq_init(void)
{
	if (!timer_hz())
		return;
	for (int i = 0; i < acpi_nioapics; i++)
		ioapic_add(acpi_ioapics[i].addr, acpi_ioapics[i].gsi_base);
	if (!acpi_nioapics)
		ioapic_add(IOAPIC_PHYS, 0);
	if (!nioapics)
		kprintf("irq: no I/O APIC; no device interrupts\n");
}

bool irq_route(unsigned line)
{
	if (line >= IRQ_LINES || !redirect(line, false))
		return false;
	hal_lines |= 1u << line;
	return true;
}

/* Called by trap() for vectors IRQ_VECTOR + line, interrupts off. */
void irq_interrupt(unsigned line)
{
	if (line == SERIAL_IRQ && (hal_lines & (1u << line)))
		serial_interrupt();
	else
		redirect(line, true);
	__atomic_or_fetch(&pending, 1u << line, __ATOMIC_SEQ_CST);
	if (notify_fn)
		notify_fn();
	apic_eoi();
}

/* True if line's GSI is another line's by an override (ISA line 2's
 * input is line 0's, the PIT, on QEMU and most PCs). */
static bool gsi_taken(unsigned line)
{
	for (unsigned i = 0; i < IRQ_LINES; i++)
		if (i != line && acpi_isa[i].gsi == acpi_isa[line].gsi &&
		    acpi_isa[i].gsi != i)
			return true;
	return false;
}

bool hal_irq_unmask(unsigned irq)
{
	if (irq == 0 || irq == 2 || irq >= IRQ_LINES ||
	    (hal_lines & (1u << irq)) || gsi_taken(irq))
		return false;
	return redirect(irq, false);
}

void hal_irq_mask(unsigned irq)
{
	if (irq < IRQ_LINES && !(hal_lines & (1u << irq)))
		redirect(irq, true);
}

/* One xchg: another CPU's handler cannot come between the read and the
 * clear. */
uint32_t hal_irq_take(void)
{
	return __atomic_exchange_n(&pending, 0, __ATOMIC_SEQ_CST);
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
 * isa-debug-exit, the console's COM1, PCI configuration; and ACPI's
 * power-off ports (acpi_ports_used). */
static const struct {
	uint32_t lo, hi; /* inclusive */
} hal_ports[] = {
	{0x20, 0x21}, {0x40, 0x43}, {0x60, 0x64},   {0x70, 0x71},
	{0xa0, 0xa1}, {0xf4, 0xf7}, {0x3f8, 0x3ff}, {0xcf8, 0xcff},
};

bool hal_ports_available(uint32_t base, uint32_t count)
{
	if (count == 0 || base > 0xffff || count > 0x10000 - base ||
	    acpi_ports_used(base, count))
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
