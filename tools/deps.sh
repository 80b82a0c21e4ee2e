#!/bin/sh
# Installs, only if missing, every Debian package that Nebulet's build, run,
# tests and benchmarks need. Idempotent: a second run installs nothing.
# Usage: tools/deps.sh   (as root, or with sudo available)
set -e
PKGS="make gcc clang lld wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev \
wabt binaryen qemu-system-x86 qemu-system-data nodejs clang-format python3 \
dpkg-dev tcl grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools ovmf \
dosfstools curl"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
# Source packages for the benchmark suite (bench/suite/fetch.sh): deb-src
# entries in a file of their own, written once, copied from the machine's
# own deb entries (the same mirrors, the same suites).
updated=""
if [ ! -e /etc/apt/sources.list.d/nebulet-src.sources ] &&
	[ ! -e /etc/apt/sources.list.d/nebulet-src.list ]; then
	if [ -e /etc/apt/sources.list.d/debian.sources ]; then
		echo "deps: enabling deb-src (nebulet-src.sources)" >&2
		sed 's/^Types: deb$/Types: deb-src/' \
			/etc/apt/sources.list.d/debian.sources |
			$SUDO tee /etc/apt/sources.list.d/nebulet-src.sources >/dev/null
	else
		echo "deps: enabling deb-src (nebulet-src.list)" >&2
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list |
			$SUDO tee /etc/apt/sources.list.d/nebulet-src.list >/dev/null
	fi
	$SUDO apt-get update -qq >&2
	updated=1
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
[ -n "$updated" ] || $SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
