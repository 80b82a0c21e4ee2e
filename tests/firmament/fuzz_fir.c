/*
 * fuzz_fir.c: libFuzzer target over the generated decoders of every
 * interface (the .fir files of firmament/, and tests/firmament/types.fir),
 * natively with the fake kernel of stubs.c. Input: byte 0 picks the interface
 * and the side (bit 7: client, decoding a reply), byte 1 the number of
 * handles (mod 65), byte 2 their rights, byte 3 (client) the method;
 * the rest is the message. Aborts if a rejected message leaks a handle.
 */
#include <stdlib.h>
#include <string.h>

#define FIR_FUZZ 1
#include "block.h"
#include "clock.h"
#include "console.h"
#include "directory.h"
#include "ethernet.h"
#include "launcher.h"
#include "random.h"
#include "socket.h"
#include "stubs.h"
#include "types.h"

typedef nb_status (*dispatch_fn)(const uint8_t *m, uint32_t n, nb_handle *h,
				 uint32_t nh);
typedef nb_status (*client_fn)(nb_handle ch, uint32_t i);

#define SERVE(in)                                                              \
	static nb_status serve_##in(const uint8_t *m, uint32_t n,              \
				    nb_handle *h, uint32_t nh)                 \
	{                                                                      \
		return in##_dispatch(&in##_fuzz_ops, (void *)1, STUB_SERVER,   \
				     m, n, h, nh);                             \
	}
SERVE(block)
SERVE(clock)
SERVE(console)
SERVE(directory)
SERVE(listener)
SERVE(ethernet_nic)
SERVE(launcher)
SERVE(startup)
SERVE(random)
SERVE(types)
SERVE(net)
SERVE(socket)

static const struct {
	dispatch_fn serve;
	client_fn client;
} ifaces[] = {
	{serve_block, block_fuzz_client},
	{serve_clock, clock_fuzz_client},
	{serve_console, console_fuzz_client},
	{serve_directory, directory_fuzz_client},
	{serve_listener, listener_fuzz_client},
	{serve_ethernet_nic, ethernet_nic_fuzz_client},
	{serve_launcher, launcher_fuzz_client},
	{serve_startup, startup_fuzz_client},
	{serve_random, random_fuzz_client},
	{serve_types, types_fuzz_client},
	{serve_net, net_fuzz_client},
	{serve_socket, socket_fuzz_client},
};
#define NIFACES (sizeof ifaces / sizeof ifaces[0])

static const uint8_t *reply;
static uint32_t reply_n, reply_nh;
static nb_rights reply_rights;
static int patch_txid;

/* The fake server of the client side: answers with the fuzz input. */
static void answer(const uint8_t *m, uint32_t n, nb_handle *h, uint32_t nh)
{
	static uint8_t buf[FIR_MAX_BYTES];
	nb_handle rh[FIR_MAX_HANDLES];

	for (uint32_t i = 0; i < nh; i++)
		nb_handle_close(h[i]);
	memcpy(buf, reply, reply_n);
	if (patch_txid && reply_n >= 8 && n >= 8)
		memcpy(buf, m, 8); /* same txid and ordinal */
	for (uint32_t i = 0; i < reply_nh; i++)
		rh[i] = stub_new(reply_rights);
	stub_queue_reply(buf, reply_n, rh, reply_nh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nb_handle h[FIR_MAX_HANDLES];
	uint32_t nh, n;
	int client;
	nb_status s;

	if (size < 4 || size - 4 > FIR_MAX_BYTES)
		return 0;
	client = data[0] >> 7;
	nh = data[1] % (FIR_MAX_HANDLES + 1);
	n = (uint32_t)size - 4;
	stub_reset();
	if (!client) {
		for (uint32_t i = 0; i < nh; i++)
			h[i] = stub_new(data[2] & NB_RIGHTS_ALL);
		s = ifaces[(data[0] & 0x7f) % NIFACES].serve(data + 4, n, h,
							     nh);
		/* Success or failure, the fuzz handlers close what they
		 * got, so no handle may be left open. */
		if (stub_open_count() != 0)
			abort();
		(void)s;
		return 0;
	}
	reply = data + 4;
	reply_n = n;
	reply_nh = nh;
	reply_rights = data[2] & NB_RIGHTS_ALL;
	patch_txid = !(data[3] & 0x80);
	stub_server = answer;
	s = ifaces[(data[0] & 0x7f) % NIFACES].client(STUB_CLIENT,
						      data[3] & 0x7f);
	stub_server = NULL;
	/* A refused reply must leave nothing open; an accepted one leaves
	 * its handles with the caller. */
	if (s != NB_OK && stub_open_count() != 0)
		abort();
	return 0;
}
