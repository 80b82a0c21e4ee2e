/*
 * process.c: processes. A process is a wasm module instantiated in a store
 * of its own, a handle table and its threads (thread.c); the main thread
 * runs _start. Its imports are the kernel's calls (module "nebulet") and
 * WASI preview 1 (console, clocks, args: kernel/wasi.c). It ends when
 * _start returns (exit status 0), at proc_exit or process_exit in any
 * thread (their code), on a trap in any thread (NB_EXIT_TRAP, reported
 * on stderr) or when killed (NB_EXIT_KILLED): the first of these sets
 * the status and makes every thread unwind. When the last thread is
 * out, its handles are closed, its store freed, its mappings dropped,
 * and TERMINATED set.
 *
 * Also kernel_run, the hosted kernel: starts init with a boot channel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmament/console_wire.h"
#include "kernel/firport.h"
#include "kernel/object.h"
#include "kernel/wasi_fir.h"
#include "user/include/nb_strerror.h"

static uint32_t next_id = 1;
enum wasm_engine kernel_engine = KERNEL_ENGINE_DEFAULT;

/* Imports: the kernel's own, else WASI's. */
static bool resolve(void *ctx, const char *module, const char *name,
		    enum wasm_extern_kind kind, wasm_extern *out)
{
	struct process *p = ctx;

	if (strcmp(module, "nebulet") == 0)
		return syscall_resolve(p, module, name, kind, out);
	return wasi_resolve(&p->wasi, module, name, kind, out);
}

/* The exported mutable i32 global "__stack_pointer" (C's shadow stack),
 * which the scheduler keeps per thread; NULL if none. */
static wasm_global *stack_pointer(wasm_instance *inst)
{
	wasm_extern e;

	if (!wasm_instance_export(inst, "__stack_pointer", &e) ||
	    e.kind != WASM_EXTERN_GLOBAL ||
	    wasm_global_type(e.of.global) != WASM_I32)
		return NULL;
	return e.of.global;
}

#define CONSOLE_CHUNK 4096u /* Console.write's bytes<4096> */

/* One Console.write of b[0..n) (n <= CONSOLE_CHUNK) on p's console,
 * waiting for the reply: the count written, or -1 (peer closed, error
 * or malformed reply, or p killed). Encoded and decoded by firc's
 * console_wire.c. */
static long console_chunk(struct process *p, const uint8_t *b, uint32_t n)
{
	uint8_t msg[CONSOLE_write_REQ_BYTES];
	console_write_req req;
	console_write_resp resp;
	fir_enc e;
	fir_dec d;
	struct kmsg *m;
	long got = -1;

	if (!++p->console_txid)
		p->console_txid = 1; /* txid 0: no reply */
	req.data.len = n;
	memcpy(req.data.b, b, n);
	fir_enc_init(&e, msg, sizeof msg, NULL, 0);
	console_write_req_enc(&e, p->console_txid, &req);
	if (e.err ||
	    !(m = firport_call(p->console, p, msg, e.len, p->console_txid)))
		return -1;
	fir_dec_init(&d, m->bytes, m->nbytes, NULL, m->nhandles, NULL, NULL);
	if (fir_reply_check(&d, p->console_txid, CONSOLE_write_ORDINAL) ==
		    FIR_OK &&
	    console_write_resp_dec(&d, &resp) && resp.written <= n)
		got = resp.written;
	kmsg_free(m, true);
	return got;
}

/*
 * wasi_ctx's out for a process with a console: b[0..len) in
 * Console.writes of at most CONSOLE_CHUNK bytes, each sent once its
 * predecessor is acknowledged; a write acknowledged in part (written <
 * n) is followed by one of the rest, so no byte is lost or sent twice.
 * Returns len, or the bytes acknowledged before a failure or a reply of
 * 0 bytes (which would never end), or -1 if there were none.
 */
static long console_out(void *arg, const uint8_t *b, uint32_t len)
{
	uint32_t off = 0;

	while (off < len) {
		uint32_t n =
			len - off < CONSOLE_CHUNK ? len - off : CONSOLE_CHUNK;
		long k = console_chunk(arg, b + off, n);
		if (k <= 0)
			return off ? (long)off : -1;
		off += (uint32_t)k;
	}
	return off;
}

/* wasi_ctx's block hook: poll_oneoff's sleep blocks the calling thread
 * in the scheduler until deadline_ns, so the others run; false once p
 * is being killed. */
