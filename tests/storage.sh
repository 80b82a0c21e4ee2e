#!/usr/bin/env bash
# tests/storage.sh: the virtio-blk driver and persistent storage on bare
# metal, in QEMU through `nebulet boot --disk=IMG` (TCG or KVM, as
# tests/boot.sh). Ends with "N passed, N failed".
#   virtio-blk    tests/boot/blkclient.c speaks Block to the wasm driver
#                 (drivers/virtio_blk, MSI-X and INTx) and to the one
#                 compiled into the kernel (--native=virtio-blk): the
#                 same output, multi-sector reads and writes, flush,
#                 in place (zero copy: Block.buffer), bad requests
#                 refused; the host finds what it wrote in the image
#   errors        a disk failing some requests (QEMU's blkdebug): each
#                 is BLOCK_STATUS_IO, by message and in place, both
#                 drivers, and the disk serves others after
#   hang          a disk slower than the driver's timeout (null-co with
#                 a latency): every request BLOCK_STATUS_IO, the device
#                 reset each time, both drivers
#   persistence   a FAT32 image made by mkfs.fat: the firmament's shell
#                 writes to it (mkdir, cp, rm) through fatfs over one
#                 driver, the machine powers off, boots again from the
#                 same image over the other driver: the files are there
#                 and the shell writes again; then fsck.fat -n passes
#                 and mdir/mtype see every file. Once wasm then native,
#                 once native then wasm.
#   faults        tests/firmament/blkfault.c kills the wasm driver
#                 (supervised by init) while fatfs writes, 20 times at
#                 seeded points: every file it fsync'd reads back, and
#                 after power-off fsck.fat -n passes and mtype reads
#                 each one whole; no kernel panic. Then the same with
#                 fatfs itself killed (during writes and fsyncs): its
#                 next mount repairs the volume (lost clusters freed).
#   sqlite        SQLite's shell inserts 10,000 rows into a database on
#                 the disk, power off, the next boot reads them back.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$B/nebulet
U=$B/user/firmament
pass=0 fail=0
export MTOOLS_SKIP_CHECK=1

for tool in qemu-system-x86_64 mkfs.fat fsck.fat mdir mtype; do
	if ! command -v $tool >/dev/null; then
		echo "SKIP storage ($tool is not installed)"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
done
PROGS=("$U/"{init,console,clock,random,netloop,ramdisk,fatfs,shell}.wasm
	"$B/drivers/virtio_blk.wasm" "$B/tests/boot/blkclient.wasm"
	"$B/tests/firmament/blkfault.wasm"
	"$B/user/hello.wasm" "$B/tests/apps/sqlite3.wasm")
if ! make -s B="$B" "$B/nebulet.elf" "$NEBULET" "${PROGS[@]}" >/dev/null; then
	echo "FAIL build"
	echo "0 passed, 1 failed"
	exit 1
fi
WT=$(mktemp -d)
trap 'rm -rf "$WT"' EXIT
cp "${PROGS[@]}" user/firmament/default.manifest "$WT/"
# shellcheck source=tests/lib.sh
. tests/lib.sh # count_checks, ok, bad

# judge NAME LABEL:FILE...: NAME passes when $why is empty, else fails
# with $why and the last 40 lines of each FILE.
judge() {
	local name=$1 f
	shift
	if [ -z "$why" ]; then
		ok "$name"
		return
	fi
	bad "$name: $why"
	for f in "$@"; do
		tail -n 40 "${f#*:}" | sed "s/^/    ${f%%:*}| /"
	done
}

# boot_ar ARCHIVE OUT [OPTION...]: boots ARCHIVE (made in $WT from its
# manifest ARCHIVE.man) with OPTIONs, stdin from $WT/in if there is one;
# sets status.
boot_ar() {
	local ar=$1 out=$2 files
	shift 2
	files=$(grep -v '^ *$' "$WT/$ar.files")
	# shellcheck disable=SC2086 # a word list of file names
	(cd "$WT" && "$(realpath "$OLDPWD/$NEBULET")" pack -o "$ar" \
		--manifest="$ar.man" $files) || return 1
	timeout 300 "$NEBULET" boot --timeout=240 --initrd="$WT/$ar" "$@" \
		<"${STDIN:-/dev/null}" >"$WT/$out.out" 2>"$WT/$out.err"
	status=$?
}

