#!/usr/bin/env bash
# tests/boot.sh: boots build/nebulet.elf in QEMU (headless; KVM when
# /dev/kvm is usable, else TCG; qboot firmware when installed) and checks
# the serial log and the exit status of each boot. The kernel's self-tests
# are picked with the command line (`-append test=NAME`, see
# hal/x86_64/kmain.c). The kernel ends QEMU through isa-debug-exit, so
# QEMU's status is (code << 1) | 1: 1 for a clean exit, 7 for a reported
# exception or panic (EXIT_PANIC = 3). Prints PASS/FAIL per test (the
# serial log on failure), and ends with "N passed, N failed".
#
# Then wasm programs on the bare-metal kernel through `nebulet boot` (TCG
# or KVM as above): the tests/wasi programs give the same stdout and exit
# status as under `nebulet run` (and as their .expect files), the trap
# programs are reported as traps, one boot archive holding all four trap
# programs and hello runs them at once; tests/boot/watch.c shows an
# endless loop preempted and each trap contained while another program
# keeps printing, on both engines; the kernel's test programs
# (tests/kernel) pass in QEMU; a console reader waits by interrupt while
# another program runs; the device objects (tests/boot/devices.c,
# hostile); PCI (tests/boot/vblk.c: a wasm virtio-blk driver on a disk
# image reads sectors with MSI-X and INTx, hostile calls refused); the
# virtio-net EthernetNic driver, wasm (MSI-X, INTx) and native, on QEMU's
# user network, ARP through it by copy and in place and by the rx_ready
# event (tests/boot/nicclient.c); the lwIP net service (user/net) over
# the wasm and the native driver under the firmament's init: DHCP and
# ping the gateway; the 16550 Console driver as a wasm program and compiled into
# the kernel, each serving two clients on COM2, the wasm one killed and
# restarted while a client writes (by a test init, and by the firmament's
# init supervising it, also 100 times at seeded points: tests/drvrace.sh);
# the firmament shell of
# `make run` driven through the serial console, also by commands piped
# into `make run`'s own command, and `exit N` leaving `make run` itself
# with status N and no make message; WASI output of `run` lines and of the
# shell's run through the Console service (tests/firmament/tagcons.c),
# also when it acknowledges writes in part; the firmament's
# end-to-end test (tests/firmament/e2e.c, JIT) and its file system test
# (fsclient.c over fatfs, the disk checked with fsck.fat and mtools);
# WASI programs on that file system (tests/wasi/fsconf.c, output as
# under nebulet run --dir; Lua running a script from the disk; SQLite's
# shell writing 10,000 rows into a database file there); a
# boot that hangs times
# out with the serial log. Boot time is a
# benchmark (bench/boot.sh, in `make bench`), not a test.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
ELF=$B/nebulet.elf
pass=0 fail=0 skip=0

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "SKIP boot (qemu-system-x86_64 is not installed)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
WASI_PROGS=(hello args exit cat malloc clock sleep simd)
TRAP_PROGS=(trap_oob trap_div trap_stack trap_indirect)
NEBULET=$B/nebulet
WASMS=("${WASI_PROGS[@]}" "${TRAP_PROGS[@]}" osr osr_trap)
WASMS=("${WASMS[@]/#/$B/tests/wasi/}")
WASMS+=("$B/tests/boot/watch" "$B/tests/boot/spin" "$B/tests/boot/ticker")
WASMS+=("$B/tests/boot/crunch" "$B/tests/kernel/atomics")
WASMS+=("$B/tests/boot/"{reader,devices,conclient,drvkill,oom,vblk,nicclient})
WASMS+=("$B/drivers/uart16550" "$B/drivers/virtio_net")
WASMS+=("$B/user/firmament/"{init,console,clock,random,shell,netloop,ramdisk})
WASMS+=("$B/user/net/"{net,ping})
WASMS+=("$B/user/hello" "$B/tests/firmament/"{e2e,args,crash})
WASMS+=("$B/tests/firmament/"{tagcons,writes,fsclient} "$B/user/firmament/fatfs")
WASMS+=("$B/tests/wasi/fsconf" "$B/tests/apps/"{lua,sqlite3})
WASMS+=("$B/tests/kernel/"{ipc,hostile,preempt,vmo,threads,timer,prio,deadlock,child,flood})
if ! make -s B="$B" "$ELF" "$NEBULET" "${WASMS[@]/%/.wasm}" \
	"$B/tests/firmament/disk.img" "$B/user/disk.img" \
	"$B/tests/apps/disk.img" >/dev/null; then
	echo "FAIL build $ELF"
	echo "0 passed, 1 failed"
	exit 1
fi

# shellcheck source=tools/qemu.sh
. tools/qemu.sh

LOG=$(mktemp)

# verdict NAME DETAIL LABEL:FILE...: passes NAME (with DETAIL, if any,
# after ": ") when $why is empty; otherwise fails it with $why and shows
# the last 80 lines of each FILE, each line prefixed with LABEL.
verdict() {
	local name=$1 detail=$2 f
	shift 2
	if [ -z "$why" ]; then
		echo "PASS $name${detail:+: $detail}"
		pass=$((pass + 1))
		return
	fi
	echo "FAIL $name: $why"
	for f in "$@"; do
		tail -n 80 "${f#*:}" | sed "s/^/    ${f%%:*}| /"
	done
	fail=$((fail + 1))
}

# boot NAME STATUS "QEMU ARGS" APPEND PATTERN...: boots with -m 128M
# unless the args say otherwise, and the line "hello, nebulet" waiting on
# the serial input, and passes if QEMU exits with STATUS and
# the log matches every extended regular expression PATTERN. A pattern
# "CR2" means: the exception's cr2 equals the address the test printed.
boot() {
	local name=$1 want=$2 args=$3 append=$4 status why=""
	shift 4
	# shellcheck disable=SC2086 # args is a word list
	echo "hello, nebulet" | timeout 30 "${QEMU[@]}" -m 128M $args \
		-kernel "$ELF" -append "$append" 2>&1 | tr -d '\r' >"$LOG"
	status=${PIPESTATUS[1]}
	[ "$status" = "$want" ] || why="exit status $status, expected $want"
	for pat in "$@"; do
		if [ "$pat" = CR2 ]; then
			local addr
			addr=$(sed -nE 's/^test [a-z]+: [a-z]+ 0x([0-9a-f]+)$/\1/p' "$LOG")
			pat="cr2 0x0*$addr "
			[ -n "$addr" ] || why="${why:+$why; }no address printed"
		fi
		grep -qE -- "$pat" "$LOG" || why="${why:+$why; }no match for \"$pat\""
	done
	verdict "$name" "" ":$LOG"
}

BANNER="^Nebulet x86_64$"
# QEMU's MADT (qboot or SeaBIOS): the PIT at GSI 2, PCI's lines level.
boot boot-128M 1 "" "" "$BANNER" "KiB free" "^boot: PVH," \
	"^acpi: RSDP from (PVH|BIOS area) at 0x[0-9a-f]+, [RX]SDT; 1 CPU, I/O APIC [0-9]+ at 0xfec00000 \(GSI 0-\)$" \
	"^acpi: ISA overrides: 0->2 5->5 level 9->9 level 10->10 level 11->11 level$" \
	"^acpi: power-off: PM1a control 0x[0-9a-f]+, S5 type 0$"
