#!/bin/sh
# tests/fuzz/build.sh [replay|all|fuzz TARGET...]: builds the fuzz
# programs in build/fuzz/ with clang-14 under ASan and UBSan (run from the
# repository root); `fuzz TARGET...` (make fuzz's) only the libFuzzer
# programs of those targets (gen: replay_exec, which gen.sh runs):
#   replay_decode, replay_exec, replay_diff  the targets with replay.c's
#                               main (always)
#   replay_bootfs, replay_manifest  the boot archive reader and the
#                               boot loader's manifest parser (always)
#   replay_net                  lwIP with user/net's netif (always)
#   replay_fat                  the FAT32 library, user/fs/ (always)
#   fuzz_decode, fuzz_bootfs, fuzz_manifest, fuzz_net, fuzz_fat  with libFuzzer (all)
# Rebuilds only what is older than its sources. Exits 1 if a build fails.
set -eu

O=build/fuzz
CC=clang-14
FLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I. -Ibuild/gen \
	-fno-sanitize-recover=undefined"
SRC="$(ls nucleus/*.c hal/hosted/*.c) tests/fuzz/stubs.c"
DEPS="$SRC $(ls nucleus/*.h hal/*.h) tests/fuzz/stubs.h tests/fuzz/build.sh"
# The boot archive target needs only its reader; the manifest target the
# whole hosted kernel behind bootld.c (linked, not called).
BOOTFS_SRC="bootld/bootfs.c"
# (the generated wire code comes from make's build of build/nebulet).
MANIFEST_SRC="$(ls nucleus/*.c hal/hosted/*.c kernel/*.c) bootld/bootfs.c \
	bootld/manifest.c $(ls drivers/*/*_native.c) drivers/virtio/virtio_pci.c \
	drivers/virtio/vnet.c drivers/virtio/vnet_nic.c drivers/virtio/vblk.c \
	drivers/virtio/vblk_block.c firmament/wire.c \
	$(ls build/gen/firmament/*_wire.c)"
# The network stack's: lwIP from Debian's source (fetched once) with
# user/net's port and netif, as net.wasm has them.
LWIP=${NEBULET_SRC:-$HOME/.cache/nebulet/src}/lwip
[ -d "$LWIP/src" ] || bench/suite/fetch.sh lwip
NET_SRC="$(sed "s|.*|$LWIP/src/&.c|" user/net/lwip.files) user/net/nif.c \
	user/net/port.c"
mkdir -p $O

# newer TARGET SOURCES...: true if TARGET is missing or older than a source.
newer() {
	t=$1
	shift
	[ -e "$t" ] || return 0
	for s in "$@"; do
		[ "$s" -nt "$t" ] && return 0
	done
	return 1
}

# make_prog OUT SANITIZERS FILES...: compiles one program if out of date,
# with the sources in $LIB (default $SRC); $MORE: more files it depends on.
make_prog() {
	out=$1 san=$2 lib=${LIB:-$SRC}
	shift 2
	# shellcheck disable=SC2086
	newer $O/$out $DEPS $lib ${MORE:-} "$@" || return 0
	echo "build $O/$out" >&2
	# shellcheck disable=SC2086
	$CC $FLAGS ${EXTRA:-} -fsanitize=$san -o $O/$out "$@" $lib -lm
}

# The network target with $1's main.
net_prog() {
	EXTRA="-DNET_FUZZ -Iuser/net -I$LWIP/src/include" LIB=$NET_SRC \
		MORE="$(ls user/net/*.h user/net/arch/*.h) user/net/lwip.files" \
		make_prog $2_net $3 $1 tests/fuzz/fuzz_net.c
}

# The boot archive and manifest targets with $1's main (replay.c, or
# libFuzzer's).
bootfs_prog() {
	LIB=$BOOTFS_SRC make_prog $2_bootfs $3 $1 tests/fuzz/fuzz_bootfs.c
}
manifest_prog() {
	LIB=$MANIFEST_SRC MORE="$(ls bootld/* kernel/*.h)" make_prog \
		$2_manifest $3 $1 tests/fuzz/fuzz_manifest.c
}
bootld_progs() {
	bootfs_prog "$@"
	manifest_prog "$@"
}

# The FAT target needs only the library.
FAT_SRC="$(ls user/fs/*.c)"
fat_prog() {
	LIB=$FAT_SRC MORE="$(ls user/fs/*.h)" make_prog $2_fat $3 $1 \
		tests/fuzz/fuzz_fat.c
}

# fuzz_only TARGET...: the libFuzzer program of each target.
fuzz_only() {
	F=fuzzer,address,undefined
	for t in "$@"; do
		case $t in
		decode) make_prog fuzz_decode $F tests/fuzz/fuzz_decode.c ;;
		bootfs) bootfs_prog "" fuzz $F ;;
		manifest) manifest_prog "" fuzz $F ;;
		net) net_prog "" fuzz $F ;;
		fat) fat_prog "" fuzz $F ;;
		gen) make_prog replay_exec address,undefined \
			tests/fuzz/replay.c tests/fuzz/fuzz_exec.c ;;
		esac
	done
}
if [ "${1:-}" = fuzz ]; then
	shift
	fuzz_only "$@"
	exit 0
fi

# The three replay programs build at once; any failure fails the build.
pids=""
for t in decode exec diff; do
	make_prog replay_$t address,undefined tests/fuzz/replay.c \
		tests/fuzz/fuzz_$t.c &
	pids="$pids $!"
done
bootld_progs tests/fuzz/replay.c replay address,undefined &
pids="$pids $!"
net_prog tests/fuzz/replay.c replay address,undefined &
pids="$pids $!"
fat_prog tests/fuzz/replay.c replay address,undefined &
pids="$pids $!"
for p in $pids; do
	wait "$p"
done
if [ "${1:-replay}" = all ]; then
	fuzz_only decode bootfs manifest net fat
fi
