/*
 * cli.c: the network tests' client (`run cli.wasm --net=NAME ADDR`):
 * through stack NAME, against srv.c on the other stack at ADDR, over
 * the frame switch: TCP 1 MiB each way with checksums (their speed
 * printed as MEASURE lines, not checked), 100 sequential connections,
 * UDP echo, a closed port refused, hostile Socket and Net messages;
 * then no socket, handle or kernel memory of the stacks leaked; the
 * switch killed: the stacks reconnect, connections work again.
 * PASS/FAIL lines, then "done".
 */
#include "kt.h"
#include "launcher.h"
#include "netc.h"
#include "nt.h"
#include "svc.h"

#define MIB (1024 * 1024)

static nb_handle net;
static uint32_t peer;
static uint8_t buf[8192];

/* A deadline s seconds from now. */
static nb_time in(int s)
{
	return nb_clock_monotonic() + s * NT_SECOND;
}

/* Sends 1 MiB of pattern to the sink; true if its count and checksum
 * come back right. */
static int tcp_up(void)
{
	struct netc_sock s;
	uint32_t seed = 12345, h = 2166136261u, r[2], have = 0, got;
	socket_shutdown_req wr = {false, true};
	nb_time t0 = nb_clock_monotonic();

	if (netc_connect(net, peer, NT_SINK, &s, in(30))) {
		netc_close(&s);
		return 0;
	}
	for (uint32_t left = MIB; left;) {
		uint32_t n = left < sizeof buf ? left : sizeof buf;
		nt_pattern(&seed, buf, n);
		h = nt_fnv(h, buf, n);
		if (netc_send(&s, buf, n, in(30)))
			break;
		left -= n;
	}
	socket_shutdown(s.ch, &wr);
	while (have < sizeof r &&
	       netc_recv(&s, (uint8_t *)r + have, sizeof r - have, &got,
			 in(30)) == NB_OK &&
	       got)
		have += got;
	netc_close(&s);
	printf("MEASURE tcp up: 1 MiB in %lld ms\n",
	       (long long)(nb_clock_monotonic() - t0) / 1000000);
	return have == sizeof r && r[0] == MIB && r[1] == h;
}

/* Asks the source for 1 MiB; true if all of it arrives right. */
static int tcp_down(void)
{
	struct netc_sock s;
	uint32_t req[2] = {MIB, 777}, seed = 777, total = 0, got;
	uint32_t h = 2166136261u, want = 2166136261u;
	nb_time t0 = nb_clock_monotonic();

	if (netc_connect(net, peer, NT_SOURCE, &s, in(30)) ||
	    netc_send(&s, req, sizeof req, in(30))) {
		netc_close(&s);
		return 0;
	}
	while (netc_recv(&s, buf, sizeof buf, &got, in(30)) == NB_OK && got) {
		h = nt_fnv(h, buf, got);
		total += got;
	}
	netc_close(&s);
	for (uint32_t left = MIB; left;) {
		uint32_t n = left < sizeof buf ? left : sizeof buf;
		nt_pattern(&seed, buf, n);
		want = nt_fnv(want, buf, n);
		left -= n;
	}
	printf("MEASURE tcp down: 1 MiB in %lld ms\n",
	       (long long)(nb_clock_monotonic() - t0) / 1000000);
	return total == MIB && h == want;
}

/* n connections one after another, each echoing a line; how many did. */
static int sequential(int n)
{
	int ok = 0;

	for (int i = 0; i < n; i++) {
		struct netc_sock s;
		char line[32], back[32];
		uint32_t len =
			(uint32_t)snprintf(line, sizeof line, "hello %d\n", i);
		uint32_t have = 0, got;
		socket_shutdown_req wr = {false, true};
		if (netc_connect(net, peer, NT_ECHO, &s, in(30)) == NB_OK &&
		    netc_send(&s, line, len, in(30)) == NB_OK &&
		    socket_shutdown(s.ch, &wr) == NB_OK) {
			while (have < sizeof back &&
			       netc_recv(&s, back + have, sizeof back - have,
					 &got, in(30)) == NB_OK &&
			       got)
				have += got;
		}
		ok += have == len && !memcmp(line, back, len);
		netc_close(&s);
	}
	return ok;
}

