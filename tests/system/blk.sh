#!/usr/bin/env bash
# Whole-system tests of the virtio-blk driver and the block service
# (guest-servers/drivers/blk), with blktest in the guest: against QEMU's
# virtio-blk (TCG, and KVM when usable) and our monitor's (./vmm --disk
# PATH[,ro], when /dev/kvm is usable). The host checks the image file
# itself: what the guest wrote is there, what it reads matches.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

MiB=$((1024 * 1024))

# Sector N of IMAGE without its NUL bytes.
sector_text() { dd if="$1" bs=512 skip="$2" count=1 2>/dev/null | tr -d '\0'; }

# The capacity PLATFORM reports for an image of BYTES, in sectors (QEMU
# 7.2 rounds up and extends the file when the partial sector is written;
# older QEMU rounded down). Empty when it cannot be known here.
odd_capacity() {
	local plat=$1 img=$2 bytes=$3 v
	if [ "$plat" = vmm ]; then
		echo $((bytes / 512))
	elif command -v qemu-img >/dev/null 2>&1; then
		v=$(qemu-img info --output=json "$img" |
			sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p')
		[ -n "$v" ] && echo $((v / 512))
	fi
}

for plat in $(platforms "virtio-blk tests" vmm qemu-kvm qemu-tcg); do
	img=$TMP/disk.img

	new_image "$img" $((8 * MiB))
	boot_disk $plat "$img" "" "services=echo,blk run=blktest"
	expect "$plat: blktest: patterns, last sector, 1 MiB in flight, errors" 0 \
		'^init: device 0: virtio-blk at 0x[0-9a-f]+$' \
		'^blk: virtio-blk, 16384 sectors \(8 MiB\)$' '^utest blk: ok$'

	new_image "$img" $((8 * MiB))
	boot_disk $plat "$img" "" "quiet services=blk run=blktest:2"
	bad=""
	for s in 0 1 2 3 4 5 6 7; do
		t=$(sector_text "$img" $s)
		[ "$t" = "ukern-blk-test $s" ] || bad="$bad sector $s: '$t';"
	done
	[ -z "$(sector_text "$img" 8)" ] || bad="$bad sector 8 written;"
	if [ "$RC" = 0 ] && [ -z "$bad" ]; then
		ok "$plat: what the guest wrote is in the image file"
	else
		bad "$plat: what the guest wrote is in the image file (status $RC;$bad)"
		sed 's/^/#   /' "$OUT" "$ERR" | tail -10
	fi

	new_image "$img" $((4 * MiB))
	head -c $MiB /dev/urandom | dd of="$img" conv=notrunc 2>/dev/null
	want=$(head -c $MiB "$img" | cksum | cut -d' ' -f1)
	boot_disk $plat "$img" "" "quiet services=blk run=blktest:1"
	expect "$plat: what the guest reads is the image file's bytes" 0 \
		"^blktest: 2048 sectors, cksum $want\$"

	sum=$(cksum <"$img")
	boot_disk $plat "$img" ro "services=blk run=blktest:3"
	expect "$plat: a read-only disk refuses writes" 0 \
		'^blk: virtio-blk, 8192 sectors \(4 MiB\), read-only$' \
		'^utest blk-ro: ok$'
	[ "$(cksum <"$img")" = "$sum" ] ||
		bad "$plat: the read-only image changed"

	bytes=$((8 * MiB + 100))
	new_image "$img" $bytes
	want=$(odd_capacity $plat "$img" $bytes)
	boot_disk $plat "$img" "" "services=blk run=blktest"
	got=$(sed -n 's/^blk: virtio-blk, \([0-9]*\) sectors.*/\1/p' "$OUT")
	if [ "$RC" = 0 ] && grep -q '^utest blk: ok$' "$OUT" &&
	   { [ "$got" = "$want" ] || { [ -z "$want" ] &&
	     { [ "$got" = 16384 ] || [ "$got" = 16385 ]; }; }; }; then
		ok "$plat: an image of 8 MiB + 100 bytes: $got sectors, all usable"
	else
		bad "$plat: an image of 8 MiB + 100 bytes (status $RC, $got sectors, want ${want:-16384 or 16385})"
		sed 's/^/#   /' "$OUT" | tail -10
	fi

	# No disk: the driver is not started and the boot ends, failed.
	boot $plat "services=blk bootonly"
	expect "$plat: no disk: blk is not started, the boot fails" 1 \
		'^init: blk: no free virtio-blk device, not started$'
done

# QEMU's legacy (version 1) transport, its default before 7.2 and still
# an option, is named and left alone: our drivers speak version 2 only.
for plat in $(platforms "legacy virtio-mmio refused" qemu-kvm qemu-tcg); do
	new_image "$TMP/disk.img" $MiB
	boot_disk $plat "$TMP/disk.img" "" "services=blk bootonly" \
		-global virtio-mmio.force-legacy=true
	expect "$plat: a legacy (version 1) device is reported and not driven" 1 \
		'^init: device 0 at 0x[0-9a-f]+: not virtio-mmio version 2' \
		'^init: blk: no free virtio-blk device, not started$'
done
exit $failed
