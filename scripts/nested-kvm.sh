#!/usr/bin/env bash
# Run a command on a real Linux KVM where the machine has no /dev/kvm:
# inside a QEMU TCG virtual machine that emulates AMD SVM (-cpu max), with
# Debian's kernel and kvm_amd loaded. Slow, but it is Linux's own KVM: the
# monitor's ioctls, exits, ioeventfds and irqfds all run for real.
#
#   scripts/nested-kvm.sh [--timeout S] [--qemu] [--bin PROG]...
#                         [--file PATH]... -- CMD...
#
# The VM gets ./vmm, ./kernel.elf and each --file (by base name) in its
# working directory /work (with --qemu also qemu-system-x86_64, for
# comparisons on the same KVM; each --bin PROG, e.g. bash, at its own
# path with its libraries), a TAP-capable kernel, `ip` from busybox, and
# runs CMD there (under sh -c, words joined). CMD's output is printed
# and its status is ours. Exit 77, with a line saying why, when this
# cannot work here (no QEMU, no Debian kernel image, no busybox-static,
# or kvm_amd will not load in the VM).
set -eu
cd "$(dirname "$0")/.."

timeout=300
files=()
bins=()
qemu=""
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=$2; shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--qemu) bins+=("$(command -v qemu-system-x86_64)"); qemu=1; shift ;;
	--bin) bins+=("$(command -v "$2")"); shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "nested-kvm: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "nested-kvm: no command (try --help)" >&2; exit 2; }

cannot() { echo "nested-kvm: $*" >&2; exit 77; }
command -v qemu-system-x86_64 >/dev/null || cannot "no qemu-system-x86_64"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' ||
	cannot "no static busybox (apt-get install busybox-static)"
VMLINUZ=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$VMLINUZ" ] || cannot "no kernel in /boot (apt-get install linux-image-amd64)"
KVER=${VMLINUZ#/boot/vmlinuz-}
MODS=/lib/modules/$KVER/kernel
[ -e "$MODS/arch/x86/kvm/kvm-amd.ko" ] ||
	cannot "no kvm-amd.ko for $KVER (compressed modules are not handled)"
[ -x ./vmm ] && [ -e ./kernel.elf ] || cannot "build first (make)"

TMP=$(mktemp -d /tmp/nested-kvm.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
root=$TMP/root
mkdir -p "$root"/{bin,proc,sys,dev,mods,work,tmp,lib64,run}
cp "$BUSYBOX" "$root/bin/busybox"
for m in virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp \
	 arch/x86/kvm/kvm-amd drivers/net/tun; do
	[ -e "$MODS/$m.ko" ] && cp "$MODS/$m.ko" "$root/mods/"
done
# The programs and the shared libraries they need, at the same paths.
for f in ./vmm "${bins[@]}" $(ldd ./vmm "${bins[@]}" | grep -v ':$' |
			       grep -o '/[^ ]*' | sort -u); do
	mkdir -p "$root/$(dirname "$f")"
	cp -L "$f" "$root/$f"
done
if [ -n "$qemu" ]; then  # microvm's firmware and PVH option ROM
	mkdir -p "$root/usr/share/qemu"
	for f in qboot.rom bios-microvm.bin pvh.bin linuxboot_dma.bin kvmvapic.bin; do
		cp -L "/usr/share/qemu/$f" "$root/usr/share/qemu/"
	done
fi
cp ./vmm ./kernel.elf "$root/work/"
[ -e build/kernel-test.elf ] && cp build/kernel-test.elf "$root/work/"
for f in "${files[@]}"; do cp "$f" "$root/work/"; done
printf '%s\n' "$*" >"$root/cmd"
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /usr/bin; [ -e /usr/bin/env ] || ln -s /bin/busybox /usr/bin/env
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp; mkdir -p /dev/net /dev/pts
mount -t devpts -o ptmxmode=0666 devpts /dev/pts; [ -e /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx
for m in irqbypass kvm ccp kvm-amd tun; do
	[ -e /mods/$m.ko ] && insmod /mods/$m.ko 2>/dev/null
done
ip link set lo up
if [ -c /dev/kvm ]; then
	cd /work && sh -c "$(cat /cmd)"
	echo "NESTED-STATUS=$?"
else
	echo "NESTED-NOKVM $(dmesg | grep -i -E 'kvm|svm' | tail -1)"
fi
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$TMP/initrd"

timeout "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 1 \
	-nographic -no-reboot -kernel "$VMLINUZ" -initrd "$TMP/initrd" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1" </dev/null \
	>"$TMP/out" 2>&1 || true
# The console between the kernel's start and the end marker, cleaned of
# the firmware's escapes.
sed 's/\r$//; s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' "$TMP/out" |
	sed -n '/Booting from ROM/,$p' | sed '1s/.*Booting from ROM\.*//; /^$/d' |
	grep -v -e '^NESTED-' -e 'reboot: Power down' >"$TMP/clean" || true
cat "$TMP/clean"
if grep -q '^NESTED-NOKVM' "$TMP/out"; then
	cannot "kvm_amd did not load in the VM: $(grep -o 'NESTED-NOKVM.*' "$TMP/out" | tr -d '\r')"
fi
status=$(tr -d '\r' <"$TMP/out" | sed -n 's/^NESTED-STATUS=\([0-9]*\)$/\1/p' | tail -1)
[ -n "$status" ] || { echo "nested-kvm: the VM ended without a status (timeout $timeout s?)" >&2; exit 1; }
exit "$status"
