/*
 * nif.h: an lwIP network interface over any Ethernet device: frames go
 * out through a function the caller gives and come in through
 * nif_input. Pure lwIP (no kernel call): the net service and the native
 * fuzzer share it, so garbage frames take the service's own path.
 */
#ifndef NET_NIF_H
#define NET_NIF_H

#include <stdint.h>

#include "lwip/netif.h"

#define NIF_FRAME_MAX 1514 /* Ethernet header and 1500 bytes, no FCS */

/* Sends one frame of len bytes; 0 on success. */
typedef int (*nif_send_fn)(void *ctx, const uint8_t *frame, uint32_t len);
/* Where to write the next frame of len bytes, which send then gets: a
 * device's own buffer (zero copy), or NULL for nif's. */
typedef uint8_t *(*nif_buffer_fn)(void *ctx, uint32_t len);

/* Initializes lwIP once, then adds n, an Ethernet interface with mac
 * and mtu whose frames are written where buffer(ctx, ...) says (if not
 * NULL) and go to send(ctx, ...), up and the default route,
 * with the IPv4 address addr/netmask via gateway (host byte order; all
 * 0 to leave it unset, e.g. for DHCP). 0 on success. */
int nif_add(struct netif *n, const uint8_t mac[6], uint16_t mtu,
	    nif_send_fn send, nif_buffer_fn buffer, void *ctx, uint32_t addr,
	    uint32_t netmask, uint32_t gateway);
/* Hands one received frame (copied) to n's input; a frame too short,
 * too long or that finds no buffer is dropped (0), else 1. */
int nif_input(struct netif *n, const uint8_t *frame, uint32_t len);

#endif
