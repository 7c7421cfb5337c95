#!/usr/bin/env bash
# Whole-system tests of the virtio-net driver and UDP service
# (guest-servers/drivers/net), with nettest (a UDP echo on port 7) in the
# guest.
# The script runs itself again inside a network namespace of its own,
# ukern-test-PID, holding one TAP device (10.0.2.2/24) and nothing else:
# the guest (10.0.2.15/24) and the probes can reach no other network.
# The host side is tests/system/netprobe.c (make builds it; no ping or
# nc needed). The namespace goes on every exit path.
cd "$(dirname "$0")/../.." || exit 1

NS=ukern-test-$$
TAP=uktap0

if [ "$1" != --inside ]; then
	if ! why=$(scripts/netns-add.sh "$NS"); then
		echo "skip - virtio-net tests ($why)"
		exit 0
	fi
	trap 'ip netns del "$NS" 2>/dev/null' EXIT
	trap 'exit 1' INT TERM HUP
	if ! ip -n "$NS" link set lo up ||
	   ! ip -n "$NS" tuntap add dev $TAP mode tap ||
	   ! ip -n "$NS" addr add 10.0.2.2/24 dev $TAP ||
	   ! ip -n "$NS" link set $TAP up; then
		echo "not ok - virtio-net tests: cannot set up $TAP in $NS"
		exit 1
	fi
	ip netns exec "$NS" "$0" --inside
	exit $?
fi

. tests/system/lib.sh
PROBE=build/tests/netprobe
if [ ! -x $PROBE ]; then
	bad "$PROBE is not built (make test builds it)"
	exit 1
fi

# lib.sh's boot, renamed: boot_net runs it in the background and keeps
# its status in a file for wait_net.
eval "$(declare -f boot | sed '1s/^boot/lib_boot/')"

# boot_net PLATFORM CMDLINE: boots in the background with the TAP device
# as the virtio-net device; wait_net collects it (RC; OUT as boot's).
boot_net() {
	local plat=$1 cmdline=$2
	rm -f "$TMP/rc" "$TMP/out"
	case $plat in
	vmm) { lib_boot vmm "$cmdline" --net tap=$TAP
	       echo "$RC" >"$TMP/rc"; } & ;;
	*)   { lib_boot "$plat" "$cmdline" \
		-netdev tap,id=n0,ifname=$TAP,script=no,downscript=no \
		-device virtio-net-device,netdev=n0
	       echo "$RC" >"$TMP/rc"; } & ;;
	esac
	BOOT=$!
	OUT=$TMP/out ERR=$TMP/err
}
wait_net() { wait "$BOOT"; RC=$(cat "$TMP/rc" 2>/dev/null); }

# ready PATTERN: waits (up to 40 s) until the guest logged PATTERN.
ready() {
	for _ in $(seq 400); do
		grep -Eq -- "$1" "$OUT" 2>/dev/null && return 0
		[ -s "$TMP/rc" ] && return 1    # the guest ended already
		sleep 0.1
	done
	return 1
}

# probe NAME ARGS...: runs netprobe; ok when it succeeds.
probe() {
	local name=$1 res; shift
	if res=$("$PROBE" "$@" 2>&1); then
		ok "$name ($res)"
	else
		bad "$name ($res)"
	fi
}

MAC='52:54:00(:[0-9a-f]{2}){3}'
for plat in $(platforms "virtio-net tests" vmm qemu-kvm qemu-tcg); do

	boot_net $plat "services=echo,net run=nettest:3 ip=10.0.2.15/24"
	if ready '^nettest: echoing 3 datagrams'; then
		probe "$plat: the guest answers ping" ping 10.0.2.15 5
		for i in 1 2 3; do
			probe "$plat: UDP echo $i" udp 10.0.2.15 7 "ukern-net-$i-$$"
		done
	else
		bad "$plat: nettest never got ready"
	fi
	wait_net
	expect "$plat: net up, nettest echoed 3 datagrams" 0 \
		"^init: device 0: virtio-net at 0x[0-9a-f]+\$" \
		"^net: virtio-net $MAC, 10\\.0\\.2\\.15/24\$" \
		'^nettest: echoed 3 datagrams$' '^utest net: ok$'

	# Another address from ip=; a ping to the old one goes unanswered.
	boot_net $plat "services=net run=nettest:1 ip=10.0.2.77/24"
	if ready '^nettest: echoing 1 datagrams'; then
		probe "$plat: ip= sets the address" udp 10.0.2.77 7 "other-$$"
		if "$PROBE" ping 10.0.2.15 1 >/dev/null 2>&1; then
			bad "$plat: the old address answered"
		else
			ok "$plat: the old address is not answered"
		fi
	else
		bad "$plat: nettest (10.0.2.77) never got ready"
	fi
	wait_net
	expect "$plat: net at 10.0.2.77/24" 0 '^nettest: I am 10\.0\.2\.77/24$' \
		"^net: virtio-net $MAC, 10\\.0\\.2\\.77/24\$" '^utest net: ok$'

	# A "stop" datagram is echoed and ends nettest early (bench/net.sh).
	boot_net $plat "services=net run=nettest:1000 ip=10.0.2.15/24"
	if ready '^nettest: echoing 1000 datagrams'; then
		probe "$plat: nettest echoes stop" udp 10.0.2.15 7 stop
	else
		bad "$plat: nettest (stop) never got ready"
	fi
	wait_net
	expect "$plat: stop ends nettest" 0 \
		'^nettest: echoed 1 datagrams \(stopped\)$' '^utest net: ok$'
done

# No network device: the driver is not started and the boot ends, failed.
for plat in $(platforms "no virtio-net device" qemu-kvm qemu-tcg); do
	lib_boot $plat "services=net bootonly"
	expect "$plat: no device: net is not started, the boot fails" 1 \
		'^init: net: no free virtio-net device, not started$'
done
exit $failed
