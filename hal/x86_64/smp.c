/*
 * smp.c: starting the application processors (APs). Each AP comes up on
 * page tables of its own (the kernel's with its own per-CPU window,
 * paging.c), takes its own GDT, TSS and IST stacks (gdt.c), the shared
 * IDT and its local APIC, reports itself online and parks (halted,
 * taking only IPIs) until hal_cpu_start gives it the kernel's function
 * to run; `cpu: N of M CPUs online` in the memory summary says how many
 * answered. The kernel uses every one of them unless the command line
 * says "nosmp" (hal_cpu_count is 1 then, and the APs stay parked).
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
#define AP_STACK 65536
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
static uint64_t started_cr3;	  /* ... and its page tables */
static unsigned online = 1;	  /* CPUs up, the boot CPU included */
static uint32_t apic_ids[MAX_CPUS];
static void (*volatile start_fn)(void); /* hal_cpu_start's */
bool smp_enabled;

/* Spins for ns nanoseconds. */
static void delay_ns(uint64_t ns)
{
	uint64_t end = hal_clock_monotonic_ns() + ns;
	while (hal_clock_monotonic_ns() < end)
		__asm__ volatile("pause");
}

/* An AP, on its own stack with the kernel's page tables: its own
 * tables, descriptor tables and local APIC, then online, then parked
 * until hal_cpu_start (for good if the kernel never calls it). */
static _Noreturn void ap_main(void)
{
	unsigned cpu = started;
	write_cr3(started_cr3);
	cpu_set_id(cpu);
	gdt_init_cpu(cpu);
	idt_load();
	apic_enable_local();
	__atomic_store_n(&started, 0, __ATOMIC_RELEASE);
	while (!start_fn)
		__asm__ volatile("sti; hlt; cli");
	cpu_activate();
	__asm__ volatile("sti");
	start_fn();
	panic("smp: the kernel's CPU function returned");
}

/* Starts the AP whose local APIC id is id as CPU number cpu; true if it
 * came online. */
static bool start_ap(uint32_t id, unsigned cpu, struct ap_params *params)
{
	char *stack = kmalloc(AP_STACK);
	if (!stack || !(started_cr3 = paging_cpu_tables(cpu)))
		return false;
	apic_ids[cpu] = id;
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
	cpu_set_id(0);
	apic_ids[0] = apic_id();
	smp_enabled = !cmdline_has("nosmp");
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

uint32_t smp_apic_id(unsigned cpu)
{
	return apic_ids[cpu];
}

/* Every AP but the boot CPU leaves its park for fn (hal.h). */
void hal_cpu_start(void (*fn)(void))
{
	if (hal_cpu_count() <= 1 || start_fn)
		return;
	cpu_activate(); /* this CPU takes part in shootdowns from now on */
	start_fn = fn;
	for (unsigned c = 1; c < online; c++)
		apic_send_ipi(apic_ids[c], IPI_KICK_VECTOR);
}