static bool process_wasi_block(void *arg, uint64_t deadline_ns)
{
	struct process *p = arg;

	sched_block(deadline_ns >= (uint64_t)NB_TIME_INFINITE
			    ? NB_TIME_INFINITE
			    : (nb_time)deadline_ns);
	return !p->killed;
}

/* wasi_ctx's yield hook (sched_yield): the next ready thread runs. */
static bool process_wasi_yield(void *arg)
{
	struct process *p = arg;

	sched_relinquish();
	return !p->killed;
}

/* Instantiates p's module and runs _start; returns the exit status. */
static int32_t process_start(struct process *p)
{
	static char *const noenv[1];
	char *argv[1] = {p->name};
	wasm_error err = {0};
	wasm_instance *inst;
	wasm_extern start;
	wasm_val none[1];

	const struct process_args *a = p->args; /* bare-metal init's */

	if (!(p->store = wasm_store_new(a ? a->engine : kernel_engine)))
		return 1;
	wasm_store_set_memory_limit(p->store, p->acct->lim.memory);
	if (a && a->on_start)
		a->on_start(a->arg);
	if (!(a ? wasi_ctx_init(&p->wasi, p->store, a->argc, a->argv, a->envc,
				a->envp)
		: wasi_ctx_init(&p->wasi, p->store, 1, argv, 0, noenv)))
		return 1;
	p->wasi.block = process_wasi_block;
	p->wasi.yield = process_wasi_yield;
	p->wasi.sched_arg = p;
	if (p->console) {
		p->wasi.out = console_out;
		p->wasi.out_arg = p;
	}
	if (p->wfir && !wasi_fir_attach(p->wfir, p, &p->wasi))
		return 1;
	inst = wasm_instantiate(p->store, p->module, resolve, p, &err);
	if (inst && (!wasm_instance_export(inst, "_start", &start) ||
		     start.kind != WASM_EXTERN_FUNC ||
		     wasm_func_type(start.of.func)->nparams != 0 ||
		     wasm_func_type(start.of.func)->nresults != 0)) {
		fprintf(stderr, "%s: no _start function\n", p->name);
		return 1;
	}
	if (inst) {
		p->inst = inst;
		p->sp = stack_pointer(inst);
	}
	bool ok = inst && wasm_func_call(start.of.func, none, none, &err);
	klock_enter(); /* wasm code ran without it */
	if (ok)
		return 0;
	if (p->killed)
		return p->exit_code;
	switch (err.kind) {
	case WASM_ERR_EXIT:
		return err.exit_code;
	case WASM_ERR_TRAP:
	case WASM_ERR_EXHAUSTED:
		fprintf(stderr, "%s: trap: %s\n", p->name, err.msg);
		return NB_EXIT_TRAP;
	default:
		fprintf(stderr, "%s: error: %s\n", p->name, err.msg);
		return 1;
	}
}

/* Every thread is out: closes p's handles, frees its instance. */
static void process_end(struct process *p)
{
	p->ended = true;
	p->sp = NULL;
	p->inst = NULL;
	htable_clear(&p->handles);
	for (uint32_t i = 0; i < p->nstartup; i++)
		if (p->startup[i].obj)
			kobj_release(p->startup[i].obj);
	p->nstartup = 0;
	if (p->console)
		kobj_release(&p->console->o);
	p->console = NULL;
	wasi_ctx_free(&p->wasi);
	wasi_fir_free(p->wfir);
	p->wfir = NULL;
	if (p->store)
		wasm_store_free(p->store);
	p->store = NULL;
	vm_forget(p);
	p->acct->proc = NULL;
	cycle_collect(true); /* what only p's handles kept reachable */
	kobj_signal(&p->o, 0, NB_SIGNAL_TERMINATED);
}

_Noreturn void process_thread_end(struct kthread *t, int32_t code)
{
	struct process *p = t->proc;

	t->ended = true;
	t->exit_code = code;
	for (struct kthread **q = &p->threads; *q; q = &(*q)->next_in_proc)
		if (*q == t) {
			*q = t->next_in_proc;
			break;
		}
	kobj_signal(&t->o, 0, NB_SIGNAL_TERMINATED);
	if (--p->nthreads == 0)
		process_end(p);
	sched_exit();
}

