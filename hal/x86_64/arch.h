/*
 * arch.h: what the files of the bare-metal HAL share: the memory layout,
 * the PVH boot information, and each subsystem's entry points. Only
 * hal/x86_64 includes it; everything above the HAL sees hal.h alone.
 *
 * Virtual memory layout (one address space, ring 0 only):
 *   PHYS_BASE  0xffff800000000000  all physical RAM (2 MiB pages, NX)
 *   VM_BASE    0xffffc00000000000  hal_vm_reserve's area, 32 TiB, 4 KiB
 *                                  pages mapped on demand (vm.c)
 *   KERNEL_VMA 0xffffffff80000000  the kernel image (text RX, rodata R,
 *                                  data RW), physical 1 MiB and up
 *   PERCPU_VMA 0xffffffffc0000000  the per-CPU window (kernel.ld's
 *                                  .percpu): the same addresses on every
 *                                  CPU, each CPU's own frames (paging.c)
 * Nothing is mapped in the lower half: a null pointer faults.
 */
#ifndef X86_64_ARCH_H
#define X86_64_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* libk's: memset, memcpy, strlen, ... */

#define KERNEL_VMA 0xffffffff80000000ull
#define PHYS_BASE 0xffff800000000000ull
#define VM_BASE 0xffffc00000000000ull
#define VM_END 0xffffe00000000000ull
#define PERCPU_VMA 0xffffffffc0000000ull
#define PERCPU_PAGES 4
/* A variable of which each CPU has its own copy (kernel.ld). */
#define PERCPU __attribute__((section(".percpu")))
#define PAGE_SIZE 4096ull
#define P2V(pa) ((void *)((uintptr_t)(pa) + PHYS_BASE))
#define V2P(va) ((uint64_t)(uintptr_t)(va)-PHYS_BASE)

/* Exit code of a fatal exception or panic: QEMU's status is (3 << 1) | 1. */
#define EXIT_PANIC 3

/* The PVH start_info block (Xen's hvm_start_info, version 1). */
#define PVH_MAGIC 0x336ec578
struct pvh_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries, reserved;
};
struct pvh_module {
	uint64_t paddr, size, cmdline_paddr, reserved;
};
struct pvh_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved; /* type 1: usable RAM */
};

/* A usable RAM range, copied out of the boot information by hal_init. */
struct ram_range {
	uint64_t start, end;
};
#define MAX_RAM_RANGES 32
extern struct ram_range ram[MAX_RAM_RANGES];
extern int nram;

extern char boot_stack[];   /* boot.S: the kernel stack, 64 KiB */
extern uint32_t boot_info;  /* boot.S: physical address of start_info, or
			       of the multiboot2 information */
extern uint32_t boot_proto; /* boot.S: which entry was taken */
#define BOOT_PVH 0
#define BOOT_MB2 1
extern char __kernel_phys_start[], __text_start[], __rodata_start[],
	__data_start[], __kernel_end[]; /* kernel.ld */

/* serial.c */
void serial_init(void);
void serial_putc(char c);
bool serial_ready(void);
int serial_getc(void);
/* Input interrupts: the receive line on (false if it cannot be routed);
 * the interrupt handler; moving received bytes into the input buffer. */
bool serial_irq_init(void);
void serial_interrupt(void);
size_t serial_take(char *buf, size_t len);

/* kprintf.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* symbols.c: kernel addresses as "name+0xoff"; the backtrace of
 * exception reports and panics. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *off);
void print_symbol(uintptr_t addr);
void backtrace(uint64_t rbp);

/* gdt.c, idt.c: gdt_init_cpu(n) gives CPU n (0: the boot CPU) its own
 * GDT, TSS and IST stacks; idt_load loads the one IDT on an AP. */
void gdt_init_cpu(unsigned cpu);
void idt_init(void);
void idt_load(void);

/* smp.c: the other CPUs started and parked (after irq_init); how many
 * CPUs are up, this one included; CPU n's local APIC id. */
