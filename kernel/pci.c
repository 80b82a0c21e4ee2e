/*
 * pci.c: PCI device objects and their calls (nebulet_calls.h): a
 * function's configuration space, its memory BARs as memory objects, DMA
 * memory, and its interrupts (MSI-X entries, or INTx).
 *
 * A device object is bound to one function (the HAL's numbering,
 * hal_pci_func) while it lives. What a driver holding one can reach:
 * that function's configuration registers, with writes that could move
 * its BARs, retarget its interrupts or reach beyond it refused
 * (cfg_write_allowed); its memory BARs, except one holding the MSI-X
 * table or PBA (the kernel alone writes those); DMA memory it made; and
 * the physical addresses of that memory. Without an IOMMU the device
 * itself can still be told to DMA anywhere (kernel/README.md, "Devices").
 *
 * The MSI-X table is mapped for the kernel (hal_shm_create_mmio) when
 * the first entry is bound; MSI-X is enabled while entries are bound and
 * disabled when the last goes. Destroying the device object, or any
 * DMA memory made for it, turns its bus mastering off, so a device never
 * writes pages that went back to the allocator (a killed driver's); the
 * next driver turns it on again through the command register.
 */
#include "kernel/device.h"
#include "kernel/syscall.h"

#define MAX_BOUND 64
#define REG_COMMAND 0x04
#define REG_STATUS 0x06
#define REG_CAPS 0x34
#define CMD_MEMORY 0x2
#define CMD_MASTER 0x4
#define CMD_INTX_OFF 0x400
#define CMD_DRIVER (CMD_MEMORY | CMD_MASTER | CMD_INTX_OFF)
#define STATUS_CAPS 0x10
#define CAP_MSI 0x05
#define CAP_MSIX 0x11
#define MSIX_ENABLE 0x8000
#define MSIX_MASKALL 0x4000
#define MSIX_ENTRY 16
#define MAX_MSIX 64
#define PCI_RIGHTS                                                             \
	(NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_DUPLICATE |                 \
	 NB_RIGHT_TRANSFER)
#define VMO_RIGHTS PCI_RIGHTS

static struct pcidev *bound[MAX_BOUND];
static uint64_t msix_bound[MAX_BOUND]; /* entries bound, per function */

int pcidev_find(uint16_t vendor, uint16_t device, unsigned nth)
{
	const struct hal_pci_func *f;

	for (unsigned i = 0; (f = hal_pci_func(i)); i++)
		if (f->vendor == vendor && f->device == device && nth-- == 0)
			return (int)i;
	return -1;
}

static uint32_t cfg(const struct pcidev *d, unsigned off, unsigned width)
{
	return hal_pci_read(d->idx, off, width);
}

/* Finds the MSI and MSI-X capabilities (at most 48 in the list). */
static void find_caps(struct pcidev *d)
{
	unsigned off, n = 0;
	uint32_t t;

	if (!(cfg(d, REG_STATUS, 2) & STATUS_CAPS))
		return;
	for (off = cfg(d, REG_CAPS, 1) & 0xfc; off >= 0x40 && n < 48;
	     off = cfg(d, off + 1, 1) & 0xfc, n++) {
		if (cfg(d, off, 1) == CAP_MSI)
			d->msi_cap = (uint8_t)off;
		if (cfg(d, off, 1) != CAP_MSIX)
			continue;
		d->msix_cap = (uint8_t)off;
		d->msix_n = (cfg(d, off + 2, 2) & 0x7ff) + 1;
		t = cfg(d, off + 4, 4);
		d->msix_bar = t & 7;
		d->msix_off = t & ~7u;
		t = cfg(d, off + 8, 4);
		d->pba_bar = t & 7;
		d->pba_off = t & ~7u;
	}
}

nb_status pcidev_create(int idx, struct pcidev **out)
{
	struct pcidev *d;

	if (idx < 0 || !hal_pci_func((unsigned)idx) || idx >= MAX_BOUND)
		return NB_ERR_NOT_SUPPORTED;
	if (bound[idx])
		return NB_ERR_BAD_STATE;
	if (!(d = kobj_alloc(sizeof *d, KOBJ_PCI)))
		return NB_ERR_NO_MEMORY;
	d->idx = (unsigned)idx;
	find_caps(d);
	hal_pci_write(d->idx, REG_COMMAND, 2,
		      cfg(d, REG_COMMAND, 2) | CMD_MEMORY | CMD_MASTER);
	bound[idx] = d;
	*out = d;
	return NB_OK;
}

static void master_off(struct pcidev *d)
{
	hal_pci_write(d->idx, REG_COMMAND, 2,
		      cfg(d, REG_COMMAND, 2) & ~CMD_MASTER);
}

void pcidev_dma_gone(struct pcidev *d)
{
	master_off(d);
	kobj_release(&d->o);
}

/* Every interrupt object and DMA memory is gone (each held a
 * reference): DMA stops. */
void pcidev_destroy(struct pcidev *d)
{
	master_off(d);
	if (d->msix)
		hal_shm_destroy(d->msix);
	bound[d->idx] = NULL;
	kobj_free(&d->o);
}

