#!/usr/bin/env bash
# bench/net.sh: the network path, printed as rows "NAME VALUE UNIT" for
# bench/run.sh:
#   net.http_requests_per_s.hosted   user/httpd.c under `nebulet run
#       --listen` (JIT, hosted WASI sockets): curl fetches a 40-byte page
#       N times over one kept connection; best of 3
#   net.http_requests_per_s.native_httpd   the same source built natively
#       (clang -O2), the same curl: the baseline
#   net.send_inplace_copied_bytes.wasm_driver / .native_driver   bytes of
#       sent frames copied on their way to the device (Net.info's count,
#       printed by ping) when lwIP runs over the virtio-net driver as a
#       wasm program / compiled into the kernel, in QEMU: 0 (every frame
#       goes in place)
#   net.icmp_rtt_us.wasm_driver / .native_driver   ping's median round
#       trip to QEMU's gateway through each driver (10 echoes)
#   net.tcp_host_to_guest_mb_per_s.DRV / net.tcp_guest_to_host_mb_per_s.DRV
#       (DRV wasm_driver, native_driver)   NET_TCP_MIB MiB (default 64)
#       over one TCP connection between the host (tools/tcp_client.py)
#       and user/net/tcpd.c in the guest, through QEMU's port forwarding
#       (user network, TCG or KVM)
#   net.udp_rtt_us.DRV   the median round trip of UDP_ECHOES (200)
#       32-byte datagrams from the host, one at a time, to `tcpd --udp`
#       in the guest, which sends each back (QEMU's UDP forwarding)
# bench/run.sh's table gives each wasm_driver figure's ratio to the
# native_driver one.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
. tests/lib.sh # on_free_port, boot_forwarded
NEBULET=$(realpath "$B/nebulet")
N=${HTTP_REQUESTS:-2000}
make -s "$B/nebulet" "$B/nebulet.elf" "$B/user/httpd.wasm" \
	"$B/user/firmament/init.wasm" "$B/drivers/virtio_net.wasm" \
	"$B/user/net/net.wasm" "$B/user/net/ping.wasm" \
	"$B/user/net/tcpd.wasm" >/dev/null || exit 1
MIB=${NET_TCP_MIB:-64}
W=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$W"' EXIT
mkdir -p "$W/www"
printf '<html><body>Nebulet httpd</body></html>\n' >"$W/www/index.html"
clang -std=c11 -D_GNU_SOURCE -O2 -o "$W/httpd" user/httpd.c || exit 1
for _ in $(seq "$N"); do
	printf 'url = "http://127.0.0.1:PORT/index.html"\noutput = /dev/null\n'
done >"$W/curl.conf"

# rate PORT: requests per second of the best of 3 runs of N requests.
rate() {
	local best=0 t0 t1 r
	sed "s/PORT/$1/" "$W/curl.conf" >"$W/c.conf"
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		curl -s --max-time 300 -K "$W/c.conf" || return 1
		t1=$(date +%s%N)
		r=$((N * 1000000000 / (t1 - t0)))
		[ "$r" -gt "$best" ] && best=$r
	done
	echo "$best"
}

# up PORT: waits until a server answers on PORT (10 s at most).
up() {
	for _ in $(seq 100); do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" && return 0
		sleep 0.1
	done
	return 1
}

on_free_port "$W/hosted.log" 'httpd: serving' "$NEBULET" run \
	--listen=tcp:127.0.0.1:PORT --env=HTTPD_QUIET=1 --dir="$W/www::/www" \
	"$B/user/httpd.wasm" || exit 1
echo "net.http_requests_per_s.hosted $(rate "$port") req/s"
kill "$pid"
wait "$pid" 2>/dev/null
# The native baseline: a listener made here, at the server's descriptor 3.
python3 -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ["HTTPD_QUIET"] = "1"
os.execv(sys.argv[1], [sys.argv[1], sys.argv[2]])' "$W/httpd" "$W/www" \
	>"$W/port" 2>"$W/native.log" &
pid=$!
for _ in $(seq 50); do
	[ -s "$W/port" ] && break
	sleep 0.1
done
port=$(cat "$W/port")
up "$port" || exit 1
echo "net.http_requests_per_s.native_httpd $(rate "$port") req/s"
kill "$pid"
wait "$pid" 2>/dev/null
pid=

