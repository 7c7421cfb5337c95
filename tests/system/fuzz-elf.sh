#!/usr/bin/env bash
# A short libFuzzer pass of hostile kernel files against the monitor's
# ELF loader (tests/fuzz/elf.c: loader_open, loader_copy into guest RAM,
# loader_close, every promise of loader.h checked), under
# AddressSanitizer, UBSan and the leak checker: FUZZ_ELF_RUNS inputs
# (default 500,000: about 30 s on an idle build machine) from a fixed
# seed, starting from a small copy of ./kernel.elf. `make fuzz` runs it
# for longer on a kept corpus.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
RUNS=${FUZZ_ELF_RUNS:-500000}
NAME="fuzz-elf: $RUNS hostile kernel files against the ELF loader"

# Skip only when this machine has no clang with libFuzzer; a fuzz target
# that does not build is a failure.
if ! scripts/fuzz-ok.sh; then
	skip "$NAME (no clang with libFuzzer: apt-get install clang libclang-rt-dev)"
	exit 0
fi
if ! make -s build/fuzz/elf >"$TMP/build" 2>&1; then
	bad "$NAME (the target does not build)"
	sed 's/^/#   /' "$TMP/build" | tail -10
	exit 1
fi
mkdir -p "$TMP/seed" "$TMP/corpus"
if ! build/fuzz/elf --seed "$PRODUCT" "$TMP/seed/kernel" >"$TMP/out" 2>&1
then
	bad "$NAME (no seed from $PRODUCT)"
	sed 's/^/#   /' "$TMP/out" | tail -5
	exit 1
fi
# Without address-space randomisation the fixed seed nearly always gives
# the same inputs (host addresses reach libFuzzer's comparison hints);
# each input starts from the same state, so a kept one replays alone.
norand=(); setarch -R true 2>/dev/null && norand=(setarch -R)
timeout 300 "${norand[@]}" build/fuzz/elf -runs="$RUNS" -seed=1 \
	-max_len=4096 -timeout=10 -artifact_prefix="$TMP/" \
	"$TMP/corpus" "$TMP/seed" >"$TMP/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "^Done $RUNS runs" "$TMP/out"; then
	ok "$NAME"
else
	bad "$NAME (exit $rc$([ $rc = 124 ] && echo ': over 300 s'))"
	grep -E 'ERROR|SUMMARY|runtime error|elf fuzz:|#0 |#1 |#2 ' \
		"$TMP/out" | head -12 | sed 's/^/#   /'
	for f in "$TMP"/crash-* "$TMP"/leak-* "$TMP"/timeout-*; do
		[ -e "$f" ] || continue
		cp "$f" build/fuzz/elf-"${f##*/}"
		echo "#   kept as build/fuzz/elf-${f##*/}; build/fuzz/elf FILE replays it"
	done
fi
exit $failed