# --- virtio-blk: a raw image of 256 sectors, sector n "sector n".
for i in $(seq 0 255); do
	printf 'sector %d' "$i" >"$WT/sec"
	truncate -s 512 "$WT/sec"
	cat "$WT/sec"
done >"$WT/raw.img"
# The patterns blkclient.c writes over sectors 20-35 (by message) and
# 40-47 (in place).
LC_ALL=C awk 'BEGIN { for (s = 20; s < 36; s++) for (k = 0; k < 512; k++)
	printf "%c", (s * 7 + k * 13 + 1) % 256 }' >"$WT/pattern"
LC_ALL=C awk 'BEGIN { for (k = 0; k < 4096; k++) printf "%c", k % 251 }' \
	>"$WT/pattern2"
# client_boot DRIVER DISK [ARG [BOOTOPT]]: blkclient.wasm ARG on driver
# DRIVER (msix, intx, wasm: the wasm one, with more words for it;
# native) over --disk=DISK, BOOTOPT given to nebulet boot; its checks
# counted, $why set if it failed or did not say "done".
client_boot() {
	local line="--pci=0x1af4:0x1042 --serve=block virtio_blk.wasm $1"
	[ "$1" = native ] &&
		line="--native=virtio-blk --pci=0x1af4:0x1042 --serve=block"
	line=${line/ wasm/}
	printf '%s\n' "$line" "--connect=block blkclient.wasm ${3:-}" \
		>"$WT/blk.ar.man"
	printf '%s\n' virtio_blk.wasm blkclient.wasm >"$WT/blk.ar.files"
	boot_ar blk.ar blk --disk="$2" ${4:+"$4"}
	why=""
	count_checks "virtio-blk $1${3:+ $3}" "$WT/blk.out"
	{ [ $status = 0 ] && grep -qx done "$WT/blk.out"; } ||
		why="status $status or no 'done'"
}
for drv in msix intx native; do
	cp "$WT/raw.img" "$WT/disk.img"
	client_boot $drv "$WT/disk.img"
	grep -qx "blocks 256" "$WT/blk.out" || why="${why:+$why; }not 256 blocks"
	cmp -s <(tail -c +$((20 * 512 + 1)) "$WT/disk.img" | head -c $((16 * 512))) \
		"$WT/pattern" || why="${why:+$why; }the image lacks the pattern"
	cmp -s <(tail -c +$((40 * 512 + 1)) "$WT/disk.img" | head -c 4096) \
		"$WT/pattern2" ||
		why="${why:+$why; }the image lacks what was written in place"
	cmp -s <(head -c $((20 * 512)) "$WT/disk.img") \
		<(head -c $((20 * 512)) "$WT/raw.img") ||
		why="${why:+$why; }sectors 0-19 changed"
	if [ $drv = msix ]; then
		cp "$WT/blk.out" "$WT/blk.first"
	elif ! cmp -s "$WT/blk.out" "$WT/blk.first"; then
		why="${why:+$why; }output differs from the wasm driver's"
	fi
	judge "virtio-blk $drv: reads, writes, flush, bad requests" \
		"stdout:$WT/blk.out" "stderr:$WT/blk.err"
done

# --- device errors: QEMU's blkdebug fails reads of sector 64 and writes
# of sector 72 (`--disk=blkdebug:CONF:IMG`); blkclient.c errors checks
# each is BLOCK_STATUS_IO and the disk works after, with either driver.
printf '%s\n' '[inject-error]' 'event = "read_aio"' 'errno = "5"' \
	'sector = "64"' 'once = "off"' '[inject-error]' 'event = "write_aio"' \
	'errno = "5"' 'sector = "72"' 'once = "off"' >"$WT/faulty.conf"
