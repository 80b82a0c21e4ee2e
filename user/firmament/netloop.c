/*
 * netloop.c: a loopback EthernetNic (published as "ethernet"): every
 * frame sent comes back through receive. Its transmit queue is SLOTS
 * slots, each a one-page memory object mapped into this process; the
 * zero-copy path lends a slot (send_inplace gives the caller a loan of
 * that slot's object alone, vmo_lend, to map into its own memory and
 * fill) and commit takes the loan back (revoked: the caller's mapping no
 * longer reaches the slot) and queues the slot: no byte is copied
 * between linear memories. The
 * device's own move from transmit slot to receive queue is the copy a
 * real NIC's DMA would make.
 */
#include <stdlib.h>
#include <string.h>

#include "ethernet.h"
#include "svc.h"

#define SLOTS 4
#define FRAME_MAX 1514
#define RXQ 16

enum { SLOT_FREE, SLOT_LENT };

static struct {
	nb_handle vmo;
	nb_handle loan; /* while lent: the loan the client maps */
	uint8_t *map;	/* the slot's page in this memory */
	int state;
	nb_handle owner; /* the client channel it is lent to */
} slot[SLOTS];
static struct {
	uint8_t b[FRAME_MAX];
	uint32_t len;
} rxq[RXQ];
static int rx_head, rx_n;
static nb_handle rx_event; /* USER0 while rx_n > 0 (rx_ready) */

/* Queues a frame for receive; NB_ERR_SHOULD_WAIT when the queue is full. */
static nb_status loop_back(const uint8_t *frame, uint32_t len)
{
	if (rx_n == RXQ)
		return NB_ERR_SHOULD_WAIT;
	memcpy(rxq[(rx_head + rx_n) % RXQ].b, frame, len);
	rxq[(rx_head + rx_n) % RXQ].len = len;
	rx_n++;
	nb_object_signal(rx_event, 0, NB_SIGNAL_USER0);
	return NB_OK;
}

/* EthernetNic.info */
static nb_status on_info(void *ctx, ethernet_nic_info_resp *resp)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};

	resp->info.mac.len = 6;
	memcpy(resp->info.mac.b, mac, 6);
	resp->info.mtu = 1500;
	resp->info.link = LINK_STATE_UP;
	resp->info.tx_slots = SLOTS;
	return NB_OK;
}

/* EthernetNic.send: the copying path. */
static nb_status on_send(void *ctx, const ethernet_nic_send_req *req)
{
	if (req->frame.len < 14)
		return FIR_ERR_INVALID;
	return loop_back(req->frame.b, req->frame.len);
}

/* Takes slot i back: its loan revoked and dropped, the slot free. */
static void take_back(uint32_t i)
{
	nb_vmo_revoke(slot[i].loan);
	nb_handle_close(slot[i].loan);
	slot[i].loan = NB_HANDLE_INVALID;
	slot[i].state = SLOT_FREE;
}

/* EthernetNic.send_inplace: lends a free slot (taking back the slots of
 * clients that left without committing). */
static nb_status on_send_inplace(void *ctx,
				 ethernet_nic_send_inplace_resp *resp)
{
	for (uint32_t i = 0; i < SLOTS; i++) {
		nb_status s;
		if (slot[i].state == SLOT_LENT && !svc_peer_open(slot[i].owner))
			take_back(i);
		if (slot[i].state != SLOT_FREE)
			continue;
		if ((s = nb_vmo_lend(slot[i].vmo, &slot[i].loan)))
			return s;
		s = nb_handle_duplicate(slot[i].loan,
					NB_RIGHT_READ | NB_RIGHT_WRITE |
						NB_RIGHT_TRANSFER,
					&resp->memory);
		if (s) {
			nb_handle_close(slot[i].loan);
			return s;
		}
		slot[i].state = SLOT_LENT;
		slot[i].owner = svc_client();
		resp->slot = i;
		resp->offset = 0;
		resp->size = FRAME_MAX;
		return NB_OK;
	}
	return NB_ERR_SHOULD_WAIT;
}

/* EthernetNic.commit: takes a lent slot back, then transmits it (when
 * the receive queue is full, the slot is free again all the same). */
static nb_status on_commit(void *ctx, const ethernet_nic_commit_req *req)
{
	if (req->slot >= SLOTS || slot[req->slot].state != SLOT_LENT ||
	    slot[req->slot].owner != svc_client())
		return NB_ERR_BAD_STATE;
	if (req->length < 14 || req->length > FRAME_MAX)
		return FIR_ERR_INVALID;
	take_back(req->slot);
	return loop_back(slot[req->slot].map, req->length);
}

/* EthernetNic.receive: the oldest looped-back frame. */
static nb_status on_receive(void *ctx, ethernet_nic_receive_resp *resp)
{
	if (!rx_n)
		return NB_ERR_SHOULD_WAIT;
	memcpy(resp->frame.b, rxq[rx_head].b, rxq[rx_head].len);
	resp->frame.len = rxq[rx_head].len;
	rx_head = (rx_head + 1) % RXQ;
	if (!--rx_n)
		nb_object_signal(rx_event, NB_SIGNAL_USER0, 0);
	return NB_OK;
}

/* EthernetNic.rx_ready: the receive queue's event. */
static nb_status on_rx_ready(void *ctx, ethernet_nic_rx_ready_resp *resp)
{
	return nb_handle_duplicate(rx_event, NB_RIGHT_WAIT | NB_RIGHT_TRANSFER,
				   &resp->event);
}

static const struct ethernet_nic_ops ops = {
	on_info, on_send, on_send_inplace, on_commit, on_receive, on_rx_ready};

int main(void)
{
	if (nb_event_create(&rx_event))
		return 1;
	for (int i = 0; i < SLOTS; i++) {
		slot[i].map = aligned_alloc(NB_PAGE_SIZE, NB_PAGE_SIZE);
		if (!slot[i].map || nb_vmo_create(NB_PAGE_SIZE, &slot[i].vmo) ||
		    nb_vm_map(slot[i].vmo, 0, slot[i].map, NB_PAGE_SIZE,
			      NB_MAP_WRITE))
			return 1;
	}
	return -svc_serve("ethernet", ethernet_nic_dispatch_any, &ops, NULL);
}