# Four CPUs: the three APs started (INIT-SIPI-SIPI, hal/x86_64/smp.c),
# each on its own GDT and TSS, and parked; the boot goes on.
boot smp-4 1 "-smp 4" "test=self" "^cpu: 4 of 4 CPUs online$" "^selftest ok$"
# With test=smp the APs leave their park (hal/x86_64/smptest.c): each CPU's
# per-CPU window is its own, and a page discarded on the boot CPU is
# flushed from every other CPU's TLB (no stale read of the old frame).
boot smp-shootdown 1 "-smp 4" "test=smp" \
	"^test smp: 4 CPUs, windows and shootdown ok$"
# Broken tables (hal/x86_64/acpitest.c): each reported and skipped, the
# good ones believed.
boot acpi-tables 1 "" "test=acpi" \
	"^test acpi: BIOS area scan: RSDP at 0x[0-9a-f]+, as the loader's$" \
	"^acpi: XSDT at 0x[0-9a-f]+: checksum wrong; skipped$" \
	"^acpi: APIC at 0x[0-9a-f]+: checksum wrong; skipped$" \
	"^acpi: FACP at 0x[0-9a-f]+: bad length 2147483647; skipped$" \
	"^acpi: .... at 0x3f000000: bad length [0-9]+; skipped$" \
	"^acpi: MADT entry 1 at \+74 runs past the table; rest skipped$" \
	"^acpi: RSDP from test, RSDT; 1 CPU, I/O APIC 3 at 0xfec00000 \(GSI 0-\)$" \
	"^acpi: ISA overrides: 9->20 level low$" \
	"^acpi: power-off: PM1a control 0x1234, S5 type 5$" "^test acpi: done$"
# A level-triggered line (QEMU's edu device on PCI INTA, routed to ISA
# line 10 or 11, level per the MADT), hal/x86_64/irqtest.c: fires, stays
# masked while held, fires again when unmasked still held, then is quiet.
boot level-irq 1 "-device edu" "test=level" \
	"^test level: edu INTA on ISA line 1[01] \(GSI 1[01], level\)$" \
	"^test level: ok$"
boot boot-64M 1 "-m 64M" "" "$BANNER" "KiB free"
boot boot-1G 1 "-m 1G" "" "$BANNER" "KiB free"
boot selftest 1 "" "test=self" "$BANNER" "[0-9]+ timer ticks in [0-9]+ us" \
	"^selftest ok$"
boot selftest-5G 1 "-m 5G" "test=self" "\[100000000-" "^selftest ok$"
boot selftest-rdrand 1 "-cpu max" "test=self" "hardware random works" "^selftest ok$"
boot console-read 1 "" "test=echo" "^echo: hello, nebulet$"
boot page-fault 7 "" "test=pf" "exception 14: page fault.*read, not present" CR2
# Reports name the function: "rip 0x... kmain+0x..." (the symbol table
# of the second link, hal/x86_64/ksyms.awk), also in the backtrace.
boot invalid-opcode 7 "" "test=ud" "exception 6: invalid opcode" \
	"rip 0x[0-9a-f]+ kmain\+0x[0-9a-f]+ " "^    0x[0-9a-f]+ high_entry\+0x"
boot divide-error 7 "" "test=de" "exception 0: divide error"
boot nx 7 "" "test=nx" "page fault.*instruction fetch, protection" CR2
boot rodata-write 7 "" "test=wp" "page fault.*write, protection" CR2
boot double-fault 7 "" "test=df" "non-canonical stack" \
	"exception 8: double fault"
# Page faults run on a stack of their own, so an overflow onto the guard
# page is reported as one.
boot stack-overflow 7 "" "test=so" "exception 14: page fault.*write, not present" \
	"^    0x[0-9a-f]+ stack_hog\+0x"

# wasi NAME: runs tests/wasi/NAME with `nebulet boot` and `nebulet run`
# (arguments, environment and stdin from NAME.args/.env/.stdin); both must
# print NAME.expect and exit with NAME.status (default 0), and the boot's
# stderr must hold each line of NAME.stderr.
WT=$(mktemp -d)
trap 'rm -f "$LOG"; rm -rf "$WT"' EXIT
# shellcheck source=tests/lib.sh
. tests/lib.sh
# wasi NAME [ENGINE]: as above, booted with --engine=ENGINE if given.
wasi() {
	local name=$1 why="" bs rs line
	wasi_load "$name"
	wasi_run "$name" "$WT/boot.out" "$WT/boot.err" \
		timeout 60 "$NEBULET" boot --timeout=50 ${2:+--engine=$2}
	bs=$?
	wasi_run "$name" "$WT/run.out" "$WT/run.err" "$NEBULET" run
	rs=$?
	cmp -s "$WT/boot.out" "$WT/run.out" || why="stdout differs from run's"
	cmp -s "$WT/boot.out" "tests/wasi/$name.expect" ||
		why="${why:+$why; }stdout differs from $name.expect"
	[ "$bs" = "$rs" ] || why="${why:+$why; }status $bs, run's $rs"
	[ "$bs" = "$wasi_status" ] ||
		why="${why:+$why; }status $bs, expected $wasi_status"
	while IFS= read -r line; do
		why="${why:+$why; }stderr lacks \"$line\""
	done < <(wasi_stderr_lacks "$name" "$WT/boot.err")
	wasi_verdict "boot:$name${2:+ ($2)}" "$name" "$WT/boot.out" "$WT/boot.err"
}

for p in "${WASI_PROGS[@]}" "${TRAP_PROGS[@]}"; do
	wasi "$p"
done
# The kernel's engine chosen at boot (the manifest's --engine): osr's
# long loop (tiered: replaced while it runs) and osr_trap's trap deep in
# such a loop, on each of the JIT's engines.
for e in jit opt base; do
	wasi osr $e
	wasi osr_trap $e
done

# One boot, five programs running at once (the boot loader makes each
# manifest line a kernel process): each trap is reported and the others
# go on; every program's output is there (in any order) and the status
# is hello's, the last line's.
(cd "$B/tests/wasi" && "$(realpath "../../nebulet")" pack -o "$WT/multi.ar" \
	"${TRAP_PROGS[@]/%/.wasm}" hello.wasm)
timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/multi.ar" \
	</dev/null >"$WT/multi.out" 2>"$WT/multi.err"
status=$? why=""
[ "$status" = 0 ] || why="status $status, expected 0"
cmp -s <(sort "$WT/multi.out") <(cat tests/wasi/trap_{oob,div,stack,indirect}.expect \
	tests/wasi/hello.expect | sort) || why="${why:+$why; }stdout differs"
for p in "${TRAP_PROGS[@]}"; do
	grep -qF "$p.wasm: $(<"tests/wasi/$p.stderr")" "$WT/multi.err" ||
		why="${why:+$why; }no trap report for $p"
done
verdict "boot:traps-and-hello" "" "stdout:$WT/multi.out" "stderr:$WT/multi.err"

# Two programs at once, each reading its own archive file as stdin (the
# input belongs to the process's context): each copies its own.
printf 'first input\n' >"$WT/in1"
printf 'second input\n' >"$WT/in2"
printf '%s\n' '--stdin=in1 cat.wasm' '--stdin=in2 cat.wasm' >"$WT/two.man"
cp "$B/tests/wasi/cat.wasm" "$WT/"
(cd "$WT" && "$(realpath "$OLDPWD/$NEBULET")" pack -o two.ar \
	--manifest=two.man cat.wasm in1 in2)
timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/two.ar" </dev/null \
	>"$WT/two.out" 2>"$WT/two.err"
