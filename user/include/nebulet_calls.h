/*
 * nebulet_calls.h: the one list of the kernel's calls (an X-macro). Each
 * call is one line, NB_CALL(name, result, params...) or, without
 * parameters, NB_CALL0(name, result); the includer defines those two and
 * NB_I32/NB_I64, includes this file and undefines them. nebulet.h makes
 * the SDK's declarations from it (`nb_NAME`, a wasm import of module
 * "nebulet", field NAME); the kernel makes its import table and the
 * prototypes of its bodies (`sys_NAME` in kernel/, see kernel/README.md).
 *
 *   result  nb_status, nb_handle (an i32), nb_time (an i64), or noreturn
 *   param   NB_I32(C type, name) or NB_I64(C type, name): the wasm type,
 *           the SDK's C type (a pointer is an i32 offset into the
 *           caller's linear memory) and the name the kernel's body uses
 *
 * No include guard: it is meant to be included more than once.
 */

/* Closes h; the object goes when its last handle does. */
NB_CALL(handle_close, nb_status, NB_I32(nb_handle, h))
/* A new handle to h's object with rights (a subset of h's, or
 * NB_RIGHT_SAME_RIGHTS); needs DUPLICATE. */
NB_CALL(handle_duplicate, nb_status, NB_I32(nb_handle, h),
	NB_I32(nb_rights, rights), NB_I32(nb_handle *, out))
/* Like duplicate, but h is closed (on success only); no right needed. */
NB_CALL(handle_replace, nb_status, NB_I32(nb_handle, h),
	NB_I32(nb_rights, rights), NB_I32(nb_handle *, out))

/* A channel pair: what is written to one end is read from the other. */
NB_CALL(channel_create, nb_status, NB_I32(nb_handle *, out0),
	NB_I32(nb_handle *, out1))
/* Queues a message; the handles (which need TRANSFER) leave this process.
 * NB_ERR_SHOULD_WAIT when the peer's queue is full. Needs WRITE. */
NB_CALL(channel_write, nb_status, NB_I32(nb_handle, h),
	NB_I32(const void *, bytes), NB_I32(uint32_t, nbytes),
	NB_I32(const nb_handle *, handles), NB_I32(uint32_t, nhandles))
/* Takes the first message (handles arrive in this process). Sizes are
 * written to *actual_bytes / *actual_handles (may be NULL), also when the
 * buffers are too small (then the message stays queued). Needs READ. */
NB_CALL(channel_read, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t, flags),
	NB_I32(void *, bytes), NB_I32(uint32_t, bytes_cap),
	NB_I32(nb_handle *, handles), NB_I32(uint32_t, handles_cap),
	NB_I32(uint32_t *, actual_bytes), NB_I32(uint32_t *, actual_handles))

NB_CALL(event_create, nb_status, NB_I32(nb_handle *, out))
/* Clears then sets user signals (SIGNALED, USER*). Needs SIGNAL. */
NB_CALL(object_signal, nb_status, NB_I32(nb_handle, h),
	NB_I32(nb_signals, clear), NB_I32(nb_signals, set))
/* Waits until one of `signals` is pending or `deadline` passes
 * (NB_ERR_TIMED_OUT); *observed (may be NULL) gets the pending signals.
 * Needs WAIT. */
NB_CALL(object_wait_one, nb_status, NB_I32(nb_handle, h),
	NB_I32(nb_signals, signals), NB_I64(nb_time, deadline),
	NB_I32(nb_signals *, observed))
/* The same over up to NB_WAIT_MANY_MAX handles: returns when any item's
 * signals are pending, with every item's pending signals filled in. */
NB_CALL(object_wait_many, nb_status, NB_I32(nb_wait_item *, items),
	NB_I32(uint32_t, count), NB_I64(nb_time, deadline))

/* Starts a process from a wasm image; the handles move to it and become
 * its startup handles 0..n-1. *out gets the process handle. */
NB_CALL(process_create, nb_status, NB_I32(const void *, image),
	NB_I32(uint32_t, len), NB_I32(const nb_handle *, handles),
	NB_I32(uint32_t, nhandles), NB_I32(nb_handle *, out))
/* The same with the image in the first len bytes of a memory object
 * (needs READ; NB_ERR_OUT_OF_RANGE if len exceeds its size). */
