/*
 * virtio_native.h: the device access of virtio_pci.h for a driver
 * compiled into the kernel (vblk_native.c): configuration space through
 * the HAL, memory BARs mapped uncached for the kernel, and what such a
 * driver's start shares: its startup handles sorted, its interrupt.
 */
#ifndef VIRTIO_NATIVE_H
#define VIRTIO_NATIVE_H

#include "drivers/native/serve_native.h"
#include "drivers/virtio/virtio_pci.h"
#include "kernel/device.h"

struct vio_native {
	struct pcidev *dev; /* retained while the driver runs */
	struct interrupt *irq;
	bool intx; /* irq is the INTx line, not MSI-X entry 0 */
	hal_shm *bar[HAL_PCI_BARS];
};

/* vio_ops' cfg_read, cfg_write and bar for ctx a struct vio_native. */
uint32_t vio_native_cfg_read(void *ctx, unsigned off, unsigned width);
void vio_native_cfg_write(void *ctx, unsigned off, unsigned width, uint32_t v);
volatile uint8_t *vio_native_bar(void *ctx, unsigned i, uint32_t *len);

/* Takes the PCI device and the listener (into s) from the startup
 * handles h[n], and the device's interrupt: MSI-X entry 0, else INTx.
 * INVALID_ARGS if a handle is missing, NOT_SUPPORTED without an
 * interrupt. Nothing is retained but the interrupt. */
nb_status vio_native_setup(struct vio_native *io, struct nserve *s,
			   const struct khandle *h, uint32_t n);
/* After the interrupt: acknowledged (an INTx line unmasked, an MSI is
 * never masked). */
void vio_native_ack(struct vio_native *io);
/* Unmaps the BARs mapped. */
void vio_native_drop(struct vio_native *io);

#endif
