#!/usr/bin/env bash
# ./vmm on a real KVM where this machine has none: scripts/nested-kvm.sh
# boots Debian's Linux with kvm_amd in a QEMU TCG virtual machine that
# emulates SVM, and tests/nested/checks.sh runs our monitor there (the
# core, virtio-blk, the console, virtio-net on a TAP device, a hostile
# driver), then the vmm variants of the other test scripts run there
# as they would on a machine with /dev/kvm. Slow and not for timing, but it is Linux's KVM: ioctls, exits,
# ioeventfds and irqfds for real. Skipped where /dev/kvm is usable (the
# other scripts run ./vmm on it) unless NESTED=1, and where the nested
# machine cannot be built (no kernel image, no busybox-static).
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

if have_kvm && [ "${NESTED:-}" != 1 ]; then
	skip "vmm (nested KVM): /dev/kvm is usable, the other tests use it"
	exit 0
fi
if [ ! -x build/tests/netprobe ] || [ ! -x build/tools/mkapp ]; then
	bad "vmm (nested KVM): build/tests/netprobe or build/tools/mkapp is not built (make test builds them)"
	exit 1
fi
tar czf "$TMP/tests.tgz" tests/system scripts build/sandbox build/tools/mkapp
run_nested() {
	scripts/nested-kvm.sh --timeout 400 --bin bash --bin cksum --bin script \
		--bin mke2fs --bin e2fsck --bin debugfs \
		--file build/tests/netprobe --file "$TMP/tests.tgz" \
		--file tests/nested/checks.sh --file tests/nested/run.sh \
		-- sh run.sh >"$TMP/nested" 2>&1
}
run_nested
rc=$?
# The nested machine (Linux's KVM inside QEMU TCG emulating SVM) now and
# then stops dead, whatever runs in it: a check that hangs is ended by
# ./vmm --timeout inside, so a machine that gave no status at all is an
# environment failure. It gets one more try; a second is a failure.
if [ $rc != 0 ] && [ $rc != 77 ] &&
   grep -q 'the VM ended without a status' "$TMP/nested"; then
	echo "# vmm (nested KVM): the nested machine stopped after" \
		"$(grep -c '^ok - ' "$TMP/nested") checks; running them again"
	run_nested
	rc=$?
fi
if [ $rc = 77 ]; then
	skip "vmm (nested KVM): $(tail -1 "$TMP/nested" | sed 's/^nested-kvm: //')"
	exit 0
fi
grep -E '^(ok|not ok|skip) - |^#' "$TMP/nested"
n=$(grep -c '^ok - ' "$TMP/nested")
if [ $rc != 0 ] || [ "$n" -lt 60 ]; then
	bad "vmm (nested KVM): the checks ended early (status $rc, $n passed)"
	grep -Ev '^(ok|not ok|skip) - |^#' "$TMP/nested" | tail -15 | sed 's/^/#   /'
fi
grep -q '^not ok - ' "$TMP/nested" && failed=1
exit $failed
