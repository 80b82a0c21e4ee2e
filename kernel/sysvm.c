/*
 * sysvm.c: the kernel calls on priorities, timers, memory objects, page
 * flipping and threads (nebulet.h documents each), in the same order of
 * checks as syscall.c: counts, flags and alignment (INVALID_ARGS),
 * pointers (FAULT), handles (BAD_HANDLE, WRONG_TYPE, ACCESS_DENIED),
 * then state (OUT_OF_RANGE, BAD_STATE). The one exception is
 * vm_move_in, whose destination's length is the pages object's size:
 * its range is checked after the handle.
 */
#include "kernel/syscall.h"

#define TIMER_RIGHTS                                                           \
	(NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_WRITE |             \
	 NB_RIGHT_WAIT)
#define VMO_RIGHTS                                                             \
	(NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_READ |              \
	 NB_RIGHT_WRITE)
#define THREAD_RIGHTS                                                          \
	(NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_WAIT |              \
	 NB_RIGHT_MANAGE)

/* Looks up h, which must be of type a or b (WRONG_TYPE) with `need`. */
static nb_status get2(struct process *p, nb_handle h, enum kobj_type a,
		      enum kobj_type b, nb_rights need, struct kobj **o)
{
	nb_status s = htable_get(&p->handles, h, 0, 0, o);

	if (s)
		return s;
	if ((*o)->type != a && (*o)->type != b)
		return NB_ERR_WRONG_TYPE;
	return htable_get(&p->handles, h, 0, need, o);
}

/* Adds a handle to a new object (dropping it if that fails). */
nb_status add_new(struct ucall *u, struct kobj *o, nb_rights r, uint32_t out)
{
	nb_handle h;
	nb_status s = htable_add(&u->p->handles, o, r, &h);

	if (s) {
		kobj_release(o);
		return s;
	}
	put32(u, out, h);
	return NB_OK;
}

static bool page_aligned(uint32_t v)
{
	return v % NB_PAGE_SIZE == 0;
}

/* A process or a thread. */
nb_status sys_object_set_priority(struct ucall *u, uint32_t h,
				  uint32_t priority)
{
	struct kobj *o;
	nb_status s;

	if (priority > NB_PRIORITY_MAX)
		return NB_ERR_INVALID_ARGS;
	if ((s = get2(u->p, h, KOBJ_PROCESS, KOBJ_THREAD, NB_RIGHT_MANAGE, &o)))
		return s;
	if (o->type == KOBJ_PROCESS)
		process_set_priority((struct process *)o, priority);
	else if (!((struct kthread *)o)->ended)
		sched_set_priority((struct kthread *)o, priority);
	return NB_OK;
}

