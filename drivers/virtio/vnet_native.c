/*
 * vnet_native.c: the virtio-net EthernetNic driver compiled into the
 * kernel. The same handlers (vnet_nic.c), device core (vnet.c) and
 * transport (virtio_pci.c) as the wasm driver, served by the native
 * drivers' loop (drivers/native/serve_native.c) through firc's
 * generated server, so a client cannot tell the two apart. Its device
 * access is the kernel's own: configuration space through the HAL,
 * BARs mapped uncached into the kernel (hal_shm_create_mmio), DMA memory
 * as memory objects (so that a transmit slot can be lent to a client:
 * a loan of it, vmo_lend, as a reply handle without MANAGE, revoked
 * when taken back), its receive event a kernel event. Configuration
 * space, BARs and the interrupt (MSI-X entry 0, else INTx) are
 * virtio_native.c's, as for vblk_native.c.
 */
#include <stddef.h>
#include <stdlib.h>

#include "drivers/native/serve_native.h"
#include "drivers/virtio/virtio_native.h"
#include "drivers/virtio/vnet_native.h"
#include "drivers/virtio/vnet_nic.h"

#define MAX_DMA VNET_DMAS

/* The driver: its serving loop first (the thread's end frees it all). */
struct vnative {
	struct nserve s;
	struct vio_native io; /* vio_ops' ctx */
	struct event *rx_ev;  /* USER0 while frames wait (rx_ready) */
	struct vnet_nic nic;
	struct vmo *dma[MAX_DMA];
	unsigned ndma;
	struct vmo *slot[VNET_TX];
	struct vmo *loan[VNET_TX]; /* of a lent slot, else NULL */
};

static struct vnative *of_nic(struct vnet_nic *c)
{
	return (struct vnative *)((char *)c - offsetof(struct vnative, nic));
}

static void *dma(void *ctx, uint32_t len, uint64_t *phys)
{
	struct vnative *v =
		(struct vnative *)((char *)ctx - offsetof(struct vnative, io));
	hal_shm *shm;
	struct vmo *m;

	if (v->ndma == MAX_DMA || !(shm = hal_shm_create_dma(len)) ||
	    vmo_adopt(shm, len, len, &m))
		return NULL;
	v->dma[v->ndma++] = m;
	*phys = hal_shm_phys(shm);
	return hal_shm_data(shm);
}

static const struct vio_ops native_ops = {
	vio_native_cfg_read, vio_native_cfg_write, vio_native_bar, dma};

/* The interrupt fired: serve the device, acknowledge (an INTx line is
 * unmasked, an MSI never masked). */
static void on_irq(struct nserve *s)
{
	struct vnative *v = (struct vnative *)s;

	vnet_service(&v->nic.n);
	vio_native_ack(&v->io);
	vnet_nic_rx_update(&v->nic);
}

static bool wait_irq(struct vnet_nic *c)
{
	return nserve_wait_irq(&of_nic(c)->s);
}

static uintptr_t client(struct vnet_nic *c)
{
	return (uintptr_t)of_nic(c)->s.port.c;
}

static bool connected(struct vnet_nic *c, uintptr_t ch)
{
	return nserve_connected(&of_nic(c)->s, ch);
}

static int32_t lend(struct vnet_nic *c, int slot, fir_handle *out)
{
	struct vnative *v = of_nic(c);

	nb_status s;

	if ((s = vmo_lend(v->slot[slot], &v->loan[slot])))
		return s;
	*out = firport_give(&v->s.port, &v->loan[slot]->o,
			    NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_TRANSFER);
	return NB_OK;
}

/* Revokes slot's loan and drops the driver's reference. */
static void take_back(struct vnet_nic *c, int slot)
{
	struct vnative *v = of_nic(c);

	if (!v->loan[slot])
		return;
	vmo_revoke(v->loan[slot]);
	kobj_release(&v->loan[slot]->o);
	v->loan[slot] = NULL;
}

static int32_t rx_event(struct vnet_nic *c, fir_handle *out)
{
	struct vnative *v = of_nic(c);

	*out = firport_give(&v->s.port, &v->rx_ev->o,
			    NB_RIGHT_WAIT | NB_RIGHT_TRANSFER);
	return NB_OK;
}

static void rx_signal(struct vnet_nic *c, bool pending)
{
	kobj_signal(&of_nic(c)->rx_ev->o, pending ? 0 : NB_SIGNAL_USER0,
		    pending ? NB_SIGNAL_USER0 : 0);
}

/* A client's request, through firc's generated EthernetNic server. */
static void serve(struct nserve *s, struct kmsg *m)
{
	struct vnative *v = (struct vnative *)s;

	ethernet_nic_serve(&vnet_nic_ops, &v->nic, &firport_ops, &s->port,
			   m->bytes, m->nbytes, s->port.w, m->nhandles);
}

/* Resets the device (once opened) and drops its memory. */
static void drop(struct vnative *v)
{
	for (int i = 0; i < VNET_TX; i++)
		take_back(&v->nic, i);
	if (v->nic.n.v.common)
		vnet_close(&v->nic.n);
	for (unsigned i = 0; i < v->ndma; i++)
		kobj_release(&v->dma[i]->o);
	vio_native_drop(&v->io);
	if (v->rx_ev)
		kobj_release(&v->rx_ev->o);
}

/* Nothing is connected any more: the device reset, objects released. */
static void stop(struct nserve *s)
{
	drop((struct vnative *)s);
	kobj_release(&((struct vnative *)s)->io.dev->o);
}

/* The startup handles and interrupt (vio_native_setup), the receive
 * event, the device's queues; which DMA objects are transmit slots. */
static nb_status setup(struct vnative *v, const struct khandle *h, uint32_t n)
{
	nb_status st;

	if ((st = vio_native_setup(&v->io, &v->s, h, n)))
		return st;
	if (!(v->rx_ev = event_create()))
		return NB_ERR_NO_MEMORY;
	if (vnet_open(&v->nic.n, &native_ops, &v->io,
		      v->io.intx ? VIRTIO_NO_VECTOR : 0))
		return NB_ERR_NOT_SUPPORTED;
	for (unsigned i = 0; i < v->ndma; i++)
		for (unsigned k = 0; k < VNET_TX; k++)
			if (hal_shm_phys(v->dma[i]->shm) == v->nic.n.txp[k])
				v->slot[k] = v->dma[i];
	return NB_OK;
}

nb_status vnet_native_start(const struct khandle *h, uint32_t n,
			    struct process **out)
{
	nb_status st = NB_ERR_NO_MEMORY;
	struct vnative *v;

	if (!(v = calloc(1, sizeof *v)))
		return st;
	if ((st = setup(v, h, n)) == NB_OK) {
		v->nic.wait_irq = wait_irq;
		v->nic.client = client;
		v->nic.connected = connected;
		v->nic.lend = lend;
		v->nic.take_back = take_back;
		v->nic.rx_event = rx_event;
		v->nic.rx_signal = rx_signal;
		v->s.irq = &v->io.irq->o;
		v->s.serve = serve;
		v->s.on_irq = on_irq;
		v->s.stop = stop;
		st = nserve_start(&v->s, "virtio-net-native", out);
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