for drv in wasm native; do
	client_boot $drv "blkdebug:$WT/faulty.conf:$WT/raw.img" errors
	judge "device errors $drv: failed requests are BLOCK_STATUS_IO" \
		"stdout:$WT/blk.out" "stderr:$WT/blk.err"
done

# --- a hung device: QEMU's null-co disk takes 1 s a request, the
# driver waits 200 ms (its timeout=MS word; vblk_timeout_ms=MS on the
# kernel command line for the native one): blkclient.c hang checks that
# every kind of request is BLOCK_STATUS_IO, each on a device reset after
# the one before, never stuck.
hung='json:{"file":{"driver":"null-co","size":131072,"latency-ns":1000000000}}'
client_boot "wasm timeout=200" "$hung" hang
judge "device hang wasm: requests time out as BLOCK_STATUS_IO, the device reset" \
	"stdout:$WT/blk.out" "stderr:$WT/blk.err"
client_boot native "$hung" hang --append=vblk_timeout_ms=200
judge "device hang native: requests time out as BLOCK_STATUS_IO, the device reset" \
	"stdout:$WT/blk.out" "stderr:$WT/blk.err"

# --- persistence through the shell. The firmament on a disk: with the
# wasm driver as `make run` boots it (`nebulet boot --disk --kernel`,
# default.manifest: init's startup handle 1 is the disk), with the
# native one through the boot loader's --native line and init's
# `publish block`.
printf '%s\n' 'service console console.wasm' 'service clock clock.wasm' \
	'service random random.wasm' 'publish block --handle=1' \
	'service fs fatfs.wasm' 'grant launcher shell.wasm' 'run shell.wasm' \
	>"$WT/native.manifest"
printf '%s\n' '--native=virtio-blk --pci=0x1af4:0x1042 --serve=block' \
	'--listener=block --kernel init.wasm native.manifest console.wasm clock.wasm random.wasm fatfs.wasm shell.wasm hello.wasm' \
	>"$WT/fw.ar.man"
printf '%s\n' init.wasm native.manifest console.wasm clock.wasm \
	random.wasm fatfs.wasm shell.wasm hello.wasm >"$WT/fw.ar.files"
