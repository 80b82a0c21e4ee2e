#!/usr/bin/env bash
# bench/smp.sh: the bare-metal kernel on several CPUs (`nebulet boot
# --smp=N`, multi-threaded TCG or KVM), printed as rows "NAME VALUE UNIT"
# for bench/run.sh:
#   smp.two_crunch_ms.1cpu, .2cpu   two CPU-bound programs at once
#                            (tests/boot/crunch.c, 100 million rounds
#                            each): from the first one's
#                            start to the last one's end, on the
#                            machine's monotonic clock, on 1 CPU and
#                            on 2 (run back to back): the pair of median
#                            ratio among 5
#   smp.scaling_2cpu         1cpu / 2cpu: their throughput on two CPUs
#                            against one (2 = perfect; needs two host
#                            cores free)
#   ipc.roundtrip_ns.cross_cpu.qemu.ACCEL  bench/kernel/ipc.c's round
#                            trip with 2 CPUs (the two processes on
#                            either), beside ipc.roundtrip_ns.qemu.ACCEL
#   boot.first_output_ms_smp4.ACCEL  bench/boot.sh's first output with
#                            --smp=4 (all four scheduling; median of 5),
#                            beside boot.first_output_ms.ACCEL
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$B/nebulet
W=$B/bench
HELLO=$B/tests/wasi/hello.wasm
WASM_CC="clang --target=wasm32-wasi --sysroot=/usr -O2 -Iuser/include"
make -s "$B/nebulet.elf" "$NEBULET" "$HELLO" "$B/tests/boot/crunch.wasm" \
	>/dev/null || exit 1
mkdir -p "$W"
$WASM_CC -o "$W/qipc.wasm" bench/kernel/ipc.c &&
	$WASM_CC -o "$W/qchild.wasm" tests/kernel/child.c || exit 1

# shellcheck source=tools/qemu.sh
. tools/qemu.sh

cp "$B/tests/boot/crunch.wasm" "$W/"
printf '%s\n' 'crunch.wasm 100' 'crunch.wasm 100' >"$W/crunch.man"
(cd "$W" && "$(realpath "$OLDPWD/$NEBULET")" pack -o crunch.ar \
	--manifest=crunch.man crunch.wasm) || exit 1

# crunch_ms N: the two programs' span on N CPUs.
crunch_ms() {
	"$NEBULET" boot --timeout=200 --smp="$1" --initrd="$W/crunch.ar" \
		</dev/null 2>/dev/null | awk '/^crunch: / {
		if (!n++ || $7 < s) s = $7; if ($9 > e) e = $9 }
		END { print n == 2 ? e - s : 0 }'
}
# Pairs of runs, 1 CPU then 2 back to back (the host's load swings
# between pairs more than within one): the median pair.
pairs=()
for _ in 1 2 3 4 5; do
	a=$(crunch_ms 1) b=$(crunch_ms 2)
	[ "$a" -gt 0 ] && [ "$b" -gt 0 ] || exit 1
	pairs+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f %d %d", a / b, a, b }')")
done
mid=$(printf '%s\n' "${pairs[@]}" | sort -n | sed -n 3p)
# shellcheck disable=SC2086 # three words
set -- $mid
echo "smp.two_crunch_ms.1cpu $2 ms"
echo "smp.two_crunch_ms.2cpu $3 ms"
echo "smp.scaling_2cpu $1 x"

"$NEBULET" boot --timeout=300 --smp=2 --kernel "$W/qipc.wasm" \
	"$W/qchild.wasm" </dev/null |
	awk -v acc="$ACCEL" '/^ipc\.roundtrip_ns / {
		print "ipc.roundtrip_ns.cross_cpu.qemu." acc, $2, $3 }'

median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
first=()
for _ in 1 2 3 4 5; do
	first+=("$("$NEBULET" boot --smp=4 --timing "$HELLO" </dev/null 2>&1 \
		>/dev/null | sed -n 's/^boot: first_output_ms //p')")
done
echo "boot.first_output_ms_smp4.$ACCEL $(median "${first[@]}") ms"
