/*
 * fir.h: the firmament's runtime for programs, used by the C that firc
 * generates (NAME.[ch]: client calls, dispatch over a channel) and by
 * hand-written services: calls and replies over the kernel's channels.
 * The wire format and the pure encoder and decoder are wire.h's.
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
#include "wire.h"

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

_Static_assert(FIR_MAX_BYTES == NB_CHANNEL_MAX_BYTES &&
		       FIR_MAX_HANDLES == NB_CHANNEL_MAX_HANDLES &&
		       FIR_RIGHTS_SAME == NB_RIGHT_SAME_RIGHTS,
	       "wire.h's bounds are the kernel's");

/* The port over a program's kernel calls: arg points to the channel's
 * nb_handle (for send; narrow and close need none). */
extern const fir_port fir_chan_port;

void fir_close_all(nb_handle *h, uint32_t n);
/* True (once) if a reply that dispatch wrote through fir_chan_port was
 * lost since the last look (no memory for it, the client's queue full):
 * the server then closes that client's channel, so that the client's
 * wait ends with PEER_CLOSED rather than lasting forever. */
bool fir_reply_lost(void);
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

#endif
