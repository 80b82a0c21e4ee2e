/*
 * net.c: the network service: lwIP (NO_SYS, raw API) over an
 * EthernetNic client, serving Net (firmament/socket.fir) to the
 * clients that look it up, and their sockets (sock.c).
 *
 *   net.wasm [--name=NAME] [--nic=NIC] [--ip=A.B.C.D/BITS] [--gw=A.B.C.D]
 *
 * publishes NAME (default "net") and uses the EthernetNic published as
 * NIC (default "ethernet"); without --ip it asks DHCP for an address.
 * Frames go out in place: lwIP writes each into a transmit slot the NIC
 * lends (send_inplace), mapped into our memory, and commit hands it to
 * the device without a copy; a NIC that lends none gets copies (send).
 * Net.info counts both. One thread: it waits on the NIC's receive event,
 * the listener, the Net clients and the sockets, with lwIP's next
 * timeout as deadline.
 * When the NIC goes away (its driver restarted) it connects again,
 * keeping its sockets and connections, and announces its address
 * (gratuitous ARP: the MAC may have changed); it ends (and its
 * supervisor restarts it) only when that fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethernet.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/timeouts.h"
#include "netc.h"
#include "nif.h"
#include "sock.h"
#include "svc.h"

#define CLIENTS 8   /* Net connections */
#define RX_BATCH 64 /* frames received per turn of the loop */

static struct netif netif;
static const char *nicname = "ethernet";
static nb_handle nic, nic_ready, listener = NB_HANDLE_INVALID;
static ethernet_nic_info_resp nicinfo;
static nb_handle clients[CLIENTS];
static uint32_t nclients;
static int use_dhcp;
static uint8_t msgbuf[FIR_MAX_BYTES];

/* The transmit slot the NIC lent us (EthernetNic.send_inplace), mapped
 * at `window`, until a frame written there is committed. */
#define WINDOW (2 * NB_PAGE_SIZE)
static uint8_t window[WINDOW] __attribute__((aligned(NB_PAGE_SIZE)));
static ethernet_nic_send_inplace_resp lent;
static uint32_t lent_map; /* bytes mapped at window; 0: no slot held */
static uint64_t tx_inplace, tx_copied, tx_copied_bytes;

/* Lets the lent slot go: unmapped, its handle closed (the NIC took it
 * back at commit, or takes it back when we reconnect). */
static void slot_drop(void)
{
	if (!lent_map)
		return;
	nb_vm_unmap(window, lent_map);
	nb_handle_close(lent.memory);
	lent_map = 0;
}

/* nif's buffer: where the next frame of len bytes goes: in place, in a
 * slot the NIC lends and we map (zero copy), or NULL when it lends none
 * (nif's own buffer; nic_send copies it then). */
static uint8_t *nic_buffer(void *ctx, uint32_t len)
{
	uint32_t base;

	if (!lent_map) {
		if (ethernet_nic_send_inplace(nic, &lent) != NB_OK)
			return NULL;
		base = lent.offset / NB_PAGE_SIZE * NB_PAGE_SIZE;
		lent_map = (lent.offset - base + lent.size + NB_PAGE_SIZE - 1) /
			   NB_PAGE_SIZE * NB_PAGE_SIZE;
		if (lent_map > WINDOW || nb_vm_map(lent.memory, base, window,
						   lent_map, NB_MAP_WRITE)) {
			nb_handle_close(lent.memory);
			lent_map = 0;
			return NULL;
		}
	}
	if (len > lent.size)
		return NULL;
	return window + lent.offset % NB_PAGE_SIZE;
}

/* nif's send: one frame to the NIC: committed where it was written
 * (zero copy), else copied (EthernetNic.send). */
static int nic_send(void *ctx, const uint8_t *frame, uint32_t len)
{
	static ethernet_nic_send_req req;
	ethernet_nic_commit_req c;

	if (lent_map && frame == window + lent.offset % NB_PAGE_SIZE) {
		c.slot = lent.slot;
		c.length = len;
		slot_drop();
		tx_inplace++;
		return ethernet_nic_commit(nic, &c) != NB_OK;
	}
	memcpy(req.frame.b, frame, len);
	req.frame.len = len;
	tx_copied++;
	tx_copied_bytes += len;
	return ethernet_nic_send(nic, &req) != NB_OK;
}

/* Takes the frames waiting at the NIC into lwIP; false when the NIC is
 * gone. */
