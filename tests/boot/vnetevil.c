/*
 * vnetevil.c: a hostile wasm client of the virtio-net device (tests/
 * net.sh), holding only its PCI device object (the manifest line
 *   --pci=0x1af4:0x1041 vnetevil.wasm
 * so startup handle 0 is the device). It sets the device up through
 * drivers/virtio as a driver would, then writes garbage into its
 * virtqueues and rings the doorbells: a receive buffer past the end of
 * physical memory with a length of 4 GiB, a transmit chain that loops
 * on itself, a next index and a head index past the queue (a receive queue is
 * read when a frame comes: a valid ARP request to QEMU's gateway brings one).
 * The device must refuse (it sets DEVICE_NEEDS_RESET and completes nothing)
 * while the kernel goes on (this program keeps running and the boot ends with
 * its status); after a reset the device must take a driver again (features,
 * queues, DRIVER_OK). What a malicious driver could still do without an IOMMU
 * (point a buffer into RAM it does not own) is in kernel/README.md. Prints
 * PASS/FAIL lines and "done".
 */
#include <unistd.h>

#include "kt.h"
#include "virtio_wasm.h"

#define NEEDS_RESET 64 /* device status: the device gave up */
#define STATUS_OFF 20  /* device_status in the common configuration */
#define VQ_F_NEXT 1    /* descriptor flags */
#define VQ_F_WRITE 2
#define FAR (1ull << 52) /* far past any RAM */

static struct vio_wasm w;
static struct virtio v;
static struct vq rx, tx;
static uint8_t *frame; /* DMA memory for the ARP request */
static uint64_t frame_phys;

/* Sends a valid ARP request for 10.0.2.2 from 10.0.2.15 (after the
 * 12-byte virtio-net header), so that the gateway's answer arrives. */
static void provoke(void)
{
	static const uint8_t arp[42] = {
		255,  255,  255, 255,  255,  255,  0x52, 0x54, 0, 0x12, 0x34,
		0x56, 8,    6,	 0,    1,    8,	   0,	 6,    4, 0,	1,
		0x52, 0x54, 0,	 0x12, 0x34, 0x56, 10,	 0,    2, 15,	0,
		0,    0,    0,	 0,    0,    10,   0,	 2,    2};
	struct vq_buf b;

	memset(frame, 0, 12);
	memcpy(frame + 12, arp, sizeof arp);
	b = (struct vq_buf){frame_phys, 12 + sizeof arp, false};
	if (vq_add(&tx, &b, 1) >= 0)
		vq_kick(&tx);
}

/* The device up to DRIVER_OK with both queues (INTx, no interrupt
 * used): 0, or -1. */
static int setup(void)
{
	if (virtio_open(&v, &vio_wasm_ops, &w) || virtio_negotiate(&v, 0) ||
	    virtio_queue_setup(&v, &rx, 0, 64, VIRTIO_NO_VECTOR) ||
	    virtio_queue_setup(&v, &tx, 1, 64, VIRTIO_NO_VECTOR))
		return -1;
	virtio_ready(&v);
	return 0;
}

/* Makes ring entry head available on q, then rings q's doorbell. */
static void offer(struct vq *q, uint16_t head)
{
	uint16_t idx = q->avail[1];

	q->avail[2 + idx % q->size] = head;
	q->avail[1] = (uint16_t)(idx + 1);
	vq_kick(q);
}

/* Waits up to 200 ms for the device to flag NEEDS_RESET; its status. */
static uint8_t status_after(void)
{
	uint8_t s = 0;

	for (int i = 0; i < 20 && !(s & NEEDS_RESET); i++) {
		usleep(10000);
		s = v.common[STATUS_OFF];
	}
	return s;
}

/* One kind of garbage, then the device's answer; a reset and a new
 * setup after it. */
static void garbage(const char *what, struct vq *q, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next, uint16_t head)
{
	char name[96];

	q->desc[0].addr = addr;
	q->desc[0].len = len;
	q->desc[0].flags = flags;
	q->desc[0].next = next;
	offer(q, head);
	if (q == &rx)
		provoke();
	snprintf(name, sizeof name, "%s: the device needs a reset", what);
	EXPECT(name, (status_after() & NEEDS_RESET) != 0, 1);
	snprintf(name, sizeof name, "%s: nothing completed", what);
	EXPECT(name, vq_pending(q), 0);
	virtio_reset(&v);
	snprintf(name, sizeof name, "%s: reset, then set up again", what);
	EXPECT(name, setup(), 0);
}

int main(void)
{
	w.dev = nb_startup_handle(0);
	frame = vio_wasm_ops.dma(&w, 4096, &frame_phys);
	if (!frame || setup()) {
		printf("FAIL set up the device: status %d\n", w.err);
		return 1;
	}
	garbage("rx buffer past RAM, 4 GiB", &rx, FAR, 0xffffffffu, VQ_F_WRITE,
		0, 0);
	garbage("tx chain looping on itself", &tx, FAR, 64, VQ_F_NEXT, 0, 0);
	garbage("tx next past the queue", &tx, FAR, 64, VQ_F_NEXT, 999, 0);
	garbage("rx head past the queue", &rx, FAR, 64, VQ_F_WRITE, 0, 999);
	EXPECT("the device still answers", v.common[STATUS_OFF] & 15, 15);
	virtio_reset(&v);
	printf("done\n");
	return kt_failed ? 1 : 0;
}
