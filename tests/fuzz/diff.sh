#!/bin/sh
# tests/fuzz/diff.sh [SECONDS]: differential fuzzing of the JIT's tiers
# against the interpreter and node's V8 (`make fuzz-diff`). For SECONDS
# (default 60; MODULES=N: at most N modules), gen.sh turns random bytes
# into valid modules with `wasm-opt -ttf` and runs each through
# diff_batch.sh: build/fuzz/replay_diff (fuzz_diff.c: interp, baseline,
# opt and tiered transcripts must be equal), then node (diff_node.mjs:
# V8's transcript must equal the interpreter's; NODE=0 skips it, as does
# SIMD=1: V8's JavaScript API has no v128). A module that fails is kept as
# tests/fuzz/corpus/diff/crash-SHA1.wasm (a regression test once fixed:
# replayed by tests/fuzz.sh in `make test`). Ends with
# "diff: N modules run, ..., N failures". THREADS=1 in the environment
# (`THREADS=1 make fuzz-diff`) makes the modules with the threads proposal
# too (shared memory, atomics; see gen.sh); that run is named diff-threads
# (work directory build/fuzz/diff-threads/, last line "diff-threads: ...").
# SIMD=1 (`SIMD=1 make fuzz-diff`) adds SIMD to the modules (named
# diff-simd, or diff-threads-simd with both).
# Run from the repository root.
set -eu

SECS=${1:-60}
O=build/fuzz
SAVE=tests/fuzz/corpus/diff
mkdir -p $O $SAVE

tests/fuzz/build.sh replay >&2

# First the kept reproducers (regression tests).
if ls $SAVE/*.wasm >/dev/null 2>&1; then
	$O/replay_diff -q -t 10 $SAVE || {
		echo "diff: a kept reproducer in $SAVE fails"
		echo "diff: 0 modules run, 1 failures"
		exit 1
	}
fi

# --denan: a NaN's payload is not deterministic in WebAssembly (f64.mul of
# two NaNs may return either's bits; the interpreter compiled by gcc and the
# JIT pick differently), so the modules turn NaNs into 0 at run time.
NAME="diff"
[ "${THREADS:-0}" = 0 ] || NAME=diff-threads
[ "${SIMD:-0}" = 0 ] || NAME=$NAME-simd
[ "${SIMD:-0}" = 0 ] || export NODE=0
GEN_PASSES=--denan exec tests/fuzz/gen.sh "$SECS" $NAME tests/fuzz/diff_batch.sh $SAVE
