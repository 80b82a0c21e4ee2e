#!/usr/bin/env bash
# tests/httpd.sh NEBULET: the web server user/httpd.c ($B/user/httpd.wasm)
# hosted, `NEBULET run --listen=tcp:127.0.0.1:PORT --dir=ROOT::/www`,
# with the host's curl as its client: a page, HEAD, a 16 MiB file
# (sha256 equal), 100 sequential connections, 20 requests on one kept
# connection, 8 concurrent connections, pipelined requests, 404, 403 for
# paths escaping the root (plain and %-encoded), 405, 400 and 505 for
# raw bad requests; then the server still answers. Bad invocations end
# with a message. The server's log is shown with every failure.
# Then the same client checks on bare metal (QEMU, the firmament's init,
# the virtio-net driver as wasm and native, lwIP, the FAT disk, httpd
# under the manifest with the kernel's WASI sockets, kernel/wasi_sock.c;
# a free host port forwarded to the guest's 80): all of them with the
# wasm driver, the page and the connections with the native one (all
# with HTTPD_FULL=1, as make stress runs it: TCG is slow).
# Ends with "N passed, N failed, N skipped".
set -u
nebulet=${1:?usage: tests/httpd.sh NEBULET}
[ -e "$nebulet" ] && nebulet=$(realpath "$nebulet")
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
httpd=$B/user/httpd.wasm
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

. tests/lib.sh # ok, bad, on_free_port, boot_forwarded

# fail_log WHAT: a failed check, with the server's log.
fail_log() {
	bad "$1"
	tail -n 15 "$tmp/log" | sed 's/^/    server| /'
}

# check LABEL WANT GOT: passes when GOT equals WANT.
check() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail_log "$1: got '$3', expected '$2'"
	fi
}

# start_server: runs httpd on a port free at the time until it says it
# serves; sets pid and url.
start_server() {
	on_free_port "$tmp/log" 'httpd: serving' "$nebulet" run \
		--listen=tcp:127.0.0.1:PORT --dir="$tmp/www::/www" "$httpd" \
		/www || return 1
	url=http://127.0.0.1:$port
}

# raw REQUEST: sends REQUEST as it is on a new connection, prints the
# answer (read until the server closes, 30 s at most).
raw() {
	local c
	exec {c}<>"/dev/tcp/127.0.0.1/${url##*:}" || return 1
	printf '%b' "$1" >&"$c"
	timeout 30 cat <&"$c"
	exec {c}>&-
}

# client_checks PREFIX [quick]: curl against the server at $url (serving
# $tmp/www), each check's name prefixed with PREFIX: a page, a directory's
# index, HEAD, the 16 MiB file, 100 sequential connections, 20 requests
# on one, 8 concurrent connections (each fetching the 1 MiB file
# $rounds times); quick: the page, the sequential and the concurrent
# connections only.
client_checks() {
	check ${1}page "$(cat "$tmp/www/index.html")" "$("${C[@]}" "$url/")"
	[ "${2:-}" = quick ] || client_more "$1"
	client_conns "$1"
}

# client_more PREFIX: client_checks' other half: types, an index, HEAD,
# the 16 MiB file, 20 requests on one connection.
client_more() {
	local args
	check ${1}page-type "200 text/html 40" \
		"$("${C[@]}" -o /dev/null -w '%{http_code} %{content_type} %{size_download}' "$url/index.html")"
	check ${1}directory-index "sub page" "$("${C[@]}" "$url/sub/")"
	check ${1}head "200 0" "$("${C[@]}" -I -o /dev/null -w '%{http_code} %{size_download}' "$url/big.bin")"
	check ${1}head-length "Content-Length: $((16 << 20))" \
		"$("${C[@]}" -I "$url/big.bin" | tr -d '\r' | grep Content-Length)"
	check ${1}big-16MiB "$(sha256sum <"$tmp/www/big.bin")" \
		"$("${C[@]}" "$url/big.bin" | sha256sum)"
	# 20 requests on one kept connection: one connect in all.
	args=()
	for _ in $(seq 20); do args+=(-o /dev/null "$url/index.html"); done
	check ${1}keep-alive-20 "20 x 200, 1 connect" "$("${C[@]}" \
		-w '%{http_code} %{num_connects}\n' "${args[@]}" |
		awk '$1 == 200 { n++ } { c += $2 } END { print n " x 200, " c " connect" }')"
}

