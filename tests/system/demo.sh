#!/usr/bin/env bash
# The demo client (guest-servers/apps/demo): fs and net found by name. Two
# boots on one image: the boot counter it keeps in fs goes 1, then 2,
# and the greeting comes back; without net it says so and still ends
# well. (make run adds the net part in a namespace of its own.)
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
KERNEL=$PRODUCT

img=$TMP/demo.img
CMD="services=echo,blk,fs run=hello,demo"
for plat in $(platforms "the demo on fs" vmm qemu-kvm qemu-tcg); do
	rm -f "$img"; truncate -s 8M "$img"
	for n in 1 2; do
		boot_disk $plat "$img" "" "$CMD"
		times=times; [ $n = 1 ] && times=time
		expect "$plat: demo, boot $n: the counter in fs says $n" 0 \
			"demo: fs: this disk has booted the demo $n $times\$" \
			'demo: fs: wrote "greeting" and read it back: hello from the demo' \
			'demo: no "net" service \(REG_E_NOT_FOUND\): that part is skipped' \
			'demo: done$' '^hello: done$'
	done
done
exit $failed
