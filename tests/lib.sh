# shellcheck shell=bash
# tests/lib.sh: helpers shared by the test scripts (sourced by wasi.sh,
# boot.sh, firmament.sh and net.sh, from the repo's root, with B set). A
# test program NAME is $B/tests/wasi/NAME.wasm, described by
# tests/wasi/NAME.* (see wasi.sh): .args, .env, .stdin, .status, .expect
# and .stderr. The callers keep the
# counts `pass` and `fail`, and `why`: the reasons a check failed, or "".

# wasi_load NAME [SCRATCH]: sets wasi_args (NAME's arguments), wasi_envs
# (its --env=NAME=VALUE options, then the runner options of NAME.dir with
# each @ replaced by SCRATCH, made afresh and empty), wasi_input (its
# stdin file, else /dev/null) and wasi_status (its expected exit status,
# else 0).
wasi_load() {
	local d=tests/wasi/$1 line
	wasi_args=() wasi_envs=() wasi_input=/dev/null wasi_status=0
	[ -f "$d.args" ] && mapfile -t wasi_args <"$d.args"
	if [ -f "$d.env" ]; then
		mapfile -t wasi_envs <"$d.env"
		wasi_envs=("${wasi_envs[@]/#/--env=}")
	fi
	if [ -f "$d.dir" ] && [ -n "${2:-}" ]; then
		rm -rf "$2" && mkdir -p "$2"
		while IFS= read -r line; do
			wasi_envs+=("${line//@/$2}")
		done <"$d.dir"
	fi
	# shellcheck disable=SC2034 # read by the caller
	[ -f "$d.status" ] && wasi_status=$(<"$d.status")
	[ -f "$d.stdin" ] && wasi_input=$d.stdin
	return 0
}

# wasi_run NAME OUT ERR COMMAND...: runs COMMAND [--env=..]... NAME.wasm
# [ARGS] as wasi_load found them, stdin from NAME.stdin, stdout to OUT and
# stderr to ERR; returns COMMAND's status.
wasi_run() {
	local name=$1 out=$2 err=$3
	shift 3
	"$@" "${wasi_envs[@]}" "$B/tests/wasi/$name.wasm" "${wasi_args[@]}" \
		<"$wasi_input" >"$out" 2>"$err"
}

# wasi_stderr_lacks NAME ERR: prints each line of NAME.stderr (if there is
# one) that does not occur within the file ERR.
wasi_stderr_lacks() {
	local line want=tests/wasi/$1.stderr
	[ -f "$want" ] || return 0
	while IFS= read -r line; do
		grep -qF -- "$line" "$2" || printf '%s\n' "$line"
	done <"$want"
}

# wasi_verdict LABEL NAME OUT ERR: passes LABEL when $why is empty; else
# fails it with $why, the diff from NAME.expect to OUT and the stderr ERR.
wasi_verdict() {
	if [ -z "$why" ]; then
		echo "PASS $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1: $why"
		diff -u "tests/wasi/$2.expect" "$3" | head -n 20
		sed 's/^/    stderr| /' "$4" | head -n 40
		fail=$((fail + 1))
	fi
}

# count_checks LABEL OUT: counts the "PASS ..." and "FAIL ..." lines of a
# test program's output OUT into pass and fail, shows each FAIL line as
# "FAIL LABEL: ..." and then "PASS LABEL: N checks passed". Sets checked
# to N.
count_checks() {
	local f
	grep '^FAIL ' "$2" | sed "s/^FAIL /FAIL $1: /"
	checked=$(grep -c '^PASS ' "$2")
	f=$(grep -c '^FAIL ' "$2")
	echo "PASS $1: $checked checks passed"
	pass=$((pass + checked))
	fail=$((fail + f))
}

# ok NAME, bad WHY: one check passed or failed (a PASS/FAIL line, counted).
ok() {
	echo "PASS $1"
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $1"
	fail=$((fail + 1))
}

# on_free_port OUT READY COMMAND...: runs COMMAND in the background (in
# directory $BOOT_DIR if set; each "PORT" in its words replaced by a
# host port free at the time), both its streams to OUT, until OUT has a
# line starting with READY (200 s at most); a command that ends before
# (the port taken meanwhile, say) is tried again on another port, five
# times. Sets port, and pid (empty if it never got ready: then 1).
on_free_port() {
	local out=$1 ready=$2
	shift 2
	for _ in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 30000))
		(cd "${BOOT_DIR:-.}" && exec "${@//PORT/$port}") \
			</dev/null >"$out" 2>&1 &
		pid=$!
		for _ in $(seq 200); do
			grep -q "^$ready" "$out" && return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	done
	return 1
}

# boot_forwarded OUT READY BOOT-ARGS...: on_free_port with `nebulet boot
# --hostfwd=tcp:127.0.0.1:PORT-:80 BOOT-ARGS...`.
boot_forwarded() {
	local out=$1 ready=$2
	shift 2
	on_free_port "$out" "$ready" "$(realpath "$B/nebulet")" boot \
		--hostfwd=tcp:127.0.0.1:PORT-:80 "$@"
}
