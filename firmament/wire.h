/*
 * wire.h: the firmament's wire format, in one place (firmament/README.md,
 * "Message format"): a 16-byte header (u32 txid, u32 ordinal, i32 status,
 * u32 flags) then the fields in order, little-endian, unpadded; handles
 * travel in the channel's handle table and each handle field holds its
 * index there.
 *
 * Freestanding: the pure encoder and decoder (wire.c) and the pure code
 * firc generates (NAME_wire.[ch]) work over byte buffers and make no
 * kernel call, so wasm programs, the kernel and native drivers share
 * them. What depends on the transport (narrowing a received handle's
 * rights, closing handles, sending a reply) comes through a fir_port
 * that the caller gives: fir.c's over the kernel calls of a wasm
 * program, kernel/firport.c's over kernel channels.
 */
#ifndef FIR_WIRE_H
#define FIR_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* Firmament status codes, beside the kernel's (all negative; 0 is OK). */
#define FIR_OK 0
#define FIR_ERR_MALFORMED (-100)      /* the message failed decoding */
#define FIR_ERR_UNKNOWN_METHOD (-101) /* no such ordinal, or no handler */
#define FIR_ERR_UNAVAILABLE (-102)    /* the service is not running */
#define FIR_ERR_NOT_FOUND (-103)      /* no such name */
#define FIR_ERR_EXISTS (-104)	      /* the name is taken */
#define FIR_ERR_INTERNAL (-105)	      /* the server could not encode */
#define FIR_ERR_INVALID (-106)	      /* a request field out of bounds */

#define FIR_HDR_SIZE 16u
#define FIR_MAGIC 0x46310000u /* "F1" in the flags' upper half */
#define FIR_MAGIC_MASK 0xffff0000u
#define FIR_FLAG_REPLY 1u
#define FIR_MAX_BYTES 65536u /* a channel message's bounds (nebulet.h) */
#define FIR_MAX_HANDLES 64u
#define FIR_RIGHTS_SAME 0x80000000u /* a handle field without rights */

/* A handle as the transport names it: a program's handle value, or the
 * kernel's index into the message's handle table. */
typedef uint32_t fir_handle;

typedef struct fir_hdr {
	uint32_t txid, ordinal;
	int32_t status;
	uint32_t flags;
} fir_hdr;

/*
 * The transport under the pure code. narrow makes *h carry exactly
 * `rights` (FIR_RIGHTS_SAME: keep them), possibly changing its value;
 * false if it lacks one. close closes n handles. send writes a whole
 * message and consumes its handles (sent, or closed on failure); its
 * status, 0 for sent.
 */
typedef struct fir_port {
	_Bool (*narrow)(void *arg, fir_handle *h, uint32_t rights);
	void (*close)(void *arg, fir_handle *h, uint32_t n);
	int32_t (*send)(void *arg, const uint8_t *b, uint32_t n, fir_handle *h,
			uint32_t nh);
} fir_port;

/* An encoder: bytes into buf, handles into h; err set on any overflow. */
typedef struct fir_enc {
	uint8_t *buf;
	uint32_t len, cap;
	fir_handle *h;
	uint32_t nh, hcap;
	int err;
} fir_enc;

/* A decoder over a received message; err set on any malformation.
 * Handle fields are narrowed through port (none: a handle field is
 * malformed). */
typedef struct fir_dec {
	const uint8_t *buf;
	uint32_t len, pos;
	fir_handle *h; /* the message's handles; narrowed in place */
	uint32_t nh, hpos;
	const fir_port *port;
	void *arg; /* port's */
	int err;
} fir_dec;

void fir_enc_init(fir_enc *e, uint8_t *buf, uint32_t cap, fir_handle *h,
		  uint32_t hcap);
void fir_put_hdr(fir_enc *e, const fir_hdr *hdr);
void fir_put_u8(fir_enc *e, uint8_t v);
void fir_put_u16(fir_enc *e, uint16_t v);
void fir_put_u32(fir_enc *e, uint32_t v);
void fir_put_u64(fir_enc *e, uint64_t v);
void fir_put_bytes(fir_enc *e, const void *p, uint32_t len, uint32_t max);
void fir_put_handle(fir_enc *e, fir_handle h);

void fir_dec_init(fir_dec *d, const uint8_t *buf, uint32_t len, fir_handle *h,
		  uint32_t nh, const fir_port *port, void *arg);
_Bool fir_dec_header(fir_dec *d, fir_hdr *hdr);
uint8_t fir_get_u8(fir_dec *d);
uint16_t fir_get_u16(fir_dec *d);
uint32_t fir_get_u32(fir_dec *d);
uint64_t fir_get_u64(fir_dec *d);
_Bool fir_get_bool(fir_dec *d);
uint32_t fir_get_count(fir_dec *d, uint32_t max);
void fir_get_bytes(fir_dec *d, void *dst, uint32_t *len, uint32_t max);
void fir_get_str(fir_dec *d, char *dst, uint32_t *len, uint32_t max);
fir_handle fir_get_handle(fir_dec *d, uint32_t rights);
_Bool fir_dec_done(fir_dec *d);

/*
 * Checks the header of reply d (its decoder just made) to the request
 * txid/ordinal: a reply, the same txid and ordinal, an error reply
 * header-only. Returns the reply's status, or FIR_ERR_MALFORMED.
 */
int32_t fir_reply_check(fir_dec *d, uint32_t txid, uint32_t ordinal);
/* Sends through port a header-only reply with status s to request req. */
int32_t fir_port_status(const fir_port *port, void *arg, const fir_hdr *req,
			int32_t s);

/* Copies C string src into a generated string field (struct { u32 len;
 * char s[N+1]; }); false (and an empty field) if it does not fit. The
 * field expression is evaluated once. */
_Bool fir_set_str(void *field, uint32_t cap, const char *src);
#define FIR_SET_STR(field, src) fir_set_str(&(field), sizeof(field).s, (src))

#endif
