#!/usr/bin/env bash
# make bench-net: host-to-guest round trips, one probe in flight, 56-byte
# payload: ICMP echo (answered by the net server) and UDP echo (nettest
# on port 7, through the net service), for ./vmm, QEMU microvm with KVM
# and with TCG (same kernel.elf, same run); and, as Linux's floor, the
# same two between two network namespaces over a veth pair.
# The script runs itself again inside a network namespace of its own
# holding one TAP device (10.0.2.2/24, the guest is 10.0.2.15/24) and one
# end of a veth pair (10.0.3.1/24) whose other end (10.0.3.2/24) is in a
# second namespace running `netrtt echo`. Both namespaces go on every
# exit path. The host side is bench/netrtt.c (make builds it).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh

NS=ukern-bench-$$
PEER=ukern-bench-peer-$$
TAP=ukbtap0
COUNT=${NET_COUNT:-10000}       # timed probes per metric and system
WARM=20                         # discarded first (ARP, caches)
CMD="services=echo,net run=nettest:1000000000 ip=10.0.2.15/24"
SYSTEMS="vmm qemu-kvm qemu-tcg linux-veth"

# no_rows NOTE SYSTEMS...: both metrics of each system, unmeasured.
no_rows() {
	local note=$1 sys; shift
	for sys in "$@"; do
		row ping_rtt "$sys" us - - - 0 "$note"
		row udp_echo_rtt "$sys" us - - - 0 "$note"
	done
}

if [ "${1:-}" != --inside ]; then
	if ! why=$(scripts/netns-add.sh "$NS"); then
		no_rows "skipped: $why" $SYSTEMS
		emit net
		exit 0
	fi
	TMP=$(mktemp -d /tmp/ukern-benchnet.XXXXXX)
	# On any exit: end what runs in our namespaces (the inner run, the
	# guest, the probes, the echo server), then remove them.
	trap 'for n in "$NS" "$PEER"; do
	          kill $(ip netns pids "$n" 2>/dev/null) 2>/dev/null
	          ip netns del "$n" 2>/dev/null
	      done
	      rm -rf "$TMP"' EXIT
	trap 'exit 1' INT TERM HUP
	if ! ip netns add "$PEER" ||
	   ! ip -n "$NS" link set lo up ||
	   ! ip -n "$NS" tuntap add dev $TAP mode tap ||
	   ! ip -n "$NS" addr add 10.0.2.2/24 dev $TAP ||
	   ! ip -n "$NS" link set $TAP up ||
	   ! ip -n "$NS" link add ukb0 type veth peer name ukb1 netns "$PEER" ||
	   ! ip -n "$NS" addr add 10.0.3.1/24 dev ukb0 ||
	   ! ip -n "$NS" link set ukb0 up ||
	   ! ip -n "$PEER" addr add 10.0.3.2/24 dev ukb1 ||
	   ! ip -n "$PEER" link set ukb1 up ||
	   ! ip -n "$PEER" link set lo up; then
		echo "bench/net.sh: cannot set up $TAP and the veth pair" >&2
		exit 1
	fi
	ip netns exec "$PEER" "$NETRTT" echo 7 &
	# In the background, so that a signal reaches the trap at once.
	OUTDIR=$TMP ip netns exec "$NS" "$0" --inside &
	wait $!
	exit $?
fi

# measure SYSTEM ADDR: pings, then UDP datagrams to port 7, as rows.
measure() {
	local sys=$1 addr=$2 res
	if res=$("$NETRTT" ping "$addr" "$COUNT" $WARM); then
		sample_row ping_rtt "$sys" $res
	else
		row ping_rtt "$sys" us - - - 0 "failed: no ping answered"
	fi
	if res=$("$NETRTT" udp "$addr" 7 "$COUNT" $WARM); then
		sample_row udp_echo_rtt "$sys" $res
	else
		row udp_echo_rtt "$sys" us - - - 0 "failed: no UDP echo"
	fi
}

# sample_row METRIC SYSTEM MIN MEDIAN P99 N LOST
sample_row() {
	local note=""
	[ "$7" = 0 ] || note="$7 of $(($6 + $7)) lost (1 s timeout)"
	row "$1" "$2" us "$3" "$4" "$5" "$6" $note
}

# guest SYSTEM COMMAND...: boots the command in the background, measures
# once nettest listens, stops nettest and checks the guest ended well.
guest() {
	local sys=$1 out=$OUTDIR/$1.out pid; shift
	"$@" >"$out" 2>&1 </dev/null &
	pid=$!
	for _ in $(seq 600); do
		grep -q '^nettest: echoing' "$out" && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q '^nettest: echoing' "$out"; then
		kill $pid 2>/dev/null
		wait $pid
		no_rows "failed: nettest never got ready" "$sys"
		tail -5 "$out" >&2
		return
	fi
	measure "$sys" 10.0.2.15
	"$NETRTT" stop 10.0.2.15 7 || kill $pid 2>/dev/null
	wait $pid
	grep -q '^utest net: ok' "$out" || {
		echo "bench/net.sh: $sys: the guest did not end well:" >&2
		tail -5 "$out" >&2
	}
}

QEMU_NET=(-netdev tap,id=n0,ifname=$TAP,script=no,downscript=no
	-device virtio-net-device,netdev=n0)
qemu() { # qemu ACCEL
	guest "qemu-$1" timeout 120 "${QEMU_MICROVM[@]}" -accel "$1" \
		"${QEMU_NET[@]}" -kernel "$KERNEL" -append "$CMD"
}
have_qemu=1
command -v qemu-system-x86_64 >/dev/null 2>&1 || have_qemu=""

if ! have_kvm; then
	no_rows "skipped: no usable /dev/kvm" vmm qemu-kvm
else
	# No console: the same devices as QEMU's command line.
	guest vmm ./vmm --timeout 120 --no-console --net tap=$TAP "$KERNEL" \
		-- $CMD
	if [ -n "$have_qemu" ]; then
		qemu kvm
	else
		no_rows "skipped: no qemu-system-x86_64" qemu-kvm
	fi
fi
if [ -n "$have_qemu" ]; then
	qemu tcg
else
	no_rows "skipped: no qemu-system-x86_64" qemu-tcg
fi
measure linux-veth 10.0.3.2
"$NETRTT" stop 10.0.3.2 7 >/dev/null
emit net
