/*
 * main.c: firc [-o DIR] [--wire] FILE.fir: compiles one interface file
 * to DIR/NAME.h and DIR/NAME.c (NAME: the file's base name), the
 * programs' C; with --wire to DIR/NAME_wire.h and DIR/NAME_wire.c, the
 * pure C under them. Exit status 0 on success, 1 on an error in the
 * file (reported as "FILE:LINE:COL: error: ..."), 2 on bad usage or I/O
 * errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/firc/firc.h"

/* Reads a whole file into a NUL-terminated buffer, or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = 2 * cap + 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t k = fread(buf + n, 1, 4096, f);
		n += k;
		if (k < 4096)
			break;
	}
	fclose(f);
	if (memchr(buf, 0, n)) {
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

/* The base name of path without directory and ".fir", into out. */
static int base_name(const char *path, char *out, size_t cap)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n < 5 || strcmp(b + n - 4, ".fir") || n - 4 >= cap)
		return -1;
	memcpy(out, b, n - 4);
	out[n - 4] = 0;
	for (size_t i = 0; i < n - 4; i++)
		if (!(out[i] == '_' || (out[i] >= 'a' && out[i] <= 'z') ||
		      (out[i] >= '0' && out[i] <= '9')))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = ".", *path = NULL, *sfx = "";
	char base[FIRC_NAME], hp[4096], cp[4096], *text;
	struct firc_decl *decls;
	FILE *h, *c;
	int bad, wire = 0, usage = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--wire"))
			wire = 1;
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			usage = 1;
	}
	if (usage || !path) {
		fprintf(stderr, "usage: firc [-o DIR] [--wire] FILE.fir\n");
		return 2;
	}
	if (wire)
		sfx = "_wire";
	if (base_name(path, base, sizeof base)) {
		fprintf(stderr, "firc: %s: the name must be [a-z0-9_]+.fir\n",
			path);
		return 2;
	}
	if (!(text = slurp(path))) {
		fprintf(stderr, "firc: %s: %s\n", path,
			errno == EINVAL ? "contains a NUL byte"
					: strerror(errno));
		return 2;
	}
	if (!(decls = firc_parse(path, text)))
		return 1;
	snprintf(hp, sizeof hp, "%s/%s%s.h", dir, base, sfx);
	snprintf(cp, sizeof cp, "%s/%s%s.c", dir, base, sfx);
	if (!(h = fopen(hp, "w")) || !(c = fopen(cp, "w"))) {
		fprintf(stderr, "firc: cannot write %s: %s\n", h ? cp : hp,
			strerror(errno));
		return 2;
	}
	bad = (wire ? firc_gen_wire : firc_gen_prog)(decls, base, h, c);
	bad |= fclose(h) | fclose(c);
	if (bad) {
		fprintf(stderr, "firc: write error in %s\n", dir);
		remove(hp);
		remove(cp);
		return 2;
	}
	return 0;
}