# client_conns PREFIX: 100 sequential connections, 8 concurrent ones.
client_conns() {
	local args want i
	# 100 sequential connections: one curl, "Connection: close" each.
	args=()
	for _ in $(seq 100); do args+=(-o /dev/null "$url/index.html"); done
	check ${1}sequential-100 "100 x 200 1" "$("${C[@]}" -H 'Connection: close' \
		-w '%{http_code} %{num_connects}\n' "${args[@]}" |
		sort | uniq -c | awk '{print $1 " x " $2 " " $3}')"

	# 8 concurrent connections, each fetching the 1 MiB file.
	want=$(sha256sum <"$tmp/www/mid.bin")
	rm -f "$tmp"/conc.*
	for i in $(seq 8); do
		(for _ in $(seq "$rounds"); do
			"${C[@]}" "$url/mid.bin" | sha256sum
		done >"$tmp/conc.$i") &
	done
	wait $(jobs -p | grep -vx "$pid")
	check ${1}concurrent-8 "$((8 * rounds)) equal" \
		"$(cat "$tmp"/conc.* | grep -cxF "$want") equal"

}

mkdir -p "$tmp/www/sub" "$tmp/secret"
printf '<html><body>Nebulet httpd</body></html>\n' >"$tmp/www/index.html"
printf 'sub page\n' >"$tmp/www/sub/index.html"
printf 'top secret\n' >"$tmp/secret.txt"
head -c $((16 << 20)) /dev/urandom >"$tmp/www/big.bin"
head -c $((1 << 20)) /dev/urandom >"$tmp/www/mid.bin"

if ! command -v curl >/dev/null; then
	bad "curl is not installed (tools/deps.sh installs it)"
elif ! start_server; then
	bad "httpd did not start"
	sed 's/^/    server| /' "$tmp/log"
else
	C=(curl -s --max-time 120)
	rounds=4
	client_checks ""
	check not-found 404 "$("${C[@]}" -o /dev/null -w '%{http_code}' "$url/absent.html")"
	check escape-dotdot 403 "$("${C[@]}" --path-as-is -o /dev/null -w '%{http_code}' "$url/../secret.txt")"
	check escape-encoded 403 "$("${C[@]}" --path-as-is -o /dev/null -w '%{http_code}' "$url/sub/%2e%2e/%2E%2E/secret.txt")"
	check escape-body "" "$("${C[@]}" --path-as-is "$url/../secret.txt" | grep -F 'top secret')"
	check method-405 "405 GET, HEAD" "$("${C[@]}" -X POST -d x -D "$tmp/hdr" -o /dev/null -w '%{http_code}' "$url/") $(tr -d '\r' <"$tmp/hdr" | sed -n 's/^Allow: //p')"
	check bad-request "HTTP/1.1 400 Bad Request" "$(raw 'GARBAGE\r\n\r\n' | head -n 1 | tr -d '\r')"
	check bad-version "HTTP/1.1 505 HTTP Version Not Supported" "$(raw 'GET / HTTP/2.0\r\n\r\n' | head -n 1 | tr -d '\r')"
	check bad-target "HTTP/1.1 400 Bad Request" "$(raw 'GET nope HTTP/1.1\r\n\r\n' | head -n 1 | tr -d '\r')"
	check pipelined "2 answers" "$(raw 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /sub/ HTTP/1.1\r\nConnection: close\r\n\r\n' |
		grep -c '^HTTP/1.1 200 OK') answers"
	check http10-closes "1 answer" "$(raw 'GET / HTTP/1.0\r\n\r\n' | grep -c '^HTTP/1.1 200') answer"
	check still-serving "$(cat "$tmp/www/index.html")" "$("${C[@]}" "$url/")"
	if grep -q 'httpd: GET /big.bin 200 16777216' "$tmp/log"; then
		ok "log line per request"
	else
		fail_log "log: no line for GET /big.bin"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
fi