NB_CALL(process_create_vmo, nb_status, NB_I32(nb_handle, vmo),
	NB_I32(uint32_t, len), NB_I32(const nb_handle *, handles),
	NB_I32(uint32_t, nhandles), NB_I32(nb_handle *, out))
/*
 * process_create with the child's WASI arguments and environment (what
 * its args_get and environ_get see; process_create gives argv = {a
 * kernel name} and none): strings[0..strings_len) holds NUL-terminated
 * strings, the first argc the arguments (argv[0] first), the rest
 * "NAME=VALUE" entries. NB_ERR_INVALID_ARGS if strings_len >
 * NB_ARGS_MAX_BYTES, the last string is unterminated, or there are
 * more than NB_ARGS_MAX_STRINGS strings or fewer than argc.
 */
NB_CALL(process_create_args, nb_status, NB_I32(const void *, image),
	NB_I32(uint32_t, len), NB_I32(const nb_handle *, handles),
	NB_I32(uint32_t, nhandles), NB_I32(const char *, strings),
	NB_I32(uint32_t, strings_len), NB_I32(uint32_t, argc),
	NB_I32(nb_handle *, out))
/*
 * process_create_args, and the child's WASI fds 1 and 2 speak Console
 * (firmament/console.fir) on channel `console` (READ, WRITE, TRANSFER;
 * it moves to the child): each fd_write sends Console.write requests of
 * at most 4096 bytes and waits for each reply (a reply with written < n:
 * a request for the rest); peer closed or an error reply gives EIO (or
 * the short count already acknowledged), and so does every later write.
 */
NB_CALL(process_create_console, nb_status, NB_I32(const void *, image),
	NB_I32(uint32_t, len), NB_I32(const nb_handle *, handles),
	NB_I32(uint32_t, nhandles), NB_I32(const char *, strings),
	NB_I32(uint32_t, strings_len), NB_I32(uint32_t, argc),
	NB_I32(nb_handle, console), NB_I32(nb_handle *, out))
/*
 * process_create_console whose child also reaches files: console may
 * be NB_HANDLE_INVALID (the kernel's console); fs a FileSystem channel
 * (firmament/filesystem.fir; READ, WRITE, TRANSFER; it moves to the
 * child), or NB_HANDLE_INVALID for none; preopens[0..preopens_len)
 * NUL-terminated pairs GUEST, PATH (at most 16, none empty): the
 * child's WASI descriptors 3, 4, ... are PATH of fs, named GUEST
 * (kernel/wasi_fir.c); a PATH "#N" is a listening socket instead, the
 * child's startup handles N (a Socket channel) and N + 1 (its ready
 * event; firmament/socket.fir). NB_ERR_INVALID_ARGS for a bad block or
 * fs equal to console; a PATH that is no directory ends the child
 * (status 1).
 */
NB_CALL(process_create_wasi, nb_status, NB_I32(const void *, image),
	NB_I32(uint32_t, len), NB_I32(const nb_handle *, handles),
	NB_I32(uint32_t, nhandles), NB_I32(const char *, strings),
	NB_I32(uint32_t, strings_len), NB_I32(uint32_t, argc),
	NB_I32(nb_handle, console), NB_I32(nb_handle, fs),
	NB_I32(const char *, preopens), NB_I32(uint32_t, preopens_len),
	NB_I32(nb_handle *, out))
/* Startup handle i of this process, or NB_HANDLE_INVALID. Each can be
 * taken once. */
NB_CALL(startup_handle, nb_handle, NB_I32(uint32_t, i))
NB_CALL(process_exit, noreturn, NB_I32(int32_t, code))
/* Ends the process (NB_EXIT_KILLED). Needs KILL. */
NB_CALL(process_kill, nb_status, NB_I32(nb_handle, h))
/* The exit status of an ended process (NB_ERR_BAD_STATE before). */
NB_CALL(process_status, nb_status, NB_I32(nb_handle, h),
	NB_I32(int32_t *, code))
/* Lets other processes run. */
NB_CALL0(yield, nb_status)
NB_CALL0(clock_monotonic, nb_time)

