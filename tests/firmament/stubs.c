/*
 * stubs.c: fake kernel calls for native firmament tests (see stubs.h).
 * Handles are small integers with an open flag and rights; a handle
 * written to a channel is moved (closed here, re-created on read).
 */
#include <stdlib.h>
#include <string.h>

#include "stubs.h"

static struct {
	int open;
	nb_rights rights;
} tab[STUB_HANDLES];
static uint32_t next_h = 3;
static uint8_t reply[FIR_MAX_BYTES];
static uint32_t reply_n, reply_nh;
static nb_rights reply_rights[FIR_MAX_HANDLES];
static int have_reply;
void (*stub_server)(const uint8_t *msg, uint32_t n, nb_handle *h, uint32_t nh);

/* Forgets every handle and queued reply. */
void stub_reset(void)
{
	memset(tab, 0, sizeof tab);
	next_h = 3;
	have_reply = 0;
	tab[STUB_CLIENT].open = tab[STUB_SERVER].open = 1;
}

nb_handle stub_new(nb_rights rights)
{
	if (next_h >= STUB_HANDLES)
		abort();
	tab[next_h].open = 1;
	tab[next_h].rights = rights;
	return next_h++;
}

int stub_open(nb_handle h)
{
	return h < STUB_HANDLES && tab[h].open;
}

int stub_open_count(void)
{
	int n = 0;

	for (uint32_t i = 3; i < next_h; i++)
		n += tab[i].open;
	return n;
}

nb_status nb_handle_close(nb_handle h)
{
	if (!stub_open(h) || h < 3)
		return NB_ERR_BAD_HANDLE;
	tab[h].open = 0;
	return NB_OK;
}

nb_status nb_handle_replace(nb_handle h, nb_rights rights, nb_handle *out)
{
	nb_rights r;

	if (!stub_open(h) || h < 3)
		return NB_ERR_BAD_HANDLE;
	r = rights == NB_RIGHT_SAME_RIGHTS ? tab[h].rights : rights;
	if (r & ~tab[h].rights)
		return NB_ERR_INVALID_ARGS;
	tab[h].open = 0;
	*out = stub_new(r);
	return NB_OK;
}

void stub_queue_reply(const uint8_t *msg, uint32_t n, nb_handle *h, uint32_t nh)
{
	memcpy(reply, msg, n);
	reply_n = n;
	reply_nh = nh;
	for (uint32_t i = 0; i < nh; i++) {
		reply_rights[i] = stub_open(h[i]) ? tab[h[i]].rights : 0;
		nb_handle_close(h[i]);
	}
	have_reply = 1;
}

/* Writes to the server end queue a reply; to the client end, call the
 * server. Handles must be open and are moved. */
nb_status nb_channel_write(nb_handle ch, const void *bytes, uint32_t n,
			   const nb_handle *h, uint32_t nh)
{
	nb_handle moved[FIR_MAX_HANDLES];

	if (n > FIR_MAX_BYTES || nh > FIR_MAX_HANDLES)
		return NB_ERR_INVALID_ARGS;
	for (uint32_t i = 0; i < nh; i++)
		if (!stub_open(h[i]) || h[i] < 3)
			return NB_ERR_BAD_HANDLE;
	if (ch == STUB_SERVER) {
		stub_queue_reply(bytes, n, (nb_handle *)h, nh);
		return NB_OK;
	}
	if (ch != STUB_CLIENT)
		return NB_ERR_BAD_HANDLE;
	for (uint32_t i = 0; i < nh; i++) {
		moved[i] = stub_new(tab[h[i]].rights);
		nb_handle_close(h[i]);
	}
	if (stub_server)
		stub_server(bytes, n, moved, nh);
	else
		for (uint32_t i = 0; i < nh; i++)
			nb_handle_close(moved[i]);
	return NB_OK;
}

/* Reads the queued reply (the client end only). */
nb_status nb_channel_read(nb_handle ch, uint32_t flags, void *bytes,
			  uint32_t cap, nb_handle *h, uint32_t hcap,
			  uint32_t *n, uint32_t *nh)
{
	if (ch != STUB_CLIENT)
		return NB_ERR_BAD_HANDLE;
	if (!have_reply)
		return NB_ERR_PEER_CLOSED;
	if (reply_n > cap || reply_nh > hcap)
		return NB_ERR_BUFFER_TOO_SMALL;
	memcpy(bytes, reply, reply_n);
	for (uint32_t i = 0; i < reply_nh; i++)
		h[i] = stub_new(reply_rights[i]);
	*n = reply_n;
	*nh = reply_nh;
	have_reply = 0;
	return NB_OK;
}
