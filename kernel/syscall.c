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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/device.h"
#include "kernel/syscall.h"

SYSCALL(handle_close)
{
	struct process *p = env;

	RET(htable_close(&p->handles, A(0)));
}

/* New rights from the old and the requested: INVALID_ARGS if more. */
static nb_status new_rights(nb_rights old, nb_rights want, nb_rights *out)
{
	if (want == NB_RIGHT_SAME_RIGHTS) {
		*out = old;
		return NB_OK;
	}
	if (want & ~old)
		return NB_ERR_INVALID_ARGS;
	*out = want;
	return NB_OK;
}

SYSCALL(handle_duplicate)
{
	struct ucall u;
	nb_rights old, r;
	struct kobj *o;
	nb_handle h;
	nb_status s;

	ucall_init(&u, c, env);
	if (!range_ok(&u, A(2), 4))
		RET(NB_ERR_FAULT);
	if ((s = htable_rights(&u.p->handles, A(0), &old)))
		RET(s);
	if (!(old & NB_RIGHT_DUPLICATE))
		RET(NB_ERR_ACCESS_DENIED);
	if ((s = new_rights(old, A(1), &r)))
		RET(s);
	htable_get(&u.p->handles, A(0), 0, 0, &o);
	if ((s = htable_add(&u.p->handles, o, r, &h)))
		RET(s);
	kobj_retain(o);
	put32(&u, A(2), h);
	RET(NB_OK);
}

SYSCALL(handle_replace)
{
	struct ucall u;
	struct khandle k;
	nb_rights old, r;
	nb_handle h;
	nb_status s;

	ucall_init(&u, c, env);
	if (!range_ok(&u, A(2), 4))
		RET(NB_ERR_FAULT);
	if ((s = htable_rights(&u.p->handles, A(0), &old)))
		RET(s);
	if ((s = new_rights(old, A(1), &r)))
		RET(s);
	htable_take(&u.p->handles, A(0), &k);
	htable_add(&u.p->handles, k.obj, r, &h); /* the slot just freed */
	put32(&u, A(2), h);
	RET(NB_OK);
}

#define CHANNEL_RIGHTS                                                         \
	(NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_READ |              \
	 NB_RIGHT_WRITE | NB_RIGHT_WAIT)

SYSCALL(channel_create)
{
	struct ucall u;
	struct channel *a, *b;
	nb_handle ha, hb;
	nb_status s;

	ucall_init(&u, c, env);
	if (!range_ok(&u, A(0), 4) || !range_ok(&u, A(1), 4))
		RET(NB_ERR_FAULT);
	if (htable_room(&u.p->handles) < 2)
		RET(NB_ERR_NO_RESOURCES);
	if ((s = channel_create(&a, &b)))
		RET(s);
	htable_add(&u.p->handles, &a->o, CHANNEL_RIGHTS, &ha);
	htable_add(&u.p->handles, &b->o, CHANNEL_RIGHTS, &hb);
	put32(&u, A(0), ha);
	put32(&u, A(1), hb);
	RET(NB_OK);
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

/* channel_write(h, bytes, nbytes, handles, nhandles) */
SYSCALL(channel_write)
{
	struct ucall u;
	struct kobj *o;
	struct kmsg *m;
	nb_status s;

	ucall_init(&u, c, env);
	if (A(2) > NB_CHANNEL_MAX_BYTES || A(4) > NB_CHANNEL_MAX_HANDLES)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(1), A(2)) || !range_ok(&u, A(3), 4ull * A(4)))
		RET(NB_ERR_FAULT);
	if ((s = htable_get(&u.p->handles, A(0), KOBJ_CHANNEL, NB_RIGHT_WRITE,
			    &o)))
		RET(s);
	if ((s = check_transfer(&u, A(3), A(4), A(0))))
		RET(s);
	if ((s = channel_can_write((struct channel *)o)))
		RET(s);
	if (!(m = kmsg_alloc(A(2), A(4))))
		RET(NB_ERR_NO_MEMORY);
	memcpy(m->bytes, u.mem + A(1), A(2));
	take_handles(&u, A(3), A(4), m->handles);
	channel_queue((struct channel *)o, m);
	RET(NB_OK);
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

/* channel_read(h, flags, bytes, cap, handles, hcap, actual_bytes,
 * actual_handles) */
