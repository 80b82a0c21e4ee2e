/*
 * device.h: device objects and the kernel's side of interrupts (device.c):
 * I/O-port ranges and interrupt lines that the boot init gives drivers,
 * the console's input wait, and what the scheduler asks while idle.
 */
#ifndef KERNEL_DEVICE_H
#define KERNEL_DEVICE_H

#include "kernel/object.h"

/* Ports [base, base + count) for one driver. */
struct ioport {
	struct kobj o;
	uint32_t base, count;
};

/* One interrupt line, bound to this object alone while it lives: an
 * ISA line (msi < 0; a PCI function's INTx too) or an MSI-X vector (the
 * HAL's vector msi, programmed into entry `entry` of dev's table). */
struct interrupt {
	struct kobj o;
	uint32_t line;
	int msi;
	struct pcidev *dev; /* MSI-X: holds a reference */
	uint32_t entry;
};

/* One PCI function (the HAL's number idx), bound to this object alone
 * while it lives (kernel/pci.c). */
struct pcidev {
	struct kobj o;
	unsigned idx;
	uint8_t msi_cap, msix_cap; /* capability offsets, 0: none */
	uint8_t msix_bar;	   /* the BAR of the MSI-X table */
	uint32_t msix_off, msix_n; /* table offset in it, entries */
	uint8_t pba_bar;
	uint32_t pba_off;
	hal_shm *msix;	     /* the kernel's view of the table */
	uint32_t msix_users; /* live interrupt objects on it */
};

/* Installs the interrupt notification and the console's input wait
 * (hal.h); the boot init calls it before running anything. */
void device_init(void);
/* Turns the interrupts that came since the last call into signals. */
void device_poll(void);
/* True if some thread waits for an interrupt (so waiting forever is no
 * deadlock while interrupts can come). */
bool device_waiting(void);

/* INVALID_ARGS (count 0, past port 0xffff), NOT_SUPPORTED (the HAL
 * keeps them, or no ports: hosted), NO_MEMORY. */
nb_status ioport_create(uint32_t base, uint32_t count, struct ioport **out);
/* INVALID_ARGS (line > 31), BAD_STATE (already bound), NOT_SUPPORTED
 * (the HAL keeps the line or has none), NO_MEMORY. Unmasks the line. */
nb_status interrupt_create(uint32_t line, struct interrupt **out);
void ioport_destroy(struct ioport *p);
void interrupt_destroy(struct interrupt *i);

/* kernel/pci.c. The idx-th function (from 0) whose IDs are vendor:device
 * (hal.h's numbering), or -1. */
int pcidev_find(uint16_t vendor, uint16_t device, unsigned nth);
/* BAD_STATE (another object has it), NOT_SUPPORTED (no such function:
 * hosted), NO_MEMORY. */
nb_status pcidev_create(int idx, struct pcidev **out);
void pcidev_destroy(struct pcidev *d);
/* An interrupt object for MSI vector n (hal_msi_alloc), which the
 * object frees; INVALID_ARGS, NO_MEMORY. */
nb_status interrupt_create_msi(int n, struct interrupt **out);
/* An interrupt object for MSI-X entry `vector` of d, or its INTx line
 * (NB_PCI_INTX); statuses as the call pci_interrupt's. */
nb_status pcidev_interrupt(struct pcidev *d, uint32_t vector,
			   struct interrupt **out);
/* Masks an MSI-X interrupt's table entry (pci.c, from interrupt_destroy). */
void pcidev_msix_release(struct interrupt *i);

#endif
