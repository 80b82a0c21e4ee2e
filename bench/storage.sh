#!/usr/bin/env bash
# bench/storage.sh: the file system on a virtio-blk disk, printed as rows
# "NAME VALUE UNIT" for bench/run.sh: bench/firmament/fsbench.c through
# fatfs on a fresh 128 MiB FAT32 image (mkfs.fat) in QEMU, once over the
# wasm driver (drivers/virtio_blk, supervised by init) and once over the
# one compiled into the kernel (--native=virtio-blk, the baseline):
#   fs.seq_write_mb_per_s.wasm_driver.ACCEL   64 MiB written, fsync'd
#   fs.seq_read_mb_per_s.wasm_driver.ACCEL    and read back
#   fs.small_files_per_s.wasm_driver.ACCEL    1,000 files of 4 KiB
# and the same .native_driver.ACCEL: the median of STORAGE_ROUNDS (3)
# rounds, the two drivers taking turns (the machine's load changes
# between boots); every run's rows are kept in build/bench/storage.runs. ACCEL is kvm when /dev/kvm is usable, else tcg.
# Then SQLite's speedtest1 (--size $SPEEDTEST1_SIZE, 5) on a database
# file, its TOTAL time as runs per minute (60 / seconds), the best of
# STORAGE_ROUNDS:
#   fs.sqlite_speedtest1_runs_per_min.native   gcc -O2, a host directory
#   fs.sqlite_speedtest1_runs_per_min.hosted   the wasm build under
#       nebulet run --dir on the same directory (JIT)
#   fs.sqlite_speedtest1_runs_per_min.bare_metal.ACCEL   the wasm build
#       on the virtio-blk disk in QEMU (fatfs, the wasm driver)
# (bench/run.sh: the last two against native).
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
NEBULET=$(realpath "$B/nebulet")
U=$B/user/firmament
make -s "$B/nebulet.elf" "$B/nebulet" "$B/drivers/virtio_blk.wasm" \
	"$B/bench/fsbench.wasm" "$B/bench/speedtest1.wasm" \
	"$B/bench/speedtest1.native" firmament >/dev/null || exit 1
# shellcheck source=tools/qemu.sh
. tools/qemu.sh
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cp "$U/"{init,console,clock,random,fatfs}.wasm "$B/drivers/virtio_blk.wasm" \
	"$B/bench/fsbench.wasm" "$B/bench/speedtest1.wasm" "$W/"
FILES="console.wasm clock.wasm random.wasm fatfs.wasm fsbench.wasm"
# run KIND: one boot of fsbench.wasm over driver KIND (wasm, native);
# its rows "NAME.KIND_driver.ACCEL VALUE UNIT" appended to $W/rows.
run() {
	local kind=$1 block='driver block virtio_blk.wasm --handle=1'
	local boot="--pci=0x1af4:0x1042 --kernel init.wasm bench.manifest $FILES virtio_blk.wasm"
	if [ "$kind" = native ]; then
		block='publish block --handle=1'
		boot="--native=virtio-blk --pci=0x1af4:0x1042 --serve=block
--listener=block --kernel init.wasm bench.manifest $FILES"
	fi
	printf '%s\n' 'service console console.wasm' 'service clock clock.wasm' \
		'service random random.wasm' "$block" 'service fs fatfs.wasm' \
		'run fsbench.wasm' >"$W/bench.manifest"
	printf '%s\n' "$boot" >"$W/boot.man"
	# shellcheck disable=SC2086 # a word list of file names
	(cd "$W" && "$NEBULET" pack -o bench.ar --manifest=boot.man init.wasm \
		bench.manifest $FILES virtio_blk.wasm) || return 1
	rm -f "$W/disk.img"
	mkfs.fat -F 32 -C "$W/disk.img" 131072 >/dev/null || return 1
	"$NEBULET" boot --timeout=600 --initrd="$W/bench.ar" \
		--disk="$W/disk.img" </dev/null >"$W/out" 2>"$W/err"
	if [ "$(grep -c '^fs\.' "$W/out")" != 3 ]; then
		cat "$W/out" "$W/err" >&2
		return 1
	fi
	awk -v s="${kind}_driver.$ACCEL" '/^fs\./ { print $1 "." s, $2, $3 }' \
		"$W/out" >>"$W/rows"
}
for _ in $(seq "${STORAGE_ROUNDS:-3}"); do
	run wasm && run native || exit 1
done

# speedtest KIND: one speedtest1 run (native, hosted, bare_metal) on a
# fresh database; its row "fs.sqlite_speedtest1_runs_per_min.KIND V
# runs/min" appended to $W/rows.
speedtest() {
	local size=${SPEEDTEST1_SIZE:-5} out=$W/st.out
	rm -rf "$W/st" && mkdir "$W/st"
	case $1 in
	native) "$B/bench/speedtest1.native" --size "$size" "$W/st/db" ;;
	hosted) "$NEBULET" run --dir="$W/st::/" "$W/speedtest1.wasm" \
		--size "$size" /db ;;
	*)
		printf '%s\n' 'service console console.wasm' \
			'service clock clock.wasm' 'service random random.wasm' \
			'driver block virtio_blk.wasm --handle=1' \
			'service fs fatfs.wasm' \
			"run --dir=/ speedtest1.wasm --size $size /db" >"$W/st.manifest"
		rm -f "$W/disk.img"
		mkfs.fat -F 32 -C "$W/disk.img" 131072 >/dev/null || return 1
		(cd "$W" && "$NEBULET" boot --timeout=900 --disk=disk.img \
			--kernel init.wasm st.manifest console.wasm clock.wasm \
			random.wasm fatfs.wasm virtio_blk.wasm speedtest1.wasm)
		;;
	esac </dev/null >"$out" 2>"$W/st.err"
	local t
	t=$(awk '$1 ~ /^TOTAL\./ { print $2 }' "$out" |
		tr -d s)
	if [ -z "$t" ]; then
		cat "$out" "$W/st.err" >&2
		return 1
	fi
	local kind=$1
	[ "$kind" = bare_metal ] && kind=bare_metal.$ACCEL
	awk -v t="$t" -v k="$kind" 'BEGIN {
		printf "fs.sqlite_speedtest1_runs_per_min.%s %.3f runs/min\n", k,
			60 / t }' >>"$W/rows"
}
for _ in $(seq "${STORAGE_ROUNDS:-3}"); do
	for kind in native hosted bare_metal; do
		speedtest $kind || exit 1
	done
done
mkdir -p "$B/bench" && cp "$W/rows" "$B/bench/storage.runs" # every run
# The median of each row's values (speedtest1's: the best).
sort -k1,1 -k2,2n "$W/rows" | awk '
	$1 != name { flush(); name = $1; unit = $3; n = 0 }
	{ v[++n] = $2 }
	function flush() {
		if (n) print name, v[name ~ /speedtest1/ ? n : int((n + 1) / 2)], unit
	}
	END { flush() }'
