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

fuzz_build "$NAME" build/fuzz/elf || exit $failed
mkdir -p "$TMP/seed" "$TMP/corpus"
if ! build/fuzz/elf --seed "$PRODUCT" "$TMP/seed/kernel" >"$TMP/out" 2>&1
then
	bad "$NAME (no seed from $PRODUCT)"
	sed 's/^/#   /' "$TMP/out" | tail -5
	exit 1
fi
fuzz_run "$NAME" build/fuzz/elf "$RUNS" -max_len=4096 "$TMP/corpus" \
	"$TMP/seed"
exit $failed
