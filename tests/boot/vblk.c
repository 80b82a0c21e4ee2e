/*
 * vblk.c: a wasm driver for a virtio 1.x block device, and the PCI
 * objects from a driver's side, hostile (tests/boot.sh). Booted with
 * `nebulet boot --disk=IMG` (a modern virtio-blk-pci, 1af4:1042) and the
 * manifest line
 *   --pci=0x1af4:0x1042 vblk.wasm
 * so startup handle 0 is the device object. Checks each call's status
 * for bad offsets, widths, BAR indexes, config writes that would move a
 * BAR or retarget MSI-X, missing rights and forged handles; then drives
 * the device through drivers/virtio (capabilities, features, a split
 * virtqueue in DMA memory): reads sector 0 with an MSI-X interrupt and
 * prints "sector 0: TEXT", resets the device and reads sector 1 with
 * INTx, "sector 1: TEXT". Prints PASS/FAIL lines and "done".
 */
#include "kt.h"
#include "virtio_wasm.h"

#define BLK_T_IN 0
#define SECTOR 512
#define CAP_MSIX 0x11

static nb_handle dev;

/* The offset of capability id in dev's list, or 0. */
static uint32_t find_cap(uint32_t id)
{
	uint32_t off = 0, v = 0;

	nb_pci_config_read(dev, 0x34, 1, &off);
	for (int n = 0; off >= 0x40 && n < 48; n++) {
		nb_pci_config_read(dev, off, 1, &v);
		if (v == id)
			return off;
		nb_pci_config_read(dev, off + 1, 1, &off);
	}
	return 0;
}

