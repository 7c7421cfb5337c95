#!/usr/bin/env bash
# make bench-nested: where this machine has no /dev/kvm, ./vmm and QEMU
# microvm side by side on one real Linux KVM: the KVM of a QEMU TCG
# machine that emulates SVM (scripts/nested-kvm.sh). Every exit goes
# through an emulated hypervisor, so the times are slow and say nothing
# about real hardware; the two systems' ratio, and ./vmm's VM exits per
# block request, are what this is for. Boot wall time, IPC round trip,
# block throughput and IOPS, as bench-boot, bench-ipc and bench-blk
# measure them. Skipped where /dev/kvm is usable (those run for real).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
NOTE="nested KVM in QEMU TCG: compare the two nested rows only"

if have_kvm; then
	row boot_wall vmm-nested us - - - 0 "skipped: /dev/kvm is usable, see bench-boot"
	emit nested
	exit 0
fi
out=$(mktemp /tmp/ukern-nested.XXXXXX)
trap 'rm -f "$out"' EXIT
scripts/nested-kvm.sh --timeout 1500 --qemu --file "$RUNSTAT" \
	--file "$NETRTT" --file scripts/microvm.args \
	--file bench/nested/guest.sh -- sh guest.sh 20000 >"$out" 2>&1
rc=$?
if [ $rc != 0 ] || ! grep -q '^== end' "$out"; then
	why=$(tail -1 "$out" | sed 's/^nested-kvm: //')
	[ $rc = 77 ] || why="failed (exit $rc): $why"
	row boot_wall vmm-nested us - - - 0 "$why"
	emit nested
	exit 0
fi

# part SYSTEM PART: the lines of that part of the output.
part() { sed -n "/^== $1 $2\$/,/^== /p" "$out" | sed '1d;$d'; }

for sys in vmm qemu-kvm; do
	set -- $(part $sys boot)
	if [ $# -ge 10 ]; then
		row boot_wall $sys-nested us $(($2 / 1000)) $(($3 / 1000)) \
			$(($4 / 1000)) $5 "$NOTE"
	else
		row boot_wall $sys-nested us - - - 0 "failed"
	fi
	r=$(part $sys ipc | awk '$1 == "bench" && $2 == "ipc_round_trip" {print $4, $5, $6, $7}')
	if [ -n "$r" ]; then
		row ipc_round_trip $sys-nested ns $r "$NOTE"
	else
		row ipc_round_trip $sys-nested ns - - - 0 "failed"
	fi
	blk=$(part $sys blk)
	if echo "$blk" | grep -q '^bench rand_read_iops_qd16'; then
		while read -r _ metric unit min med p99 n; do
			row "$metric" $sys-nested "$unit" "$min" "$med" "$p99" "$n" "$NOTE"
		done < <(echo "$blk" | grep '^bench ')
	else
		row seq_read $sys-nested MBps - - - 0 "failed"
	fi
	for m in ping udp; do
		r=$(part $sys net | sed -n "s/^$m //p")
		metric=ping_rtt; [ $m = udp ] && metric=udp_echo_rtt
		set -- $r
		if [ $# -ge 5 ] && [ "$4" -gt 0 ]; then
			row $metric $sys-nested us $1 $2 $3 $4 "$NOTE"
		else
			row $metric $sys-nested us - - - 0 "failed"
		fi
	done
done
# What the seccomp filters cost ./vmm's boot.
set -- $(part vmm-noseccomp boot)
if [ $# -ge 10 ]; then
	row boot_wall vmm-noseccomp-nested us $(($2 / 1000)) $(($3 / 1000)) \
		$(($4 / 1000)) $5 "$NOTE"
fi
s=$(part vmm seccomp | summarize)
[ -n "$s" ] && row seccomp_setup vmm-nested us $s \
	"both threads' filters, built and loaded (--stats)"
# ./vmm's exits (returns from KVM_RUN) over the client's block requests.
blk=$(part vmm blk)
exits=$(echo "$blk" | sed -n 's/.*stats: exits=\([0-9]*\).*/\1/p')
reqs=$(echo "$blk" | awk '$1 == "bench" {s += $7} END {print s + 0}')
if [ -n "$exits" ] && [ "$reqs" -gt 0 ]; then
	per=$(awk "BEGIN {printf \"%.2f\", $exits / $reqs}")
	row vm_exits_per_request vmm-nested exits $per $per $per "$reqs" \
		"all $exits exits of the run over its block requests"
fi
emit nested
