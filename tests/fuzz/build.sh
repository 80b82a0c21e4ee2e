#!/bin/sh
# tests/fuzz/build.sh [replay|all]: builds the fuzz programs in build/fuzz/
# with clang-14 under ASan and UBSan (run from the repository root):
#   replay_decode, replay_exec, replay_diff  the targets with replay.c's
#                               main (always)
#   fuzz_decode                 the decode target with libFuzzer (all)
# Rebuilds only what is older than its sources. Exits 1 if a build fails.
set -eu

O=build/fuzz
CC=clang-14
FLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I. \
	-fno-sanitize-recover=undefined"
SRC="$(ls nucleus/*.c hal/hosted/*.c) tests/fuzz/stubs.c"
DEPS="$SRC $(ls nucleus/*.h hal/*.h) tests/fuzz/stubs.h tests/fuzz/build.sh"
mkdir -p $O

# newer TARGET SOURCES...: true if TARGET is missing or older than a source.
newer() {
	t=$1
	shift
	[ -e "$t" ] || return 0
	for s in "$@"; do
		[ "$s" -nt "$t" ] && return 0
	done
	return 1
}

# make_prog OUT SANITIZERS FILES...: compiles one program if out of date.
make_prog() {
	out=$1 san=$2
	shift 2
	newer $O/$out $DEPS "$@" || return 0
	echo "build $O/$out" >&2
	# shellcheck disable=SC2086
	$CC $FLAGS -fsanitize=$san -o $O/$out "$@" $SRC -lm
}

# The three replay programs build at once; any failure fails the build.
pids=""
for t in decode exec diff; do
	make_prog replay_$t address,undefined tests/fuzz/replay.c \
		tests/fuzz/fuzz_$t.c &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p"
done
if [ "${1:-replay}" = all ]; then
	make_prog fuzz_decode fuzzer,address,undefined tests/fuzz/fuzz_decode.c
fi
