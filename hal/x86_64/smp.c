/*
 * smp.c: starting the application processors (APs), the first step to
 * SMP. For now each AP comes up, takes its own GDT, TSS and IST stacks
 * (gdt.c), the shared IDT and its local APIC, reports itself online and
 * parks (interrupts off, halted): the kernel still runs on the boot CPU
 * alone, and `cpu: N of M CPUs online` in the memory summary says how
 * many answered.
 *
 * The boot CPU starts the MADT's enabled local APICs one at a time
 * (Intel's INIT-SIPI-SIPI): INIT, 10 ms, startup IPI with vector 0x08
 * (the trampoline at AP_TRAMP, ap.S), 200 us, a second startup IPI if
 * the AP has not answered yet, then up to a second for it to set
 * `started`. The trampoline's page is mapped at its own address only
 * while APs start; the lower half is empty again afterwards.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define AP_TRAMP 0x8000ull
#define AP_STACK 16384
#define MSR_EFER 0xc0000080
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)
#define ICR_INIT 0x4500u
#define ICR_STARTUP 0x4600u

struct ap_params { /* ap.S's ap_tramp_params */
	uint32_t cr3, efer;
	uint64_t stack, entry;
};

extern const char ap_tramp[], ap_tramp_end[], ap_tramp_params[];

static volatile unsigned started; /* the AP now starting: its index */
static unsigned online = 1;	  /* CPUs up, the boot CPU included */

/* Spins for ns nanoseconds. */
static void delay_ns(uint64_t ns)
{
	uint64_t end = hal_clock_monotonic_ns() + ns;
	while (hal_clock_monotonic_ns() < end)
		__asm__ volatile("pause");
}

/* An AP, on its own stack with the kernel's page tables: its descriptor
 * tables and local APIC, then online, then parked for good. */
static _Noreturn void ap_main(void)
{
	unsigned cpu = started;
	gdt_init_cpu(cpu);
	idt_load();
	apic_enable_local();
	__atomic_store_n(&started, 0, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Starts the AP whose local APIC id is id as CPU number cpu; true if it
 * came online. */
static bool start_ap(uint32_t id, unsigned cpu, struct ap_params *params)
{
	char *stack = kmalloc(AP_STACK);
	if (!stack)
		return false;
	params->stack = (uint64_t)(uintptr_t)(stack + AP_STACK);
	__atomic_store_n(&started, cpu, __ATOMIC_RELEASE);
	apic_send_ipi(id, ICR_INIT);
	delay_ns(10000000);
	for (int i = 0; i < 2 && started; i++) {
		apic_send_ipi(id, ICR_STARTUP | (uint32_t)(AP_TRAMP >> 12));
		delay_ns(200000);
	}
	uint64_t end = hal_clock_monotonic_ns() + 1000000000ull;
	while (__atomic_load_n(&started, __ATOMIC_ACQUIRE) &&
	       hal_clock_monotonic_ns() < end)
		__asm__ volatile("pause");
	if (!started)
		return true;
	kprintf("smp: CPU with APIC id %u did not start\n", id);
	started = 0; /* its stack stays: it might still wake up */
	return false;
}

/* Starts every enabled CPU of the MADT but this one (those with an
 * xAPIC id: below 255). Needs the heap, the clock and the local APIC
 * (timer_init). An AP allocates while this CPU only waits for it, so
 * the heap needs no lock yet. */
void smp_init(void)
{
	if (acpi_ncpus <= 1 || !timer_hz() || read_cr3() >> 32)
		return;
	uint64_t *pte = paging_walk(AP_TRAMP, true);
	if (!pte)
		return;
	memcpy(P2V(AP_TRAMP), ap_tramp, (size_t)(ap_tramp_end - ap_tramp));
	struct ap_params *params =
		P2V(AP_TRAMP + (uint64_t)(ap_tramp_params - ap_tramp));
	params->cr3 = (uint32_t)read_cr3();
	params->efer = EFER_LME | (pte_nx ? EFER_NXE : 0);
	params->entry = (uint64_t)(uintptr_t)ap_main;
	*pte = AP_TRAMP | PTE_P | PTE_W;
	invlpg(AP_TRAMP);
	uint32_t self = apic_id();
	for (int i = 0; i < acpi_ncpus && online < MAX_CPUS; i++)
		if (acpi_apic_ids[i] != self && acpi_apic_ids[i] < 0xff &&
		    start_ap(acpi_apic_ids[i], online, params))
			online++;
	*pte = 0;
	invlpg(AP_TRAMP);
}

unsigned smp_online(void)
{
	return online;
}