# pack DRV PROGRAM ARGS...: $W/lwip.ar, lwIP over the virtio-net driver
# DRV (wasm or native) and `run PROGRAM ARGS...`.
pack() {
	local drv=$1 prog=$2 line boot
	shift 2
	line='driver ethernet virtio_net.wasm --handle=1'
	boot="--pci=0x1af4:0x1041 --kernel init.wasm lwip.manifest virtio_net.wasm net.wasm $prog"
	if [ "$drv" = native ]; then
		line='publish ethernet --handle=1'
		boot="--native=virtio-net --pci=0x1af4:0x1041 --serve=ethernet
--listener=ethernet --kernel init.wasm lwip.manifest net.wasm $prog"
	fi
	printf '%s\n' "$line" 'service net net.wasm' "run $prog $*" \
		>"$W/lwip.manifest"
	printf '%s\n' "$boot" >"$W/lwip.man"
	(cd "$W" && "$NEBULET" pack -o lwip.ar --manifest=lwip.man init.wasm \
		lwip.manifest virtio_net.wasm net.wasm "$prog")
}

# udp_rtt PORT: the median round trip in us of UDP_ECHOES datagrams sent
# one at a time to 127.0.0.1:PORT (each waited for 2 s at most; a lost
# one is not counted), or "null".
udp_rtt() {
	python3 -c '
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
rtt = []
for i in range(n):
    msg = b"%032d" % i
    t0 = time.perf_counter_ns()
    s.sendto(msg, ("127.0.0.1", port))
    try:
        while s.recv(2048) != msg:
            pass
    except socket.timeout:
        continue
    rtt.append((time.perf_counter_ns() - t0) // 1000)
rtt.sort()
print(rtt[len(rtt) // 2] if len(rtt) > n // 2 else "null")' "$1" "${UDP_ECHOES:-200}"
}

# lwIP over each virtio-net driver in QEMU: ping's figures, then TCP
# both ways with tcpd (and a third, empty connection, so that tcpd, and
# the boot, end only after the second one's bytes all left).
cp "$B/user/firmament/init.wasm" "$B/user/net/net.wasm" \
	"$B/user/net/ping.wasm" "$B/user/net/tcpd.wasm" \
	"$B/drivers/virtio_net.wasm" "$W/"
for drv in wasm native; do
	pack $drv ping.wasm -c 10 10.0.2.2 || exit 1
	"$NEBULET" boot --timeout=200 --initrd="$W/lwip.ar" --nic </dev/null \
		>"$W/ping.out" 2>&1
	copied=$(sed -n 's/^net: frames sent: .* (\([0-9]*\) bytes)$/\1/p' \
		"$W/ping.out")
	rtt=$(sed -n 's/^reply from .* time=\([0-9]*\) us$/\1/p' "$W/ping.out" |
		sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
	echo "net.send_inplace_copied_bytes.${drv}_driver ${copied:-null} bytes"
	echo "net.icmp_rtt_us.${drv}_driver ${rtt:-null} us"
	pack $drv tcpd.wasm --port=80 --count=3 || exit 1
	boot_forwarded "$W/tcpd.out" 'tcpd: listening' --timeout=900 \
		--initrd="$W/lwip.ar"
	up=null down=null
	if [ -n "$pid" ]; then
		up=$(python3 tools/tcp_client.py "$port" r $((MIB << 20)))
		down=$(python3 tools/tcp_client.py "$port" s $((MIB << 20)))
		python3 tools/tcp_client.py "$port" r 0 >/dev/null
		wait "$pid"
		pid=
	fi
	[[ $up =~ ^[0-9.]+$ ]] || up=null
	[[ $down =~ ^[0-9.]+$ ]] || down=null
	echo "net.tcp_host_to_guest_mb_per_s.${drv}_driver $up MB/s"
	echo "net.tcp_guest_to_host_mb_per_s.${drv}_driver $down MB/s"
	pack $drv tcpd.wasm --port=7 --udp || exit 1
	rtt=null
	if BOOT_DIR=$W on_free_port "$W/udp.out" 'tcpd: udp echo' "$NEBULET" \
		boot --timeout=900 --hostfwd=udp:127.0.0.1:PORT-:7 \
		--initrd="$W/lwip.ar"; then
		rtt=$(udp_rtt "$port")
		kill "$pid"
		wait "$pid" 2>/dev/null
		pid=
	fi
	[[ $rtt =~ ^[0-9]+$ ]] || rtt=null
	echo "net.udp_rtt_us.${drv}_driver $rtt us"
done
