#!/usr/bin/env bash
# fuzz-ok.sh: exit 0 if clang here can build a libFuzzer target with
# AddressSanitizer (what tests/system/fuzz.sh and make fuzz need).
set -u
command -v clang >/dev/null 2>&1 || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '%s\n' 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);' \
	'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)' \
	'{ (void)d; (void)n; return 0; }' >"$dir/probe.c"
clang -fsanitize=fuzzer,address -o "$dir/probe" "$dir/probe.c" >/dev/null 2>&1
