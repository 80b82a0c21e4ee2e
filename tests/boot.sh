#!/usr/bin/env bash
# tests/boot.sh: boots build/nebulet.elf in QEMU (headless; KVM when
# /dev/kvm is usable, else TCG; qboot firmware when installed) and checks
# the serial log and the exit status of each boot. The kernel's self-tests
# are picked with the command line (`-append test=NAME`, see
# hal/x86_64/kmain.c). The kernel ends QEMU through isa-debug-exit, so
# QEMU's status is (code << 1) | 1: 1 for a clean exit, 7 for a reported
# exception or panic (EXIT_PANIC = 3). Prints PASS/FAIL per test (the
# serial log on failure), and ends with "N passed, N failed".
#
# Then wasm programs on the bare-metal kernel through `nebulet boot` (TCG
# or KVM as above): the tests/wasi programs give the same stdout and exit
# status as under `nebulet run` (and as their .expect files), the trap
# programs are reported as traps, and one boot archive holding all four
# trap programs followed by hello shows that the kernel goes on after each
# trap; a boot that hangs times out with the serial log. Boot time is a
# benchmark (bench/boot.sh, in `make bench`), not a test.
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
WASI_PROGS=(hello args exit cat malloc clock)
TRAP_PROGS=(trap_oob trap_div trap_stack trap_indirect)
NEBULET=$B/nebulet
WASMS=("${WASI_PROGS[@]}" "${TRAP_PROGS[@]}")
WASMS=("${WASMS[@]/#/$B/tests/wasi/}")
if ! make -s B="$B" "$ELF" "$NEBULET" "${WASMS[@]/%/.wasm}" >/dev/null; then
	echo "FAIL build $ELF"
	echo "0 passed, 1 failed"
	exit 1
fi

# shellcheck source=tools/qemu.sh
. tools/qemu.sh

LOG=$(mktemp)

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

# wasi NAME: runs tests/wasi/NAME with `nebulet boot` and `nebulet run`
# (arguments, environment and stdin from NAME.args/.env/.stdin); both must
# print NAME.expect and exit with NAME.status (default 0), and the boot's
# stderr must hold each line of NAME.stderr.
WT=$(mktemp -d)
trap 'rm -f "$LOG"; rm -rf "$WT"' EXIT
wasi() {
	local name=$1 dir=tests/wasi want=0 input=/dev/null why="" bs rs
	local -a args=() envs=()
	[ -f "$dir/$name.args" ] && mapfile -t args <"$dir/$name.args"
	if [ -f "$dir/$name.env" ]; then
		mapfile -t envs <"$dir/$name.env"
		envs=("${envs[@]/#/--env=}")
	fi
	[ -f "$dir/$name.status" ] && want=$(<"$dir/$name.status")
	[ -f "$dir/$name.stdin" ] && input=$dir/$name.stdin
	timeout 60 "$NEBULET" boot --timeout=50 "${envs[@]}" \
		"$B/tests/wasi/$name.wasm" "${args[@]}" <"$input" \
		>"$WT/boot.out" 2>"$WT/boot.err"
	bs=$?
	"$NEBULET" run "${envs[@]}" "$B/tests/wasi/$name.wasm" "${args[@]}" \
		<"$input" >"$WT/run.out" 2>"$WT/run.err"
	rs=$?
	cmp -s "$WT/boot.out" "$WT/run.out" || why="stdout differs from run's"
	cmp -s "$WT/boot.out" "$dir/$name.expect" ||
		why="${why:+$why; }stdout differs from $name.expect"
	[ "$bs" = "$rs" ] || why="${why:+$why; }status $bs, run's $rs"
	[ "$bs" = "$want" ] || why="${why:+$why; }status $bs, expected $want"
	if [ -f "$dir/$name.stderr" ]; then
		while IFS= read -r line; do
			grep -qF -- "$line" "$WT/boot.err" ||
				why="${why:+$why; }stderr lacks \"$line\""
		done <"$dir/$name.stderr"
	fi
	if [ -z "$why" ]; then
		echo "PASS boot:$name"
		pass=$((pass + 1))
	else
		echo "FAIL boot:$name: $why"
		diff -u "$dir/$name.expect" "$WT/boot.out" | head -n 20
		sed 's/^/    stderr| /' "$WT/boot.err" | head -n 40
		fail=$((fail + 1))
	fi
}

