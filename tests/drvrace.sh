#!/usr/bin/env bash
# tests/drvrace.sh KILLS SEED: the wasm 16550 UART Console driver,
# supervised by the firmament's init on the bare-metal kernel (QEMU, COM2),
# killed KILLS times at points drawn from SEED while tests/firmament/crash.c
# writes "line 1", "line 2", ... through it, reconnecting and writing a
# line again when its write was not acknowledged
# (tests/firmament/drvrace.manifest). Passes when the machine ends by
# itself with status 0 (no panic, no hang), crash.c's checks pass (init
# counted KILLS restarts; the accounts, kernel memory and handles that
# mem_usage shows are back to their values before the kills), and COM2
# holds every line from 1 to the last, in order: a line may repeat (its
# acknowledgement died with the driver), or follow the first bytes of
# itself (the driver died while sending them: "lline 7"), none is
# missing (no acknowledged line lost). Prints one PASS or FAIL line (with the logs'
# tails); tests/boot.sh runs 100 kills, `make stress` 1,000.
set -u
kills=${1:?usage: tests/drvrace.sh KILLS SEED}
seed=${2:?usage: tests/drvrace.sh KILLS SEED}
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$B/nebulet
tmp=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then echo "keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi

cp "$B/user/firmament/init.wasm" "$B/drivers/uart16550.wasm" \
	"$B/tests/firmament/crash.wasm" "$tmp/"
sed -e "s/ SEED KILLS\$/ $seed $kills/" tests/firmament/drvrace.manifest \
	>"$tmp/drvrace.manifest"
printf '%s\n' '--ioport=0x2f8:8 --irq=3 --kernel init.wasm drvrace.manifest uart16550.wasm crash.wasm' \
	>"$tmp/man"
neb=$(realpath "$NEBULET")
(cd "$tmp" && "$neb" pack -o ar --manifest=man init.wasm \
	drvrace.manifest uart16550.wasm crash.wasm) || exit 1
# Silent stretches are short (each restart prints), so the timeout is
# only for a hang; the whole may take minutes under TCG.
timeout $((600 + kills * 3)) "$NEBULET" boot --timeout=120 \
	--initrd="$tmp/ar" --serial2="$tmp/com2.out" </dev/null \
	>"$tmp/out" 2>"$tmp/err"
status=$? why=""
[ $status = 0 ] || why="status $status"
grep -qx done "$tmp/com2.out" || why="${why:+$why; }no 'done' on COM2"
grep -q '^FAIL' "$tmp/com2.out" "$tmp/out" &&
	why="${why:+$why; }$(grep -h '^FAIL' "$tmp/com2.out" "$tmp/out" | head -n 3)"
[ "$(grep -c '^PASS' "$tmp/com2.out")" -ge 5 ] ||
	why="${why:+$why; }fewer than 5 PASS lines"
got=$(grep -c 'service console ended (137)' "$tmp/err")
[ "$got" = "$kills" ] || why="${why:+$why; }init saw $got kills, not $kills"
# Lines 1..N in order; a line may repeat right after itself, or end a
# row that starts with bytes of an unacknowledged try.
if ! grep -oE 'line [0-9]+$' "$tmp/com2.out" | awk '
	{ n = $2 + 0; if (n == last) next
	  if (n != last + 1) { print "line " n " after line " last; exit 1 }
	  last = n }
	END { if (last < 200) { print "only " last " lines"; exit 1 } }' \
	>"$tmp/lines"; then
	why="${why:+$why; }$(cat "$tmp/lines")"
fi
if [ -z "$why" ]; then
	echo "PASS driver race: $kills kills of the wasm UART driver (seed $seed), $(grep -cE 'line [0-9]+$' "$tmp/com2.out") lines, none lost; $(grep -m1 '^usage:' "$tmp/com2.out")"
	exit 0
fi
echo "FAIL driver race: $kills kills (seed $seed): $why"
tail -n 20 "$tmp/err" | sed 's/^/    stderr| /'
tail -n 10 "$tmp/com2.out" | sed 's/^/    com2| /'
exit 1
