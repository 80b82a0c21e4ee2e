/*
 * switch.c: a learning Ethernet switch as a service (published as the
 * name in --name=NAME, default "switch"): every client connection is a
 * port speaking EthernetNic with a MAC of its own (02:00:00:00:00:N).
 * A frame sent on a port goes to the port that last sent from its
 * destination MAC, or to every other port when that is unknown or a
 * broadcast or multicast address. Each port queues at most RXQ frames;
 * a frame for a full queue is dropped (counted), as a switch does.
 * Ports of clients that left are taken back when a new one arrives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethernet.h"
#include "svc.h"

#define PORTS 16
#define RXQ 64
#define FRAME_MAX 1514

struct frame {
	uint16_t len;
	uint8_t b[FRAME_MAX];
};

static struct port {
	nb_handle ch;	 /* the client's channel; INVALID: free */
	nb_handle ev;	 /* USER0 while frames wait */
	uint8_t mac[6];	 /* the MAC info() gives */
	uint8_t seen[6]; /* the last source MAC sent from here */
	int learned;
	struct frame *q; /* RXQ frames, a ring */
	int head, n;
	uint32_t dropped;
} port[PORTS];

/* The port of the client being served, taking a free one (or one whose
 * client left) at its first call; NULL when all are busy. */
static struct port *my_port(void)
{
	nb_handle c = svc_client();
	struct port *free = NULL;

	for (int i = 0; i < PORTS; i++)
		if (port[i].ch == c)
			return &port[i];
	for (int i = 0; i < PORTS && !free; i++)
		if (port[i].ch == NB_HANDLE_INVALID ||
		    !svc_peer_open(port[i].ch))
			free = &port[i];
	if (!free)
		return NULL;
	free->ch = c;
	free->learned = 0;
	free->head = free->n = 0;
	nb_object_signal(free->ev, NB_SIGNAL_USER0, 0);
	return free;
}

/* Queues frame on port p (dropped when its queue is full). */
static void deliver(struct port *p, const uint8_t *b, uint32_t len)
{
	struct frame *f;

	if (p->n == RXQ) {
		p->dropped++;
		return;
	}
	f = &p->q[(p->head + p->n++) % RXQ];
	f->len = (uint16_t)len;
	memcpy(f->b, b, len);
	nb_object_signal(p->ev, 0, NB_SIGNAL_USER0);
}

/* Forwards a frame from port `from`: learns its source, then to the
 * destination's port or every other live port. */
static void forward(struct port *from, const uint8_t *b, uint32_t len)
{
	const uint8_t *dst = b, *src = b + 6;

	memcpy(from->seen, src, 6);
	from->learned = 1;
	for (int i = 0; i < PORTS; i++) {
		struct port *p = &port[i];
		if (p == from || p->ch == NB_HANDLE_INVALID)
			continue;
		if (!(dst[0] & 1) && p->learned && !memcmp(p->seen, dst, 6)) {
			deliver(p, b, len);
			return;
		}
	}
	for (int i = 0; i < PORTS; i++)
		if (&port[i] != from && port[i].ch != NB_HANDLE_INVALID)
			deliver(&port[i], b, len);
}

/* EthernetNic.info: this port's MAC. */
static nb_status on_info(void *ctx, ethernet_nic_info_resp *resp)
{
	struct port *p = my_port();

	if (!p)
		return NB_ERR_NO_RESOURCES;
	resp->info.mac.len = 6;
	memcpy(resp->info.mac.b, p->mac, 6);
	resp->info.mtu = 1500;
	resp->info.link = LINK_STATE_UP;
	resp->info.tx_slots = 0;
	return NB_OK;
}

/* EthernetNic.send: a frame in, forwarded. */
static nb_status on_send(void *ctx, const ethernet_nic_send_req *req)
{
	struct port *p = my_port();

	if (!p)
		return NB_ERR_NO_RESOURCES;
	if (req->frame.len < 14)
		return FIR_ERR_INVALID;
	forward(p, req->frame.b, req->frame.len);
	return NB_OK;
}

/* EthernetNic.receive: the port's oldest frame. */
static nb_status on_receive(void *ctx, ethernet_nic_receive_resp *resp)
{
	struct port *p = my_port();
	struct frame *f;

	if (!p)
		return NB_ERR_NO_RESOURCES;
	if (!p->n)
		return NB_ERR_SHOULD_WAIT;
	f = &p->q[p->head];
	memcpy(resp->frame.b, f->b, f->len);
	resp->frame.len = f->len;
	p->head = (p->head + 1) % RXQ;
	if (!--p->n)
		nb_object_signal(p->ev, NB_SIGNAL_USER0, 0);
	return NB_OK;
}

/* EthernetNic.rx_ready: the port's event. */
static nb_status on_rx_ready(void *ctx, ethernet_nic_rx_ready_resp *resp)
{
	struct port *p = my_port();

	if (!p)
		return NB_ERR_NO_RESOURCES;
	return nb_handle_duplicate(p->ev, NB_RIGHT_WAIT | NB_RIGHT_TRANSFER,
				   &resp->event);
}

static const struct ethernet_nic_ops ops = {
	.info = on_info,
	.send = on_send,
	.receive = on_receive,
	.rx_ready = on_rx_ready,
};

int main(int argc, char **argv)
{
	const char *name = "switch";

	svc_args("switch.wasm", &argv);
	for (int i = 1; argv[i]; i++)
		if (!strncmp(argv[i], "--name=", 7))
			name = argv[i] + 7;
	for (int i = 0; i < PORTS; i++) {
		port[i].ch = NB_HANDLE_INVALID;
		port[i].mac[0] = 2;
		port[i].mac[5] = (uint8_t)(i + 1);
		if (!(port[i].q = malloc(RXQ * sizeof *port[i].q)) ||
		    nb_event_create(&port[i].ev))
			return 1;
	}
	return -svc_serve(name, ethernet_nic_dispatch_any, &ops, NULL);
}
