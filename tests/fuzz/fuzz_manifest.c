/*
 * fuzz_manifest.c: libFuzzer target for the manifest parser of the
 * boot loader (bootld/bootld.c, included here so that its static
 * functions can be called). Any bytes are a manifest: each line (up to
 * a NUL byte, as bootld_run gives it) goes to parse_line, and a job that
 * parses must be sane (a program named unless --native, counts within
 * their arrays).
 * Nothing is started. The kernel, HAL and nucleus behind bootld.c are the
 * hosted ones (linked, not called).
 */
#include "bootld/bootld.c"

/* Bare metal only (hal/hal.h); job_on_start names it, never called here. */
void hal_console_set_input(const void *buf, size_t len)
{
	(void)buf;
	(void)len;
}

/* Aborts unless job is a well-formed parse of its line. */
static void check_job(const struct job *job)
{
	if (job->nhs < 0 || job->nhs > MAX_HSPECS || job->envc < 0 ||
	    job->envc > MAX_WORDS)
		abort();
	if (!job->native && (job->argc < 1 || !job->argv || !job->argv[0]))
		abort();
	for (int i = 0; i < job->argc; i++)
		if (!job->argv[i])
			abort();
	for (int i = 0; i < job->nhs; i++)
		if (!strchr("pidscl", job->hs[i].kind) ||
		    (strchr("scl", job->hs[i].kind) && !job->hs[i].name[0]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *rest = text, *line;
	bool blank;
	struct job *job;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0; /* a line ends at a NUL byte, as in bootld_run */
	while ((line = strsep(&rest, "\n")) != NULL)
		if ((job = parse_line(line, &blank)) != NULL) {
			check_job(job);
			free(job->words);
			free(job);
		}
	free(text);
	return 0;
}
