#!/usr/bin/env bash
# bench/drivers.sh: the cost of the sandbox for a driver, printed as rows
# "NAME VALUE UNIT" for bench/run.sh: a client (tests/boot/conclient.c)
# writes 512 KiB through the Console of the 16550 driver on COM2, in
# 4 KiB messages, on the bare-metal kernel in QEMU (median of 3 boots):
#   console.write_mb_per_s.wasm_driver.ACCEL    the wasm driver
#                                               (drivers/uart16550)
#   console.write_mb_per_s.native_driver.ACCEL  the same driver compiled
#                                               into the kernel (baseline)
# ACCEL is kvm when /dev/kvm is usable, else tcg (port accesses are
# emulated: both figures are far below a real UART's speed).
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$(realpath "$B/nebulet")
make -s "$B/nebulet.elf" "$B/nebulet" "$B/drivers/uart16550.wasm" \
	"$B/tests/boot/conclient.wasm" >/dev/null || exit 1
# shellcheck source=tools/qemu.sh
. tools/qemu.sh
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cp "$B/drivers/uart16550.wasm" "$B/tests/boot/conclient.wasm" "$W/"
printf '%s\n' '--ioport=0x2f8:8 --irq=3 --serve=console uart16550.wasm' \
	'--connect=console conclient.wasm bench 512' >"$W/wasm.man"
printf '%s\n' '--native=uart16550 --ioport=0x2f8:8 --irq=3 --serve=console' \
	'--connect=console conclient.wasm bench 512' >"$W/native.man"
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
for kind in wasm native; do
	(cd "$W" && "$NEBULET" pack -o "$kind.ar" --manifest="$kind.man" \
		uart16550.wasm conclient.wasm) || exit 1
	v=()
	for _ in 1 2 3; do
		v+=("$("$NEBULET" boot --timeout=300 --initrd="$W/$kind.ar" \
			--serial2=/dev/null </dev/null |
			awk '/^console.write_mb_per_s / { print $2 }')")
	done
	[ -n "${v[0]}" ] || exit 1
	echo "console.write_mb_per_s.${kind}_driver.$ACCEL $(median "${v[@]}") MB/s"
done
