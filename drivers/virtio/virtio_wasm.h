/*
 * virtio_wasm.h: the device access of virtio_pci.h for a wasm driver,
 * through the SDK's PCI calls (nebulet_calls.h) on a PCI device handle
 * with READ and WRITE: BARs and DMA memory are mapped into the
 * program's linear memory (pages from aligned_alloc, never freed).
 */
#ifndef VIRTIO_WASM_H
#define VIRTIO_WASM_H

#include "nebulet.h"
#include "virtio_pci.h"

struct vio_wasm {
	nb_handle dev;
	volatile uint8_t *bar[6]; /* mapped so far */
	uint32_t bar_len[6];
	nb_status err; /* the last call that failed */
	/* When set, the DMA memory object of each dma call is kept open
	 * in last_dma (to lend it), else closed (the mapping holds it). */
	bool keep_dma;
	nb_handle last_dma;
};

extern const struct vio_ops vio_wasm_ops;

#endif
