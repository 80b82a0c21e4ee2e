/*
 * nebulet.h: the hosted runner's subcommands (tools/nebulet/), dispatched
 * by main.c. Each takes the arguments after "nebulet" (argv[0] is the
 * subcommand's name) and returns the process exit status.
 */
#ifndef NEBULET_NEBULET_H
#define NEBULET_NEBULET_H

/* spec.c: `nebulet spec [--engine=interp] [-v] FILE.json...` runs the
 * wast2json spec test scripts; non-zero if any check failed. */
int spec_main(int argc, char **argv);

/* main.c: `nebulet run [--engine=interp] [--env=NAME=VALUE]... prog.wasm
 * [args...]` runs a wasm32-wasi program; the status is the program's exit
 * code, 1 for a bad module or link error, 134 for a trap, 2 for usage. */
int run_main(int argc, char **argv);

/* main.c: prints the optimizing tier's counters (--opt-stats) on
 * stderr. */
void print_opt_stats(void);

/* boot.c: `nebulet boot [--engine=E] [--env=NAME=VALUE]... [--timeout=S]
 * [-v] [--timing] prog.wasm [args...]` runs the program on the bare-metal
 * kernel in QEMU; the status is the program's, as with run, 124 when the
 * boot times out. */
int boot_main(int argc, char **argv);

/* boot.c: `nebulet pack -o ARCHIVE [--manifest=FILE] FILE...` writes a
 * boot archive (bootld/bootfs.h) for `nebulet boot --initrd=ARCHIVE`. */
int pack_main(int argc, char **argv);

/* main.c: `nebulet validate file.wasm...` prints "file: ok" or
 * "file: offset 0x..: error" per module; 1 if any failed. */
int validate_main(int argc, char **argv);

/* main.c: `nebulet kernel init.wasm [image.wasm...]` runs init as the
 * kernel's first process; the status is init's exit status. */
int kernel_main(int argc, char **argv);

/* wasi_host.c: gives ctx the host's files and sockets (kernel/wasi_fs.h)
 * and preopens dirs ("HOST[::GUEST]", as `run --dir`; HOST is cut at
 * "::") and listening sockets ("tcp:ADDR:PORT", as `run --listen`), in
 * that order from descriptor 3. -1 after a message on stderr. */
struct wasi_ctx;
int host_wasi_attach(struct wasi_ctx *ctx, char **dirs, int ndirs,
		     char **listens, int nlistens);

#endif
