#!/bin/sh
# bench/run.sh: every Nebulet benchmark beside its baseline, in one run
# (what `make bench` calls). Builds what it needs under build/bench/,
# prints a table and writes build/bench/results.json.
#
#   suite.NAME.native  a real program (SQLite's speedtest1, zlib, bzip2, Lua
#                      5.4 scripts; bench/suite/), gcc -O2, native: seconds
#   suite.NAME.jit, .node, .interp  the same program built for wasm32-wasi
#                      (clang -O2) on `nebulet run`, node's WASI and the
#                      interpreter: native time / runner time
#   suite.geomean.jit, .node, .interp  their geometric means
#   jit.compile_mb_per_s  JIT compile throughput (wasm body bytes/s, one
#                      core) on the largest module, compiled again and
#                      again (code pages reused from the JIT's pool); no
#                      baseline
#   jit.compile_cold_mb_per_s  the same for the first compile (fresh code
#                      pages), one measurement
#   jit.opt_compile_mb_per_s  the same steady state for the optimizing
#                      tier (--engine=opt's compiler)
#   instantiate_us     wasm_instantiate of the decoded largest module with
#                      the JIT engine (no start function runs)
#   validate.mb_per_s  nucleus decode+validate throughput on the largest
#                      module; baseline wabt's wasm-validate on the same file
#   ipc.roundtrip_ns   two wasm processes ping-pong 16 bytes over a channel
#                      pair under `nebulet kernel` (bench/kernel/ipc.c);
#                      baseline linux.pipe_roundtrip_ns, two Linux processes
#                      and a pipe pair, 1 byte (bench/kernel/linux.c)
#   firmament.call_roundtrip_ns  an empty method call and reply through
#                      firc's generated code (bench/firmament/call.c);
#                      baseline ipc.roundtrip_ns
#   syscall.null_ns    the cheapest kernel call from wasm; baseline
#                      linux.null_syscall_ns, getppid through syscall()
#   boot.first_output_ms.ACCEL  bare-metal boot, QEMU start to first output
#                      (bench/boot.sh); baseline boot.empty_kernel_ms.ACCEL,
#                      an empty kernel in the same QEMU
#   ipc.roundtrip_ns.qemu.ACCEL, syscall.null_ns.qemu.ACCEL  the same two
#                      on the bare-metal kernel in QEMU (bench/ipc_qemu.sh),
#                      beside the same Linux baselines
#   mem.boot_kib, mem.process_kib  RAM in use at the shell's prompt, and
#                      RAM one more idle process takes beyond its linear
#                      memory, on the bare-metal kernel (bench/mem.sh)
#   console.write_mb_per_s.wasm_driver.ACCEL  a client writing through the
#                      16550 Console driver as a wasm program
#                      (bench/drivers.sh); baseline the same driver
#                      compiled into the kernel (.native_driver.ACCEL)
#   fs.seq_write_mb_per_s / fs.seq_read_mb_per_s / fs.small_files_per_s
#                      .wasm_driver.ACCEL  the file system on a virtio-blk
#                      disk over the wasm driver (bench/storage.sh);
#                      baseline the native driver (.native_driver.ACCEL)
#   fs.sqlite_speedtest1_runs_per_min.hosted / .bare_metal.ACCEL
#                      SQLite's speedtest1 on a database file, under
#                      nebulet run --dir and on the disk in QEMU
#                      (bench/storage.sh); baseline the same native (.native)
#   net.http_requests_per_s.hosted  user/httpd.c on hosted WASI sockets,
#                      keep-alive, curl (bench/net.sh); baseline the same
#                      source built natively (.native_httpd)
#   net.icmp_rtt_us.wasm_driver, net.send_inplace_copied_bytes.*  lwIP
#                      over the virtio-net driver as wasm / native in QEMU:
#                      ping's round trip (baseline .native_driver: the
#                      ratio is wasm/native, lower is better) and the
#                      bytes of sent frames copied (0, no baseline)
#   net.tcp_host_to_guest_mb_per_s.wasm_driver, net.tcp_guest_to_host_...
#                      TCP between the host and user/net/tcpd.c in QEMU
#                      over each driver (64 MiB); baseline .native_driver
#   net.udp_rtt_us.wasm_driver  UDP echo round trips between the host and
#                      `tcpd --udp` in QEMU; baseline .native_driver
#   smp.scaling_2cpu, ipc.roundtrip_ns.cross_cpu.qemu.ACCEL,
#   boot.first_output_ms_smp4.ACCEL  the kernel on several CPUs
#                      (bench/smp.sh): two CPU-bound programs on 2 CPUs
#                      against 1, the QEMU round trip and first output
#                      with 2 and 4 CPUs beside the ones with 1
#
# Environment: SUITE_ROUNDS (rounds of the suite's runs, interleaved; the
# best of each runner is its figure; default 3), NEBULET (default
# build/nebulet). A benchmark that cannot run shows FAIL and null values.
set -eu

