#!/usr/bin/env bash
# A short libFuzzer pass of hostile ext2 images against the file
# service's ext2 reader (tests/fuzz/ext2.c: mount, walk the tree, look
# each entry up again, read each file; no read outside the image, only
# the documented errors), under AddressSanitizer and UBSan: FUZZ_EXT2_RUNS
# inputs (default 100,000: about 10 s) from a fixed seed, starting from
# small images mke2fs makes (tests/fuzz/ext2-seeds.sh). `make fuzz` runs
# it for longer on a kept corpus.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
RUNS=${FUZZ_EXT2_RUNS:-100000}
NAME="fuzz-ext2: $RUNS hostile images against the ext2 reader"

fuzz_build "$NAME" build/fuzz/ext2 || exit $failed
mkdir -p "$TMP/corpus"
if ! tests/fuzz/ext2-seeds.sh "$TMP/seed" >"$TMP/out" 2>&1; then
	bad "$NAME (no seed images: mke2fs?)"
	sed 's/^/#   /' "$TMP/out" | tail -5
	exit 1
fi
fuzz_run "$NAME" build/fuzz/ext2 "$RUNS" -max_len=131072 "$TMP/corpus" \
	"$TMP/seed"
exit $failed
