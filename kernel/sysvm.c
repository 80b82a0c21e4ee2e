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
static nb_status add_new(struct ucall *u, struct kobj *o, nb_rights r,
			 uint32_t out)
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

/* object_set_priority(h, priority): a process or a thread. */
SYSCALL(object_set_priority)
{
	struct process *p = env;
	struct kobj *o;
	nb_status s;

	if (A(1) > NB_PRIORITY_MAX)
		RET(NB_ERR_INVALID_ARGS);
	if ((s = get2(p, A(0), KOBJ_PROCESS, KOBJ_THREAD, NB_RIGHT_MANAGE, &o)))
		RET(s);
	if (o->type == KOBJ_PROCESS)
		process_set_priority((struct process *)o, A(1));
	else if (!((struct kthread *)o)->ended)
		sched_set_priority((struct kthread *)o, A(1));
	RET(NB_OK);
}

SYSCALL(timer_create)
{
	struct ucall u;
	struct timer *t;

	ucall_init(&u, c, env);
	if (!range_ok(&u, A(0), 4))
		RET(NB_ERR_FAULT);
	if (!htable_room(&u.p->handles))
		RET(NB_ERR_NO_RESOURCES);
	if (!(t = timer_create()))
		RET(NB_ERR_NO_MEMORY);
	RET(add_new(&u, &t->o, TIMER_RIGHTS, A(0)));
}

/* timer_set(h, deadline: i64) */
SYSCALL(timer_set)
{
	struct process *p = env;
	struct kobj *o;
	nb_status s;

	if ((s = htable_get(&p->handles, A(0), KOBJ_TIMER, NB_RIGHT_WRITE, &o)))
		RET(s);
	timer_set((struct timer *)o, (nb_time)args[1].i64);
	RET(NB_OK);
}

SYSCALL(timer_cancel)
{
	struct process *p = env;
	struct kobj *o;
	nb_status s;

	if ((s = htable_get(&p->handles, A(0), KOBJ_TIMER, NB_RIGHT_WRITE, &o)))
		RET(s);
	timer_set((struct timer *)o, NB_TIME_INFINITE);
	RET(NB_OK);
}

/* vmo_create(size, out) */
SYSCALL(vmo_create)
{
	struct ucall u;
	struct vmo *v;
	uint32_t size = A(0);
	nb_status s;

	ucall_init(&u, c, env);
	if (size == 0 || size > NB_VMO_MAX_SIZE)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(1), 4))
		RET(NB_ERR_FAULT);
	if (!htable_room(&u.p->handles))
		RET(NB_ERR_NO_RESOURCES);
	size = (size + NB_PAGE_SIZE - 1) / NB_PAGE_SIZE * NB_PAGE_SIZE;
	if ((s = vmo_create(size, &v)))
		RET(s);
	RET(add_new(&u, &v->o, VMO_RIGHTS, A(1)));
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

/* vmo_size(h, out) */
SYSCALL(vmo_size)
{
	struct ucall u;
	struct kobj *o;
	uint32_t size;
	nb_status s;

	ucall_init(&u, c, env);
	if (!range_ok(&u, A(1), 4))
		RET(NB_ERR_FAULT);
	if ((s = get2(u.p, A(0), KOBJ_VMO, KOBJ_PAGES, 0, &o)))
		RET(s);
	object_bytes(o, &size);
	put32(&u, A(1), size);
	RET(NB_OK);
}

/* vmo_read / vmo_write (h, offset, buf, len): copies out or in. */
static nb_status vmo_copy(struct ucall *u, const wasm_val *args, bool write)
{
	struct kobj *o;
	uint32_t size;
	uint8_t *bytes;
	nb_status s;

	if (!range_ok(u, A(2), A(3)))
		return NB_ERR_FAULT;
	if ((s = get2(u->p, A(0), KOBJ_VMO, KOBJ_PAGES,
		      write ? NB_RIGHT_WRITE : NB_RIGHT_READ, &o)))
		return s;
	bytes = object_bytes(o, &size);
	if ((uint64_t)A(1) + A(3) > size)
		return NB_ERR_OUT_OF_RANGE;
	if (A(3) == 0)
		return NB_OK;
	if (write)
		memmove(bytes + A(1), u->mem + A(2), A(3));
	else
		memmove(u->mem + A(2), bytes + A(1), A(3));
	return NB_OK;
}