SYSCALL(channel_read)
{
	struct ucall u;
	struct kobj *o;
	struct channel *ch;
	struct kmsg *m;
	nb_signals pend, want = NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED;
	nb_status s;

	ucall_init(&u, c, env);
	if (A(1) & ~NB_CHANNEL_READ_WAIT)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(2), A(3)) || !range_ok(&u, A(4), 4ull * A(5)) ||
	    !opt_ok(&u, A(6), 4) || !opt_ok(&u, A(7), 4))
		RET(NB_ERR_FAULT);
	if ((s = htable_get(&u.p->handles, A(0), KOBJ_CHANNEL, NB_RIGHT_READ,
			    &o)))
		RET(s);
	ch = (struct channel *)o;
	while (!(m = channel_peek(ch))) {
		if (!ch->peer)
			RET(NB_ERR_PEER_CLOSED);
		if (!(A(1) & NB_CHANNEL_READ_WAIT))
			RET(NB_ERR_SHOULD_WAIT);
		/* The handle stays valid: only this process's thread could
		 * close it, and it is here. */
		if (kobj_wait(&o, &want, 1, NB_TIME_INFINITE, &pend) ==
		    NB_ERR_BAD_STATE)
			return killed(&u);
	}
	put32(&u, A(6), m->nbytes);
	put32(&u, A(7), m->nhandles);
	if (m->nbytes > A(3) || m->nhandles > A(5))
		RET(NB_ERR_BUFFER_TOO_SMALL);
	if (htable_room(&u.p->handles) < m->nhandles)
		RET(NB_ERR_NO_RESOURCES);
	deliver(&u, m, A(2), A(4));
	channel_pop(ch);
	kmsg_free(m, false);
	RET(NB_OK);
}

SYSCALL(event_create)
{
	struct ucall u;
	struct event *e;
	nb_handle h;

	ucall_init(&u, c, env);
	if (!range_ok(&u, A(0), 4))
		RET(NB_ERR_FAULT);
	if (!htable_room(&u.p->handles))
		RET(NB_ERR_NO_RESOURCES);
	if (!(e = event_create()))
		RET(NB_ERR_NO_MEMORY);
	htable_add(&u.p->handles, &e->o,
		   NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_SIGNAL |
			   NB_RIGHT_WAIT,
		   &h);
	put32(&u, A(0), h);
	RET(NB_OK);
}

/* object_signal(h, clear, set): events only. */
SYSCALL(object_signal)
{
	struct process *p = env;
	nb_signals user = NB_SIGNAL_SIGNALED | NB_SIGNAL_USER_ALL;
	struct kobj *o;
	nb_status s;

	if ((A(1) | A(2)) & ~user)
		RET(NB_ERR_INVALID_ARGS);
	if ((s = htable_get(&p->handles, A(0), KOBJ_EVENT, NB_RIGHT_SIGNAL,
			    &o)))
		RET(s);
	kobj_signal(o, A(1), A(2));
	RET(NB_OK);
}

/* object_wait_one(h, signals, deadline: i64, observed) */
SYSCALL(object_wait_one)
{
	struct ucall u;
	struct kobj *o;
	nb_signals pend, want = A(1);
	nb_status s;

	ucall_init(&u, c, env);
	if (!opt_ok(&u, A(3), 4))
		RET(NB_ERR_FAULT);
	if ((s = htable_get(&u.p->handles, A(0), 0, NB_RIGHT_WAIT, &o)))
		RET(s);
	s = kobj_wait(&o, &want, 1, (nb_time)args[2].i64, &pend);
	if (s == NB_ERR_BAD_STATE)
		return killed(&u);
	put32(&u, A(3), pend);
	RET(s);
}

/* object_wait_many(items, count, deadline: i64); items of 12 bytes. */
SYSCALL(object_wait_many)
{
	struct ucall u;
	struct kobj *objs[NB_WAIT_MANY_MAX];
	nb_signals want[NB_WAIT_MANY_MAX], pend[NB_WAIT_MANY_MAX];
	uint32_t n = A(1), base = A(0);
	nb_status s;

	ucall_init(&u, c, env);
	if (n > NB_WAIT_MANY_MAX)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, base, 12ull * n))
		RET(NB_ERR_FAULT);
	for (uint32_t i = 0; i < n; i++) {
		if ((s = htable_get(&u.p->handles, get32(&u, base + 12 * i), 0,
				    NB_RIGHT_WAIT, &objs[i])))
			RET(s);
		want[i] = get32(&u, base + 12 * i + 4);
	}
	s = kobj_wait(objs, want, n, (nb_time)args[2].i64, pend);
	if (s == NB_ERR_BAD_STATE)
		return killed(&u);
	for (uint32_t i = 0; i < n; i++)
		put32(&u, base + 12 * i + 8, pend[i]);
	RET(s);
}

/* A child's name (for its messages, a trap's first): the last component
 * of its argv[0], which names the image it runs (init's launcher passes
 * the file); with no arguments, its creator's name and id. */