/* Datagrams of several sizes to the UDP echo; how many came back. */
static int udp(void)
{
	static socket_sendto_req out;
	net_udp_req req = {0};
	net_udp_resp r;
	struct netc_sock s;
	static const uint32_t sizes[] = {1, 100, 1000, 1472};
	int ok = 0;

	if (net_udp(net, &req, &r))
		return 0;
	s = (struct netc_sock){r.socket, r.ready};
	for (int i = 0; i < 4; i++) {
		uint32_t got, from, seed = 99 + i;
		uint16_t port;
		out.addr = peer;
		out.port = NT_ECHO;
		out.data.len = sizes[i];
		nt_pattern(&seed, out.data.b, sizes[i]);
		if (socket_sendto(s.ch, &out) == NB_OK &&
		    netc_recvfrom(&s, buf, sizeof buf, &got, &from, &port,
				  in(10)) == NB_OK &&
		    got == sizes[i] && from == peer && port == NT_ECHO &&
		    !memcmp(buf, out.data.b, got))
			ok++;
	}
	netc_close(&s);
	return ok;
}

/* The stack's open sockets, and the handles and kernel memory of the
 * stacks' processes. */
static void usage(uint32_t *sockets, uint32_t *handles, uint64_t *kmem)
{
	static nb_mem_proc procs[64];
	nb_mem_totals t;
	net_info_resp info;
	uint32_t n = 0;

	*sockets = net_info(net, &info) == NB_OK ? info.info.sockets : ~0u;
	*handles = 0;
	*kmem = 0;
	nb_mem_usage(&t, procs, 64, &n);
	for (uint32_t i = 0; i < n && i < 64; i++)
		if (!procs[i].ended && !strcmp(procs[i].name, "net.wasm")) {
			*handles += procs[i].handles;
			*kmem += procs[i].kernel;
		}
}

/* Sends n raw bytes (and handles) on ch; the reply's status, or 1000 +
 * the kernel's status when no reply came. */
static int32_t raw(nb_handle ch, const void *m, uint32_t n, nb_handle *h,
		   uint32_t nh)
{
	static uint8_t rep[FIR_MAX_BYTES];
	uint32_t got, goth;
	int32_t st;
	nb_status s = nb_channel_write(ch, m, n, h, nh);

	if (s)
		return 1000 + s;
	if ((s = nb_object_wait_one(ch, NB_SIGNAL_READABLE, in(10), NULL)))
		return 1000 + s;
	s = nb_channel_read(ch, 0, rep, sizeof rep, NULL, 0, &got, &goth);
	if (s || got < 16)
		return 1000 + s;
	memcpy(&st, rep + 8, 4);
	return st;
}

/* A request header for ordinal followed by body bytes; its length. */
static uint32_t msg(uint8_t *m, uint32_t ordinal, const void *body, uint32_t n)
{
	uint32_t h[4] = {7, ordinal, 0, 0x4631u << 16};

	memcpy(m, h, 16);
	memcpy(m + 16, body, n);
	return 16 + n;
}

/* Malformed and misdirected requests to Net and to sockets of each
 * kind: each gets its error, and the stack goes on. */
