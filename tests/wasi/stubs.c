/*
 * stubs: every WASI function a wasm32-wasi libc can import links (so the
 * signatures match wasi-libc's), and those that a standard stream cannot
 * do answer as a stream would: EBADF (8) for a descriptor that does not
 * exist, and for a stream ESPIPE 70, EINVAL 28, ENOTDIR 54, ENOTSOCK 57,
 * ENOTSUP 58, ENOTCAPABLE 76 (rights only shrink). Without --dir there
 * are no preopened directories, so libc's file functions fail cleanly.
 */
#include <errno.h>
#include <stdio.h>
#include <wasi/api.h>

static int failures;

static void expect(const char *what, int got, int want)
{
	printf("%-28s %2d %s\n", what, got, got == want ? "ok" : "WRONG");
	if (got != want)
		failures++;
}

/* Calls each stub with fd: a stream, or (bad) no descriptor at all. */
static void stubs(__wasi_fd_t fd, int bad)
{
	__wasi_size_t n;
	__wasi_fd_t nfd;
	__wasi_filesize_t off;
	__wasi_filestat_t st;
	__wasi_roflags_t rof;
	uint8_t buf[16];
	__wasi_iovec_t iov = {buf, sizeof buf};
	__wasi_ciovec_t ciov = {buf, sizeof buf};
#define S(x) (bad ? 8 : (x))

	printf("-- fd %u\n", fd);
	expect("fd_advise", __wasi_fd_advise(fd, 0, 0, 0), S(70));
	expect("fd_allocate", __wasi_fd_allocate(fd, 0, 1), S(70));
	expect("fd_datasync", __wasi_fd_datasync(fd), S(28));
	expect("fd_sync", __wasi_fd_sync(fd), S(28));
	expect("fd_fdstat_set_rights",
	       __wasi_fd_fdstat_set_rights(fd, ~0ull, 0), S(76));
	expect("fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0),
	       S(28));
	expect("fd_filestat_set_times",
	       __wasi_fd_filestat_set_times(fd, 0, 0, 0), S(58));
	expect("fd_pread", __wasi_fd_pread(fd, &iov, 1, 0, &n), S(70));
	expect("fd_pwrite", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n), S(70));
	expect("fd_readdir", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n),
	       S(54));
	expect("fd_renumber", __wasi_fd_renumber(fd, 7), 8);
	expect("fd_tell", __wasi_fd_tell(fd, &off), S(70));
	expect("fd_filestat_get", __wasi_fd_filestat_get(fd, &st), S(0));
	expect("path_create_directory", __wasi_path_create_directory(fd, "d"),
	       S(54));
	expect("path_filestat_get", __wasi_path_filestat_get(fd, 0, "f", &st),
	       S(54));
	expect("path_filestat_set_times",
	       __wasi_path_filestat_set_times(fd, 0, "f", 0, 0, 0), S(54));
	expect("path_link", __wasi_path_link(fd, 0, "a", fd, "b"), S(54));
	expect("path_open", __wasi_path_open(fd, 0, "f", 0, 0, 0, 0, &nfd),
	       S(54));
	expect("path_readlink",
	       __wasi_path_readlink(fd, "l", buf, sizeof buf, &n), S(54));
	expect("path_remove_directory", __wasi_path_remove_directory(fd, "d"),
	       S(54));
	expect("path_rename", __wasi_path_rename(fd, "a", fd, "b"), S(54));
	expect("path_symlink", __wasi_path_symlink("a", fd, "b"), S(54));
	expect("path_unlink_file", __wasi_path_unlink_file(fd, "f"), S(54));
	expect("sock_accept", __wasi_sock_accept(fd, 0, &nfd), S(57));
	expect("sock_recv", __wasi_sock_recv(fd, &iov, 1, 0, &n, &rof), S(57));
	expect("sock_send", __wasi_sock_send(fd, &ciov, 1, 0, &n), S(57));
	expect("sock_shutdown", __wasi_sock_shutdown(fd, 0), S(57));
	if (!bad)
		expect("fd_filestat_get filetype", st.filetype,
		       __WASI_FILETYPE_CHARACTER_DEVICE);
#undef S
}

int main(void)
{
	stubs(1, 0);
	stubs(9, 1);
	printf("-- libc\n");
	expect("fopen fails", fopen("file.txt", "r") == NULL, 1);
	expect("remove fails", remove("file.txt") != 0, 1);
	printf("%d failures\n", failures);
	return failures != 0;
}
