/*
 * virtio_net.c: the virtio-net EthernetNic driver, a wasm program.
 *
 * It holds nothing but its startup handles: 0 a PCI device object (a
 * modern virtio-net, manifest --pci=0x1af4:0x1041), 1 a service
 * listener, on which clients arrive as firmament's Listener.connect and
 * speak EthernetNic (firmament/ethernet.fir) through firc's generated
 * dispatch (svc_serve_on, with the interrupt as its extra object). The
 * handlers (drivers/virtio/vnet_nic.c) and the device core (vnet.c) are
 * shared with the native twin (vnet_native.c); this file gives them the
 * SDK's device access (virtio_wasm.c) and the hooks: interrupts, the
 * client being served, lending a transmit slot's DMA memory object (a
 * loan, vmo_lend, given as a duplicate without MANAGE; revoked when
 * taken back), the receive event (an event of its own,
 * USER0 while frames wait). Interrupts: MSI-X entry 0 for both queues,
 * or INTx when the device has no MSI-X or argv[1] is "intx".
 */
#include <stdlib.h>
#include <string.h>

#include "ethernet.h"
#include "svc.h"
#include "virtio_wasm.h"
#include "vnet_nic.h"

#define WAIT_NS 5000000000ll

static struct vio_wasm w;
static struct vnet_nic nic;
static nb_handle irq;
static nb_handle rx_ev;
static nb_handle slot_vmo[VNET_TX];
static nb_handle loan[VNET_TX]; /* of a lent slot, else invalid */
static struct {
	uint64_t phys;
	nb_handle h;
} dmas[VNET_DMAS];
static unsigned ndmas;

/* vio_wasm_ops.dma, remembering each object's handle (for lending). */
static void *dma_keep(void *ctx, uint32_t len, uint64_t *phys)
{
	void *p = vio_wasm_ops.dma(ctx, len, phys);

	if (p && ndmas < VNET_DMAS) {
		dmas[ndmas].phys = *phys;
		dmas[ndmas++].h = w.last_dma;
	}
	return p;
}

/* The interrupt fired: serve the device, acknowledge, tell rx_ready's
 * clients whether frames wait. */
static void on_irq(void *ctx)
{
	vnet_service(&nic.n);
	nb_interrupt_ack(irq);
	vnet_nic_rx_update(&nic);
}

static bool wait_irq(struct vnet_nic *c)
{
	if (nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
			       nb_clock_monotonic() + WAIT_NS, NULL))
		return false;
	on_irq(NULL);
	return true;
}

static uintptr_t client(struct vnet_nic *c)
{
	return svc_client();
}

/* True while channel h is open and its client still there. */
static bool connected(struct vnet_nic *c, uintptr_t h)
{
	nb_signals obs = 0;

	return nb_object_wait_one((nb_handle)h, NB_SIGNAL_PEER_CLOSED, 0,
				  &obs) == NB_ERR_TIMED_OUT &&
	       !(obs & NB_SIGNAL_PEER_CLOSED);
}

/* A loan of the slot's DMA memory, kept (to revoke), and a duplicate
 * without MANAGE for the client. */
static int32_t lend(struct vnet_nic *c, int slot, fir_handle *out)
{
	nb_status s;

	if ((s = nb_vmo_lend(slot_vmo[slot], &loan[slot])))
		return s;
	if ((s = nb_handle_duplicate(loan[slot],
				     NB_RIGHT_READ | NB_RIGHT_WRITE |
					     NB_RIGHT_TRANSFER,
				     out))) {
		nb_handle_close(loan[slot]);
		loan[slot] = NB_HANDLE_INVALID;
	}
	return s;
}

static void take_back(struct vnet_nic *c, int slot)
{
	if (loan[slot] == NB_HANDLE_INVALID)
		return;
	nb_vmo_revoke(loan[slot]);
	nb_handle_close(loan[slot]);
	loan[slot] = NB_HANDLE_INVALID;
}

static int32_t rx_event(struct vnet_nic *c, fir_handle *out)
{
	return nb_handle_duplicate(rx_ev, NB_RIGHT_WAIT | NB_RIGHT_TRANSFER,
				   out);
}

static void rx_signal(struct vnet_nic *c, bool pending)
{
	nb_object_signal(rx_ev, pending ? 0 : NB_SIGNAL_USER0,
			 pending ? NB_SIGNAL_USER0 : 0);
}

int main(int argc, char **argv)
{
	nb_handle listener = nb_startup_handle(1);
	struct vio_ops vops = vio_wasm_ops;
	struct svc_extra intr = {0, NB_SIGNAL_SIGNALED, on_irq};
	bool intx = argc > 1 && strcmp(argv[1], "intx") == 0;
	nb_status s;

	w.dev = nb_startup_handle(0);
	if (!w.dev || !listener || nb_event_create(&rx_ev))
		return 2;
	if (intx || nb_pci_interrupt(w.dev, 0, &irq) != NB_OK) {
		intx = true;
		if ((s = nb_pci_interrupt(w.dev, NB_PCI_INTX, &irq)))
			return 3;
	}
	vops.dma = dma_keep;
	w.keep_dma = true;
	if (vnet_open(&nic.n, &vops, &w, intx ? VIRTIO_NO_VECTOR : 0))
		return 4;
	for (unsigned i = 0; i < ndmas; i++)
		for (unsigned k = 0; k < VNET_TX; k++)
			if (dmas[i].phys == nic.n.txp[k])
				slot_vmo[k] = dmas[i].h;
	nic.wait_irq = wait_irq;
	nic.client = client;
	nic.connected = connected;
	nic.lend = lend;
	nic.take_back = take_back;
	nic.rx_event = rx_event;
	nic.rx_signal = rx_signal;
	intr.h = irq;
	s = svc_serve_on(listener, ethernet_nic_dispatch_any, &vnet_nic_ops,
			 &nic, &intr);
	for (int i = 0; i < VNET_TX; i++)
		take_back(&nic, i);
	vnet_close(&nic.n);
	return s == NB_ERR_PEER_CLOSED ? 0 : 5;
}
