#!/usr/bin/env bash
# tests/iso.sh: the bootable ISO (tools/mkiso.sh, `make iso`): GRUB
# loading the kernel through multiboot2 with a boot archive as its module,
# booted from QEMU's CD-ROM under both firmwares, SeaBIOS (QEMU's default
# BIOS) and OVMF (UEFI, its code and a copy of its variable store as
# pflash). One boot each (TCG is slow): tests/wasi/exit prints "before
# exit" and exits 42. There is no isa-debug-exit device, so the kernel
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
	>/dev/null; then
	echo "FAIL build"
	fail=1
	summary
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$B/tests/wasi/exit.wasm" "$T/"
(cd "$T" && "$OLDPWD/$B/nebulet" pack -o exit.ar exit.wasm) || exit 1
if ! tools/mkiso.sh "$T/t.iso" "$B/nebulet.elf" "$T/exit.ar" \
	"console=mux"; then
	echo "FAIL mkiso"
	fail=1
	summary
fi

# iso NAME QEMU-ARGS...: boots the ISO and checks the log.
iso() {
	local name=$1 status why="" pat
	shift
	timeout 120 qemu-system-x86_64 -accel tcg -m 256M -display none \
		-no-reboot -serial stdio "$@" -cdrom "$T/t.iso" </dev/null \
		2>&1 | tr -d '\r' >"$T/log"
	status=${PIPESTATUS[0]}
	[ "$status" = 0 ] || why="QEMU status $status, expected 0 (power-off)"
	for pat in $'\x101before exit\x10x42' '^boot: multiboot2' \
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