/* True if [off, off+width) meets the capability at cap (len bytes). */
static bool meets(unsigned off, unsigned width, unsigned cap, unsigned len)
{
	return cap && off < cap + len && cap < off + width;
}

/* Whether a driver may write [off, off+width); *v is adjusted for the
 * command register (only CMD_DRIVER bits change). */
static nb_status cfg_write_allowed(struct pcidev *d, unsigned off,
				   unsigned width, uint32_t *v)
{
	if (off == REG_COMMAND && width == 2) {
		*v = (cfg(d, off, 2) & ~CMD_DRIVER) | (*v & CMD_DRIVER);
		return NB_OK;
	}
	if (off == REG_STATUS && width == 2)
		return NB_OK;
	if (off < 0x40 || meets(off, width, d->msi_cap, 24) ||
	    meets(off, width, d->msix_cap, 12))
		return NB_ERR_ACCESS_DENIED;
	return NB_OK;
}

/* Checks offset and width, then handle and right. */
static nb_status cfg_check(struct ucall *u, uint32_t h, nb_rights need,
			   uint32_t off, uint32_t width, struct pcidev **d)
{
	struct kobj *o;
	nb_status s;

	if (!hal_pci_count())
		return NB_ERR_NOT_SUPPORTED;
	if ((width != 1 && width != 2 && width != 4) || off % width)
		return NB_ERR_INVALID_ARGS;
	if ((s = htable_get(&u->p->handles, h, KOBJ_PCI, need, &o)))
		return s;
	*d = (struct pcidev *)o;
	return off >= 256 ? NB_ERR_OUT_OF_RANGE : NB_OK;
}

nb_status sys_pci_config_read(struct ucall *u, uint32_t h, uint32_t offset,
			      uint32_t width, uint32_t value)
{
	struct pcidev *d;
	nb_status s;

	if (hal_pci_count() && !range_ok(u, value, 4))
		return NB_ERR_FAULT;
	if ((s = cfg_check(u, h, NB_RIGHT_READ, offset, width, &d)))
		return s;
	put32(u, value, cfg(d, offset, width));
	return NB_OK;
}

nb_status sys_pci_config_write(struct ucall *u, uint32_t h, uint32_t offset,
			       uint32_t width, uint32_t value)
{
	struct pcidev *d;
	nb_status s;

	if ((s = cfg_check(u, h, NB_RIGHT_WRITE, offset, width, &d)) ||
	    (s = cfg_write_allowed(d, offset, width, &value)))
		return s;
	hal_pci_write(d->idx, offset, width, value);
	return NB_OK;
}

/* The device object behind h, with WRITE; NOT_SUPPORTED hosted. */
static nb_status get_dev(struct ucall *u, uint32_t h, struct pcidev **d)
{
	struct kobj *o;
	nb_status s;

	if (!hal_pci_count())
		return NB_ERR_NOT_SUPPORTED;
	if ((s = htable_get(&u->p->handles, h, KOBJ_PCI, NB_RIGHT_WRITE, &o)))
		return s;
	*d = (struct pcidev *)o;
	return NB_OK;
}

