# shellcheck shell=bash
# bench/suite/lib.sh: the suite's programs and how each runner starts one
# (sourced by bench/suite/run.sh and tests/suite.sh, from the repo's root).

# The workloads, one a line: NAME|PROGRAM|ARGS|TINY|SMALL|BIG. PROGRAM is
# $B/suite/PROGRAM.native or .wasm (bench/suite/suite.mk); the word SIZE in
# ARGS stands for the size: TINY in make test, SMALL for the interpreter
# (and native beside it), BIG for native, JIT and node (1-3 s natively).
# Each program prints its checksum on its last line.
SUITE_TABLE='sqlite|sqlite|--memdb --verify --size SIZE :memory:|1|4|60
zlib|zlib|SIZE|1 64|3|20
bzip2|bzip2|SIZE|1 64|2|7
lua_fannkuch|lua|fannkuch SIZE|7|9|10
lua_nbody|lua|nbody SIZE|2000|40000|600000
lua_spectral|lua|spectral SIZE|60|200|900
lua_binarytrees|lua|binarytrees SIZE|8|12|15'

# suite_cmd RUNNER PROGRAM: sets cmd to the command line that runs PROGRAM
# with RUNNER (native or native_small, jit, interp, opt or base (the
# JIT's optimizing tier, its baseline alone), node, or boot: the JIT
# on the bare-metal kernel in QEMU; simd.jit and simd.node: the SIMD
# build, PROGRAM.simd.wasm); the program's arguments follow it. Uses
# $NEBULET and $SB (the directory of the built programs).
suite_cmd() {
	local w=$SB/$2.wasm
	case $1 in
	native | native_small) cmd=("$SB/$2.native") ;;
	jit | interp | opt | base) cmd=("$NEBULET" run --engine="$1" "$w") ;;
	node) cmd=(node --no-warnings bench/node-wasi.mjs "$w") ;;
	simd.jit) cmd=("$NEBULET" run --engine=jit "$SB/$2.simd.wasm") ;;
	simd.node) cmd=(node --no-warnings bench/node-wasi.mjs "$SB/$2.simd.wasm") ;;
	boot) cmd=("$NEBULET" boot --timeout=300 "$w") ;;
	*)
		echo "suite: unknown runner $1" >&2
		exit 2
		;;
	esac
}

# suite_args ARGS SIZE: sets args to ARGS split into words, SIZE's words in
# place of the word SIZE.
suite_args() {
	local a
	args=()
	for a in $1; do
		# shellcheck disable=SC2206 # SIZE may be several words
		if [ "$a" = SIZE ]; then args+=($2); else args+=("$a"); fi
	done
}
