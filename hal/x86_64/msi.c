/*
 * msi.c: MSI and MSI-X vectors (the MSI part of hal.h). Vector n is the
 * local APIC's MSI_VECTOR + n on this CPU, fixed delivery, edge: the
 * message a device writes is data MSI_VECTOR + n at address 0xfee00000
 * with the APIC id in bits 12-19. The handler records it for
 * hal_msi_take and calls the kernel's notify function; nothing needs
 * masking, since an MSI is one message, not a level.
 */
#include "hal/x86_64/arch.h"
#include "hal/hal.h"
#include "hal/x86_64/x86.h"

#define MSI_ADDR 0xfee00000ull

static uint32_t used;
static volatile uint32_t pending;

int hal_msi_alloc(uint64_t *addr, uint32_t *data)
{
	uint64_t f = irq_save();
	for (unsigned n = 0; n < MSI_COUNT; n++) {
		if (used & (1u << n))
			continue;
		used |= 1u << n;
		__atomic_and_fetch(&pending, ~(1u << n), __ATOMIC_SEQ_CST);
		irq_restore(f);
		*addr = MSI_ADDR | (uint64_t)(apic_id() & 0xff) << 12;
		*data = MSI_VECTOR + n;
		return (int)n;
	}
	irq_restore(f);
	return -1;
}

/* The device must no longer send vector n's message. */
void hal_msi_free(int n)
{
	uint64_t f = irq_save();
	if (n >= 0 && n < MSI_COUNT) {
		used &= ~(1u << n);
		__atomic_and_fetch(&pending, ~(1u << n), __ATOMIC_SEQ_CST);
	}
	irq_restore(f);
}

/* One xchg: the handler cannot come between the read and the clear. */
uint32_t hal_msi_take(void)
{
	return __atomic_exchange_n(&pending, 0, __ATOMIC_SEQ_CST);
}

/* Called by trap() for vectors MSI_VECTOR + n, interrupts off. */
void msi_interrupt(unsigned n)
{
	if (used & (1u << n)) {
		__atomic_or_fetch(&pending, 1u << n, __ATOMIC_SEQ_CST);
		irq_notify();
	}
	apic_eoi();
}
