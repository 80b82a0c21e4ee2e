/*
 * fir.c: the call/reply plumbing of programs under the code firc
 * generates (fir.h): the port over the kernel's calls, client calls
 * with their locks and txids. Encoding and decoding are wire.c's.
 *
 * Reentrant: buffers are the caller's. The only shared state is atomic
 * (the txid counter and one lock per handle slot, see conn_lock) or
 * written and never read (the sink of oversized replies).
 */
#include <string.h>

#include "fir.h"

#ifdef __wasm__
/* The threads proposal's instructions for these functions only (the
 * memory need not be shared; the engines run them on any memory). */
#define FIR_ATOMIC __attribute__((target("atomics")))
#else
#define FIR_ATOMIC
#endif

static uint32_t fir_txid;
static uint8_t fir_locks[NB_HANDLES_MAX];
static uint8_t fir_sink[FIR_MAX_BYTES];

/* A new transaction id, never 0, unique across this process's threads. */
FIR_ATOMIC static uint32_t next_txid(void)
{
	uint32_t t;

	do
		t = __atomic_add_fetch(&fir_txid, 1, __ATOMIC_RELAXED);
	while (t == 0);
	return t;
}

/*
 * Takes the lock of channel ch, so one call at a time owns its reply.
 * Locks are indexed by the handle's slot (the kernel keeps it in the low
 * bits, kernel/handle.c), so live handles never share one. A waiter
 * yields: the holder is blocked on its reply, which only others produce.
 */
FIR_ATOMIC static void conn_lock(nb_handle ch)
{
	uint8_t *l = &fir_locks[ch % NB_HANDLES_MAX], free_ = 0;

	while (!__atomic_compare_exchange_n(
		l, &free_, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		free_ = 0;
#ifdef __wasm__
		nb_yield();
#endif
	}
}

/* Releases the lock conn_lock took. */
FIR_ATOMIC static void conn_unlock(nb_handle ch)
{
	__atomic_store_n(&fir_locks[ch % NB_HANDLES_MAX], 0, __ATOMIC_RELEASE);
}

/* fir_chan_port's: narrows *h with handle_replace. */
static bool chan_narrow(void *arg, fir_handle *h, uint32_t rights)
{
	nb_handle out;

	if (nb_handle_replace(*h, rights, &out) != NB_OK)
		return false;
	*h = out;
	return true;
}

/* Closes n handles (those of a rejected message). */
void fir_close_all(nb_handle *h, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		nb_handle_close(h[i]);
}

static void chan_close(void *arg, fir_handle *h, uint32_t n)
{
	fir_close_all(h, n);
}

static uint8_t reply_lost; /* since fir_reply_lost last looked */

/* fir_chan_port's: writes to the channel *arg (a server's reply); the
 * handles are closed if the write fails, and unless the client is gone
 * the reply is lost (fir_reply_lost). */
FIR_ATOMIC static int32_t chan_send(void *arg, const uint8_t *b, uint32_t n,
				    fir_handle *h, uint32_t nh)
{
	nb_status s = nb_channel_write(*(const nb_handle *)arg, b, n, h, nh);

	if (s != NB_OK)
		fir_close_all(h, nh);
	if (s != NB_OK && s != NB_ERR_PEER_CLOSED)
		__atomic_store_n(&reply_lost, 1, __ATOMIC_RELAXED);
	return s;
}

FIR_ATOMIC bool fir_reply_lost(void)
{
	return __atomic_exchange_n(&reply_lost, 0, __ATOMIC_RELAXED) != 0;
}

const fir_port fir_chan_port = {chan_narrow, chan_close, chan_send};

/* Patches the header of an encoded message and writes it; the handles
 * are closed if the encoding failed or the write did. */
static nb_status send_encoded(nb_handle ch, fir_enc *e, uint32_t txid,
			      uint32_t ordinal)
{
	nb_status s;

	if (e->err) {
		fir_close_all(e->h, e->nh);
		return FIR_ERR_INVALID;
	}
	memcpy(e->buf, &txid, 4);
	memcpy(e->buf + 4, &ordinal, 4);
	s = nb_channel_write(ch, e->buf, e->len, e->h, e->nh);
	if (s != NB_OK)
		fir_close_all(e->h, e->nh);
	return s;
}

/* Sends a request without waiting (one-way methods; txid 0). */
nb_status fir_send(nb_handle ch, fir_enc *e, uint32_t ordinal, bool oneway)
{
	return send_encoded(ch, e, oneway ? 0 : next_txid(), ordinal);
}

/* Waits for the next message on ch into the caller's buffers. One that
 * does not fit is no reply of this call: it is taken into the sink, its
 * handles closed, and the call fails as malformed. */
static nb_status read_reply(nb_handle ch, uint8_t *rbuf, uint32_t rcap,
			    nb_handle *rh, uint32_t rhcap, uint32_t *n,
			    uint32_t *nh)
{
	nb_handle h[FIR_MAX_HANDLES];
	nb_status s;

	s = nb_channel_read(ch, NB_CHANNEL_READ_WAIT, rbuf, rcap, rh, rhcap, n,
			    nh);
	if (s != NB_ERR_BUFFER_TOO_SMALL)
		return s;
	if (nb_channel_read(ch, 0, fir_sink, sizeof fir_sink, h,
			    FIR_MAX_HANDLES, n, nh) == NB_OK)
		fir_close_all(h, *nh);
	return FIR_ERR_MALFORMED;
}

/* One call (fir.h): send, reply, header checks (fir_reply_check); the
 * reply's handles are closed unless it is OK. */
nb_status fir_call(nb_handle ch, fir_enc *e, uint32_t ordinal, fir_dec *d,
		   uint8_t *rbuf, uint32_t rcap, nb_handle *rh, uint32_t rhcap)
{
	uint32_t txid = next_txid(), n = 0, nh = 0;
	nb_status s;

	conn_lock(ch);
	s = send_encoded(ch, e, txid, ordinal);
	if (s == NB_OK)
		s = read_reply(ch, rbuf, rcap, rh, rhcap, &n, &nh);
	conn_unlock(ch);
	if (s != NB_OK)
		return s;
	fir_dec_init(d, rbuf, n, rh, nh, &fir_chan_port, NULL);
	s = fir_reply_check(d, txid, ordinal);
	if (s != NB_OK)
		fir_close_all(rh, nh);
	return s;
}
