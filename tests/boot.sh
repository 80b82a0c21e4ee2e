#!/usr/bin/env bash
# tests/boot.sh: boots build/nebulet.elf in QEMU (headless; KVM when
# /dev/kvm is usable, else TCG; qboot firmware when installed) and checks
# the serial log and the exit status of each boot. The kernel's self-tests
# are picked with the command line (`-append test=NAME`, see
# hal/x86_64/kmain.c). The kernel ends QEMU through isa-debug-exit, so
# QEMU's status is (code << 1) | 1: 1 for a clean exit, 7 for a reported
# exception or panic (EXIT_PANIC = 3). Prints PASS/FAIL per test (the
# serial log on failure), the measured boot time (never a failure), and
# ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
ELF=$B/nebulet.elf
pass=0 fail=0 skip=0

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "SKIP boot (qemu-system-x86_64 is not installed)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
if ! make -s B="$B" "$ELF" >/dev/null; then
	echo "FAIL build $ELF"
	echo "0 passed, 1 failed"
	exit 1
fi

# shellcheck disable=SC2054 # the commas belong to -device's argument
QEMU=(qemu-system-x86_64 -display none -no-reboot -serial stdio
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	QEMU+=(-accel kvm) ACCEL=kvm
else
	QEMU+=(-accel tcg) ACCEL=tcg
fi
[ -f /usr/share/qemu/qboot.rom ] && QEMU+=(-bios /usr/share/qemu/qboot.rom)

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# boot NAME STATUS "QEMU ARGS" APPEND PATTERN...: boots with -m 128M
# unless the args say otherwise, and the line "hello, nebulet" waiting on
# the serial input, and passes if QEMU exits with STATUS and
# the log matches every extended regular expression PATTERN. A pattern
# "CR2" means: the exception's cr2 equals the address the test printed.
boot() {
	local name=$1 want=$2 args=$3 append=$4 status why=""
	shift 4
	# shellcheck disable=SC2086 # args is a word list
	echo "hello, nebulet" | timeout 30 "${QEMU[@]}" -m 128M $args \
		-kernel "$ELF" -append "$append" 2>&1 | tr -d '\r' >"$LOG"
	status=${PIPESTATUS[1]}
	[ "$status" = "$want" ] || why="exit status $status, expected $want"
	for pat in "$@"; do
		if [ "$pat" = CR2 ]; then
			local addr
			addr=$(sed -nE 's/^test [a-z]+: [a-z]+ 0x([0-9a-f]+)$/\1/p' "$LOG")
			pat="cr2 0x0*$addr "
			[ -n "$addr" ] || why="${why:+$why; }no address printed"
		fi
		grep -qE -- "$pat" "$LOG" || why="${why:+$why; }no match for \"$pat\""
	done
	if [ -z "$why" ]; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: $why"
		sed 's/^/    | /' "$LOG"
		fail=$((fail + 1))
	fi
}

BANNER="^Nebulet x86_64$"
boot boot-128M 1 "" "" "$BANNER" "KiB free"
boot boot-64M 1 "-m 64M" "" "$BANNER" "KiB free"
boot boot-1G 1 "-m 1G" "" "$BANNER" "KiB free"
boot selftest 1 "" "test=self" "$BANNER" "^selftest ok$"
boot selftest-5G 1 "-m 5G" "test=self" "\[100000000-" "^selftest ok$"
boot selftest-rdrand 1 "-cpu max" "test=self" "rdrand works" "^selftest ok$"
boot console-read 1 "" "test=echo" "^echo: hello, nebulet$"
boot page-fault 7 "" "test=pf" "exception 14: page fault.*read, not present" CR2
boot invalid-opcode 7 "" "test=ud" "exception 6: invalid opcode" "rip 0x"
boot divide-error 7 "" "test=de" "exception 0: divide error"
boot nx 7 "" "test=nx" "page fault.*instruction fetch, protection" CR2
boot rodata-write 7 "" "test=wp" "page fault.*write, protection" CR2
boot double-fault 7 "" "test=df" "exception 8: double fault" "cr2 0x0*ff8 "
boot stack-overflow 7 "" "test=so" "exception 8: double fault"

# Boot time: milliseconds from QEMU's start to the banner and to its exit,
# the kernel's own hal_init time (TSC), and beside them an empty PVH
# kernel that exits at once (the firmware and QEMU floor); the median of 3
# runs each. Information only.
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
EMPTY=$B/boot/empty.elf
mkdir -p "$B/boot"
cat >"$B/boot/empty.S" <<'X'
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, 18
	.asciz "Xen"
	.balign 4
	.quad entry
	.text
	.code32
entry:	xorl %eax, %eax
	outl %eax, $0xf4
	hlt
X
if gcc -nostdlib -static -no-pie -Wl,-Ttext=0x100000 -Wl,--build-id=none \
	-o "$EMPTY" "$B/boot/empty.S" 2>/dev/null; then
	banner=() total=() floor=() init=()
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		while IFS= read -r line; do
			[[ $line == "Nebulet x86_64"* ]] && banner+=("$(ms "$t0")")
			[[ $line =~ hal_init\ took\ ([0-9]+) ]] &&
				init+=("$((BASH_REMATCH[1] / 1000))")
		done < <("${QEMU[@]}" -m 128M -kernel "$ELF" </dev/null 2>&1)
		total+=("$(ms "$t0")")
		t0=$(date +%s%N)
		"${QEMU[@]}" -m 128M -kernel "$EMPTY" </dev/null >/dev/null 2>&1
		floor+=("$(ms "$t0")")
	done
	echo "boot time ($ACCEL): banner after $(median "${banner[@]}") ms" \
		"(hal_init $(median "${init[@]}") ms of it)," \
		"exit after $(median "${total[@]}") ms;" \
		"empty kernel $(median "${floor[@]}") ms"
fi

line="$pass passed, $fail failed"
[ $skip -gt 0 ] && line="$line, $skip skipped"
echo "$line"
[ $fail -eq 0 ]
