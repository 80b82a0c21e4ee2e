#!/bin/sh
# tests/fuzz.sh: replays the fuzz corpus (tests/fuzz/corpus/<target>/) for
# `make test`: decode/ through the decode target, exec/ through the
# execution target, diff/ through the interpreter-vs-JIT target, bootfs/
# through the boot archive reader's, manifest/ through the manifest
# parser's, net/ through the network stack's (frames into lwIP), fat/
# through the FAT32 library's, each under ASan/UBSan without libFuzzer.
# Prints
# "PASS fuzz/<target>/<file>" or "FAIL ..." per file (sanitizer reports go
# to build/fuzz/replay.log), then "N passed, N failed"; exits 1 if any
# failed.
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/fuzz
if ! tests/fuzz/build.sh replay >build/fuzz/build.log 2>&1; then
	echo "FAIL fuzz/build (see build/fuzz/build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
: >build/fuzz/replay.log
: >build/fuzz/replay.all
status=0
for t in decode exec diff bootfs manifest net fat; do
	d=tests/fuzz/corpus/$t
	[ -d $d ] || continue
	build/fuzz/replay_$t -t 20 $d >build/fuzz/replay.out \
		2>>build/fuzz/replay.log || status=1
	sed "s|^\([A-Z]*\) tests/fuzz/corpus/|\1 fuzz/|" build/fuzz/replay.out |
		tee -a build/fuzz/replay.all
done
echo "$(grep -c '^PASS' build/fuzz/replay.all) passed," \
	"$(grep -c '^FAIL' build/fuzz/replay.all) failed"
exit $status
