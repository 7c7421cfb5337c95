#!/usr/bin/env bash
# make bench-blk: block throughput in the guest (blkbench through the blk
# service and its virtio-blk driver) on ./vmm's device and QEMU microvm's,
# same kernel.elf, same image size, same run; and, for ./vmm, VM exits
# per block request (--stats).
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
IMG=$(mktemp /tmp/ukern-blkbench.XXXXXX)
trap 'rm -f "$IMG"' EXIT
CMD="quiet services=echo,blk run=blkbench"

# rows SYSTEM OUTPUT: the guest's bench lines as rows
rows() {
	local sys=$1 out=$2 line
	if ! echo "$out" | grep -q '^bench seq_read'; then
		row seq_read "$sys" MBps - - - 0 "failed"
		echo "$out" | tail -5 >&2
		return 1
	fi
	while read -r _ metric unit min med p99 n; do
		row "$metric" "$sys" "$unit" "$min" "$med" "$p99" "$n"
	done < <(echo "$out" | grep '^bench ')
}

fresh() { rm -f "$IMG"; truncate -s 16M "$IMG"; }

# per_request METRIC COUNT REQUESTS NOTE: a vmm row of COUNT / REQUESTS.
per_request() {
	[ -n "$2" ] && [ "${3:-0}" -gt 0 ] || return 0
	local per; per=$(awk "BEGIN {printf \"%.2f\", $2 / $3}")
	row "$1" vmm exits $per $per $per "$3" "$4"
}

if have_kvm; then
	fresh
	out=$(./vmm --stats --kvm-stats --timeout 300 --no-console \
		--disk "$IMG" "$KERNEL" -- $CMD 2>&1 </dev/null)
	rows vmm "$out" && {
		exits=$(echo "$out" | sed -n 's/.*stats: exits=\([0-9]*\).*/\1/p')
		kexits=$(echo "$out" | sed -n 's/^vmm: kvm-stats:.* exits=\([0-9]*\).*/\1/p')
		reqs=$(echo "$out" | awk '$1 == "bench" {s += $7} END {print s}')
		per_request vm_exits_per_request "$exits" "$reqs" \
			"all $exits exits to the monitor over the block requests"
		# Every exit KVM saw (ioeventfd notifies, interrupts, timer,
		# page faults, halts), not only those that reached the monitor.
		per_request kvm_exits_per_request "$kexits" "$reqs" \
			"all $kexits exits KVM counted (--kvm-stats)"
	}
	fresh
	rows qemu-kvm "$(timeout 300 "${QEMU_MICROVM[@]}" -enable-kvm \
		-device virtio-blk-device,drive=d0 \
		-drive if=none,id=d0,file="$IMG",format=raw \
		-kernel "$KERNEL" -append "$CMD" 2>&1)"
else
	row seq_read vmm MBps - - - 0 "skipped: no usable /dev/kvm"
	row seq_read qemu-kvm MBps - - - 0 "skipped: no usable /dev/kvm"
fi
fresh
rows qemu-tcg "$(timeout 300 "${QEMU_MICROVM[@]}" -accel tcg \
	-device virtio-blk-device,drive=d0 \
	-drive if=none,id=d0,file="$IMG",format=raw \
	-kernel "$KERNEL" -append "$CMD" 2>&1)"
emit blk
