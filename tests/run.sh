#!/usr/bin/env bash
# tests/run.sh: runs every test group (what `make test` calls) and ends with
# one line "N passed, N failed" (", N skipped" when any were skipped).
# Each group prints its own results and finishes with such a line; this
# script adds them up. Expects `make test` to have built everything.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
total_pass=0 total_fail=0 total_skip=0

# add_summary LOGFILE: adds the group's last "N passed, N failed" line.
add_summary() {
	local line p f s
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "  (no summary line: counted as 1 failure)"
		total_fail=$((total_fail + 1))
		return
	fi
	p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	s=0
	grep -q skipped <<<"$line" && s=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
}

# group NAME COMMAND...: runs one group, shows its output, adds its counts.
group() {
	local name=$1 log
	shift
	log=$(mktemp)
	echo "== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	cat "$log"
	add_summary "$log"
	# A group that failed without saying so still counts as a failure.
	if [ $rc -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' "$log"; then
		echo "  ($name exited $rc)"
		total_fail=$((total_fail + 1))
	fi
	rm -f "$log"
}

group unit tests/unit.sh "$B/asan/unit"
group format tests/format.sh
[ -x tests/layers.sh ] && group layers tests/layers.sh
[ -x tests/wasi.sh ] && group wasi tests/wasi.sh "$B/asan/nebulet"
[ -x tests/fuzz.sh ] && group fuzz-corpus tests/fuzz.sh
[ -x tests/boot.sh ] && group boot tests/boot.sh
[ -x tests/storage.sh ] && group storage tests/storage.sh
[ -x tests/iso.sh ] && group iso tests/iso.sh
[ -x tests/spec.sh ] && group spec tests/spec.sh "$B/asan/nebulet" --engine=interp
[ -x tests/kernel.sh ] && group kernel tests/kernel.sh "$B/asan/nebulet"
[ -x tests/failalloc.sh ] && group failalloc tests/failalloc.sh "$B/asan/nebulet"
[ -x tests/failboot.sh ] && group failboot tests/failboot.sh
[ -x tests/firmament.sh ] && group firmament tests/firmament.sh "$B/asan/nebulet"
[ -x tests/net.sh ] && group net tests/net.sh "$B/asan/nebulet"
[ -x tests/httpd.sh ] && group httpd tests/httpd.sh "$B/asan/nebulet"
[ -x tests/suite.sh ] && group suite tests/suite.sh "$B/asan/nebulet"
[ -x tests/spec.sh ] && group spec-jit tests/spec.sh "$B/asan/nebulet" --engine=jit
# The JIT's SIMD without SSE4.1 (every instruction through simd.c).
[ -x tests/spec.sh ] && SPEC_DIR=$B/spec-simd group spec-jit-simd-c \
	tests/spec.sh "$B/asan/nebulet" --engine=jit --jit-simd=c
# The optimizing tier (functions it does not cover run in the baseline);
# core and threads files: SIMD functions are all left to the baseline.
[ -x tests/spec.sh ] && SPEC_DIR="$B/spec $B/spec-threads" group spec-opt \
	tests/spec.sh "$B/asan/nebulet" --engine=opt

line="$total_pass passed, $total_fail failed"
[ $total_skip -gt 0 ] && line="$line, $total_skip skipped"
echo "$line"
[ $total_fail -eq 0 ]