B=build/bench
NEBULET=${NEBULET:-build/nebulet}
WASM_CC="clang --target=wasm32-wasi --sysroot=/usr"
ROWS=$B/rows.txt

mkdir -p $B
: >$ROWS

# newer TARGET SOURCES...: true if TARGET is missing or older than a source.
newer() {
	t=$1
	shift
	[ -e "$t" ] || return 0
	for s in "$@"; do
		[ "$s" -nt "$t" ] && return 0
	done
	return 1
}

build() {
	if newer $B/big.wasm bench/gen_big.awk; then
		echo "build $B/big.wasm (takes a few seconds)" >&2
		awk -v N=2000 -f bench/gen_big.awk >$B/big.c
		$WASM_CC -O1 -o $B/big.wasm $B/big.c
	fi
	if newer $B/jit_bench bench/jit_bench.c nucleus/*.c nucleus/*.h \
		hal/hal.h hal/hosted/*.c; then
		echo "build $B/jit_bench" >&2
		gcc -std=c11 -D_GNU_SOURCE -O2 -I. \
			-o $B/jit_bench bench/jit_bench.c nucleus/*.c \
			hal/hosted/*.c -lm || rm -f $B/jit_bench
	fi
	if newer $B/validate_bench bench/validate_bench.c nucleus/*.c \
		nucleus/*.h hal/hal.h hal/hosted/*.c; then
		echo "build $B/validate_bench" >&2
		gcc -std=c11 -D_GNU_SOURCE -O2 -I. \
			-o $B/validate_bench bench/validate_bench.c \
			nucleus/*.c hal/hosted/*.c -lm ||
			rm -f $B/validate_bench
	fi
}

# now_ns: monotonic-enough wall time in nanoseconds.
now_ns() { date +%s%N; }

# validate FILE: nucleus throughput and the wasm-validate baseline.
validate() {
	f=$1
	if [ -x $B/validate_bench ] &&
		out=$($B/validate_bench $f 2 2>$B/validate.log); then
		mb=$(echo "$out" | awk '{ print $2 }')
	else
		echo "validate.mb_per_s: failed, see $B/validate.log" >&2
		mb=null
	fi
	echo "validate.mb_per_s $mb MB/s" >>$ROWS
	size=$(wc -c <$f)
	n=0 t0=$(now_ns) t1=$t0
	while [ $((t1 - t0)) -lt 2000000000 ]; do
		if ! wasm-validate $f >/dev/null 2>&1; then
			echo "wasm-validate rejects $f" >&2
			echo "wasm-validate null MB/s" >>$ROWS
			return
		fi
		n=$((n + 1))
		t1=$(now_ns)
	done
	awk -v n=$n -v s=$size -v ns=$((t1 - t0)) 'BEGIN {
		printf "wasm-validate %.3f MB/s\n", n * s / (ns / 1e9) / 1e6 }' >>$ROWS
}

build
bench/suite/run.sh $ROWS || echo "suite: failed" >&2
big=$B/big.wasm
validate $big

# kernel: IPC and kernel-call costs beside Linux's (rows printed by the
# programs themselves as "name value ns").
kernel_bench() {
	kflags="-O2 -Iuser/include"
	if newer $B/kipc.wasm bench/kernel/ipc.c bench/bench.h tests/kernel/kt.h \
		user/include/nebulet.h ||
		newer $B/kchild.wasm tests/kernel/child.c; then
		echo "build $B/kipc.wasm $B/kchild.wasm" >&2
		$WASM_CC $kflags -o $B/kipc.wasm bench/kernel/ipc.c &&
			$WASM_CC $kflags -o $B/kchild.wasm tests/kernel/child.c ||
			rm -f $B/kipc.wasm
	fi
	if newer $B/klinux bench/kernel/linux.c; then
		echo "build $B/klinux" >&2
		gcc -O2 -o $B/klinux bench/kernel/linux.c || rm -f $B/klinux
	fi
	if [ -x "$NEBULET" ] && [ -e $B/kipc.wasm ] &&
		out=$($NEBULET kernel $B/kipc.wasm $B/kchild.wasm 2>$B/kipc.log); then
		echo "$out" >>$ROWS
	else
		echo "ipc.roundtrip_ns: failed, see $B/kipc.log" >&2
		echo "ipc.roundtrip_ns null ns" >>$ROWS
		echo "syscall.null_ns null ns" >>$ROWS
	fi
	if [ -x $B/klinux ] && out=$($B/klinux 2>$B/klinux.log); then
		echo "$out" >>$ROWS
	else
		echo "linux baselines: failed, see $B/klinux.log" >&2
		echo "linux.pipe_roundtrip_ns null ns" >>$ROWS
		echo "linux.null_syscall_ns null ns" >>$ROWS
	fi
}
kernel_bench

# firmament: an empty method call through firc's generated code
# (bench/firmament/call.c), beside ipc.roundtrip_ns.
firmament_bench() {
	if newer $B/fircall.wasm bench/firmament/call.c bench/firmament/ping.fir \
		bench/bench.h tests/kernel/kt.h user/include/nb_bootch.h \
		firmament/fir.c firmament/fir.h firmament/wire.c firmament/wire.h \
		tools/firc/*.c tools/firc/*.h; then
		echo "build $B/fircall.wasm" >&2
		mkdir -p $B/fir
		gcc -O2 -I. -o $B/fir/firc tools/firc/*.c &&
			$B/fir/firc -o $B/fir bench/firmament/ping.fir &&
			$B/fir/firc --wire -o $B/fir bench/firmament/ping.fir &&
			$WASM_CC -O2 -I. -Iuser/include -Ifirmament -I$B/fir \
				-o $B/fircall.wasm bench/firmament/call.c \
				$B/fir/ping.c $B/fir/ping_wire.c firmament/fir.c \
				firmament/wire.c || rm -f $B/fircall.wasm
	fi
	if [ -x "$NEBULET" ] && [ -e $B/fircall.wasm ] && out=$($NEBULET \
		kernel $B/fircall.wasm $B/fircall.wasm 2>$B/fircall.log); then
		echo "$out" >>$ROWS
	else
		echo "firmament.call_roundtrip_ns: failed, see $B/fircall.log" >&2
		echo "firmament.call_roundtrip_ns null ns" >>$ROWS
	fi
}
firmament_bench
if [ -x $B/jit_bench ] && out=$($B/jit_bench $big 2 2>$B/jit_bench.log); then
	echo "$out" | awk '{ print "jit.compile_mb_per_s", $2, "MB/s";
		print "jit.compile_cold_mb_per_s", $8, "MB/s";
		print "instantiate_us", $4, "us" }' >>$ROWS
else
	echo "jit_bench: failed, see $B/jit_bench.log" >&2
	echo "jit.compile_mb_per_s null MB/s" >>$ROWS
	echo "jit.compile_cold_mb_per_s null MB/s" >>$ROWS
	echo "instantiate_us null us" >>$ROWS
fi
if [ -x $B/jit_bench ] && out=$($B/jit_bench $big 2 opt 2>$B/jit_bench.log); then
	echo "$out" | awk '{ print "jit.opt_compile_mb_per_s", $2, "MB/s" }' >>$ROWS
else
	echo "jit_bench opt: failed, see $B/jit_bench.log" >&2
	echo "jit.opt_compile_mb_per_s null MB/s" >>$ROWS
fi

if out=$(bench/boot.sh 2>$B/boot_bench.log); then
	echo "$out" >>$ROWS
else
	echo "boot time: failed, see $B/boot_bench.log" >&2
fi
if out=$(bench/ipc_qemu.sh 2>$B/ipc_qemu.log); then
	echo "$out" >>$ROWS
else
	echo "ipc in QEMU: failed, see $B/ipc_qemu.log" >&2
fi
if out=$(bench/smp.sh 2>$B/smp.log); then
	echo "$out" >>$ROWS
else
	echo "smp.scaling_2cpu null x" >>$ROWS
	echo "SMP in QEMU: failed, see $B/smp.log" >&2
fi
if out=$(bench/mem.sh 2>$B/mem.log); then
	echo "$out" >>$ROWS
else
	echo "mem.boot_kib null KiB" >>$ROWS
	echo "mem.process_kib null KiB" >>$ROWS
	echo "memory in QEMU: failed, see $B/mem.log" >&2
fi
if out=$(bench/drivers.sh 2>$B/drivers.log); then
	echo "$out" >>$ROWS
else
	echo "console drivers in QEMU: failed, see $B/drivers.log" >&2
fi
if out=$(bench/storage.sh 2>$B/storage.log); then
	echo "$out" >>$ROWS
else
	echo "file system on virtio-blk in QEMU: failed, see $B/storage.log" >&2
fi
if out=$(bench/net.sh 2>$B/net.log); then
	echo "$out" >>$ROWS
else
	echo "$out" >>$ROWS
	echo "network: failed, see $B/net.log" >&2
fi

# Table and JSON: each benchmark with its baseline and value/baseline.
machine="$(uname -srm), $(awk -F': ' '/^model name/ { print $2; exit }' \
	/proc/cpuinfo 2>/dev/null), $(nproc 2>/dev/null || echo ?) cpus"
awk -v machine="$machine" -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	-v file="$big" -v json=$B/results.json '
function row(name, base) {
	v = val[name]; bv = base == "" ? "null" : val[base]
	r = (v == "null" || bv == "null") ? "null" : sprintf("%.4f", v / bv)
	printf "%-30s %14s %-7s %-24s %14s %8s\n", name, v == "null" ? "FAIL" : v,
		unit[name], base == "" ? "-" : base, bv, r
	printf "%s\n    {\"name\": \"%s\", \"value\": %s, \"unit\": \"%s\", " \
		"\"baseline\": %s, \"baseline_value\": %s, \"ratio\": %s}",
		n++ ? "," : "", name, v, unit[name],
		base == "" ? "null" : "\"" base "\"", bv, r >json
}
{ val[$1] = $2; unit[$1] = $3 }
/^suite\./ { suite[++ns] = $1 }
END {
	printf "%-30s %14s %-7s %-24s %14s %8s\n", "name", "value", "unit",
		"baseline", "baseline_value", "ratio"
	printf "{\n  \"benchmarks\": [" >json
	for (i = 1; i <= ns; i++)
		row(suite[i], "")
	row("validate.mb_per_s", "wasm-validate")
	row("ipc.roundtrip_ns", "linux.pipe_roundtrip_ns")
	row("syscall.null_ns", "linux.null_syscall_ns")
	row("firmament.call_roundtrip_ns", "ipc.roundtrip_ns")
	row("jit.compile_mb_per_s", "")
	row("jit.opt_compile_mb_per_s", "")
	row("jit.compile_cold_mb_per_s", "")
	row("instantiate_us", "")
	row("mem.boot_kib", "")
	row("mem.process_kib", "")
	row("smp.scaling_2cpu", "")
	for (a in val)
		if (a ~ /^boot\.first_output_ms_smp4\./)
			row(a, "boot.first_output_ms." substr(a, 27))
		else if (a ~ /^ipc\.roundtrip_ns\.cross_cpu\.qemu\./)
			row(a, "ipc.roundtrip_ns.qemu." substr(a, 33))
	for (a in val)
		if (a ~ /^boot\.first_output_ms\./) {
			acc = substr(a, length("boot.first_output_ms.") + 1)
			row(a, "boot.empty_kernel_ms." acc)
		}
	for (a in val)
		if (a ~ /^ipc\.roundtrip_ns\.qemu\./)
			row(a, "linux.pipe_roundtrip_ns")
		else if (a ~ /^syscall\.null_ns\.qemu\./)
			row(a, "linux.null_syscall_ns")
	for (a in val)
		if (a ~ /^console\.write_mb_per_s\.wasm_driver\./) {
			acc = substr(a, length("console.write_mb_per_s.wasm_driver.") + 1)
			row(a, "console.write_mb_per_s.native_driver." acc)
		}
	for (a in val)
		if (a ~ /^fs\..*\.wasm_driver\./) {
			b = a; sub(/\.wasm_driver\./, ".native_driver.", b)
			row(a, b)
		}
	for (a in val)
		if (a ~ /^fs\.sqlite_speedtest1_runs_per_min\.(hosted|bare_metal)/)
			row(a, "fs.sqlite_speedtest1_runs_per_min.native")
	if ("net.http_requests_per_s.hosted" in val)
		row("net.http_requests_per_s.hosted",
		    "net.http_requests_per_s.native_httpd")
	if ("net.icmp_rtt_us.wasm_driver" in val)
		row("net.icmp_rtt_us.wasm_driver", "net.icmp_rtt_us.native_driver")
	if ("net.udp_rtt_us.wasm_driver" in val)
		row("net.udp_rtt_us.wasm_driver", "net.udp_rtt_us.native_driver")
	for (a in val)
		if (a ~ /^net\.send_inplace_copied_bytes\./)
			row(a, "")
		else if (a ~ /^net\.tcp_.*\.wasm_driver$/)
			row(a, substr(a, 1, length(a) - length("wasm_driver")) \
			    "native_driver")
	printf "\n  ],\n  \"validate_file\": \"%s\",\n", file >json
	printf "  \"machine\": \"%s\",\n  \"date\": \"%s\"\n}\n", machine, date >json
}' $ROWS
echo "wrote $B/results.json"
