#!/usr/bin/env bash
# tests/firmament.sh NEBULET: the firmament's tests (`make firmament`
# builds what they need). Ends with "N passed, N failed".
#   firc          each tests/firmament/bad/*.fir fails with the error of
#                 its first line ("# expect: LINE:COL: error: ..."); bad
#                 usage; every firmament/*.fir compiles
#   unit          tests/firmament/unit.c, native, under ASan/UBSan
#   fuzz corpus   tests/firmament/corpus/ replayed through fuzz_fir.c
#   e2e, hostile, crash, race, access
#                 init.wasm runs tests/firmament/NAME.manifest: the
#                 services, then the test programs, whose PASS/FAIL lines
#                 count (a missing "done" or a non-zero status is one
#                 more failure); crash and race also check the console
#                 output: every line, in order, duplicates only in race
#                 (at most one per kill)
#   mt            mt.c: threads calling at once (both engines)
#   fs            fsclient.c through the fatfs service on disk.img
#                 (mkdisk.sh); the disk it leaves passes fsck.fat -n
#                 and mtools sees what it wrote
#   fsconf        tests/wasi/fsconf.c on the FAT disk (fsconf.manifest:
#                 run --dir) prints what it prints under nebulet run --dir
#   lua           tests/apps/lua.wasm runs squares.lua from the FAT disk
#                 (lua.manifest), from a run line and the shell's run
#   shell         the shell reads tests/firmament/shell.in; its output
#                 (`ls` sizes masked) must be shell.expected, its exit
#                 status 7 (shellfs.*: the same on the file system);
#                 it runs tests/wasi/args.wasm (as
#                 wasi-args.wasm) with arguments; with the short console
#                 (shellshort.*) its output must still arrive whole
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

. tests/lib.sh # ok, bad

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

# counted LABEL STATUS: counts the PASS/FAIL lines of the last boot; a
# non-zero STATUS or a missing "done" line is one more failure.
counted() {
	local label=$1 st=$2
	grep -E '^(PASS|FAIL) ' "$tmp/out" | sed "s/^\(PASS\|FAIL\) /\1 $label: /"
	pass=$((pass + $(grep -c '^PASS ' "$tmp/out")))
	fail=$((fail + $(grep -c '^FAIL ' "$tmp/out")))
	if [ "$st" -ne 0 ] || ! grep -qx done "$tmp/out"; then
		bad "$label: exit status $st or no 'done'"
		tail -n 20 "$tmp/err" | sed 's/^/  /'
	fi
}

