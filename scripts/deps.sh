#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, when missing.
# As root with apt-get: installs them. Otherwise: prints the apt-get line.
set -u
cd "$(dirname "$0")/.." || exit 1

need=()
have_header() { [ -e "/usr/include/$1" ]; }
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v ld >/dev/null 2>&1 || need+=(binutils)
have_header gelf.h || need+=(libelf-dev)
have_header criterion/criterion.h || need+=(libcriterion-dev)
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v script >/dev/null 2>&1 || need+=(bsdutils)
# Without a usable /dev/kvm, tests/system/nested.sh runs ./vmm on Linux's
# KVM inside a QEMU TCG machine: it needs a kernel and a static busybox.
if ! scripts/kvm-ok.sh "${VMM_KVM:-/dev/kvm}" 2>/dev/null; then
	ls /boot/vmlinuz-* >/dev/null 2>&1 || need+=(linux-image-amd64)
	ldd "$(command -v busybox || echo /nonexistent)" 2>&1 |
		grep -q 'not a dynamic' || need+=(busybox-static)
fi

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
