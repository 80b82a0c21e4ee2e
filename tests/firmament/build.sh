#!/bin/sh
# tests/firmament/build.sh [fuzz]: builds the native firmament test
# programs into $B/firmament/native/ (B defaults to build) with clang-14
# under ASan and UBSan (run from the repository root, after `make
# firmament` built $B/firc/firc):
#   unit        unit.c over types.fir's generated code
#   replay_fir  fuzz_fir.c with tests/fuzz/replay.c's main
#   fuzz_fir    fuzz_fir.c with libFuzzer (with "fuzz")
# The generated C of firmament/*.fir and types.fir (NAME.c and the pure
# NAME_wire.c) is made here with FIR_FUZZ defined. Exits 1 if a build fails.
set -eu
O=${B:-build}/firmament/native
FIRC=${B:-build}/firc/firc
CC=clang-14
FLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
	-Werror -Wno-unused-parameter -fno-sanitize-recover=undefined \
	-DFIR_FUZZ -I. -Iuser/include -Ifirmament -I$O -Itests/firmament"
mkdir -p $O
for f in firmament/*.fir tests/firmament/types.fir; do
	b=$(basename "$f" .fir)
	if [ ! -e $O/$b.c ] || [ "$f" -nt $O/$b.c ] || [ $FIRC -nt $O/$b.c ]; then
		$FIRC -o $O "$f"
		$FIRC --wire -o $O "$f"
	fi
done
GEN=$(for f in firmament/*.fir; do
	b=$(basename "$f" .fir)
	echo $O/$b.c $O/${b}_wire.c
done)
COMMON="tests/firmament/stubs.c firmament/fir.c firmament/wire.c"
# shellcheck disable=SC2086
$CC $FLAGS -fsanitize=address,undefined -o $O/unit tests/firmament/unit.c \
	$COMMON $O/types.c $O/types_wire.c
# shellcheck disable=SC2086
$CC $FLAGS -fsanitize=address,undefined -o $O/replay_fir \
	tests/fuzz/replay.c tests/firmament/fuzz_fir.c $COMMON $GEN \
	$O/types.c $O/types_wire.c
if [ "${1:-}" = fuzz ]; then
	# shellcheck disable=SC2086
	$CC $FLAGS -fsanitize=fuzzer,address,undefined -o $O/fuzz_fir \
		tests/firmament/fuzz_fir.c $COMMON $GEN $O/types.c \
		$O/types_wire.c
fi
