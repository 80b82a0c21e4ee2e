/*
 * vblk_native.c: the virtio-blk Block driver compiled into the kernel.
 * The same handlers (vblk_block.c), device core (vblk.c) and transport
 * (virtio_pci.c) as the wasm driver, served by the native drivers' loop
 * (drivers/native/serve_native.c) through firc's generated server, so a
 * client cannot tell the two apart. Its device access is the kernel's
 * own (virtio_native.c), DMA memory from hal_shm_create_dma (a client's
 * in-place buffer a memory object, lent as a reply handle without
 * MANAGE: firport_give). MSI-X entry 0, else INTx. A request may take
 * VBLK_TIMEOUT_NS, or vblk_timeout_ms=N on the kernel command line.
 */
#include <stddef.h>
#include <stdlib.h>

#include "drivers/virtio/vblk_block.h"
#include "drivers/virtio/vblk_native.h"
#include "drivers/virtio/virtio_native.h"
#include "kernel/cmdline.h"

/* The driver: its serving loop first (the thread's end frees it all). */
struct bnative {
	struct nserve s;
	struct vio_native io; /* vio_ops' ctx */
	struct vblk_dev blk;
	hal_shm *dma[VBLK_DMAS];
	unsigned ndma;
};

static void *dma(void *ctx, uint32_t len, uint64_t *phys)
{
	struct bnative *v =
		(struct bnative *)((char *)ctx - offsetof(struct bnative, io));
	hal_shm *shm;

	if (v->ndma == VBLK_DMAS || !(shm = hal_shm_create_dma(len)))
		return NULL;
	v->dma[v->ndma++] = shm;
	*phys = hal_shm_phys(shm);
	return hal_shm_data(shm);
}

static const struct vio_ops native_ops = {
	vio_native_cfg_read, vio_native_cfg_write, vio_native_bar, dma};

/* The interrupt fired: read the ISR, acknowledge. */
static void on_irq(struct nserve *s)
{
	struct bnative *v = (struct bnative *)s;

	vblk_service(&v->blk.b);
	vio_native_ack(&v->io);
}

static struct bnative *of_dev(struct vblk_dev *d)
{
	return (struct bnative *)((char *)d - offsetof(struct bnative, blk));
}

static bool wait_irq(struct vblk_dev *d)
{
	return nserve_wait_irq_until(&of_dev(d)->s,
				     kernel_now() + (nb_time)d->timeout_ns);
}

static uintptr_t client(struct vblk_dev *d)
{
	return (uintptr_t)of_dev(d)->s.port.c;
}

static bool connected(struct vblk_dev *d, uintptr_t ch)
{
	return nserve_connected(&of_dev(d)->s, ch);
}

static bool dma_new(struct vblk_dev *d, uintptr_t *obj, uint64_t *phys)
{
	hal_shm *shm = hal_shm_create_dma(VBLK_INPLACE);
	struct vmo *m;

	if (!shm || vmo_adopt(shm, VBLK_INPLACE, VBLK_INPLACE, &m))
		return false; /* vmo_adopt destroyed shm */
	*phys = hal_shm_phys(shm);
	*obj = (uintptr_t)m;
	return true;
}

static void dma_drop(struct vblk_dev *d, uintptr_t obj)
{
	kobj_release(&((struct vmo *)obj)->o);
}

static int32_t lend(struct vblk_dev *d, uintptr_t obj, fir_handle *out)
{
	*out = firport_give(&of_dev(d)->s.port, &((struct vmo *)obj)->o,
			    NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_TRANSFER);
	return NB_OK;
}

/* A client's request, through firc's generated Block server. */
static void serve(struct nserve *s, struct kmsg *m)
{
	struct bnative *v = (struct bnative *)s;

	block_serve(&vblk_block_ops, &v->blk, &firport_ops, &s->port, m->bytes,
		    m->nbytes, s->port.w, m->nhandles);
}

/* Resets the device (once opened) and drops its memory. */
static void drop(struct bnative *v)
{
	if (v->blk.b.v.common)
		vblk_close(&v->blk.b);
	for (unsigned i = 0; i < v->ndma; i++)
		hal_shm_destroy(v->dma[i]);
	for (unsigned i = 0; i < VBLK_CLIENTS; i++)
		if (v->blk.bufs[i].client)
			dma_drop(&v->blk, v->blk.bufs[i].obj);
	vio_native_drop(&v->io);
}

/* Nothing is connected any more: the device reset, objects released. */
static void stop(struct nserve *s)
{
	drop((struct bnative *)s);
	kobj_release(&((struct bnative *)s)->io.dev->o);
}

nb_status vblk_native_start(const struct khandle *h, uint32_t n,
			    struct process **out)
{
	nb_status st = NB_ERR_NO_MEMORY;
	struct bnative *v;

	if (!(v = calloc(1, sizeof *v)))
		return st;
	if ((st = vio_native_setup(&v->io, &v->s, h, n)) == NB_OK &&
	    vblk_open(&v->blk.b, &native_ops, &v->io,
		      v->io.intx ? VIRTIO_NO_VECTOR : 0))
		st = NB_ERR_NOT_SUPPORTED;
	if (st == NB_OK) {
		uint64_t ms;
		v->blk.wait_irq = wait_irq;
		v->blk.timeout_ns = cmdline_number("vblk_timeout_ms", &ms) && ms
					    ? ms * 1000000
					    : VBLK_TIMEOUT_NS;
		v->blk.client = client;
		v->blk.connected = connected;
		v->blk.dma_new = dma_new;
		v->blk.dma_drop = dma_drop;
		v->blk.lend = lend;
		v->s.irq = &v->io.irq->o;
		v->s.serve = serve;
		v->s.on_irq = on_irq;
		v->s.stop = stop;
		st = nserve_start(&v->s, "virtio-blk-native", out);
	}
	if (st) {
		drop(v);
		if (v->io.irq)
			kobj_release(&v->io.irq->o);
		free(v);
		return st;
	}
	kobj_retain(&v->io.dev->o);
	kobj_release(&v->io.irq->o); /* nserve_start retained it */
	return NB_OK;
}
