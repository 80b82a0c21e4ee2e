/*
 * sock.h: the net service's sockets (sock.c): lwIP raw-API PCBs behind
 * Socket channels (firmament/socket.fir). One thread: net.c's loop
 * waits on the channels sock_wait_items gives, hands the ready ones to
 * sock_serve, and calls sock_signal_all once lwIP has run, so every
 * socket's ready event tells the truth before the next wait.
 */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include "socket.h"

#define SOCK_CHANNELS 48 /* sockets with a channel, all clients together */

/* Net.listen, connect, udp, icmp_echo: a new socket, its channel's
 * other end in *socket and a WAIT duplicate of its event in *ready. */
nb_status sock_listen(uint16_t port, uint8_t backlog, nb_handle *socket,
		      nb_handle *ready, uint16_t *bound);
nb_status sock_connect(uint32_t addr, uint16_t port, nb_handle *socket,
		       nb_handle *ready);
nb_status sock_udp(uint16_t port, nb_handle *socket, nb_handle *ready,
		   uint16_t *bound);
nb_status sock_icmp(nb_handle *socket, nb_handle *ready);
/* Fills up to cap wait items with the sockets' channels; their count. */
uint32_t sock_wait_items(nb_wait_item *items, uint32_t cap);
/* Serves the sockets whose items (as sock_wait_items filled them, with
 * pending signals) are ready: a message each, or the socket closed. */
void sock_serve(const nb_wait_item *items, uint32_t n);
/* Sets every socket's ready event from its state. */
void sock_signal_all(void);
/* Sockets open now (with a channel or waiting to be accepted). */
uint32_t sock_count(void);

#endif
