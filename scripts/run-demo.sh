#!/usr/bin/env bash
# make run: boot the demo system. ./vmm kernel.elf when /dev/kvm is
# usable, else the same kernel.elf under QEMU TCG (a line says so).
#
# The demo: registry, echo, console, blk and fs (on build/demo.img, an
# ext2 image kept across runs), hello and demo (guest-servers/apps/demo: a boot counter and a
# greeting kept by fs, then UDP through net). The net part runs when this
# script can do it without touching the host's network: as root with
# /dev/net/tun, unshare and ip, the monitor runs in a network namespace
# of its own with a TAP device 10.0.2.2/24, and this side sends the guest
# one datagram and prints the answer. Arguments replace the kernel
# command line (then no disk or net is set up: a plain boot).
set -u
cd "$(dirname "$0")/.."
IMG=build/demo.img
TAP=ukdemo0
kvm=${VMM_KVM:-/dev/kvm}
inside=""       # set when this script runs itself in its own namespace
[ "${1:-}" = --inside ] && { inside=1; shift; }
use_vmm=""
scripts/kvm-ok.sh "$kvm" && use_vmm=1
[ -n "$use_vmm" ] || [ -n "$inside" ] ||
	echo "make run: $kvm is not usable here; booting kernel.elf under QEMU TCG instead" >&2

QEMU=($(grep -v '^#' scripts/microvm.args) -accel tcg)

# boot [--net] CMDLINE: the monitor, with the demo's disk (and TAP).
boot() {
	local net=""
	[ "$1" = --net ] && { net=1; shift; }
	if [ -n "$use_vmm" ]; then
		./vmm --disk "$IMG" ${net:+--net tap=$TAP} kernel.elf -- "$@"
		return
	fi
	# The serial port and the virtio console share the terminal.
	"${QEMU[@]}" -chardev stdio,id=c0,mux=on -serial chardev:c0 \
		-device virtio-serial-device -device virtconsole,chardev=c0 \
		-device virtio-blk-device,drive=d0 \
		-drive if=none,id=d0,file="$IMG",format=raw \
		${net:+-netdev tap,id=n0,ifname=$TAP,script=no,downscript=no} \
		${net:+-device virtio-net-device,netdev=n0} \
		-kernel kernel.elf -append "$*"
	local rc=$?
	# isa-debug-exit reports status*2+1; give back the guest's own.
	[ $((rc & 1)) = 1 ] && return $((rc >> 1))
	return $rc
}

if [ $# -gt 0 ]; then           # a plain boot with the caller's words
	if [ -n "$use_vmm" ]; then
		exec ./vmm kernel.elf -- "$@"
	fi
	"${QEMU[@]}" -serial stdio -kernel kernel.elf -append "$*"
	rc=$?
	[ $((rc & 1)) = 1 ] && exit $((rc >> 1))
	exit $rc
fi

# fs serves ext2 and refuses any other disk: a missing image, or one
# that is not ext2 (an older format), is made anew. mke2fs 1.47 leaves
# a new file short, hence the truncate first.
if ! /usr/sbin/dumpe2fs -h "$IMG" >/dev/null 2>&1; then
	[ -x /usr/sbin/mke2fs ] || {
		echo "make run: $IMG must be ext2, and there is no /usr/sbin/mke2fs (e2fsprogs) to make it" >&2
		exit 1
	}
	echo "make run: $IMG is missing or not ext2; making a new 16 MiB ext2 image" >&2
	rm -f "$IMG"
	truncate -s 16M "$IMG" && /usr/sbin/mke2fs -q -t ext2 -F "$IMG" || exit 1
fi
SERVICES=echo,console,blk,fs
RUN="run=hello,demo"

if [ -z "$inside" ]; then
	why=""
	[ "$(id -u)" = 0 ] || why="not root"
	[ -z "$why" ] && [ ! -c /dev/net/tun ] && why="no /dev/net/tun"
	[ -z "$why" ] && ! command -v ip >/dev/null && why="no ip(8)"
	[ -z "$why" ] && ! unshare -n true 2>/dev/null && why="no unshare -n"
	if [ -n "$why" ]; then
		echo "make run: no network part ($why)" >&2
		boot "services=$SERVICES $RUN"
		exit $?
	fi
	exec unshare -n "$0" --inside
fi

# In a network namespace of our own: the guest is 10.0.2.15, we are
# 10.0.2.2 on the TAP the monitor makes.
ip link set lo up
out=build/demo.out
boot --net "services=$SERVICES,net $RUN ip=10.0.2.15/24" > >(tee "$out") 2>&1 &
pid=$!
for _ in $(seq 300); do
	ip link show $TAP >/dev/null 2>&1 && break
	sleep 0.1
done
ip addr add 10.0.2.2/24 dev $TAP 2>/dev/null
ip link set $TAP up 2>/dev/null
for _ in $(seq 600); do
	grep -q 'demo: net: waiting' "$out" 2>/dev/null && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
if grep -q 'demo: net: waiting' "$out" 2>/dev/null &&
   exec 3<>/dev/udp/10.0.2.15/7; then
	printf 'hello from the host\n' >&3
	# One read of the socket is one datagram (bash's read would take a
	# byte of it and lose the rest).
	reply=$(timeout 5 dd bs=2048 count=1 <&3 2>/dev/null)
	if [ -n "$reply" ]; then
		echo "make run: the host sent 'hello from the host', the guest answered '$reply'"
	else
		echo "make run: no answer from the guest within 5 s"
	fi
	exec 3<&-
fi
wait $pid
