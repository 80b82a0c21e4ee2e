#!/usr/bin/env bash
# tests/net.sh NEBULET: the network service (user/net/, built by `make
# net`): init runs tests/net/net.manifest: a frame switch, two lwIP
# stacks (net0 10.0.0.1, net1 10.0.0.2), the test server srv.c on net0;
# then cli.c through net1 (its PASS/FAIL lines count; a missing "done"
# is a failure), ping both ways (3 of 3 replies each), and ping from
# net2, whose address 10.0.0.15 comes from tests/net/dhcpd.c by DHCP. On the JIT,
# on the interpreter, and on bare metal in QEMU (`nebulet boot`, JIT).
# (Garbage frames: tests/fuzz/fuzz_net.c, its corpus replayed by
# tests/fuzz.sh.) Then, in QEMU, twice (seed 7: 5 kills; seed 11: 20),
# the wasm virtio-net driver killed at seeded points while the host
# streams 16 MiB to user/net/tcpd.c
# through QEMU's port forwarding (tools/tcp_client.py; tests/net/
# nickill.c kills and counts): init restarts it, the stack survives, the
# transfer completes intact or fails cleanly, a new connection works, no
# handle or kernel memory is left over. Last, a hostile client writes
# garbage descriptors to the device (tests/boot/vnetevil.c). Ends with
# "N passed, N failed".
set -u
nebulet=${1:?usage: tests/net.sh NEBULET}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. tests/lib.sh # ok, bad, count_checks, boot_forwarded

# stacks LABEL COMMAND...: COMMAND (a kernel, init and its options) runs
# the manifest; its lines are counted.
stacks() {
	local label=$1 st
	shift
	timeout 300 "$@" $B/user/firmament/init.wasm tests/net/net.manifest \
		$B/user/firmament/console.wasm $B/user/net/switch.wasm \
		$B/user/net/net.wasm $B/tests/net/srv.wasm \
		$B/tests/net/cli.wasm $B/tests/net/dhcpd.wasm $B/user/net/ping.wasm \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	st=$?
	grep -E '^(PASS|FAIL) ' "$tmp/out" | sed "s/^\(PASS\|FAIL\) /\1 $label: /"
	grep '^MEASURE ' "$tmp/out" | sed "s/^MEASURE /  $label: /"
	pass=$((pass + $(grep -c '^PASS ' "$tmp/out")))
	fail=$((fail + $(grep -c '^FAIL ' "$tmp/out")))
	if [ $st -ne 0 ] || ! grep -qx done "$tmp/out"; then
		bad "$label: exit status $st or no 'done'"
		tail -n 20 "$tmp/err" | sed 's/^/  /'
	fi
	if [ "$(grep -c '^3 sent, 3 received$' "$tmp/out")" = 3 ]; then
		ok "$label: ping net0, net1, net2, 3 of 3 each"
	else
		bad "$label: ping: $(grep -E 'sent|reply' "$tmp/out" | head -n 8)"
	fi
	if grep -qx 'net2: 10.0.0.15 (DHCP)' "$tmp/out"; then
		ok "$label: net2's address from DHCP (dhcpd.c)"
	else
		bad "$label: net2 by DHCP: $(grep '^net2' "$tmp/out")"
	fi
}
stacks net "$nebulet" kernel
stacks net-interp "$nebulet" kernel --engine=interp
# The same on the bare-metal kernel in QEMU (JIT).
stacks net-qemu $B/nebulet boot --timeout=200 --engine=jit --kernel

# driver_killed SEED KILLS: the driver killed under a transfer (above).
driver_killed() {
	local seed=$1 kills=$2 port pid= big up up_st new st label
	label="driver-killed seed $seed"
	cp $B/user/firmament/init.wasm $B/user/net/net.wasm \
		$B/user/net/tcpd.wasm $B/drivers/virtio_net.wasm \
		$B/tests/net/nickill.wasm "$tmp/"
	printf '%s\n' 'driver ethernet virtio_net.wasm --handle=1' \
		'service net net.wasm' 'grant launcher nickill.wasm' \
		"run nickill.wasm $seed $kills" >"$tmp/k.manifest"
	printf '%s\n' '--pci=0x1af4:0x1041 --kernel init.wasm k.manifest virtio_net.wasm net.wasm tcpd.wasm nickill.wasm' \
		>"$tmp/k.man"
	(cd "$tmp" && "$OLDPWD/$B/nebulet" pack -o k.ar --manifest=k.man \
		init.wasm k.manifest virtio_net.wasm net.wasm tcpd.wasm \
		nickill.wasm) || { bad "$label: pack"; return; }
	if ! boot_forwarded "$tmp/k.out" 'nickill: ready' --timeout=500 \
		--initrd="$tmp/k.ar"; then
		bad "$label: the guest never got ready"
		tail -n 20 "$tmp/k.out" | sed 's/^/  /'
		return
	fi
	big=$((16 << 20))
	up=$(timeout 400 python3 tools/tcp_client.py "$port" r $big 2>&1)
	up_st=$?
	for _ in $(seq 120); do
		grep -q '^nickill: kills done' "$tmp/k.out" && break
		sleep 1
	done
	new=$(timeout 200 python3 tools/tcp_client.py "$port" r 65536 2>&1)
	wait "$pid"
	st=$?
	count_checks "$label" "$tmp/k.out"
	grep '^nickill: handles' "$tmp/k.out" | sed 's/^/  /'
	[ $st = 0 ] && grep -qx done "$tmp/k.out" ||
		bad "$label: exit status $st or no 'done'"
	[ "$(grep -c 'service ethernet ended (137)' "$tmp/k.out")" = "$kills" ] ||
		bad "$label: init did not see $kills kills"
	# The interrupted transfer: all of it arrived, or it failed cleanly.
	if [[ $up =~ ^[0-9.]+$ ]]; then
		grep -qx "tcpd: received $big bytes" "$tmp/k.out" &&
			ok "$label: 16 MiB arrived whole through the kills" ||
			bad "$label: the client saw success, tcpd another count"
	elif [ $up_st = 124 ]; then
		bad "$label: the transfer hung"
	else
		ok "$label: the interrupted transfer failed cleanly"
	fi
	[[ $new =~ ^[0-9.]+$ ]] && ok "$label: a new connection works" ||
		bad "$label: new connection: $new"
	grep -q 'panic\|PANIC' "$tmp/k.out" && bad "$label: kernel panic"
}
driver_killed 7 5
driver_killed 11 20

# A hostile client of the virtio-net device (tests/boot/vnetevil.c):
# garbage descriptors make the device give up (needs reset), never the
# kernel; after a reset the device works again.
cp "$B/tests/boot/vnetevil.wasm" "$tmp/"
echo '--pci=0x1af4:0x1041 vnetevil.wasm' >"$tmp/e.man"
(cd "$tmp" && "$OLDPWD/$B/nebulet" pack -o e.ar --manifest=e.man \
	vnetevil.wasm) || bad "garbage descriptors: pack"
timeout 150 $B/nebulet boot --timeout=120 --initrd="$tmp/e.ar" --nic \
	</dev/null >"$tmp/e.out" 2>&1
st=$?
count_checks "garbage descriptors" "$tmp/e.out"
[ $st = 0 ] && grep -qx done "$tmp/e.out" ||
	bad "garbage descriptors: exit status $st or no 'done'"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
