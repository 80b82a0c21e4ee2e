/*
 * blkfault.c: the block driver killed during writes (tests/storage.sh).
 * Run by init (granted the Launcher) over fatfs on a virtio-blk disk
 * served by the supervised wasm driver (`driver block ...`). For each
 * of ROUNDS files it writes a seeded number of 4 KiB chunks of a
 * pattern, and while one of them (a seeded one) is being written a
 * second thread kills the "block" service after a seeded spin
 * (Launcher.kill_service): fatfs loses the request, init restarts the
 * driver, fatfs reconnects and repeats it. Each file is fsync'd, then
 * read back. Prints "synced NAME SIZE" for each (tests/storage.sh
 * checks the image with mtools and fsck.fat), PASS/FAIL lines and
 * "done". argv[1]: the seed (default 1); argv[2]: the service killed,
 * "block" (default) or "fs": then the file system service itself dies
 * mid-write, its File channel with it, and the round is written again
 * over the restarted fatfs (whose mount repairs the volume) until it
 * is synced.
 */
#include "filesystem.h"
#include "kt.h"
#include "launcher.h"
#include "svc.h"

#define ROUNDS 20
#define CHUNK 4096
#define STACK 65536

static nb_handle fs, launcher, armed, killed;
static const char *victim = "block"; /* the service killed */
static uint32_t spin;		     /* the killer's seeded delay */
static nb_time nap;		     /* or its seeded sleep (ns), when not 0 */
static uint64_t rng;
static int kills;
static volatile uint32_t sink; /* what the spin computes */

/* The seeded generator (xorshift64). */
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* The byte at offset i of file r (tests/storage.sh makes the same). */
static uint8_t pattern(uint32_t r, uint32_t i)
{
	return (uint8_t)(i * 7 + r * 13);
}

/* The killer thread: each time USER0 of `armed` is set, spins, kills
 * the block service (again while init still restarts it) and sets
 * USER0 of `killed`. */
static void killer(uint32_t arg)
{
	static launcher_kill_service_req req;

	FIR_SET_STR(req.name, victim);
	for (;;) {
		if (nb_object_wait_one(armed, NB_SIGNAL_USER0, NB_TIME_INFINITE,
				       NULL))
			return;
		nb_object_signal(armed, NB_SIGNAL_USER0, 0);
		for (uint32_t i = 0; i < spin; i++)
			sink += i;
		if (nap)
			svc_sleep(nap);
		nb_status s;
		while ((s = launcher_kill_service(launcher, &req)) ==
		       FIR_ERR_UNAVAILABLE)
			svc_sleep(5000000);
		kills += s == NB_OK;
		nb_object_signal(killed, 0, NB_SIGNAL_USER0);
	}
}

/* Opens path with flags and rights; the File channel or 0. */
static nb_handle open_file(const char *path, uint32_t flags, uint32_t rights)
{
	nb_handle f;

	return svc_open(fs, path, flags, rights, &f) ? 0 : f;
}

/* Waits for the killer's kill. */
static void wait_kill(void)
{
	nb_object_wait_one(killed, NB_SIGNAL_USER0, NB_TIME_INFINITE, NULL);
	nb_object_signal(killed, NB_SIGNAL_USER0, 0);
}

/* Writes file r as chunks chunks, arming the killer (unless at is
 * past chunks) before chunk at (at == chunks: before the fsync) and
 * waiting for its kill before the fsync (the driver's: fatfs repeats
 * the lost request) or after it (fatfs's: the kill may fall on the
 * fsync); the size synced, or 0. */
static uint32_t write_round(uint32_t r, const char *name, uint32_t chunks,
			    uint32_t at)
{
	static file_write_req w;
	static file_write_resp wr;
	uint32_t size = 0;
	nb_handle f = open_file(name, 4 | 16, 3);

	for (uint32_t c = 0; f && c < chunks; c++) {
		w.data.len = CHUNK;
		for (uint32_t i = 0; i < CHUNK; i++)
			w.data.b[i] = pattern(r, c * CHUNK + i);
		if (c == at)
			nb_object_signal(armed, 0, NB_SIGNAL_USER0);
		if (file_write(f, &w, &wr) || wr.written != CHUNK)
			break;
		size += CHUNK;
	}
	bool fs_dies = !strcmp(victim, "fs");
	if (at < chunks && !fs_dies)
		wait_kill();
	if (at == chunks)
		nb_object_signal(armed, 0, NB_SIGNAL_USER0);
	if (!f || size != chunks * CHUNK || file_sync(f))
		size = 0;
	if (at <= chunks && fs_dies)
		wait_kill();
	nb_handle_close(f);
	return size;
}

/* Round r: writes file r with one chunk written while the victim is
 * killed, fsyncs it; its size, or 0 if it could not be synced. When
 * fatfs is the victim, every other round arms the killer at the fsync
 * instead; then connects to the new fatfs and, if the round was lost,
 * writes the file again, with no kill. */
static uint32_t round_of(uint32_t r, const char *name)
{
	uint32_t chunks = 2 + next() % 15, at = next() % chunks;
	bool fs_dies = !strcmp(victim, "fs");

	spin = next() % 200000;
	nap = 0;
	if (fs_dies && r % 2) {
		/* The fsync's writes wait for the device: a spin would end
		 * at the first one; a sleep lets fatfs go on. */
		at = chunks;
		spin = 0;
		nap = next() % 8000000;
	}
	uint32_t size = write_round(r, name, chunks, at);
	if (!fs_dies)
		return size;
	nb_handle_close(fs);
	if (svc_connect("fs", &fs))
		return 0;
	if (!size)
		printf("lost %s: written again\n", name);
	return size ? size : write_round(r, name, chunks, chunks + 1);
}

/* Reads file name back: whether it holds size bytes of round r's. */
static bool check(uint32_t r, const char *name, uint32_t size)
{
	static file_read_req req = {8192};
	static file_read_resp resp;
	nb_handle f = open_file(name, 0, 1);
	uint32_t at = 0;
	bool same = f != 0;

	while (same && !file_read(f, &req, &resp) && resp.data.len) {
		for (uint32_t i = 0; i < resp.data.len; i++)
			same = same && resp.data.b[i] == pattern(r, at + i);
		at += resp.data.len;
	}
	nb_handle_close(f);
	return same && at == size;
}

int main(int argc, char **argv)
{
	static uint32_t sizes[ROUNDS];
	nb_handle t;
	char name[32];

	argc = svc_args("blkfault.wasm", &argv);
	rng = argc > 1 ? strtoull(argv[1], NULL, 0) * 2654435761u + 1 : 1;
	if (argc > 2)
		victim = argv[2];
	EXPECT("fs", svc_connect("fs", &fs), NB_OK);
	EXPECT("launcher", svc_connect("launcher", &launcher), NB_OK);
	EXPECT("events", nb_event_create(&armed) | nb_event_create(&killed),
	       NB_OK);
	EXPECT("killer thread",
	       nb_thread_create(killer, 0, (char *)malloc(STACK) + STACK, &t),
	       NB_OK);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		snprintf(name, sizeof name, "f%02u.bin", r);
		if ((sizes[r] = round_of(r, name)))
			printf("synced %s %u\n", name, sizes[r]);
		else
			printf("FAIL %s: not written and synced\n", name);
	}
	EXPECT("kills", kills, ROUNDS);
	for (uint32_t r = 0; r < ROUNDS; r++) {
		snprintf(name, sizeof name, "f%02u.bin", r);
		if (sizes[r])
			EXPECT(name, check(r, name, sizes[r]), true);
	}
	printf("done\n");
	fflush(stdout);
	return kt_failed != 0;
}