# shell_on DRIVER IMG OUT: the shell's commands $WT/in on IMG.
shell_on() {
	if [ "$1" = native ]; then
		STDIN=$WT/in boot_ar fw.ar "$3" --disk="$2"
		return
	fi
	(cd "$WT" && timeout 300 "$(realpath "$OLDPWD/$NEBULET")" boot \
		--timeout=240 --disk="$2" --kernel init.wasm default.manifest \
		console.wasm clock.wasm random.wasm netloop.wasm ramdisk.wasm \
		fatfs.wasm shell.wasm virtio_blk.wasm hello.wasm \
		<"$WT/in" >"$WT/$3.out" 2>"$WT/$3.err")
	status=$?
}
printf 'written by the first boot\n' >"$WT/note.txt"
for order in "wasm native" "native wasm"; do
	set -- $order
	img=$WT/fat-$1.img
	rm -f "$img"
	mkfs.fat -F 32 -n PERSIST -C "$img" 33300 >/dev/null
	mcopy -i "$img" user/README.md "$WT/note.txt" ::/
	printf '%s\n' 'mkdir kept' 'cp hello.wasm kept/hello.wasm' \
		'cp note.txt kept/note.txt' 'mkdir gone' 'rm gone' \
		'rm README.md' 'exit 0' >"$WT/in"
	shell_on "$1" "$img" first
	why=""
	[ $status = 0 ] || why="first boot ($1): status $status"
	printf '%s\n' 'ls' 'ls kept' 'cat kept/note.txt' 'mkdir second' \
		'cp kept/hello.wasm second/again.wasm' 'exit 0' >"$WT/in"
	shell_on "$2" "$img" second
	[ $status = 0 ] || why="${why:+$why; }second boot ($2): status $status"
	for line in "   <dir> kept/" \
		"$(printf '%8u %s' "$(stat -c %s "$WT/hello.wasm")" hello.wasm)" \
		"written by the first boot"; do
		grep -qxF -- "$line" "$WT/second.out" ||
			why="${why:+$why; }second boot: no line '$line'"
	done
	grep -q "README.md" "$WT/second.out" &&
		why="${why:+$why; }README.md still listed"
	fsck.fat -n "$img" >"$WT/fsck" 2>&1 ||
		why="${why:+$why; }fsck.fat -n: $(tail -n 3 "$WT/fsck")"
	printf '%s\n' ::/kept/ ::/kept/hello.wasm ::/kept/note.txt ::/note.txt \
		::/second/ ::/second/again.wasm | sort >"$WT/want"
	mdir -/ -b -i "$img" :: 2>&1 | sort | diff "$WT/want" - >"$WT/diff" ||
		why="${why:+$why; }mdir: $(tr '\n' ' ' <"$WT/diff")"
	for f in kept/hello.wasm second/again.wasm; do
		mtype -i "$img" "::/$f" | cmp -s - "$WT/hello.wasm" ||
			why="${why:+$why; }mtype $f differs from hello.wasm"
	done
	[ "$(mtype -i "$img" ::/kept/note.txt)" = "written by the first boot" ] ||
		why="${why:+$why; }mtype kept/note.txt"
	judge "persistence: written over $1, power off, read and written over $2; fsck.fat and mtools agree" \
		"first:$WT/first.out" "first-err:$WT/first.err" \
		"second:$WT/second.out" "second-err:$WT/second.err"
done

