/*
 * timer.c: hal_timer_start on the local APIC's timer.
 *
 * The legacy PICs stay masked (idt.c); the local APIC, found through the
 * IA32_APIC_BASE MSR and mapped uncached into the VM area, is enabled with
 * a spurious vector. Its timer counts the bus clock divided by 16; the
 * rate is measured once, against the TSC (clock.c, itself calibrated
 * against the PIT), over 2 ms. In periodic mode it raises TIMER_VECTOR
 * every period; the handler (timer_interrupt, called by trap() with
 * interrupts off, compiled without SSE like all the HAL) calls the tick
 * function, which may only set flags, and acknowledges the interrupt. It
 * never switches contexts: the kernel switches at the next safe point.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define MSR_APIC_BASE 0x1b
#define APIC_ENABLE (1u << 11)
#define REG_EOI 0x0b0
#define REG_SVR 0x0f0
#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define ICR_PENDING (1u << 12)
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_COUNT 0x390
#define REG_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define DIV_16 0x3
#define CAL_NS 2000000ull /* calibration: 2 ms */

static volatile uint32_t *apic; /* the registers; NULL: no APIC */
static uint64_t apic_hz;	/* timer counts per second */
static void (*tick_fn)(void);
static uint64_t period; /* ns between ticks; 0: stopped */

static uint32_t apic_read(unsigned reg)
{
	return apic[reg / 4];
}

static void apic_write(unsigned reg, uint32_t v)
{
	apic[reg / 4] = v;
}

/* Spins for ns nanoseconds of the TSC-based clock. */
static void spin_ns(uint64_t ns)
{
	uint64_t t0 = hal_clock_monotonic_ns();
	while (hal_clock_monotonic_ns() - t0 < ns)
		__asm__ volatile("pause");
}

/* Maps the APIC's registers, enables it with the spurious vector and
 * measures its timer. Without an APIC (CPUID), timers are unavailable. */
void timer_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (!(d & (1u << 9))) {
		kprintf("timer: no local APIC; no preemption\n");
		return;
	}
	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_ENABLE);
	apic = map_phys(base & PTE_FRAME, PAGE_SIZE, PTE_W | PTE_PCD | PTE_PWT);
	if (!apic)
		panic("timer: cannot map the local APIC");
	apic_write(REG_SVR, 0x100 | SPURIOUS_VECTOR);
	apic_write(REG_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	apic_write(REG_TIMER_DIV, DIV_16);
	apic_write(REG_TIMER_INIT, 0xffffffff);
	spin_ns(CAL_NS);
	uint32_t left = apic_read(REG_TIMER_COUNT);
	apic_write(REG_TIMER_INIT, 0);
	apic_hz = (uint64_t)(0xffffffffu - left) * (1000000000ull / CAL_NS);
	if (!apic_hz)
		apic = NULL;
}

uint64_t timer_hz(void)
{
	return apic_hz;
}

/* Acknowledges the interrupt being handled (the timer's or a device's). */
void apic_eoi(void)
{
	if (apic)
		apic_write(REG_EOI, 0);
}

/* On an AP: the same registers (each CPU sees its own local APIC at the
 * same address) enabled with the spurious vector, the timer masked. */
void apic_enable_local(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	wrmsr(MSR_APIC_BASE, base | APIC_ENABLE);
	apic_write(REG_SVR, 0x100 | SPURIOUS_VECTOR);
	apic_write(REG_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
}

/* Writes the ICR (destination first: the low half sends) and waits for
 * the delivery status to clear. */
void apic_send_ipi(uint32_t dest, uint32_t low)
{
	apic_write(REG_ICR_HI, dest << 24);
	apic_write(REG_ICR_LO, low);
	while (apic_read(REG_ICR_LO) & ICR_PENDING)
		__asm__ volatile("pause");
}

/* This CPU's local APIC id (where device interrupts are sent). */
uint32_t apic_id(void)
{
	return apic ? apic_read(0x020) >> 24 : 0;
}

/* The running timer's period in ns (0: stopped, interrupts may be off). */
uint64_t timer_period(void)
{
	return period;
}

/* Called by trap() for TIMER_VECTOR, interrupts off. */
void timer_interrupt(void)
{
	if (tick_fn)
		tick_fn();
	apic_write(REG_EOI, 0);
}

/*
 * Starts (or, with period 0 or no tick, stops) the periodic timer. The
 * first start enables interrupts; they stay enabled, since nothing else
 * is unmasked. The period is taken in whole microseconds; one too long
 * for the 32-bit count is cut to the most it can count.
 */
void hal_timer_start(uint64_t period_ns, void (*tick)(void))
{
	if (!apic)
		return;
	if (!period_ns || !tick) {
		apic_write(REG_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
		apic_write(REG_TIMER_INIT, 0);
		tick_fn = NULL;
		period = 0;
		return;
	}
	uint64_t n = period_ns / 1000 * apic_hz / 1000000; /* us * Hz */
	uint32_t count = n == 0		   ? 1
			 : n > 0xffffffffu ? 0xffffffffu
					   : (uint32_t)n;
	tick_fn = tick;
	period = period_ns;
	apic_write(REG_TIMER_DIV, DIV_16);
	apic_write(REG_LVT_TIMER, LVT_PERIODIC | TIMER_VECTOR);
	apic_write(REG_TIMER_INIT, count);
	__asm__ volatile("sti");
}
