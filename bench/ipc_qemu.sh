#!/usr/bin/env bash
# bench/ipc_qemu.sh: the kernel benchmarks of bench/kernel/ipc.c on the
# bare-metal kernel in QEMU on one CPU (`nebulet boot --smp=1 --kernel`),
# printed as rows "NAME VALUE UNIT" for bench/run.sh:
#   ipc.roundtrip_ns.qemu.ACCEL  two wasm processes ping-pong 16 bytes over
#                                a channel pair (baseline: Linux's pipe
#                                round trip, bench/kernel/linux.c)
#   syscall.null_ns.qemu.ACCEL   the cheapest kernel call (baseline: a
#                                Linux null system call)
# ACCEL is kvm when /dev/kvm is usable, else tcg (an emulator: expect tens
# of times slower than native).
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$B/nebulet
W=$B/bench
WASM_CC="clang --target=wasm32-wasi --sysroot=/usr -O2 -Iuser/include"
make -s "$B/nebulet.elf" "$NEBULET" >/dev/null || exit 1
mkdir -p "$W"
$WASM_CC -o "$W/qipc.wasm" bench/kernel/ipc.c &&
	$WASM_CC -o "$W/qchild.wasm" tests/kernel/child.c || exit 1

# shellcheck source=tools/qemu.sh
. tools/qemu.sh
out=$("$NEBULET" boot --smp=1 --timeout=300 --kernel "$W/qipc.wasm" "$W/qchild.wasm" \
	</dev/null) || exit 1
echo "$out" | awk -v acc="$ACCEL" '/^(ipc\.roundtrip_ns|syscall\.null_ns) / {
	print $1 ".qemu." acc, $2, $3 }'
