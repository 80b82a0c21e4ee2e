#!/bin/sh
# tests/fuzz/run.sh [SECONDS]: what `make fuzz FUZZ_SECONDS=N` runs (from
# the repository root). Builds the fuzz programs of the chosen targets
# only (not the replay programs: tests/fuzz.sh's), runs each libFuzzer
# target (decode, bootfs, manifest, fat) for SECONDS (default 60), then the
# wasm-opt execution fuzzer (gen.sh) for SECONDS. New crashing inputs
# land in build/fuzz-crashes/<target>/, outside the tracked corpus, until
# someone reviews them (and, once fixed, moves them to
# tests/fuzz/corpus/<target>/ as regress-*, which tests/fuzz.sh replays
# in `make test`); libFuzzer's growing working corpus stays in
# build/fuzz/corpus/. FUZZ_TARGETS (make fuzz FUZZ_TARGETS="decode fat")
# picks some of decode, bootfs, manifest, net, fat, fir (the firmament's
# decoders, make fuzz-fir's) and gen; default: all but fir. Exits 1 if
# anything crashed.
set -eu

SECS=${1:-60}
[ -n "$SECS" ] || SECS=60
TARGETS=${FUZZ_TARGETS:-decode bootfs manifest net fat gen}
for t in $TARGETS; do
	case " decode bootfs manifest net fat fir gen " in
	*" $t "*) ;;
	*)
		echo "fuzz: unknown target '$t' (decode bootfs manifest net fat fir gen)" >&2
		exit 2
		;;
	esac
done
W=build/fuzz
C=build/fuzz-crashes
status=0

# shellcheck disable=SC2086 # TARGETS is a word list
tests/fuzz/build.sh fuzz $TARGETS

# Seeds for decode: the repository corpus plus every spec-test module.
mkdir -p $W/seeds
if [ -d build/spec ] && [ ! -e $W/seeds/.done ]; then
	for f in build/spec/*/*.wasm; do
		[ -e "$f" ] || continue
		d=${f#build/spec/}
		cp "$f" "$W/seeds/$(echo "$d" | tr / _)"
	done
	touch $W/seeds/.done
fi

# fuzz TARGET SEEDS...: libFuzzer on fuzz_TARGET for SECS. It stops at
# the first crash: restart it until the time is up (at most 10 crashes,
# so a shallow bug does not loop forever). Stderr (the boot loader's messages on
# bad manifests) is closed.
fuzz() {
	t=$1
	shift
	case " $TARGETS " in *" $t "*) ;; *) return 0 ;; esac
	repo=${CORPUS:-tests/fuzz/corpus/$t}
	mkdir -p $W/corpus/$t $C/$t "$repo"
	end=$(($(date +%s) + SECS))
	crashes=0
	while left=$((end - $(date +%s))) && [ $left -gt 0 ] &&
		[ $crashes -lt 10 ]; do
		if ! $W/fuzz_$t -max_total_time=$left -timeout=10 \
			-rss_limit_mb=4096 -print_final_stats=1 -close_fd_mask=2 \
			-artifact_prefix=$C/$t/ $W/corpus/$t \
			"$repo" "$@" >$W/$t.log 2>&1; then
			crashes=$((crashes + 1))
			status=1
			echo "fuzz_$t: crash, see $W/$t.log:"
			grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' \
				$W/$t.log | head -n 5
			cp $W/$t.log $W/$t.crash$crashes.log
		fi
	done
	grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' $W/$t.log |
		tail -n 2 | sed "s/^/fuzz_$t: /"
}

fuzz decode $W/seeds
fuzz bootfs
fuzz manifest
fuzz net
fuzz fat
# The firmament's decoders: libFuzzer's program of tests/firmament/.
case " $TARGETS " in *" fir "*)
	tests/firmament/build.sh fuzz
	W=build/firmament/native CORPUS=tests/firmament/corpus
	fuzz fir
	W=build/fuzz CORPUS=
	;;
esac
case " $TARGETS " in *" gen "*)
	tests/fuzz/gen.sh "$SECS" gen "build/fuzz/replay_exec -q -t 5" \
		$C/exec || status=1
	;;
esac
exit $status
