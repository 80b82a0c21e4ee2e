#!/bin/sh
# tests/fuzz/gen.sh SECONDS [NAME RUNNER SAVE]: runs random modules for
# SECONDS. Turns random bytes into valid modules with `wasm-opt -ttf`
# (WebAssembly 2.0 without SIMD: sign-ext, non-trapping float-to-int, bulk
# memory, multi-value; every fourth module also with reference types) and
# runs each through RUNNER (default `build/fuzz/replay_exec -q -t 5`, the
# execution fuzzer, see fuzz_exec.c), in batches of 16. Binaryen 108's
# reference types are an older draft (funcref <: anyref), so most of those
# modules are not valid WebAssembly 2.0: every module goes through wabt's
# wasm-validate first and the ones it rejects are skipped. A module that
# fails is kept in SAVE (default tests/fuzz/corpus/exec) as
# crash-SHA1.wasm. Ends with "NAME: N modules run, ..., N failures"
# (NAME default gen). GEN_PASSES adds wasm-opt passes (diff.sh sets
# --denan). MODULES=N stops after N modules (or SECONDS, whichever comes
# first). A RUNNER line "NODE path" counts a module compared with node's
# V8 (diff_batch.sh), reported as "N compared with node". THREADS=1 in the environment adds the threads proposal to both
# wasm-opt and wasm-validate: shared memories and atomics (no wait, which
# -ttf never emits); SIMD=1 adds SIMD (wasm-opt --enable-simd). Run
# from the repository root after
# tests/fuzz/build.sh; tests/fuzz/diff.sh uses it with the differential
# runner.
set -eu

SECS=${1:-60}
NAME=${2:-gen}
RUNNER=${3:-build/fuzz/replay_exec -q -t 5}
SAVE=${4:-tests/fuzz/corpus/exec}
W=build/fuzz/$NAME
FEATURES="--mvp-features --enable-mutable-globals --enable-sign-ext \
	--enable-nontrapping-float-to-int --enable-bulk-memory \
	--enable-multivalue"
VALIDATE=
if [ "${THREADS:-0}" != 0 ]; then
	FEATURES="$FEATURES --enable-threads"
	VALIDATE=--enable-threads
fi
[ "${SIMD:-0}" = 0 ] || FEATURES="$FEATURES --enable-simd"
end=$(($(date +%s) + SECS))
runs=0 fails=0 skipped=0 nodes=0
mkdir -p $W $SAVE

while [ "$(date +%s)" -lt $end ] && [ $fails -lt 20 ] &&
	{ [ "${MODULES:-0}" = 0 ] || [ $runs -lt "$MODULES" ]; }; do
	rm -rf $W/batch
	mkdir $W/batch
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		# 64 bytes .. 16 KiB of entropy per module.
		n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		head -c $((64 + n % 16320)) /dev/urandom >$W/in.bin
		ref=
		[ $((i % 4)) -ne 0 ] || ref=--enable-reference-types
		# shellcheck disable=SC2086
		if ! wasm-opt -ttf $W/in.bin $FEATURES $ref ${GEN_PASSES:-} \
			-o $W/batch/m$i.wasm 2>/dev/null ||
			! wasm-validate $VALIDATE $W/batch/m$i.wasm 2>/dev/null; then
			rm -f $W/batch/m$i.wasm
			skipped=$((skipped + 1))
		fi
	done
	runs=$((runs + $(ls $W/batch | wc -l)))
	# shellcheck disable=SC2086
	$RUNNER $W/batch >$W/out.txt 2>$W/err.txt || true
	grep '^FAIL' $W/out.txt | while read -r _ f why; do
		sum=$(sha1sum <"$f" | cut -c1-16)
		cp "$f" $SAVE/crash-$sum.wasm
		cp $W/err.txt $W/crash-$sum.log
		echo "$NAME: FAIL $SAVE/crash-$sum.wasm $why (log $W/crash-$sum.log)"
	done
	fails=$((fails + $(grep -c '^FAIL' $W/out.txt || true)))
	nodes=$((nodes + $(grep -c '^NODE' $W/out.txt || true)))
done
[ $nodes = 0 ] || echo "$NAME: $nodes modules compared with node's V8"
echo "$NAME: $runs modules run, $skipped invalid ones skipped, $fails failures"
[ $fails -eq 0 ]
