/*
 * virtio_native.c: virtio_pci.h's device access for drivers compiled
 * into the kernel (virtio_native.h).
 */
#include "drivers/virtio/virtio_native.h"

uint32_t vio_native_cfg_read(void *ctx, unsigned off, unsigned width)
{
	return hal_pci_read(((struct vio_native *)ctx)->dev->idx, off, width);
}

void vio_native_cfg_write(void *ctx, unsigned off, unsigned width, uint32_t v)
{
	hal_pci_write(((struct vio_native *)ctx)->dev->idx, off, width, v);
}

volatile uint8_t *vio_native_bar(void *ctx, unsigned i, uint32_t *len)
{
	struct vio_native *io = ctx;
	const struct hal_pci_func *f = hal_pci_func(io->dev->idx);
	uint64_t size;

	if (i >= HAL_PCI_BARS)
		return NULL;
	size = (f->bar[i].size + 4095) & ~4095ull;
	if (!size || size > NB_VMO_MAX_SIZE ||
	    (f->bar[i].flags & HAL_PCI_BAR_IO))
		return NULL;
	if (!io->bar[i] &&
	    !(io->bar[i] = hal_shm_create_mmio(f->bar[i].addr, size)))
		return NULL;
	*len = (uint32_t)size;
	return hal_shm_data(io->bar[i]);
}

nb_status vio_native_setup(struct vio_native *io, struct nserve *s,
			   const struct khandle *h, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct kobj *o = h[i].obj;
		if (o->type == KOBJ_PCI && !io->dev)
			io->dev = (struct pcidev *)o;
		else if (o->type == KOBJ_CHANNEL && !s->listener)
			s->listener = (struct channel *)o;
	}
	if (!io->dev || !s->listener)
		return NB_ERR_INVALID_ARGS;
	if (pcidev_interrupt(io->dev, 0, &io->irq) == NB_OK)
		return NB_OK;
	io->intx = true;
	if (pcidev_interrupt(io->dev, NB_PCI_INTX, &io->irq) != NB_OK)
		return NB_ERR_NOT_SUPPORTED;
	return NB_OK;
}

void vio_native_ack(struct vio_native *io)
{
	kobj_signal(&io->irq->o, NB_SIGNAL_SIGNALED, 0);
	if (io->irq->msi < 0)
		hal_irq_unmask(io->irq->line);
}

void vio_native_drop(struct vio_native *io)
{
	for (unsigned i = 0; i < HAL_PCI_BARS; i++)
		if (io->bar[i])
			hal_shm_destroy(io->bar[i]);
}
