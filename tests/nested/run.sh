# What tests/system/nested.sh runs in the nested machine (busybox sh, in
# /work): checks.sh, then the vmm variants of the test scripts, as they
# run on a machine with /dev/kvm (bash is brought in; QEMU is not, so
# their other variants skip and are left out here).
sh checks.sh
tar xzf tests.tgz || { echo "not ok - vmm (nested KVM): cannot unpack the tests"; exit 1; }
for t in boot user blk fs console vhostile demo attack sandbox; do
	KERNEL=./kernel-test.elf bash tests/system/$t.sh 2>&1 | grep -E '^(ok|not ok) - vmm|^#' |
		sed -E "s/^(ok|not ok) - vmm/\1 - vmm (nested KVM, $t.sh)/"
done