/* The main thread: its end ends the process. */
static void process_main(void *arg)
{
	struct kthread *t = arg;
	struct process *p = t->proc;
	int32_t code = p->killed ? p->exit_code : process_start(p);

	process_exit_all(p, code);
	process_thread_end(t, code);
}

/* p's account, named and numbered as p is, with the limits its creator
 * set for its children (the running process's; at boot the defaults and
 * the inspect right); NULL when out of memory. */
static struct kacct *process_account(struct process *p, const char *name)
{
	struct kacct *parent = kacct_current();
	struct kacct_limits none = {.inspect = true}, l;
	struct kacct *a;

	kacct_child_limits(parent, parent ? &parent->proc->child_limits : &none,
			   &l);
	p->id = next_id++;
	snprintf(p->name, sizeof p->name, "%s", name);
	if ((a = kacct_new(p->id, p->name, &l)))
		a->proc = p;
	return a;
}

const char *process_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

nb_status process_create(const uint8_t *image, uint32_t len,
			 const struct khandle *startup, uint32_t nstartup,
			 const char *name, struct process **out)
{
	wasm_error err = {0};
	wasm_module *m = NULL;
	struct kthread *t = NULL;
	struct process *p = NULL;
	nb_status s;

	if ((s = modcache_get(image, len, &err, &m)) != NB_OK)
		return s;
	if (nstartup > NB_CHANNEL_MAX_HANDLES) {
		modcache_put(m);
		return NB_ERR_INVALID_ARGS;
	}
	if (!(p = kobj_alloc(sizeof *p, KOBJ_PROCESS)) ||
	    !(t = kobj_alloc(sizeof *t, KOBJ_THREAD)) ||
	    !(p->acct = process_account(p, name))) {
		modcache_put(m);
		if (t)
			kobj_free(&t->o);
		if (p)
			kobj_free(&p->o);
		return NB_ERR_NO_MEMORY;
	}
	htable_init(&p->handles, p->acct);
	p->handles.limit = p->acct->lim.handles;
	p->module = m;
	p->priority = NB_PRIORITY_DEFAULT;
	t->proc = p;
	t->prio = p->priority;
	if (!sched_spawn(t, process_main)) {
		modcache_put(m);
		kacct_release(p->acct);
		kobj_free(&t->o);
		kobj_free(&p->o);
		return NB_ERR_NO_MEMORY;
	}
	kobj_retain(&p->o);  /* the thread's reference */
	kobj_release(&t->o); /* the scheduler holds it */
	p->threads = t;
	p->nthreads = 1;
	for (uint32_t i = 0; i < nstartup; i++)
		p->startup[i] = startup[i];
	p->nstartup = nstartup;
	*out = p;
	return NB_OK;
}

/* Marks p ending with code (unless it already is) and wakes each of its
 * threads: a blocking call then unwinds it, as does the next preemption
 * check of running code. */
void process_exit_all(struct process *p, int32_t code)
{
	if (p->ended)
		return;
	if (!p->killed) {
		p->killed = true;
		p->exit_code = code;
	}
	for (struct kthread *t = p->threads; t; t = t->next_in_proc)
		sched_wake(t);
	sched_poke(p);
}

void process_kill(struct process *p)
{
	if (!p->killed)
		process_exit_all(p, NB_EXIT_KILLED);
}

/* Sets the priority of p and of each of its threads. */
void process_set_priority(struct process *p, uint32_t prio)
{
	p->priority = prio;
	for (struct kthread *t = p->threads; t; t = t->next_in_proc)
		sched_set_priority(t, prio);
}

/* The last reference is gone (the process has ended). */
void process_destroy(struct process *p)
{
	modcache_put(p->module);
	free(p->own_args);
	if (p->acct && p->acct->proc == p)
		p->acct->proc = NULL;
	kacct_release(p->acct);
	kobj_free(&p->o);
}

/*
 * Checks a creator's argument block (process_create_args): len bytes of
 * NUL-terminated strings, the first argc the arguments, the rest the
 * environment. INVALID_ARGS if the block is longer than
 * NB_ARGS_MAX_BYTES, its last string unterminated, it holds more than
 * NB_ARGS_MAX_STRINGS strings or fewer than argc; else *nstr = count.
 */
