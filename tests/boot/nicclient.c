/*
 * nicclient.c: an EthernetNic client for the virtio-net driver test
 * (tests/boot.sh). Startup handle 0 is its EthernetNic channel
 * (manifest --connect=ethernet), served by drivers/virtio_net on a
 * modern virtio-net device on QEMU's user network (`nebulet boot
 * --nic`). It asks the gateway 10.0.2.2 for its MAC with an ARP request
 * sent by copy (send), then the DNS server 10.0.2.3 with one written in
 * place into a lent transmit slot (send_inplace, commit: zero copy),
 * and prints each reply, "arp: IP is at MAC". Bad commits and frames
 * get errors. Then by event (rx_ready): it waits for USER0 and receives
 * the gateway's next reply, drains the queue (SHOULD_WAIT once empty),
 * and USER0 is clear unless a frame waits. Prints PASS/FAIL lines and
 * "done".
 */
#include "ethernet.h"
#include "kt.h"

#define FRAME_ARP 60

static nb_handle ch;
static uint8_t mac[6];

/* An ARP request from 10.0.2.15 for 10.0.2.ip into f (60 bytes). */
static void arp_request(uint8_t *f, uint8_t ip)
{
	static const uint8_t head[] = {0, 1, 8, 0, 6, 4, 0, 1};

	memset(f, 0, FRAME_ARP);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, head, sizeof head);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, (uint8_t[]){10, 0, 2, 15}, 4);
	memcpy(f + 38, (uint8_t[]){10, 0, 2, ip}, 4);
}

/* Whether frame f (len bytes) is an ARP reply from 10.0.2.ip. */
static bool is_arp_reply(const uint8_t *f, uint32_t len, uint8_t ip)
{
	return len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
	       f[28] == 10 && f[29] == 0 && f[30] == 2 && f[31] == ip;
}

/* Receives frames until the ARP reply from 10.0.2.ip (at most 20). */
static void arp_reply(uint8_t ip)
{
	static ethernet_nic_receive_resp r;
	char label[40];

	for (int i = 0; i < 20; i++) {
		nb_status s = ethernet_nic_receive(ch, &r);
		if (s) {
			printf("FAIL receive: %d\n", s);
			kt_failed++;
			return;
		}
		const uint8_t *f = r.frame.b;
		if (!is_arp_reply(f, r.frame.len, ip))
			continue;
		snprintf(label, sizeof label, "reply to us from 10.0.2.%u", ip);
		EXPECT(label, memcmp(f + 32, mac, 6), 0);
		printf("arp: 10.0.2.%u is at %02x:%02x:%02x:%02x:%02x:%02x\n",
		       ip, f[22], f[23], f[24], f[25], f[26], f[27]);
		return;
	}
	printf("FAIL no ARP reply from 10.0.2.%u\n", ip);
	kt_failed++;
}

/* By event: after rx_ready, an ARP request to the gateway; its reply
 * taken when USER0 says a frame waits (at most 20 frames, each waited
 * for up to 30 s); then the queue drained: receive answers SHOULD_WAIT,
 * and USER0 is set only while a frame waits. */
static void by_event(void)
{
	static ethernet_nic_rx_ready_resp ev;
	static ethernet_nic_send_req req;
	static ethernet_nic_receive_resp r;
	nb_status s = NB_ERR_SHOULD_WAIT;
	int i;

	EXPECT("rx_ready", ethernet_nic_rx_ready(ch, &ev), NB_OK);
	arp_request(req.frame.b, 2);
	req.frame.len = FRAME_ARP;
	EXPECT("send arp for the event", ethernet_nic_send(ch, &req), NB_OK);
	for (i = 0; i < 20; i++) {
		if ((s = nb_object_wait_one(
			     ev.event, NB_SIGNAL_USER0,
			     nb_clock_monotonic() + 30000000000ll, NULL)) ||
		    (s = ethernet_nic_receive(ch, &r)) ||
		    is_arp_reply(r.frame.b, r.frame.len, 2))
			break;
	}
	EXPECT("USER0, then the reply", s == NB_OK && i < 20, 1);
	for (i = 0; i < 20 && (s = ethernet_nic_receive(ch, &r)) == NB_OK; i++)
		;
	EXPECT("drained: receive does not wait", s, NB_ERR_SHOULD_WAIT);
	EXPECT("USER0 only while a frame waits",
	       nb_object_wait_one(ev.event, NB_SIGNAL_USER0, 0, NULL) !=
			       NB_OK ||
		       ethernet_nic_receive(ch, &r) == NB_OK,
	       1);
	printf("rx_ready: the gateway's reply by event\n");
	nb_handle_close(ev.event);
}

int main(void)
{
	static ethernet_nic_info_resp info;
	static ethernet_nic_send_req req;
	ethernet_nic_send_inplace_resp lent = {0};
	uint8_t *page = aligned_alloc(NB_PAGE_SIZE, NB_PAGE_SIZE);
	uint64_t pa;

	ch = nb_startup_handle(0);
	EXPECT("info", ethernet_nic_info(ch, &info), NB_OK);
	EXPECT("mac length", info.info.mac.len, 6);
	EXPECT("mtu", info.info.mtu, 1500);
	memcpy(mac, info.info.mac.b, 6);
	/* By copy. */
	req.frame.len = 3;
	EXPECT("send runt", ethernet_nic_send(ch, &req), FIR_ERR_INVALID);
	arp_request(req.frame.b, 2);
	req.frame.len = FRAME_ARP;
	EXPECT("send arp", ethernet_nic_send(ch, &req), NB_OK);
	arp_reply(2);
	/* In place. */
	EXPECT("send_inplace", ethernet_nic_send_inplace(ch, &lent), NB_OK);
	EXPECT("slot fits a frame", lent.size >= 1514 && lent.offset < 4096, 1);
	EXPECT("lent slot has no bus address",
	       nb_vmo_physical(lent.memory, &pa), NB_ERR_ACCESS_DENIED);
	EXPECT("map slot",
	       nb_vm_map(lent.memory, 0, page, NB_PAGE_SIZE, NB_MAP_WRITE),
	       NB_OK);
	arp_request(page + lent.offset, 3);
	EXPECT("commit runt",
	       ethernet_nic_commit(ch,
				   &(ethernet_nic_commit_req){lent.slot, 5}),
	       FIR_ERR_INVALID);
	EXPECT("commit other slot",
	       ethernet_nic_commit(ch, &(ethernet_nic_commit_req){99, 60}),
	       NB_ERR_BAD_STATE);
	EXPECT("commit",
	       ethernet_nic_commit(
		       ch, &(ethernet_nic_commit_req){lent.slot, FRAME_ARP}),
	       NB_OK);
	EXPECT("commit twice",
	       ethernet_nic_commit(
		       ch, &(ethernet_nic_commit_req){lent.slot, FRAME_ARP}),
	       NB_ERR_BAD_STATE);
	/* Committed, the slot was taken back: the mapping reads zero (a
	 * store would trap), the handle reaches nothing. */
	EXPECT("after commit the mapping is cut off", page[lent.offset], 0);
	EXPECT("after commit no vmo_write",
	       nb_vmo_write(lent.memory, lent.offset, "x", 1),
	       NB_ERR_BAD_STATE);
	arp_reply(3);
	EXPECT("unmap the revoked slot", nb_vm_unmap(page, NB_PAGE_SIZE),
	       NB_OK);
	nb_handle_close(lent.memory);
	by_event();
	printf("done\n");
	return kt_failed != 0;
}
