#!/usr/bin/env bash
# count-insns.sh LOG [user]: count guest instructions in a QEMU
# `-singlestep -d exec,nochain` log (one line per executed instruction).
# Counts the kernel's own instructions: those at its physical load range
# (the 32-bit entry, from 1 MiB) or in the higher half, at CPL 0; with
# `user`, the CPL-3 instructions instead. Firmware is not counted.
mode=${2:-kernel}
awk -v mode="$mode" '
/^Trace / {
	split($0, a, "[/\\[\\]]")
	pc = a[3]; flags = a[4]
	cpl = (index("0123456789abcdef", tolower(substr(flags, length(flags), 1))) - 1) % 4
	if (mode == "user") { if (cpl == 3) n++; next }
	if (cpl != 0) next
	if (pc >= "ffff800000000000" || (pc >= "0000000000100000" && pc < "00000000ff000000")) n++
}
END { print n + 0 }' "$1"