nb_status sys_pci_bar(struct ucall *u, uint32_t h, uint32_t index, uint32_t out)
{
	const struct hal_pci_func *f;
	struct pcidev *d;
	struct vmo *v;
	hal_shm *shm;
	uint64_t size;
	nb_status s;

	if (hal_pci_count() && index >= HAL_PCI_BARS)
		return NB_ERR_INVALID_ARGS;
	if (hal_pci_count() && !range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if ((s = get_dev(u, h, &d)))
		return s;
	f = hal_pci_func(d->idx);
	size = (f->bar[index].size + NB_PAGE_SIZE - 1) & ~(NB_PAGE_SIZE - 1ull);
	if (!size || (f->bar[index].flags & HAL_PCI_BAR_IO) ||
	    size > NB_VMO_MAX_SIZE)
		return NB_ERR_NOT_SUPPORTED;
	if (d->msix_cap && (d->msix_bar == index || d->pba_bar == index))
		return NB_ERR_ACCESS_DENIED;
	if (!(shm = hal_shm_create_mmio(f->bar[index].addr, size)))
		return NB_ERR_NO_MEMORY;
	if ((s = vmo_adopt(shm, (uint32_t)size, 0, &v)))
		return s;
	return add_new(u, &v->o, VMO_RIGHTS, out);
}

/* Entry e of d's MSI-X table, in the kernel's view (mapped on first
 * use); NULL if out of memory. */
static volatile uint32_t *msix_entry(struct pcidev *d, uint32_t e)
{
	const struct hal_pci_func *f = hal_pci_func(d->idx);
	uint64_t start = d->msix_off & ~(NB_PAGE_SIZE - 1ull);
	uint64_t end = d->msix_off + (uint64_t)d->msix_n * MSIX_ENTRY;

	end = (end + NB_PAGE_SIZE - 1) & ~(NB_PAGE_SIZE - 1ull);
	if (!d->msix && d->msix_bar < HAL_PCI_BARS &&
	    end <= ((f->bar[d->msix_bar].size + NB_PAGE_SIZE - 1) &
		    ~(NB_PAGE_SIZE - 1ull)))
		d->msix = hal_shm_create_mmio(f->bar[d->msix_bar].addr + start,
					      end - start);
	if (!d->msix)
		return NULL;
	return (volatile uint32_t *)((char *)hal_shm_data(d->msix) +
				     (d->msix_off - start) + e * MSIX_ENTRY);
}

/* Sets or clears MSI-X enable in d's capability (function mask off). */
static void msix_enable(struct pcidev *d, bool on)
{
	uint32_t c = cfg(d, d->msix_cap + 2, 2) & ~(MSIX_ENABLE | MSIX_MASKALL);
	hal_pci_write(d->idx, d->msix_cap + 2u, 2, c | (on ? MSIX_ENABLE : 0));
}

/* Binds MSI-X entry e of d to a new MSI vector and its object. */
static nb_status msix_bind(struct pcidev *d, uint32_t e, struct interrupt **out)
{
	volatile uint32_t *t;
	uint64_t addr;
	uint32_t data;
	int n;
	nb_status s;

	if (!d->msix_cap)
		return NB_ERR_NOT_SUPPORTED;
	if (e >= d->msix_n || e >= MAX_MSIX)
		return NB_ERR_OUT_OF_RANGE;
	if (msix_bound[d->idx] & (1ull << e))
		return NB_ERR_BAD_STATE;
	if (!(t = msix_entry(d, e)))
		return NB_ERR_NO_MEMORY;
	if ((n = hal_msi_alloc(&addr, &data)) < 0)
		return NB_ERR_NO_RESOURCES;
	if ((s = interrupt_create_msi(n, out))) {
		hal_msi_free(n);
		return s;
	}
	t[3] = 1; /* masked while it changes */
	t[0] = (uint32_t)addr;
	t[1] = (uint32_t)(addr >> 32);
	t[2] = data;
	t[3] = 0;
	kobj_retain(&d->o);
	(*out)->dev = d;
	(*out)->entry = e;
	msix_bound[d->idx] |= 1ull << e;
	if (d->msix_users++ == 0)
		msix_enable(d, true);
	return NB_OK;
}

void pcidev_msix_release(struct interrupt *i)
{
	struct pcidev *d = i->dev;
	volatile uint32_t *t = msix_entry(d, i->entry);

	if (t)
		t[3] = 1;
	msix_bound[d->idx] &= ~(1ull << i->entry);
	if (--d->msix_users == 0)
		msix_enable(d, false);
	kobj_release(&d->o);
}

nb_status pcidev_interrupt(struct pcidev *d, uint32_t vector,
			   struct interrupt **out)
{
	uint8_t line;

	if (vector != NB_PCI_INTX)
		return msix_bind(d, vector, out);
	if ((line = hal_pci_func(d->idx)->irq) == 0xff)
		return NB_ERR_NOT_SUPPORTED;
	return interrupt_create(line, out);
}

nb_status sys_pci_interrupt(struct ucall *u, uint32_t h, uint32_t vector,
			    uint32_t out)
{
	struct pcidev *d;
	struct interrupt *i;
	nb_status s;

	if (hal_pci_count() && !range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if ((s = get_dev(u, h, &d)) || (s = pcidev_interrupt(d, vector, &i)))
		return s;
	return add_new(u, &i->o,
		       NB_RIGHT_WAIT | NB_RIGHT_WRITE | NB_RIGHT_DUPLICATE |
			       NB_RIGHT_TRANSFER,
		       out);
}

nb_status sys_dma_create(struct ucall *u, uint32_t h, uint32_t size,
			 uint32_t out)
{
	struct pcidev *d;
	struct vmo *v;
	hal_shm *shm;
	nb_status s;

	size = (size + NB_PAGE_SIZE - 1) & ~(NB_PAGE_SIZE - 1);
	if (hal_pci_count() && (size == 0 || size > NB_DMA_MAX_SIZE))
		return NB_ERR_INVALID_ARGS;
	if (hal_pci_count() && !range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if ((s = get_dev(u, h, &d)))
		return s;
	if (!(shm = hal_shm_create_dma(size)))
		return NB_ERR_NO_MEMORY;
	if ((s = vmo_adopt(shm, size, size, &v)))
		return s;
	kobj_retain(&d->o);
	v->dev = d;
	return add_new(u, &v->o, VMO_RIGHTS | NB_RIGHT_MANAGE, out);
}

nb_status sys_vmo_physical(struct ucall *u, uint32_t h, uint32_t phys)
{
	struct kobj *o;
	uint64_t pa;
	nb_status s;

	if (!hal_pci_count())
		return NB_ERR_NOT_SUPPORTED;
	if (!range_ok(u, phys, 8))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, h, KOBJ_VMO, NB_RIGHT_MANAGE, &o)))
		return s;
	if (((struct vmo *)o)->lender ||
	    !(pa = hal_shm_phys(((struct vmo *)o)->shm)))
		return NB_ERR_WRONG_TYPE;
	memcpy(u->mem + phys, &pa, 8);
	return NB_OK;
}
