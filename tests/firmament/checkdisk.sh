#!/usr/bin/env bash
# tests/firmament/checkdisk.sh OUT DIR: checks the disk that fsclient.c
# printed into OUT ("disk SIZE", then "@OFFSET: HEX" lines of its
# non-zero bytes), rebuilt in DIR/fs.img: `fsck.fat -n` must pass,
# `mdir` list exactly what the client left and `mtype` read what it
# wrote. Prints one "PASS what" or "FAIL what: why" line per check; exits
# 1 if any failed. Used by tests/firmament.sh (hosted) and tests/boot.sh
# (bare metal).
set -u
out=$1 dir=$2 img=$2/fs.img st=0
export MTOOLS_SKIP_CHECK=1
rm -f "$img"
truncate -s "$(sed -n 's/^disk //p' "$out" | head -n 1)" "$img" 2>/dev/null
sed -n 's/^@//p' "$out" | xxd -r -c 32 - "$img"
if fsck.fat -n "$img" >"$dir/fsck" 2>&1; then
	echo "PASS the disk passes fsck.fat -n"
else
	echo "FAIL fsck.fat -n: $(tail -n 5 "$dir/fsck")"
	st=1
fi
printf '%s\n' "::/Hello Again.TXT" "::/docs/" \
	"::/docs/A long name for numbers.txt" "::/new dir/" \
	"::/new dir/Written by Nebulet.txt" "::/new dir/cut.txt" |
	sort >"$dir/fs.want"
if mdir -/ -b -i "$img" :: 2>&1 | sort | diff -u "$dir/fs.want" - >"$dir/diff"; then
	echo "PASS mdir lists what the client left"
else
	echo "FAIL mdir: $(head -n 12 "$dir/diff")"
	st=1
fi
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%c", 97 + i % 26 }' \
	>"$dir/written"
if mtype -i "$img" "::/new dir/Written by Nebulet.txt" | cmp -s - "$dir/written" &&
	[ "$(mtype -i "$img" "::/Hello Again.TXT")" = "Hello from a FAT disk." ]; then
	echo "PASS mtype reads what the client wrote"
else
	echo "FAIL mtype of the written files"
	st=1
fi
exit $st
