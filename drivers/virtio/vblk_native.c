/*
 * vblk_native.c: the virtio-blk Block driver compiled into the kernel.
 * The same handlers (vblk_block.c), device core (vblk.c) and transport
 * (virtio_pci.c) as the wasm driver, served by the native drivers' loop
 * (drivers/native/serve_native.c) through firc's generated server, so a
 * client cannot tell the two apart. Its device access is the kernel's
 * own: configuration space through the HAL, BARs mapped uncached into
 * the kernel (hal_shm_create_mmio), DMA memory from hal_shm_create_dma.
 * MSI-X entry 0, else INTx.
 */
#include <stddef.h>
#include <stdlib.h>

#include "drivers/native/serve_native.h"
#include "drivers/virtio/vblk_block.h"
#include "drivers/virtio/vblk_native.h"
#include "kernel/device.h"

/* The driver: its serving loop first (the thread's end frees it all). */
struct bnative {
	struct nserve s;
	struct pcidev *dev;
	struct interrupt *irq;
	struct vblk_dev blk;
	hal_shm *bar[HAL_PCI_BARS];
	hal_shm *dma[VBLK_DMAS];
	unsigned ndma;
};

static uint32_t cfg_read(void *ctx, unsigned off, unsigned width)
{
	return hal_pci_read(((struct bnative *)ctx)->dev->idx, off, width);
}

static void cfg_write(void *ctx, unsigned off, unsigned width, uint32_t v)
{
	hal_pci_write(((struct bnative *)ctx)->dev->idx, off, width, v);
}

static volatile uint8_t *bar(void *ctx, unsigned i, uint32_t *len)
{
	struct bnative *v = ctx;
	const struct hal_pci_func *f = hal_pci_func(v->dev->idx);
	uint64_t size;

	if (i >= HAL_PCI_BARS)
		return NULL;
	size = (f->bar[i].size + 4095) & ~4095ull;
	if (!size || size > NB_VMO_MAX_SIZE ||
	    (f->bar[i].flags & HAL_PCI_BAR_IO))
		return NULL;
	if (!v->bar[i] &&
	    !(v->bar[i] = hal_shm_create_mmio(f->bar[i].addr, size)))
		return NULL;
	*len = (uint32_t)size;
	return hal_shm_data(v->bar[i]);
}

static void *dma(void *ctx, uint32_t len, uint64_t *phys)
{
	struct bnative *v = ctx;
	hal_shm *shm;

	if (v->ndma == VBLK_DMAS || !(shm = hal_shm_create_dma(len)))
		return NULL;
	v->dma[v->ndma++] = shm;
	*phys = hal_shm_phys(shm);
	return hal_shm_data(shm);
}

static const struct vio_ops native_ops = {cfg_read, cfg_write, bar, dma};

/* The interrupt fired: read the ISR, acknowledge (an INTx line is
 * unmasked, an MSI never masked). */
static void on_irq(struct nserve *s)
{
	struct bnative *v = (struct bnative *)s;

	vblk_service(&v->blk.b);
	kobj_signal(&v->irq->o, NB_SIGNAL_SIGNALED, 0);
	if (v->irq->msi < 0)
		hal_irq_unmask(v->irq->line);
}

static bool wait_irq(struct vblk_dev *d)
{
	return nserve_wait_irq(
		(struct nserve *)((char *)d - offsetof(struct bnative, blk)));
}

/* A client's request, through firc's generated Block server. */
static void serve(struct nserve *s, struct kmsg *m)
{
	struct bnative *v = (struct bnative *)s;

	block_serve(&vblk_block_ops, &v->blk, &firport_ops, &s->port,
		    m->bytes, m->nbytes, s->port.w, m->nhandles);
}

/* Resets the device (once opened) and drops its memory. */
static void drop(struct bnative *v)
{
	if (v->blk.b.v.common)
		vblk_close(&v->blk.b);
	for (unsigned i = 0; i < v->ndma; i++)
		hal_shm_destroy(v->dma[i]);
	for (unsigned i = 0; i < HAL_PCI_BARS; i++)
		if (v->bar[i])
			hal_shm_destroy(v->bar[i]);
}

/* Nothing is connected any more: the device reset, objects released. */
static void stop(struct nserve *s)
{
	drop((struct bnative *)s);
	kobj_release(&((struct bnative *)s)->dev->o);
}

/* Sorts the startup handles; the device's interrupt and queue. */
static nb_status setup(struct bnative *v, const struct khandle *h, uint32_t n)
{
	bool intx = false;

	for (uint32_t i = 0; i < n; i++) {
		struct kobj *o = h[i].obj;
		if (o->type == KOBJ_PCI && !v->dev)
			v->dev = (struct pcidev *)o;
		else if (o->type == KOBJ_CHANNEL && !v->s.listener)
			v->s.listener = (struct channel *)o;
	}
	if (!v->dev || !v->s.listener)
		return NB_ERR_INVALID_ARGS;
	if (pcidev_interrupt(v->dev, 0, &v->irq) != NB_OK) {
		intx = true;
		if (pcidev_interrupt(v->dev, NB_PCI_INTX, &v->irq) != NB_OK)
			return NB_ERR_NOT_SUPPORTED;
	}
	if (vblk_open(&v->blk.b, &native_ops, v, intx ? VIRTIO_NO_VECTOR : 0))
		return NB_ERR_NOT_SUPPORTED;
	return NB_OK;
}

nb_status vblk_native_start(const struct khandle *h, uint32_t n,
			    struct process **out)
{
	nb_status st = NB_ERR_NO_MEMORY;
	struct bnative *v;

	if (!(v = calloc(1, sizeof *v)))
		return st;
	if ((st = setup(v, h, n)) == NB_OK) {
		v->blk.wait_irq = wait_irq;
		v->s.irq = &v->irq->o;
		v->s.serve = serve;
		v->s.on_irq = on_irq;
		v->s.stop = stop;
		st = nserve_start(&v->s, "virtio-blk-native", out);
	}
	if (st) {
		drop(v);
		if (v->irq)
			kobj_release(&v->irq->o);
		free(v);
		return st;
	}
	kobj_retain(&v->dev->o);
	kobj_release(&v->irq->o); /* nserve_start retained it */
	return NB_OK;
}
