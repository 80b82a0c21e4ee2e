#!/usr/bin/env bash
# tests/firmament.sh NEBULET: the firmament's tests (`make firmament`
# builds what they need). Ends with "N passed, N failed".
#   firc          each tests/firmament/bad/*.fir fails with the error of
#                 its first line ("# expect: LINE:COL: error: ..."); bad
#                 usage; every firmament/*.fir compiles
#   unit          tests/firmament/unit.c, native, under ASan/UBSan
#   fuzz corpus   tests/firmament/corpus/ replayed through fuzz_fir.c
#   e2e, hostile, crash, race
#                 init.wasm runs tests/firmament/NAME.manifest: the three
#                 services, then the test program, whose PASS/FAIL lines
#                 count (a missing "done" or a non-zero status is one
#                 more failure); crash and race also check the console
#                 output: every line, in order, duplicates only in race
#                 (at most one per kill)
#   shell         the shell reads tests/firmament/shell.in; its output
#                 (`ls` sizes masked) must be shell.expected, its exit
#                 status 7; it runs tests/wasi/args.wasm (as
#                 wasi-args.wasm) with arguments
# The kernel runs use the default engine (the JIT); e2e also runs on the
# interpreter.
set -u
nebulet=${1:?usage: tests/firmament.sh NEBULET}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
U=$B/user/firmament
T=$B/tests/firmament
F=tests/firmament
FIRC=$B/firc/firc
SERVICES="$U/console.wasm $U/clock.wasm $U/random.wasm $U/netloop.wasm \
	$U/ramdisk.wasm"
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {
	echo "PASS $1"
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $1"
	fail=$((fail + 1))
}

# firc's own checks.
for f in $F/bad/*.fir; do
	want="$f:$(head -n 1 "$f" | sed 's/^# expect: //')"
	got=$($FIRC -o "$tmp" "$f" 2>&1)
	st=$?
	if [ $st -eq 1 ] && [ "$got" = "$want" ]; then
		ok "firc: $(basename "$f")"
	else
		bad "firc: $(basename "$f"): status $st, '$got', want '$want'"
	fi
done
for f in firmament/*.fir $F/types.fir; do
	if $FIRC -o "$tmp" "$f" 2>"$tmp/err"; then
		ok "firc: compiles $f"
	else
		bad "firc: $f: $(cat "$tmp/err")"
	fi
done
$FIRC >/dev/null 2>&1
[ $? -eq 2 ] && ok "firc: usage" || bad "firc: usage status"
$FIRC "$tmp/missing.fir" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "No such file" "$tmp/err" && ok "firc: missing file" ||
	bad "firc: missing file"
cp $F/types.fir "$tmp/Bad-Name.fir"
$FIRC -o "$tmp" "$tmp/Bad-Name.fir" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "must be" "$tmp/err" && ok "firc: bad file name" ||
	bad "firc: bad file name"

# Native: unit tests and the fuzz corpus.
if ! $F/build.sh >"$tmp/build" 2>&1; then
	bad "native build: $(tail -n 5 "$tmp/build")"
else
	$B/firmament/native/unit >"$tmp/out" 2>&1
	st=$?
	grep -E '^(PASS|FAIL) ' "$tmp/out" | sed 's/^\(PASS\|FAIL\) /\1 unit: /'
	pass=$((pass + $(grep -c '^PASS ' "$tmp/out")))
	fail=$((fail + $(grep -c '^FAIL ' "$tmp/out")))
	[ $st -eq 0 ] || bad "unit: status $st: $(tail -n 3 "$tmp/out")"
	$B/firmament/native/replay_fir -q -t 20 $F/corpus >"$tmp/out" 2>&1
	if [ $? -eq 0 ]; then
		ok "fuzz corpus ($(ls $F/corpus | wc -l) inputs)"
	else
		bad "fuzz corpus: $(grep FAIL "$tmp/out" | head -n 3)"
	fi
fi

# boot NAME [OPTION] FILES...: init with manifest NAME, output in $tmp.
boot() {
	local name=$1 opt=$2
	shift 2
	timeout 300 "$nebulet" kernel $opt $U/init.wasm $F/$name.manifest \
		$SERVICES "$@" >"$tmp/out" 2>"$tmp/err" <"${STDIN:-/dev/null}"
}

# suite NAME [OPTION]: manifest NAME runs a PASS/FAIL-printing program.
suite() {
	local name=$1 label=$1${2:+ $2} st
	boot "$name" "${2:-}" $T/e2e.wasm $T/hostile.wasm $T/crash.wasm \
		$T/args.wasm
	st=$?
	grep -E '^(PASS|FAIL) ' "$tmp/out" | sed "s/^\(PASS\|FAIL\) /\1 $label: /"
	pass=$((pass + $(grep -c '^PASS ' "$tmp/out")))
	fail=$((fail + $(grep -c '^FAIL ' "$tmp/out")))
	if [ $st -ne 0 ] || ! grep -qx done "$tmp/out"; then
		bad "$label: exit status $st or no 'done'"
		tail -n 20 "$tmp/err" | sed 's/^/  /'
	fi
}

# lines MAXDUP: the console lines are 1..N in order, each repeated at
# most MAXDUP extra times in all.
lines() {
	grep -E '^line [0-9]+$' "$tmp/out" | awk -v maxdup="$1" '
		{ n = $2 + 0
		  if (n == last) { dup++; next }
		  if (n != last + 1) { print "line " n " after " last; bad = 1 }
		  last = n }
		END { if (dup > maxdup) { print dup " duplicates"; bad = 1 }
		      if (last < 40) { print "only " last " lines"; bad = 1 }
		      exit bad }'
}

suite e2e
suite e2e --engine=interp
suite hostile
suite crash
if why=$(lines 0); then
	ok "crash: console output: each line once, in order"
else
	bad "crash: console output: $why"
fi
suite race
if why=$(lines 3); then
	ok "race: console output: no line lost, in order"
else
	bad "race: console output: $why"
fi

# mask FILE: the transcript without what other builds change: the sizes
# in `ls`.
mask() {
	sed -E -e 's/^ *[0-9]+ ([^ ]+)$/SIZE \1/' "$1"
}

# A plain WASI program (tests/wasi/args.c) sees `run`'s arguments.
cp $B/tests/wasi/args.wasm "$tmp/wasi-args.wasm"
STDIN=$F/shell.in boot shell "" $U/shell.wasm $T/args.wasm $B/user/hello.wasm \
	"$tmp/wasi-args.wasm"
st=$?
mask "$tmp/out" >"$tmp/shell"
if [ $st -eq 7 ] && diff -u $F/shell.expected "$tmp/shell" >"$tmp/diff"; then
	ok "shell: transcript and exit status"
else
	bad "shell: status $st (want 7), transcript:"
	head -n 30 "$tmp/diff" | sed 's/^/  /'
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
