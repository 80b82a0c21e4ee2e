/*
 * replay.c: a main() for a fuzz target, without libFuzzer.
 *   replay [-q] [-t SECONDS] FILE|DIR...
 * Runs LLVMFuzzerTestOneInput on every file (a directory's files in name
 * order), each in a child process, and prints "PASS path" or
 * "FAIL path (why)" per file (-q: failures only). A run that outlives
 * SECONDS (default 10) is killed and counts as a pass, "(timeout)": the
 * execution target may meet an endless loop. Exits 1 if anything failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int quiet;
static double timeout_secs = 10;

/* Reads a whole file; NULL on failure. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Child: runs the target on one file. Never returns. */
static void child(const char *path)
{
	size_t len;
	uint8_t *data = slurp(path, &len);

	if (!data) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		_exit(3);
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	_exit(0);
}

/* Waits for pid up to the timeout; returns its status, or -1 on timeout
 * (after killing it). */
static int wait_child(pid_t pid)
{
	struct timespec tick = {0, 2000000};
	double waited = 0;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return 0x7f00; /* odd: report as a failure */
		if (waited >= timeout_secs) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&tick, NULL);
		waited += 0.002;
	}
}

/* Runs one file; returns 1 if it failed. */
static int replay_file(const char *path)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("replay: fork");
		return 1;
	}
	if (pid == 0)
		child(path);
	st = wait_child(pid);
	if (st == -1) {
		if (!quiet)
			printf("PASS %s (timeout)\n", path);
		return 0;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		if (!quiet)
			printf("PASS %s\n", path);
		return 0;
	}
	if (WIFSIGNALED(st))
		printf("FAIL %s (signal %d)\n", path, WTERMSIG(st));
	else
		printf("FAIL %s (exit %d)\n", path, WEXITSTATUS(st));
	return 1;
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Runs a file, or every file of a directory; returns the failures. */
static int replay_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, fails = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return replay_file(path);
	n = scandir(path, &names, not_hidden, alphasort);
	if (n < 0) {
		perror(path);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char *p;

		if (asprintf(&p, "%s/%s", path, names[i]->d_name) < 0)
			return fails + 1;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			fails += replay_file(p);
		free(p);
		free(names[i]);
	}
	free(names);
	return fails;
}

int main(int argc, char **argv)
{
	int i = 1, fails = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0)
			quiet = 1;
		else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			timeout_secs = atof(argv[++i]);
		else
			break;
	}
	if (i == argc) {
		fprintf(stderr,
			"usage: replay [-q] [-t SECONDS] FILE|DIR...\n");
		return 2;
	}
	for (; i < argc; i++)
		fails += replay_path(argv[i]);
	return fails ? 1 : 0;
}
