/*
 * virtio_net.c: the virtio-net EthernetNic driver, a wasm program.
 *
 * It holds nothing but its startup handles: 0 a PCI device object (a
 * modern virtio-net, manifest --pci=0x1af4:0x1041), 1 a service
 * listener, on which clients arrive as firmament's Listener.connect and
 * speak EthernetNic (firmament/ethernet.fir) through firc's generated
 * dispatch (svc_serve_on, with the interrupt as its extra object). The
 * device is driven by the shared core (drivers/virtio/vnet.c) over the
 * transport (virtio_pci.c) and the SDK's PCI calls (virtio_wasm.c).
 * Interrupts: MSI-X entry 0 for both queues, or INTx when the device
 * has no MSI-X or argv[1] is "intx".
 *
 * Zero copy: each transmit slot is a page of DMA memory of its own;
 * send_inplace lends the client a handle to it (without MANAGE, so no
 * bus address) to map and fill at offset VNET_HDR, and commit hands the
 * slot to the device as it is: no byte is copied. `send` copies the
 * frame into a free slot. `receive` waits for a frame and copies it into
 * the reply.
 */
#include <stdlib.h>
#include <string.h>

#include "ethernet.h"
#include "svc.h"
#include "virtio_wasm.h"
#include "vnet.h"

#define WAIT_NS 5000000000ll

static struct vio_wasm w;
static struct vnet n;
static nb_handle irq;
static nb_handle slot_vmo[VNET_TX];
static nb_handle slot_owner[VNET_TX];
static struct {
	uint64_t phys;
	nb_handle h;
} dmas[VNET_TX + 1];
static unsigned ndmas;

/* vio_wasm_ops.dma, remembering each object's handle (for lending). */
static void *dma_keep(void *ctx, uint32_t len, uint64_t *phys)
{
	void *p = vio_wasm_ops.dma(ctx, len, phys);

	if (p && ndmas < VNET_TX + 1) {
		dmas[ndmas].phys = *phys;
		dmas[ndmas++].h = w.last_dma;
	}
	return p;
}

/* The interrupt fired: serve the device, acknowledge. */
static void on_irq(void *ctx)
{
	vnet_service(&n);
	nb_interrupt_ack(irq);
}

/* Waits for the next interrupt and serves it; false after WAIT_NS. */
static bool wait_irq(void)
{
	if (nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
			       nb_clock_monotonic() + WAIT_NS, NULL))
		return false;
	on_irq(NULL);
	return true;
}

/* True while channel h is open and its client still there. */
static bool connected(nb_handle h)
{
	nb_signals obs = 0;

	return nb_object_wait_one(h, NB_SIGNAL_PEER_CLOSED, 0, &obs) ==
		       NB_ERR_TIMED_OUT &&
	       !(obs & NB_SIGNAL_PEER_CLOSED);
}

/* A free slot (taking back slots lent to clients that left); waits for
 * the device to finish one when all are queued. -1: none. */
static int take_slot(void)
{
	int s;

	for (int tries = 0; tries < 2; tries++) {
		for (int i = 0; i < VNET_TX; i++)
			if (n.tx_state[i] == VNET_SLOT_LENT && slot_owner[i] &&
			    !connected(slot_owner[i])) {
				n.tx_state[i] = VNET_SLOT_FREE;
				slot_owner[i] = 0;
			}
		if ((s = vnet_slot_take(&n)) >= 0)
			return s;
		if (!wait_irq())
			break;
	}
	return -1;
}

static nb_status on_info(void *ctx, ethernet_nic_info_resp *resp)
{
	resp->info.mac.len = 6;
	memcpy(resp->info.mac.b, n.mac, 6);
	resp->info.mtu = 1500;
	resp->info.link = LINK_STATE_UP;
	resp->info.tx_slots = VNET_TX;
	return NB_OK;
}

static nb_status on_send(void *ctx, const ethernet_nic_send_req *req)
{
	int s;

	if (req->frame.len < 14)
		return FIR_ERR_INVALID;
	if ((s = take_slot()) < 0)
		return NB_ERR_SHOULD_WAIT;
	memcpy(n.txb[s] + VNET_HDR, req->frame.b, req->frame.len);
	return vnet_slot_send(&n, s, req->frame.len) ? NB_ERR_BAD_STATE
						     : NB_OK;
}

static nb_status on_send_inplace(void *ctx,
				 ethernet_nic_send_inplace_resp *resp)
{
	int s = take_slot();
	nb_status st;

	if (s < 0)
		return NB_ERR_SHOULD_WAIT;
	if ((st = nb_handle_duplicate(slot_vmo[s],
				      NB_RIGHT_READ | NB_RIGHT_WRITE |
					      NB_RIGHT_TRANSFER,
				      &resp->memory))) {
		n.tx_state[s] = VNET_SLOT_FREE;
		return st;
	}
	slot_owner[s] = svc_client();
	resp->slot = (uint32_t)s;
	resp->offset = VNET_HDR;
	resp->size = VNET_FRAME_MAX;
	return NB_OK;
}

static nb_status on_commit(void *ctx, const ethernet_nic_commit_req *req)
{
	if (req->slot >= VNET_TX ||
	    n.tx_state[req->slot] != VNET_SLOT_LENT ||
	    slot_owner[req->slot] != svc_client())
		return NB_ERR_BAD_STATE;
	if (req->length < 14 || req->length > VNET_FRAME_MAX)
		return FIR_ERR_INVALID;
	slot_owner[req->slot] = 0;
	return vnet_slot_send(&n, (int)req->slot, req->length)
		       ? NB_ERR_BAD_STATE
		       : NB_OK;
}

/* Waits for a frame (other clients wait meanwhile). */
static nb_status on_receive(void *ctx, ethernet_nic_receive_resp *resp)
{
	int len;

	while ((len = vnet_recv(&n, resp->frame.b, sizeof resp->frame.b)) < 0)
		if (!wait_irq() && !connected(svc_client()))
			return NB_ERR_PEER_CLOSED;
	resp->frame.len = (uint32_t)len;
	return NB_OK;
}

static const struct ethernet_nic_ops ops = {on_info, on_send, on_send_inplace,
					    on_commit, on_receive};

int main(int argc, char **argv)
{
	nb_handle listener = nb_startup_handle(1);
	struct vio_ops vops = vio_wasm_ops;
	struct svc_extra intr = {0, NB_SIGNAL_SIGNALED, on_irq};
	bool intx = argc > 1 && strcmp(argv[1], "intx") == 0;
	nb_status s;

	w.dev = nb_startup_handle(0);
	if (!w.dev || !listener)
		return 2;
	if (intx || nb_pci_interrupt(w.dev, 0, &irq) != NB_OK) {
		intx = true;
		if ((s = nb_pci_interrupt(w.dev, NB_PCI_INTX, &irq)))
			return 3;
	}
	vops.dma = dma_keep;
	w.keep_dma = true;
	if (vnet_open(&n, &vops, &w, intx ? VIRTIO_NO_VECTOR : 0))
		return 4;
	for (unsigned i = 0; i < ndmas; i++)
		for (unsigned k = 0; k < VNET_TX; k++)
			if (dmas[i].phys == n.txp[k])
				slot_vmo[k] = dmas[i].h;
	intr.h = irq;
	s = svc_serve_on(listener, ethernet_nic_dispatch_any, &ops, NULL,
			 &intr);
	vnet_close(&n);
	return s == NB_ERR_PEER_CLOSED ? 0 : 5;
}
