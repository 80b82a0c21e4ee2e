#!/usr/bin/env bash
# tests/spec.sh NEBULET [OPTION...]: runs `NEBULET spec OPTION... FILE` once
# per build/spec/*/test.json, build/spec-threads/*/test.json and
# build/spec-simd/*/test.json (core, threads and SIMD files, made by
# `make spec-json`), so that a crash in one file
# cannot stop the others. Prints a line for each file with
# failures (its first failures too), and a crashed file's last output
# lines; ends with "N passed, N failed" (", N skipped" when any were).
# Left-out tests are listed in tests/spec-skip.md.
#   SPEC_DIR     where the converted files are (default build/spec
#                build/spec-threads build/spec-simd; a threads file is
#                named threads/NAME, a SIMD one simd/NAME)
#   SPEC_TIMEOUT seconds allowed per file (default 900)
#   SPEC_SHOW    failure lines shown per file (default 5)
set -u
cd "$(dirname "$0")/.."
bin=${1:?usage: tests/spec.sh NEBULET [OPTION...]}
shift
dirs=${SPEC_DIR:-build/spec build/spec-threads build/spec-simd}
limit=${SPEC_TIMEOUT:-900}
show=${SPEC_SHOW:-5}
pass=0 fail=0 skip=0

for dir in $dirs; do
	found=0
	for json in "$dir"/*/test.json; do
		[ -f "$json" ] && found=1
	done
	if [ "$found" -eq 0 ]; then
		echo "no spec files in $dir (run make spec-json)"
		fail=$((fail + 1))
	fi
done

for json in $(for d in $dirs; do echo "$d"/*/test.json; done); do
	[ -f "$json" ] || continue
	name=$(basename "$(dirname "$json")")
	case $json in
	*/spec-threads/*) name=threads/$name ;;
	*/spec-simd/*) name=simd/$name ;;
	esac
	out=$(ASAN_OPTIONS=detect_leaks=1 timeout "$limit" "$bin" spec "$@" \
		"$json" 2>&1)
	rc=$?
	line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -n 1)
	if [ -z "$line" ]; then
		# Crashed or hung: count its failure lines, plus one.
		f=$(($(grep -ac ': FAIL ' <<<"$out") + 1))
		echo "$name: crashed (exit $rc), $f failed"
		tail -n 10 <<<"$out" | sed 's/^/  /'
		fail=$((fail + f))
		continue
	fi
	p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	s=0
	grep -aq skipped <<<"$line" && s=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# Exited non-zero after its summary (e.g. a sanitizer leak report).
		f=1
		echo "$name: exit $rc after \"$line\""
		tail -n 10 <<<"$out" | sed 's/^/  /'
	elif [ "$f" -gt 0 ]; then
		echo "$name: $line"
		grep -a ': FAIL ' <<<"$out" | head -n "$show" | sed 's/^/  /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
done

total="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && total="$total, $skip skipped"
echo "$total"
[ "$fail" -eq 0 ]
