#!/usr/bin/env bash
# tests/iso.sh: the bootable ISO (tools/mkiso.sh, `make iso`): GRUB
# loading the kernel through multiboot2 with a boot archive as its module,
# booted from QEMU's CD-ROM under both firmwares, SeaBIOS (QEMU's default
# BIOS) and OVMF (UEFI, its code and a copy of its variable store as
# pflash). One boot each (TCG is slow), running two programs:
# tests/boot/reader waits for a line from the serial console (by the
# UART's interrupt, through the I/O APIC), typed once the kernel is up,
# and prints it; tests/wasi/exit prints "before exit" and exits 42, the
# boot's status (the last manifest line's). There is no isa-debug-exit
# device, so the kernel
# ends by ACPI power-off (QEMU's status 0; a kernel that cannot power off
# halts and times out), and the status comes through the multiplexed
# console's exit record (DLE 'x' "42"); the log must also show the
# multiboot2 entry, the RSDP from GRUB's tag and the MADT's overrides.
# Prints PASS/FAIL/SKIP per boot and ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
pass=0 fail=0 skip=0
OVMF_DIR=/usr/share/OVMF

summary() {
	echo "$pass passed, $fail failed${skip:+, $skip skipped}" |
		sed 's/, 0 skipped$//'
	[ "$fail" = 0 ]
	exit
}
if ! command -v qemu-system-x86_64 >/dev/null ||
	! command -v grub-mkrescue >/dev/null; then
	echo "SKIP iso (qemu-system-x86_64 or grub-mkrescue is not installed)"
	skip=2
	summary
fi
if ! make -s B="$B" "$B/nebulet.elf" "$B/nebulet" "$B/tests/wasi/exit.wasm" \
	"$B/tests/boot/reader.wasm" >/dev/null; then
	echo "FAIL build"
	fail=1
	summary
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$B/tests/wasi/exit.wasm" "$B/tests/boot/reader.wasm" "$T/"
printf '%s\n' reader.wasm exit.wasm >"$T/man"
(cd "$T" && "$OLDPWD/$B/nebulet" pack -o t.ar --manifest=man reader.wasm \
	exit.wasm) || exit 1
if ! tools/mkiso.sh "$T/t.iso" "$B/nebulet.elf" "$T/t.ar" \
	"console=mux"; then
	echo "FAIL mkiso"
	fail=1
	summary
fi

# iso NAME QEMU-ARGS...: boots the ISO, types the reader's line once the
# kernel has started (GRUB, which reads the serial line too, is gone
# then), and checks the log.
iso() {
	local name=$1 status why="" pat pid i
	shift
	rm -f "$T/in"
	mkfifo "$T/in"
	exec 3<>"$T/in"
	timeout 120 qemu-system-x86_64 -accel tcg -m 256M -display none \
		-no-reboot -serial stdio "$@" -cdrom "$T/t.iso" <&3 \
		>"$T/raw" 2>&1 &
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		grep -aq '^boot: multiboot2' "$T/raw" && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	printf 'typed line\r' >&3
	wait $pid
	status=$?
	exec 3>&-
	tr -d '\r' <"$T/raw" >"$T/log"
	[ "$status" = 0 ] || why="QEMU status $status, expected 0 (power-off)"
	# The two programs run at once: their lines come in either order,
	# so a stream's mark (\x10 1) precedes whichever is first.
	for pat in 'before exit' $'\x10x42' "reader: got 'typed line'" \
		'^boot: multiboot2' \
		'^acpi: RSDP from multiboot2' '^acpi: ISA overrides: 0->2 ' \
		'^acpi: power-off: PM1a control'; do
		grep -aq -- "$pat" "$T/log" || why="${why:+$why; }no \"$pat\""
	done
	if [ -z "$why" ]; then
		echo "PASS iso:$name"
		pass=$((pass + 1))
	else
		echo "FAIL iso:$name: $why"
		tail -n 40 "$T/log" | cat -v | sed 's/^/    | /'
		fail=$((fail + 1))
	fi
}

iso seabios
if [ -f "$OVMF_DIR/OVMF_CODE_4M.fd" ] && [ -f "$OVMF_DIR/OVMF_VARS_4M.fd" ]; then
	cp "$OVMF_DIR/OVMF_VARS_4M.fd" "$T/vars.fd"
	iso ovmf -drive "if=pflash,format=raw,readonly=on,file=$OVMF_DIR/OVMF_CODE_4M.fd" \
		-drive "if=pflash,format=raw,file=$T/vars.fd"
else
	echo "SKIP iso:ovmf (package ovmf is not installed)"
	skip=1
fi
summary
