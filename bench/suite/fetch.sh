#!/bin/sh
# bench/suite/fetch.sh: unpacks the Debian source packages of the
# benchmark suite into a cache outside the tree, once per machine:
# $NEBULET_SRC (default ~/.cache/nebulet/src)/PKG -> PKG-VERSION, with
# Debian's patches applied (`apt-get source`; tools/deps.sh enables the
# deb-src entries). For sqlite3 it also generates the amalgamation
# (sqlite3.c, sqlite3.h) from that source into sqlite3-amalgamation/.
# Usage: bench/suite/fetch.sh PKG...   (zlib bzip2 lua5.4 sqlite3; lwip
# for the network service, user/net/net.mk)
set -eu
SRC=${NEBULET_SRC:-$HOME/.cache/nebulet/src}
mkdir -p "$SRC"

# unpack PKG: $SRC/PKG, unless there already. Works in a temporary
# directory and renames, so a run cut short leaves nothing half done.
unpack() {
	[ -d "$SRC/$1" ] && return 0
	tmp=$(mktemp -d "$SRC/.fetch.XXXXXX")
	echo "fetch: apt-get source $1 into $SRC" >&2
	if ! (cd "$tmp" && apt-get source -qq "$1" >/dev/null 2>"$tmp.log"); then
		cat "$tmp.log" >&2
		echo "fetch: apt-get source $1 failed (are deb-src entries" \
			"enabled? tools/deps.sh does it)" >&2
		rm -rf "$tmp" "$tmp.log"
		exit 1
	fi
	dir=$(cd "$tmp" && find . -mindepth 1 -maxdepth 1 -type d | head -n 1)
	dir=${dir#./}
	[ -d "$SRC/$dir" ] || mv "$tmp/$dir" "$SRC/$dir"
	ln -sfn "$dir" "$SRC/$1"
	rm -rf "$tmp" "$tmp.log"
}

# amalgamate: SQLite's configure and `make sqlite3.c` (needs tclsh) in a
# temporary build directory, then the two files into place.
amalgamate() {
	out=$SRC/sqlite3-amalgamation
	[ -f "$out/sqlite3.c" ] && return 0
	tmp=$(mktemp -d "$SRC/.amalg.XXXXXX")
	echo "fetch: generating the SQLite amalgamation (a minute or two)" >&2
	if ! (cd "$tmp" && "$SRC/sqlite3/configure" >log 2>&1 &&
		make sqlite3.c >>log 2>&1); then
		tail -n 20 "$tmp/log" >&2
		echo "fetch: SQLite amalgamation failed" >&2
		rm -rf "$tmp"
		exit 1
	fi
	mkdir -p "$tmp/out"
	cp "$tmp/sqlite3.c" "$tmp/sqlite3.h" "$tmp/out/"
	[ -f "$out/sqlite3.c" ] || { rm -rf "$out" && mv "$tmp/out" "$out"; }
	rm -rf "$tmp"
}

for p in "$@"; do
	unpack "$p"
	[ "$p" = sqlite3 ] && amalgamate
done
exit 0