# boot_server DRIVER: boots QEMU (TCG or KVM) with the firmament's init
# running httpd.manifest: the console, the virtio-blk driver on a FAT
# disk holding $tmp/www (made with mkfs.fat and mcopy), fatfs, the
# virtio-net driver (DRIVER wasm: the wasm driver; native: the kernel's,
# published by init), lwIP and httpd (`run --listen=tcp:80
# --dir=/www httpd.wasm /www`: its listening socket opened by init with
# the network service, a WASI socket in httpd); a free host port
# forwarded to the guest's 80. Waits until httpd says it serves; sets
# pid and url.
boot_server() {
	local U=$PWD/$B/user/firmament eth='driver ethernet virtio_net.wasm --handle=2'
	local man=(--pci=0x1af4:0x1041 --kernel) files=() f
	[ "$1" = native ] && eth='publish ethernet --handle=2'
	printf '%s\n' 'service console console.wasm' \
		'driver block virtio_blk.wasm --handle=1' "$eth" \
		'service net net.wasm' 'service fs fatfs.wasm' \
		'run --listen=tcp:80 --dir=/www httpd.wasm /www' \
		>"$tmp/httpd.manifest"
	for f in "$U/init.wasm" "$tmp/httpd.manifest" "$U/console.wasm" \
		"$B/drivers/virtio_blk.wasm" "$B/drivers/virtio_net.wasm" \
		"$B/user/net/net.wasm" "$U/fatfs.wasm" "$httpd"; do
		cp "$f" "$tmp/boot/" && files+=("$(basename "$f")")
	done
	if [ "$1" = native ]; then
		printf '%s\n' '--native=virtio-net --pci=0x1af4:0x1041 --serve=ethernet' \
			"--pci=0x1af4:0x1042 --listener=ethernet --kernel ${files[*]}" \
			>"$tmp/boot/native.man"
		(cd "$tmp/boot" && "$nebulet" pack -o native.ar \
			--manifest=native.man "${files[@]}") || return 1
		man=(--initrd=native.ar)
		files=()
	fi
	BOOT_DIR=$tmp/boot boot_forwarded "$tmp/log" 'httpd: serving' \
		--timeout=850 --disk="$tmp/disk-$1.img" "${man[@]}" "${files[@]}" ||
		return 1
	url=http://127.0.0.1:$port
}

# Bare metal, with either virtio-net driver: the same client checks.
mkdir -p "$tmp/boot"
if ! command -v mkfs.fat >/dev/null || ! command -v mcopy >/dev/null; then
	bad "bare-metal: mkfs.fat and mcopy are needed (tools/deps.sh)"
elif ! mkfs.fat -F 32 -C "$tmp/disk.img" 40000 >/dev/null ||
	! mcopy -s -i "$tmp/disk.img" "$tmp/www" ::/; then
	bad "bare-metal: cannot make the FAT disk"
else
	rounds=1 # TCG: a shorter run
	for drv in wasm native; do
		cp "$tmp/disk.img" "$tmp/disk-$drv.img"
		if ! boot_server $drv; then
			bad "bare-metal $drv: httpd did not answer in QEMU"
			tail -n 40 "$tmp/log" | sed 's/^/    qemu| /'
			continue
		fi
		# make test: the wasm driver fully, the native one quick;
		# HTTPD_FULL=1 (make stress): both fully.
		if [ $drv = wasm ] || [ -n "${HTTPD_FULL:-}" ]; then
			client_checks "qemu-$drv:"
		else
			client_checks "qemu-$drv:" quick
		fi
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	done
fi

# cli LABEL STATUS TEXT ARGS...: httpd with ARGS exits with STATUS and
# says TEXT.
cli() {
	local label=$1 want=$2 text=$3 st
	shift 3
	timeout 60 "$nebulet" run "$@" >"$tmp/log" 2>&1 </dev/null
	st=$?
	if [ "$st" = "$want" ] && grep -qF -- "$text" "$tmp/log"; then
		ok "$label"
	else
		fail_log "$label: status $st (want $want), wanted '$text'"
	fi
}
cli no-listener 1 "no listening socket" "$httpd"
cli usage 2 "usage: httpd [ROOT]" "$httpd" a b
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
