#!/usr/bin/env bash
# A short libFuzzer pass of a hostile guest against the monitor's virtio
# devices (tests/fuzz/virtio.c: register accesses, ring and descriptor
# contents, frames and console input), under AddressSanitizer and UBSan:
# FUZZ_RUNS inputs (default 500,000: about 40 s on an idle build
# machine) from a fixed seed, each through the devices' real I/O-thread
# path. `make fuzz` runs it for
# longer on a kept corpus.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
RUNS=${FUZZ_RUNS:-500000}
NAME="fuzz: $RUNS hostile-guest inputs against virtio-blk, -net, -console"

# Skip only when this machine has no clang with libFuzzer; a fuzz target
# that does not build is a failure.
if ! scripts/fuzz-ok.sh; then
	skip "$NAME (no clang with libFuzzer: apt-get install clang libclang-rt-dev)"
	exit 0
fi
if ! make -s build/fuzz/virtio >"$TMP/build" 2>&1; then
	bad "$NAME (the target does not build)"
	sed 's/^/#   /' "$TMP/build" | tail -10
	exit 1
fi
# Without address-space randomisation the fixed seed nearly always gives
# the same inputs (host addresses reach libFuzzer's comparison hints);
# each input starts from the same state, so a kept one replays alone.
norand=(); setarch -R true 2>/dev/null && norand=(setarch -R)
timeout 300 "${norand[@]}" build/fuzz/virtio -runs="$RUNS" -seed=1 \
	-max_len=512 -timeout=10 -artifact_prefix="$TMP/" >"$TMP/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "^Done $RUNS runs" "$TMP/out"; then
	ok "$NAME"
else
	bad "$NAME (exit $rc$([ $rc = 124 ] && echo ': over 300 s'))"
	grep -E 'ERROR|SUMMARY|runtime error|#0 |#1 |#2 ' "$TMP/out" |
		head -12 | sed 's/^/#   /'
	for f in "$TMP"/crash-* "$TMP"/leak-* "$TMP"/timeout-*; do
		[ -e "$f" ] || continue
		cp "$f" build/fuzz/
		echo "#   kept as build/fuzz/${f##*/}; build/fuzz/virtio FILE replays it"
	done
fi
exit $failed