static int nic_poll(void)
{
	static ethernet_nic_receive_resp resp;

	for (int i = 0; i < RX_BATCH; i++) {
		nb_status s = ethernet_nic_receive(nic, &resp);
		if (s == NB_ERR_SHOULD_WAIT)
			return 1;
		if (s == NB_ERR_PEER_CLOSED)
			return 0;
		if (s == NB_OK)
			nif_input(&netif, resp.frame.b, resp.frame.len);
	}
	return 1;
}

/* Connects to the NIC: its info and receive event. */
static nb_status nic_open(void)
{
	static ethernet_nic_rx_ready_resp ready;
	nb_status s;

	if ((s = svc_connect(nicname, &nic)))
		return s;
	if ((s = ethernet_nic_info(nic, &nicinfo)) ||
	    (s = ethernet_nic_rx_ready(nic, &ready))) {
		nb_handle_close(nic);
		return s;
	}
	nic_ready = ready.event;
	return NB_OK;
}

/* The NIC went away: connects again (or ends the service), takes the
 * new MAC and announces the address with it. A NIC that goes away again
 * while we connect (its driver killed once more) is waited for again:
 * its supervisor restarts it. */
static void nic_reopen(void)
{
	nb_status s;

	slot_drop();
	nb_handle_close(nic);
	nb_handle_close(nic_ready);
	for (int tries = 0;
	     (s = nic_open()) == NB_ERR_PEER_CLOSED && tries < 100; tries++)
		svc_sleep(10000000); /* 10 ms */
	if (s) {
		fprintf(stderr, "net: NIC '%s' lost: status %d\n", nicname, s);
		exit(1);
	}
	memcpy(netif.hwaddr, nicinfo.info.mac.b, 6);
	if (!ip4_addr_isany_val(*netif_ip4_addr(&netif)))
		etharp_gratuitous(&netif);
}

/* Net.info */
static nb_status on_info(void *ctx, net_info_resp *resp)
{
	net_config *c = &resp->info;

	c->addr = lwip_ntohl(ip4_addr_get_u32(netif_ip4_addr(&netif)));
	c->netmask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(&netif)));
	c->gateway = lwip_ntohl(ip4_addr_get_u32(netif_ip4_gw(&netif)));
	c->mac.len = 6;
	memcpy(c->mac.b, netif.hwaddr, 6);
	c->mtu = netif.mtu;
	c->dhcp = use_dhcp;
	c->bound = c->addr != 0;
	c->sockets = sock_count();
	c->tx_inplace = tx_inplace;
	c->tx_copied = tx_copied;
	c->tx_copied_bytes = tx_copied_bytes;
	return NB_OK;
}

static nb_status on_listen(void *ctx, const net_listen_req *req,
			   net_listen_resp *resp)
{
	return sock_listen(req->port, req->backlog, &resp->socket, &resp->ready,
			   &resp->port);
}

static nb_status on_connect(void *ctx, const net_connect_req *req,
			    net_connect_resp *resp)
{
	return sock_connect(req->addr, req->port, &resp->socket, &resp->ready);
}

static nb_status on_udp(void *ctx, const net_udp_req *req, net_udp_resp *resp)
{
	return sock_udp(req->port, &resp->socket, &resp->ready, &resp->port);
}

static nb_status on_icmp_echo(void *ctx, net_icmp_echo_resp *resp)
{
	return sock_icmp(&resp->socket, &resp->ready);
}

static const struct net_ops net_ops = {on_info, on_listen, on_connect, on_udp,
				       on_icmp_echo};

/* Listener.connect: a new Net client (closed when CLIENTS are). */
static nb_status on_client(void *ctx, const listener_connect_req *req)
{
	if (nclients == CLIENTS) {
		nb_handle_close(req->channel);
		return NB_ERR_NO_RESOURCES;
	}
	clients[nclients++] = req->channel;
	return NB_OK;
}

/* Serves one message on a ready listener or client channel ch; false
 * when the channel is gone. */
static int serve_channel(nb_handle ch)
{
	static const struct listener_ops lops = {on_client};
	nb_handle h[FIR_MAX_HANDLES];
	uint32_t n, nh;
	nb_status s;

	s = nb_channel_read(ch, 0, msgbuf, sizeof msgbuf, h, FIR_MAX_HANDLES,
			    &n, &nh);
	if (s == NB_ERR_SHOULD_WAIT)
		return 1;
	if (s != NB_OK)
		return 0;
	if (ch == listener)
		listener_dispatch(&lops, NULL, ch, msgbuf, n, h, nh);
	else
		net_dispatch(&net_ops, NULL, ch, msgbuf, n, h, nh);
	return 1;
}