# suite NAME [OPTION]: manifest NAME runs a PASS/FAIL-printing program.
suite() {
	boot "$1" "${2:-}" $T/e2e.wasm $T/hostile.wasm $T/crash.wasm \
		$T/args.wasm $T/access.wasm "$tmp/denied.wasm" $T/mt.wasm
	counted "$1${2:+ $2}" $?
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

cp $T/access.wasm "$tmp/denied.wasm" # the same program, not granted
suite e2e
suite e2e --engine=interp
suite access
suite mt
suite mt --engine=interp

# badman WANT LINE...: a manifest of LINEs makes init exit with status 1
# and say WANT about its last line.
badman() {
	local want=$1
	shift
	printf '%s\n' "$@" >"$tmp/bad.manifest"
	"$nebulet" kernel $U/init.wasm "$tmp/bad.manifest" $U/console.wasm \
		</dev/null >/dev/null 2>"$tmp/err"
	if [ $? -eq 1 ] && grep -qF "init: bad.manifest:$#: $want" "$tmp/err"; then
		ok "manifest: $want"
	else
		bad "manifest: $*: want '$want', got '$(head -n 1 "$tmp/err")'"
	fi
}
badman "--handle=N: no startup handle N" "driver console console.wasm --handle=1"
badman "--handle=N: no startup handle N" "driver console console.wasm --handle=x"
badman "expected 'driver NAME FILE" "driver console"
badman "grant: not a boot file" "grant launcher nosuch.wasm"
badman "expected 'grant launcher|mem FILE...'" "grant console console.wasm"
badman "the name is taken" "service launcher console.wasm"
badman "the name is taken" "service console console.wasm" \
	"driver console console.wasm"
badman "--handle=N: no startup handle N" "publish ethernet --handle=1"
badman "expected 'publish NAME --handle=N'" "publish ethernet"
badman "expected 'publish NAME --handle=N'" "publish ethernet --handle=x"
# The manifest language's lexer (bootld/manifest.h), as the boot loader
# reads it: quotes and backslashes make words, # lines are comments.
badman "unterminated quote or too many words" 'run "shell.wasm'
badman "the name is taken" '  # a comment' '"serv"ice l\auncher console.wasm'
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

# The shell on the file system (shellfs.*): ls, cat, cp (from the disk
# and from the boot files), rm and mkdir through fatfs on disk.img.
STDIN=$F/shellfs.in boot shellfs "" $U/fatfs.wasm $U/shell.wasm $T/disk.img
st=$?
if [ $st -eq 3 ] && diff -u $F/shellfs.expected "$tmp/out" >"$tmp/diff"; then
	ok "shell: ls, cat, cp, rm, mkdir on the file system"
else
	bad "shell: file system: status $st (want 3), transcript:"
	head -n 30 "$tmp/diff" | sed 's/^/  /'
fi

# The shell's mem: the machine's memory and a line per process (init,
# its services, the shell) with its kernel memory, linear memory and
# handles against the default limits (the kernel call mem_usage): the
# manifest grants the shell the inspect right (`grant mem`). Without
# that grant the same shell sees only itself.
printf 'mem\nexit 0\n' >"$tmp/mem.in"
MEMLINE='^ +[0-9]+ [^ ]+ +[0-9]+/65536 +[0-9]+/1048576 +[0-9]+/1024 *$'
for grant in mem ""; do
	if [ -n "$grant" ]; then
		cp $F/shell.manifest "$tmp/memsh.manifest"
	else
		grep -v '^grant mem' $F/shell.manifest >"$tmp/memsh.manifest"
	fi
	timeout 300 "$nebulet" kernel $U/init.wasm "$tmp/memsh.manifest" \
		$SERVICES $U/shell.wasm <"$tmp/mem.in" >"$tmp/out" 2>"$tmp/err"
	st=$?
	n=$(grep -cE "$MEMLINE" "$tmp/out")
	me=$(grep -E "$MEMLINE" "$tmp/out" | grep -c ' shell\.wasm ')
	if [ $st -eq 0 ] && grep -qE '^RAM [1-9][0-9]* KiB, [0-9]+ KiB free' "$tmp/out" &&
		{ { [ -n "$grant" ] && [ "$n" -ge 3 ]; } ||
			{ [ -z "$grant" ] && [ "$n" = 1 ] && [ "$me" = 1 ]; }; }; then
		what="its own use alone (no grant)"
		[ -n "$grant" ] && what="each process's use"
		ok "shell: mem lists the machine and $what"
	else
		bad "shell: mem${grant:+ granted}: status $st (want 0), output:"
		head -n 30 "$tmp/out" | sed 's/^/  /'
	fi
done

# WASI output through the Console (tagcons.c tags every line it writes
# "console| "): writes.wasm as a `run` line and run by the shell; all of
# stdout must be tagged and, untagged, writes.wasm's own output (as
# `nebulet run` prints it) twice around the shell's lines.
"$nebulet" run $T/writes.wasm >"$tmp/writes.expect"
printf 'run writes.wasm\nexit 3\n' >"$tmp/tagged.in"
STDIN="$tmp/tagged.in" boot tagged "" $T/tagcons.wasm $U/shell.wasm \
	$T/writes.wasm
st=$?
{
	cat "$tmp/writes.expect"
	echo "nebulet> run writes.wasm"
	cat "$tmp/writes.expect"
	echo "nebulet> exit 3"
} >"$tmp/tagged.expect"
if [ $st -eq 3 ] && ! grep -qv '^console| ' "$tmp/out" &&
	sed 's/^console| //' "$tmp/out" | cmp -s - "$tmp/tagged.expect"; then
	ok "console: WASI output of run lines and the shell's run goes through it"
else
	bad "console: tagged output: status $st (want 3), stdout:"
	head -n 20 "$tmp/out" | sed 's/^/  /'
fi

# pieces FILE: checks what shortcons.wasm wrote: '~' starts each piece
# it acknowledged; untagged, a piece holds at most 7 bytes, and the
# pieces together are writes.wasm's output, each byte once.
pieces() {
	tr -d '~' <"$1" | sed 's/^console| //' | cmp -s - "$tmp/writes.expect" ||
		{ echo "output differs"; return 1; }
	sed 's/console| //g' "$1" | awk 'BEGIN { RS = "~" }
		(NR == 1 && length($0)) || length($0) > 7 { bad++ }
		END { if (bad || NR < 2) { print NR - 1 " pieces, " bad+0 " bad"; exit 1 } }'
}
cp $T/tagcons.wasm "$tmp/shortcons.wasm"
boot short "" "$tmp/shortcons.wasm" $T/writes.wasm
st=$?
if [ $st -eq 0 ] && why=$(pieces "$tmp/out"); then
	ok "console: writes acknowledged in part are completed, no byte twice"
else
	bad "console: short acknowledgements: status $st: ${why:-}"
	head -c 600 "$tmp/out" | sed 's/^/  /'
fi

# The shell with the short console: its own output (the shell's lines,
# a child's WASI output, cat) arrives whole, in pieces of at most 7 bytes.
STDIN=$F/shellshort.in boot shellshort "" "$tmp/shortcons.wasm" \
	$U/shell.wasm $B/user/hello.wasm
st=$?
tr -d '~' <"$tmp/out" | sed 's/^console| //' >"$tmp/shell"
if [ $st -eq 5 ] && diff -u $F/shellshort.expected "$tmp/shell" >"$tmp/diff" &&
	sed 's/console| //g' "$tmp/out" | awk 'BEGIN { RS = "~" }
		length($0) > 7 { bad = 1 } END { exit bad || NR < 100 }'; then
	ok "shell: output acknowledged in part is completed (short console)"
else
	bad "shell: short console: status $st (want 5):"
	head -n 30 "$tmp/diff" | sed 's/^/  /'
fi

# A console acknowledging 0 bytes: fd_write gives EIO (no endless
# retries), so writes.wasm's write() of 5000 bytes fails: status 1.
cp $T/tagcons.wasm "$tmp/zerocons.wasm"
boot zero "" "$tmp/zerocons.wasm" $T/writes.wasm
st=$?
if [ $st -eq 1 ] && [ ! -s "$tmp/out" ]; then
	ok "console: a write acknowledged with 0 bytes fails (EIO)"
else
	bad "console: zero acknowledgements: status $st (want 1)"
	head -c 300 "$tmp/out" | sed 's/^/  /'
fi
# The file system: fatfs over the RAM disk's copy of disk.img (made by
# mkdisk.sh with mkfs.fat and mtools), used by fsclient.c, which then
# prints the disk: rebuilt, it must pass fsck.fat -n and show mtools
# exactly what the client made.
boot fs "" $U/fatfs.wasm $T/fsclient.wasm $T/disk.img
counted fs $?
tests/firmament/checkdisk.sh "$tmp/out" "$tmp" >"$tmp/check"
sed 's/^\(PASS\|FAIL\) /\1 fs: /' "$tmp/check"
pass=$((pass + $(grep -c '^PASS ' "$tmp/check")))
fail=$((fail + $(grep -c '^FAIL ' "$tmp/check")))

# WASI on the firmament's files (kernel/wasi_fir.c): tests/wasi/fsconf.c
# with the FAT disk's root as its preopen /sandbox prints exactly what
# it prints under `nebulet run --dir` on a host directory.
boot fsconf "" $U/fatfs.wasm $B/tests/wasi/fsconf.wasm $T/disk.img
st=$?
mkdir "$tmp/sandbox"
"$nebulet" run --dir="$tmp/sandbox::/sandbox" $B/tests/wasi/fsconf.wasm \
	>"$tmp/hosted" 2>&1
if [ $st -eq 0 ] && cmp -s "$tmp/out" "$tmp/hosted"; then
	ok "fsconf: FAT through FileSystem as nebulet run --dir ($(grep -c ' ok$' "$tmp/out") checks)"
else
	bad "fsconf: status $st, or the outputs differ:"
	diff "$tmp/hosted" "$tmp/out" | head -n 20 | sed 's/^/  /'
	tail -n 5 "$tmp/err" | sed 's/^/  /'
fi

# Lua's interpreter (tests/apps/lua.wasm) runs a script stored on the
# FAT disk (tests/apps/disk.img), from a run line with --dir and from the shell's
# run; the shell's cat shows the file the script wrote.
printf 'run lua.wasm /lua/squares.lua\ncat /lua/squares.txt\nexit 3\n' \
	>"$tmp/lua.in"
STDIN="$tmp/lua.in" boot lua "" $U/fatfs.wasm $U/shell.wasm \
	$B/tests/apps/lua.wasm $B/tests/apps/disk.img
st=$?
lua_line="Lua 5.4 read 10 lines from /lua/squares.txt, sum 385"
if [ $st -eq 3 ] && [ "$(grep -cxF "$lua_line" "$tmp/out")" = 2 ] &&
	grep -qx "10 squared is 100" "$tmp/out"; then
	ok "lua: a script on the FAT disk, from a run line and the shell"
else
	bad "lua: status $st (want 3), or output:"
	head -n 20 "$tmp/out" "$tmp/err" | sed 's/^/  /'
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
