#!/usr/bin/env bash
# tests/failboot.sh [COUNT|all]: failure injection on the bare-metal
# kernel (`failalloc=N` on its command line: the Nth kernel allocation of
# the boot fails, hal/x86_64/README.md). Boots what `make run` boots (the
# command `make -n RUN_NIC=0 run` prints: init, the services, the
# shell, without the network card) in QEMU
# with the shell fed "run hello.wasm" and "exit 3", once with
# failalloc=0 to count the kernel allocations of the whole run (M), then
# once for each of COUNT values of N (default 30) spread evenly over
# 1..M, the first and the last included (`all`: every N). Each run must
# end by itself (no timeout) with the kernel's exit record and no panic
# or CPU exception in its log, and be either the working system (the
# shell takes `exit 3`: status 3; hello may have met the failure, as an
# error of its own, and its output may then mix with the shell's) or a
# clean error: another nonzero status and a
# message (the boot loader's, init's, the kernel's on stderr, or a
# program's "NAME: what" as the last line of its output). One FAIL line
# per bad run, a PASS line with the outcomes; ends with "N passed, N
# failed".
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
count=${1:-30}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "SKIP failboot (qemu-system-x86_64 is not installed)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
runcmd=$(make -s -n B="$B" RUN_NIC=0 run 2>/dev/null |
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -E '/nebulet boot ')
if [ -z "$runcmd" ]; then
	echo "FAIL failboot: no boot command in 'make -n run'"
	echo "0 passed, 1 failed"
	exit 1
fi

# boot N: one run with allocation N failing (0: none); sets st and
# allocs (the count bootld printed).
boot() {
	printf 'run hello.wasm\nexit 3\n' |
		timeout 200 bash -c "${runcmd/ boot / boot -v --timeout=60 --append=failalloc=$1 }" \
			>"$tmp/out" 2>"$tmp/raw"
	st=$?
	tr -d '\r' <"$tmp/raw" >"$tmp/err" # the kernel's lines end in CR LF
	allocs=$(sed -n 's/^bootld: \([0-9]*\) kernel allocations$/\1/p' "$tmp/err")
}

boot 0
total=$allocs
if [ $st != 3 ] || [ -z "$total" ] || ! grep -qxF "fib(30) = 832040" "$tmp/out"; then
	echo "FAIL failboot: the run without failures: status $st"
	tail -n 20 "$tmp/err" | sed 's/^/  /'
	echo "0 passed, 1 failed"
	exit 1
fi
if [ "$count" = all ] || [ "$count" -ge "$total" ]; then
	ns=$(seq 1 "$total")
else
	ns=$(for ((i = 0; i < count; i++)); do
		echo $((1 + i * (total - 1) / (count - 1)))
	done | uniq)
fi
works=0 errors=0 deadlocks=0 bad=0
for n in $ns; do
	boot "$n"
	why=""
	[ $st = 124 ] && why="timeout"
	grep -q "stopped without an exit status" "$tmp/err" &&
		why="${why:+$why; }no exit record"
	grep -qE '(^|: )panic|exception [0-9]+:|triple fault' "$tmp/err" &&
		why="${why:+$why; }$(grep -m1 -E '(^|: )panic|exception [0-9]+:|triple fault' "$tmp/err")"
	# (a program's error may come through the Console: the last line)
	msg=$(grep -m1 -vE '^(bootld: [0-9]+ kernel allocations|Nebulet x86_64|boot: .*)$' \
		"$tmp/err" || tail -n 1 "$tmp/out" | grep -E '^[^ ]+: .')
	if [ -z "$why" ] && [ $st = 3 ] && grep -qE "exit 3$" "$tmp/out"; then
		works=$((works + 1))
		continue
	fi
	if [ -z "$why" ] && [ $st != 0 ] && [ -n "$msg" ]; then
		errors=$((errors + 1))
		grep -q 'deadlock' "$tmp/err" && deadlocks=$((deadlocks + 1))
		echo "  allocation $n of $total failing: status $st, $msg"
		continue
	fi
	[ -n "$why" ] || why="status $st, no error message and no working shell"
	echo "FAIL failboot: allocation $n of $total failing: $why"
	tail -n 15 "$tmp/err" | sed 's/^/    stderr| /'
	tail -n 5 "$tmp/out" | sed 's/^/    stdout| /'
	bad=$((bad + 1))
done
if [ $bad = 0 ]; then
	echo "PASS failboot: $(wc -w <<<"$ns") of $total kernel allocations failed in turn: $works times the shell worked, $errors times a clean error ($deadlocks the kernel's deadlock report)"
	pass=1
fi
fail=$bad
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
