/*
 * fir.h: the firmament's message runtime, used by the C that firc
 * generates (and by hand-written services). Message format (README.md):
 * a 16-byte header (u32 txid, u32 ordinal, i32 status, u32 flags) then
 * the fields in order, little-endian, unpadded; handles travel in the
 * channel's handle table and each handle field holds its index there.
 *
 * Builds for wasm32 (calls the kernel through nebulet.h) and natively
 * (the program links its own nb_* functions: the fuzz target's stubs).
 */
#ifndef FIR_H
#define FIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nebulet.h"

#ifndef __wasm__
nb_status nb_handle_close(nb_handle h);
nb_status nb_handle_replace(nb_handle h, nb_rights rights, nb_handle *out);
nb_status nb_channel_write(nb_handle h, const void *bytes, uint32_t nbytes,
			   const nb_handle *handles, uint32_t nhandles);
nb_status nb_channel_read(nb_handle h, uint32_t flags, void *bytes,
			  uint32_t bytes_cap, nb_handle *handles,
			  uint32_t handles_cap, uint32_t *actual_bytes,
			  uint32_t *actual_handles);
#endif

/* Firmament status codes, beside the kernel's (all negative). */
#define FIR_ERR_MALFORMED (-100)      /* the message failed decoding */
#define FIR_ERR_UNKNOWN_METHOD (-101) /* no such ordinal, or no handler */
#define FIR_ERR_UNAVAILABLE (-102)    /* the service is not running */
#define FIR_ERR_NOT_FOUND (-103)      /* no such name */
#define FIR_ERR_EXISTS (-104)	      /* the name is taken */
#define FIR_ERR_INTERNAL (-105)	      /* the server could not encode */
#define FIR_ERR_INVALID (-106)	      /* a request field out of bounds */

#define FIR_HDR_SIZE 16u
#define FIR_MAGIC 0x46310000u /* "F1" in the flags' upper half */
#define FIR_FLAG_REPLY 1u
#define FIR_MAX_BYTES NB_CHANNEL_MAX_BYTES
#define FIR_MAX_HANDLES NB_CHANNEL_MAX_HANDLES

typedef struct fir_hdr {
	uint32_t txid, ordinal;
	int32_t status;
	uint32_t flags;
} fir_hdr;

/* An encoder: bytes into buf, handles into h; err set on any overflow. */
typedef struct fir_enc {
	uint8_t *buf;
	uint32_t len, cap;
	nb_handle *h;
	uint32_t nh, hcap;
	int err;
} fir_enc;

/* A decoder over a received message; err set on any malformation. */
typedef struct fir_dec {
	const uint8_t *buf;
	uint32_t len, pos;
	nb_handle *h; /* the message's handles; narrowed in place */
	uint32_t nh, hpos;
	int err;
} fir_dec;

void fir_enc_init(fir_enc *e, uint8_t *buf, uint32_t cap, nb_handle *h,
		  uint32_t hcap, const fir_hdr *hdr);
void fir_put_u8(fir_enc *e, uint8_t v);
void fir_put_u16(fir_enc *e, uint16_t v);
void fir_put_u32(fir_enc *e, uint32_t v);
void fir_put_u64(fir_enc *e, uint64_t v);
void fir_put_bytes(fir_enc *e, const void *p, uint32_t len, uint32_t max);
void fir_put_handle(fir_enc *e, nb_handle h);

void fir_dec_init(fir_dec *d, const uint8_t *buf, uint32_t len, nb_handle *h,
		  uint32_t nh);
bool fir_dec_header(fir_dec *d, fir_hdr *hdr);
uint8_t fir_get_u8(fir_dec *d);
uint16_t fir_get_u16(fir_dec *d);
uint32_t fir_get_u32(fir_dec *d);
uint64_t fir_get_u64(fir_dec *d);
bool fir_get_bool(fir_dec *d);
uint32_t fir_get_count(fir_dec *d, uint32_t max);
void fir_get_bytes(fir_dec *d, void *dst, uint32_t *len, uint32_t max);
void fir_get_str(fir_dec *d, char *dst, uint32_t *len, uint32_t max);
nb_handle fir_get_handle(fir_dec *d, nb_rights rights);
bool fir_dec_done(fir_dec *d);

void fir_close_all(nb_handle *h, uint32_t n);
nb_status fir_reply_status(nb_handle ch, const fir_hdr *req, nb_status s);
/*
 * One call over ch: sends e and waits for the reply into rbuf (rcap
 * bytes) and rh (rhcap handles), both the caller's (rbuf may be e's
 * buffer). Threads may call at once, on one channel too: a call holds
 * the channel's lock from its send to its reply. Returns the reply's
 * status; on NB_OK, d is set over the reply for the caller to decode.
 */
nb_status fir_call(nb_handle ch, fir_enc *e, uint32_t ordinal, fir_dec *d,
		   uint8_t *rbuf, uint32_t rcap, nb_handle *rh, uint32_t rhcap);
nb_status fir_send(nb_handle ch, fir_enc *e, uint32_t ordinal, bool oneway);

/* Copies C string src into a generated string field (struct { u32 len;
 * char s[N+1]; }); false (and an empty field) if it does not fit. The
 * field expression is evaluated once. */
bool fir_set_str(void *field, uint32_t cap, const char *src);
#define FIR_SET_STR(field, src) fir_set_str(&(field), sizeof(field).s, (src))

#endif
