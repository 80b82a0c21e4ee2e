/*
 * virtio_blk.c: the virtio-blk Block driver, a wasm program.
 *
 * It holds nothing but its startup handles: 0 a PCI device object (a
 * modern virtio-blk, manifest --pci=0x1af4:0x1042), 1 a service
 * listener, on which clients arrive as firmament's Listener.connect and
 * speak Block (firmament/block.fir) through firc's generated dispatch
 * (svc_serve_on, with the interrupt as its extra object). The handlers
 * (drivers/virtio/vblk_block.c) and the device core (vblk.c) are shared
 * with the native twin (vblk_native.c); this file gives them the SDK's
 * device access (virtio_wasm.c) and the hooks: interrupts, the client
 * being served, clients' in-place buffers (DMA memory objects this
 * driver never maps, lent as duplicates without MANAGE). Interrupts:
 * MSI-X entry 0, or INTx when the device has no MSI-X or an argument
 * is "intx"; an argument "timeout=MS" sets how long a request may take
 * before the device is reset (10 s by default).
 */
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "svc.h"
#include "vblk_block.h"
#include "virtio_wasm.h"

static struct vio_wasm w;
static struct vblk_dev dev;
static nb_handle irq;

/* The interrupt fired: read the ISR (INTx), acknowledge. */
static void on_irq(void *ctx)
{
	vblk_service(&dev.b);
	nb_interrupt_ack(irq);
}

static bool wait_irq(struct vblk_dev *d)
{
	if (nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
			       nb_clock_monotonic() + (nb_time)d->timeout_ns,
			       NULL))
		return false;
	on_irq(NULL);
	return true;
}

static uintptr_t client(struct vblk_dev *d)
{
	return svc_client();
}

static bool connected(struct vblk_dev *d, uintptr_t h)
{
	return svc_peer_open((nb_handle)h);
}

static bool dma_new(struct vblk_dev *d, uintptr_t *obj, uint64_t *phys)
{
	nb_handle h;

	if (nb_dma_create(w.dev, VBLK_INPLACE, &h))
		return false;
	if (nb_vmo_physical(h, phys)) {
		nb_handle_close(h);
		return false;
	}
	*obj = h;
	return true;
}

static void dma_drop(struct vblk_dev *d, uintptr_t obj)
{
	nb_handle_close((nb_handle)obj);
}

static int32_t lend(struct vblk_dev *d, uintptr_t obj, fir_handle *out)
{
	return nb_handle_duplicate(
		(nb_handle)obj,
		NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_TRANSFER, out);
}

int main(int argc, char **argv)
{
	nb_handle listener = nb_startup_handle(1);
	struct svc_extra intr = {0, NB_SIGNAL_SIGNALED, on_irq};
	bool intx = false;
	nb_status s;

	dev.timeout_ns = VBLK_TIMEOUT_NS;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "intx") == 0)
			intx = true;
		else if (strncmp(argv[i], "timeout=", 8) == 0 &&
			 atoi(argv[i] + 8) > 0)
			dev.timeout_ns = (uint64_t)atoi(argv[i] + 8) * 1000000;
	w.dev = nb_startup_handle(0);
	if (!w.dev || !listener)
		return 2;
	if (intx || nb_pci_interrupt(w.dev, 0, &irq) != NB_OK) {
		intx = true;
		if (nb_pci_interrupt(w.dev, NB_PCI_INTX, &irq))
			return 3;
	}
	if (vblk_open(&dev.b, &vio_wasm_ops, &w, intx ? VIRTIO_NO_VECTOR : 0))
		return 4;
	dev.wait_irq = wait_irq;
	dev.client = client;
	dev.connected = connected;
	dev.dma_new = dma_new;
	dev.dma_drop = dma_drop;
	dev.lend = lend;
	intr.h = irq;
	s = svc_serve_on(listener, block_dispatch_any, &vblk_block_ops, &dev,
			 &intr);
	vblk_close(&dev.b);
	return s == NB_ERR_PEER_CLOSED ? 0 : 5;
}
