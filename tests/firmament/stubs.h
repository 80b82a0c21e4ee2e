/*
 * stubs.h: the kernel calls of fir.h for native test programs (unit.c,
 * fuzz_fir.c): a table of fake handles with rights, and a channel whose
 * writes go to a server callback (requests) or a reply queue.
 */
#ifndef FIR_STUBS_H
#define FIR_STUBS_H

#include "fir.h"

#define STUB_HANDLES 4096
#define STUB_CLIENT 1u /* the client's end of the fake channel */
#define STUB_SERVER 2u /* the server's end */

/* Called for each message written to STUB_CLIENT (the server's turn). */
extern void (*stub_server)(const uint8_t *msg, uint32_t n, nb_handle *h,
			   uint32_t nh);

void stub_reset(void);
/* A new open fake handle with rights. */
nb_handle stub_new(nb_rights rights);
/* True if h is open. */
int stub_open(nb_handle h);
/* How many fake handles are open (the two channel ends excluded). */
int stub_open_count(void);
/* Queues a reply for the next read of STUB_CLIENT. */
void stub_queue_reply(const uint8_t *msg, uint32_t n, nb_handle *h,
		      uint32_t nh);

#endif
