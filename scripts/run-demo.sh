#!/usr/bin/env bash
# Boot the demo system: ./vmm kernel.elf when /dev/kvm is usable, else the
# same kernel.elf under QEMU TCG (with a line saying so).
set -u
cd "$(dirname "$0")/.."
kvm=${VMM_KVM:-/dev/kvm}
if [ -r "$kvm" ] && [ -w "$kvm" ] && scripts/kvm-ok.sh "$kvm"; then
	exec ./vmm kernel.elf -- "$@"
fi
echo "make run: $kvm is not usable here; booting kernel.elf under QEMU TCG instead" >&2
qemu-system-x86_64 -M microvm,acpi=off -accel tcg -nodefaults \
	-no-user-config -nographic -serial stdio -kernel kernel.elf \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -append "$*"
rc=$?
# isa-debug-exit reports status*2+1; give back the guest's own status.
if [ $((rc & 1)) = 1 ]; then exit $((rc >> 1)); fi
exit $rc
