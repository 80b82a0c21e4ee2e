/*
 * virtio_pci.c: the virtio 1.x PCI transport and split virtqueues
 * (virtio_pci.h). Depends on nothing but its header and the device
 * access of struct vio_ops, so the same file builds into a wasm driver
 * and into the kernel.
 *
 * The device's structures are found through its vendor-specific PCI
 * capabilities (id 0x09): common configuration, notifications, ISR
 * status and device configuration, each a (BAR, offset, length) window.
 * Registers are accessed through volatile pointers of their own width
 * (64-bit fields as two 32-bit halves, as the spec allows).
 */
#include "virtio_pci.h"

#define CAP_VENDOR 0x09
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4
#define RESET_POLLS 1000000 /* status reads a reset may take */

/* Common configuration offsets. */
#define C_DFSELECT 0x00
#define C_DF 0x04
#define C_GFSELECT 0x08
#define C_GF 0x0c
#define C_MSIX 0x10
#define C_STATUS 0x14
#define C_Q_SELECT 0x16
#define C_Q_SIZE 0x18
#define C_Q_MSIX 0x1a
#define C_Q_ENABLE 0x1c
#define C_Q_NOFF 0x1e
#define C_Q_DESC 0x20
#define C_Q_AVAIL 0x28
#define C_Q_USED 0x30

#define DESC_NEXT 1
#define DESC_WRITE 2
#define PAGE 4096u

#define fence() __atomic_signal_fence(__ATOMIC_SEQ_CST)

static void w8(volatile uint8_t *b, unsigned off, uint8_t v)
{
	b[off] = v;
}
static void w16(volatile uint8_t *b, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(b + off) = v;
}
static void w32(volatile uint8_t *b, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(b + off) = v;
}
static void w64(volatile uint8_t *b, unsigned off, uint64_t v)
{
	w32(b, off, (uint32_t)v);
	w32(b, off + 4, (uint32_t)(v >> 32));
}
static uint8_t r8(volatile uint8_t *b, unsigned off)
{
	return b[off];
}
static uint16_t r16(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint16_t *)(b + off);
}
static uint32_t r32(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint32_t *)(b + off);
}

/* The window a capability at cap describes, or NULL (its BAR cannot be
 * mapped, or the window lies outside it). */
static volatile uint8_t *cap_window(struct virtio *v, unsigned cap,
				    uint32_t *len)
{
	unsigned bar = v->ops->cfg_read(v->ctx, cap + 4, 1);
	uint32_t off = v->ops->cfg_read(v->ctx, cap + 8, 4);
	uint32_t n = v->ops->cfg_read(v->ctx, cap + 12, 4), size;
	volatile uint8_t *base = bar < 6 ? v->ops->bar(v->ctx, bar, &size) : 0;

	if (!base || off > size || n > size - off)
		return 0;
	*len = n;
	return base + off;
}

int virtio_open(struct virtio *v, const struct vio_ops *ops, void *ctx)
{
	unsigned cap, guard = 0;
	uint32_t len;

	*v = (struct virtio){.ops = ops, .ctx = ctx};
	if (!(ops->cfg_read(ctx, 0x06, 2) & 0x10))
		return -1; /* no capability list */
	for (cap = ops->cfg_read(ctx, 0x34, 1) & 0xfc;
	     cap >= 0x40 && guard < 48;
	     cap = ops->cfg_read(ctx, cap + 1, 1) & 0xfc, guard++) {
		if (ops->cfg_read(ctx, cap, 1) != CAP_VENDOR)
			continue;
		switch (ops->cfg_read(ctx, cap + 3, 1)) {
		case CFG_COMMON:
			if (!v->common)
				v->common = cap_window(v, cap, &len);
			break;
		case CFG_NOTIFY:
			if (!v->notify_base) {
				v->notify_base = cap_window(v, cap, &len);
				v->notify_mult =
					ops->cfg_read(ctx, cap + 16, 4);
			}
			break;
		case CFG_ISR:
			if (!v->isr)
				v->isr = cap_window(v, cap, &len);
			break;
		case CFG_DEVICE:
			if (!v->device)
				v->device = cap_window(v, cap, &v->device_len);
			break;
		}
	}
	if (!v->common || !v->notify_base || !v->isr)
		return -1;
	return virtio_restart(v);
}

int virtio_restart(struct virtio *v)
{
	if (virtio_reset(v))
		return -1;
	v->ops->cfg_write(v->ctx, 0x04, 2,
			  v->ops->cfg_read(v->ctx, 0x04, 2) | 0x6);
	w8(v->common, C_STATUS, VIRTIO_ACKNOWLEDGE);
	w8(v->common, C_STATUS, VIRTIO_ACKNOWLEDGE | VIRTIO_DRIVER);
	return 0;
}

int virtio_reset(struct virtio *v)
{
	w8(v->common, C_STATUS, 0);
	for (uint32_t i = 0; i < RESET_POLLS; i++)
		if (r8(v->common, C_STATUS) == 0)
			return 0; /* the reset is done when status reads 0 */
	return -1;
}

int virtio_negotiate(struct virtio *v, uint64_t wanted)
{
	uint64_t offered;
	uint8_t st = r8(v->common, C_STATUS);

	w32(v->common, C_DFSELECT, 0);
	offered = r32(v->common, C_DF);
	w32(v->common, C_DFSELECT, 1);
	offered |= (uint64_t)r32(v->common, C_DF) << 32;
	if (!(offered & VIRTIO_F_VERSION_1))
		goto fail;
	v->features = (offered & wanted) | VIRTIO_F_VERSION_1;
	w32(v->common, C_GFSELECT, 0);
	w32(v->common, C_GF, (uint32_t)v->features);
	w32(v->common, C_GFSELECT, 1);
	w32(v->common, C_GF, (uint32_t)(v->features >> 32));
	w8(v->common, C_STATUS, st | VIRTIO_FEATURES_OK);
	if (r8(v->common, C_STATUS) & VIRTIO_FEATURES_OK)
		return 0;
fail:
	w8(v->common, C_STATUS, st | VIRTIO_FAILED);
	return -1;
}

