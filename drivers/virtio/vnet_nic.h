/*
 * vnet_nic.h: the EthernetNic operations (firmament/ethernet.fir) of the
 * virtio-net driver, written once for its wasm build (drivers/
 * virtio_net/virtio_net.c) and its native one (vnet_native.c): the
 * handlers of firc's generated dispatch (ctx: the struct vnet_nic), over
 * the device core (vnet.h) and four hooks each build provides.
 */
#ifndef VNET_NIC_H
#define VNET_NIC_H

#include <stdint.h>

#include "firmament/ethernet_wire.h"
#include "vnet.h"

struct vnet_nic {
	struct vnet n;
	uintptr_t owner[VNET_TX]; /* the client a lent slot is lent to */
	/* Waits for the next interrupt and serves it (vnet_service, then
	 * acknowledge); false if none came (or the driver is killed). */
	bool (*wait_irq)(struct vnet_nic *c);
	/* The client whose request is served (never 0), and whether a
	 * client is still connected. */
	uintptr_t (*client)(struct vnet_nic *c);
	bool (*connected)(struct vnet_nic *c, uintptr_t client);
	/* *out: a handle to transmit slot's DMA memory for the reply, with
	 * READ, WRITE and TRANSFER only (no MANAGE: no bus address). */
	int32_t (*lend)(struct vnet_nic *c, int slot, fir_handle *out);
};

extern const struct ethernet_nic_ops vnet_nic_ops;

#endif
