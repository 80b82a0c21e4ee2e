/*
 * wire.c: the firmament's pure encoder and decoder (wire.h), over the
 * caller's buffers, making no kernel call: the code firc generates runs
 * on it in wasm programs, the kernel and native drivers alike. Every
 * decoder check sets d->err and returns a zero value, so generated
 * decoders run straight through and test err once. Reentrant.
 */
#include <string.h>

#include "firmament/wire.h"

/* Starts an encoder over buf (cap bytes) and h (hcap handles). */
void fir_enc_init(fir_enc *e, uint8_t *buf, uint32_t cap, fir_handle *h,
		  uint32_t hcap)
{
	e->buf = buf;
	e->len = 0;
	e->cap = cap;
	e->h = h;
	e->nh = 0;
	e->hcap = hcap;
	e->err = 0;
}

/* Appends a header (its txid and ordinal may be patched later, as
 * fir_call does). */
void fir_put_hdr(fir_enc *e, const fir_hdr *hdr)
{
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
void fir_put_handle(fir_enc *e, fir_handle h)
{
	if (e->nh >= e->hcap) {
		e->err = 1;
		return;
	}
	e->h[e->nh] = h;
	fir_put_u32(e, e->nh++);
}

/* Starts a decoder over a received message and its handles, which are
 * narrowed through port (NULL: a message with handle fields fails). */
void fir_dec_init(fir_dec *d, const uint8_t *buf, uint32_t len, fir_handle *h,
		  uint32_t nh, const fir_port *port, void *arg)
{
	d->buf = buf;
	d->len = len;
	d->pos = 0;
	d->h = h;
	d->nh = nh;
	d->hpos = 0;
	d->port = port;
	d->arg = arg;
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

/* Reads the header; false if short, without the magic or with an
 * unknown flag. */
_Bool fir_dec_header(fir_dec *d, fir_hdr *hdr)
{
	hdr->txid = fir_get_u32(d);
	hdr->ordinal = fir_get_u32(d);
	hdr->status = (int32_t)fir_get_u32(d);
	hdr->flags = fir_get_u32(d);
	if ((hdr->flags & FIR_MAGIC_MASK) != FIR_MAGIC ||
	    (hdr->flags & ~(FIR_MAGIC_MASK | FIR_FLAG_REPLY)) != 0)
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
_Bool fir_get_bool(fir_dec *d)
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
 * table; the handle is narrowed to exactly `rights` through the port
 * (which refuses if it lacks one), and the new value is stored back in
 * the table so a failed message can still close every handle it carried.
 */
fir_handle fir_get_handle(fir_dec *d, uint32_t rights)
{
	uint32_t i = fir_get_u32(d);

	if (d->err || i != d->hpos || i >= d->nh || !d->port) {
		d->err = 1;
		return 0;
	}
	d->hpos++;
	if (!d->port->narrow(d->arg, &d->h[i], rights)) {
		d->err = 1;
		return 0;
	}
	return d->h[i];
}

/* True if the whole message was consumed, bytes and handles, cleanly. */
_Bool fir_dec_done(fir_dec *d)
{
	if (d->pos != d->len || d->hpos != d->nh)
		d->err = 1;
	return !d->err;
}

int32_t fir_reply_check(fir_dec *d, uint32_t txid, uint32_t ordinal)
{
	fir_hdr hdr;

	if (!fir_dec_header(d, &hdr) || hdr.txid != txid ||
	    hdr.ordinal != ordinal || !(hdr.flags & FIR_FLAG_REPLY) ||
	    (hdr.status != FIR_OK && (d->len != FIR_HDR_SIZE || d->nh != 0)))
		return FIR_ERR_MALFORMED;
	return hdr.status;
}

int32_t fir_port_status(const fir_port *port, void *arg, const fir_hdr *req,
			int32_t s)
{
	uint8_t b[FIR_HDR_SIZE];
	fir_enc e;
	fir_hdr h = {req->txid, req->ordinal, s, FIR_MAGIC | FIR_FLAG_REPLY};

	fir_enc_init(&e, b, sizeof b, NULL, 0);
	fir_put_hdr(&e, &h);
	return port->send(arg, b, e.len, NULL, 0);
}

/* Copies src into the string field at f (u32 len, then char s[cap]). */
_Bool fir_set_str(void *f, uint32_t cap, const char *src)
{
	size_t n = strlen(src);
	char *s = (char *)f + 4;
	uint32_t len = n < cap ? (uint32_t)n : 0;

	memcpy(f, &len, 4);
	memcpy(s, src, len);
	s[len] = 0;
	return n < cap;
}
