#!/bin/sh
# tests/fuzz/run.sh [SECONDS]: what `make fuzz FUZZ_SECONDS=N` runs (from
# the repository root). Builds the fuzz programs, runs the libFuzzer decode
# target for SECONDS (default 60), then the wasm-opt execution fuzzer
# (gen.sh) for SECONDS. Crashing inputs land in tests/fuzz/corpus/<target>/
# (replayed by tests/fuzz.sh in `make test`); libFuzzer's growing working
# corpus stays in build/fuzz/corpus/. Exits 1 if anything crashed.
set -eu

SECS=${1:-60}
[ -n "$SECS" ] || SECS=60
W=build/fuzz
status=0

tests/fuzz/build.sh all

# Seeds: the repository corpus plus every module the spec tests made.
mkdir -p $W/corpus/decode $W/seeds tests/fuzz/corpus/decode
if [ -d build/spec ] && [ ! -e $W/seeds/.done ]; then
	for f in build/spec/*/*.wasm; do
		[ -e "$f" ] || continue
		d=${f#build/spec/}
		cp "$f" "$W/seeds/$(echo "$d" | tr / _)"
	done
	touch $W/seeds/.done
fi

# libFuzzer stops at the first crash: restart it until the time is up
# (at most 10 crashes per run, so a shallow bug does not loop forever).
end=$(($(date +%s) + SECS))
crashes=0
while left=$((end - $(date +%s))) && [ $left -gt 0 ] && [ $crashes -lt 10 ]; do
	if ! $W/fuzz_decode -max_total_time=$left -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/corpus/decode/ \
		$W/corpus/decode tests/fuzz/corpus/decode $W/seeds \
		>$W/decode.log 2>&1; then
		crashes=$((crashes + 1))
		status=1
		echo "fuzz_decode: crash, see $W/decode.log:"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' \
			$W/decode.log | head -n 5
		cp $W/decode.log $W/decode.crash$crashes.log
	fi
done
grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' $W/decode.log |
	tail -n 2 | sed 's/^/fuzz_decode: /'

tests/fuzz/gen.sh "$SECS" || status=1
exit $status