/*
 * Priority of a process (each of its threads, and those it creates
 * later) or of one thread: NB_PRIORITY_MIN..MAX, else INVALID_ARGS.
 * Needs MANAGE (a process's own handle from process_create has it; a
 * thread handle too). The ready thread of highest priority runs first,
 * equal priorities take turns at each 10 ms tick; a ready thread passed
 * over gains one level per scheduling decision until it runs (aging),
 * so even a spinning thread at NB_PRIORITY_MAX cannot starve the rest.
 */
NB_CALL(object_set_priority, nb_status, NB_I32(nb_handle, h),
	NB_I32(uint32_t, priority))

/* Timers: SIGNALED is set once the armed deadline has passed. */
NB_CALL(timer_create, nb_status, NB_I32(nb_handle *, out))
/* Clears SIGNALED and arms the timer for `deadline` (monotonic ns; one
 * in the past fires at once). Needs WRITE. */
NB_CALL(timer_set, nb_status, NB_I32(nb_handle, h), NB_I64(nb_time, deadline))
/* Disarms the timer and clears SIGNALED. Needs WRITE. */
NB_CALL(timer_cancel, nb_status, NB_I32(nb_handle, h))

/*
 * Memory objects: zeroed pages the kernel owns, shareable between
 * processes (send or duplicate the handle). The size is rounded up to
 * NB_PAGE_SIZE and at most NB_VMO_MAX_SIZE (else INVALID_ARGS; 0 too).
 */
NB_CALL(vmo_create, nb_status, NB_I32(uint32_t, size), NB_I32(nb_handle *, out))
/* Size in bytes of a memory object, or of a pages object (vm_move_out;
 * 0 once moved in). */
NB_CALL(vmo_size, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t *, size))
/* Copies [offset, offset+len) of the object out (needs READ) or in
 * (needs WRITE); NB_ERR_OUT_OF_RANGE past the object's end. */
NB_CALL(vmo_read, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t, offset),
	NB_I32(void *, buf), NB_I32(uint32_t, len))
NB_CALL(vmo_write, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t, offset),
	NB_I32(const void *, buf), NB_I32(uint32_t, len))
/*
 * Maps [offset, offset+len) of a memory object at [addr, addr+len) of
 * this process's linear memory: its previous contents are replaced by
 * the object's pages, shared with every other mapping and vmo_read/
 * vmo_write. offset, addr and len are NB_PAGE_SIZE multiples, len > 0
 * (INVALID_ARGS); the range lies inside the memory's current size
 * (FAULT); the object's range inside the object (OUT_OF_RANGE); it may
 * not overlap another mapping (BAD_STATE). Needs READ, and WRITE with
 * NB_MAP_WRITE; without it a store to the range traps. The mapping
 * holds the object until vm_unmap or the process ends.
 */
NB_CALL(vm_map, nb_status, NB_I32(nb_handle, vmo), NB_I32(uint32_t, offset),
	NB_I32(void *, addr), NB_I32(uint32_t, len), NB_I32(uint32_t, flags))
/* Removes the mapping made at exactly [addr, addr+len) (else BAD_STATE);
 * the range then reads as zero and is writable again. */
NB_CALL(vm_unmap, nb_status, NB_I32(void *, addr), NB_I32(uint32_t, len))
/*
 * Page flipping, the basis of zero-copy I/O: moves the pages of
 * [addr, addr+len) out of this process's memory, without copying, into a
 * new pages object (*out, with DUPLICATE, TRANSFER, READ and WRITE); the
 * range reads as zero afterwards. Send the handle over a channel, and
 * the receiver moves the pages into its own memory with vm_move_in.
 * Alignment as vm_map; the range may not hold a mapping (BAD_STATE).
 */
NB_CALL(vm_move_out, nb_status, NB_I32(void *, addr), NB_I32(uint32_t, len),
	NB_I32(nb_handle *, out))
/* Moves a pages object's pages, without copying, to [addr, addr+size)
 * of this memory (whose contents they replace); the object is empty
 * after (size 0; BAD_STATE if it already was). Needs WRITE. */
