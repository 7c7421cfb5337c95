#!/usr/bin/env bash
# Whole-system tests of the file service (guest-servers/services/fs) over
# the block service, with fstest in the guest: a fresh disk, a foreign disk
# (formatted), and a blob that outlives a reboot on the same image.
# QEMU's virtio-blk (TCG, and KVM when usable) and our monitor's
# (./vmm --disk PATH, when /dev/kvm is usable).
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

MiB=$((1024 * 1024))
for plat in $(platforms "file service tests" vmm qemu-kvm qemu-tcg); do
	img=$TMP/disk.img

	new_image "$img" $((8 * MiB))
	boot_disk $plat "$img" "" "services=echo,blk,fs run=fstest"
	expect "$plat: fstest: blobs, overwrite, list, delete, full, errors" 0 \
		'^fs: no file system on the disk: formatting 16384 sectors$' \
		'^utest fs: ok$'

	new_image "$img" $((4 * MiB))
	head -c $((4 * MiB)) /dev/urandom | dd of="$img" conv=notrunc 2>/dev/null
	boot_disk $plat "$img" "" "services=blk,fs run=fstest"
	expect "$plat: a disk of random bytes is formatted" 0 \
		'^fs: no file system on the disk: formatting 8192 sectors$' \
		'^utest fs: ok$'

	new_image "$img" $((4 * MiB))
	boot_disk $plat "$img" "" "quiet services=blk,fs run=fstest:1"
	expect "$plat: first boot writes hello.txt" 0 \
		'^fstest: wrote hello.txt$'
	if grep -q 'hello from the first boot: ukern fs' "$img"; then
		ok "$plat: hello.txt's contents are in the image file"
	else
		bad "$plat: hello.txt's contents are not in the image file"
	fi
	boot_disk $plat "$img" "" "services=blk,fs run=fstest:2"
	expect "$plat: a second boot mounts the disk and reads hello.txt" 0 \
		'^fs: mounted, 8192 sectors$' '^utest fs-persist: ok$'

	# A clobbered directory entry is dropped, the rest still served.
	printf 'bad\0' | dd of="$img" bs=1 seek=$((512 + 64)) conv=notrunc \
		2>/dev/null
	printf '\377\377\377\377' | dd of="$img" bs=1 seek=$((512 + 64 + 36)) \
		conv=notrunc 2>/dev/null
	boot_disk $plat "$img" "" "services=blk,fs run=fstest:2"
	expect "$plat: a bad directory entry is dropped at mount" 0 \
		'^fs: dropped 1 bad directory entries$' '^utest fs-persist: ok$'

	# No block service: fs gives up and exits 1. (As a run= program:
	# init does not notice a boot server that stops before it registers.)
	boot $plat "services=echo run=fs"
	expect "$plat: no block service: fs gives up" 1 \
		'^fs: lookup blk: REG_E_NOT_FOUND$' \
		'^init: fs exited with status 1$'
done
exit $failed
