#!/usr/bin/env bash
# tests/wasi.sh NEBULET: runs each wasm32-wasi test program built from
# tests/wasi/NAME.c (build/tests/wasi/NAME.wasm) with `NEBULET run` and
# checks it against tests/wasi/:
#   NAME.expect  stdout, byte for byte (required)
#   NAME.args    the program's arguments, one per line (optional)
#   NAME.env     its environment, NAME=VALUE per line (optional)
#   NAME.stdin   its standard input (optional; else empty)
#   NAME.status  expected exit status (optional; else 0)
#   NAME.stderr  lines that must each appear in stderr (optional)
#   NAME.nonode  no comparison with Node (its behaviour differs)
#   NAME.dir     runner options, one per line, @ standing for a fresh
#                empty scratch directory (--dir=@::/sandbox)
#   NAME.listen  a server: run with --listen=tcp:127.0.0.1:PORT (a free
#                port) while this script is its client (sock_client)
# Then unmodified programs on files: zlib's minigzip compresses and
# restores a file under --dir (checked by the host's gzip and cmp);
# SQLite's shell inserts 10,000 rows into a database file there.
# Then the command line itself: tests/wasi/cli_*.wat (built with wat2wasm)
# and bad invocations, each checked for its exit status and a message.
# When node is installed, programs that are expected to exit normally also
# run under Node's WASI (node-run.mjs) as a reference: same stdout, same
# status. (Node 20 sometimes crashes at exit after a big memory.grow
# unless its GC runs on one thread: hence --single-threaded-gc.)
# Prints "PASS name" / "FAIL name" (with a diff) per check and ends with
# "N passed, N failed".
set -u
nebulet=${1:?usage: tests/wasi.sh NEBULET}
[ -e "$nebulet" ] && nebulet=$(realpath "$nebulet")
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
dir=tests/wasi
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
have_node=0
command -v node >/dev/null && have_node=1

# shellcheck source=tests/lib.sh
. tests/lib.sh

# check NAME LABEL RUNNER...: runs RUNNER [--env=..]... NAME.wasm ARGS and
# compares its stdout, status and stderr with the expected.
check() {
	local name=$1 label=$2 status why=""
	shift 2
	wasi_load "$name" "$tmp/scratch"
	wasi_run "$name" "$tmp/out" "$tmp/err" timeout 120 "$@"
	status=$?
	if ! cmp -s "$tmp/out" "$dir/$name.expect"; then
		why="stdout differs"
	elif [ "$status" != "$wasi_status" ]; then
		why="exit status $status, expected $wasi_status"
	elif [ -n "$(wasi_stderr_lacks "$name" "$tmp/err")" ]; then
		why="stderr lacks an expected line"
	fi
	wasi_verdict "$label" "$name" "$tmp/out" "$tmp/err"
}

# cli LABEL STATUS TEXT COMMAND...: COMMAND exits with STATUS and prints
# TEXT (on stdout or stderr; "" for anything).
cli() {
	local label=$1 want=$2 text=$3 status
	shift 3
	timeout 60 "$@" </dev/null >"$tmp/out" 2>&1
	status=$?
	if [ "$status" = "$want" ] &&
		{ [ -z "$text" ] || grep -qF -- "$text" "$tmp/out"; }; then
		echo "PASS $label"
		pass=$((pass + 1))
	else
		echo "FAIL $label: status $status (want $want), output:"
		sed 's/^/  /' "$tmp/out" | head -n 10
		echo "  (wanted: $text)"
		fail=$((fail + 1))
	fi
}

# sock_client NAME: runs server NAME with a listening socket on a port
# free at the time, connects, sends "hello", reads the answer until the
# server shuts its side, closes; then compares the server's stdout.
sock_client() {
	local name=$1 port pid c answer try
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 30000))
		timeout 60 "$nebulet" run --listen="tcp:127.0.0.1:$port" \
			"$B/tests/wasi/$name.wasm" >"$tmp/out" 2>"$tmp/err" &
		pid=$!
		for _ in $(seq 50); do
			{ exec {c}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && break
			c=
			kill -0 $pid 2>/dev/null || break
			sleep 0.1
		done
		[ -n "$c" ] && break
		wait $pid
	done
	why=""
	if [ -z "$c" ]; then
		why="could not connect"
	else
		printf 'hello\n' >&"$c"
		answer=$(cat <&"$c")
		exec {c}>&-
		[ "$answer" = HELLO ] || why="answer '$answer', expected HELLO"
	fi
	wait $pid || why="${why:+$why; }exit status $?"
	cmp -s "$tmp/out" "$dir/$name.expect" || why="${why:+$why; }stdout differs"
	wasi_verdict "$name" "$name" "$tmp/out" "$tmp/err"
}

