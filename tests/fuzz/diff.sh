#!/bin/sh
# tests/fuzz/diff.sh [SECONDS]: differential fuzzing of the JIT against the
# interpreter (`make fuzz-diff`). For SECONDS (default 60), turns random
# bytes into valid modules with `wasm-opt -ttf` (the features of gen.sh)
# and runs each through build/fuzz/replay_diff (fuzz_diff.c: interp and
# JIT transcripts must be equal). A module that fails is kept as
# tests/fuzz/corpus/diff/crash-SHA1.wasm (a regression test once fixed:
# tests/fuzz.sh-style replay with `build/fuzz/replay_diff DIR`). Ends with
# "diff: N modules run, ..., N failures". Run from the repository root.
set -eu

SECS=${1:-60}
O=build/fuzz
W=$O/diff
SAVE=tests/fuzz/corpus/diff
FEATURES="--mvp-features --enable-mutable-globals --enable-sign-ext \
	--enable-nontrapping-float-to-int --enable-bulk-memory \
	--enable-multivalue"
mkdir -p $W $SAVE

# Build replay_diff (ASan + UBSan) when out of date.
SRC="$(ls nucleus/*.c hal/hosted/*.c) tests/fuzz/stubs.c"
if [ ! -x $O/replay_diff ] || [ -n "$(find $SRC nucleus/*.h hal/*.h \
	tests/fuzz/fuzz_diff.c tests/fuzz/replay.c -newer $O/replay_diff)" ]; then
	echo "build $O/replay_diff" >&2
	# shellcheck disable=SC2086
	clang-14 -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I. \
		-Inucleus -Ihal -fno-sanitize-recover=undefined \
		-fsanitize=address,undefined -o $O/replay_diff \
		tests/fuzz/replay.c tests/fuzz/fuzz_diff.c $SRC -lm
fi

# First the kept reproducers (regression tests).
if ls $SAVE/*.wasm >/dev/null 2>&1; then
	$O/replay_diff -q -t 10 $SAVE || {
		echo "diff: a kept reproducer in $SAVE fails"
		echo "diff: 0 modules run, 1 failures"
		exit 1
	}
fi

end=$(($(date +%s) + SECS))
runs=0 fails=0 skipped=0
while [ "$(date +%s)" -lt $end ] && [ $fails -lt 20 ]; do
	rm -rf $W/batch
	mkdir $W/batch
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		head -c $((64 + n % 16320)) /dev/urandom >$W/in.bin
		ref=
		[ $((i % 4)) -ne 0 ] || ref=--enable-reference-types
		# shellcheck disable=SC2086
		if ! wasm-opt -ttf $W/in.bin $FEATURES $ref \
			-o $W/batch/m$i.wasm 2>/dev/null ||
			! wasm-validate $W/batch/m$i.wasm 2>/dev/null; then
			rm -f $W/batch/m$i.wasm
			skipped=$((skipped + 1))
		fi
	done
	runs=$((runs + $(ls $W/batch | wc -l)))
	$O/replay_diff -q -t 10 $W/batch >$W/out.txt 2>$W/err.txt || true
	grep '^FAIL' $W/out.txt | while read -r _ f why; do
		sum=$(sha1sum <"$f" | cut -c1-16)
		cp "$f" $SAVE/crash-$sum.wasm
		cp $W/err.txt $W/crash-$sum.log
		echo "diff: FAIL $SAVE/crash-$sum.wasm $why (log $W/crash-$sum.log)"
	done
	fails=$((fails + $(grep -c '^FAIL' $W/out.txt || true)))
done
echo "diff: $runs modules run, $skipped invalid ones skipped, $fails failures"
[ $fails -eq 0 ]