void smp_init(void);
unsigned smp_online(void);
uint32_t smp_apic_id(unsigned cpu);

/* cpu.c: this CPU's number (0: the boot CPU; set by cpu_set_id once its
 * window is mapped), the memory lock and TLB shootdown, inter-processor
 * interrupts. */
unsigned cpu_id(void);
void cpu_set_id(unsigned id);
/* The memory lock: pmm.c, paging.c, vm.c and heap.c run under it. Taken
 * with interrupts off; the same CPU may take it again (a page fault in
 * code that holds it). While it spins it answers TLB shootdowns. */
void mm_lock(void);
void mm_unlock(void);
/* Under the memory lock: the mapping of page va lost rights or its
 * frame; flushed here at once, and on every other running CPU before
 * the lock is released. */
void tlb_invalidate(uintptr_t va);
/* This CPU now runs kernel threads (hal_cpu_start): it takes part in
 * TLB shootdowns. */
void cpu_activate(void);
#define IPI_KICK_VECTOR 0xf0
#define IPI_TLB_VECTOR 0xf1
/* Called by trap() for the two vectors above, interrupts off. */
void cpu_ipi(unsigned vector);
/* smp.c: true if the command line let the kernel use the APs ("smp"). */
extern bool smp_enabled;

/* pmm.c: pmm_init keeps its bitmap out of [avoid_lo, avoid_hi). */
void pmm_init(uint64_t avoid_lo, uint64_t avoid_hi);
uint64_t pmm_alloc(void);
uint64_t pmm_try_alloc(void);
uint64_t pmm_alloc_contig(uint64_t n); /* n pages in a row; 0: none */
void pmm_free(uint64_t pa);
uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);
void pmm_reserve(uint64_t start, uint64_t end);

/* paging.c */
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_FRAME 0x000ffffffffff000ull
extern uint64_t pte_nx;
void paging_init(void);
/* Page tables for another CPU: the kernel's, but with a per-CPU window of
 * its own (zeroed); returns the CR3 to load, 0 when out of memory. */
uint64_t paging_cpu_tables(unsigned cpu);
/* CPU cpu's copy of the per-CPU variable at local (its window through
 * the direct map). */
void *percpu_remote(unsigned cpu, void *local);
uint64_t *paging_walk(uintptr_t va, bool create);
bool paging_mapped(uintptr_t va);
/* Maps physical [pa, pa + len) into the VM area, read-only unless
 * PTE_W is in flags (PTE_PCD | PTE_PWT: uncached, for device registers);
 * returns the address of pa, or NULL when out of memory. Never unmapped. */
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
void *map_phys(uint64_t pa, uint64_t len, uint64_t flags);

/* vm.c */
void *vm_reserve(size_t len);
bool vm_protect(void *addr, size_t len, int prot);
bool vm_discard(void *addr, size_t len);
bool vm_commit(void *addr, size_t len);
bool vm_back(void *addr, size_t len);
void vm_release(void *addr, size_t len);
size_t vm_region_size(void *addr);
enum vm_fault { VM_FAULT_BAD, VM_FAULT_OK, VM_FAULT_NO_MEMORY };
enum vm_fault vm_fault(uintptr_t addr, uint64_t error);

/* heap.c: kmalloc, kzalloc, kfree, krealloc (hal.h) */

/* clock.c */
void clock_init(void);
uint64_t clock_tsc_hz(void);

/* timer.c: the local APIC timer (hal_timer_start). Vectors 32-47 are the
 * masked legacy PICs' (spurious IRQs 7 and 15 can still arrive). */
#define TIMER_VECTOR 0x40
#define SPURIOUS_VECTOR 0xff
void timer_init(void);
uint64_t timer_hz(void);
void timer_interrupt(void);
void apic_eoi(void);
uint32_t apic_id(void);
uint64_t timer_period(void);
/* On an AP: its local APIC enabled, its timer masked. */
void apic_enable_local(void);
/* Sends the IPI `low` (ICR bits 0-19) to the local APIC with id dest and
 * waits until it is accepted. */
