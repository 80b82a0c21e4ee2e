# tools/qemu.sh: sourced by the scripts that boot build/nebulet.elf
# (tests/boot.sh, bench/boot.sh). Sets QEMU, the headless command line
# (serial on stdio, isa-debug-exit at port 0xf4, qboot firmware when
# installed), and ACCEL: kvm when /dev/kvm is usable, else tcg.
# shellcheck shell=bash disable=SC2034,SC2054 # used by the sourcing script; -device commas
QEMU=(qemu-system-x86_64 -display none -no-reboot -serial stdio
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	QEMU+=(-accel kvm) ACCEL=kvm
else
	QEMU+=(-accel tcg) ACCEL=tcg
fi
[ -f /usr/share/qemu/qboot.rom ] && QEMU+=(-bios /usr/share/qemu/qboot.rom)
