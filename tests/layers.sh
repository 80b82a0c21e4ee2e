#!/usr/bin/env bash
# tests/layers.sh: the layers' include rules hold (each folder's README
# states its own). For every native C file (the ones built into
# build/nebulet or the kernel image, compiled with -I. alone), each
# `#include "..."` names a file from the repository root, and:
#   nucleus/   only nucleus/ and hal/hal.h
#   hal/       only hal/ (nothing above it)
#   libk/      only hal/hal.h
#   kernel/    only kernel/, hal/hal.h, nucleus/nucleus.h (the nucleus's
#              public API) and the SDK (user/include/)
#   drivers/   (native drivers, *_native.*) only drivers/, kernel/,
#              hal/hal.h, nucleus/nucleus.h, the SDK and the firmament's
#              pure wire code
#   bootld/    what the kernel may, plus kernel/, drivers' *_native.h and
#              the firmament's pure wire code
# The firmament's pure wire code is firmament/wire.h and the headers firc
# generates from firmament/NAME.fir into build/gen/firmament/NAME_wire.h
# (spelled "firmament/NAME_wire.h", found through -I build/gen).
# Standard headers (<...>) are free. Wasm programs (user/, firmament/,
# the wasm drivers, tests' wasm programs) are built against the SDK's
# include path instead, as a user's program is, and are not checked here.
# One test per file, then one per planted violation (a copy of the tree's
# rules run on a scratch tree that breaks each, which must be caught).
# Prints "FAIL file: reason" lines and ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0

WIRE='firmament/wire\.h|firmament/[a-z0-9_]+_wire\.h'

# exists ROOT INC: INC names a file of the tree at ROOT, or a header firc
# generates from one of its interfaces.
exists() {
	local root=$1 inc=$2 base
	[ -f "$root/$inc" ] && return 0
	base=${inc#firmament/}
	base=${base%_wire.h}
	[[ $inc == firmament/*_wire.h ]] && [ -f "$root/firmament/$base.fir" ]
}

# allowed FILE: the extended regex of quoted includes FILE may have.
allowed() {
	case $1 in
	nucleus/*) echo '^(nucleus/.*|hal/hal\.h)$' ;;
	hal/*) echo '^hal/.*$' ;;
	libk/*) echo '^hal/hal\.h$' ;;
	kernel/*) echo "^(kernel/.*|hal/hal\.h|nucleus/nucleus\.h|user/include/.*|$WIRE)\$" ;;
	drivers/*) echo "^(drivers/.*|kernel/.*|hal/hal\.h|nucleus/nucleus\.h|user/include/.*|$WIRE)\$" ;;
	bootld/*) echo "^(bootld/.*|kernel/.*|drivers/.*_native\.h|hal/hal\.h|nucleus/nucleus\.h|user/include/.*|$WIRE)\$" ;;
	*) echo '.' ;;
	esac
}

# check ROOT FILE: prints why FILE (a path inside ROOT) breaks a rule, if
# it does; succeeds when it breaks none.
check() {
	local root=$1 file=$2 inc ok=0 rule
	rule=$(allowed "$file")
	while IFS= read -r inc; do
		if ! exists "$root" "$inc"; then
			echo "$file: \"$inc\" is not a path from the repository root"
			ok=1
		elif ! grep -qE "$rule" <<<"$inc"; then
			echo "$file: includes \"$inc\", outside its layer"
			ok=1
		fi
	done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/p' "$root/$file")
	return $ok
}

# native ROOT: the native C files of the tree at ROOT.
native() {
	(cd "$1" && git ls-files --cached --others --exclude-standard -- \
		'nucleus/*.[ch]' 'hal/*.[chS]' 'libk/*.[ch]' 'kernel/*.[ch]' \
		'bootld/*.[ch]' 'drivers/*_native.[ch]' 'tools/nebulet/*.[ch]' \
		'tools/firc/*.[ch]' 'tests/unit/*.[ch]' 'tests/fuzz/*.[ch]')
}

for f in $(native .); do
	[ -f "$f" ] || continue
	if why=$(check . "$f"); then
		pass=$((pass + 1))
	else
		echo "FAIL $why"
		fail=$((fail + 1))
	fi
done

# The rules must catch a violation: plant one per rule in a scratch tree.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{nucleus,hal/x86_64,libk,kernel,bootld,drivers/d}
touch "$tmp"/nucleus/module.h "$tmp"/hal/hal.h "$tmp"/kernel/object.h \
	"$tmp"/bootld/bootld.h "$tmp"/nucleus/runtime.h
planted() {
	local file=$1 inc=$2
	printf '#include <stdio.h>\n#include "%s"\n' "$inc" >"$tmp/$file"
	if check "$tmp" "$file" >/dev/null; then
		echo "FAIL layers: $file including \"$inc\" was not caught"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
planted nucleus/bad.c kernel/object.h     # nucleus above the HAL
planted nucleus/bad2.c module.h           # not spelled from the root
planted hal/x86_64/bad.c bootld/bootld.h      # the HAL calling up
planted libk/bad.c nucleus/module.h       # libk beside the nucleus
planted kernel/bad.c bootld/bootld.h          # the kernel reaching the boot loader
planted kernel/bad2.c nucleus/runtime.h   # a nucleus internal
planted drivers/d/d_native.c bootld/bootld.h  # a driver reaching the boot loader
# ... and a correct file passes.
printf '#include "hal/hal.h"\n#include "nucleus/module.h"\n' >"$tmp/nucleus/ok.c"
if check "$tmp" nucleus/ok.c >/dev/null; then
	pass=$((pass + 1))
else
	echo "FAIL layers: a correct nucleus file was rejected"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
