/*
 * syscall.c: the kernel's calls, as host functions that wasm programs
 * import from module "nebulet" (declared for them in nebulet.h).
 *
 * Every call checks, in this order, and fails with no effect at the
 * first problem: counts and flags (NB_ERR_INVALID_ARGS), pointer ranges
 * in the caller's memory 0 (NB_ERR_FAULT; a pointer argument that is
 * optional is skipped when 0), then handles (NB_ERR_BAD_HANDLE,
 * NB_ERR_WRONG_TYPE, NB_ERR_ACCESS_DENIED), then the object's state.
 * Ranges are checked in 64-bit arithmetic against the memory's size, so
 * no pointer plus length can wrap. A call that blocks and finds its
 * process killed when it wakes traps, which unwinds the process.
 * The calls' list, and their table, are in nebulet_calls.h and
 * syscall_table.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/syscall.h"
#include "kernel/wasi_fir.h"

nb_status sys_handle_close(struct ucall *u, uint32_t h)
{
	return htable_close(&u->p->handles, h);
}

/*
 * The checks handle_duplicate and handle_replace share, in order: out in
 * memory, h live, DUPLICATE on it (if `need`), then the new rights *r
 * from the requested: h's own for NB_RIGHT_SAME_RIGHTS, else a subset
 * of them (INVALID_ARGS if more).
 */
static nb_status new_rights(struct ucall *u, uint32_t h, uint32_t rights,
			    uint32_t out, nb_rights need, nb_rights *r)
{
	nb_rights old;
	nb_status s;

	if (!range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if ((s = htable_rights(&u->p->handles, h, &old)))
		return s;
	if ((old & need) != need)
		return NB_ERR_ACCESS_DENIED;
	if (rights == NB_RIGHT_SAME_RIGHTS)
		rights = old;
	if (rights & ~old)
		return NB_ERR_INVALID_ARGS;
	*r = rights;
	return NB_OK;
}

nb_status sys_handle_duplicate(struct ucall *u, uint32_t h, uint32_t rights,
			       uint32_t out)
{
	struct kobj *o;
	nb_rights r;
	nb_handle nh;
	nb_status s;

	if ((s = new_rights(u, h, rights, out, NB_RIGHT_DUPLICATE, &r)))
		return s;
	htable_get(&u->p->handles, h, 0, 0, &o);
	if ((s = htable_add(&u->p->handles, o, r, &nh)))
		return s;
	kobj_retain(o);
	put32(u, out, nh);
	return NB_OK;
}

nb_status sys_handle_replace(struct ucall *u, uint32_t h, uint32_t rights,
			     uint32_t out)
{
	struct khandle k;
	nb_rights r;
	nb_handle nh;
	nb_status s;

	if ((s = new_rights(u, h, rights, out, 0, &r)))
		return s;
	htable_take(&u->p->handles, h, &k);
	htable_add(&u->p->handles, k.obj, r, &nh); /* the slot just freed */
	put32(u, out, nh);
	return NB_OK;
}

#define CHANNEL_RIGHTS                                                         \
	(NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_READ |              \
	 NB_RIGHT_WRITE | NB_RIGHT_WAIT)

nb_status sys_channel_create(struct ucall *u, uint32_t out0, uint32_t out1)
{
	struct channel *a, *b;
	nb_handle ha, hb;
	nb_status s;

	if (!range_ok(u, out0, 4) || !range_ok(u, out1, 4))
		return NB_ERR_FAULT;
	if (htable_room(&u->p->handles) < 2)
		return NB_ERR_NO_RESOURCES;
	if ((s = channel_create(&a, &b)))
		return s;
	htable_add(&u->p->handles, &a->o, CHANNEL_RIGHTS, &ha);
	htable_add(&u->p->handles, &b->o, CHANNEL_RIGHTS, &hb);
	put32(u, out0, ha);
	put32(u, out1, hb);
	return NB_OK;
}

/*
 * Checks handles[0..n) (in the caller's memory at ptr) for a transfer:
 * each live, with TRANSFER, none twice, none equal to `self`.
 */
static nb_status check_transfer(const struct ucall *u, uint32_t ptr, uint32_t n,
				nb_handle self)
{
	for (uint32_t i = 0; i < n; i++) {
		nb_handle h = get32(u, ptr + 4 * i);
		nb_rights r;
		nb_status s = htable_rights(&u->p->handles, h, &r);

		if (s)
			return s;
		if (!(r & NB_RIGHT_TRANSFER))
			return NB_ERR_ACCESS_DENIED;
		if (h == self)
			return NB_ERR_INVALID_ARGS;
		for (uint32_t j = 0; j < i; j++)
			if (get32(u, ptr + 4 * j) == h)
				return NB_ERR_INVALID_ARGS;
	}
	return NB_OK;
}

/* Moves checked handles out of the caller's table into out[]. */
static void take_handles(const struct ucall *u, uint32_t ptr, uint32_t n,
			 struct khandle *out)
{
	for (uint32_t i = 0; i < n; i++)
		htable_take(&u->p->handles, get32(u, ptr + 4 * i), &out[i]);
}

nb_status sys_channel_write(struct ucall *u, uint32_t h, uint32_t bytes,
			    uint32_t nbytes, uint32_t handles,
			    uint32_t nhandles)
{
	struct kobj *o;
	struct kmsg *m;
	nb_status s;

	if (nbytes > NB_CHANNEL_MAX_BYTES || nhandles > NB_CHANNEL_MAX_HANDLES)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, bytes, nbytes) ||
	    !range_ok(u, handles, 4ull * nhandles))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, h, KOBJ_CHANNEL, NB_RIGHT_WRITE,
			    &o)))
		return s;
	if ((s = check_transfer(u, handles, nhandles, h)))
		return s;
	if ((s = channel_can_write((struct channel *)o)))
		return s;
	if (!(m = kmsg_alloc(nbytes, nhandles)))
		return NB_ERR_NO_MEMORY;
	memcpy(m->bytes, u->mem + bytes, nbytes);
	take_handles(u, handles, nhandles, m->handles);
	channel_queue((struct channel *)o, m);
	return NB_OK;
}

