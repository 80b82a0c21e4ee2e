/*
 * make_exec.c: a GNU make loadable object (the Makefile's `load`) that
 * adds one function, $(nebulet-exec COMMAND): make's own process becomes
 * `/bin/sh -c COMMAND` (execv), so COMMAND's exit status is make's and
 * make prints nothing after it. `make run` uses it in its recipe: `exit
 * 3` at the shell's prompt then leaves `make run` with status 3, where a
 * failing recipe would leave make with 2 and "make: *** [...] Error 3"
 * (GNU make's own status is only ever 0, 1 or 2).
 *
 * Make expands a recipe line just before it runs it, once the target's
 * prerequisites are built; the function never returns then. When make
 * only prints recipes (-n, --just-print, also -q and -t, which run
 * nothing) it returns COMMAND itself, so `make -n run` shows the command
 * `make run` runs. Use it as the last goal: nothing after it runs.
 */
#include <gnumake.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int plugin_is_GPL_compatible; /* make loads no object without it */

/* True if make was asked to print, question or touch rather than run:
 * the first word of $(MAKEFLAGS) holds the single-letter flags. */
static int only_printing(void)
{
	char *flags = gmk_expand("$(firstword $(MAKEFLAGS))");
	int yes = flags && flags[0] != '-' && strpbrk(flags, "nqt") != NULL;

	gmk_free(flags);
	return yes;
}

/* $(nebulet-exec COMMAND): see the top. */
static char *nebulet_exec(const char *name, unsigned int argc, char **argv)
{
	char *copy;

	(void)name;
	(void)argc;
	if (only_printing()) {
		size_t n = strlen(argv[0]) + 1;

		if ((copy = gmk_alloc((unsigned int)n)) != NULL)
			memcpy(copy, argv[0], n);
		return copy;
	}
	fflush(NULL);
	execl("/bin/sh", "sh", "-c", argv[0], (char *)NULL);
	perror("make: nebulet-exec: /bin/sh");
	exit(127);
}

/* Called by make's `load`: registers the function. */
int make_exec_gmk_setup(const gmk_floc *floc)
{
	(void)floc;
	gmk_add_function("nebulet-exec", nebulet_exec, 1, 1, GMK_FUNC_DEFAULT);
	return 1;
}
