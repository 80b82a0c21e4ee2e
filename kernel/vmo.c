/*
 * vmo.c: memory objects, their mappings into linear memories, and pages
 * objects (page flipping).
 *
 * A memory object is HAL shared memory (hal_shm): the kernel reads and
 * writes it through hal_shm_data, and vm_map makes its pages appear in a
 * process's linear memory too (inside the memory's reservation, so the
 * nucleus needs to know nothing: loads and stores simply reach the
 * object's pages). Each process keeps a list of its mappings; each holds
 * a reference to its object. When the process ends its store (with the
 * reservation) goes first, then vm_forget drops the records.
 *
 * A loan (vmo_lend) is a memory object over another's pages that its
 * lender can take back (vmo_revoke): the zero-copy buffers a driver
 * lends a client (EthernetNic.send_inplace). It keeps its mappings in a
 * list of its own (with each memory's base), so that revoking replaces
 * them, in whichever process, by read-only zero pages: a store after
 * that traps. Revoked, it can no longer be mapped, read or written.
 *
 * A pages object holds private pages moved out of a linear memory
 * (hal_vm_move) into a reservation of the kernel's own; moving them in
 * elsewhere moves them again. Neither step copies: the basis of
 * zero-copy I/O.
 */
#include <stdlib.h>

#include "kernel/object.h"

#define RW (HAL_PROT_READ | HAL_PROT_WRITE)

nb_status vmo_create(uint32_t size, struct vmo **out)
{
	struct vmo *v = kobj_alloc(sizeof *v, KOBJ_VMO);

	if (!v)
		return NB_ERR_NO_MEMORY;
	if (kobj_charge(&v->o, size) || !(v->shm = hal_shm_create(size))) {
		kobj_free(&v->o);
		return NB_ERR_NO_MEMORY;
	}
	v->size = size;
	*out = v;
	return NB_OK;
}

nb_status vmo_adopt(hal_shm *shm, uint32_t size, uint64_t charge,
		    struct vmo **out)
{
	struct vmo *v = kobj_alloc(sizeof *v, KOBJ_VMO);

	if (!v || kobj_charge(&v->o, charge)) {
		if (v)
			kobj_free(&v->o);
		hal_shm_destroy(shm);
		return NB_ERR_NO_MEMORY;
	}
	v->shm = shm;
	v->size = size;
	*out = v;
	return NB_OK;
}

/* The last reference is gone, so is every mapping. DMA memory's device
 * stops mastering first, so that it never writes the freed pages. */
void vmo_destroy(struct vmo *v)
{
	if (v->lender) { /* its mappings, which held it, are gone */
		kobj_release(&v->lender->o);
		kobj_free(&v->o);
		return;
	}
	if (v->dev)
		pcidev_dma_gone(v->dev);
	hal_shm_destroy(v->shm);
	kobj_free(&v->o);
}

uint8_t *vmo_data(struct vmo *v)
{
	return hal_shm_data(v->shm);
}

nb_status vmo_lend(struct vmo *v, struct vmo **out)
{
	struct vmo *l;

	if (v->lender)
		return NB_ERR_NOT_SUPPORTED;
	if (!(l = kobj_alloc(sizeof *l, KOBJ_VMO)))
		return NB_ERR_NO_MEMORY;
	kobj_retain(&v->o);
	l->lender = v;
	l->shm = v->shm;
	l->size = v->size;
	*out = l;
	return NB_OK;
}

nb_status vmo_revoke(struct vmo *l)
{
	nb_status s = NB_OK;

	l->revoked = true;
	for (struct kmap *m = l->loan_maps; m; m = m->next_loan)
		if (!hal_shm_unmap(m->mem + m->addr, m->len, HAL_PROT_READ))
			s = NB_ERR_NO_MEMORY;
	return s;
}

