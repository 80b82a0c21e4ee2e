#!/bin/sh
# tests/firmament/mkdisk.sh IMG: the FAT32 disk of the file system tests
# (fs.manifest, fsclient.c), made as a user makes one: mkfs.fat (33 MiB,
# the least mtools takes for FAT32, labelled) and mtools. Holds
# hello.txt, docs/A long name for numbers.txt (`seq 1 20000`) and
# docs/old/remove-me.txt.
set -eu
img=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MTOOLS_SKIP_CHECK=1
rm -f "$img"
mkfs.fat -F 32 -n NEBULET -C "$img" 33300 >/dev/null
printf 'Hello from a FAT disk.\n' >"$tmp/hello.txt"
seq 1 20000 >"$tmp/numbers.txt"
mcopy -i "$img" "$tmp/hello.txt" ::/hello.txt
mmd -i "$img" ::/docs ::/docs/old
mcopy -i "$img" "$tmp/numbers.txt" "::/docs/A long name for numbers.txt"
mcopy -i "$img" "$tmp/hello.txt" ::/docs/old/remove-me.txt
