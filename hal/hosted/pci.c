/*
 * pci.c: the PCI part of hal.h for a Linux process, which has no devices
 * of its own: no functions, no device memory, no DMA, no MSI vectors.
 * The kernel's device calls give NB_ERR_NOT_SUPPORTED here.
 */
#include "hal/hal.h"

unsigned hal_pci_count(void)
{
	return 0;
}

const struct hal_pci_func *hal_pci_func(unsigned i)
{
	(void)i;
	return NULL;
}

uint32_t hal_pci_read(unsigned i, unsigned off, unsigned width)
{
	(void)i;
	(void)off;
	(void)width;
	return 0xffffffffu;
}

void hal_pci_write(unsigned i, unsigned off, unsigned width, uint32_t v)
{
	(void)i;
	(void)off;
	(void)width;
	(void)v;
}

hal_shm *hal_shm_create_mmio(uint64_t pa, size_t len)
{
	(void)pa;
	(void)len;
	return NULL;
}

hal_shm *hal_shm_create_dma(size_t len)
{
	(void)len;
	return NULL;
}

uint64_t hal_shm_phys(hal_shm *s)
{
	(void)s;
	return 0;
}

int hal_msi_alloc(uint64_t *addr, uint32_t *data)
{
	(void)addr;
	(void)data;
	return -1;
}

void hal_msi_free(int n)
{
	(void)n;
}

uint32_t hal_msi_take(void)
{
	return 0;
}
