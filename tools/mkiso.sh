#!/bin/sh
# tools/mkiso.sh: makes a bootable ISO image of the kernel and a boot
# archive with grub-mkrescue (GRUB for BIOS and for UEFI, on one image):
# GRUB, on the serial console (COM1, 115200 baud) and the screen, boots at
# once through multiboot2 with the archive as the first module.
# Usage: tools/mkiso.sh OUT.iso KERNEL.elf ARCHIVE [COMMAND LINE]
set -eu
if [ $# -lt 3 ]; then
	echo "usage: tools/mkiso.sh OUT.iso KERNEL ARCHIVE [COMMAND LINE]" >&2
	exit 2
fi
out=$1 kernel=$2 archive=$3 cmdline=${4:-}
for f in "$kernel" "$archive"; do
	[ -r "$f" ] || { echo "mkiso: cannot read $f" >&2; exit 1; }
done
command -v grub-mkrescue >/dev/null || {
	echo "mkiso: grub-mkrescue is missing (tools/deps.sh installs it)" >&2
	exit 1
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/nebulet.elf"
cp "$archive" "$dir/boot/nebulet.archive"
cat >"$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "Nebulet" {
	multiboot2 /boot/nebulet.elf $cmdline
	module2 /boot/nebulet.archive
	boot
}
CFG
if ! grub-mkrescue -o "$out" "$dir" >"$dir.log" 2>&1; then
	cat "$dir.log" >&2
	rm -f "$dir.log"
	exit 1
fi
rm -f "$dir.log"