/* Delivers m (which fits) to the caller: bytes, then its handles. */
static void deliver(const struct ucall *u, struct kmsg *m, uint32_t bytes,
		    uint32_t handles)
{
	nb_handle h;

	memcpy(u->mem + bytes, m->bytes, m->nbytes);
	for (uint32_t i = 0; i < m->nhandles; i++) {
		htable_add(&u->p->handles, m->handles[i].obj,
			   m->handles[i].rights, &h);
		put32(u, handles + 4 * i, h);
	}
}

nb_status sys_channel_read(struct ucall *u, uint32_t h, uint32_t flags,
			   uint32_t bytes, uint32_t bytes_cap, uint32_t handles,
			   uint32_t handles_cap, uint32_t actual_bytes,
			   uint32_t actual_handles)
{
	struct kobj *o;
	struct channel *ch;
	struct kmsg *m;
	nb_signals pend, want = NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED;
	nb_status s;

	if (flags & ~NB_CHANNEL_READ_WAIT)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, bytes, bytes_cap) ||
	    !range_ok(u, handles, 4ull * handles_cap) ||
	    !opt_ok(u, actual_bytes, 4) || !opt_ok(u, actual_handles, 4))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, h, KOBJ_CHANNEL, NB_RIGHT_READ,
			    &o)))
		return s;
	ch = (struct channel *)o;
	while (!(m = channel_peek(ch))) {
		if (!ch->peer)
			return NB_ERR_PEER_CLOSED;
		if (!(flags & NB_CHANNEL_READ_WAIT))
			return NB_ERR_SHOULD_WAIT;
		/* The handle stays valid: only this process's thread could
		 * close it, and it is here. */
		if (kobj_wait(&o, &want, 1, NB_TIME_INFINITE, &pend) ==
		    NB_ERR_BAD_STATE)
			return killed(u);
	}
	put32(u, actual_bytes, m->nbytes);
	put32(u, actual_handles, m->nhandles);
	if (m->nbytes > bytes_cap || m->nhandles > handles_cap)
		return NB_ERR_BUFFER_TOO_SMALL;
	if (htable_room(&u->p->handles) < m->nhandles)
		return NB_ERR_NO_RESOURCES;
	deliver(u, m, bytes, handles);
	channel_pop(ch);
	kmsg_free(m, false);
	return NB_OK;
}

