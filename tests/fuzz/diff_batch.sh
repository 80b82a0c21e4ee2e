#!/bin/sh
# tests/fuzz/diff_batch.sh DIR: diff.sh's runner for one batch of
# modules: build/fuzz/replay_diff (or $REPLAY; fuzz_diff.c: interp,
# baseline, opt and tiered JIT must agree), which also writes the
# interpreter's transcripts to DIR.ref/; then, unless NODE=0 or node is
# missing, node's V8 runs the same modules (diff_node.mjs) and must agree
# with them. Prints replay's "FAIL path (why)" lines and diff_node's
# "NODE path" (compared) and "FAIL path (node differs)" lines. Run from
# the repository root.
set -u
REF=$1.ref
mkdir -p "$REF"
rm -f "$REF"/*.ref
FUZZ_DIFF_REF=$REF ${REPLAY:-build/fuzz/replay_diff} -q -t 10 "$1"
if [ "${NODE:-1}" != 0 ] && command -v node >/dev/null; then
	timeout 120 node --experimental-wasm-type-reflection \
		tests/fuzz/diff_node.mjs "$1" "$REF"
fi
exit 0
