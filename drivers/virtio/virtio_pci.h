/*
 * virtio_pci.h: the virtio 1.x transport over PCI (modern devices,
 * VIRTIO_F_VERSION_1) and split virtqueues, written once for both
 * builds of a driver: a wasm program (the device reached through SDK
 * calls, virtio_wasm.c) and the kernel (virtio_native.c). The includer
 * hands it a struct vio_ops, the tiny interface to the device: its
 * configuration space, its memory BARs mapped, and DMA memory.
 *
 * Use: virtio_open (capabilities found, device reset, ACKNOWLEDGE and
 * DRIVER set), virtio_negotiate, virtio_queue_setup for each queue,
 * virtio_ready; then vq_add + vq_kick per request, vq_used for each
 * completion (after an interrupt: MSI-X entry, or INTx with
 * virtio_isr). Not thread-safe; one request chain at most VQ_MAX_CHAIN
 * buffers. Device memory is little-endian, as x86 and wasm are.
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_NO_VECTOR 0xffff
#define VQ_MAX_SIZE 256
#define VQ_MAX_CHAIN 8

/* Device status bits. */
#define VIRTIO_ACKNOWLEDGE 1
#define VIRTIO_DRIVER 2
#define VIRTIO_DRIVER_OK 4
#define VIRTIO_FEATURES_OK 8
#define VIRTIO_FAILED 128

struct vio_ops {
	/* Configuration register at off (width 1, 2 or 4); ~0 on error. */
	uint32_t (*cfg_read)(void *ctx, unsigned off, unsigned width);
	/* The command register (bus mastering on, after a reset). */
	void (*cfg_write)(void *ctx, unsigned off, unsigned width, uint32_t v);
	/* Memory BAR index mapped uncached (NULL if it cannot be); *len
	 * gets its mapped size. */
	volatile uint8_t *(*bar)(void *ctx, unsigned index, uint32_t *len);
	/* len bytes of zeroed DMA memory (a page multiple), *phys its bus
	 * address; NULL if none. */
	void *(*dma)(void *ctx, uint32_t len, uint64_t *phys);
};

/* One split virtqueue (in DMA memory the device reads and writes). */
struct vq {
	uint16_t index, size, free_head, nfree, last_used, msix;
	uint64_t phys; /* the rings' DMA memory: bus address, bytes */
	uint32_t len;
	uint16_t next[VQ_MAX_SIZE]; /* free list of descriptors */
	volatile struct vq_desc {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} * desc;
	volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
	volatile uint32_t *used;  /* flags|idx, then {id, len}[size] */
	volatile uint16_t *notify;
};

struct virtio {
	const struct vio_ops *ops;
	void *ctx;
	volatile uint8_t *common, *notify_base, *isr, *device;
	uint32_t notify_mult, device_len;
	uint64_t features; /* negotiated */
};

/* A buffer of a request: bus address, length, whether the device
 * writes it (else reads it). */
struct vq_buf {
	uint64_t phys;
	uint32_t len;
	bool device_writes;
};

/* Walks the capabilities, maps the structures, resets the device, turns
 * memory space and bus mastering on (the kernel turns mastering off when
 * a driver's DMA memory goes) and sets ACKNOWLEDGE | DRIVER. 0, or -1
 * when a structure is missing or the reset never ends. */
int virtio_open(struct virtio *v, const struct vio_ops *ops, void *ctx);
/* Resets the device, turns memory space and bus mastering on and sets
 * ACKNOWLEDGE | DRIVER (virtio_open's last step; again to start over);
 * 0, or -1 if the reset never ended. */
int virtio_restart(struct virtio *v);
/* Accepts wanted & offered features, VERSION_1 always (which the device
 * must offer) and sets FEATURES_OK; 0, or -1 (device refused). */
int virtio_negotiate(struct virtio *v, uint64_t wanted);
/* Sets up queue index with at most max_size entries, interrupts to
 * MSI-X entry msix (VIRTIO_NO_VECTOR: INTx); 0, or -1. */
int virtio_queue_setup(struct virtio *v, struct vq *q, uint16_t index,
		       uint16_t max_size, uint16_t msix);
/* After a reset (and negotiation again): the same queue set up anew on
 * its memory, emptied; 0, or -1. */
int virtio_queue_restart(struct virtio *v, struct vq *q);
void virtio_ready(struct virtio *v);
/* Writes 0 to device status: the device forgets queues and features
 * (and stops using their memory) once status reads 0 again; -1 if it
 * does not within a bounded number of reads (a dead device). */
int virtio_reset(struct virtio *v);
/* Reads (and so clears) the ISR status: bit 0 a queue, bit 1 config. */
uint8_t virtio_isr(struct virtio *v);
/* Device-specific configuration register at off (width 1, 2 or 4). */
uint32_t virtio_config(struct virtio *v, unsigned off, unsigned width);

/* Queues a chain of n buffers; its head's id, or -1 when the queue is
 * full. Then vq_kick tells the device. */
int vq_add(struct vq *q, const struct vq_buf *bufs, unsigned n);
void vq_kick(struct vq *q);
/* Takes one completed chain: true with its head id and the bytes the
 * device wrote, false when none has completed. */
bool vq_used(struct vq *q, uint16_t *id, uint32_t *len);
/* Whether a completed chain waits for vq_used. */
bool vq_pending(const struct vq *q);

#endif