nb_status sys_event_create(struct ucall *u, uint32_t out)
{
	struct event *e;
	nb_handle h;

	if (!range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if (!htable_room(&u->p->handles))
		return NB_ERR_NO_RESOURCES;
	if (!(e = event_create()))
		return NB_ERR_NO_MEMORY;
	htable_add(&u->p->handles, &e->o,
		   NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_SIGNAL |
			   NB_RIGHT_WAIT,
		   &h);
	put32(u, out, h);
	return NB_OK;
}

/* Events only. */
nb_status sys_object_signal(struct ucall *u, uint32_t h, uint32_t clear,
			    uint32_t set)
{
	nb_signals user = NB_SIGNAL_SIGNALED | NB_SIGNAL_USER_ALL;
	struct kobj *o;
	nb_status s;

	if ((clear | set) & ~user)
		return NB_ERR_INVALID_ARGS;
	if ((s = htable_get(&u->p->handles, h, KOBJ_EVENT, NB_RIGHT_SIGNAL,
			    &o)))
		return s;
	kobj_signal(o, clear, set);
	return NB_OK;
}

nb_status sys_object_wait_one(struct ucall *u, uint32_t h, uint32_t signals,
			      int64_t deadline, uint32_t observed)
{
	struct kobj *o;
	nb_signals pend, want = signals;
	nb_status s;

	if (!opt_ok(u, observed, 4))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, h, 0, NB_RIGHT_WAIT, &o)))
		return s;
	s = kobj_wait(&o, &want, 1, deadline, &pend);
	if (s == NB_ERR_BAD_STATE)
		return killed(u);
	put32(u, observed, pend);
	return s;
}

/* Items of 12 bytes: handle, signals wanted, signals pending. */
nb_status sys_object_wait_many(struct ucall *u, uint32_t items, uint32_t count,
			       int64_t deadline)
{
	struct kobj *objs[NB_WAIT_MANY_MAX];
	/* want is set for the first count items; zeroed so no compiler sees
	 * it read uninitialized. */
	nb_signals want[NB_WAIT_MANY_MAX] = {0}, pend[NB_WAIT_MANY_MAX];
	nb_status s;

	if (count > NB_WAIT_MANY_MAX)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, items, 12ull * count))
		return NB_ERR_FAULT;
	for (uint32_t i = 0; i < count; i++) {
		if ((s = htable_get(&u->p->handles, get32(u, items + 12 * i), 0,
				    NB_RIGHT_WAIT, &objs[i])))
			return s;
		want[i] = get32(u, items + 12 * i + 4);
	}
	s = kobj_wait(objs, want, count, deadline, pend);
	if (s == NB_ERR_BAD_STATE)
		return killed(u);
	for (uint32_t i = 0; i < count; i++)
		put32(u, items + 12 * i + 8, pend[i]);
	return s;
}

/* A child's name (for its messages, a trap's first): the last component
 * of its argv[0], which names the image it runs (init's launcher passes
 * the file); with no arguments, its creator's name and id. */
static void child_name(const struct ucall *u, const struct process_args *a,
		       char *name, size_t size)
{
	if (!a || a->argc < 1 || !a->argv[0][0]) {
		snprintf(name, size, "%.20s.%u", u->p->name, u->p->id);
		return;
	}
	snprintf(name, size, "%s", process_base_name(a->argv[0]));
}

/*
 * Starts a child from image[0..len) (already checked, and copied before
 * anything else changes) with the caller's checked handles at hptr[0..n)
 * as its startup handles and arguments a (NULL: the defaults; owned by
 * the child, or freed on failure), console (or NB_HANDLE_INVALID) its
 * Console, and WASI backend wf (NULL: none; else it gets the caller's
 * FileSystem channel fs; owned by the child, or freed on failure); the
 * child's handle goes to out.
 */
static nb_status spawn_wasi(struct ucall *u, const uint8_t *image, uint32_t len,
			    uint32_t hptr, uint32_t n, struct process_args *a,
			    nb_handle console, struct wasi_fir *wf,
			    nb_handle fs, uint32_t out)
{
	struct khandle kc;
	struct process *child;
	char name[32];
	nb_handle h;
	nb_status s;

	if (!htable_room(&u->p->handles))
		s = NB_ERR_NO_RESOURCES;
	else {
		child_name(u, a, name, sizeof name);
		s = process_create(image, len, NULL, 0, name, &child);
	}
	if (s) {
		free(a);
		wasi_fir_free(wf);
		return s;
	}
	/* The child has not run yet: its startup handles can follow. */
	take_handles(u, hptr, n, child->startup);
	child->nstartup = n;
	if (console != NB_HANDLE_INVALID) {
		htable_take(&u->p->handles, console, &kc);
		child->console = (struct channel *)kc.obj;
	}
	if (wf && fs != NB_HANDLE_INVALID) {
		htable_take(&u->p->handles, fs, &kc);
		wasi_fir_set_fs(wf, (struct channel *)kc.obj);
	}
	child->wfir = wf;
	child->args = child->own_args = a;
	process_set_priority(child, u->p->priority);
	htable_add(&u->p->handles, &child->o,
		   NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_WAIT |
			   NB_RIGHT_KILL | NB_RIGHT_MANAGE,
		   &h);
	put32(u, out, h);
	return NB_OK;
}

