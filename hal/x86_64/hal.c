/*
 * hal.c: hal.h on bare metal, on top of the other files of hal/x86_64:
 * start-up, console (serial.c), virtual memory (vm.c), fault delivery
 * (idt.c), random numbers (RDRAND, RDSEED) and exit (isa-debug-exit or
 * ACPI power-off, acpi.c).
 */
#include "hal/hal.h"
#include "hal/x86_64/arch.h"
#include "hal/x86_64/x86.h"

hal_fault_fn hal_fault_handler;

/* Makes hal_console_read, in the running context (context.c), return
 * buf[0..len) and then end of input, instead of reading the serial port;
 * NULL gives the serial port back. The buffer must live until the next
 * call. (Declared in hal.h: the boot loader gives each program the standard
 * input its manifest line names.) */
void hal_console_set_input(const void *buf, size_t len)
{
	*context_input() = (struct console_input){buf, len, buf != NULL};
}

/* Brings the machine up: console, descriptor tables, memory, clock,
 * timer (stopped, interrupts still off). */
void hal_init(void)
{
	serial_init();
	gdt_init_cpu(0);
	idt_init();
	read_boot_info();
	uint64_t mod_start, mod_end;
	boot_module_range(&mod_start, &mod_end);
	pmm_init(mod_start, mod_end);
	if (mod_end > mod_start)
		pmm_reserve(mod_start, mod_end);
	paging_init();
	acpi_init();
	clock_init();
	timer_init();
	irq_init();
	serial_irq_init();
	smp_init();
	pci_init();
}

/* Writes to the serial port: "\n" becomes "\r\n" for terminals, or, in
 * multiplexed mode, the bytes go out exactly, marked with their stream. */
void hal_console_write(int stream, const void *buf, size_t len)
{
	const char *s = buf;
	if (console_mux) {
		console_select(stream == 2 ? 2 : 1);
		for (size_t i = 0; i < len; i++)
			serial_putc(s[i]);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static bool (*console_wait)(void);

void hal_console_set_wait(bool (*wait)(void))
{
	console_wait = wait;
}

/*
 * Waits for input, then takes whatever has arrived (up to len). While
 * none is there the kernel's wait function blocks the calling thread
 * until the console's interrupt (so other threads run); without one the
 * CPU halts (or, with interrupts off, polls). A carriage return (the
 * Enter key on a terminal) reads as '\n'. -1 if the wait gives up.
 */
long hal_console_read(void *buf, size_t len)
{
	char *s = buf;
	size_t n;
	if (!len)
		return 0;
	struct console_input *in = context_input();
	if (in->set) {
		n = len < in->len ? len : in->len;
		memcpy(buf, in->buf, n);
		in->buf += n;
		in->len -= n;
		return (long)n;
	}
	while ((n = serial_take(s, len)) == 0) {
		if (console_wait) {
			if (!console_wait())
				return -1;
		} else {
			hal_idle(hal_clock_monotonic_ns() + 1000000000ull);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\r')
			s[i] = '\n';
	return (long)n;
}

size_t hal_page_size(void)
{
	return PAGE_SIZE;
}

void *hal_vm_reserve(size_t len)
{
	return vm_reserve(len);
}

bool hal_vm_protect(void *addr, size_t len, int prot)
{
	return vm_protect(addr, len, prot);
}

bool hal_vm_discard(void *addr, size_t len)
{
	return vm_discard(addr, len);
}

bool hal_vm_commit(void *addr, size_t len)
{
	return vm_commit(addr, len);
}

bool hal_vm_back(void *addr, size_t len)
{
	return vm_back(addr, len);
}

void hal_memory_info(uint64_t *total, uint64_t *avail)
{
	*total = pmm_total_pages() * PAGE_SIZE;
	*avail = pmm_free_pages() * PAGE_SIZE;
}

void hal_vm_release(void *addr, size_t len)
{
	vm_release(addr, len);
}

void hal_set_fault_handler(hal_fault_fn fn)
{
	hal_fault_handler = fn;
}

/* One 64-bit value from RDRAND (seed false) or RDSEED (true), retrying
 * as Intel advises; false if the instruction keeps failing. */
static bool random64(bool seed, uint64_t *v)
{
	unsigned char ok = 0;

	for (int i = 0; i < 100 && !ok; i++) {
		if (seed)
			__asm__ volatile("rdseed %0; setc %1"
					 : "=r"(*v), "=qm"(ok));
		else
			__asm__ volatile("rdrand %0; setc %1"
					 : "=r"(*v), "=qm"(ok));
	}
	return ok;
}

/* RDRAND when CPUID says the CPU has it, else RDSEED; false without
 * either. */
bool hal_random(void *buf, size_t len)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	bool rdrand = c & (1u << 30);
	cpuid(7, &a, &b, &c, &d); /* subleaf 0 */
	bool rdseed = b & (1u << 18);
	if (!rdrand && !rdseed)
		return false;
	unsigned char *p = buf;
	while (len) {
		uint64_t v;
		if (!random64(!rdrand, &v))
			return false;
		size_t n = len < 8 ? len : 8;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return true;
}

/* Writes code to isa-debug-exit (QEMU exits with (code << 1) | 1); if that
 * device is absent (a machine booted from the ISO), powers off through
 * ACPI (the code is lost: `console=mux` has written it to the console
 * already), then halts for good. */
_Noreturn void hal_exit(int code)
{
	outl(0xf4, (uint32_t)code);
	cli();
	acpi_poweroff();
	for (;;)
		hlt();
}
