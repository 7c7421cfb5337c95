#!/usr/bin/env bash
# Whole-system boot tests: the product's kernel.elf under ./vmm, QEMU
# with KVM and QEMU TCG; the log lines, the self-tests and the exit
# statuses.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
KERNEL=$PRODUCT

for plat in $(platforms "boot tests" vmm qemu-kvm qemu-tcg); do

	boot $plat ""
	expect "$plat: default boot log" 0 \
		'^ukern [0-9.]+ \(x86-64, PVH\)' '^cmdline:' '^mem: ' \
		'^frames: [0-9]+ free' '^timer: lapic [0-9]+ ticks/ms' \
		'^entry: ' '^registry: echo registered' '^hello: done$' \
		'^init: machine exit, status 0$'

	boot $plat "test=ticks"
	expect "$plat: timer ticks" 0 '^tick 1$' '^tick 2$' '^tick 3$' \
		'^test ticks: ok'

	boot $plat "quiet bootonly"
	if [ "$RC" = 0 ] && [ ! -s "$OUT" ]; then
		ok "$plat: quiet bootonly is silent and exits 0"
	else
		bad "$plat: quiet bootonly (status $RC, $(wc -c <"$OUT") bytes out)"
	fi

	if [ $plat = vmm ]; then
		boot vmm "quiet bootonly" --kvm-stats
		if [ "$RC" = 0 ] && [ "$(grep -c '^vmm: kvm-stats:' "$ERR")" = 1 ] &&
		   grep -Eq '^vmm: kvm-stats:( [a-z0-9_.]+=[0-9]+)+$' "$ERR" &&
		   grep -Eq ' exits=[1-9]' "$ERR"; then
			ok "vmm: --kvm-stats: one line of KVM's counters"
		else
			bad "vmm: --kvm-stats (status $RC): $(head -3 "$ERR")"
		fi
	fi

	boot $plat "quiet test=alloc"
	expect "$plat: test=alloc" 0 '^test alloc: ok'
	# ./vmm states the timer rates (CPUID 0x40000010) and has no PIT;
	# QEMU has a PIT and no such leaf: the kernel measures them there.
	src=PIT; [ $plat = vmm ] && src=CPUID
	boot $plat "test=timer"
	expect "$plat: test=timer, rates from $src" 0 '^test timer: ok' \
		"^timer: lapic [0-9]+ ticks/ms \\($src\\)" \
		"^test timer: [0-9]+ ticks in [0-9]+ ms \\(TSC, rate from $src\\)"
	boot $plat "test=pf"
	expect "$plat: kernel page fault is dumped" 5 '#PF' 'RIP' 'CR2'
	boot $plat "test=ud"
	expect "$plat: kernel #UD is dumped" 5 '#UD' 'RIP'
	# The tests and benchmarks are in the test image only.
	boot $plat "quiet run=ipctest,hello"
	expect "$plat: kernel.elf holds no test program" 0 \
		'^init: ipctest: no such program$'
	boot $plat "test=nosuchtest"
	expect "$plat: unknown self-test fails" 3 'nosuchtest'

	# Devices announced on the command line, as QEMU microvm does.
	boot $plat "virtio_mmio.device=512@0xfeb00000:5 virtio_mmio.device=512@0xfeb00200:6"
	expect "$plat: command-line virtio devices listed" 0 \
		'virtio-mmio: 512@0xfeb00000 irq 5' \
		'virtio-mmio: 512@0xfeb00200 irq 6' \
		'virtio-mmio: devices 0 and 1 share a register page'
	boot $plat "virtio_mmio.device=512@0xfeb00600:9 virtio_mmio.device=512@0xfeb00600:10"
	expect "$plat: a second entry for one window is ignored" 0 \
		'virtio-mmio: 512@0xfeb00600 irq 9' \
		'virtio-mmio: 1 entries overlapping an earlier one ignored'
	boot $plat "virtio_mmio.device=garbage"
	expect "$plat: malformed virtio entry reported, boot goes on" 0 \
		'garbage' '^init: machine exit, status 0$'
done

# QEMU attaches real virtio-mmio devices and announces them itself.
for plat in $(platforms "QEMU virtio devices listed" qemu-kvm qemu-tcg); do
	truncate -s 1M "$TMP/disk.img"
	boot $plat "" -device virtio-blk-device,drive=d0 \
		-drive if=none,id=d0,file="$TMP/disk.img",format=raw \
		-device virtio-net-device,netdev=n0 -netdev user,id=n0
	n=$(grep -Ec '^virtio-mmio: 512@0xfeb0[0-9a-f]{4} irq [0-9]+$' "$OUT")
	if [ "$RC" = 0 ] && [ "$n" = 2 ] &&
		grep -q 'devices 0 and 1 share a register page' "$OUT"; then
		ok "$plat: QEMU virtio devices listed"
	else
		bad "$plat: QEMU virtio devices listed (status $RC, $n devices)"
		sed 's/^/#   /' "$OUT" | tail -20
	fi
done
exit $failed
