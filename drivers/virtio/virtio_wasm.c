/*
 * virtio_wasm.c: virtio_pci.h's device access for wasm drivers: the
 * configuration space through pci_config_read, a BAR as the memory
 * object of pci_bar mapped with vm_map, DMA memory from dma_create with
 * its bus address from vmo_physical. A failing call's status is kept in
 * ctx->err for the driver to report.
 */
#include <stdlib.h>

#include "virtio_wasm.h"

static uint32_t wasm_cfg_read(void *ctx, unsigned off, unsigned width)
{
	struct vio_wasm *w = ctx;
	uint32_t v;
	nb_status s = nb_pci_config_read(w->dev, off, width, &v);

	if (s) {
		w->err = s;
		return 0xffffffffu;
	}
	return v;
}

static void wasm_cfg_write(void *ctx, unsigned off, unsigned width, uint32_t v)
{
	struct vio_wasm *w = ctx;
	nb_status s = nb_pci_config_write(w->dev, off, width, v);

	if (s)
		w->err = s;
}

/* Maps memory object h (len bytes) at fresh pages; NULL on failure.
 * The mapping holds the object, so h is closed (unless kept). */
static void *map_new(struct vio_wasm *w, nb_handle h, uint32_t len, bool keep)
{
	void *p = aligned_alloc(NB_PAGE_SIZE, len);
	nb_status s =
		p ? nb_vm_map(h, 0, p, len, NB_MAP_WRITE) : NB_ERR_NO_MEMORY;

	if (s || !keep)
		nb_handle_close(h);
	if (s) {
		free(p);
		w->err = s;
		return NULL;
	}
	return p;
}

static volatile uint8_t *wasm_bar(void *ctx, unsigned index, uint32_t *len)
{
	struct vio_wasm *w = ctx;
	nb_handle h;
	nb_status s;

	if (index >= 6)
		return NULL;
	if (!w->bar[index]) {
		if ((s = nb_pci_bar(w->dev, index, &h)) ||
		    (s = nb_vmo_size(h, &w->bar_len[index]))) {
			w->err = s;
			return NULL;
		}
		w->bar[index] = map_new(w, h, w->bar_len[index], false);
	}
	*len = w->bar_len[index];
	return w->bar[index];
}

static void *wasm_dma(void *ctx, uint32_t len, uint64_t *phys)
{
	struct vio_wasm *w = ctx;
	nb_handle h;
	nb_status s;

	if ((s = nb_dma_create(w->dev, len, &h)))
		goto fail;
	if ((s = nb_vmo_physical(h, phys))) {
		nb_handle_close(h);
		goto fail;
	}
	w->last_dma = h;
	return map_new(w, h, len, w->keep_dma);
fail:
	w->err = s;
	return NULL;
}

const struct vio_ops vio_wasm_ops = {wasm_cfg_read, wasm_cfg_write, wasm_bar,
				     wasm_dma};
