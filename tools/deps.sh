#!/bin/sh
# Installs, only if missing, every Debian package that Nebulet's build, run,
# tests and benchmarks need. Idempotent: a second run installs nothing.
# Usage: tools/deps.sh   (as root, or with sudo available)
set -e
PKGS="make gcc clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev \
wabt binaryen qemu-system-x86 qemu-system-data nodejs clang-format python3 \
dpkg-dev tcl"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
# Source packages for the benchmark suite (bench/suite/fetch.sh): deb-src
# entries in a file of their own, written once.
SRC_LIST=/etc/apt/sources.list.d/nebulet-src.sources
if [ ! -e $SRC_LIST ]; then
	echo "deps: enabling deb-src in $SRC_LIST" >&2
	printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' \
		'Suites: bookworm bookworm-updates' 'Components: main' \
		'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
		$SUDO tee $SRC_LIST >/dev/null
	$SUDO apt-get update -qq >&2
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
