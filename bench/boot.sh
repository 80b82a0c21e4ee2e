#!/usr/bin/env bash
# bench/boot.sh: boot time of the bare-metal kernel, printed as rows
# "NAME VALUE UNIT" for bench/run.sh (median of 5 runs each):
#   boot.first_output_ms.ACCEL  `nebulet boot --smp=1 hello.wasm`: QEMU's start to
#                               the program's first byte of output
#   boot.empty_kernel_ms.ACCEL  the floor: a PVH kernel that exits at once,
#                               the same QEMU and firmware (baseline)
# ACCEL is kvm when /dev/kvm is usable, else tcg.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$B/nebulet
HELLO=$B/tests/wasi/hello.wasm
make -s "$B/nebulet.elf" "$NEBULET" "$HELLO" >/dev/null || exit 1

# shellcheck source=tools/qemu.sh
. tools/qemu.sh
QEMU+=(-m 128M)

ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }

# The empty kernel: a PVH note whose entry writes 0 to isa-debug-exit.
EMPTY=$B/bench/empty.elf
mkdir -p "$B/bench"
cat >"$B/bench/empty.S" <<'X'
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, 18
	.asciz "Xen"
	.balign 4
	.quad entry
	.text
	.code32
	.globl entry
entry:	xorl %eax, %eax
	outl %eax, $0xf4
	hlt
X
gcc -nostdlib -static -no-pie -Wl,-Ttext=0x100000 -Wl,--build-id=none -Wl,--entry=entry \
	-o "$EMPTY" "$B/bench/empty.S" || exit 1

first=() floor=()
for _ in 1 2 3 4 5; do
	t0=$(date +%s%N)
	"${QEMU[@]}" -kernel "$EMPTY" </dev/null >/dev/null 2>&1
	floor+=("$(ms "$t0")")
	first+=("$("$NEBULET" boot --smp=1 --timing "$HELLO" </dev/null 2>&1 \
		>/dev/null | sed -n 's/^boot: first_output_ms //p')")
done
echo "boot.first_output_ms.$ACCEL $(median "${first[@]}") ms"
echo "boot.empty_kernel_ms.$ACCEL $(median "${floor[@]}") ms"