static void child_name(const struct ucall *u, const struct process_args *a,
		       char *name, size_t size)
{
	const char *base;

	if (!a || a->argc < 1 || !a->argv[0][0]) {
		snprintf(name, size, "%.20s.%u", u->p->name, u->p->id);
		return;
	}
	base = strrchr(a->argv[0], '/');
	snprintf(name, size, "%s", base && base[1] ? base + 1 : a->argv[0]);
}

/*
 * Starts a child from image[0..len) (already checked, and copied before
 * anything else changes) with the caller's checked handles at hptr[0..n)
 * as its startup handles and arguments a (NULL: the defaults; owned by
 * the child, or freed on failure); the child's handle goes to out.
 */
static nb_status spawn(struct ucall *u, const uint8_t *image, uint32_t len,
		       uint32_t hptr, uint32_t n, struct process_args *a,
		       nb_handle console, uint32_t out)
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
		return s;
	}
	/* The child has not run yet: its startup handles can follow. */
	take_handles(u, hptr, n, child->startup);
	child->nstartup = n;
	if (console != NB_HANDLE_INVALID) {
		htable_take(&u->p->handles, console, &kc);
		child->console = (struct channel *)kc.obj;
	}
	child->args = child->own_args = a;
	process_set_priority(child, u->p->priority);
	htable_add(&u->p->handles, &child->o,
		   NB_RIGHT_DUPLICATE | NB_RIGHT_TRANSFER | NB_RIGHT_WAIT |
			   NB_RIGHT_KILL | NB_RIGHT_MANAGE,
		   &h);
	put32(u, out, h);
	return NB_OK;
}

/* process_create(image, len, handles, nhandles, out) */
SYSCALL(process_create)
{
	struct ucall u;
	nb_status s;

	ucall_init(&u, c, env);
	if (A(3) > NB_CHANNEL_MAX_HANDLES)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(0), A(1)) || !range_ok(&u, A(2), 4ull * A(3)) ||
	    !range_ok(&u, A(4), 4))
		RET(NB_ERR_FAULT);
	if ((s = check_transfer(&u, A(2), A(3), NB_HANDLE_INVALID)))
		RET(s);
	RET(spawn(&u, u.mem + A(0), A(1), A(2), A(3), NULL, NB_HANDLE_INVALID,
		  A(4)));
}

/* process_create_args(image, len, handles, nhandles, strings, strings_len,
 * argc, out), and process_create_console with a console channel (READ,
 * WRITE, TRANSFER; it moves to the child) before out. */
static bool create_args(wasm_caller *c, void *env, const wasm_val *args,
			wasm_val *results, bool with_console)
{
	nb_handle console = with_console ? A(7) : NB_HANDLE_INVALID;
	uint32_t outp = with_console ? A(8) : A(7);
	struct process_args *a;
	struct kobj *o;
	uint32_t nstr;
	struct ucall u;
	nb_status s;

	ucall_init(&u, c, env);
	if (A(3) > NB_CHANNEL_MAX_HANDLES || A(5) > NB_ARGS_MAX_BYTES ||
	    A(6) > NB_ARGS_MAX_STRINGS)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(0), A(1)) || !range_ok(&u, A(2), 4ull * A(3)) ||
	    !range_ok(&u, A(4), A(5)) || !range_ok(&u, outp, 4))
		RET(NB_ERR_FAULT);
	if (with_console &&
	    (s = htable_get(&u.p->handles, console, KOBJ_CHANNEL,
			    NB_RIGHT_READ | NB_RIGHT_WRITE | NB_RIGHT_TRANSFER,
			    &o)))
		RET(s);
	if ((s = process_args_check((const char *)u.mem + A(4), A(5), A(6),
				    &nstr)))
		RET(s);
	if ((s = check_transfer(&u, A(2), A(3), console)))
		RET(s);
	if (!(a = process_args_new((const char *)u.mem + A(4), A(5), A(6),
				   nstr)))
		RET(NB_ERR_NO_MEMORY);
	RET(spawn(&u, u.mem + A(0), A(1), A(2), A(3), a, console, outp));
}

SYSCALL(process_create_args)
{
	return create_args(c, env, args, results, false);
}

SYSCALL(process_create_console)
{
	return create_args(c, env, args, results, true);
}

/* process_create_vmo(vmo, len, handles, nhandles, out): the image is the
 * first len bytes of a memory object (READ). */