nb_status sys_timer_create(struct ucall *u, uint32_t out)
{
	struct timer *t;

	if (!range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if (!htable_room(&u->p->handles))
		return NB_ERR_NO_RESOURCES;
	if (!(t = timer_create()))
		return NB_ERR_NO_MEMORY;
	return add_new(u, &t->o, TIMER_RIGHTS, out);
}

nb_status sys_timer_set(struct ucall *u, uint32_t h, int64_t deadline)
{
	struct kobj *o;
	nb_status s;

	if ((s = htable_get(&u->p->handles, h, KOBJ_TIMER, NB_RIGHT_WRITE, &o)))
		return s;
	timer_set((struct timer *)o, deadline);
	return NB_OK;
}

/* Disarming is arming for a deadline that never comes (timer_set). */
nb_status sys_timer_cancel(struct ucall *u, uint32_t h)
{
	return sys_timer_set(u, h, NB_TIME_INFINITE);
}

nb_status sys_vmo_create(struct ucall *u, uint32_t size, uint32_t out)
{
	struct vmo *v;
	nb_status s;

	if (size == 0 || size > NB_VMO_MAX_SIZE)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if (!htable_room(&u->p->handles))
		return NB_ERR_NO_RESOURCES;
	size = (size + NB_PAGE_SIZE - 1) / NB_PAGE_SIZE * NB_PAGE_SIZE;
	if ((s = vmo_create(size, &v)))
		return s;
	return add_new(u, &v->o, VMO_RIGHTS, out);
}

/* The kernel's view of a memory or pages object, and its size. */
static uint8_t *object_bytes(struct kobj *o, uint32_t *size)
{
	if (o->type == KOBJ_VMO) {
		*size = ((struct vmo *)o)->size;
		return vmo_data((struct vmo *)o);
	}
	*size = ((struct pages *)o)->size;
	return ((struct pages *)o)->base;
}

nb_status sys_vmo_size(struct ucall *u, uint32_t h, uint32_t size)
{
	struct kobj *o;
	uint32_t n;
	nb_status s;

	if (!range_ok(u, size, 4))
		return NB_ERR_FAULT;
	if ((s = get2(u->p, h, KOBJ_VMO, KOBJ_PAGES, 0, &o)))
		return s;
	object_bytes(o, &n);
	put32(u, size, n);
	return NB_OK;
}

/* vmo_read / vmo_write: copies [offset, offset + len) of the object out
 * to buf or in from it. */
static nb_status vmo_copy(struct ucall *u, uint32_t h, uint32_t offset,
			  uint32_t buf, uint32_t len, bool write)
{
	struct kobj *o;
	uint32_t size;
	uint8_t *bytes;
	nb_status s;

	if (!range_ok(u, buf, len))
		return NB_ERR_FAULT;
	if ((s = get2(u->p, h, KOBJ_VMO, KOBJ_PAGES,
		      write ? NB_RIGHT_WRITE : NB_RIGHT_READ, &o)))
		return s;
	if (o->type == KOBJ_VMO && ((struct vmo *)o)->revoked)
		return NB_ERR_BAD_STATE;
	bytes = object_bytes(o, &size);
	if ((uint64_t)offset + len > size)
		return NB_ERR_OUT_OF_RANGE;
	if (len == 0)
		return NB_OK;
	if (write)
		memmove(bytes + offset, u->mem + buf, len);
	else
		memmove(u->mem + buf, bytes + offset, len);
	return NB_OK;
}

nb_status sys_vmo_read(struct ucall *u, uint32_t h, uint32_t offset,
		       uint32_t buf, uint32_t len)
{
	return vmo_copy(u, h, offset, buf, len, false);
}

nb_status sys_vmo_write(struct ucall *u, uint32_t h, uint32_t offset,
			uint32_t buf, uint32_t len)
{
	return vmo_copy(u, h, offset, buf, len, true);
}

nb_status sys_vm_map(struct ucall *u, uint32_t vmo, uint32_t offset,
		     uint32_t addr, uint32_t len, uint32_t flags)
{
	struct kobj *o;
	bool write = flags & NB_MAP_WRITE;
	nb_status s;

	if ((flags & ~NB_MAP_WRITE) || !page_aligned(offset) ||
	    !page_aligned(addr) || !page_aligned(len) || len == 0)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, addr, len))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, vmo, KOBJ_VMO,
			    NB_RIGHT_READ | (write ? NB_RIGHT_WRITE : 0), &o)))
		return s;
	if ((uint64_t)offset + len > ((struct vmo *)o)->size)
		return NB_ERR_OUT_OF_RANGE;
	return vm_map(u->p, u->mem, (struct vmo *)o, offset, addr, len, write);
}

nb_status sys_vmo_lend(struct ucall *u, uint32_t h, uint32_t out)
{
	struct kobj *o;
	nb_rights r;
	struct vmo *l;
	nb_status s;

	if (!range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, h, KOBJ_VMO, NB_RIGHT_READ, &o)) ||
	    (s = htable_rights(&u->p->handles, h, &r)))
		return s;
	if (!htable_room(&u->p->handles))
		return NB_ERR_NO_RESOURCES;
	if ((s = vmo_lend((struct vmo *)o, &l)))
		return s;
	return add_new(u, &l->o, (r & VMO_RIGHTS) | NB_RIGHT_MANAGE, out);
}

nb_status sys_vmo_revoke(struct ucall *u, uint32_t h)
{
	struct kobj *o;
	nb_status s;

	if ((s = htable_get(&u->p->handles, h, KOBJ_VMO, NB_RIGHT_MANAGE, &o)))
		return s;
	if (!((struct vmo *)o)->lender)
		return NB_ERR_WRONG_TYPE;
	return vmo_revoke((struct vmo *)o);
}

nb_status sys_vm_unmap(struct ucall *u, uint32_t addr, uint32_t len)
{
	if (!page_aligned(addr) || !page_aligned(len) || len == 0)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, addr, len))
		return NB_ERR_FAULT;
	return vm_unmap(u->p, u->mem, addr, len);
}

nb_status sys_vm_move_out(struct ucall *u, uint32_t addr, uint32_t len,
			  uint32_t out)
{
	struct pages *g;
	nb_status s;

	if (!page_aligned(addr) || !page_aligned(len) || len == 0 ||
	    len > NB_VMO_MAX_SIZE)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, addr, len) || !range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if (!htable_room(&u->p->handles))
		return NB_ERR_NO_RESOURCES;
	if (vm_overlaps(u->p, addr, len))
		return NB_ERR_BAD_STATE;
	if ((s = pages_move_out(u->mem, addr, len, &g)))
		return s;
	return add_new(u, &g->o, VMO_RIGHTS, out);
}

