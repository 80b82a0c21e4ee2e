/*
 * hostile: calls WASI functions directly with pointers and lengths that
 * reach past the end of linear memory, wrap around 32 bits, or name bad
 * descriptors. Each must fail with the right errno (EFAULT 21, EBADF 8,
 * EINVAL 28, ENAMETOOLONG 37, ESPIPE 70), have no effect (a failed
 * path_open creates nothing, a failed rename moves nothing) and leave
 * the runner standing. fd 3 is a preopened scratch directory
 * (hostile.dir).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WASI(name)                                                             \
	__attribute__((import_module("wasi_snapshot_preview1"),                \
		       import_name(#name)))

WASI(fd_write) uint32_t raw_fd_write(uint32_t, uint32_t, uint32_t, uint32_t);
WASI(fd_read) uint32_t raw_fd_read(uint32_t, uint32_t, uint32_t, uint32_t);
WASI(fd_seek) uint32_t raw_fd_seek(uint32_t, int64_t, uint32_t, uint32_t);
WASI(fd_close) uint32_t raw_fd_close(uint32_t);
WASI(fd_fdstat_get) uint32_t raw_fd_fdstat_get(uint32_t, uint32_t);
WASI(fd_prestat_get) uint32_t raw_fd_prestat_get(uint32_t, uint32_t);
WASI(args_get) uint32_t raw_args_get(uint32_t, uint32_t);
WASI(args_sizes_get) uint32_t raw_args_sizes_get(uint32_t, uint32_t);
WASI(environ_get) uint32_t raw_environ_get(uint32_t, uint32_t);
WASI(random_get) uint32_t raw_random_get(uint32_t, uint32_t);
WASI(clock_time_get) uint32_t raw_clock_time_get(uint32_t, uint64_t, uint32_t);
WASI(clock_res_get) uint32_t raw_clock_res_get(uint32_t, uint32_t);
WASI(path_open)
uint32_t raw_path_open(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
		       uint64_t, uint64_t, uint32_t, uint32_t);
WASI(path_create_directory)
uint32_t raw_path_create_directory(uint32_t, uint32_t, uint32_t);
WASI(path_filestat_get)
uint32_t raw_path_filestat_get(uint32_t, uint32_t, uint32_t, uint32_t,
			       uint32_t);
WASI(path_rename)
uint32_t raw_path_rename(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
			 uint32_t);
WASI(path_symlink)
uint32_t raw_path_symlink(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
WASI(path_readlink)
uint32_t raw_path_readlink(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
			   uint32_t);
WASI(fd_readdir)
uint32_t raw_fd_readdir(uint32_t, uint32_t, uint32_t, uint64_t, uint32_t);
WASI(fd_prestat_dir_name)
uint32_t raw_fd_prestat_dir_name(uint32_t, uint32_t, uint32_t);
WASI(fd_filestat_get) uint32_t raw_fd_filestat_get(uint32_t, uint32_t);
WASI(poll_oneoff)
uint32_t raw_poll_oneoff(uint32_t, uint32_t, uint32_t, uint32_t);
WASI(sock_recv)
uint32_t raw_sock_recv(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t,
		       uint32_t);
WASI(sock_send)
uint32_t raw_sock_send(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
WASI(sock_accept) uint32_t raw_sock_accept(uint32_t, uint32_t, uint32_t);
WASI(fd_pread)
uint32_t raw_fd_pread(uint32_t, uint32_t, uint32_t, uint64_t, uint32_t);

static int failures;

static void expect(const char *what, uint32_t got, uint32_t want)
{
	printf("%-44s %2u %s\n", what, got, got == want ? "ok" : "WRONG");
	if (got != want)
		failures++;
}

static uint32_t iov[2];
static uint32_t word;
static uint64_t big;
static char text[] = "visible\n";
static uint8_t st[64], sub[48], ev[32];
static char longpath[5000];

#define P(x) ((uint32_t)(uintptr_t)(x))
#define ALL 0x3fffffffull /* every right */

/* The path calls, each with one range bad, and a check that the failed
 * calls changed nothing. */