for p in "${WASI_PROGS[@]}" "${TRAP_PROGS[@]}"; do
	wasi "$p"
done

# One boot, five programs: each trap is reported and the next one runs;
# hello's output comes last and the status is hello's.
(cd "$B/tests/wasi" && "$(realpath "../../nebulet")" pack -o "$WT/multi.ar" \
	"${TRAP_PROGS[@]/%/.wasm}" hello.wasm)
timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/multi.ar" \
	</dev/null >"$WT/multi.out" 2>"$WT/multi.err"
status=$? why=""
[ "$status" = 0 ] || why="status $status, expected 0"
cmp -s "$WT/multi.out" <(cat tests/wasi/trap_{oob,div,stack,indirect}.expect \
	tests/wasi/hello.expect) || why="${why:+$why; }stdout differs"
for p in "${TRAP_PROGS[@]}"; do
	grep -qF "$p.wasm: $(<"tests/wasi/$p.stderr")" "$WT/multi.err" ||
		why="${why:+$why; }no trap report for $p"
done
if [ -z "$why" ]; then
	echo "PASS boot:traps-then-hello"
	pass=$((pass + 1))
else
	echo "FAIL boot:traps-then-hello: $why"
	sed 's/^/    stdout| /' "$WT/multi.out"
	sed 's/^/    stderr| /' "$WT/multi.err"
	fail=$((fail + 1))
fi

# extra NAME WANT_STATUS PATTERN COMMAND...: COMMAND exits with
# WANT_STATUS and its stderr matches PATTERN (empty: anything).
extra() {
	local name=$1 want=$2 pat=$3 status
	shift 3
	"$@" </dev/null >"$WT/x.out" 2>"$WT/x.err"
	status=$?
	if [ "$status" = "$want" ] &&
		{ [ -z "$pat" ] || grep -qE -- "$pat" "$WT/x.err"; }; then
		echo "PASS boot:$name"
		pass=$((pass + 1))
	else
		echo "FAIL boot:$name: status $status (want $want)"
		sed 's/^/    stderr| /' "$WT/x.err" | head -n 40
		fail=$((fail + 1))
	fi
}

# Binary data, DLE bytes included, crosses the multiplexed console
# exactly: cat's stdout is its stdin.
head -c 20000 /dev/urandom >"$WT/random.bin"
printf '\x10\x10x0\n\x10' >>"$WT/random.bin"
# shellcheck disable=SC2094 # cmp only reads the file that cat reads
cat_binary() {
	"$NEBULET" boot "$B/tests/wasi/cat.wasm" <"$WT/random.bin" |
		cmp - "$WT/random.bin"
}
extra cat-binary 0 "" cat_binary
# A malformed module is reported with its offset, as by `nebulet run`.
printf '\0asm\1\0\0\0\1\5\1\x60\0' >"$WT/bad.wasm"
extra malformed 1 "bad.wasm: offset 0x" "$NEBULET" boot "$WT/bad.wasm"

# A program that never ends: `nebulet boot` gives up after --timeout
# with status 124, a clear message and the serial log.
if command -v wat2wasm >/dev/null; then
	echo '(module (func (export "_start") (loop (br 0))))' >"$WT/loop.wat"
	wat2wasm "$WT/loop.wat" -o "$WT/loop.wasm"
	"$NEBULET" boot --timeout=3 "$WT/loop.wasm" </dev/null \
		>"$WT/loop.out" 2>"$WT/loop.err"
	status=$?
	if [ "$status" = 124 ] &&
		grep -q "timeout after 3 s; serial log:" "$WT/loop.err" &&
		grep -q "^Nebulet x86_64" "$WT/loop.err"; then
		echo "PASS boot:timeout"
		pass=$((pass + 1))
	else
		echo "FAIL boot:timeout: status $status (want 124)"
		sed 's/^/    stderr| /' "$WT/loop.err"
		fail=$((fail + 1))
	fi
fi

line="$pass passed, $fail failed"
[ $skip -gt 0 ] && line="$line, $skip skipped"
echo "$line"
[ $fail -eq 0 ]