nb_status sys_vm_move_in(struct ucall *u, uint32_t pages, uint32_t addr)
{
	struct kobj *o;
	struct pages *g;
	nb_status s;

	if (!page_aligned(addr))
		return NB_ERR_INVALID_ARGS;
	if ((s = htable_get(&u->p->handles, pages, KOBJ_PAGES, NB_RIGHT_WRITE,
			    &o)))
		return s;
	g = (struct pages *)o;
	if (!range_ok(u, addr, g->size))
		return NB_ERR_FAULT;
	if (!g->base)
		return NB_ERR_BAD_STATE;
	if (vm_overlaps(u->p, addr, g->size))
		return NB_ERR_BAD_STATE;
	return pages_move_in(g, u->mem, addr);
}

/* True if f can be a thread's entry: (i32) -> () or (i32) -> (i32). */
static bool entry_ok(wasm_func *f)
{
	const wasm_functype *t = f ? wasm_func_type(f) : NULL;

	return t && t->nparams == 1 && t->params[0] == WASM_I32 &&
	       (t->nresults == 0 ||
		(t->nresults == 1 && t->results[0] == WASM_I32));
}

nb_status sys_thread_create(struct ucall *u, uint32_t entry, uint32_t arg,
			    uint32_t stack_top, uint32_t out)
{
	struct kthread *t;
	wasm_func *f;

	f = wasm_caller_table_func(u->caller, entry);
	if (!entry_ok(f))
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, stack_top, 0) || !range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if (!htable_room(&u->p->handles) || u->p->nthreads >= NB_THREADS_MAX)
		return NB_ERR_NO_RESOURCES;
	if (!(t = thread_create(u->p, f, arg, stack_top)))
		return NB_ERR_NO_MEMORY;
	return add_new(u, &t->o, THREAD_RIGHTS, out);
}

void sys_thread_exit(struct ucall *u, uint32_t code)
{
	struct kthread *t = sched_current();

	if (t)
		t->thread_exit = true;
	ucall_exit(u, (int32_t)code);
}

/* Limits of the caller's children from now on (nebulet_calls.h). */
nb_status sys_process_limits(struct ucall *u, int64_t kernel, int64_t memory,
			     uint32_t handles)
{
	u->p->child_limits.kernel = (uint64_t)kernel;
	u->p->child_limits.memory = (uint64_t)memory;
	u->p->child_limits.handles = handles;
	return NB_OK;
}

/* Whether the caller's children from now on get the inspect right
 * (nebulet_calls.h); only a holder can hand it on. */
nb_status sys_process_inspect(struct ucall *u, uint32_t on)
{
	if (on && !u->p->acct->lim.inspect)
		return NB_ERR_ACCESS_DENIED;
	u->p->child_limits.inspect = on != 0;
	return NB_OK;
}

/* One account as nb_mem_proc, at ptr in the caller's memory. */
static void put_account(const struct ucall *u, uint32_t ptr,
			const struct kacct *a)
{
	nb_mem_proc e = {.id = a->id, .ended = !a->proc};

	e.handles_limit = a->lim.handles;
	e.kernel = a->used;
	e.kernel_limit = a->lim.kernel;
	e.memory_limit = a->lim.memory;
	if (a->proc) {
		e.handles = a->proc->handles.count;
		e.memory = a->proc->store
				   ? wasm_store_memory_size(a->proc->store)
				   : 0;
	}
	memcpy(e.name, a->name, sizeof e.name);
	memcpy(u->mem + ptr, &e, sizeof e);
}

nb_status sys_mem_usage(struct ucall *u, uint32_t totals, uint32_t procs,
			uint32_t cap, uint32_t count)
{
	static const struct kacct *list[NB_MEM_PROCS_MAX];
	struct kacct_totals kt;
	nb_mem_totals t = {0};
	uint32_t n;

	if (cap > NB_MEM_PROCS_MAX)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, totals, sizeof t) ||
	    !range_ok(u, procs, (uint64_t)cap * sizeof(nb_mem_proc)) ||
	    !range_ok(u, count, 4))
		return NB_ERR_FAULT;
	n = kacct_list(&kt, list, cap);
	if (!u->p->acct->lim.inspect) { /* its own account only */
		list[0] = u->p->acct;
		n = 1;
	}
	hal_memory_info(&t.ram_bytes, &t.ram_free);
	t.kernel_charged = kt.charged;
	t.accounts = kt.accounts;
	modcache_usage(&t.modules, &t.module_bytes);
	memcpy(u->mem + totals, &t, sizeof t);
	for (uint32_t i = 0; i < n && i < cap; i++)
		put_account(u, procs + i * (uint32_t)sizeof(nb_mem_proc),
			    list[i]);
	put32(u, count, n);
	return NB_OK;
}

nb_status sys_thread_status(struct ucall *u, uint32_t h, uint32_t code)
{
	return sys_exit_status(u, h, KOBJ_THREAD, code);
}