/* The deadline of the next wait: lwIP's next timeout. */
static nb_time next_deadline(void)
{
	u32_t ms = sys_timeouts_sleeptime();

	if (ms > 1000)
		ms = 1000;
	return nb_clock_monotonic() + (nb_time)ms * 1000000;
}

/* The loop: wait, then the NIC, lwIP's timers, the channels. */
static void serve(void)
{
	static nb_wait_item it[NB_WAIT_MANY_MAX];
	enum { NIC, NICCH, LISTENER, FIRST };

	for (;;) {
		uint32_t n = FIRST, ns;
		it[NIC] = (nb_wait_item){nic_ready, NB_SIGNAL_USER0, 0};
		it[NICCH] = (nb_wait_item){nic, NB_SIGNAL_PEER_CLOSED, 0};
		it[LISTENER] = (nb_wait_item){
			listener, NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED,
			0};
		for (uint32_t i = 0; i < nclients; i++)
			it[n++] = (nb_wait_item){
				clients[i],
				NB_SIGNAL_READABLE | NB_SIGNAL_PEER_CLOSED, 0};
		ns = sock_wait_items(it + n, NB_WAIT_MANY_MAX - n);
		nb_object_wait_many(it, n + ns, next_deadline());
		if (((it[NIC].pending & NB_SIGNAL_USER0) && !nic_poll()) ||
		    (it[NICCH].pending & NB_SIGNAL_PEER_CLOSED))
			nic_reopen();
		sys_check_timeouts();
		if (it[LISTENER].pending && !serve_channel(listener)) {
			fprintf(stderr, "net: the listener closed\n");
			exit(1);
		}
		for (uint32_t i = nclients; i-- > 0;) {
			if (!it[FIRST + i].pending || serve_channel(clients[i]))
				continue;
			nb_handle_close(clients[i]);
			clients[i] = clients[--nclients];
		}
		sock_serve(it + n, ns);
		sock_signal_all();
	}
}

/* Parses "A.B.C.D/BITS" into *addr and *mask; 0 if bad. */
static int parse_cidr(const char *text, uint32_t *addr, uint32_t *mask)
{
	char buf[32];
	char *slash;
	long bits = 24;

	snprintf(buf, sizeof buf, "%s", text);
	if ((slash = strchr(buf, '/'))) {
		*slash = 0;
		bits = strtol(slash + 1, NULL, 10);
	}
	if (bits < 1 || bits > 32 || !netc_parse_addr(buf, addr))
		return 0;
	*mask = bits == 32 ? ~0u : ~(~0u >> bits);
	return 1;
}

int main(int argc, char **argv)
{
	const char *name = "net";
	uint32_t addr = 0, mask = 0, gw = 0;
	nb_status s;

	svc_args("net.wasm", &argv);
	for (int i = 1; argv[i]; i++) {
		if (!strncmp(argv[i], "--name=", 7))
			name = argv[i] + 7;
		else if (!strncmp(argv[i], "--nic=", 6))
			nicname = argv[i] + 6;
		else if (!strncmp(argv[i], "--ip=", 5) &&
			 parse_cidr(argv[i] + 5, &addr, &mask))
			continue;
		else if (!strncmp(argv[i], "--gw=", 5) &&
			 netc_parse_addr(argv[i] + 5, &gw))
			continue;
		else {
			fprintf(stderr, "net: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	use_dhcp = !addr;
	svc_sleep(0); /* its event made now: a reconnect allocates nothing */
	if ((s = nic_open())) {
		fprintf(stderr, "net: NIC '%s': status %d\n", nicname, s);
		return 1;
	}
	if (nif_add(&netif, nicinfo.info.mac.b, (uint16_t)nicinfo.info.mtu,
		    nic_send, nic_buffer, NULL, addr, mask, gw)) {
		fprintf(stderr, "net: lwIP would not add the interface\n");
		return 1;
	}
	if (use_dhcp && dhcp_start(&netif) != ERR_OK) {
		fprintf(stderr, "net: DHCP would not start\n");
		return 1;
	}
	if ((s = svc_publish(name, &listener))) {
		fprintf(stderr, "net: publish '%s': status %d\n", name, s);
		return 1;
	}
	serve();
}