static void hostile(void)
{
	static socket_sendto_req to;
	static struct netc_sock many[64];
	uint8_t m[64];
	uint32_t zero = 0, big = 9000;
	struct netc_sock l, l2, c, u;
	net_udp_req ureq = {0};
	net_udp_resp ur;
	socket_send_resp sr;
	socket_recv_req rq = {0};
	static socket_send_req sq;
	static socket_recv_resp rr;
	socket_accept_resp ar;
	socket_shutdown_req both = {true, true};
	nb_handle keep, give;
	nb_signals obs = 0;
	int opened = 0;
	nb_status last = NB_OK;

	EXPECT("hostile: Net: garbage", raw(net, "garbage", 7, NULL, 0),
	       FIR_ERR_MALFORMED);
	EXPECT("hostile: Net: unknown method",
	       raw(net, m, msg(m, 99, NULL, 0), NULL, 0),
	       FIR_ERR_UNKNOWN_METHOD);
	EXPECT("hostile: Net: listen, backlog 0",
	       raw(net, m, msg(m, 2, "\x88\x13\x00", 3), NULL, 0),
	       FIR_ERR_INVALID);
	EXPECT("hostile: Net: connect to 0.0.0.0",
	       raw(net, m, msg(m, 3, "\0\0\0\0\x07\0", 6), NULL, 0),
	       FIR_ERR_INVALID);
	EXPECT("hostile: listen 5000", netc_listen(net, 5000, 2, &l), NB_OK);
	EXPECT("hostile: listen 5000 again", netc_listen(net, 5000, 2, &l2),
	       FIR_ERR_EXISTS);
	EXPECT("hostile: socket: garbage",
	       raw(l.ch, "\7\0\0\0\1\2", 6, NULL, 0), FIR_ERR_MALFORMED);
	nb_channel_create(&keep, &give);
	EXPECT("hostile: socket: a handle where none belongs",
	       raw(l.ch, m, msg(m, 7, NULL, 0), &give, 1), FIR_ERR_MALFORMED);
	nb_object_wait_one(keep, NB_SIGNAL_PEER_CLOSED, in(5), &obs);
	EXPECT("hostile: socket: that handle closed",
	       !!(obs & NB_SIGNAL_PEER_CLOSED), 1);
	nb_handle_close(keep);
	EXPECT("hostile: listener: accept, none waiting",
	       socket_accept(l.ch, &ar), NB_ERR_SHOULD_WAIT);
	sq.data.len = 1;
	EXPECT("hostile: listener: send", socket_send(l.ch, &sq, &sr),
	       NB_ERR_BAD_STATE);
	rq.max = 10;
	EXPECT("hostile: listener: recv", socket_recv(l.ch, &rq, &rr),
	       NB_ERR_BAD_STATE);
	EXPECT("hostile: listener: shutdown", socket_shutdown(l.ch, &both),
	       NB_ERR_BAD_STATE);
	netc_close(&l);
	EXPECT("hostile: tcp: connect",
	       netc_connect(net, peer, NT_ECHO, &c, in(30)), NB_OK);
	EXPECT("hostile: tcp: accept", socket_accept(c.ch, &ar),
	       NB_ERR_BAD_STATE);
	EXPECT("hostile: tcp: recv of 0 bytes",
	       raw(c.ch, m, msg(m, 3, &zero, 4), NULL, 0), FIR_ERR_INVALID);
	EXPECT("hostile: tcp: recv of 9000 bytes",
	       raw(c.ch, m, msg(m, 3, &big, 4), NULL, 0), FIR_ERR_INVALID);
	to.addr = peer;
	to.port = 7;
	EXPECT("hostile: tcp: sendto", socket_sendto(c.ch, &to),
	       NB_ERR_BAD_STATE);
	EXPECT("hostile: tcp: shutdown both", socket_shutdown(c.ch, &both),
	       NB_OK);
	EXPECT("hostile: tcp: send after shutdown", socket_send(c.ch, &sq, &sr),
	       NB_ERR_BAD_STATE);
	netc_close(&c);
	EXPECT("hostile: udp: open", net_udp(net, &ureq, &ur), NB_OK);
	u = (struct netc_sock){ur.socket, ur.ready};
	EXPECT("hostile: udp: send", socket_send(u.ch, &sq, &sr),
	       NB_ERR_BAD_STATE);
	to.data.len = 1473;
	EXPECT("hostile: udp: 1473 bytes", socket_sendto(u.ch, &to),
	       FIR_ERR_INVALID);
	to.data.len = 1;
	to.port = 0;
	EXPECT("hostile: udp: to port 0", socket_sendto(u.ch, &to),
	       FIR_ERR_INVALID);
	EXPECT("hostile: udp: accept", socket_accept(u.ch, &ar),
	       NB_ERR_BAD_STATE);
	netc_close(&u);
	/* Sockets until the stack says no more. */
	while (opened < 64 && (last = net_udp(net, &ureq, &ur)) == NB_OK)
		many[opened++] = (struct netc_sock){ur.socket, ur.ready};
	EXPECT("hostile: too many sockets: NO_RESOURCES", last,
	       NB_ERR_NO_RESOURCES);
	EXPECT("hostile: too many sockets: after 40 at least", opened >= 40, 1);
	while (opened)
		netc_close(&many[--opened]);
}

