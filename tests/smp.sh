#!/usr/bin/env bash
# tests/smp.sh [SECONDS]: the bare-metal kernel on 1, 2 and 4 CPUs
# (`nebulet boot --smp=N`, multi-threaded TCG or KVM) for about SECONDS
# (default 60; at least one round): each round takes the next CPU count
# of 1, 2, 4 and runs, as init on that many CPUs, the kernel's test
# programs (tests/kernel: ipc, hostile, preempt, vmo, threads, timer,
# prio, on the JIT), a round of tests/kernel/stress.c (spawns, floods,
# churned waits: a leaked handle fills its table and fails it), the
# atomics test, and the firmament's end-to-end test (init, five
# services, e2e.wasm). Each PASS and FAIL line of theirs counts; a
# missing "done", a panic or hang (a status other than the program's) is
# one more failure. `make stress` runs it (tests/stress.sh); tests/boot.sh
# runs a few of these at 1, 2 and 4. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
seconds=${1:-60}
B=${B:-build}
NEBULET=$B/nebulet K=$B/tests/kernel U=$B/user/firmament
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "500 500 500 0" >"$tmp/stress.conf"

# run LABEL N WANT-DONE COMMAND-ARGS...: `nebulet boot --smp=N ARGS`;
# its PASS/FAIL lines count; status 0 (and "done" if WANT-DONE) or one
# more failure.
run() {
	local label=$1 n=$2 want=$3 status p f
	shift 3
	timeout 300 "$NEBULET" boot --timeout=200 --smp="$n" "$@" </dev/null \
		>"$tmp/out" 2>"$tmp/err"
	status=$?
	grep '^FAIL ' "$tmp/out" | sed "s/^FAIL /FAIL $label (smp $n): /"
	p=$(grep -c '^PASS ' "$tmp/out")
	f=$(grep -c '^FAIL ' "$tmp/out")
	pass=$((pass + p))
	fail=$((fail + f))
	if [ $status != 0 ] || { [ "$want" = "done" ] && ! grep -qx "done" "$tmp/out"; }; then
		echo "FAIL $label (smp $n): status $status or no 'done'"
		tail -n 10 "$tmp/err" | sed 's/^/  /'
		fail=$((fail + 1))
	else
		echo "PASS $label (smp $n): $p checks"
		pass=$((pass + 1))
	fi
}

end=$((SECONDS + seconds)) rounds=0
while [ $SECONDS -lt $end ] || [ $rounds = 0 ]; do
	n=$(((rounds % 3 == 2) ? 4 : rounds % 3 + 1))
	rounds=$((rounds + 1))
	for t in ipc hostile preempt vmo threads timer prio; do
		run "kernel $t" $n "done" --engine=jit --kernel "$K/$t.wasm" \
			"$K/child.wasm"
	done
	run "kernel stress" $n "done" --kernel "$K/stress.wasm" "$K/child.wasm" \
		"$tmp/stress.conf"
	run "atomics" $n - "$K/atomics.wasm"
	run "firmament e2e" $n "done" --kernel "$U/init.wasm" \
		tests/firmament/e2e.manifest \
		"$U/"{console,clock,random,netloop,ramdisk}.wasm \
		"$B/tests/firmament/"{e2e,args}.wasm
done
echo "$rounds rounds (CPUs 1, 2, 4 in turn)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
