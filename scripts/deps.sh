#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, when missing.
# As root with apt-get: installs them. Otherwise: prints the apt-get line.
set -u

need=()
have_header() { [ -e "/usr/include/$1" ]; }
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v ld >/dev/null 2>&1 || need+=(binutils)
have_header gelf.h || need+=(libelf-dev)
have_header criterion/criterion.h || need+=(libcriterion-dev)
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v ip >/dev/null 2>&1 || need+=(iproute2)

[ ${#need[@]} -eq 0 ] && exit 0

line="apt-get install -y ${need[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; then
		exit 0
	fi
	echo "deps: apt-get failed; run: $line" >&2
	exit 1
fi
echo "deps: missing packages; run: sudo $line" >&2
exit 1
