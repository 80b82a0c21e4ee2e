#!/bin/sh
# tests/fuzz/diff.sh [SECONDS]: differential fuzzing of the JIT against the
# interpreter (`make fuzz-diff`). For SECONDS (default 60), gen.sh turns
# random bytes into valid modules with `wasm-opt -ttf` and runs each
# through build/fuzz/replay_diff (fuzz_diff.c: interp and JIT transcripts
# must be equal). A module that fails is kept as
# tests/fuzz/corpus/diff/crash-SHA1.wasm (a regression test once fixed:
# tests/fuzz.sh-style replay with `build/fuzz/replay_diff DIR`). Ends with
# "diff: N modules run, ..., N failures". Run from the repository root.
set -eu

SECS=${1:-60}
O=build/fuzz
SAVE=tests/fuzz/corpus/diff
mkdir -p $O $SAVE

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

exec tests/fuzz/gen.sh "$SECS" diff "$O/replay_diff -q -t 10" $SAVE
