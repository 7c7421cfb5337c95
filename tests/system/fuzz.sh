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

fuzz_build "$NAME" build/fuzz/virtio || exit $failed
fuzz_run "$NAME" build/fuzz/virtio "$RUNS" -max_len=512
exit $failed
