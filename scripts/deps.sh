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
# ext2 images for the file service's tests (mke2fs -d, e2fsck).
[ -x /usr/sbin/mke2fs ] || command -v mke2fs >/dev/null 2>&1 ||
	need+=(e2fsprogs)
# The sandbox's test programs are ordinary static Linux programs, built
# the way users build theirs (musl-gcc -static).
command -v musl-gcc >/dev/null 2>&1 || need+=(musl-tools)
# Without a usable /dev/kvm, tests/system/nested.sh runs ./vmm on Linux's
# KVM inside a QEMU TCG machine: it needs a kernel and a static busybox.
# Optional: without them that test reports itself skipped.
optional=()
if ! scripts/kvm-ok.sh "${VMM_KVM:-/dev/kvm}" 2>/dev/null; then
	ls /boot/vmlinuz-* >/dev/null 2>&1 || optional+=(linux-image-amd64)
	ldd "$(command -v busybox || echo /nonexistent)" 2>&1 |
		grep -q 'not a dynamic' || optional+=(busybox-static)
fi
# tests/system/fuzz.sh builds its target with clang's libFuzzer, whose
# runtime Debian's clang only recommends; optional too (it skips without).
scripts/fuzz-ok.sh 2>/dev/null || optional+=(clang libclang-rt-dev)
# make bench-sandbox compares with gVisor; optional (its rows say skipped).
command -v runsc >/dev/null 2>&1 || optional+=(runsc)

[ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ] && exit 0

line="apt-get install -y ${need[*]} ${optional[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || true
	if [ ${#need[@]} -gt 0 ]; then
		echo "deps: installing ${need[*]}"
		if ! apt-get install -y -qq "${need[@]}" >/dev/null; then
			echo "deps: apt-get failed; run: $line" >&2
			exit 1
		fi
	fi
	if [ ${#optional[@]} -gt 0 ]; then
		echo "deps: installing ${optional[*]} (optional: nested-KVM and fuzz tests)"
		apt-get install -y -qq --no-install-recommends "${optional[@]}" \
			>/dev/null 2>&1 ||
			echo "deps: could not install ${optional[*]}: those tests will skip" >&2
	fi
	exit 0
fi
[ ${#need[@]} -eq 0 ] && exit 0         # the optional tests say they skip
echo "deps: missing packages; run: sudo $line" >&2
exit 1