static nb_status spawn(struct ucall *u, const uint8_t *image, uint32_t len,
		       uint32_t hptr, uint32_t n, struct process_args *a,
		       nb_handle console, uint32_t out)
{
	return spawn_wasi(u, image, len, hptr, n, a, console, NULL,
			  NB_HANDLE_INVALID, out);
}

nb_status sys_process_create(struct ucall *u, uint32_t image, uint32_t len,
			     uint32_t handles, uint32_t nhandles, uint32_t out)
{
	nb_status s;

	if (nhandles > NB_CHANNEL_MAX_HANDLES)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, image, len) ||
	    !range_ok(u, handles, 4ull * nhandles) || !range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if ((s = check_transfer(u, handles, nhandles, NB_HANDLE_INVALID)))
		return s;
	return spawn(u, u->mem + image, len, handles, nhandles, NULL,
		     NB_HANDLE_INVALID, out);
}

/* What process_create_args adds to process_create: a console channel
 * (READ, WRITE, TRANSFER; it moves to the child) or NB_HANDLE_INVALID;
 * a FileSystem channel (the same rights) or NB_HANDLE_INVALID, with the
 * preopen block [pre, pre + pre_len). */
struct create_opts {
	nb_handle console, fs;
	uint32_t pre, pre_len;
};

/* A channel handle with READ, WRITE and TRANSFER, or INVALID. */
static nb_status check_chan(struct ucall *u, nb_handle h)
{
	struct kobj *o;

	if (h == NB_HANDLE_INVALID)
		return NB_OK;
	return htable_get(&u->p->handles, h, KOBJ_CHANNEL,
			  NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_TRANSFER,
			  &o);
}

/* process_create_args, _console and _wasi with their options. */
static nb_status create_args(struct ucall *u, uint32_t image, uint32_t len,
			     uint32_t handles, uint32_t nhandles,
			     uint32_t strings, uint32_t strings_len,
			     uint32_t argc, const struct create_opts *o,
			     uint32_t out)
{
	struct process_args *a;
	struct wasi_fir *wf = NULL;
	uint32_t nstr;
	nb_status s;

	if (nhandles > NB_CHANNEL_MAX_HANDLES ||
	    strings_len > NB_ARGS_MAX_BYTES || argc > NB_ARGS_MAX_STRINGS ||
	    o->pre_len > NB_ARGS_MAX_BYTES)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, image, len) ||
	    !range_ok(u, handles, 4ull * nhandles) ||
	    !range_ok(u, strings, strings_len) || !range_ok(u, out, 4) ||
	    !range_ok(u, o->pre, o->pre_len))
		return NB_ERR_FAULT;
	if ((s = check_chan(u, o->console)) || (s = check_chan(u, o->fs)))
		return s;
	if ((o->fs != NB_HANDLE_INVALID || o->pre_len) &&
	    ((o->fs != NB_HANDLE_INVALID && o->fs == o->console) ||
	     !wasi_fir_check((const char *)u->mem + o->pre, o->pre_len)))
		return NB_ERR_INVALID_ARGS;
	if ((s = process_args_check((const char *)u->mem + strings, strings_len,
				    argc, &nstr)))
		return s;
	if ((s = check_transfer(u, handles, nhandles, o->console)) ||
	    (s = check_transfer(u, handles, nhandles, o->fs)))
		return s;
	if (!(a = process_args_new((const char *)u->mem + strings, strings_len,
				   argc, nstr)))
		return NB_ERR_NO_MEMORY;
	if ((o->fs != NB_HANDLE_INVALID || o->pre_len) &&
	    !(wf = wasi_fir_new((const char *)u->mem + o->pre, o->pre_len))) {
		free(a);
		return NB_ERR_NO_MEMORY;
	}
	return spawn_wasi(u, u->mem + image, len, handles, nhandles, a,
			  o->console, wf, o->fs, out);
}

nb_status sys_process_create_args(struct ucall *u, uint32_t image, uint32_t len,
				  uint32_t handles, uint32_t nhandles,
				  uint32_t strings, uint32_t strings_len,
				  uint32_t argc, uint32_t out)
{
	struct create_opts o = {NB_HANDLE_INVALID, NB_HANDLE_INVALID, 0, 0};

	return create_args(u, image, len, handles, nhandles, strings,
			   strings_len, argc, &o, out);
}