SYSCALL(process_create_vmo)
{
	struct ucall u;
	struct kobj *o;
	nb_status s;

	ucall_init(&u, c, env);
	if (A(3) > NB_CHANNEL_MAX_HANDLES)
		RET(NB_ERR_INVALID_ARGS);
	if (!range_ok(&u, A(2), 4ull * A(3)) || !range_ok(&u, A(4), 4))
		RET(NB_ERR_FAULT);
	if ((s = htable_get(&u.p->handles, A(0), KOBJ_VMO, NB_RIGHT_READ, &o)))
		RET(s);
	if ((s = check_transfer(&u, A(2), A(3), NB_HANDLE_INVALID)))
		RET(s);
	if (A(1) > ((struct vmo *)o)->size)
		RET(NB_ERR_OUT_OF_RANGE);
	RET(spawn(&u, vmo_data((struct vmo *)o), A(1), A(2), A(3), NULL,
		  NB_HANDLE_INVALID, A(4)));
}

/* startup_handle(i) -> handle, or NB_HANDLE_INVALID */
SYSCALL(startup_handle)
{
	struct process *p = env;
	struct khandle *k;
	nb_handle h;

	if (A(0) >= p->nstartup || !p->startup[A(0)].obj)
		RET(NB_HANDLE_INVALID);
	k = &p->startup[A(0)];
	if (htable_add(&p->handles, k->obj, k->rights, &h))
		RET(NB_HANDLE_INVALID);
	k->obj = NULL;
	RET(h);
}

SYSCALL(process_exit)
{
	wasm_caller_exit(c, (int32_t)A(0));
	return false;
}

SYSCALL(process_kill)
{
	struct process *p = env;
	struct kobj *o;
	nb_status s;

	if ((s = htable_get(&p->handles, A(0), KOBJ_PROCESS, NB_RIGHT_KILL,
			    &o)))
		RET(s);
	process_kill((struct process *)o);
	if (o == &p->o) {
		wasm_caller_trap(c, "killed");
		return false;
	}
	RET(NB_OK);
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

/* process_status(h, code) */
SYSCALL(process_status)
{
	struct ucall u;

	ucall_init(&u, c, env);
	RET(sys_exit_status(&u, A(0), KOBJ_PROCESS, A(1)));
}

SYSCALL(yield)
{
	struct process *p = env;

	sched_relinquish();
	if (p->killed) {
		wasm_caller_trap(c, "killed");
		return false;
	}
	RET(NB_OK);
}

SYSCALL(clock_monotonic)
{
	results[0].i64 = (uint64_t)kernel_now();
	return true;
}

/* The table: name, signature ("params:results", i = i32, I = i64). */
static const struct syscall_def calls[] = {
#define CALL(name, sig)                                                        \
	{                                                                      \
#name, sig, sys_##name                                         \
	}
	CALL(handle_close, "i:i"),
	CALL(handle_duplicate, "iii:i"),
	CALL(handle_replace, "iii:i"),
	CALL(channel_create, "ii:i"),
	CALL(channel_write, "iiiii:i"),
	CALL(channel_read, "iiiiiiii:i"),
	CALL(event_create, "i:i"),
	CALL(object_signal, "iii:i"),
	CALL(object_wait_one, "iiIi:i"),
	CALL(object_wait_many, "iiI:i"),
	CALL(process_create, "iiiii:i"),
	CALL(startup_handle, "i:i"),
	CALL(process_create_vmo, "iiiii:i"),
	CALL(process_create_args, "iiiiiiii:i"),
	CALL(process_create_console, "iiiiiiiii:i"),
	CALL(process_exit, "i:"),
	CALL(process_kill, "i:i"),
	CALL(process_status, "ii:i"),
	CALL(yield, ":i"),
	CALL(clock_monotonic, ":I"),
#undef CALL
};

/* The call named `name` in `table` of n, or NULL. */
static const struct syscall_def *find(const struct syscall_def *table,
				      uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

/* Fills types[] from a signature string; false if it does not fit. */
static uint32_t sig_types(const char *s, char stop, uint8_t *types)
{
	uint32_t n = 0;

	for (; *s && *s != stop; s++)
		types[n++] = *s == 'I' ? WASM_I64 : WASM_I32;
	return n;
}

bool syscall_resolve(void *ctx, const char *module, const char *name,
		     enum wasm_extern_kind kind, wasm_extern *out)
{
	struct process *p = ctx;
	uint8_t params[12], results[1];
	wasm_functype t = {0, 0, params, results};
	const struct syscall_def *d;

	if (strcmp(module, "nebulet") != 0 || kind != WASM_EXTERN_FUNC)
		return false;
	d = find(calls, sizeof calls / sizeof calls[0], name);
	if (!d && !(d = find(sysvm_calls, sysvm_ncalls, name)) &&
	    !(d = find(device_calls, device_ncalls, name)))
		return false;
	t.nparams = sig_types(d->sig, ':', params);
	t.nresults = sig_types(strchr(d->sig, ':') + 1, 0, results);
	out->kind = WASM_EXTERN_FUNC;
	out->of.func = wasm_func_new_host(p->store, &t, d->fn, p);
	return out->of.func != NULL;
}
