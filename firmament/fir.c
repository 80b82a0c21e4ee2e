/*
 * fir.c: encoding, decoding and the call/reply plumbing under the code
 * firc generates. Every decoder check sets d->err and returns a zero
 * value, so generated decoders run straight through and test err once.
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

/* Starts an encoder over buf (cap bytes) and h (hcap handles) with the
 * header hdr (its fields may be patched later by fir_call/fir_send). */
void fir_enc_init(fir_enc *e, uint8_t *buf, uint32_t cap, nb_handle *h,
		  uint32_t hcap, const fir_hdr *hdr)
{
	e->buf = buf;
	e->len = 0;
	e->cap = cap;
	e->h = h;
	e->nh = 0;
	e->hcap = hcap;
	e->err = 0;
	fir_put_u32(e, hdr->txid);
	fir_put_u32(e, hdr->ordinal);
	fir_put_u32(e, (uint32_t)hdr->status);
	fir_put_u32(e, hdr->flags);
}

/* Appends n little-endian bytes of v; err on overflow. */
static void put_le(fir_enc *e, uint64_t v, uint32_t n)
{
	if (e->err || e->cap - e->len < n) {
		e->err = 1;
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		e->buf[e->len++] = (uint8_t)(v >> (8 * i));
}

/* Appends one integer of the named width. */
void fir_put_u8(fir_enc *e, uint8_t v)
{
	put_le(e, v, 1);
}

void fir_put_u16(fir_enc *e, uint16_t v)
{
	put_le(e, v, 2);
}

void fir_put_u32(fir_enc *e, uint32_t v)
{
	put_le(e, v, 4);
}

void fir_put_u64(fir_enc *e, uint64_t v)
{
	put_le(e, v, 8);
}

/* Appends a u32 length and len bytes; err if len > max or no room. */
void fir_put_bytes(fir_enc *e, const void *p, uint32_t len, uint32_t max)
{
	if (len > max)
		e->err = 1;
	fir_put_u32(e, len);
	if (e->err || e->cap - e->len < len) {
		e->err = 1;
		return;
	}
	memcpy(e->buf + e->len, p, len);
	e->len += len;
}

/* Appends handle h to the table and its index to the bytes. The handle
 * is recorded even after an error, so the caller can close it. */
void fir_put_handle(fir_enc *e, nb_handle h)
{
	if (e->nh >= e->hcap) {
		e->err = 1;
		return;
	}
	e->h[e->nh] = h;
	fir_put_u32(e, e->nh++);
}

/* Starts a decoder over a received message and its handles. */
void fir_dec_init(fir_dec *d, const uint8_t *buf, uint32_t len, nb_handle *h,
		  uint32_t nh)
{
	d->buf = buf;
	d->len = len;
	d->pos = 0;
	d->h = h;
	d->nh = nh;
	d->hpos = 0;
	d->err = 0;
}

/* Reads n little-endian bytes; 0 and err when the message is short. */
static uint64_t get_le(fir_dec *d, uint32_t n)
{
	uint64_t v = 0;

	if (d->err || d->len - d->pos < n) {
		d->err = 1;
		return 0;
	}
	for (uint32_t i = 0; i < n; i++)
		v |= (uint64_t)d->buf[d->pos++] << (8 * i);
	return v;
}

/* Reads the header; false if short or without the magic. */
bool fir_dec_header(fir_dec *d, fir_hdr *hdr)
{
	hdr->txid = fir_get_u32(d);
	hdr->ordinal = fir_get_u32(d);
	hdr->status = (int32_t)fir_get_u32(d);
	hdr->flags = fir_get_u32(d);
	if ((hdr->flags & 0xffff0000u) != FIR_MAGIC ||
	    (hdr->flags & 0xfffeu) != 0)
		d->err = 1;
	return !d->err;
}

/* Reads one integer of the named width. */
uint8_t fir_get_u8(fir_dec *d)
{
	return (uint8_t)get_le(d, 1);
}

uint16_t fir_get_u16(fir_dec *d)
{
	return (uint16_t)get_le(d, 2);
}

uint32_t fir_get_u32(fir_dec *d)
{
	return (uint32_t)get_le(d, 4);
}

uint64_t fir_get_u64(fir_dec *d)
{
	return get_le(d, 8);
}

/* Reads a bool: one byte, 0 or 1; anything else is malformed. */
bool fir_get_bool(fir_dec *d)
{
	uint8_t v = fir_get_u8(d);

	if (v > 1)
		d->err = 1;
	return v == 1;
}

/* Reads an array count; err (and 0) if it exceeds max. */
uint32_t fir_get_count(fir_dec *d, uint32_t max)
{
	uint32_t n = fir_get_u32(d);

	if (n > max) {
		d->err = 1;
		return 0;
	}
	return n;
}

/* Reads a length-prefixed byte string of at most max bytes into dst. */
void fir_get_bytes(fir_dec *d, void *dst, uint32_t *len, uint32_t max)
{
	uint32_t n = fir_get_count(d, max);

	*len = 0;
	if (d->err || d->len - d->pos < n) {
		d->err = 1;
		return;
	}
	memcpy(dst, d->buf + d->pos, n);
	d->pos += n;
	*len = n;
}

/* Reads a string (bytes without NUL) into dst[max+1], NUL-terminated. */
void fir_get_str(fir_dec *d, char *dst, uint32_t *len, uint32_t max)
{
	fir_get_bytes(d, dst, len, max);
	dst[*len] = 0;
	if (memchr(dst, 0, *len))
		d->err = 1;
}

/*
 * Reads a handle field: its index must be the next unused one of the
 * table; the handle is narrowed to exactly `rights` (the kernel refuses
 * if it lacks one), and the new value is stored back in the table so a
 * failed message can still close every handle it carried.
 */
nb_handle fir_get_handle(fir_dec *d, nb_rights rights)
{
	uint32_t i = fir_get_u32(d);
	nb_handle h;

	if (d->err || i != d->hpos || i >= d->nh) {
		d->err = 1;
		return NB_HANDLE_INVALID;
	}
	d->hpos++;
	if (nb_handle_replace(d->h[i], rights, &h) != NB_OK) {
		d->err = 1;
		return NB_HANDLE_INVALID;
	}
	d->h[i] = h;
	return h;
}

/* True if the whole message was consumed, bytes and handles, cleanly. */
bool fir_dec_done(fir_dec *d)
{
	if (d->pos != d->len || d->hpos != d->nh)
		d->err = 1;
	return !d->err;
}

/* Closes n handles (those of a rejected message). */
void fir_close_all(nb_handle *h, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		nb_handle_close(h[i]);
}

/* Sends a header-only reply with status s to request req. */
nb_status fir_reply_status(nb_handle ch, const fir_hdr *req, nb_status s)
{
	uint8_t b[FIR_HDR_SIZE];
	fir_enc e;
	fir_hdr h = {req->txid, req->ordinal, s, FIR_MAGIC | FIR_FLAG_REPLY};

	fir_enc_init(&e, b, sizeof b, NULL, 0, &h);
	return nb_channel_write(ch, b, e.len, NULL, 0);
}

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

/* One call (fir.h): send, reply, header checks (same txid and ordinal,
 * a reply, an error reply header-only); the reply's handles are closed
 * unless it is OK. */
nb_status fir_call(nb_handle ch, fir_enc *e, uint32_t ordinal, fir_dec *d,
		   uint8_t *rbuf, uint32_t rcap, nb_handle *rh, uint32_t rhcap)
{
	uint32_t txid = next_txid(), n = 0, nh = 0;
	fir_hdr hdr;
	nb_status s;

	conn_lock(ch);
	s = send_encoded(ch, e, txid, ordinal);
	if (s == NB_OK)
		s = read_reply(ch, rbuf, rcap, rh, rhcap, &n, &nh);
	conn_unlock(ch);
	if (s != NB_OK)
		return s;
	fir_dec_init(d, rbuf, n, rh, nh);
	if (!fir_dec_header(d, &hdr) || hdr.txid != txid ||
	    hdr.ordinal != ordinal || !(hdr.flags & FIR_FLAG_REPLY) ||
	    (hdr.status != NB_OK && (n != FIR_HDR_SIZE || nh != 0))) {
		fir_close_all(rh, nh);
		return FIR_ERR_MALFORMED;
	}
	return hdr.status;
}

/* Copies src into the string field at f (u32 len, then char s[cap]). */
bool fir_set_str(void *f, uint32_t cap, const char *src)
{
	size_t n = strlen(src);
	char *s = (char *)f + 4;
	uint32_t len = n < cap ? (uint32_t)n : 0;

	memcpy(f, &len, 4);
	memcpy(s, src, len);
	s[len] = 0;
	return n < cap;
}
