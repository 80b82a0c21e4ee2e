#!/usr/bin/env bash
# tests/net.sh NEBULET: the network service (user/net/, built by `make
# net`): init runs tests/net/net.manifest: a frame switch, two lwIP
# stacks (net0 10.0.0.1, net1 10.0.0.2), the test server srv.c on net0;
# then cli.c through net1 (its PASS/FAIL lines count; a missing "done"
# is a failure), ping both ways (3 of 3 replies each), and ping from
# net2, whose address 10.0.0.15 comes from tests/net/dhcpd.c by DHCP. On the JIT,
# on the interpreter, and on bare metal in QEMU (`nebulet boot`, JIT).
# (Garbage frames: tests/fuzz/fuzz_net.c, its corpus replayed by
# tests/fuzz.sh.) Ends with "N passed, N failed".
set -u
nebulet=${1:?usage: tests/net.sh NEBULET}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. tests/lib.sh # ok, bad

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
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
