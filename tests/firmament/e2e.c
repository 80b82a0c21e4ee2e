/*
 * e2e.c: every hosted service through its interface, as a client would
 * use it: Directory (lookup, list, publish and a connection through our
 * own listener), Console, Clock, Random, Launcher (files, read, launch
 * with arguments, list, kill). Prints PASS/FAIL lines, then "done".
 */
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "clock.h"
#include "console.h"
#include "ethernet.h"
#include "kt.h"
#include "launcher.h"
#include "random.h"
#include "svc.h"

static nb_handle connect_to(const char *name)
{
	nb_handle ch = NB_HANDLE_INVALID;
	char what[64];

	snprintf(what, sizeof what, "directory: lookup %s", name);
	EXPECT(what, svc_connect(name, &ch), NB_OK);
	return ch;
}

static void test_directory(void)
{
	static directory_lookup_req lreq;
	static directory_lookup_resp lresp;
	static directory_list_resp list;
	static directory_publish_req preq;
	nb_handle mine[3], theirs;
	int found = 0;

	FIR_SET_STR(lreq.name, "no-such-service");
	EXPECT("directory: unknown name",
	       directory_lookup(svc_directory(), &lreq, &lresp),
	       FIR_ERR_NOT_FOUND);
	/* The services start beside us: wait until each has published. */
	for (int i = 0; i < 3; i++) {
		static const char *const names[] = {"console", "clock",
						    "random"};
		nb_handle ch;

		if (svc_connect(names[i], &ch) == NB_OK)
			nb_handle_close(ch);
	}
	EXPECT("directory: list", directory_list(svc_directory(), &list),
	       NB_OK);
	for (uint32_t i = 0; i < list.names.len; i++)
		found += !strcmp(list.names.items[i].s, "console") ||
			 !strcmp(list.names.items[i].s, "clock") ||
			 !strcmp(list.names.items[i].s, "random");
	EXPECT("directory: list has the three services", found, 3);

	nb_channel_create(&mine[0], &theirs);
	FIR_SET_STR(preq.name, "e2e-test");
	preq.listener = theirs;
	EXPECT("directory: publish", directory_publish(svc_directory(), &preq),
	       NB_OK);
	nb_channel_create(&mine[1], &theirs);
	preq.listener = theirs;
	EXPECT("directory: publish a live name again",
	       directory_publish(svc_directory(), &preq), FIR_ERR_EXISTS);
	nb_channel_create(&mine[2], &theirs);
	FIR_SET_STR(preq.name, "console");
	preq.listener = theirs;
	EXPECT("directory: publish another service's name",
	       directory_publish(svc_directory(), &preq), NB_ERR_ACCESS_DENIED);
	fir_close_all(mine, 3);
}

static void test_own_service(void)
{
	static directory_publish_req preq;
	static directory_lookup_req lreq;
	static directory_lookup_resp lresp;
	uint8_t buf[256];
	nb_handle lis, theirs, h[FIR_MAX_HANDLES];
	uint32_t n, nh;

	nb_channel_create(&lis, &theirs);
	FIR_SET_STR(preq.name, "e2e-own");
	preq.listener = theirs;
	EXPECT("directory: publish own",
	       directory_publish(svc_directory(), &preq), NB_OK);
	FIR_SET_STR(lreq.name, "e2e-own");
	EXPECT("directory: lookup own",
	       directory_lookup(svc_directory(), &lreq, &lresp), NB_OK);
	EXPECT("directory: listener got connect",
	       nb_channel_read(lis, 0, buf, sizeof buf, h, FIR_MAX_HANDLES, &n,
			       &nh),
	       NB_OK);
	EXPECT("directory: connect carries one handle", nh, 1);
	/* The two ends are a pair: a byte written to one reaches the other. */
	EXPECT("directory: pair write",
	       nb_channel_write(lresp.channel, "x", 1, NULL, 0), NB_OK);
	EXPECT("directory: pair read",
	       nb_channel_read(h[0], 0, buf, sizeof buf, NULL, 0, &n, NULL),
	       NB_OK);
	EXPECT("directory: pair byte", buf[0], 'x');
	nb_handle_close(lis);
	EXPECT("directory: lookup after the listener closed",
	       directory_lookup(svc_directory(), &lreq, &lresp),
	       FIR_ERR_NOT_FOUND);
}

