#!/usr/bin/env bash
# A hostile guest driver (vhostile) against the virtio-blk device: our
# monitor must mark the device DEVICE_NEEDS_RESET for every malformed
# request, log it (-v), keep running and exit normally; QEMU's device is
# the cross-check (it must survive too; it complains on stderr).
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

img=$TMP/hostile.img
truncate -s 1M "$img"
for plat in $(platforms "hostile virtio driver" vmm qemu-kvm qemu-tcg); do
	if [ $plat = vmm ]; then
		boot vmm "quiet run=vhostile" -v --disk "$img"
		n=$(grep -c ': needs reset$' "$OUT")
		if [ "$RC" = 0 ] && [ "$n" = 6 ] &&
		   grep -q 'utest vhostile: survived' "$OUT" &&
		   grep -q 'needs reset' "$ERR"; then
			ok "vmm: 6 malformed requests, 6 resets demanded, monitor fine"
		else
			bad "vmm: hostile virtio driver (status $RC, $n resets)"
			sed 's/^/#   /' "$OUT" "$ERR" | tail -12
		fi
		continue
	fi
	boot_disk $plat "$img" "" "quiet run=vhostile"
	# QEMU reports the guest's mistakes on stderr, so the status shows
	# as qemu:1, which is the guest's 0 (isa-debug-exit: 0 * 2 + 1).
	if { [ "$RC" = 0 ] || [ "$RC" = qemu:1 ]; } &&
	   grep -q 'utest vhostile: survived' "$OUT"; then
		ok "$plat: QEMU's device survives the hostile driver ($(grep -c 'needs reset$' "$OUT") resets)"
	else
		bad "$plat: hostile virtio driver (status $RC)"
		sed 's/^/#   /' "$OUT" "$ERR" | tail -12
	fi
done
exit $failed