SYSCALL(vmo_read)
{
	struct ucall u;

	ucall_init(&u, c, env);
	RET(vmo_copy(&u, args, false));
}

SYSCALL(vmo_write)
{
	struct ucall u;

	ucall_init(&u, c, env);
	RET(vmo_copy(&u, args, true));
}

/* vm_map(h, offset, addr, len, flags) */
SYSCALL(vm_map)
{
	struct ucall u;
	struct kobj *o;
	bool write = A(4) & NB_MAP_WRITE;
	nb_status s;

	ucall_init(&u, c, env);
	if ((A(4) & ~NB_MAP_WRITE) || !page_aligned(A(1)) ||
	    !page_aligned(A(2)) || !page_aligned(A(3)) || A(3) == 0)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(2), A(3)))
		RET(NB_ERR_FAULT);
	if ((s = htable_get(&u.p->handles, A(0), KOBJ_VMO,
			    NB_RIGHT_READ | (write ? NB_RIGHT_WRITE : 0), &o)))
		RET(s);
	if ((uint64_t)A(1) + A(3) > ((struct vmo *)o)->size)
		RET(NB_ERR_OUT_OF_RANGE);
	RET(vm_map(u.p, u.mem, (struct vmo *)o, A(1), A(2), A(3), write));
}

/* vm_unmap(addr, len) */
SYSCALL(vm_unmap)
{
	struct ucall u;

	ucall_init(&u, c, env);
	if (!page_aligned(A(0)) || !page_aligned(A(1)) || A(1) == 0)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(0), A(1)))
		RET(NB_ERR_FAULT);
	RET(vm_unmap(u.p, u.mem, A(0), A(1)));
}

/* vm_move_out(addr, len, out) */
SYSCALL(vm_move_out)
{
	struct ucall u;
	struct pages *g;
	nb_status s;

	ucall_init(&u, c, env);
	if (!page_aligned(A(0)) || !page_aligned(A(1)) || A(1) == 0 ||
	    A(1) > NB_VMO_MAX_SIZE)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(0), A(1)) || !range_ok(&u, A(2), 4))
		RET(NB_ERR_FAULT);
	if (!htable_room(&u.p->handles))
		RET(NB_ERR_NO_RESOURCES);
	if (vm_overlaps(u.p, A(0), A(1)))
		RET(NB_ERR_BAD_STATE);
	if ((s = pages_move_out(u.mem, A(0), A(1), &g)))
		RET(s);
	RET(add_new(&u, &g->o, VMO_RIGHTS, A(2)));
}

/* vm_move_in(h, addr) */
SYSCALL(vm_move_in)
{
	struct ucall u;
	struct kobj *o;
	struct pages *g;
	nb_status s;

	ucall_init(&u, c, env);
	if (!page_aligned(A(1)))
		RET(NB_ERR_INVALID_ARGS);
	if ((s = htable_get(&u.p->handles, A(0), KOBJ_PAGES, NB_RIGHT_WRITE,
			    &o)))
		RET(s);
	g = (struct pages *)o;
	if (!range_ok(&u, A(1), g->size))
		RET(NB_ERR_FAULT);
	if (!g->base)
		RET(NB_ERR_BAD_STATE);
	if (vm_overlaps(u.p, A(1), g->size))
		RET(NB_ERR_BAD_STATE);
	RET(pages_move_in(g, u.mem, A(1)));
}