static void test_console(void)
{
	static console_write_req req;
	console_write_resp resp;
	nb_handle ch = connect_to("console");
	const char *text = "console: written through the service\n";

	req.data.len = (uint32_t)strlen(text);
	memcpy(req.data.b, text, req.data.len);
	EXPECT("console: write", console_write(ch, &req, &resp), NB_OK);
	EXPECT("console: written", resp.written, req.data.len);
	req.data.len = 0;
	EXPECT("console: empty write", console_write(ch, &req, &resp), NB_OK);
	EXPECT("console: empty written", resp.written, 0);
	req.data.len = 5000; /* over the bound: refused before sending */
	EXPECT("console: oversized write refused",
	       console_write(ch, &req, &resp), FIR_ERR_INVALID);
	nb_handle_close(ch);
}

static void test_clock(void)
{
	nb_handle ch = connect_to("clock");
	clock_monotonic_resp a, b;
	clock_realtime_resp rt;
	clock_resolution_resp res;

	EXPECT("clock: monotonic", clock_monotonic(ch, &a), NB_OK);
	EXPECT("clock: monotonic again", clock_monotonic(ch, &b), NB_OK);
	EXPECT("clock: monotonic does not go back", b.ns >= a.ns, 1);
	EXPECT("clock: agrees with the kernel", nb_clock_monotonic() >= b.ns,
	       1);
	EXPECT("clock: realtime", clock_realtime(ch, &rt), NB_OK);
	EXPECT("clock: realtime after 2020", rt.ns > 1577836800000000000ll, 1);
	EXPECT("clock: resolution", clock_resolution(ch, &res), NB_OK);
	EXPECT("clock: resolution in (0, 1 s]",
	       res.ns > 0 && res.ns <= 1000000000ull, 1);
	nb_handle_close(ch);
}

static void test_random(void)
{
	nb_handle ch = connect_to("random");
	random_get_req req = {32};
	static random_get_resp a, b;

	EXPECT("random: get 32", random_get(ch, &req, &a), NB_OK);
	EXPECT("random: 32 bytes", a.data.len, 32);
	EXPECT("random: get 32 again", random_get(ch, &req, &b), NB_OK);
	EXPECT("random: two draws differ", memcmp(a.data.b, b.data.b, 32) != 0,
	       1);
	req.count = 0;
	EXPECT("random: get 0", random_get(ch, &req, &a), NB_OK);
	EXPECT("random: 0 bytes", a.data.len, 0);
	req.count = 257;
	EXPECT("random: over 256 refused", random_get(ch, &req, &a),
	       FIR_ERR_INVALID);
	nb_handle_close(ch);
}

