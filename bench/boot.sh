#!/usr/bin/env bash
# make bench-boot: wall time and peak RSS from process start to exit for
# `quiet bootonly`, ./vmm against QEMU microvm on the same kernel.elf in
# the same run; and the kernel's boot instruction count under QEMU TCG.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
N=${N:-30}
CMDLINE="quiet bootonly"

# measure SYSTEM STATUS CMD...: rows boot_wall (us) and peak_rss (KiB)
measure() {
	local sys=$1 want=$2; shift 2
	local r
	if ! r=$("$RUNSTAT" -n "$N" -w 2 -s "$want" -- "$@"); then
		row boot_wall "$sys" us - - - 0 "failed (see above)"
		return
	fi
	set -- $r
	row boot_wall "$sys" us $(($2 / 1000)) $(($3 / 1000)) $(($4 / 1000)) $5
	row peak_rss "$sys" KiB $7 $8 $9 ${10}
}

if have_kvm; then
	measure vmm 0 ./vmm --no-console "$PRODUCT" -- $CMDLINE
	measure qemu-kvm 1 "${QEMU_MICROVM[@]}" -enable-kvm \
		-kernel "$PRODUCT" -append "$CMDLINE"
	# The seccomp filters' cost: the boot without them, and the time
	# ./vmm itself measures for building and loading them.
	measure vmm-no-seccomp 0 ./vmm --no-seccomp --no-console "$PRODUCT" \
		-- $CMDLINE
	s=$(seccomp_us "$PRODUCT" $CMDLINE | summarize)
	[ -n "$s" ] && row seccomp_setup vmm us $s \
		"both threads' filters, built and loaded (--stats)"
	# The monitor's own memory: its peak RSS minus the guest RAM touched.
	if st=$(./vmm --stats --no-console "$PRODUCT" -- $CMDLINE 2>&1 >/dev/null | grep 'stats:'); then
		own=$(echo "$st" | sed -n 's/.*own_kib=\([0-9]*\).*/\1/p')
		[ -n "$own" ] && row monitor_own_rss vmm KiB $own $own $own 1
	fi
	# KVM's own count of the instructions it emulated (on KVM PVM: every
	# guest kernel instruction; on VMX/SVM hardware: next to none).
	if ks=$(./vmm --kvm-stats --no-console "$PRODUCT" -- $CMDLINE 2>&1 >/dev/null |
		grep '^vmm: kvm-stats:'); then
		n=$(echo "$ks" | sed -n 's/.* insn_emulation=\([0-9]*\).*/\1/p')
		row kvm_emulated_instructions vmm insns ${n:-0} ${n:-0} ${n:-0} 1 \
			"KVM's insn_emulation count for the boot"
	fi
else
	row boot_wall vmm us - - - 0 "skipped: no usable /dev/kvm"
	row boot_wall qemu-kvm us - - - 0 "skipped: no usable /dev/kvm"
	# The filters are the host kernel's work, KVM or not: measure them
	# on this host under the tests' fake KVM, a console (and so the I/O
	# thread) included.
	. tests/fakekvm/elf.sh
	k=$(mktemp /tmp/ukern-bench.XXXXXX)
	make_elf "$k" b000e6f4f4
	s=$(for i in 1 2 3 4 5 6 7 8 9 10; do
		FAKEKVM_PATH=$k.kvm FAKEKVM_SCENARIO=exit0 \
		FAKEKVM_ENTRY=$((0x100000 + ELF_CODE_OFF)) \
		FAKEKVM_MEM=$((128 << 20)) \
		FAKEKVM_CMDLINE=virtio_mmio.device=512@0xfeb00000:5 \
		LD_PRELOAD=$PWD/build/tests/fakekvm.so ./vmm --kvm "$k.kvm" \
			--stats "$k" </dev/null 2>&1 >/dev/null |
			sed -n 's/.*seccomp_us=\([0-9]*\).*/\1/p'
	done | summarize)
	rm -f "$k"
	if [ -n "$s" ]; then
		row seccomp_setup vmm-fakekvm us $s \
			"both threads' filters on this host, under tests/fakekvm"
	else
		row seccomp_setup vmm-fakekvm us - - - 0 "failed"
	fi
fi
measure qemu-tcg 1 "${QEMU_MICROVM[@]}" -accel tcg \
	-kernel "$PRODUCT" -append "$CMDLINE"

# Deterministic count: QEMU TCG, one instruction per translation block,
# every block logged; icount at 2^9 ns per instruction approximates the
# cost of an emulated kernel instruction on KVM PVM, so waits (the timer
# calibration) take about as many instructions as they would there.
log=$(mktemp)
"${QEMU_MICROVM[@]}" -accel tcg -singlestep -icount shift=9,sleep=off \
	-d exec,nochain -D "$log" -kernel "$PRODUCT" -append "$CMDLINE" \
	>/dev/null 2>&1 </dev/null
n=$(bench/count-insns.sh "$log")
rm -f "$log"
row kernel_boot_instructions icount insns $n $n $n 1

emit boot
