/*
 * netc.h: the client side of the network service (user/net/), over
 * firc's Net and Socket clients: connect to a stack, open sockets, and
 * calls that wait for readiness on a socket's event (deadlines in
 * monotonic ns; NB_TIME_INFINITE waits for ever). Every call returns an
 * nb_status: NB_ERR_TIMED_OUT when the deadline passed, the service's
 * status otherwise (NB_ERR_PEER_CLOSED for a failed connection).
 */
#ifndef NET_NETC_H
#define NET_NETC_H

#include "socket.h"

/* The signals of a socket's ready event (firmament/socket.fir). */
#define NETC_READABLE NB_SIGNAL_USER0
#define NETC_WRITABLE (NB_SIGNAL_USER0 << 1)
#define NETC_ERROR (NB_SIGNAL_USER0 << 2)

struct netc_sock {
	nb_handle ch, ready;
};

/* Looks up stack `name` and waits until it has an address. */
nb_status netc_open(const char *name, nb_handle *net, nb_time deadline);
/* Parses dotted IPv4 text into *addr (host byte order); 0 if bad. */
int netc_parse_addr(const char *text, uint32_t *addr);
/* Writes addr (host byte order) as dotted text into out. */
void netc_format_addr(uint32_t addr, char out[16]);
/* Waits until the socket's event shows one of signals; *seen gets them. */
nb_status netc_wait(const struct netc_sock *s, nb_signals signals,
		    nb_time deadline, nb_signals *seen);
nb_status netc_listen(nb_handle net, uint16_t port, uint8_t backlog,
		      struct netc_sock *s);
/* Connects and waits until connected (or refused: PEER_CLOSED). Once
 * the socket is made, *s holds it whatever happens next (its status
 * says why it failed): close it. */
nb_status netc_connect(nb_handle net, uint32_t addr, uint16_t port,
		       struct netc_sock *s, nb_time deadline);
nb_status netc_accept(const struct netc_sock *l, struct netc_sock *s,
		      nb_time deadline);
/* Sends all n bytes. */
nb_status netc_send(const struct netc_sock *s, const void *b, uint32_t n,
		    nb_time deadline);
/* Receives 1..max bytes into b (*got; 0 at the end of the stream). */
nb_status netc_recv(const struct netc_sock *s, void *b, uint32_t max,
		    uint32_t *got, nb_time deadline);
/* Waits for one datagram: its sender in *addr, *port, bytes in b. */
nb_status netc_recvfrom(const struct netc_sock *s, void *b, uint32_t max,
			uint32_t *got, uint32_t *addr, uint16_t *port,
			nb_time deadline);
/* Closes the socket's channel and event (the socket goes). */
void netc_close(struct netc_sock *s);

#endif