static void config_space(void)
{
	uint32_t v = 0, msix = find_cap(CAP_MSIX);
	nb_handle ro;

	EXPECT("read ids", nb_pci_config_read(dev, 0, 4, &v), NB_OK);
	EXPECT("vendor:device", v, 0x10421af4u);
	EXPECT("read 16", nb_pci_config_read(dev, 2, 2, &v), NB_OK);
	EXPECT("device id", v, 0x1042);
	EXPECT("read at 255", nb_pci_config_read(dev, 255, 1, &v), NB_OK);
	EXPECT("read at 256", nb_pci_config_read(dev, 256, 1, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("read at 2^32-4", nb_pci_config_read(dev, 0xfffffffcu, 4, &v),
	       NB_ERR_OUT_OF_RANGE);
	EXPECT("read misaligned", nb_pci_config_read(dev, 2, 4, &v),
	       NB_ERR_INVALID_ARGS);
	EXPECT("read width 3", nb_pci_config_read(dev, 0, 3, &v),
	       NB_ERR_INVALID_ARGS);
	EXPECT("read bad pointer",
	       nb_pci_config_read(dev, 0, 4, (uint32_t *)0xfffffff0u),
	       NB_ERR_FAULT);
	EXPECT("write bar4", nb_pci_config_write(dev, 0x20, 4, 0x1000),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("write bar4 byte", nb_pci_config_write(dev, 0x21, 1, 0x10),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("write interrupt line", nb_pci_config_write(dev, 0x3c, 1, 3),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("msix capability found", msix != 0, 1);
	EXPECT("write msix control",
	       nb_pci_config_write(dev, msix + 2, 2, 0x8000),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("write msix table offset",
	       nb_pci_config_write(dev, msix + 4, 4, 0), NB_ERR_ACCESS_DENIED);
	/* The command register: only memory, bus master, INTx disable. */
	EXPECT("write command", nb_pci_config_write(dev, 4, 2, 0xffff), NB_OK);
	nb_pci_config_read(dev, 4, 2, &v);
	EXPECT("command kept to driver bits", v & ~0x0547u, 0);
	EXPECT("intx disable set", (v & 0x400) != 0, 1);
	EXPECT("write command back", nb_pci_config_write(dev, 4, 2, 6), NB_OK);
	nb_pci_config_read(dev, 4, 2, &v);
	EXPECT("intx enabled, memory and master on", v & 0x406, 6);
	/* Handles. */
	EXPECT("forged handle", nb_pci_config_read(0x12345, 0, 4, &v),
	       NB_ERR_BAD_HANDLE);
	EXPECT("dup read-only", nb_handle_duplicate(dev, NB_RIGHT_READ, &ro),
	       NB_OK);
	EXPECT("read-only reads", nb_pci_config_read(ro, 0, 2, &v), NB_OK);
	EXPECT("read-only writes", nb_pci_config_write(ro, 4, 2, 6),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("read-only bar", nb_pci_bar(ro, 4, &v), NB_ERR_ACCESS_DENIED);
	EXPECT("read-only dma", nb_dma_create(ro, 4096, &v),
	       NB_ERR_ACCESS_DENIED);
	nb_handle_close(ro);
	EXPECT("closed handle", nb_pci_config_read(ro, 0, 2, &v),
	       NB_ERR_BAD_HANDLE);
}

static void bars_and_dma(void)
{
	nb_handle bar, ro, dma, nomanage, vmo;
	uint32_t size = 0, v;
	uint64_t pa = 0;
	void *p = aligned_alloc(NB_PAGE_SIZE, 4 * NB_PAGE_SIZE);

	EXPECT("bar index 6", nb_pci_bar(dev, 6, &bar), NB_ERR_INVALID_ARGS);
	EXPECT("empty bar 0", nb_pci_bar(dev, 0, &bar), NB_ERR_NOT_SUPPORTED);
	EXPECT("msix table bar 1", nb_pci_bar(dev, 1, &bar),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("bar bad pointer", nb_pci_bar(dev, 4, (nb_handle *)0xfffffff0u),
	       NB_ERR_FAULT);
	EXPECT("bar 4", nb_pci_bar(dev, 4, &bar), NB_OK);
	EXPECT("bar 4 size", nb_vmo_size(bar, &size), NB_OK);
	EXPECT("bar 4 is 16 KiB", size, 0x4000);
	EXPECT("config on a vmo", nb_pci_config_read(bar, 0, 4, &v),
	       NB_ERR_WRONG_TYPE);
	EXPECT("dup bar read-only",
	       nb_handle_duplicate(bar, NB_RIGHT_READ, &ro), NB_OK);
	EXPECT("map read-only bar writable",
	       nb_vm_map(ro, 0, p, size, NB_MAP_WRITE), NB_ERR_ACCESS_DENIED);
	EXPECT("map read-only bar", nb_vm_map(ro, 0, p, size, 0), NB_OK);
	/* The common configuration's first register (device feature
	 * select) reads as what was last written: 0 after reset. */
	EXPECT("unmap bar", nb_vm_unmap(p, size), NB_OK);
	EXPECT("map past bar", nb_vm_map(bar, NB_PAGE_SIZE, p, size, 0),
	       NB_ERR_OUT_OF_RANGE);
	nb_handle_close(ro);
	nb_handle_close(bar);
	EXPECT("dma size 0", nb_dma_create(dev, 0, &dma), NB_ERR_INVALID_ARGS);
	EXPECT("dma too large", nb_dma_create(dev, NB_DMA_MAX_SIZE + 1, &dma),
	       NB_ERR_INVALID_ARGS);
	EXPECT("dma on a vmo", nb_dma_create(bar, 4096, &dma),
	       NB_ERR_BAD_HANDLE);
	EXPECT("dma", nb_dma_create(dev, 3 * NB_PAGE_SIZE, &dma), NB_OK);
	EXPECT("dma physical", nb_vmo_physical(dma, &pa), NB_OK);
	EXPECT("dma physical page aligned", pa && pa % NB_PAGE_SIZE == 0, 1);
	EXPECT("dma physical bad pointer",
	       nb_vmo_physical(dma, (uint64_t *)0xfffffffcu), NB_ERR_FAULT);
	EXPECT("dup dma without manage",
	       nb_handle_duplicate(dma, NB_RIGHT_READ | NB_RIGHT_WRITE,
				   &nomanage),
	       NB_OK);
	EXPECT("dma physical without manage", nb_vmo_physical(nomanage, &pa),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("vmo", nb_vmo_create(4096, &vmo), NB_OK);
	EXPECT("physical of a plain vmo", nb_vmo_physical(vmo, &pa),
	       NB_ERR_ACCESS_DENIED);
	EXPECT("forged dma handle", nb_vmo_physical(0x7777, &pa),
	       NB_ERR_BAD_HANDLE);
	EXPECT("msix entry past table", nb_pci_interrupt(dev, 5000, &v),
	       NB_ERR_OUT_OF_RANGE);
	nb_handle_close(nomanage);
	nb_pci_config_read(dev, 4, 2, &v);
	EXPECT("bus mastering on while dma lives", v & 4, 4);
	nb_handle_close(dma);
	nb_pci_config_read(dev, 4, 2, &v);
	EXPECT("dma gone: bus mastering off", v & 4, 0);
	nb_handle_close(vmo);
	free(p);
}

/* Reads sector n through queue q and waits on irq (INTx: the ISR status
 * is read, as the line is shared and level-triggered). */
static void read_sector(struct virtio *v, struct vq *q, struct vio_wasm *w,
			nb_handle irq, uint32_t n, bool intx)
{
	uint64_t pa;
	uint8_t *buf = vio_wasm_ops.dma(w, NB_PAGE_SIZE, &pa);
	uint32_t *hdr = (uint32_t *)buf, len = 0;
	struct vq_buf bufs[3] = {{pa, 16, false},
				 {pa + 512, SECTOR, true},
				 {pa + 1024, 1, true}};
	nb_signals seen = 0;
	uint16_t id = 0xffff;
	int head;
	char label[40];

	if (!buf) {
		printf("FAIL sector %u: no DMA memory (%d)\n", n, w->err);
		kt_failed++;
		return;
	}
	hdr[0] = BLK_T_IN;
	hdr[1] = 0;
	hdr[2] = n;
	hdr[3] = 0;
	buf[1024] = 0xff;
	head = vq_add(q, bufs, 3);
	EXPECT("request queued", head >= 0, 1);
	vq_kick(q);
	snprintf(label, sizeof label, "sector %u interrupt", n);
	EXPECT(label,
	       nb_object_wait_one(irq, NB_SIGNAL_SIGNALED,
				  nb_clock_monotonic() + 60000000000ll, &seen),
	       NB_OK);
	if (intx)
		EXPECT("isr says queue", virtio_isr(v) & 1, 1);
	EXPECT("used", vq_used(q, &id, &len), true);
	EXPECT("used id", id, head);
	EXPECT("status ok", buf[1024], 0);
	EXPECT("ack", nb_interrupt_ack(irq), NB_OK);
	EXPECT("nothing more", vq_used(q, &id, &len), false);
	buf[512 + 100] = 0;
	printf("sector %u: %s\n", n, (char *)buf + 512);
}

/* Opens the device, negotiates, sets queue 0 up to MSI-X entry msix. */
static bool start(struct virtio *v, struct vq *q, struct vio_wasm *w,
		  uint16_t msix)
{
	if (virtio_open(v, &vio_wasm_ops, w)) {
		printf("FAIL virtio_open (%d)\n", w->err);
		kt_failed++;
		return false;
	}
	EXPECT("negotiate", virtio_negotiate(v, 0), 0);
	EXPECT("version 1", (v->features & VIRTIO_F_VERSION_1) != 0, 1);
	EXPECT("queue 0", virtio_queue_setup(v, q, 0, 16, msix), 0);
	virtio_ready(v);
	EXPECT("capacity at least 2 sectors", virtio_config(v, 0, 4) >= 2, 1);
	return true;
}

int main(void)
{
	struct vio_wasm w = {0};
	struct virtio v;
	static struct vq q;
	nb_handle irq, again;

	dev = nb_startup_handle(0);
	EXPECT("pci handle", dev != NB_HANDLE_INVALID, 1);
	w.dev = dev;
	config_space();
	bars_and_dma();
	/* MSI-X: entry 0 for queue 0. */
	EXPECT("msix 0", nb_pci_interrupt(dev, 0, &irq), NB_OK);
	EXPECT("msix 0 twice", nb_pci_interrupt(dev, 0, &again),
	       NB_ERR_BAD_STATE);
	if (start(&v, &q, &w, 0))
		read_sector(&v, &q, &w, irq, 0, false);
	/* INTx: MSI-X off once its last interrupt object is gone. */
	virtio_reset(&v);
	nb_handle_close(irq);
	EXPECT("intx", nb_pci_interrupt(dev, NB_PCI_INTX, &irq), NB_OK);
	EXPECT("intx twice", nb_pci_interrupt(dev, NB_PCI_INTX, &again),
	       NB_ERR_BAD_STATE);
	if (start(&v, &q, &w, VIRTIO_NO_VECTOR))
		read_sector(&v, &q, &w, irq, 1, true);
	virtio_reset(&v);
	printf("done\n");
	return kt_failed != 0;
}