/* True if f can be a thread's entry: (i32) -> () or (i32) -> (i32). */
static bool entry_ok(wasm_func *f)
{
	const wasm_functype *t = f ? wasm_func_type(f) : NULL;

	return t && t->nparams == 1 && t->params[0] == WASM_I32 &&
	       (t->nresults == 0 ||
		(t->nresults == 1 && t->results[0] == WASM_I32));
}

/* thread_create(entry, arg, stack_top, out) */
SYSCALL(thread_create)
{
	struct ucall u;
	struct kthread *t;
	wasm_func *f;

	ucall_init(&u, c, env);
	f = wasm_caller_table_func(c, A(0));
	if (!entry_ok(f))
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(2), 0) || !range_ok(&u, A(3), 4))
		RET(NB_ERR_FAULT);
	if (!htable_room(&u.p->handles) || u.p->nthreads >= NB_THREADS_MAX)
		RET(NB_ERR_NO_RESOURCES);
	if (!(t = thread_create(u.p, f, A(1), A(2))))
		RET(NB_ERR_NO_MEMORY);
	RET(add_new(&u, &t->o, THREAD_RIGHTS, A(3)));
}

SYSCALL(thread_exit)
{
	struct kthread *t = sched_current();

	if (t)
		t->thread_exit = true;
	wasm_caller_exit(c, (int32_t)A(0));
	return false;
}

/* process_limits(kernel, memory, handles): for the caller's children. */
SYSCALL(process_limits)
{
	struct process *p = env;

	p->child_limits.kernel = args[0].i64;
	p->child_limits.memory = args[1].i64;
	p->child_limits.handles = args[2].i32;
	RET(NB_OK);
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

/* mem_usage(totals, procs, cap, count) */
SYSCALL(mem_usage)
{
	static const struct kacct *list[NB_MEM_PROCS_MAX];
	struct ucall u;
	struct kacct_totals kt;
	nb_mem_totals t = {0};
	uint32_t n;

	ucall_init(&u, c, env);
	if (A(2) > NB_MEM_PROCS_MAX)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(0), sizeof t) ||
	    !range_ok(&u, A(1), (uint64_t)A(2) * sizeof(nb_mem_proc)) ||
	    !range_ok(&u, A(3), 4))
		RET(NB_ERR_FAULT);
	n = kacct_list(&kt, list, A(2));
	hal_memory_info(&t.ram_bytes, &t.ram_free);
	t.kernel_charged = kt.charged;
	t.accounts = kt.accounts;
	memcpy(u.mem + A(0), &t, sizeof t);
	for (uint32_t i = 0; i < n && i < A(2); i++)
		put_account(&u, A(1) + i * (uint32_t)sizeof(nb_mem_proc),
			    list[i]);
	put32(&u, A(3), n);
	RET(NB_OK);
}

/* thread_status(h, code) */
SYSCALL(thread_status)
{
	struct ucall u;

	ucall_init(&u, c, env);
	RET(sys_exit_status(&u, A(0), KOBJ_THREAD, A(1)));
}

const struct syscall_def sysvm_calls[] = {
#define CALL(name, sig)                                                        \
	{                                                                      \
#name, sig, sys_##name                                         \
	}
	CALL(object_set_priority, "ii:i"), CALL(timer_create, "i:i"),
	CALL(timer_set, "iI:i"),	   CALL(timer_cancel, "i:i"),
	CALL(vmo_create, "ii:i"),	   CALL(vmo_size, "ii:i"),
	CALL(vmo_read, "iiii:i"),	   CALL(vmo_write, "iiii:i"),
	CALL(vm_map, "iiiii:i"),	   CALL(vm_unmap, "ii:i"),
	CALL(vm_move_out, "iii:i"),	   CALL(vm_move_in, "ii:i"),
	CALL(thread_create, "iiii:i"),	   CALL(thread_exit, "i:"),
	CALL(thread_status, "ii:i"),	   CALL(process_limits, "IIi:i"),
	CALL(mem_usage, "iiii:i"),
#undef CALL
};
const uint32_t sysvm_ncalls = sizeof sysvm_calls / sizeof sysvm_calls[0];