/* Removes m from its loan's list of mappings (if its object is one). */
static void loan_unlink(struct kmap *m)
{
	struct kmap **pm = &m->vmo->loan_maps;

	if (!m->vmo->lender)
		return;
	while (*pm && *pm != m)
		pm = &(*pm)->next_loan;
	if (*pm)
		*pm = m->next_loan;
}

/* True if [addr, addr+len) meets one of p's mappings. */
bool vm_overlaps(struct process *p, uint32_t addr, uint32_t len)
{
	for (struct kmap *m = p->maps; m; m = m->next)
		if ((uint64_t)addr < (uint64_t)m->addr + m->len &&
		    (uint64_t)m->addr < (uint64_t)addr + len)
			return true;
	return false;
}

nb_status vm_map(struct process *p, uint8_t *mem, struct vmo *v, uint32_t off,
		 uint32_t addr, uint32_t len, bool write)
{
	struct kmap *m;

	if (vm_overlaps(p, addr, len) || v->revoked)
		return NB_ERR_BAD_STATE;
	if (!(m = kmem_alloc(sizeof *m, false)))
		return NB_ERR_NO_MEMORY;
	if (!hal_shm_map(v->shm, off, mem + addr, len,
			 write ? RW : HAL_PROT_READ)) {
		free(m);
		return NB_ERR_NO_MEMORY;
	}
	kobj_retain(&v->o);
	m->vmo = v;
	m->addr = addr;
	m->len = len;
	m->next = p->maps;
	p->maps = m;
	m->mem = mem;
	m->next_loan = NULL;
	if (v->lender) {
		m->next_loan = v->loan_maps;
		v->loan_maps = m;
	}
	return NB_OK;
}

nb_status vm_unmap(struct process *p, uint8_t *mem, uint32_t addr, uint32_t len)
{
	for (struct kmap **pm = &p->maps, *m; (m = *pm); pm = &m->next) {
		if (m->addr != addr || m->len != len)
			continue;
		if (!hal_shm_unmap(mem + addr, len, RW))
			return NB_ERR_NO_MEMORY;
		*pm = m->next;
		loan_unlink(m);
		kobj_release(&m->vmo->o);
		free(m);
		return NB_OK;
	}
	return NB_ERR_BAD_STATE;
}

void vm_forget(struct process *p)
{
	struct kmap *m;

	while ((m = p->maps)) {
		p->maps = m->next;
		loan_unlink(m);
		kobj_release(&m->vmo->o);
		free(m);
	}
}

/* Moves [addr, addr+len) of mem (private pages) into a new pages object;
 * the range reads as zero after. */
nb_status pages_move_out(uint8_t *mem, uint32_t addr, uint32_t len,
			 struct pages **out)
{
	struct pages *g = kobj_alloc(sizeof *g, KOBJ_PAGES);

	if (!g)
		return NB_ERR_NO_MEMORY;
	if (kobj_charge(&g->o, len) || !(g->base = hal_vm_reserve(len))) {
		kobj_free(&g->o);
		return NB_ERR_NO_MEMORY;
	}
	if (!hal_vm_protect(g->base, len, RW) ||
	    !hal_vm_move(mem + addr, g->base, len)) {
		hal_vm_release(g->base, len);
		kobj_free(&g->o);
		return NB_ERR_NO_MEMORY;
	}
	g->size = len;
	*out = g;
	return NB_OK;
}

/* Moves g's pages to [addr, addr+g->size) of mem; g is empty after. */
nb_status pages_move_in(struct pages *g, uint8_t *mem, uint32_t addr)
{
	if (!g->base)
		return NB_ERR_BAD_STATE;
	if (!hal_vm_move(g->base, mem + addr, g->size))
		return NB_ERR_NO_MEMORY;
	hal_vm_release(g->base, g->size);
	g->base = NULL;
	g->size = 0;
	return NB_OK;
}

void pages_destroy(struct pages *g)
{
	if (g->base)
		hal_vm_release(g->base, g->size);
	kobj_free(&g->o);
}
