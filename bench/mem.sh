#!/usr/bin/env bash
# bench/mem.sh: memory figures of the bare-metal kernel in QEMU, printed
# as rows "NAME VALUE UNIT" for bench/run.sh (no baselines):
#   mem.boot_kib     RAM in use at the shell's prompt: what `make run`
#                    boots (the firmament's init, services and shell),
#                    from the shell's `mem` (RAM less free RAM)
#   mem.process_kib  RAM one more idle process takes beyond its linear
#                    memory and the code it shares with the processes of
#                    its image (bench/kernel/memproc.c: the mean of 8 echo
#                    children blocked in a read)
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$B/nebulet
W=$B/bench
make -s "$B/nebulet.elf" "$NEBULET" "$B/tests/kernel/child.wasm" firmament \
	>/dev/null || exit 1
mkdir -p "$W"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Iuser/include \
	-o "$W/memproc.wasm" bench/kernel/memproc.c || exit 1

runcmd=$(make -s -n B="$B" run 2>/dev/null |
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -E '/nebulet boot ')
[ -n "$runcmd" ] || exit 1
printf '%s\n' mem 'exit 0' | timeout 300 bash -c "$runcmd" |
	awk '/^RAM [0-9]+ KiB, [0-9]+ KiB free/ {
		print "mem.boot_kib", $2 - $4, "KiB"; found = 1 }
	END { exit !found }' || exit 1
"$NEBULET" boot --timeout=300 --kernel "$W/memproc.wasm" \
	"$B/tests/kernel/child.wasm" </dev/null |
	awk '/^mem\.process_kib [0-9]+ KiB$/ { print; found = 1 }
	END { exit !found }'