for src in "$dir"/*.c; do
	name=$(basename "$src" .c)
	if [ -f "$dir/$name.listen" ] && [ -f "$B/tests/wasi/$name.wasm" ]; then
		sock_client "$name"
		continue
	fi
	if [ ! -f "$B/tests/wasi/$name.wasm" ]; then
		echo "FAIL $name: $B/tests/wasi/$name.wasm not built"
		fail=$((fail + 1))
		continue
	fi
	check "$name" "$name" "$nebulet" run
	if [ $have_node = 1 ] && [ ! -f "$dir/$name.nonode" ] &&
		[ ! -f "$dir/$name.stderr" ]; then
		check "$name" "node:$name" node --no-warnings --single-threaded-gc \
			"$dir/node-run.mjs"
	fi
done
# Tiering: osr's main is one long interpreter loop, which the default
# engine moves to optimized code while it runs (--opt-stats says so);
# every engine prints the same. osr_trap traps deep in such a loop: every
# engine names the same function and offset.
for e in interp base opt; do
	check osr "osr ($e)" "$nebulet" run --engine="$e"
done
check osr "osr (jit, --opt-stats)" "$nebulet" run --opt-stats
why=""
grep -q ', 1 on-stack replacements' "$tmp/err" || why="no on-stack replacement"
wasi_verdict "osr (its loop replaced)" osr "$tmp/out" "$tmp/err"
for e in jit interp base opt; do
	check osr_trap "osr_trap ($e)" "$nebulet" run --engine="$e"
	grep -F ' trap: ' "$tmp/err" >"$tmp/trap.$e"
done
for e in interp base opt; do
	why=""
	cmp -s "$tmp/trap.jit" "$tmp/trap.$e" || why="trap messages differ"
	wasi_verdict "osr_trap (location, jit = $e)" osr_trap "$tmp/out" \
		"$tmp/trap.$e"
done

# app_verdict NAME: passes NAME when $why is empty, else fails it with
# $why and the stderr of its runs ($tmp/err).
app_verdict() {
	if [ -z "$why" ]; then
		echo "PASS $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1: $why"
		sed 's/^/    stderr| /' "$tmp/err" | head -n 20
		fail=$((fail + 1))
	fi
}

# minigzip: $B/tests/apps/minigzip.wasm on a scratch directory.
mg=$B/tests/apps/minigzip.wasm
if [ -f "$mg" ]; then
	why=""
	rm -rf "$tmp/mg" && mkdir "$tmp/mg"
	seq 1 50000 >"$tmp/mg/data.txt"
	cp "$tmp/mg/data.txt" "$tmp/orig.txt"
	: >"$tmp/err"
	"$nebulet" run --dir="$tmp/mg::/sandbox" "$mg" /sandbox/data.txt \
		>"$tmp/out" 2>>"$tmp/err" || why="compress failed"
	[ -z "$why" ] && { [ -e "$tmp/mg/data.txt" ] || ! gzip -t "$tmp/mg/data.txt.gz"; } &&
		why="no valid data.txt.gz in place of data.txt"
	[ -z "$why" ] && ! "$nebulet" run --dir="$tmp/mg::/sandbox" "$mg" -d \
		/sandbox/data.txt.gz >"$tmp/out" 2>>"$tmp/err" && why="decompress failed"
	[ -z "$why" ] && ! cmp -s "$tmp/mg/data.txt" "$tmp/orig.txt" &&
		why="restored file differs"
	app_verdict minigzip
fi
# SQLite's shell ($B/tests/apps/sqlite3.wasm) makes a database file in a
# --dir directory and inserts 10,000 rows; the next run reads them, and
# so does the host's sqlite3 when installed.
sq=$B/tests/apps/sqlite3.wasm
if [ -f "$sq" ]; then
	why=""
	rm -rf "$tmp/sq" && mkdir "$tmp/sq"
	tests/apps/rows.sh 10000 >"$tmp/sq/rows.sql"
	"$nebulet" run --dir="$tmp/sq::/" "$sq" /t.db ".read /rows.sql" \
		>"$tmp/out" 2>"$tmp/err" || why="insert failed"
	[ -z "$why" ] && { "$nebulet" run --dir="$tmp/sq::/" "$sq" /t.db \
		"SELECT count(*), sum(a), max(b) FROM t;" >"$tmp/out" 2>>"$tmp/err"
	grep -qx "10000|50005000|row 9999" "$tmp/out"; } || why="${why:-rows not read back}"
	if [ -z "$why" ] && command -v sqlite3 >/dev/null &&
		[ "$(sqlite3 "$tmp/sq/t.db" 'SELECT count(*) FROM t;' 2>/dev/null)" != 10000 ]; then
		why="the host's sqlite3 does not see 10000 rows"
	fi
	app_verdict sqlite3
fi
if command -v wat2wasm >/dev/null; then
	for wat in "$dir"/cli_*.wat; do
		wat2wasm "$wat" -o "$tmp/$(basename "$wat" .wat).wasm"
	done
	w=$tmp
	cli cli_nostart 1 "cli_nostart.wasm: no _start export" \
		"$nebulet" run "$w/cli_nostart.wasm"
	cli cli_unknown_import 1 "mystery" \
		"$nebulet" run "$w/cli_unknown_import.wasm"
	cli cli_wrong_type 1 "link error" "$nebulet" run "$w/cli_wrong_type.wasm"
	cli cli_not_wasi 1 "fd_frobnicate" "$nebulet" run "$w/cli_not_wasi.wasm"
	cli cli_no_memory 21 "" "$nebulet" run "$w/cli_no_memory.wasm"
	cli cli_start_exit 7 "" "$nebulet" run "$w/cli_start_exit.wasm"
	cli cli_unreachable 134 "cli_unreachable.wasm: trap: unreachable" \
		"$nebulet" run "$w/cli_unreachable.wasm"
fi
printf '\0asm\1\0\0\0\1\5\1\x60\0' >"$tmp/bad.wasm"
cli cli_malformed 1 "bad.wasm: offset 0x" "$nebulet" run "$tmp/bad.wasm"
cli cli_missing_file 1 "absent.wasm: " "$nebulet" run "$tmp/absent.wasm"
cli cli_validate 0 "hello.wasm: ok" "$nebulet" validate "$B/tests/wasi/hello.wasm"
cli cli_validate_bad 1 "bad.wasm: offset 0x" "$nebulet" validate "$tmp/bad.wasm"
cli cli_help 0 "usage: nebulet" "$nebulet"
cli cli_help_flag 0 "validate" "$nebulet" --help
cli cli_unknown_command 2 "unknown command" "$nebulet" frobnicate
cli cli_run_no_file 2 "usage: nebulet run" "$nebulet" run
cli cli_unknown_engine 2 "unknown engine" "$nebulet" run --engine=warp x.wasm
cli cli_dir_missing 1 "--dir=$tmp/absent: No such file" \
	"$nebulet" run --dir="$tmp/absent" "$B/tests/wasi/hello.wasm"
cli cli_dir_file 1 "Not a directory" \
	"$nebulet" run --dir="$B/tests/wasi/hello.wasm::/x" "$B/tests/wasi/hello.wasm"
cli cli_listen_bad 1 "expected tcp:ADDRESS:PORT" \
	"$nebulet" run --listen=udp:1 "$B/tests/wasi/hello.wasm"
cli cli_listen_port 1 "bad address or port" \
	"$nebulet" run --listen=tcp:127.0.0.1:99999 "$B/tests/wasi/hello.wasm"

# The README's own recipe ("Run your own program"): its clang lines, run
# as they stand on a hi.c that divides by zero, give a program whose trap
# names the function. A single optimizing compile-and-link (binaryen's
# wasm-opt then drops the names) gets the runner's explanation instead.
mkdir -p "$tmp/recipe"
cat >"$tmp/recipe/hi.c" <<'X'
#include <stdio.h>
__attribute__((noinline)) static int divide(int a, int b) { return a / b; }
int main(int argc, char **argv) { printf("%d\n", divide(argc, argc - 1)); return 0; }
X
recipe=$(sed -n '/^## Run your own program/,/^## /s/^    \(clang .*\)/\1/p' README.md)
if [ -z "$recipe" ] || ! (cd "$tmp/recipe" && eval "$recipe") >"$tmp/out" 2>&1; then
	echo "FAIL readme_recipe: README.md's clang lines did not build hi.wasm"
	sed 's/^/  /' "$tmp/out" | head -n 10
	fail=$((fail + 1))
fi
cli readme_recipe_names 134 "divide by zero in function 'divide'" \
	"$nebulet" run "$tmp/recipe/hi.wasm"
if command -v wasm-opt >/dev/null; then
	(cd "$tmp/recipe" && clang --target=wasm32-wasi --sysroot=/usr -O2 hi.c -o one.wasm)
	cli readme_one_step_hint 134 "no function names" \
		"$nebulet" run "$tmp/recipe/one.wasm"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