static void paths(uint32_t end)
{
	uint32_t fd = 7;

	expect("path_open path past end",
	       raw_path_open(3, 0, end - 2, 10, 1, ALL, ALL, 0, P(&fd)), 21);
	expect("path_open path wraps",
	       raw_path_open(3, 0, 0xffffffff, 2, 1, ALL, ALL, 0, P(&fd)), 21);
	expect("path_open fd_ptr past end",
	       raw_path_open(3, 0, P("new"), 3, 1, ALL, ALL, 0, end - 1), 21);
	expect("... created nothing",
	       raw_path_filestat_get(3, 0, P("new"), 3, P(st)), 44);
	expect("path_open NUL in path",
	       raw_path_open(3, 0, P("a\0b"), 3, 1, ALL, ALL, 0, P(&fd)), 28);
	memset(longpath, 'a', sizeof longpath);
	expect("path_open path too long",
	       raw_path_open(3, 0, P(longpath), sizeof longpath, 1, ALL, ALL, 0,
			     P(&fd)),
	       37);
	expect("path_open bad dir fd",
	       raw_path_open(9, 0, P("new"), 3, 1, ALL, ALL, 0, P(&fd)), 8);
	expect("fd untouched", fd, 7);
	expect("path_create_directory past end",
	       raw_path_create_directory(3, end - 1, 5), 21);
	expect("path_filestat_get buf past end",
	       raw_path_filestat_get(3, 0, P("."), 1, end - 63), 21);
	expect("mkdir d", raw_path_create_directory(3, P("d"), 1), 0);
	expect("path_rename new past end",
	       raw_path_rename(3, P("d"), 1, 3, end - 1, 4), 21);
	expect("... moved nothing",
	       raw_path_filestat_get(3, 0, P("d"), 1, P(st)), 0);
	expect("path_symlink target past end",
	       raw_path_symlink(end - 1, 9, 3, P("l"), 1), 21);
	expect("path_readlink buf past end",
	       raw_path_readlink(3, P("d"), 1, end - 2, 8, P(&fd)), 21);
	expect("fd_readdir buf past end",
	       raw_fd_readdir(3, end - 4, 100, 0, P(&fd)), 21);
	expect("fd_readdir bufused past end",
	       raw_fd_readdir(3, P(st), 64, 0, end), 21);
	expect("fd_prestat_dir_name past end",
	       raw_fd_prestat_dir_name(3, end - 2, 8), 21);
	expect("fd_prestat_get past end", raw_fd_prestat_get(3, end - 4), 21);
	expect("fd_filestat_get past end", raw_fd_filestat_get(3, end - 8), 21);
	expect("poll_oneoff in past end",
	       raw_poll_oneoff(end - 40, P(ev), 1, P(&fd)), 21);
	expect("poll_oneoff out past end",
	       raw_poll_oneoff(P(sub), end - 16, 1, P(&fd)), 21);
	expect("poll_oneoff count wraps",
	       raw_poll_oneoff(P(sub), P(ev), 0x10000000, P(&fd)), 21);
	expect("poll_oneoff nevents past end",
	       raw_poll_oneoff(P(sub), P(ev), 1, end - 1), 21);
	iov[0] = end - 2;
	iov[1] = 10;
	expect("sock_recv buf past end",
	       raw_sock_recv(3, P(iov), 1, 0, P(&fd), P(&fd)), 21);
	expect("sock_send buf past end", raw_sock_send(3, P(iov), 1, 0, P(&fd)),
	       21);
	expect("fd_pread buf past end", raw_fd_pread(3, P(iov), 1, 0, P(&fd)),
	       31);
	iov[0] = P(text);
	expect("sock_recv on a directory",
	       raw_sock_recv(3, P(iov), 1, 0, P(&fd), P(&fd)), 57);
	expect("sock_recv datalen past end",
	       raw_sock_recv(3, P(iov), 1, 0, end, P(&fd)), 21);
	expect("sock_accept fd_ptr past end", raw_sock_accept(3, 0, end), 21);
}