nb_status process_args_check(const char *block, uint32_t len, uint32_t argc,
			     uint32_t *nstr)
{
	uint32_t n = 0;

	if (len > NB_ARGS_MAX_BYTES || (len && block[len - 1] != 0))
		return NB_ERR_INVALID_ARGS;
	for (uint32_t i = 0; i < len; i++)
		n += block[i] == 0;
	if (n > NB_ARGS_MAX_STRINGS || argc > n)
		return NB_ERR_INVALID_ARGS;
	*nstr = n;
	return NB_OK;
}

/*
 * A process_args owning a copy of a checked block (process_args_check)
 * of nstr strings, in one allocation (free() releases all), for
 * kernel_engine and no on_start; NULL when out of memory.
 */
struct process_args *process_args_new(const char *block, uint32_t len,
				      uint32_t argc, uint32_t nstr)
{
	size_t ptrs = (nstr + 2) * sizeof(char *);
	struct process_args *a = kmem_alloc(sizeof *a + ptrs + len, false);
	char **v, *text;

	if (!a)
		return NULL;
	v = (char **)(a + 1);
	text = (char *)v + ptrs;
	memcpy(text, block, len);
	a->argc = (int)argc;
	a->argv = v;
	a->envc = (int)(nstr - argc);
	a->envp = v + argc + 1;
	for (uint32_t i = 0, off = 0; i < nstr; i++) {
		v[i < argc ? i : i + 1] = text + off;
		off += (uint32_t)strlen(text + off) + 1;
	}
	v[argc] = NULL;
	v[nstr + 1] = NULL;
	a->engine = kernel_engine;
	a->on_start = NULL;
	a->arg = NULL;
	return a;
}

/*
 * The boot channel's format, written here only (its reader is
 * user/include/nb_bootch.h): each file is a header message, u32 size
 * then the name (at most NB_BOOT_NAME_MAX bytes; longer names are cut),
 * then its data in messages of at most NB_CHANNEL_MAX_BYTES. Sends one
 * file on c: channel_write's status.
 */
nb_status process_boot_send(struct channel *c, const char *name,
			    const uint8_t *data, size_t len)
{
	uint8_t hdr[4 + NB_BOOT_NAME_MAX];
	size_t nl = strnlen(name, NB_BOOT_NAME_MAX);
	uint32_t size = (uint32_t)len;
	nb_status s;

	memcpy(hdr, &size, 4);
	memcpy(hdr + 4, name, nl);
	s = channel_write(c, hdr, (uint32_t)(4 + nl));
	for (size_t off = 0; s == NB_OK && off < len;) {
		size_t k = len - off;
		if (k > NB_CHANNEL_MAX_BYTES)
			k = NB_CHANNEL_MAX_BYTES;
		s = channel_write(c, data + off, (uint32_t)k);
		off += k;
	}
	return s;
}

/*
 * Runs images[0] as init until every process has ended; returns init's
 * exit status. Init's startup handle 0 is the boot channel, from which it
 * reads images[1..n-1] (process_boot_send); the kernel closes its end
 * after.
 */
int kernel_run(int n, char **paths, uint8_t **images, size_t *lens)
{
	struct channel *a, *b;
	struct process *init;
	struct khandle boot;
	nb_status s;
	int32_t code;

	if (channel_create(&a, &b) != NB_OK)
		return 1;
	s = NB_OK;
	for (int i = 1; i < n && s == NB_OK; i++)
		s = process_boot_send(a, paths[i], images[i], lens[i]);
	if (s != NB_OK) {
		fprintf(stderr,
			"kernel: boot images do not fit the boot "
			"channel: %s\n",
			nb_strerror(s));
		kobj_release(&a->o);
		kobj_release(&b->o);
		return 1;
	}
	kobj_release(&a->o);
	boot.obj = &b->o;
	boot.rights = NB_RIGHT_READ | NB_RIGHT_WAIT | NB_RIGHT_TRANSFER |
		      NB_RIGHT_DUPLICATE;
	s = process_create(images[0], (uint32_t)lens[0], &boot, 1,
			   process_base_name(paths[0]), &init);
	if (s != NB_OK) {
		fprintf(stderr, "%s: cannot start: %s\n", paths[0],
			nb_strerror(s));
		kobj_release(&b->o);
		return 1;
	}
	sched_run();
	code = init->exit_code;
	kobj_release(&init->o);
	cycle_collect(true);
	if (kobj_live())
		fprintf(stderr, "kernel: %u objects left at exit\n",
			kobj_live());
	return code;
}
