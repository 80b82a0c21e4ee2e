/*
 * vnet_nic.h: the EthernetNic operations (firmament/ethernet.fir) of the
 * virtio-net driver, written once for its wasm build (drivers/
 * virtio_net/virtio_net.c) and its native one (vnet_native.c): the
 * handlers of firc's generated dispatch (ctx: the struct vnet_nic), over
 * the device core (vnet.h) and six hooks each build provides. A client
 * that has asked for rx_ready is answered NB_ERR_SHOULD_WAIT by an empty
 * `receive`; another waits there for a frame.
 */
#ifndef VNET_NIC_H
#define VNET_NIC_H

#include <stdint.h>

#include "firmament/ethernet_wire.h"
#include "vnet.h"

#define VNET_RX_CLIENTS 16

struct vnet_nic {
	struct vnet n;
	uintptr_t owner[VNET_TX]; /* the client a lent slot is lent to */
	uintptr_t rx_client[VNET_RX_CLIENTS]; /* those that took rx_ready */
	/* Waits for the next interrupt and serves it (vnet_service, then
	 * acknowledge); false if none came (or the driver is killed). */
	bool (*wait_irq)(struct vnet_nic *c);
	/* The client whose request is served (never 0), and whether a
	 * client is still connected. */
	uintptr_t (*client)(struct vnet_nic *c);
	bool (*connected)(struct vnet_nic *c, uintptr_t client);
	/* *out: a handle for the reply to a loan (vmo_lend) of transmit
	 * slot's DMA memory, with READ, WRITE and TRANSFER only (no
	 * MANAGE: no bus address, no revoking); take_back revokes the
	 * slot's loan (the client's mapping no longer reaches the slot)
	 * and drops it. */
	int32_t (*lend)(struct vnet_nic *c, int slot, fir_handle *out);
	void (*take_back)(struct vnet_nic *c, int slot);
	/* The driver's receive event: *out a handle to it for the reply
	 * (WAIT and TRANSFER); rx_signal sets its USER0 (pending) or
	 * clears it. */
	int32_t (*rx_event)(struct vnet_nic *c, fir_handle *out);
	void (*rx_signal)(struct vnet_nic *c, bool pending);
};

extern const struct ethernet_nic_ops vnet_nic_ops;

/* After an interrupt or a receive: USER0 of the receive event set while
 * the receive queue holds frames, cleared once it is drained. */
void vnet_nic_rx_update(struct vnet_nic *c);

#endif
