#!/usr/bin/env bash
# tests/suite.sh NEBULET: the benchmark suite's programs (bench/suite/) as
# a correctness test, at their tiny size: each one's checksum (its last
# line of output) with `NEBULET run` on the JIT (also the -msimd128
# build), its optimizing tier (--engine=opt) and on the interpreter, and
# with `build/nebulet boot` (the JIT on the bare-metal kernel in QEMU),
# must equal the native build's. No timing. Builds the programs first
# (make suite: the Debian sources are fetched once per machine).
# Prints PASS/FAIL per run and ends with "N passed, N failed".
set -u
nebulet=${1:?usage: tests/suite.sh NEBULET}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
SB=$B/suite
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=bench/suite/lib.sh
. bench/suite/lib.sh

if ! make -s B="$B" suite "$B/nebulet" "$B/nebulet.elf" >"$tmp/build" 2>&1; then
	tail -n 30 "$tmp/build"
	echo "FAIL build the suite's programs"
	echo "0 passed, 1 failed"
	exit 1
fi

# check LABEL WANT RUNNER PROGRAM: runs PROGRAM (with $args) under RUNNER
# and compares the last line of its output with WANT.
check() {
	local label=$1 want=$2 got status
	suite_cmd "$3" "$4"
	timeout 600 "${cmd[@]}" "${args[@]}" </dev/null >"$tmp/out" 2>"$tmp/err"
	status=$?
	got=$(tail -n 1 "$tmp/out")
	if [ $status -eq 0 ] && [ "$got" = "$want" ]; then
		echo "PASS $label"
		pass=$((pass + 1))
	else
		echo "FAIL $label: status $status, checksum \"$got\", native \"$want\""
		tail -n 20 "$tmp/err" | sed 's/^/    stderr| /'
		fail=$((fail + 1))
	fi
}

while IFS='|' read -r name prog argv tiny _; do
	suite_args "$argv" "$tiny"
	NEBULET=$B/nebulet suite_cmd native "$prog"
	if ! "${cmd[@]}" "${args[@]}" </dev/null >"$tmp/native" 2>&1; then
		echo "FAIL $name.native: $(tail -n 3 "$tmp/native")"
		fail=$((fail + 1))
		continue
	fi
	want=$(tail -n 1 "$tmp/native")
	NEBULET=$nebulet check "$name.jit" "$want" jit "$prog"
	NEBULET=$nebulet check "$name.interp" "$want" interp "$prog"
	NEBULET=$nebulet check "$name.opt" "$want" opt "$prog"
	NEBULET=$nebulet check "$name.simd.jit" "$want" simd.jit "$prog"
	NEBULET=$B/nebulet check "$name.boot" "$want" boot "$prog"
done <<<"$SUITE_TABLE"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