int main(void)
{
	uint32_t end = (uint32_t)(__builtin_wasm_memory_size(0) * 65536);
	uint32_t p_iov = (uint32_t)(uintptr_t)iov;
	uint32_t p_word = (uint32_t)(uintptr_t)&word;

	iov[0] = (uint32_t)(uintptr_t)text;
	iov[1] = sizeof text - 1;
	expect("fd_write good", raw_fd_write(1, p_iov, 1, p_word), 0);
	expect("fd_write wrote", word, sizeof text - 1);
	expect("fd_write iovs past end", raw_fd_write(1, end - 4, 1, p_word),
	       21);
	expect("fd_write iovs at end", raw_fd_write(1, end, 1, p_word), 21);
	expect("fd_write iovs_len huge",
	       raw_fd_write(1, p_iov, 0x20000000, p_word), 21);
	expect("fd_write iovs_len wraps",
	       raw_fd_write(1, p_iov, 0xffffffff, p_word), 21);
	expect("fd_write nwritten past end", raw_fd_write(1, p_iov, 1, end - 2),
	       21);
	iov[0] = end - 2;
	iov[1] = 10;
	expect("fd_write buf past end", raw_fd_write(1, p_iov, 1, p_word), 21);
	iov[0] = 0xffffffff;
	iov[1] = 0xffffffff;
	expect("fd_write buf+len wraps", raw_fd_write(1, p_iov, 1, p_word), 21);
	expect("fd_write bad fd", raw_fd_write(99, p_iov, 1, p_word), 8);
	expect("fd_write to stdin", raw_fd_write(0, p_iov, 1, p_word), 8);
	expect("fd_read from stdout", raw_fd_read(1, p_iov, 1, p_word), 8);
	expect("fd_read iovs past end", raw_fd_read(0, end - 1, 1, p_word), 21);
	expect("fd_seek stdout", raw_fd_seek(1, 0, 0, p_word), 70);
	expect("fd_seek bad fd", raw_fd_seek(7, 0, 0, p_word), 8);
	expect("fd_fdstat_get past end", raw_fd_fdstat_get(1, end - 8), 21);
	expect("fd_fdstat_get bad fd", raw_fd_fdstat_get(5, p_word), 8);
	expect("fd_prestat_get fd 5", raw_fd_prestat_get(5, p_word), 8);
	expect("fd_close bad fd", raw_fd_close(5), 8);
	expect("args_sizes_get past end", raw_args_sizes_get(end, p_word), 21);
	expect("args_get argv wraps", raw_args_get(0xfffffffc, p_word), 21);
	expect("args_get buf past end", raw_args_get(p_iov, end - 1), 21);
	expect("environ_get argv past end", raw_environ_get(end, end), 21);
	expect("random_get straddles end", raw_random_get(end - 4, 8), 21);
	expect("random_get wraps", raw_random_get(0xffffffff, 0xffffffff), 21);
	expect("random_get empty at end", raw_random_get(end, 0), 0);
	expect("random_get empty past end", raw_random_get(end + 1, 0), 21);
	expect("random_get good", raw_random_get((uint32_t)(uintptr_t)&big, 8),
	       0);
	expect("clock_time_get past end", raw_clock_time_get(1, 0, end - 4),
	       21);
	expect("clock_time_get bad clock",
	       raw_clock_time_get(99, 0, (uint32_t)(uintptr_t)&big), 28);
	expect("clock_res_get past end", raw_clock_res_get(0, 0xfffffff9), 21);
	paths(end);
	/* Close stdout, then report on stderr. */
	iov[0] = (uint32_t)(uintptr_t)text;
	iov[1] = sizeof text - 1;
	uint32_t closed = raw_fd_close(1);
	uint32_t again = raw_fd_write(1, p_iov, 1, p_word);
	fprintf(stderr, "fd_close stdout %u, fd_write after close %u\n", closed,
		again);
	if (closed != 0 || again != 8)
		failures++;
	fprintf(stderr, "%d failures\n", failures);
	return failures;
}
