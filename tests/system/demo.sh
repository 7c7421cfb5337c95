#!/usr/bin/env bash
# The demo client (guest-servers/apps/demo): fs and net found by name. Two
# boots on one ext2 image: the boot counter it keeps in fs (/demo/boots)
# goes 1, then 2, and the greeting comes back; the host reads both
# from the image with debugfs, and e2fsck finds it clean (where e2fsprogs
# are missing, the nested machine, busybox's mke2fs makes the image and
# those checks are left out). Without net it says so and still ends
# well. (make run adds the net part in a namespace of its own.)
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
KERNEL=$PRODUCT

img=$TMP/demo.img
CMD="services=echo,blk,fs run=hello,demo"
host=$HAVE_E2FSPROGS
for plat in $(platforms "the demo on fs" vmm qemu-kvm qemu-tcg); do
	new_ext2 "$img" $((8 * 1024 * 1024))
	for n in 1 2; do
		boot_disk $plat "$img" "" "$CMD"
		times=times; [ $n = 1 ] && times=time
		expect "$plat: demo, boot $n: the counter in fs says $n" 0 \
			"demo: fs: this disk has booted the demo $n $times\$" \
			'demo: fs: wrote "greeting" and read it back: hello from the demo' \
			'demo: no "net" service \(REG_E_NOT_FOUND\): that part is skipped' \
			'demo: done$' '^hello: done$'
	done
	[ -n "$host" ] || continue
	boots=$($E2/debugfs -R 'cat /demo/boots' "$img" 2>/dev/null)
	greeting=$($E2/debugfs -R 'cat /demo/greeting' "$img" 2>/dev/null)
	if [ "$boots" = 2 ] &&
	   [ "$greeting" = "hello from the demo, kept by fs on the block device" ] &&
	   $E2/e2fsck -fn "$img" >"$TMP/fsck" 2>&1; then
		ok "$plat: the image holds /demo/boots (2) and /demo/greeting, e2fsck finds it clean"
	else
		bad "$plat: the image after the demo: boots '$boots', greeting '$greeting'"
		sed 's/^/#   /' "$TMP/fsck" | tail -10
	fi
done
exit $failed