/* Restarts of supervised service `name` (-1: not found). */
static int restarts(nb_handle launcher, const char *name)
{
	static launcher_list_resp list;

	if (launcher_list(launcher, &list))
		return -1;
	for (uint32_t i = 0; i < list.procs.len; i++)
		if (!strcmp(list.procs.items[i].name.s, name))
			return (int)list.procs.items[i].restarts;
	return -1;
}

/* The switch (the stacks' NIC) killed and restarted by init: the stacks
 * reconnect and go on, their sockets (srv's listeners) intact. */
static void nic_restart(void)
{
	launcher_kill_service_req k;
	nb_handle l;
	int i = 0;

	EXPECT("switch restart: the launcher", svc_connect("launcher", &l),
	       NB_OK);
	FIR_SET_STR(k.name, "switch");
	EXPECT("switch restart: killed", launcher_kill_service(l, &k), NB_OK);
	while (i++ < 600 && !sequential(1))
		svc_sleep(50000000);
	EXPECT("switch restart: 10 connections through the new switch",
	       sequential(10), 10);
	EXPECT("switch restart: restarted once", restarts(l, "switch"), 1);
	EXPECT("switch restart: net0 was not restarted", restarts(l, "net0"),
	       0);
	EXPECT("switch restart: net1 was not restarted", restarts(l, "net1"),
	       0);
	nb_handle_close(l);
}

int main(int argc, char **argv)
{
	const char *name = "net";
	uint32_t sock0, hand0, sock1, hand1;
	uint64_t kmem0, kmem1;
	struct netc_sock s;
	socket_status_resp st;
	nb_status r;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--net=", 6))
			name = argv[i] + 6;
		else if (!netc_parse_addr(argv[i], &peer))
			return printf("FAIL usage: bad address %s\n", argv[i]),
			       1;
	}
	EXPECT("open the stack", netc_open(name, &net, in(30)), NB_OK);
	/* The server starts beside this program: retry until it listens
	 * (refused until then; 30 s at most). Then the baseline. */
	for (int i = 0; i < 600 && !sequential(1); i++)
		svc_sleep(50000000);
	EXPECT("first connection", sequential(1), 1);
	usage(&sock0, &hand0, &kmem0);
	/* A first round, unchecked: what stays grown after it (the net
	 * service's handle table, which grows on demand and is charged to
	 * it) belongs to the baseline of kernel memory, taken once the
	 * sockets and handles are back (bounded). */
	tcp_up();
	tcp_down();
	sequential(100);
	udp();
	hostile();
	for (int i = 0; i < 200; i++) {
		usage(&sock1, &hand1, &kmem0);
		if (sock1 == sock0 && hand1 == hand0)
			break;
		svc_sleep(10000000);
	}
	EXPECT("tcp: 1 MiB up, checksum", tcp_up(), 1);
	EXPECT("tcp: 1 MiB down, checksum", tcp_down(), 1);
	EXPECT("tcp: 100 sequential connections", sequential(100), 100);
	EXPECT("udp: echo of 4 sizes", udp(), 4);
	r = netc_connect(net, peer, 23, &s, in(30));
	EXPECT("tcp: closed port refused", r, NB_ERR_PEER_CLOSED);
	EXPECT("tcp: refused: status", socket_status(s.ch, &st), NB_OK);
	EXPECT("tcp: refused: error", st.error, SOCKET_ERROR_REFUSED);
	netc_close(&s);
	hostile();
	/* The stack frees a socket when it sees its channel closed: give
	 * it until everything is back to the baseline (bounded). */
	for (int i = 0; i < 200; i++) {
		usage(&sock1, &hand1, &kmem1);
		if (sock1 == sock0 && hand1 == hand0 && kmem1 <= kmem0)
			break;
		svc_sleep(10000000);
	}
	EXPECT("no socket leaked", sock1, sock0);
	EXPECT("no handle leaked", hand1, hand0);
	/* (at most the baseline's: a message in flight then, e.g. net2's
	 * DHCP, may have inflated it) */
	EXPECT("no kernel memory leaked", kmem1 <= kmem0, 1);
	EXPECT("still serving", sequential(1), 1);
	nic_restart();
	puts("done");
	return kt_failed != 0;
}
