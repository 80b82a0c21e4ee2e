/*
 * nickill.c: the NIC's driver killed while data flows (tests/net.sh,
 * in QEMU with the wasm virtio-net driver under the firmament's init and
 * a host streaming to user/net/tcpd.c through QEMU's port forwarding).
 *
 *   nickill.wasm SEED KILLS
 *
 * Waits for the stack, records the kernel's figures (handles of the
 * live processes, their kernel memory, free RAM), launches `tcpd.wasm
 * --port=80 --count=2` (the Launcher is granted) and waits for its
 * listener; prints "nickill: ready". Once a connection is open on the stack
 * (Net.info: a second socket) it asks the Launcher to kill the "ethernet"
 * service KILLS times, after pauses of 50-800 ms drawn from SEED; prints
 * "nickill: kills done". Then it waits for tcpd to end (after the host's
 * next connection), and compares the figures: no handle left over, the
 * kernel memory charged to every account (those of killed processes
 * too) back to within 4 KiB, tcpd's exit status 0; free RAM is printed
 * (the stack's linear memory may have grown meanwhile).
 * PASS/FAIL lines, "done".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"
#include "launcher.h"
#include "netc.h"
#include "svc.h"

#define MS 1000000LL

struct figures {
	uint32_t handles;
	uint64_t kernel, ram_free;
};

static nb_handle net;

/* The kernel's figures now. */
static struct figures measure(void)
{
	static nb_mem_proc procs[64];
	nb_mem_totals t;
	struct figures f = {0, 0, 0};
	uint32_t n = 0;

	nb_mem_usage(&t, procs, 64, &n);
	for (uint32_t i = 0; i < n && i < 64; i++) {
		/* An ended process's account lives on while objects it was
		 * charged for (a killed driver's DMA memory) do. */
		f.kernel += procs[i].kernel;
		if (!procs[i].ended)
			f.handles += procs[i].handles;
	}
	f.ram_free = t.ram_free;
	return f;
}

/* The stack's open sockets (~0 if it does not answer). */
static uint32_t sockets(void)
{
	net_info_resp info;

	return net_info(net, &info) == NB_OK ? info.info.sockets : ~0u;
}

/* Waits until the stack has at least (more) or at most (!more) n
 * sockets open. */
static void wait_sockets(uint32_t n, int more)
{
	for (;;) {
		uint32_t s = sockets();
		if (s != ~0u && (more ? s >= n : s <= n))
			return;
		svc_sleep(50 * MS);
	}
}

/* Kills the ethernet service once (again while it is restarting). */
static void kill_nic(nb_handle launcher)
{
	static launcher_kill_service_req req;
	nb_status s;

	FIR_SET_STR(req.name, "ethernet");
	while ((s = launcher_kill_service(launcher, &req)) ==
	       FIR_ERR_UNAVAILABLE)
		svc_sleep(10 * MS);
	EXPECT("kill the driver", s, NB_OK);
}

/* |a - b| <= slack */
static int near(uint64_t a, uint64_t b, uint64_t slack)
{
	return a > b ? a - b <= slack : b - a <= slack;
}

/* Launches tcpd for two connections on port 80: its process. */
static nb_handle launch_tcpd(nb_handle launcher)
{
	static launcher_launch_req req;
	static launcher_launch_resp resp;

	FIR_SET_STR(req.name, "tcpd.wasm");
	req.args.len = 2;
	FIR_SET_STR(req.args.items[0], "--port=80");
	FIR_SET_STR(req.args.items[1], "--count=2");
	if (launcher_launch(launcher, &req, &resp))
		return NB_HANDLE_INVALID;
	return resp.process;
}

int main(int argc, char **argv)
{
	nb_handle launcher, tcpd;
	struct figures before, after;
	int32_t code = -1;
	int kills;

	if (argc != 3 || (kills = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: nickill SEED KILLS\n");
		return 2;
	}
	srand((unsigned)strtoul(argv[1], NULL, 10));
	if (netc_open("net", &net, NB_TIME_INFINITE) ||
	    svc_connect("launcher", &launcher)) {
		printf("FAIL no stack or no launcher\n");
		return 1;
	}
	svc_sleep(500 * MS);
	before = measure(); /* tcpd not yet there: compared once it ended */
	if (!(tcpd = launch_tcpd(launcher))) {
		printf("FAIL launch tcpd.wasm\n");
		return 1;
	}
	wait_sockets(1, 1); /* tcpd's listener */
	printf("nickill: ready\n");
	fflush(stdout);
	wait_sockets(2, 1);
	for (int i = 0; i < kills; i++) {
		svc_sleep((50 + rand() % 750) * MS);
		kill_nic(launcher);
	}
	printf("nickill: kills done\n");
	fflush(stdout);
	svc_wait_exit(tcpd, &code); /* after the host's new connection */
	EXPECT("tcpd served both connections", code, 0);
	nb_handle_close(tcpd);
	wait_sockets(0, 0);
	svc_sleep(500 * MS);
	after = measure();
	printf("nickill: handles %u -> %u, kernel memory %llu -> %llu, free "
	       "RAM %llu -> %llu\n",
	       before.handles, after.handles, (unsigned long long)before.kernel,
	       (unsigned long long)after.kernel,
	       (unsigned long long)before.ram_free,
	       (unsigned long long)after.ram_free);
	EXPECT("no handle leaked", after.handles <= before.handles, 1);
	EXPECT("kernel memory back (the killed drivers' DMA memory freed)",
	       near(after.kernel, before.kernel, 4096), 1);
	printf("done\n");
	return kt_failed != 0;
}
