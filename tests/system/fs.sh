#!/usr/bin/env bash
# Whole-system tests of the file service (guest-servers/services/fs) over
# the block service, with fstest in the guest, on ext2 images mke2fs
# makes: the whole test in fstest's root (the demo's files on the same
# disk out of its reach), files that outlive a reboot, a read-only
# disk, a file the host wrote, and disks fs must refuse (blank, random
# bytes). After each run that wrote, the host checks the image: e2fsck
# finds nothing to fix, and debugfs reads what the guest wrote. QEMU's
# virtio-blk (TCG, and KVM when usable) and our monitor's (./vmm --disk
# PATH, when /dev/kvm is usable).
#
# Where e2fsprogs are missing (the nested machine), busybox's mke2fs
# makes the images and the host's checks of them are left out.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

MiB=$((1024 * 1024))
HELLO='hello from the first boot: ukern fs'
host=$HAVE_E2FSPROGS

# image_ok NAME: e2fsck finds nothing to fix on $img.
image_ok() {
	[ -n "$host" ] || return 0
	if $E2/e2fsck -fn "$img" >"$TMP/fsck" 2>&1; then
		ok "$1: e2fsck finds the image clean"
	else
		bad "$1: e2fsck finds errors"
		sed 's/^/#   /' "$TMP/fsck" | tail -10
	fi
}

# debugfs_cat PATH: the file at PATH in $img.
debugfs_cat() { $E2/debugfs -R "cat $1" "$img" 2>/dev/null; }

if [ -z "$host" ] && ! busybox mke2fs --help >/dev/null 2>&1; then
	skip "file service tests (no mke2fs)"
	exit 0
fi
for plat in $(platforms "file service tests" vmm qemu-kvm qemu-tcg); do
	img=$TMP/disk.img

	# The demo counts its boot in /demo, then fstest runs in /fstest.
	# A small disk: filling it is one of the cases (slow on a nested KVM).
	new_ext2 "$img" $((4 * MiB))
	boot_disk $plat "$img" "" "quiet services=blk,fs run=demo"
	LIMIT=150 boot_disk $plat "$img" "" "services=echo,blk,fs run=fstest"
	expect "$plat: fstest: files, directories, .., a full disk, errors, limits" 0 \
		'^utest fs: ok$'
	image_ok "$plat: after fstest"
	if [ -n "$host" ]; then
		left=$($E2/debugfs -R 'ls -p /fstest' "$img" 2>/dev/null |
		       awk -F/ 'NF > 5 && $6 != "." && $6 != ".." { print $6 }')
		boots=$(debugfs_cat /demo/boots)
		if [ "$boots" = 1 ] && [ -z "$left" ]; then
			ok "$plat: fstest left the demo's file alone and its root empty"
		else
			bad "$plat: after fstest: /demo/boots '$boots', left in /fstest:" $left
		fi
	fi

	new_ext2 "$img" $((4 * MiB))
	boot_disk $plat "$img" "" "quiet services=blk,fs run=fstest:1"
	expect "$plat: first boot writes hello.txt" 0 \
		'^fstest: wrote hello.txt$'
	image_ok "$plat: after the first boot"
	if [ -n "$host" ] && [ "$(debugfs_cat /fstest/hello.txt)" = "$HELLO" ]; then
		ok "$plat: debugfs reads /fstest/hello.txt from the image"
	elif [ -n "$host" ]; then
		bad "$plat: /fstest/hello.txt is not in the image"
	fi
	boot_disk $plat "$img" "" "services=blk,fs run=fstest:2"
	expect "$plat: a second boot reads hello.txt and keep/nested.txt" 0 \
		'^utest fs-persist: ok$'
	boot_disk $plat "$img" ro "services=blk,fs run=fstest:3"
	expect "$plat: a read-only disk: reads, and FS_E_ROFS for changes" 0 \
		'^utest fs-ro: ok$'

	# A file the host puts there is the guest's to read.
	if [ -n "$host" ]; then
		printf '%s\n' "$HELLO" >"$TMP/hello"
		$E2/debugfs -w -R "rm /fstest/hello.txt" "$img" >/dev/null 2>&1
		$E2/debugfs -w -R "write $TMP/hello /fstest/hello.txt" "$img" \
			>/dev/null 2>&1
		boot_disk $plat "$img" "" "services=blk,fs run=fstest:2"
		expect "$plat: fstest reads a file debugfs wrote" 0 \
			'^utest fs-persist: ok$'
	fi

	# An image of another maker: busybox's mke2fs (no resize inode,
	# 128-byte inodes), as the nested machine makes them.
	if [ -n "$host" ] && busybox mke2fs --help >/dev/null 2>&1; then
		new_image "$img" $((4 * MiB))
		busybox mke2fs -F "$img" >/dev/null
		boot_disk $plat "$img" "" "quiet services=blk,fs run=fstest:1"
		boot_disk $plat "$img" "" "services=blk,fs run=fstest:2"
		expect "$plat: busybox's ext2: written, then read on the next boot" 0 \
			'^utest fs-persist: ok$'
		image_ok "$plat: busybox's ext2 after two boots"
	fi

	# No ext2 on the disk: fs refuses to start, in one line, and
	# writes nothing.
	for what in blank random; do
		new_image "$img" $((4 * MiB))
		[ $what = random ] && head -c $((4 * MiB)) /dev/urandom |
			dd of="$img" conv=notrunc 2>/dev/null
		cp "$img" "$img.was"
		boot_disk $plat "$img" "" "services=blk,fs run=fstest"
		if [ "$RC" = 1 ] && [ "$(grep -c '^fs: ' "$OUT")" = 1 ] &&
		   grep -q '^init: boot server fs did not start$' "$OUT" &&
		   cmp -s "$img" "$img.was"; then
			ok "$plat: a $what disk: fs refuses it in one line, writes nothing"
		else
			bad "$plat: a $what disk (status $RC)"
			sed 's/^/#   /' "$OUT" | tail -10
		fi
	done

	# No block service: fs gives up and exits 1. (As a run= program:
	# init does not notice a boot server that stops before it registers.)
	boot $plat "services=echo run=fs"
	expect "$plat: no block service: fs gives up" 1 \
		'^fs: lookup blk: REG_E_NOT_FOUND$' \
		'^init: fs exited with status 1$'
done
exit $failed