static void test_launcher(void)
{
	static launcher_files_resp files;
	static launcher_read_req rreq;
	static launcher_read_resp rresp;
	static launcher_launch_req lreq;
	static launcher_launch_resp lresp;
	static launcher_list_resp list;
	launcher_kill_req kreq;
	nb_handle ch = connect_to("launcher");
	int32_t code = -1;
	int have = 0;

	EXPECT("launcher: files", launcher_files(ch, &files), NB_OK);
	for (uint32_t i = 0; i < files.files.len; i++)
		have += !strcmp(files.files.items[i].name.s, "args.wasm");
	EXPECT("launcher: files has args.wasm", have, 1);
	FIR_SET_STR(rreq.name, "args.wasm");
	EXPECT("launcher: read", launcher_read(ch, &rreq, &rresp), NB_OK);
	EXPECT("launcher: read gives the wasm magic",
	       rresp.data.len >= 4 && !memcmp(rresp.data.b, "\0asm", 4), 1);
	rreq.offset = 100000000;
	EXPECT("launcher: read past the end", launcher_read(ch, &rreq, &rresp),
	       FIR_ERR_INVALID);
	FIR_SET_STR(rreq.name, "missing.wasm");
	rreq.offset = 0;
	EXPECT("launcher: read a missing file",
	       launcher_read(ch, &rreq, &rresp), FIR_ERR_NOT_FOUND);

	FIR_SET_STR(lreq.name, "args.wasm");
	lreq.args.len = 2;
	FIR_SET_STR(lreq.args.items[0], "one");
	FIR_SET_STR(lreq.args.items[1], "two");
	EXPECT("launcher: launch", launcher_launch(ch, &lreq, &lresp), NB_OK);
	svc_wait_exit(lresp.process, &code);
	EXPECT("launcher: exit status is argc", code, 3);

	FIR_SET_STR(lreq.args.items[0], "wait");
	lreq.args.len = 1;
	EXPECT("launcher: launch a waiter", launcher_launch(ch, &lreq, &lresp),
	       NB_OK);
	EXPECT("launcher: list", launcher_list(ch, &list), NB_OK);
	have = 0;
	for (uint32_t i = 0; i < list.procs.len; i++)
		have += list.procs.items[i].id == lresp.id &&
			list.procs.items[i].state == PROC_STATE_RUNNING;
	EXPECT("launcher: list shows it running", have, 1);
	kreq.id = lresp.id;
	EXPECT("launcher: kill", launcher_kill(ch, &kreq), NB_OK);
	svc_wait_exit(lresp.process, &code);
	EXPECT("launcher: killed status", code, NB_EXIT_KILLED);
	kreq.id = 9999;
	EXPECT("launcher: kill unknown id", launcher_kill(ch, &kreq),
	       FIR_ERR_NOT_FOUND);
	FIR_SET_STR(lreq.name, "missing.wasm");
	EXPECT("launcher: launch a missing file",
	       launcher_launch(ch, &lreq, &lresp), FIR_ERR_NOT_FOUND);
	nb_handle_close(ch);
}

/* A 64-byte frame with pattern p. */
static void frame(uint8_t *b, uint8_t p)
{
	for (int i = 0; i < 64; i++)
		b[i] = (uint8_t)(p + i);
}

static void test_ethernet(void)
{
	static ethernet_nic_send_req sreq;
	static ethernet_nic_receive_resp rx;
	ethernet_nic_info_resp info;
	ethernet_nic_send_inplace_resp lend;
	ethernet_nic_commit_req creq;
	ethernet_nic_rx_ready_resp ready;
	nb_handle ch = connect_to("ethernet");
	uint8_t *page = aligned_alloc(NB_PAGE_SIZE, 2 * NB_PAGE_SIZE), want[64];

	EXPECT("ethernet: info", ethernet_nic_info(ch, &info), NB_OK);
	EXPECT("ethernet: link up", info.info.link, LINK_STATE_UP);
	EXPECT("ethernet: 6-byte mac", info.info.mac.len, 6);
	EXPECT("ethernet: receive on empty", ethernet_nic_receive(ch, &rx),
	       NB_ERR_SHOULD_WAIT);
	EXPECT("ethernet: rx_ready", ethernet_nic_rx_ready(ch, &ready), NB_OK);
	EXPECT("ethernet: rx_ready: clear while empty",
	       nb_object_wait_one(ready.event, NB_SIGNAL_USER0, 0, NULL),
	       NB_ERR_TIMED_OUT);
	sreq.frame.len = 64;
	frame(sreq.frame.b, 1);
	EXPECT("ethernet: send", ethernet_nic_send(ch, &sreq), NB_OK);
	EXPECT("ethernet: rx_ready: set with a frame waiting",
	       nb_object_wait_one(ready.event, NB_SIGNAL_USER0, 0, NULL),
	       NB_OK);
	EXPECT("ethernet: receive", ethernet_nic_receive(ch, &rx), NB_OK);
	EXPECT("ethernet: rx_ready: clear again",
	       nb_object_wait_one(ready.event, NB_SIGNAL_USER0, 0, NULL),
	       NB_ERR_TIMED_OUT);
	nb_handle_close(ready.event);
	EXPECT("ethernet: the frame came back",
	       rx.frame.len == 64 && !memcmp(rx.frame.b, sreq.frame.b, 64), 1);

	/* Zero copy: fill the lent slot in place, through a mapping. */
	EXPECT("ethernet: send_inplace", ethernet_nic_send_inplace(ch, &lend),
	       NB_OK);
	EXPECT("ethernet: slot size", lend.size, 1514);
	EXPECT("ethernet: map the slot",
	       nb_vm_map(lend.memory, lend.offset, page, NB_PAGE_SIZE,
			 NB_MAP_WRITE),
	       NB_OK);
	frame(page, 9);
	frame(want, 9);
	creq.slot = lend.slot;
	creq.length = 2000;
	EXPECT("ethernet: commit too long", ethernet_nic_commit(ch, &creq),
	       FIR_ERR_INVALID);
	creq.length = 64;
	EXPECT("ethernet: commit", ethernet_nic_commit(ch, &creq), NB_OK);
	/* Committed, the slot is taken back: the mapping no longer reaches
	 * it (it reads zero, a store would trap) nor does the handle. */
	EXPECT("ethernet: after commit the mapping is cut off", page[0], 0);
	EXPECT("ethernet: after commit no vmo_write",
	       nb_vmo_write(lend.memory, lend.offset, "x", 1),
	       NB_ERR_BAD_STATE);
	EXPECT("ethernet: after commit no vm_map",
	       nb_vm_map(lend.memory, 0, page + NB_PAGE_SIZE, NB_PAGE_SIZE, 0),
	       NB_ERR_BAD_STATE);
	EXPECT("ethernet: unmap", nb_vm_unmap(page, NB_PAGE_SIZE), NB_OK);
	nb_handle_close(lend.memory);
	EXPECT("ethernet: commit twice", ethernet_nic_commit(ch, &creq),
	       NB_ERR_BAD_STATE);
	EXPECT("ethernet: receive the in-place frame",
	       ethernet_nic_receive(ch, &rx), NB_OK);
	EXPECT("ethernet: in-place frame intact",
	       rx.frame.len == 64 && !memcmp(rx.frame.b, want, 64), 1);
	for (int i = 0; i < 4; i++)
		ethernet_nic_send_inplace(ch, &lend);
	EXPECT("ethernet: all 4 slots lent",
	       ethernet_nic_send_inplace(ch, &lend), NB_ERR_SHOULD_WAIT);
	nb_handle_close(ch);
	ch = connect_to("ethernet");
	EXPECT("ethernet: a client's slots come back when it leaves",
	       ethernet_nic_send_inplace(ch, &lend), NB_OK);
	creq.slot = (lend.slot + 1) % 4;
	EXPECT("ethernet: commit a slot not lent to this client",
	       ethernet_nic_commit(ch, &creq), NB_ERR_BAD_STATE);
	free(page);
	nb_handle_close(ch);
}

