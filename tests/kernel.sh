#!/usr/bin/env bash
# tests/kernel.sh NEBULET: the kernel's tests on the hosted HAL. Each
# program in build/tests/kernel/ (from tests/kernel/) runs as init under
# `NEBULET kernel`, with child.wasm as its boot image:
#   ipc, hostile, preempt, prio, timer, vmo, threads, cycles, share
#                 print "PASS name" / "FAIL name: ..." per check and
#                 "done" at the end; each PASS and FAIL line counts, and a
#                 missing "done", a non-zero status or kernel objects left
#                 at exit (a leak) is one more failure;
#                 each runs on the default engine (the JIT), the
#                 interpreter (--engine=interp) and the optimizing tier (--engine=opt)
#   stress        a short round of tests/kernel/stress.c (its
#                 configuration tests/kernel/stress.conf a third image);
#                 `make stress DURATION=S` runs long ones (tests/stress.sh)
#   nomem         a process without memory: exit status 5 (NB_ERR_FAULT)
#   badimport     an unknown kernel call: link error, status 1
#   deadlock      init and its child wait forever: both killed, 137
#   flood         kernel memory: 64 KiB messages until NB_ERR_NO_MEMORY,
#                 charges (mem_usage) and limits (process_limits)
#   traplabel     a child run with argv[0] "some/dir/trapper.wasm" traps:
#                 stderr names it "trapper.wasm", status 0
#   atomics       memory.atomic.wait/notify between two threads: status 0
#                 (else the number of the failed check), on each engine
# plus the subcommand's own errors. Ends with "N passed, N failed".
set -u
nebulet=${1:?usage: tests/kernel.sh NEBULET}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
K=$B/tests/kernel
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# suite NAME [OPTION]: runs a PASS/FAIL-printing program as init, with
# $IMAGES (default child.wasm) as its boot images.
suite() {
	local name=$1 status p f label=$1${2:+ $2}
	# shellcheck disable=SC2086 # IMAGES is a word list
	timeout 300 "$nebulet" kernel ${2:-} "$K/$name.wasm" \
		${IMAGES:-"$K/child.wasm"} ${EXTRA:-} >"$tmp/out" 2>"$tmp/err"
	status=$?
	grep -E '^(PASS|FAIL) ' "$tmp/out" |
		sed "s/^\(PASS\|FAIL\) /\1 $label: /"
	p=$(grep -c '^PASS ' "$tmp/out")
	f=$(grep -c '^FAIL ' "$tmp/out")
	pass=$((pass + p))
	fail=$((fail + f))
	if [ $status -ne 0 ] || ! grep -qx done "$tmp/out"; then
		echo "FAIL $label: exit status $status or no 'done'"
		sed 's/^/  /' "$tmp/err" | tail -n 20
		fail=$((fail + 1))
	elif grep -q 'objects left at exit' "$tmp/err"; then
		echo "FAIL $label: $(grep 'objects left' "$tmp/err")"
		fail=$((fail + 1))
	fi
}

# status LABEL WANT [GREP] -- ARGS...: checks `nebulet kernel ARGS`'s
# exit status and, if GREP is given, that stderr matches it.
status() {
	local label=$1 want=$2 pattern=$3 got
	shift 4
	timeout 60 "$nebulet" kernel "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL $label: exit status $got, expected $want"
		fail=$((fail + 1))
	elif [ -n "$pattern" ] && ! grep -q "$pattern" "$tmp/err"; then
		echo "FAIL $label: stderr lacks '$pattern'"
		fail=$((fail + 1))
	else
		echo "PASS $label"
		pass=$((pass + 1))
	fi
}

for engine in "" --engine=interp --engine=opt; do
	suite ipc $engine
	suite hostile $engine
	suite preempt $engine
	suite prio $engine
	suite timer $engine
	suite vmo $engine
	suite threads $engine
	suite cycles $engine
	IMAGES="$K/sharechild.wasm $K/child.wasm" suite share $engine
done
EXTRA=tests/kernel/stress.conf suite stress
status "process without memory gets NB_ERR_FAULT" 5 "" -- "$K/nomem.wasm"
status "unknown kernel call is a link error" 1 "no_such_call" -- \
	"$K/badimport.wasm"
status "deadlock: every process killed" 137 "deadlock" -- \
	"$K/deadlock.wasm" "$K/child.wasm"
# flood: kernel memory accounts and limits (tests/kernel/flood.c), with
# itself and tests/boot/oom.wasm as images.
IMAGES="$K/child.wasm $K/flood.wasm $B/tests/boot/oom.wasm" suite flood
status "a child's trap names its image" 0 "^trapper.wasm: trap: " -- \
	"$K/traplabel.wasm" "$K/child.wasm"
status "atomic wait/notify between threads" 0 "" -- "$K/atomics.wasm"
status "atomic wait/notify between threads (interp)" 0 "" -- \
	--engine=interp "$K/atomics.wasm"
status "kernel without init: usage" 2 "usage" --
status "init is not wasm" 1 "cannot start" -- tests/kernel/kt.h
status "missing init file" 1 "No such file" -- "$K/missing.wasm"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