NB_CALL(vm_move_in, nb_status, NB_I32(nb_handle, pages), NB_I32(void *, addr))
/*
 * Loans, for buffers lent and taken back (a driver's zero-copy transmit
 * slots): vmo_lend makes *out, a new memory object over the pages of
 * memory object h (needs READ; a loan cannot be lent again:
 * NOT_SUPPORTED), with h's rights plus MANAGE; give a borrower a
 * duplicate without MANAGE. vmo_revoke (needs MANAGE; WRONG_TYPE for a
 * memory object that is no loan) takes the loan back: each of its
 * mappings, in every process, then reads as zero and traps on a store
 * until vm_unmap, and vm_map, vmo_read and vmo_write of the loan fail
 * with BAD_STATE.
 */
NB_CALL(vmo_lend, nb_status, NB_I32(nb_handle, h), NB_I32(nb_handle *, out))
NB_CALL(vmo_revoke, nb_status, NB_I32(nb_handle, h))

/*
 * Threads share their process's instance, memory, globals and handles.
 * thread_create runs entry(arg) (a function of this module's table:
 * type (i32) -> () or (i32) -> (i32), else INVALID_ARGS) on a new thread
 * of this process, at the process's priority; *out gets a thread handle
 * (WAIT for TERMINATED, then thread_status; MANAGE). A thread ends when
 * entry returns (status: its result, or 0) or at thread_exit. A trap, or
 * an exit (proc_exit, process_exit) in any thread, or the main thread's
 * return from _start, ends the whole process. C's shadow stack: when the
 * module exports a mutable i32 global "__stack_pointer" (link with
 * -mmutable-globals -Wl,--export=__stack_pointer) each thread has its
 * own value of it, starting at stack_top; without that export entry
 * must not use the shadow stack (no address-taken locals, no calls that
 * do). stack_top past the end of memory: FAULT. Threads synchronize
 * with memory.atomic.wait32/64 and memory.atomic.notify (shared memory,
 * the threads proposal), which block in the kernel; a thread that the
 * end of its process unwinds gets status NB_EXIT_KILLED.
 */
NB_CALL(thread_create, nb_status, NB_I32(nb_thread_entry, entry),
	NB_I32(uint32_t, arg), NB_I32(void *, stack_top),
	NB_I32(nb_handle *, out))
/* Ends the calling thread with `code` (in the main thread: the process,
 * as process_exit). */
NB_CALL(thread_exit, noreturn, NB_I32(int32_t, code))
/* The exit status of an ended thread (NB_ERR_BAD_STATE before). */
NB_CALL(thread_status, nb_status, NB_I32(nb_handle, h), NB_I32(int32_t *, code))

/*
 * Memory accounts (kernel/README.md). Each process is charged the kernel
 * memory it causes: the messages it wrote until they are read, the
 * objects it created until they are destroyed. It has limits on that
 * kernel memory, on its linear memory (memory.grow returns -1 past it:
 * malloc returns NULL) and on its handles; past the first a call gives
 * NB_ERR_NO_MEMORY, past the last NB_ERR_NO_RESOURCES. process_limits
 * sets the limits of the processes the caller creates from then on (0:
 * the default, 64 MiB of kernel memory, 1 GiB of linear memory, 1024
 * handles), never above the caller's own.
 */
NB_CALL(process_limits, nb_status, NB_I64(uint64_t, kernel),
	NB_I64(uint64_t, memory), NB_I32(uint32_t, handles))
/* Fills *totals (the machine's RAM, the kernel memory charged to
 * processes) and up to cap entries of procs, one per account (a process,
 * or one that ended while charges of its live on: ended = 1), newest
 * first; *count gets the number of accounts. Only a holder of the
 * inspect right sees the other processes' accounts; any other caller
 * gets its own alone (count 1) and the totals. INVALID_ARGS if cap >
 * NB_MEM_PROCS_MAX. */
NB_CALL(mem_usage, nb_status, NB_I32(nb_mem_totals *, totals),
	NB_I32(nb_mem_proc *, procs), NB_I32(uint32_t, cap),
	NB_I32(uint32_t *, count))
/* The inspect right (mem_usage): the processes the kernel starts (the
 * boot's init and manifest lines) hold it; a creator's children get it
 * only when it asked for that (on = 1) before creating them, and only
 * if it holds it itself (else ACCESS_DENIED); on = 0 stops that. */
NB_CALL(process_inspect, nb_status, NB_I32(uint32_t, on))