static void test_block(void)
{
	static block_write_req wreq;
	static block_read_resp rresp;
	block_info_resp info;
	block_read_req rreq;
	nb_handle ch = connect_to("block");

	EXPECT("block: info", block_info(ch, &info), NB_OK);
	EXPECT("block: 512-byte blocks", info.info.block_size, 512);
	EXPECT("block: writable", info.info.read_only, 0);
	wreq.first = 3;
	wreq.data.len = 1024;
	for (int i = 0; i < 1024; i++)
		wreq.data.b[i] = (uint8_t)(i * 7);
	EXPECT("block: write 2 blocks", block_write(ch, &wreq), NB_OK);
	EXPECT("block: flush", block_flush(ch), NB_OK);
	rreq.first = 3;
	rreq.count = 2;
	EXPECT("block: read them", block_read(ch, &rreq, &rresp), NB_OK);
	EXPECT("block: same bytes",
	       rresp.data.len == 1024 &&
		       !memcmp(rresp.data.b, wreq.data.b, 1024),
	       1);
	rreq.first = info.info.block_count - 1;
	EXPECT("block: read past the end", block_read(ch, &rreq, &rresp),
	       NB_ERR_OUT_OF_RANGE);
	rreq.first = 0;
	rreq.count = 17;
	EXPECT("block: read over 8 KiB", block_read(ch, &rreq, &rresp),
	       FIR_ERR_INVALID);
	wreq.data.len = 100;
	EXPECT("block: write a partial block", block_write(ch, &wreq),
	       FIR_ERR_INVALID);
	nb_handle_close(ch);
}

int main(void)
{
	test_directory();
	test_own_service();
	test_console();
	test_clock();
	test_random();
	test_launcher();
	test_ethernet();
	test_block();
	printf("done\n");
	return kt_failed != 0;
}