status=$? why=""
{ [ $status = 0 ] && cmp -s <(sort "$WT/two.out") <(sort "$WT/in1" "$WT/in2"); } ||
	why="status $status or wrong output"
verdict "boot:two-stdins" "" "stdout:$WT/two.out" "stderr:$WT/two.err"

# Three SIMD programs at once (two on the JIT, one on the interpreter),
# preempting each other with their v128 values live: each prints the
# same results as alone.
printf '%s\n' 'simd.wasm 400' '--engine=interp simd.wasm 40' 'simd.wasm 400' \
	>"$WT/simd.man"
cp "$B/tests/wasi/simd.wasm" "$WT/"
(cd "$WT" && "$(realpath "$OLDPWD/$NEBULET")" pack -o simd.ar \
	--manifest=simd.man simd.wasm)
timeout 120 "$NEBULET" boot --timeout=100 --initrd="$WT/simd.ar" </dev/null \
	>"$WT/simd.out" 2>"$WT/simd.err"
status=$? why=""
{ [ $status = 0 ] && cmp -s <(sort "$WT/simd.out") \
	<(cat tests/wasi/simd.expect{,,} | sort); } ||
	why="status $status or wrong output"
verdict "boot:simd-at-once" "" "stdout:$WT/simd.out" "stderr:$WT/simd.err"

# Preemption and isolation, on each engine: tests/boot/watch.c runs as
# init (`nebulet boot --kernel`) and starts each victim in turn, printing
# beside it: an endless loop (killed after watch printed five lines,
# which needs preemption) and the four trap programs (each reported, with
# status 134), then the endless loop again.
VICTIMS=("${TRAP_PROGS[@]/#/$B/tests/wasi/}")
VICTIMS=("$B/tests/boot/spin.wasm" "${VICTIMS[@]/%/.wasm}" "$B/tests/boot/spin.wasm")
for engine in jit interp; do
	timeout 120 "$NEBULET" boot --timeout=100 --engine=$engine --kernel \
		"$B/tests/boot/watch.wasm" "${VICTIMS[@]}" </dev/null \
		>"$WT/watch.out" 2>"$WT/watch.err"
	status=$? why=""
	[ "$status" = 0 ] || why="status $status, expected 0"
	grep -qx "done" "$WT/watch.out" || why="${why:+$why; }no 'done'"
	for v in spin "${TRAP_PROGS[@]}"; do
		want=134
		[ "$v" = spin ] && want=137
		grep -qx "watch: $v.wasm: alive 5" "$WT/watch.out" &&
			grep -qx "watch: $v.wasm: status $want" "$WT/watch.out" ||
			why="${why:+$why; }$v: no 'alive 5' or not status $want"
		[ "$v" = spin ] || grep -qF "$(<"tests/wasi/$v.stderr")" "$WT/watch.err" ||
			why="${why:+$why; }no trap report for $v"
	done
	[ "$(grep -c "status 137" "$WT/watch.out")" = 2 ] ||
		why="${why:+$why; }the second spinner was not killed"
	verdict "boot:preempt-and-traps ($engine)" "" "stdout:$WT/watch.out" "stderr:$WT/watch.err"
done

