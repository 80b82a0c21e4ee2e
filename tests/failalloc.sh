#!/usr/bin/env bash
# tests/failalloc.sh NEBULET [PROGRAM...]: failure injection, as SQLite
# tests it. For each kernel test program (tests/kernel/NAME.wasm, run as
# init with child.wasm; default: hostile vmo threads timer), counts the
# kernel's own allocations in a run (NEBULET_FAIL_ALLOC=0: the runner
# prints "nebulet: N kernel allocations"), then runs it once for every
# n in 1..N with the nth allocation failing. Each run must end by itself
# with the runner's count line (no crash, no hang) and no sanitizer
# report (NEBULET is the ASan build: no memory error, no leak) and no
# kernel object left when every process has ended; its
# status and checks may fail (a clean error), and that is all. One PASS
# line per program and one FAIL line per bad run; ends with "N passed,
# N failed".
set -u
nebulet=${1:?usage: tests/failalloc.sh NEBULET [PROGRAM...]}
shift
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
K=$B/tests/kernel
progs=("$@")
[ ${#progs[@]} -gt 0 ] || progs=(hostile vmo threads timer)
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run PROG N: one run with allocation N failing; sets st and count.
run() {
	NEBULET_FAIL_ALLOC=$2 timeout 30 "$nebulet" kernel "$K/$1.wasm" \
		"$K/child.wasm" >"$tmp/out" 2>"$tmp/err"
	st=$?
	count=$(sed -n 's/^nebulet: \([0-9]*\) kernel allocations$/\1/p' \
		"$tmp/err")
}

for prog in "${progs[@]}"; do
	run "$prog" 0
	if [ "$st" != 0 ] || [ -z "$count" ]; then
		echo "FAIL failalloc $prog: the run without failures: status $st"
		tail -n 5 "$tmp/err" | sed 's/^/  /'
		fail=$((fail + 1))
		continue
	fi
	total=$count bad=0
	for ((n = 1; n <= total; n++)); do
		run "$prog" "$n"
		why=""
		[ -n "$count" ] || why="no count line (crash or hang), status $st"
		grep -qE 'Sanitizer|runtime error:' "$tmp/err" &&
			why="${why:+$why; }sanitizer report"
		grep -q 'objects left at exit' "$tmp/err" &&
			why="${why:+$why; }kernel objects leaked"
		[ -z "$why" ] && continue
		echo "FAIL failalloc $prog: allocation $n of $total failing: $why"
		grep -E 'ERROR|SUMMARY|runtime error|#[0-4] ' "$tmp/err" |
			head -n 8 | sed 's/^/  /'
		bad=$((bad + 1))
	done
	if [ $bad -eq 0 ]; then
		echo "PASS failalloc $prog: each of $total allocations failed in turn, cleanly"
		pass=$((pass + 1))
	fi
	fail=$((fail + bad))
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
