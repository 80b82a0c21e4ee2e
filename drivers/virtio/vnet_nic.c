/*
 * vnet_nic.c: EthernetNic over virtio-net (vnet_nic.h). `send` copies
 * the frame into a free transmit slot; `send_inplace` lends a slot (a
 * loan of its own page of DMA memory) for the client to fill at
 * VNET_HDR, and `commit` takes the loan back (revoked: the client's
 * mapping no longer reaches the slot) and hands the slot to the device
 * as it is: zero copy. Slots lent to a client that has gone are taken
 * back likewise. `receive` waits for a frame,
 * but for the clients that took `rx_ready`: the driver's event, USER0
 * while frames wait (updated after each interrupt and receive); those
 * get NB_ERR_SHOULD_WAIT from an empty receive.
 * Status codes are the SDK's (NB_ERR_*) and the firmament's (FIR_ERR_*).
 */
#include <string.h>

#include "user/include/nebulet.h"
#include "vnet_nic.h"

/* A free slot (taking back those lent to clients that left), waiting
 * for the device to finish one when all are busy; -1: none. */
static int take_slot(struct vnet_nic *c)
{
	int s;

	for (int tries = 0; tries < 2; tries++) {
		for (int i = 0; i < VNET_TX; i++)
			if (c->n.tx_state[i] == VNET_SLOT_LENT && c->owner[i] &&
			    !c->connected(c, c->owner[i])) {
				c->take_back(c, i);
				c->n.tx_state[i] = VNET_SLOT_FREE;
				c->owner[i] = 0;
			}
		if ((s = vnet_slot_take(&c->n)) >= 0)
			return s;
		if (!c->wait_irq(c))
			break;
	}
	return -1;
}

static int32_t on_info(void *ctx, ethernet_nic_info_resp *resp)
{
	struct vnet_nic *c = ctx;

	resp->info.mac.len = 6;
	memcpy(resp->info.mac.b, c->n.mac, 6);
	resp->info.mtu = 1500;
	resp->info.link = LINK_STATE_UP;
	resp->info.tx_slots = VNET_TX;
	return NB_OK;
}

static int32_t on_send(void *ctx, const ethernet_nic_send_req *req)
{
	struct vnet_nic *c = ctx;
	int s;

	if (req->frame.len < 14)
		return FIR_ERR_INVALID;
	if ((s = take_slot(c)) < 0)
		return NB_ERR_SHOULD_WAIT;
	memcpy(c->n.txb[s] + VNET_HDR, req->frame.b, req->frame.len);
	return vnet_slot_send(&c->n, s, req->frame.len) ? NB_ERR_BAD_STATE
							: NB_OK;
}

static int32_t on_send_inplace(void *ctx, ethernet_nic_send_inplace_resp *resp)
{
	struct vnet_nic *c = ctx;
	int s = take_slot(c);
	int32_t st;

	if (s < 0)
		return NB_ERR_SHOULD_WAIT;
	if ((st = c->lend(c, s, &resp->memory))) {
		c->n.tx_state[s] = VNET_SLOT_FREE;
		return st;
	}
	c->owner[s] = c->client(c);
	resp->slot = (uint32_t)s;
	resp->offset = VNET_HDR;
	resp->size = VNET_FRAME_MAX;
	return NB_OK;
}

static int32_t on_commit(void *ctx, const ethernet_nic_commit_req *req)
{
	struct vnet_nic *c = ctx;

	if (req->slot >= VNET_TX ||
	    c->n.tx_state[req->slot] != VNET_SLOT_LENT ||
	    c->owner[req->slot] != c->client(c))
		return NB_ERR_BAD_STATE;
	if (req->length < 14 || req->length > VNET_FRAME_MAX)
		return FIR_ERR_INVALID;
	c->owner[req->slot] = 0;
	c->take_back(c, (int)req->slot);
	return vnet_slot_send(&c->n, (int)req->slot, req->length)
		       ? NB_ERR_BAD_STATE
		       : NB_OK;
}

void vnet_nic_rx_update(struct vnet_nic *c)
{
	c->rx_signal(c, vnet_rx_pending(&c->n));
}

/* Whether client cl took rx_ready. */
static bool evented(struct vnet_nic *c, uintptr_t cl)
{
	for (int i = 0; i < VNET_RX_CLIENTS; i++)
		if (c->rx_client[i] == cl)
			return true;
	return false;
}

/* The oldest frame; an empty queue answers NB_ERR_SHOULD_WAIT to a
 * client of rx_ready, and makes others wait (other clients wait
 * meanwhile). */
static int32_t on_receive(void *ctx, ethernet_nic_receive_resp *resp)
{
	struct vnet_nic *c = ctx;
	int len;

	while ((len = vnet_recv(&c->n, resp->frame.b, sizeof resp->frame.b)) <
	       0) {
		if (evented(c, c->client(c))) {
			vnet_nic_rx_update(c);
			return NB_ERR_SHOULD_WAIT;
		}
		if (!c->wait_irq(c) && !c->connected(c, c->client(c)))
			return NB_ERR_PEER_CLOSED;
	}
	vnet_nic_rx_update(c);
	resp->frame.len = (uint32_t)len;
	return NB_OK;
}

/* EthernetNic.rx_ready: the driver's receive event; the client's
 * receive no longer waits. NB_ERR_NO_RESOURCES when VNET_RX_CLIENTS
 * connected clients have it already. */
static int32_t on_rx_ready(void *ctx, ethernet_nic_rx_ready_resp *resp)
{
	struct vnet_nic *c = ctx;
	uintptr_t cl = c->client(c);
	int i;

	for (i = 0; !evented(c, cl) && i < VNET_RX_CLIENTS; i++)
		if (!c->rx_client[i] || !c->connected(c, c->rx_client[i]))
			c->rx_client[i] = cl;
	if (!evented(c, cl))
		return NB_ERR_NO_RESOURCES;
	return c->rx_event(c, &resp->event);
}

const struct ethernet_nic_ops vnet_nic_ops = {
	on_info, on_send, on_send_inplace, on_commit, on_receive, on_rx_ready};