# --- faults: the driver, then fatfs itself, killed during writes, 20
# times each (seed 7).
# fault_run VICTIM SEED: blkfault.wasm SEED VICTIM on a fresh image;
# its checks counted, $why set, the image in $WT/fault.img.
fault_run() {
	printf '%s\n' 'service console console.wasm' 'service clock clock.wasm' \
		'service random random.wasm' 'driver block virtio_blk.wasm --handle=1' \
		'service fs fatfs.wasm' 'grant launcher blkfault.wasm' \
		"run blkfault.wasm $2 $1" >"$WT/fault.manifest"
	img=$WT/fault.img
	rm -f "$img"
	mkfs.fat -F 32 -n FAULTS -C "$img" 33300 >/dev/null
	(cd "$WT" && timeout 600 "$(realpath "$OLDPWD/$NEBULET")" boot \
		--timeout=300 --disk="$img" --kernel init.wasm fault.manifest \
		console.wasm clock.wasm random.wasm fatfs.wasm virtio_blk.wasm \
		blkfault.wasm </dev/null >"$WT/fault.out" 2>"$WT/fault.err")
	status=$? why=""
	count_checks "faults $1: blkfault.wasm" "$WT/fault.out"
	{ [ $status = 0 ] && grep -qx done "$WT/fault.out"; } ||
		why="status $status or no 'done'"
	grep -qi panic "$WT/fault.err" && why="${why:+$why; }a kernel panic"
	n=$(grep -c "service $1 ended (137)" "$WT/fault.err")
	[ "$n" -ge 20 ] || why="${why:+$why; }init saw $n kills of $1, not 20"
	fsck.fat -n "$img" >"$WT/fsck" 2>&1 ||
		why="${why:+$why; }fsck.fat -n: $(tail -n 3 "$WT/fsck")"
	[ "$(grep -c '^synced ' "$WT/fault.out")" = 20 ] ||
		why="${why:+$why; }not 20 files synced"
	while read -r _ name size; do
		r=$((10#${name:1:2}))
		LC_ALL=C awk -v r="$r" -v n="$size" 'BEGIN {
			for (i = 0; i < n; i++) printf "%c", (i * 7 + r * 13) % 256 }' \
			>"$WT/want"
		mtype -i "$img" "::/$name" | cmp -s - "$WT/want" ||
			why="${why:+$why; }mtype $name differs"
	done < <(grep '^synced ' "$WT/fault.out")
}
fault_run block 7
grep -q "fatfs: the block service restarted; request repeated" "$WT/fault.err" ||
	why="${why:+$why; }no kill hit a request in flight"
judge "faults: driver killed 20 times during writes; fsync'd data kept, fsck.fat clean" \
	"stdout:$WT/fault.out" "stderr:$WT/fault.err"
# fatfs killed: kills during fsyncs leave the volume unclean (half its
# metadata written), which the next mount repairs (user/fs/README.md).
fault_run fs 7
n=$(grep -c "fatfs: not stopped cleanly: repaired" "$WT/fault.err")
[ "$n" -ge 1 ] || why="${why:+$why; }no kill left the volume unclean"
judge "faults: fatfs killed 20 times during writes and fsyncs, $n repairs at mount; fsync'd data kept, fsck.fat clean" \
	"stdout:$WT/fault.out" "stderr:$WT/fault.err"

# --- SQLite across a power-off: SQLite's shell (tests/apps/sqlite3.wasm)
# makes /t.db on the virtio-blk disk and inserts 10,000 rows
# (tests/apps/rows.sh, read from the disk); the machine powers off;
# the next boot from the same image counts and sums them; fsck.fat -n
# passes and the host's sqlite3 (when installed) finds the file intact.
sql_boot() {
	printf '%s\n' 'service console console.wasm' 'service clock clock.wasm' \
		'service random random.wasm' 'driver block virtio_blk.wasm --handle=1' \
		'service fs fatfs.wasm' "run --dir=/ sqlite3.wasm /t.db \"$1\"" \
		>"$WT/sql.manifest"
	(cd "$WT" && timeout 600 "$(realpath "$OLDPWD/$NEBULET")" boot \
		--timeout=400 --disk="$WT/sql.img" --kernel init.wasm sql.manifest \
		console.wasm clock.wasm random.wasm fatfs.wasm virtio_blk.wasm \
		sqlite3.wasm </dev/null >"$WT/$2.out" 2>"$WT/$2.err")
	status=$?
}
rm -f "$WT/sql.img"
mkfs.fat -F 32 -n SQL -C "$WT/sql.img" 33300 >/dev/null
tests/apps/rows.sh 10000 >"$WT/rows.sql"
mmd -i "$WT/sql.img" ::/sql && mcopy -i "$WT/sql.img" "$WT/rows.sql" ::/sql/
sql_boot ".read /sql/rows.sql" sql1
why=""
[ $status = 0 ] || why="first boot: status $status"
sql_boot "SELECT count(*), sum(a), sum(length(b)), max(b) FROM t;" sql2
[ $status = 0 ] || why="${why:+$why; }second boot: status $status"
grep -qx "10000|50005000|78894|row 9999" "$WT/sql2.out" ||
	why="${why:+$why; }the second boot did not read the 10,000 rows back"
fsck.fat -n "$WT/sql.img" >"$WT/fsck" 2>&1 ||
	why="${why:+$why; }fsck.fat -n: $(tail -n 3 "$WT/fsck")"
if command -v sqlite3 >/dev/null; then
	mcopy -i "$WT/sql.img" ::/t.db "$WT/t.db"
	[ "$(sqlite3 "$WT/t.db" 'PRAGMA integrity_check; SELECT count(*) FROM t;')" = \
		"$(printf 'ok\n10000')" ] ||
		why="${why:+$why; }the host's sqlite3 finds t.db damaged"
fi
judge "sqlite: 10,000 rows on the virtio-blk disk, power off, boot again: count and sums agree; fsck.fat clean" \
	"first:$WT/sql1.out" "first-err:$WT/sql1.err" \
	"second:$WT/sql2.out" "second-err:$WT/sql2.err"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
