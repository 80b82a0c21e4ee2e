#!/usr/bin/env bash
# bench/suite/run.sh ROWS: the benchmark suite (bench/README.md), part of
# `make bench`. Runs every program of lib.sh's table natively, with
# `nebulet run` (JIT) and under node's WASI at its BIG size, and natively
# and with the interpreter at its SMALL size; the runners take turns over
# SUITE_ROUNDS rounds (default 3) and each keeps its best time. A time is
# the CPU time (user + system) of the runner's process: these machines are
# shared, and wall time mostly measures the neighbours. A run whose
# checksum (last line of output) differs from the native run's at the same
# size is an error and gives no figure.
# Appends to ROWS: suite.NAME.native (seconds),
# suite.NAME.{jit,node,interp,simd.jit,simd.node} (native time / runner
# time; simd.*: the -msimd128 build against native gcc -O2, which
# vectorizes with SSE2) and suite.geomean.{...}; keeps
# every run in $B/bench/suite.runs and its output in $B/bench/suite/.
# Environment: SUITE_ROUNDS, NEBULET (default build/nebulet), B.
set -u
cd "$(dirname "$0")/../.." || exit 1
rows=${1:?usage: bench/suite/run.sh ROWS}
B=${B:-build}
SB=$B/suite
NEBULET=${NEBULET:-$B/nebulet}
LOGS=$B/bench/suite
RUNS=$B/bench/suite.runs
mkdir -p "$LOGS"
: >"$RUNS"
# shellcheck source=bench/suite/lib.sh
. bench/suite/lib.sh

# measure NAME RUNNER SIZE ARGS PROGRAM: one run; appends "NAME RUNNER
# CPU_SECONDS CHECKSUM WALL_SECONDS" to $RUNS (CPU_SECONDS "null" when the
# run failed).
measure() {
	local name=$1 runner=$2 size=$3 out t rc
	out=$LOGS/$name.$runner
	suite_cmd "$runner" "$5"
	suite_args "$4" "$size"
	TIMEFORMAT='%3U %3S %3R'
	t=$({ time "${cmd[@]}" "${args[@]}" >"$out.out" 2>"$out.err" \
		</dev/null; } 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "suite: $name.$runner exited $rc, see $out.err" >&2
		echo "$name $runner null -" >>"$RUNS"
		return
	fi
	echo "$name $runner $(echo "$t" | awk '{ print $1 + $2 }')" \
		"$(tail -n 1 "$out.out" | tr ' ' _) $(echo "$t" | cut -d' ' -f3)" \
		>>"$RUNS"
}

for round in $(seq "${SUITE_ROUNDS:-3}"); do
	echo "suite: round $round" >&2
	while IFS='|' read -r name prog argv tiny small big; do
		for r in native jit node simd.jit simd.node; do
			measure "$name" "$r" "$big" "$argv" "$prog"
		done
		measure "$name" native_small "$small" "$argv" "$prog"
		measure "$name" interp "$small" "$argv" "$prog"
	done <<<"$SUITE_TABLE"
done

# The rows: each runner's best time, checked against native's checksum
# (native_small's for interp); ratios native / runner; geometric means.
awk -v order="$(cut -d'|' -f1 <<<"$SUITE_TABLE" | tr '\n' ' ')" '
function best(n, r) { return (n SUBSEP r) in t ? t[n, r] : "null" }
# each run: its time and checksum; a runner that failed in a round, or
# whose checksum changed between rounds, is marked bad.
$3 == "null" { bad[$1, $2] = 1; next }
{
	n = $1; r = $2
	if ((n SUBSEP r) in sum && sum[n, r] != $4) bad[n, r] = 1
	sum[n, r] = $4
	if (!((n SUBSEP r) in t) || $3 < t[n, r]) t[n, r] = $3
}
END {
	nn = split(order, names, " ")
	for (i = 1; i <= nn; i++) {
		n = names[i]
		nat = best(n, "native")
		if (bad[n, "native"]) nat = "null"
		printf "suite.%s.native %s s\n", n, nat
		split("jit node interp simd.jit simd.node", rs, " ")
		for (j = 1; j <= 5; j++) {
			r = rs[j]; b = r == "interp" ? "native_small" : "native"
			v = best(n, r); bv = best(n, b)
			if (v != "null" && (sum[n, r] != sum[n, b] || bad[n, r] ||
			    bad[n, b])) {
				printf "suite: %s.%s: checksum %s, native %s\n", n, r,
					sum[n, r], sum[n, b] >"/dev/stderr"
				v = "null"
			}
			ratio = "null"
			if (v != "null" && bv != "null" && v > 0)
				ratio = sprintf("%.4f", bv / v)
			printf "suite.%s.%s %s x\n", n, r, ratio
			if (ratio == "null") fails[r] = 1
			else { lg[r] += log(ratio); cnt[r]++ }
		}
	}
	for (j = 1; j <= 5; j++) {
		r = rs[j]
		g = "null"
		if (!fails[r] && cnt[r])
			g = sprintf("%.4f", exp(lg[r] / cnt[r]))
		printf "suite.geomean.%s %s x\n", r, g
	}
}' "$RUNS" >>"$rows"
