#!/usr/bin/env bash
# ext2-seeds.sh DIR: small ext2 images for the ext2 fuzz target, made by
# mke2fs -d from a little tree (a file, a subdirectory, a long name, a
# symbolic link), at 1 and 2 KiB blocks, 64 and 128 KiB. The file gets
# its size first: mke2fs 1.47 leaves a new one short of its last blocks.
set -eu
out=$1
t=$(mktemp -d /tmp/ukern-ext2seed.XXXXXX)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/tree/sub" "$out"
echo hello >"$t/tree/hello.txt"
head -c 20000 /dev/zero | tr '\0' x >"$t/tree/sub/twenty-thousand-xs"
ln -s hello.txt "$t/tree/link"
for bs in 1024 2048; do
	img=$out/seed-$bs.img
	rm -f "$img"
	truncate -s $((bs * 64)) "$img"
	PATH=$PATH:/usr/sbin mke2fs -q -F -t ext2 -b $bs -N 16 -m 0 \
		-d "$t/tree" "$img" >/dev/null
done