nb_status sys_process_create_console(struct ucall *u, uint32_t image,
				     uint32_t len, uint32_t handles,
				     uint32_t nhandles, uint32_t strings,
				     uint32_t strings_len, uint32_t argc,
				     uint32_t console, uint32_t out)
{
	struct create_opts o = {console, NB_HANDLE_INVALID, 0, 0};

	if (console == NB_HANDLE_INVALID)
		return NB_ERR_BAD_HANDLE;
	return create_args(u, image, len, handles, nhandles, strings,
			   strings_len, argc, &o, out);
}

nb_status sys_process_create_wasi(struct ucall *u, uint32_t image, uint32_t len,
				  uint32_t handles, uint32_t nhandles,
				  uint32_t strings, uint32_t strings_len,
				  uint32_t argc, uint32_t console, uint32_t fs,
				  uint32_t preopens, uint32_t preopens_len,
				  uint32_t out)
{
	struct create_opts o = {console, fs, preopens, preopens_len};

	return create_args(u, image, len, handles, nhandles, strings,
			   strings_len, argc, &o, out);
}

/* The image is the first len bytes of a memory object (READ). */
nb_status sys_process_create_vmo(struct ucall *u, uint32_t vmo, uint32_t len,
				 uint32_t handles, uint32_t nhandles,
				 uint32_t out)
{
	struct kobj *o;
	nb_status s;

	if (nhandles > NB_CHANNEL_MAX_HANDLES)
		return NB_ERR_INVALID_ARGS;
	if (!range_ok(u, handles, 4ull * nhandles) || !range_ok(u, out, 4))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, vmo, KOBJ_VMO, NB_RIGHT_READ, &o)))
		return s;
	if (((struct vmo *)o)->revoked)
		return NB_ERR_BAD_STATE;
	if ((s = check_transfer(u, handles, nhandles, NB_HANDLE_INVALID)))
		return s;
	if (len > ((struct vmo *)o)->size)
		return NB_ERR_OUT_OF_RANGE;
	return spawn(u, vmo_data((struct vmo *)o), len, handles, nhandles, NULL,
		     NB_HANDLE_INVALID, out);
}

nb_handle sys_startup_handle(struct ucall *u, uint32_t i)
{
	struct process *p = u->p;
	struct khandle *k;
	nb_handle h;

	if (i >= p->nstartup || !p->startup[i].obj)
		return NB_HANDLE_INVALID;
	k = &p->startup[i];
	if (htable_add(&p->handles, k->obj, k->rights, &h))
		return NB_HANDLE_INVALID;
	k->obj = NULL;
	return h;
}

void sys_process_exit(struct ucall *u, uint32_t code)
{
	ucall_exit(u, (int32_t)code);
}

nb_status sys_process_kill(struct ucall *u, uint32_t h)
{
	struct process *p = u->p;
	struct kobj *o;
	nb_status s;

	if ((s = htable_get(&p->handles, h, KOBJ_PROCESS, NB_RIGHT_KILL, &o)))
		return s;
	process_kill((struct process *)o);
	if (o == &p->o)
		return killed(u);
	return NB_OK;
}

/*
 * Writes the exit code of the ended process or thread (object type
 * `type`) behind handle h to code; BAD_STATE while it still runs. Shared
 * by process_status and thread_status.
 */
nb_status sys_exit_status(struct ucall *u, uint32_t h, int type, uint32_t code)
{
	struct kobj *o;
	nb_status s;
	bool ended;
	int32_t v;

	if (!range_ok(u, code, 4))
		return NB_ERR_FAULT;
	if ((s = htable_get(&u->p->handles, h, type, 0, &o)))
		return s;
	if (type == KOBJ_PROCESS) {
		ended = ((struct process *)o)->ended;
		v = ((struct process *)o)->exit_code;
	} else {
		ended = ((struct kthread *)o)->ended;
		v = ((struct kthread *)o)->exit_code;
	}
	if (!ended)
		return NB_ERR_BAD_STATE;
	put32(u, code, (uint32_t)v);
	return NB_OK;
}

nb_status sys_process_status(struct ucall *u, uint32_t h, uint32_t code)
{
	return sys_exit_status(u, h, KOBJ_PROCESS, code);
}

nb_status sys_yield(struct ucall *u)
{
	sched_relinquish();
	if (u->p->killed)
		return killed(u);
	return NB_OK;
}

nb_time sys_clock_monotonic(struct ucall *u)
{
	return kernel_now();
}

nb_status sys_cpu_count(struct ucall *u)
{
	return (nb_status)hal_cpu_count();
}
