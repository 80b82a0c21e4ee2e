#!/usr/bin/env bash
# tests/stress.sh [SECONDS]: the kernel and the firmament under load for
# about SECONDS (default 60): a third on the hosted kernel ($NEBULET,
# default build/nebulet) in tests/kernel/stress.c's rounds (100,000
# spawn/exit cycles, floods of 8 writers of 20,000 messages, 20,000
# messages read through waits on 64 churned handles, repeated until the
# time is up), a third in rounds of tests/firmament/crash.c's race
# there (the console killed 3 times at points drawn from a new seed each
# round, while a client writes: no panic, no acknowledged line lost,
# each line in order), the rest on the bare-metal kernel in QEMU:
# rounds of tests/drvrace.sh, the wasm UART driver killed $STRESS_KILLS
# (1,000) times at seeded points during console output, at least one
# round whatever SECONDS is, then for as long again tests/smp.sh, the
# kernel's tests and the firmament's on 1, 2 and 4 CPUs in turn; then
# tests/httpd.sh with HTTPD_FULL=1 (about a minute more). Ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
seconds=${1:-60}
B=${B:-build}
nebulet=${NEBULET:-$B/nebulet}
K=$B/tests/kernel U=$B/user/firmament T=$B/tests/firmament
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

verdict() { # NAME OK-STATUS
	if [ "$2" = 0 ]; then
		echo "PASS $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		fail=$((fail + 1))
	fi
}

echo "100000 20000 20000 $((seconds / 3))" >"$tmp/stress.conf"
"$nebulet" kernel "$K/stress.wasm" "$K/child.wasm" "$tmp/stress.conf" \
	>"$tmp/out" 2>"$tmp/err"
st=$?
cat "$tmp/out"
pass=$((pass + $(grep -c '^PASS ' "$tmp/out")))
fail=$((fail + $(grep -c '^FAIL ' "$tmp/out")))
[ $st = 0 ] && grep -qx done "$tmp/out" && ! grep -q 'objects left' "$tmp/err"
verdict "kernel stress: status $st, no objects left" $?

end=$((SECONDS + seconds / 3)) rounds=0 bad=0
while [ $SECONDS -lt $end ] || [ $rounds = 0 ]; do
	seed=$((RANDOM * 32768 + RANDOM))
	sed "s/^run crash.wasm race\$/run crash.wasm race $seed/" \
		tests/firmament/race.manifest >"$tmp/race.manifest"
	timeout 300 "$nebulet" kernel "$U/init.wasm" "$tmp/race.manifest" \
		"$U/console.wasm" "$U/clock.wasm" "$U/random.wasm" \
		"$T/crash.wasm" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	rounds=$((rounds + 1))
	# Lines 1..N in order (a line whose reply a kill lost may repeat).
	if [ $st != 0 ] || ! grep -qx done "$tmp/out" ||
		grep -q '^FAIL ' "$tmp/out" ||
		! grep -E '^line [0-9]+$' "$tmp/out" | awk '
			{ n = $2 + 0; if (n == last) next
			  if (n != last + 1) exit 1; last = n }
			END { exit last < 200 }'; then
		echo "FAIL console race, seed $seed: status $st"
		tail -n 5 "$tmp/err" "$tmp/out" | sed 's/^/  /'
		bad=$((bad + 1))
	fi
done
echo "$rounds console races, $((3 * rounds)) driver kills"
verdict "console races: no line lost or out of order ($bad failed)" $bad

# The bare-metal driver races, until half the rest is up (at least one).
rest=$((seconds - 2 * (seconds / 3)))
end=$((SECONDS + rest / 2)) rounds=0
while [ $SECONDS -lt $end ] || [ $rounds = 0 ]; do
	B=$B tests/drvrace.sh "${STRESS_KILLS:-1000}" $((RANDOM * 32768 + RANDOM))
	verdict "driver race round $((rounds += 1))" $?
done

# The kernel's and the firmament's tests on 1, 2 and 4 CPUs.
B=$B tests/smp.sh $((rest - rest / 2)) >"$tmp/smp.out"
st=$?
grep -E '^FAIL |^  |rounds' "$tmp/smp.out"
verdict "smp: $(tail -n 1 "$tmp/smp.out")" $st

# The web server on bare metal with both virtio-net drivers, every
# check with each (make test runs the native driver's quick half).
HTTPD_FULL=1 B=$B tests/httpd.sh "$nebulet" >"$tmp/httpd" 2>&1
st=$?
grep '^FAIL' "$tmp/httpd"
verdict "httpd, both drivers fully: $(tail -n 1 "$tmp/httpd")" $st

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