int virtio_queue_setup(struct virtio *v, struct vq *q, uint16_t index,
		       uint16_t max_size, uint16_t msix)
{
	uint16_t size;
	uint32_t avail_off, used_off, len;
	uint64_t phys;
	uint8_t *mem;

	w16(v->common, C_Q_SELECT, index);
	size = r16(v->common, C_Q_SIZE);
	if (max_size > VQ_MAX_SIZE)
		max_size = VQ_MAX_SIZE;
	if (size > max_size)
		size = max_size;
	if (size == 0 || (size & (size - 1)))
		return -1;
	/* Descriptors, then the available ring, then (aligned) used. */
	avail_off = 16u * size;
	used_off = (avail_off + 6 + 2u * size + 3) & ~3u;
	len = (used_off + 6 + 8u * size + PAGE - 1) & ~(PAGE - 1);
	if (!(mem = v->ops->dma(v->ctx, len, &phys)))
		return -1;
	*q = (struct vq){.index = index, .size = size, .msix = msix};
	q->desc = (volatile struct vq_desc *)mem;
	q->avail = (volatile uint16_t *)(mem + avail_off);
	q->used = (volatile uint32_t *)(mem + used_off);
	q->phys = phys;
	q->len = len;
	return virtio_queue_restart(v, q);
}

int virtio_queue_restart(struct virtio *v, struct vq *q)
{
	uint32_t avail_off = (uint32_t)((volatile uint8_t *)q->avail -
					(volatile uint8_t *)q->desc);
	uint32_t used_off = (uint32_t)((volatile uint8_t *)q->used -
				       (volatile uint8_t *)q->desc);

	for (uint32_t i = 0; i < q->len; i++)
		((volatile uint8_t *)q->desc)[i] = 0;
	q->free_head = q->last_used = 0;
	q->nfree = q->size;
	for (uint16_t i = 0; i < q->size; i++)
		q->next[i] = (uint16_t)(i + 1);
	w16(v->common, C_Q_SELECT, q->index);
	q->notify = (volatile uint16_t *)(v->notify_base +
					  r16(v->common, C_Q_NOFF) *
						  v->notify_mult);
	w16(v->common, C_Q_SIZE, q->size);
	w16(v->common, C_Q_MSIX, q->msix);
	if (r16(v->common, C_Q_MSIX) != q->msix)
		return -1; /* the device took no such vector */
	w64(v->common, C_Q_DESC, q->phys);
	w64(v->common, C_Q_AVAIL, q->phys + avail_off);
	w64(v->common, C_Q_USED, q->phys + used_off);
	w16(v->common, C_Q_ENABLE, 1);
	return 0;
}

void virtio_ready(struct virtio *v)
{
	w16(v->common, C_MSIX, VIRTIO_NO_VECTOR);
	w8(v->common, C_STATUS, r8(v->common, C_STATUS) | VIRTIO_DRIVER_OK);
}

uint8_t virtio_isr(struct virtio *v)
{
	return r8(v->isr, 0);
}

uint32_t virtio_config(struct virtio *v, unsigned off, unsigned width)
{
	if (!v->device || off + width > v->device_len)
		return 0xffffffffu;
	if (width == 4)
		return r32(v->device, off);
	return width == 2 ? r16(v->device, off) : r8(v->device, off);
}

int vq_add(struct vq *q, const struct vq_buf *bufs, unsigned n)
{
	uint16_t head = q->free_head, d = head, idx;

	if (n == 0 || n > VQ_MAX_CHAIN || n > q->nfree)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		q->desc[d].addr = bufs[i].phys;
		q->desc[d].len = bufs[i].len;
		q->desc[d].flags =
			(uint16_t)((i + 1 < n ? DESC_NEXT : 0) |
				   (bufs[i].device_writes ? DESC_WRITE : 0));
		q->desc[d].next = q->next[d];
		if (i + 1 < n)
			d = q->next[d];
	}
	q->free_head = q->next[d];
	q->nfree = (uint16_t)(q->nfree - n);
	idx = q->avail[1];
	q->avail[2 + idx % q->size] = head;
	fence();
	q->avail[1] = (uint16_t)(idx + 1);
	return head;
}

void vq_kick(struct vq *q)
{
	fence();
	*q->notify = q->index;
}

bool vq_used(struct vq *q, uint16_t *id, uint32_t *len)
{
	uint16_t slot, d, n = 1;

	if (!vq_pending(q))
		return false;
	fence();
	slot = q->last_used % q->size;
	*id = (uint16_t)q->used[1 + 2 * slot];
	*len = q->used[2 + 2 * slot];
	q->last_used++;
	if (*id >= q->size)
		return false; /* a broken device: ignore the entry */
	/* Give the chain's descriptors back. */
	for (d = *id; q->desc[d].flags & DESC_NEXT && n < VQ_MAX_CHAIN; n++)
		d = q->desc[d].next % q->size;
	q->next[d] = q->free_head;
	q->free_head = *id;
	q->nfree = (uint16_t)(q->nfree + n);
	return true;
}

bool vq_pending(const struct vq *q)
{
	return *((volatile uint16_t *)q->used + 1) != q->last_used;
}
