#!/usr/bin/env bash
# make bench-ipc: IPC round trip between two address spaces in the guest
# (ipcbench -> echo), on ./vmm, QEMU-KVM and QEMU-TCG with the same
# kernel.elf; the floor measured in the same guest run; Linux pipe and
# eventfd ping-pong between two host processes on one CPU; and the
# instructions per round trip from a deterministic QEMU TCG count.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${ROUNDS:-100000}

# guest SYSTEM CMD...: run the benchmark guest, add its rows.
guest() {
	local sys=$1 out rc want=0 rt null cr3; shift
	out=$("$@" 2>&1); rc=$?
	case $sys in qemu-*) want=1 ;; esac    # isa-debug-exit: 0*2+1
	if [ $rc != $want ]; then
		row ipc_round_trip "$sys" ns - - - 0 "failed: exit $rc"
		echo "$out" | tail -5 >&2
		return
	fi
	rt=$(echo "$out" | awk '$1 == "bench" && $2 == "ipc_round_trip" {print $4, $5, $6, $7}')
	null=$(echo "$out" | awk '$1 == "bench" && $2 == "null_syscall" {print $4, $5, $6, $7}')
	cr3=$(echo "$out" | awk '$1 == "bench" && $2 == "cr3_switch_pair" {print $5}')
	if [ -z "$rt" ]; then
		row ipc_round_trip "$sys" ns - - - 0 "no result (see: $sys run)"
		echo "$out" | tail -5 >&2
		return
	fi
	row ipc_round_trip "$sys" ns $rt
	if [ -n "$null" ]; then
		set -- $null
		row null_syscall "$sys" ns $1 $2 $3 $4
		# The floor: two null entries and a pair of CR3 switches,
		# from the first platform measured (vmm when there is KVM).
		[ -n "$cr3" ] && [ -z "$FLOOR_DONE" ] && row ipc_round_trip floor ns \
			$((2 * $1 + cr3)) $((2 * $2 + cr3)) $((2 * $3 + cr3)) $4 \
			"measured on $sys" && FLOOR_DONE=1
	fi
}

CMD="quiet run=ipcbench:$ROUNDS"
FLOOR_DONE=
if have_kvm; then
	guest vmm ./vmm --timeout 300 --no-console "$KERNEL" -- $CMD
	guest qemu-kvm timeout 300 "${QEMU_MICROVM[@]}" -enable-kvm \
		-kernel "$KERNEL" -append "$CMD"
else
	row ipc_round_trip vmm ns - - - 0 "skipped: no usable /dev/kvm"
	row ipc_round_trip qemu-kvm ns - - - 0 "skipped: no usable /dev/kvm"
fi
guest qemu-tcg timeout 300 "${QEMU_MICROVM[@]}" -accel tcg \
	-kernel "$KERNEL" -append "$CMD"

for kind in pipe eventfd; do
	r=$("$PINGPONG" $kind "$ROUNDS" 1000) &&
		row ipc_round_trip linux-$kind ns $r
done

# KVM's own count of emulated instructions per round trip (on KVM PVM,
# where every guest kernel instruction is emulated, the kernel's cost on
# the real platform): two ./vmm runs that differ only in their round trips.
emulated() {
	./vmm --kvm-stats --timeout 300 --no-console "$KERNEL" -- \
		"quiet run=ipcbench:$1" 2>&1 >/dev/null |
		sed -n 's/^vmm: kvm-stats:.* insn_emulation=\([0-9]*\).*/\1/p'
}
if have_kvm; then
	a=$(emulated $((4294967296 + 2000))) b=$(emulated $((4294967296 + 4000)))
	if [ -n "$a" ] && [ -n "$b" ]; then
		k=$(((b - a) / 2000))
		row kernel_instructions_per_round_trip kvm-emulated insns $k $k $k \
			2000 "KVM's insn_emulation on vmm"
	fi
fi

# Instructions per round trip: two runs that differ only in the number of
# round trips; the difference cancels boot, warm-up and exit.
count() {
	local log; log=$(mktemp)
	"${QEMU_MICROVM[@]}" -accel tcg -singlestep -icount shift=0,sleep=off \
		-d exec,nochain -D "$log" \
		-kernel "$KERNEL" -append "quiet run=ipcbench:$1 entry=$2" \
		>/dev/null 2>&1 </dev/null
	echo "$(bench/count-insns.sh "$log") $(bench/count-insns.sh "$log" user)"
	rm -f "$log"
}
NO_FLOOR=4294967296      # ipcbench: round trips only
for entry in trap syscall; do
	set -- $(count $((NO_FLOOR + 200)) $entry) $(count $((NO_FLOOR + 400)) $entry)
	k=$((($3 - $1) / 200)) u=$((($4 - $2) / 200))
	row kernel_instructions_per_round_trip icount-$entry insns $k $k $k 200
	row user_instructions_per_round_trip icount-$entry insns $u $u $u 200
done
# The kernel's size: its own files and the shared library it links.
lines=$(cat guest-kernel/*.[chS] shared/lib/*.[ch] | wc -l)
row kernel_source_lines wc lines $lines $lines $lines 1

emit ipc
