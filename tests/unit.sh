#!/usr/bin/env bash
# tests/unit.sh DIR: runs each unit test program in DIR (built from
# tests/unit/test_*.c under ASan/UBSan). A program prints "PASS name" or
# "FAIL name" per case; one that crashes or exits non-zero without a FAIL
# line counts as one failure. Ends with "N passed, N failed".
set -u
dir=$1
pass=0 fail=0
for t in "$dir"/test_*; do
	[ -x "$t" ] || continue
	out=$(ASAN_OPTIONS=detect_leaks=1 timeout 300 "$t" 2>&1)
	rc=$?
	p=$(grep -c '^PASS ' <<<"$out")
	f=$(grep -c '^FAIL ' <<<"$out")
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAIL $(basename "$t") (exit $rc)"
	fi
	if [ "$f" -gt 0 ]; then
		echo "$out" | tail -n 40
	fi
	echo "$(basename "$t"): $p passed, $f failed"
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