# The kernel's own test programs (tests/kernel.sh runs them hosted) in
# QEMU: each PASS and FAIL line counts; a missing "done" or a non-zero
# status is one more failure.
K=$B/tests/kernel
# ksuite NAME ENGINE [IMAGE...]: NAME.wasm as init with the IMAGEs
# (default child.wasm), in $MEM of RAM if that is set, on $SMP CPUs
# (--smp) if that is set, else on nebulet boot's default one.
ksuite() {
	local name=$1 engine=$2 status
	local label="$1 ($2${MEM:+, $MEM}${SMP:+, smp $SMP})"
	shift 2
	[ $# -gt 0 ] || set -- "$K/child.wasm"
	timeout 120 "$NEBULET" boot --timeout=100 --engine="$engine" \
		${MEM:+--memory=$MEM} ${SMP:+--smp=$SMP} \
		--kernel "$K/$name.wasm" "$@" \
		</dev/null >"$WT/k.out" 2>"$WT/k.err"
	status=$?
	count_checks "boot:kernel $label" "$WT/k.out"
	if [ $status -ne 0 ] || ! grep -qx "done" "$WT/k.out"; then
		echo "FAIL boot:kernel $label: status $status or no 'done'"
		sed 's/^/    stderr| /' "$WT/k.err" | tail -n 20
		fail=$((fail + 1))
	fi
}
for t in ipc hostile preempt vmo threads timer prio; do
	ksuite $t jit
done
for t in ipc hostile vmo; do
	ksuite $t interp
done
# Preemption on loop back edges and function entries of optimized code
# (forced, and reached by tiering under jit above).
ksuite preempt opt
ksuite preempt base
# Init and its child wait for each other forever: the kernel reports the
# deadlock and kills both (137).
"$NEBULET" boot --timeout=100 --kernel "$K/deadlock.wasm" "$K/child.wasm" \
	</dev/null >"$WT/k.out" 2>"$WT/k.err"
status=$? why=""
{ [ $status = 137 ] && grep -q deadlock "$WT/k.err"; } ||
	why="status $status (want 137)"
verdict "boot:kernel deadlock" "both killed" "stderr:$WT/k.err"

# Out of memory in 64 MiB (tests/kernel/flood.c): 64 KiB messages queued
# until the kernel says NB_ERR_NO_MEMORY, by init and by a child (init's
# second image is flood.wasm itself); no fault in the kernel, the echo
# child goes on, the memory comes back; children's limits hold.
cp "$K/flood.wasm" "$WT/floodkid.wasm"
MEM=64M ksuite flood jit "$K/child.wasm" "$WT/floodkid.wasm" \
	"$B/tests/boot/oom.wasm"

# Out of memory named (tests/boot/oom.c) in 32 MiB: malloc returns NULL
# (memory.grow -1) and the program goes on; a stack that cannot grow
# ends the program with the trap "out of memory", on both engines.
"$NEBULET" boot --timeout=100 --memory=32M "$B/tests/boot/oom.wasm" \
	</dev/null >"$WT/k.out" 2>"$WT/k.err"
status=$? why=""
{ [ $status = 0 ] && grep -q "^malloc: NULL after" "$WT/k.out"; } ||
	why="status $status (want 0) or no NULL from malloc"
verdict "boot:oom malloc NULL (32M)" "" "stdout:$WT/k.out" "stderr:$WT/k.err"
for engine in jit interp; do
	"$NEBULET" boot --timeout=100 --memory=32M --engine=$engine \
		"$B/tests/boot/oom.wasm" deep </dev/null >"$WT/k.out" 2>"$WT/k.err"
	status=$? why=""
	{ [ $status = 134 ] && grep -q "trap: out of memory" "$WT/k.err"; } ||
		why="status $status (want 134) or no \"out of memory\" trap"
	verdict "boot:oom stack trap (32M, $engine)" "" "stdout:$WT/k.out" \
		"stderr:$WT/k.err"
done

# Console input by interrupt: the reader (first line, so it runs first)
# waits for a line of the serial console while hello prints; the line
# is sent only once hello's output has appeared, so a reader that kept
# the CPU while waiting (polling) would time out.
# pack_in DIR ARCHIVE MANIFEST FILE...: packs FILEs of DIR with MANIFEST.
pack_in() {
	local dir=$1 ar=$2 man=$3 neb
	shift 3
	neb=$(realpath "$NEBULET")
	(cd "$dir" && "$neb" pack -o "$ar" --manifest="$man" "$@")
}
cp "$B/tests/boot/reader.wasm" "$B/tests/wasi/hello.wasm" "$WT/"
printf '%s\n' reader.wasm hello.wasm >"$WT/rw.man"
printf 'typed line\n' >"$WT/rw.in"
pack_in "$WT" rw.ar rw.man reader.wasm hello.wasm
timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/rw.ar" \
	--input="$WT/rw.in" --input-after="Hello, world!" </dev/null \
	>"$WT/rw.out" 2>"$WT/rw.err"
status=$? why=""
{ [ $status = 0 ] && [ "$(cat "$WT/rw.out")" = "Hello, world!
reader: got 'typed line'" ]; } || why="status $status or wrong output"
verdict "boot:console-read-waits" "" "stdout:$WT/rw.out" "stderr:$WT/rw.err"

# A manifest line's --memory=4M bounds its program's linear memory: malloc
# returns NULL below 4 MiB (tests/boot/oom.c), twice the same.
cp "$B/tests/boot/oom.wasm" "$WT/"
printf '%s\n' '--memory=4M oom.wasm' >"$WT/oom.man"
pack_in "$WT" oom.ar oom.man oom.wasm
timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/oom.ar" </dev/null \
	>"$WT/oom.out" 2>"$WT/oom.err"
status=$? why=""
{ [ $status = 0 ] && grep -qE "^malloc: NULL after [0-3] MiB" "$WT/oom.out"; } ||
	why="status $status or malloc not NULL below 4 MiB"
verdict "boot:manifest --memory=4M" "" "stdout:$WT/oom.out" "stderr:$WT/oom.err"

# Device objects (tests/boot/devices.c, with COM2 present): each check a
# PASS line. Before it, manifest lines whose handles the boot loader must refuse,
# each reported with its status in words (kernel/device.h,
# nb_strerror): COM1's ports and IRQ 4 are the kernel's console
# (NOT_SUPPORTED), line 99 and an empty range INVALID_ARGS, a line bound
# twice BAD_STATE.
cp "$B/tests/boot/devices.wasm" "$WT/"
printf '%s\n' '--ioport=0x3f8:8 devices.wasm' '--irq=4 devices.wasm' \
	'--irq=99 devices.wasm' '--ioport=0x2f8:0 devices.wasm' \
	'--irq=3 --irq=3 devices.wasm' '--connect=nosuch devices.wasm' \
	'--native=bogus' '--native=uart16550 --serve=x' \
	'--ioport=zz devices.wasm' '--ioport=0x2f8:8 --irq=3 devices.wasm' \
	>"$WT/dev.man"
pack_in "$WT" dev.ar dev.man devices.wasm
timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/dev.ar" \
	--serial2=/dev/null </dev/null >"$WT/k.out" 2>"$WT/k.err"
status=$? why=""
count_checks boot:devices "$WT/k.out"
{ [ $status = 0 ] && grep -qx done "$WT/k.out"; } || why="status $status or no 'done'"
for want in "not supported (--ioport)" "not supported (--irq)" \
	"invalid argument (--irq)" "invalid argument (--ioport)" \
	"bad state (--irq)" "no service nosuch" \
	"unknown native driver bogus" "uart16550: wants" \
	"malformed option --ioport=zz"; do
	grep -qF -- "$want" "$WT/k.err" || why="${why:+$why; }no '$want'"
done
verdict "boot:devices" "the boot loader refuses bad handles" "stderr:$WT/k.err"

# PCI (tests/boot/vblk.c): a modern virtio-blk device on a disk image
# this test writes (`nebulet boot --disk`); the wasm driver reads sector
# 0 through an MSI-X interrupt and sector 1 through INTx, each printed;
# each hostile call a PASS line. Before it, --pci lines the boot loader
# refuses: no such function, a malformed option, one function twice.
cp "$B/tests/boot/vblk.wasm" "$WT/"
{ printf 'sector zero, written by tests/boot.sh'
	head -c $((512 - 37)) /dev/zero
	printf 'sector one, read through INTx'
	head -c $((64 * 1024 - 541)) /dev/zero; } >"$WT/disk.img"
printf '%s\n' '--pci=0x1af4:0x9999 vblk.wasm' '--pci=0x1af4 vblk.wasm' \
	'--pci=0x1af4:0x1042 --pci=0x1af4:0x1042 vblk.wasm' \
	'--pci=0x1af4:0x1042#1 vblk.wasm' '--pci=0x1af4:0x1042#0 vblk.wasm' \
	>"$WT/pci.man"
pack_in "$WT" pci.ar pci.man vblk.wasm
timeout 150 "$NEBULET" boot --timeout=120 --initrd="$WT/pci.ar" \
	--disk="$WT/disk.img" </dev/null >"$WT/k.out" 2>"$WT/k.err"
status=$? why=""
count_checks boot:pci "$WT/k.out"
{ [ $status = 0 ] && grep -qx done "$WT/k.out"; } || why="status $status or no 'done'"
for want in "sector 0: sector zero, written by tests/boot.sh" \
	"sector 1: sector one, read through INTx"; do
	grep -qxF -- "$want" "$WT/k.out" || why="${why:+$why; }no '$want'"
done
for want in "no such PCI function (--pci)" "malformed option --pci=0x1af4" \
	"bad state (--pci)"; do
	grep -qF -- "$want" "$WT/k.err" || why="${why:+$why; }no '$want' on stderr"
done
[ "$(grep -c "no such PCI function" "$WT/k.err")" = 2 ] ||
	why="${why:+$why; }#1 is not refused"
verdict "boot:pci-virtio-blk" "sectors by MSI-X and INTx, hostile calls refused" \
	"stdout:$WT/k.out" "stderr:$WT/k.err"

# The virtio-net EthernetNic driver on QEMU's user network (`nebulet
# boot --nic`, restricted): a client (tests/boot/nicclient.c) ARPs for
# the gateway by copy and for the DNS server in place (zero copy); both
# answer, and the client's output is the same whichever driver serves
# it: the wasm one (drivers/virtio_net) with MSI-X, then INTx, and the
# one compiled into the kernel (--native=virtio-net).
cp "$B/drivers/virtio_net.wasm" "$B/tests/boot/nicclient.wasm" "$WT/"
for irq in msix intx native; do
	drv="--pci=0x1af4:0x1041 --serve=ethernet virtio_net.wasm $irq"
	[ $irq = native ] &&
		drv="--native=virtio-net --pci=0x1af4:0x1041 --serve=ethernet"
	printf '%s\n' "$drv" '--connect=ethernet nicclient.wasm' >"$WT/net.man"
	pack_in "$WT" net.ar net.man virtio_net.wasm nicclient.wasm
	timeout 150 "$NEBULET" boot --timeout=120 --initrd="$WT/net.ar" --nic \
		</dev/null >"$WT/n.out" 2>"$WT/n.err"
	status=$? why=""
	count_checks "boot:virtio-net $irq" "$WT/n.out"
	{ [ $status = 0 ] && grep -qx done "$WT/n.out"; } ||
		why="status $status or no 'done'"
	for want in "arp: 10.0.2.2 is at 52:55:0a:00:02:02" \
		"arp: 10.0.2.3 is at 52:55:0a:00:02:03"; do
		grep -qxF -- "$want" "$WT/n.out" || why="${why:+$why; }no '$want'"
	done
	if [ $irq = msix ]; then
		cp "$WT/n.out" "$WT/n.first"
	elif ! cmp -s "$WT/n.out" "$WT/n.first"; then
		why="${why:+$why; }output differs from the wasm driver's"
	fi
	verdict "boot:virtio-net $irq" "ARP by copy and in place" \
		"stdout:$WT/n.out" "stderr:$WT/n.err"
done

# The network service over the real NIC: the firmament's init, given the
# virtio-net device (`--pci=... --kernel`), supervises the wasm driver
# on it (`driver ethernet ... --handle=1`), or, given the native
# driver's listener (`--listener=ethernet --kernel`), publishes it
# (`publish ethernet --handle=1`); lwIP (user/net) runs over it, waiting
# on the driver's rx_ready event, takes 10.0.2.15 from QEMU's DHCP
# server, and ping gets three echo replies from the gateway 10.0.2.2;
# every frame goes out in place, none copied (ping prints Net.info's
# counts).
cp "$B/user/firmament/init.wasm" "$B/user/net/net.wasm" \
	"$B/user/net/ping.wasm" "$B/drivers/virtio_net.wasm" "$WT/"
for drv in wasm native; do
	line='driver ethernet virtio_net.wasm --handle=1'
	boot='--pci=0x1af4:0x1041 --kernel init.wasm lwip.manifest virtio_net.wasm net.wasm ping.wasm'
	if [ $drv = native ]; then
		line='publish ethernet --handle=1'
		boot='--native=virtio-net --pci=0x1af4:0x1041 --serve=ethernet
--listener=ethernet --kernel init.wasm lwip.manifest net.wasm ping.wasm'
	fi
	printf '%s\n' "$line" 'service net net.wasm' \
		'run ping.wasm -c 3 10.0.2.2' >"$WT/lwip.manifest"
	printf '%s\n' "$boot" >"$WT/lwip.man"
	pack_in "$WT" lwip.ar lwip.man init.wasm lwip.manifest \
		virtio_net.wasm net.wasm ping.wasm
	timeout 150 "$NEBULET" boot --timeout=120 --initrd="$WT/lwip.ar" --nic \
		</dev/null >"$WT/n.out" 2>"$WT/n.err"
	status=$? why=""
	[ $status = 0 ] || why="status $status"
	for want in "net: 10.0.2.15 (DHCP)" "3 sent, 3 received"; do
		grep -qxF -- "$want" "$WT/n.out" || why="${why:+$why; }no '$want'"
	done
	[ "$(grep -c '^reply from 10\.0\.2\.2: seq=[0-2] ' "$WT/n.out")" = 3 ] ||
		why="${why:+$why; }not three echo replies"
	# Zero copy: every frame the stack sent went in place (send_inplace
	# into a lent slot, commit), none by copy (Net.info's counts).
	grep -qE '^net: frames sent: [1-9][0-9]* in place, 0 copied \(0 bytes\)$' \
		"$WT/n.out" || why="${why:+$why; }frames copied, or none in place"
	verdict "boot:lwip-virtio-net $drv" "DHCP, ping the gateway, 0 bytes copied" \
		"stdout:$WT/n.out" "stderr:$WT/n.err"
done

# The 16550 Console driver both ways, on COM2: the wasm driver
# (drivers/uart16550, holding only its port range, interrupt and
# listener) and the native one compiled into the kernel, picked by the
# manifest. Two clients (tests/boot/conclient.c) each write two lines and
# send two bad requests, and one reads a line typed into COM2 (received
# by interrupt): their output and COM2's must be the same with either
# driver (clients cannot tell them apart), in any interleaving.
cp "$B/drivers/uart16550.wasm" "$B/tests/boot/conclient.wasm" "$WT/"
printf '%s\n' '--ioport=0x2f8:8 --irq=3 --serve=console uart16550.wasm 0x2f8' \
	>"$WT/uart-wasm.man"
printf '%s\n' '--native=uart16550 --ioport=0x2f8:8 --irq=3 --serve=console' \
	>"$WT/uart-native.man"
printf '%s\n' 'client: write 0 34' 'client: write 0 15' \
	'client: oversized write: 0, reply 16 bytes, txid 77 status -100' \
	'client: unknown method: 0, reply 16 bytes, txid 78 status -101' \
	>"$WT/one.expect"
printf 'typed into COM2\n' >"$WT/com2.in"
{
	cat "$WT/one.expect" "$WT/one.expect"
	echo "client: read 0 'typed into COM2'"
} | sort >"$WT/client.expect"
printf '%s\n' 'A: first line through the console' 'A: second line' \
	'B: first line through the console' 'B: second line' >"$WT/com2.expect"
for kind in wasm native; do
	printf '%s\n' '--connect=console conclient.wasm A read' \
		'--connect=console conclient.wasm B' >>"$WT/uart-$kind.man"
	pack_in "$WT" uart.ar "uart-$kind.man" uart16550.wasm conclient.wasm
	rm -f "$WT/com2.out"
	timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/uart.ar" \
		--serial2="$WT/com2.out" --serial2-input="$WT/com2.in" \
		</dev/null >"$WT/u.out" 2>"$WT/u.err"
	status=$? why=""
	[ $status = 0 ] || why="status $status"
	cmp -s <(sort "$WT/u.out") "$WT/client.expect" ||
		why="${why:+$why; }client output differs"
	cmp -s <(sort "$WT/com2.out") "$WT/com2.expect" ||
		why="${why:+$why; }COM2 output differs"
	verdict "boot:uart16550-$kind" "two clients write and read" "stdout:$WT/u.out" "com2:$WT/com2.out" "stderr:$WT/u.err"
done

# The wasm driver killed twice while a client writes 30 lines
# (tests/boot/drvkill.c, a --kernel init holding COM2's port range and
# interrupt): each write after a kill fails with PEER_CLOSED, the driver
# restarts on the same device objects, the client reconnects and goes
# on; COM2 shows every line once, in order.
cp "$B/tests/boot/drvkill.wasm" "$WT/"
printf '%s\n' '--ioport=0x2f8:8 --irq=3 --kernel drvkill.wasm uart16550.wasm' \
	>"$WT/kill.man"
pack_in "$WT" kill.ar kill.man drvkill.wasm uart16550.wasm
rm -f "$WT/com2.out"
timeout 60 "$NEBULET" boot --timeout=50 --initrd="$WT/kill.ar" \
	--serial2="$WT/com2.out" </dev/null >"$WT/k.out" 2>"$WT/k.err"
status=$? why=""
count_checks boot:driver-killed "$WT/k.out"
{ [ $status = 0 ] && grep -qx done "$WT/k.out"; } || why="status $status or no 'done'"
cmp -s "$WT/com2.out" <(seq 1 30 | sed 's/^/line /') ||
	why="${why:+$why; }COM2 does not hold lines 1-30 once each"
verdict "boot:driver-killed" "every line once, in order" "com2:$WT/com2.out" "stderr:$WT/k.err"

# The same driver supervised by the firmament's init (a `driver` line of
# tests/firmament/driver.manifest on init's startup handles 1 and 2, COM2's
# port range and interrupt): tests/firmament/crash.c kills it between
# writes of lines 1-40 (twice), then `crash.wasm wasi` writes through it
# and kills it; init restarts it on the same objects each time, the
# writers reconnect, and a new client writes once it is back. COM2 holds
# each line once, in order. The programs' PASS/FAIL lines count wherever
# their WASI output goes (COM1, or the Console: COM2).
cp "$B/user/firmament/init.wasm" "$B/tests/firmament/crash.wasm" \
	tests/firmament/driver.manifest "$WT/"
printf '%s\n' '--ioport=0x2f8:8 --irq=3 --kernel init.wasm driver.manifest uart16550.wasm crash.wasm' \
	>"$WT/sup.man"
pack_in "$WT" sup.ar sup.man init.wasm driver.manifest uart16550.wasm crash.wasm
rm -f "$WT/com2.out"
timeout 120 "$NEBULET" boot --timeout=100 --initrd="$WT/sup.ar" \
	--serial2="$WT/com2.out" </dev/null >"$WT/k.out" 2>"$WT/k.err"
status=$? why=""
cat "$WT/k.out" "$WT/com2.out" >"$WT/both.out"
count_checks boot:driver-supervised "$WT/both.out"
[ $status = 0 ] && [ "$(grep -cx done "$WT/both.out")" = 2 ] ||
	why="status $status or not two 'done'"
[ "$(grep -c 'service console ended (137)' "$WT/k.err")" = 3 ] ||
	why="${why:+$why; }init did not see three kills"
cmp -s <(grep -E '^line [0-9]+$' "$WT/com2.out") <(seq 1 40 | sed 's/^/line /') ||
	why="${why:+$why; }COM2 does not hold lines 1-40 once each, in order"
grep -A1 -x "wasi before" "$WT/com2.out" | grep -qx '\.\{4999\}' ||
	why="${why:+$why; }no 'wasi before' and 4999 dots on COM2"
[ "$(grep -cx "after the kills" "$WT/com2.out")" = 1 ] ||
	why="${why:+$why; }not one 'after the kills' on COM2"
verdict "boot:driver-supervised" "init restarts the driver; clients reconnect" "com2:$WT/com2.out" "stderr:$WT/k.err"

# The same driver killed 100 times at seeded points while a client
# writes numbered lines (tests/drvrace.sh; `make stress` kills 1,000):
# no panic, no acknowledged line lost, accounts, kernel memory and
# handles back where they were.
why=""
tests/drvrace.sh 100 20261208 >"$WT/race.log" 2>&1 || why="see below"
verdict "boot:driver-race" "$(sed -n '1s/^PASS //p' "$WT/race.log")" "log:$WT/race.log"

# What `make run` boots: the firmament's init, services and shell
# (user/firmament) with the default programs; the shell reads the serial
# console (by interrupt), fed once its prompt appeared.
U=$B/user/firmament
printf '%s\n' 'service console console.wasm' 'service clock clock.wasm' \
	'service random random.wasm' 'grant launcher shell.wasm' 'run shell.wasm' \
	>"$WT/run.manifest"
printf '%s\n' 'echo typed at the prompt' 'run hello.wasm' 'exit 5' >"$WT/sh.in"
timeout 60 "$NEBULET" boot --timeout=50 --input="$WT/sh.in" \
	--input-after="nebulet> " --kernel "$U/init.wasm" "$WT/run.manifest" \
	"$U/"{console,clock,random,shell}.wasm "$B/user/hello.wasm" </dev/null \
	>"$WT/sh.out" 2>"$WT/sh.err"
status=$? why=""
{ [ $status = 5 ] && grep -qx "typed at the prompt" "$WT/sh.out" &&
	grep -qx "fib(30) = 832040" "$WT/sh.out" &&
	grep -qx "nebulet> exit 5" "$WT/sh.out"; } ||
	why="status $status (want 5) or wrong output"
verdict "boot:firmament-shell" "make run" "stdout:$WT/sh.out" "stderr:$WT/sh.err"

# `make run` driven by a script: commands piped into the command `make
# run` runs (taken from `make -n run`, so it cannot drift; its host port
# for HTTP 0, any free one, so that runs side by side do not collide), which
# forwards its standard input to the serial console; the shell's file
# system (the disk the Makefile makes: user/hello.c among its files)
# takes a directory and a boot file copied into it.
runcmd=$(make -s -n B="$B" RUN_HTTP_PORT=0 run 2>/dev/null |
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -E '/nebulet boot ')
printf '%s\n' 'echo hi from a pipe' 'run hello.wasm' 'mkdir made' \
	'cp hello.wasm made/hello.wasm' 'ls' 'ls made' 'exit 4' |
	timeout 120 bash -c "$runcmd" >"$WT/mr.out" 2>"$WT/mr.err"
status=$? why=""
[ -n "$runcmd" ] || why="no boot command in 'make -n run'"
[ $status = 4 ] || why="${why:+$why; }status $status, expected 4"
size=$(stat -c %s "$B/user/hello.wasm")
for line in "nebulet> echo hi from a pipe" "hi from a pipe" \
	"nebulet> run hello.wasm" "fib(30) = 832040" "nebulet> exit 4" \
	"$(printf '%8u %s' "$(stat -c %s user/hello.c)" hello.c)" \
	"   <dir> made/" "$(printf '%8u %s' "$size" hello.wasm)"; do
	grep -qxF "$line" "$WT/mr.out" || why="${why:+$why; }no line '$line'"
done
verdict "boot:make-run-piped" "the shell reads piped commands" "stdout:$WT/mr.out" "stderr:$WT/mr.err"

# `exit 3` and `exit` typed at the shell of `make run` itself, run as a
# user runs it (top level, not under make test's make): make ends with
# the shell's status, 3 and 0, and prints no line of its own ("make:
# *** ... Error 3"): its recipe replaces make by the boot
# (tools/make_exec.c).
for n in 3 ""; do
	echo "exit${n:+ $n}" |
		timeout 120 env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
			make --no-print-directory B="$B" RUN_HTTP_PORT=0 run >"$WT/ex.out" 2>"$WT/ex.err"
	status=$? why=""
	[ $status = "${n:-0}" ] || why="status $status, expected ${n:-0}"
	grep -qxF "nebulet> exit${n:+ $n}" "$WT/ex.out" ||
		why="${why:+$why; }no 'nebulet> exit${n:+ $n}' line"
	grep -q '^make' "$WT/ex.out" "$WT/ex.err" &&
		why="${why:+$why; }make printed: $(grep -h '^make' "$WT/ex.out" "$WT/ex.err" | head -n 1)"
	verdict "boot:make-run-exit${n:+-$n}" "make run ends with status ${n:-0}, silently" "stdout:$WT/ex.out" "stderr:$WT/ex.err"
done

# The same in 16 MiB of RAM, without the network (RUN_NIC=0): the shell
# comes up, mem shows the machine, hello runs.
runcmd=$(make -s -n B="$B" RUN_NIC=0 run 2>/dev/null |
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -E '/nebulet boot ')
printf '%s\n' 'mem' 'run hello.wasm' 'exit 4' |
	timeout 120 bash -c "${runcmd/ boot / boot --memory=16M }" \
		>"$WT/mr.out" 2>"$WT/mr.err"
status=$? why=""
[ $status = 4 ] || why="status $status, expected 4"
grep -qE '^RAM 1[0-6][0-9]{3} KiB, [0-9]+ KiB free' "$WT/mr.out" ||
	why="${why:+$why; }no 'RAM ... KiB' line of about 16 MiB"
grep -qxF "fib(30) = 832040" "$WT/mr.out" || why="${why:+$why; }hello did not run"
# The shell holds the inspect right (`grant mem shell.wasm`): its mem
# lists the other processes too.
grep -qE '^ +[0-9]+ console\.wasm ' "$WT/mr.out" ||
	why="${why:+$why; }mem does not list console.wasm"
verdict "boot:make-run-16M" "the shell in 16 MiB of RAM" "stdout:$WT/mr.out" "stderr:$WT/mr.err"

# WASI output through the Console service, on bare metal: with
# tests/firmament/tagcons.c as the console (it starts every line it
# writes with "console| "), writes.wasm as a `run` line and then run by
# the shell (commands piped in) print only through it: all of stdout is
# tagged and, untagged, is writes.wasm's own output (as `nebulet run`
# prints it) twice around the shell's lines.
FT=$B/tests/firmament
"$NEBULET" run "$FT/writes.wasm" >"$WT/writes.expect"
{
	cat "$WT/writes.expect"
	echo "nebulet> run writes.wasm"
	cat "$WT/writes.expect"
	echo "nebulet> exit 3"
} >"$WT/tagged.expect"
printf '%s\n' 'run writes.wasm' 'exit 3' |
	timeout 120 "$NEBULET" boot --timeout=100 --kernel "$U/init.wasm" \
		tests/firmament/tagged.manifest "$FT/"{tagcons,writes}.wasm \
		"$U/"{clock,random,shell}.wasm >"$WT/tag.out" 2>"$WT/tag.err"
status=$? why=""
[ $status = 3 ] || why="status $status, expected 3"
grep -qv '^console| ' "$WT/tag.out" && why="${why:+$why; }untagged output"
sed 's/^console| //' "$WT/tag.out" | cmp -s - "$WT/tagged.expect" ||
	why="${why:+$why; }output differs"
verdict "boot:console-wasi-output" "run lines and the shell's run print through the Console" \
	"stdout:$WT/tag.out" "stderr:$WT/tag.err"

# A console acknowledging at most 7 bytes of each write (tagcons.wasm as
# shortcons.wasm marks each piece with '~'): writes.wasm's output still
# arrives whole, each byte once, in pieces of at most 7 bytes, and its
# write() calls return their full counts (else its status is not 0).
cp "$FT/tagcons.wasm" "$WT/shortcons.wasm"
timeout 120 "$NEBULET" boot --timeout=100 --kernel "$U/init.wasm" \
	tests/firmament/short.manifest "$WT/shortcons.wasm" "$FT/writes.wasm" \
	"$U/"{clock,random}.wasm </dev/null >"$WT/short.out" 2>"$WT/short.err"
status=$? why=""
[ $status = 0 ] || why="status $status, expected 0"
tr -d '~' <"$WT/short.out" | sed 's/^console| //' |
	cmp -s - "$WT/writes.expect" || why="${why:+$why; }output differs"
sed 's/console| //g' "$WT/short.out" | awk 'BEGIN { RS = "~" }
	(NR == 1 && length($0)) || length($0) > 7 { bad++ }
	END { exit bad || NR < 2 }' || why="${why:+$why; }pieces not of 1-7 bytes"
verdict "boot:console-partial-writes" "acknowledged in part, completed, no byte twice" \
	"stdout:$WT/short.out" "stderr:$WT/short.err"

# The firmament's end-to-end test (tests/firmament.sh runs it hosted) on
# bare metal, JIT: init starts the five services of
# tests/firmament/e2e.manifest, then e2e.wasm; each PASS and FAIL line
# counts, a missing "done" or a non-zero status is one more failure. Once
# on one CPU, once on four (--smp=4: every CPU scheduling); on 2 in make
# stress (tests/smp.sh).
for smp in "" 4; do
	timeout 120 "$NEBULET" boot --timeout=100 --engine=jit ${smp:+--smp=$smp} \
		--kernel "$U/init.wasm" tests/firmament/e2e.manifest \
		"$U/"{console,clock,random,netloop,ramdisk}.wasm \
		"$B/tests/firmament/"{e2e,args}.wasm </dev/null >"$WT/e2e.out" 2>"$WT/e2e.err"
	status=$? why=""
	count_checks "boot:firmament-e2e (jit${smp:+, smp $smp})" "$WT/e2e.out"
	{ [ $status = 0 ] && grep -qx "done" "$WT/e2e.out"; } || why="status $status or no 'done'"
	[ "$checked" -gt 0 ] || why="${why:+$why; }no PASS line"
	verdict "boot:firmament-e2e${smp:+ (smp $smp)}" "init, five services, e2e.wasm" "stdout:$WT/e2e.out" "stderr:$WT/e2e.err"
done

# The file system on bare metal: fatfs over the RAM disk's disk.img and
# tests/firmament/fsclient.c (tests/firmament.sh runs it hosted); the
# disk it prints must pass fsck.fat -n and show mtools what it wrote.
timeout 120 "$NEBULET" boot --timeout=100 --kernel "$U/init.wasm" \
	tests/firmament/fs.manifest "$U/"{console,clock,ramdisk,fatfs}.wasm \
	"$B/tests/firmament/fsclient.wasm" "$B/tests/firmament/disk.img" \
	</dev/null >"$WT/fs.out" 2>"$WT/fs.err"
status=$? why=""
count_checks "boot:firmament-fs" "$WT/fs.out"
{ [ $status = 0 ] && grep -qx "done" "$WT/fs.out"; } || why="status $status or no 'done'"
[ "$checked" -gt 0 ] || why="${why:+$why; }no PASS line"
tests/firmament/checkdisk.sh "$WT/fs.out" "$WT" >"$WT/fs.check" ||
	why="${why:+$why; }$(grep '^FAIL' "$WT/fs.check" | head -n 3)"
verdict "boot:firmament-fs" "fatfs and fsclient.wasm; the disk passes fsck.fat and mtools" \
	"stdout:$WT/fs.check" "stderr:$WT/fs.err"

# WASI on bare metal through FileSystem (kernel/wasi_fir.c):
# tests/wasi/fsconf.c with the FAT disk's root as its preopen /sandbox
# (fsconf.manifest's run --dir) prints exactly what `nebulet run --dir`
# prints on a host directory.
timeout 200 "$NEBULET" boot --timeout=150 --kernel "$U/init.wasm" \
	tests/firmament/fsconf.manifest "$U/"{console,clock,ramdisk,fatfs}.wasm \
	"$B/tests/wasi/fsconf.wasm" "$B/tests/firmament/disk.img" \
	</dev/null >"$WT/conf.out" 2>"$WT/conf.err"
status=$? why=""
rm -rf "$WT/sandbox" && mkdir "$WT/sandbox"
"$NEBULET" run --dir="$WT/sandbox::/sandbox" "$B/tests/wasi/fsconf.wasm" \
	>"$WT/conf.hosted" 2>&1
[ $status = 0 ] || why="status $status"
cmp -s "$WT/conf.out" "$WT/conf.hosted" ||
	why="${why:+$why; }output differs from nebulet run --dir"
verdict "boot:wasi-fsconf" "$(grep -c ' ok$' "$WT/conf.out") checks as hosted" \
	"stdout:$WT/conf.out" "stderr:$WT/conf.err"

# Lua's interpreter on bare metal runs a script stored on the FAT disk
# (tests/apps/disk.img), from a run line with --dir and from the shell;
# the shell's cat shows the file the script wrote.
printf '%s\n' 'run lua.wasm /lua/squares.lua' 'cat /lua/squares.txt' 'exit 3' \
	>"$WT/lua.in"
timeout 200 "$NEBULET" boot --timeout=150 --input="$WT/lua.in" \
	--input-after="nebulet> " --kernel "$U/init.wasm" \
	tests/firmament/lua.manifest "$U/"{console,clock,ramdisk,fatfs,shell}.wasm \
	"$B/tests/apps/lua.wasm" "$B/tests/apps/disk.img" </dev/null \
	>"$WT/lua.out" 2>"$WT/lua.err"
status=$? why=""
[ $status = 3 ] || why="status $status, expected 3"
[ "$(grep -cxF "Lua 5.4 read 10 lines from /lua/squares.txt, sum 385" \
	"$WT/lua.out")" = 2 ] || why="${why:+$why; }Lua's line not twice"
grep -qx "10 squared is 100" "$WT/lua.out" || why="${why:+$why; }cat lacks the file"
verdict "boot:lua-on-fat" "a script on the disk, from run --dir and the shell" \
	"stdout:$WT/lua.out" "stderr:$WT/lua.err"

# SQLite's shell on bare metal: one run creates /t.db on the FAT disk
# and inserts 10,000 rows (tests/apps/rows.sh's SQL, read from the
# disk), the next run opens the file again and reads them back.
timeout 300 "$NEBULET" boot --timeout=250 --kernel "$U/init.wasm" \
	tests/firmament/sqlite.manifest "$U/"{console,clock,ramdisk,fatfs}.wasm \
	"$B/tests/apps/sqlite3.wasm" "$B/tests/apps/disk.img" </dev/null \
	>"$WT/sql.out" 2>"$WT/sql.err"
status=$? why=""
[ $status = 0 ] || why="status $status"
grep -qx "10000|50005000|row 9999" "$WT/sql.out" || why="${why:+$why; }rows not read back"
verdict "boot:sqlite-on-fat" "10,000 rows into a database file, read by the next run" \
	"stdout:$WT/sql.out" "stderr:$WT/sql.err"

# extra NAME WANT_STATUS PATTERN COMMAND...: COMMAND exits with
# WANT_STATUS and its stderr matches PATTERN (empty: anything).
extra() {
	local name=$1 want=$2 pat=$3 status why=""
	shift 3
	"$@" </dev/null >"$WT/x.out" 2>"$WT/x.err"
	status=$?
	{ [ "$status" = "$want" ] &&
		{ [ -z "$pat" ] || grep -qE -- "$pat" "$WT/x.err"; }; } ||
		why="status $status (want $want)"
	verdict "boot:$name" "" "stderr:$WT/x.err"
}

# Binary data, DLE bytes included, crosses the multiplexed console
# exactly: cat's stdout is its stdin.
head -c 20000 /dev/urandom >"$WT/random.bin"
printf '\x10\x10x0\n\x10' >>"$WT/random.bin"
# shellcheck disable=SC2094 # cmp only reads the file that cat reads
cat_binary() {
	"$NEBULET" boot "$B/tests/wasi/cat.wasm" <"$WT/random.bin" |
		cmp - "$WT/random.bin"
}
extra cat-binary 0 "" cat_binary
# A malformed module is reported with its offset, as by `nebulet run`.
printf '\0asm\1\0\0\0\1\5\1\x60\0' >"$WT/bad.wasm"
extra malformed 1 "bad.wasm: offset 0x" "$NEBULET" boot "$WT/bad.wasm"

# A program that never ends: `nebulet boot` gives up after --timeout
# with status 124, a clear message and the serial log.
if command -v wat2wasm >/dev/null; then
	echo '(module (func (export "_start") (loop (br 0))))' >"$WT/loop.wat"
	wat2wasm "$WT/loop.wat" -o "$WT/loop.wasm"
	"$NEBULET" boot --timeout=3 "$WT/loop.wasm" </dev/null \
		>"$WT/loop.out" 2>"$WT/loop.err"
	status=$? why=""
	{ [ "$status" = 124 ] &&
		grep -q "timeout after 3 s; serial log:" "$WT/loop.err" &&
		grep -q "^Nebulet x86_64" "$WT/loop.err"; } ||
		why="status $status (want 124)"
	verdict "boot:timeout" "" "stderr:$WT/loop.err"
fi
# --timeout counts from the last output: a program writing a line a
# second for 8 s outlives --timeout=4.
"$NEBULET" boot --timeout=4 "$B/tests/boot/ticker.wasm" </dev/null \
	>"$WT/tick.out" 2>"$WT/tick.err"
status=$? why=""
{ [ "$status" = 0 ] && grep -qx "tick 8" "$WT/tick.out"; } ||
	why="status $status (want 0) or no 'tick 8'"
verdict "boot:timeout-from-last-output" "" "stderr:$WT/tick.err"

# SMP (`nebulet boot --smp=N`: the kernel schedules on all N CPUs,
# hal/x86_64/cpu.c, kernel/sched.c) under multi-threaded TCG: kernel
# suites at 2 and 4 CPUs (threads, kills and waits across CPUs; prio's
# order only on one, above), the preemption test with its kills and
# traps at 2, and two
# CPU-bound programs at 2 CPUs: both finish with the right result, and
# the kernel's count of threads run per CPU shows the second CPU used.
# tests/smp.sh (make stress) runs every kernel suite and the firmament
# at 1, 2 and 4.
for n in 2 4; do
	for t in threads vmo prio $([ $n = 2 ] && echo preempt); do
		SMP=$n ksuite $t jit
	done
	# memory.atomic.wait/notify between two threads (exit status 0).
	"$NEBULET" boot --timeout=100 --smp=$n "$K/atomics.wasm" </dev/null \
		>"$WT/k.out" 2>"$WT/k.err"
	status=$? why=""
	[ $status = 0 ] || why="status $status (want 0)"
	verdict "boot:smp $n atomics wait/notify" "" "stderr:$WT/k.err"
done
# Preemption, kills and traps on the other CPUs: watch.c (above) on 2.
timeout 120 "$NEBULET" boot --timeout=100 --smp=2 --kernel \
	"$B/tests/boot/watch.wasm" "${VICTIMS[@]}" </dev/null \
	>"$WT/watch.out" 2>"$WT/watch.err"
status=$? why=""
{ [ "$status" = 0 ] && grep -qx "done" "$WT/watch.out" &&
	[ "$(grep -c "status 137" "$WT/watch.out")" = 2 ] &&
	[ "$(grep -c "status 134" "$WT/watch.out")" = 4 ]; } ||
	why="status $status (want 0), no 'done', or not 2 kills and 4 traps"
verdict "boot:smp 2 preempt-kills-and-traps" "" "stdout:$WT/watch.out" "stderr:$WT/watch.err"
printf '%s\n' 'crunch.wasm 10' 'crunch.wasm 10' >"$WT/crunch.man"
cp "$B/tests/boot/crunch.wasm" "$WT/"
(cd "$WT" && "$(realpath "$OLDPWD/$NEBULET")" pack -o crunch.ar \
	--manifest=crunch.man crunch.wasm)
timeout 120 "$NEBULET" boot --timeout=100 --smp=2 --initrd="$WT/crunch.ar" \
	</dev/null >"$WT/crunch.out" 2>"$WT/crunch.err"
status=$? why=""
[ $status = 0 ] && [ "$(grep -c "^crunch: 2a2edeef160a3819 in " "$WT/crunch.out")" = 2 ] ||
	why="status $status (want 0) or not two right results"
grep -qE "^kernel: threads run per CPU: [1-9][0-9]* [1-9][0-9]*$" "$WT/crunch.err" ||
	why="${why:+$why; }not both CPUs ran threads"
verdict "boot:smp two CPU-bound programs on two CPUs" "" "stdout:$WT/crunch.out" "stderr:$WT/crunch.err"

line="$pass passed, $fail failed"
[ $skip -gt 0 ] && line="$line, $skip skipped"
echo "$line"
[ $fail -eq 0 ]