/*
 * Devices (bare metal). A driver holds an I/O-port range object and an
 * interrupt object, made by the boot loader for it (manifest options
 * --ioport=BASE:COUNT and --irq=LINE, see bootld/README.md); a program
 * cannot make them, and on the hosted kernel they do not exist.
 * ioport_read/write access one port of `width` 1, 2 or 4 bytes (else
 * INVALID_ARGS); every byte [port, port + width) must lie in the range
 * (else OUT_OF_RANGE); READ / WRITE rights. An interrupt object is
 * SIGNALED when its line fired (wait for it with object_wait_*, WAIT
 * right); the line stays masked until interrupt_ack (WRITE right), which
 * clears SIGNALED and unmasks it: serve the device, then ack, then look
 * at the device once more before waiting again.
 */
NB_CALL(ioport_read, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t, port),
	NB_I32(uint32_t, width), NB_I32(uint32_t *, value))
NB_CALL(ioport_write, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t, port),
	NB_I32(uint32_t, width), NB_I32(uint32_t, value))
NB_CALL(interrupt_ack, nb_status, NB_I32(nb_handle, h))

/*
 * PCI (bare metal; hosted every one gives NOT_SUPPORTED). A driver holds
 * a PCI device object for one function, made by the boot loader
 * (manifest option --pci=VENDOR:DEVICE[#N], bootld/README.md), with
 * READ (configuration reads) and WRITE (the rest). pci_config_read/write
 * access its configuration register at offset (< 256, else OUT_OF_RANGE)
 * of width 1, 2 or 4 dividing it (else INVALID_ARGS). Writes that could
 * reach beyond the function are ACCESS_DENIED: the header below 0x40
 * but the command register (only memory space, bus master and INTx
 * disable change) and the status register, and the MSI and MSI-X
 * capabilities (the kernel programs those).
 */
NB_CALL(pci_config_read, nb_status, NB_I32(nb_handle, h),
	NB_I32(uint32_t, offset), NB_I32(uint32_t, width),
	NB_I32(uint32_t *, value))
NB_CALL(pci_config_write, nb_status, NB_I32(nb_handle, h),
	NB_I32(uint32_t, offset), NB_I32(uint32_t, width),
	NB_I32(uint32_t, value))
/* A memory object over memory BAR index (0-5, else INVALID_ARGS; an
 * empty or I/O BAR: NOT_SUPPORTED; one holding the MSI-X table:
 * ACCESS_DENIED), its size the BAR's rounded up to pages; vm_map maps
 * it uncached. READ, WRITE, DUPLICATE, TRANSFER. Needs WRITE. */
NB_CALL(pci_bar, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t, index),
	NB_I32(nb_handle *, out))
/* An interrupt object (as --irq's: WAIT, WRITE; interrupt_ack) for
 * MSI-X table entry `vector` (the kernel programs and unmasks it and
 * enables MSI-X; OUT_OF_RANGE past the table, BAD_STATE if bound,
 * NOT_SUPPORTED without MSI-X, NO_RESOURCES when the CPU's vectors are
 * taken) or, with NB_PCI_INTX, for the function's INTx line (level-
 * triggered, masked until interrupt_ack; NOT_SUPPORTED if it has none
 * the kernel can route). Needs WRITE. */
NB_CALL(pci_interrupt, nb_status, NB_I32(nb_handle, h),
	NB_I32(uint32_t, vector), NB_I32(nb_handle *, out))
/* A DMA memory object for h's device: zeroed, physically contiguous,
 * pinned, size rounded up to pages (0 or past NB_DMA_MAX_SIZE:
 * INVALID_ARGS), charged like vmo_create. Rights as vmo_create's plus
 * MANAGE, which vmo_physical needs. Needs WRITE on h. */
NB_CALL(dma_create, nb_status, NB_I32(nb_handle, h), NB_I32(uint32_t, size),
	NB_I32(nb_handle *, out))
/* The physical (bus) address of a DMA memory object's first byte
 * (WRONG_TYPE for another memory object). Needs MANAGE. */
NB_CALL(vmo_physical, nb_status, NB_I32(nb_handle, h), NB_I32(uint64_t *, phys))
/* The number of CPUs the kernel runs threads on (at least 1): as many
 * threads may run at once. */
NB_CALL0(cpu_count, nb_status)