void apic_send_ipi(uint32_t dest, uint32_t low);

/* irq.c: ISA interrupt lines through the I/O APIC, at vectors
 * IRQ_VECTOR + line; the serial console's receive line. */
#define IRQ_VECTOR 0x50
#define IRQ_LINES 16
#define SERIAL_IRQ 4
void irq_init(void);
void irq_interrupt(unsigned line);
/* Routes line to the CPU for the HAL itself; false without an I/O APIC. */
bool irq_route(unsigned line);
/* Makes line level-triggered (a PCI INTx line, pci.c), active high. */
void irq_set_level(unsigned line);
/* Calls the notify function of hal_irq_set_notify (interrupt context). */
void irq_notify(void);

/* pci.c: enumeration and BAR assignment; msi.c: MSI vectors
 * MSI_VECTOR..MSI_VECTOR+31 and their handler. */
void pci_init(void);
void pci_print(void); /* one line per function (the boot summary) */
#define MSI_VECTOR 0x70
#define MSI_COUNT 32
void msi_interrupt(unsigned n);

/* context.c: the running context's console input (hal.c): a buffer
 * read instead of the serial port when set. */
struct console_input {
	const char *buf;
	size_t len;
	bool set;
};
struct console_input *context_input(void);

/* bootinfo.c: the loader's information (PVH or multiboot2), copied by
 * read_boot_info before pmm_init. */
void read_boot_info(void);
const char *boot_loader_name(void);
const char *boot_cmdline(void);
/* The boot archive (the first PVH module, QEMU's -initrd, or the first
 * multiboot2 module), in the direct map; false if the boot loader passed
 * none. Its pages stay reserved. */
bool boot_module(const void **data, size_t *len);
void boot_module_range(uint64_t *start, uint64_t *end);
bool boot_rsdp(const void **copy, size_t *len, uint64_t *pa);

/* acpi.c: the ACPI tables read once by acpi_init (after paging_init):
 * the MADT's I/O APICs and ISA overrides, the FADT's power-off. Tables
 * with a wrong checksum or length are reported and skipped. */
#define ACPI_MAX_IOAPICS 4
struct acpi_ioapic {
	uint64_t addr;
	uint32_t gsi_base;
	uint8_t id;
};
/* Where ISA line n arrives: its GSI, polarity and trigger mode. */
struct acpi_isa_irq {
	uint32_t gsi;
	bool active_low, level;
};
extern struct acpi_ioapic acpi_ioapics[ACPI_MAX_IOAPICS];
extern int acpi_nioapics; /* 0: none found (irq.c then probes) */
extern struct acpi_isa_irq acpi_isa[16];
extern int acpi_ncpus; /* enabled local APICs in the MADT; 0 unknown */
#define MAX_CPUS 16
extern uint32_t acpi_apic_ids[MAX_CPUS]; /* their APIC ids */
void acpi_init(void);
/* Enters S5 through the FADT's PM1 control registers; returns if there
 * is no way (no FADT) or the machine is still running. */
void acpi_poweroff(void);
/* True if [base, base + count) overlaps the ports ACPI power-off uses. */
bool acpi_ports_used(uint32_t base, uint32_t count);
/* A line for the memory summary: where the RSDP came from, and more. */
void acpi_summary(void);
/* The RSDP's address found by scanning the BIOS areas, or 0. */
uint64_t acpi_bios_rsdp(void);
/* As acpi_init, from the RSDP in rsdp[0..len) ("from" names it). */
void acpi_read_rsdp(const void *rsdp, size_t len, const char *from);
void acpi_selftest(void);  /* acpitest.c: test=acpi */
void level_selftest(void); /* irqtest.c: test=level */
void smp_selftest(void);   /* smptest.c: test=smp */

/* kmain.c: true if the command line holds the word w. */
bool cmdline_has(const char *w);

/* hal.c */
/* Console multiplexing for `nebulet boot` (command line "console=mux"):
 * see serial.c. */
extern bool console_mux;
void console_select(int stream);
void console_exit_record(int status);

#endif
