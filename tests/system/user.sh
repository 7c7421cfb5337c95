#!/usr/bin/env bash
# Whole-system tests of the microkernel core, in the guest: IPC (order,
# badges, capability transfer, every error code, a call into a dying
# server), the registry's errors, a hostile program's random system
# calls, isolation faults, preemption, and libuk; on both kernel entry
# paths where the platform allows (QEMU TCG runs syscall and the trap).
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

ISOLATE="isolate:1,isolate:2,isolate:3,isolate:4,isolate:5,isolate:6,isolate:7,isolate:8"

for plat in $(platforms "user-space tests" vmm qemu-kvm qemu-tcg); do
	entries="auto trap"
	[ $plat = qemu-tcg ] && entries="syscall trap"
	for entry in $entries; do
		e="entry=$entry"; [ $entry = auto ] && e=""
		boot $plat "quiet $e services=echo,victim run=ipctest"
		expect "$plat/$entry: IPC order, badges, transfer, errors, dead server" 0 \
			'^utest ipc: ok$'
		boot $plat "quiet $e run=fuzz"
		expect "$plat/$entry: 100,000 random system calls, then IPC works" 0 \
			'^utest fuzz: ok$'
	done
	boot $plat ""
	if [ $plat = vmm ]; then
		expect "$plat: the self-test picks an entry path" 0 '^entry: '
	else
		expect "$plat: syscall passes its self-test" 0 '^entry: syscall'
	fi
	boot $plat "quiet run=regtest"
	expect "$plat: registry errors" 0 '^utest registry: ok$'
	# A boot server that dies before it registers: restarted, then the
	# boot ends instead of waiting for it.
	boot $plat "restarts=1 services=echo,isolate:4"
	expect "$plat: a boot server that faults before registering ends the boot" 1 \
		'^init: restarting isolate \(1 of 1\)$' \
		'^init: boot server isolate did not start$'
	# A program built for another ABI version is refused, in one line.
	boot $plat "quiet run=abiold,libtest"
	expect "$plat: a program built for another ABI version is refused" 1 \
		'^init: abiold: built for ABI version 9999, this system is version 4$' \
		'^utest libuk: ok$'
	boot $plat "quiet run=libtest"
	expect "$plat: libuk in a process" 0 '^utest libuk: ok$'
	# Each isolate faults as it must; hello, started last, still works.
	boot $plat "restarts=0 run=$ISOLATE,hello"
	expect "$plat: isolation faults contained" 1 \
		'fault: isolate .*#PF .*addr 0xffff800000100000 error 0x[45]$' \
		'fault: isolate .*#PF .*addr 0xffff800000100000 error 0x[67]$' \
		'fault: isolate .*#PF .*addr 0x10000000 error 0x4$' \
		'fault: isolate .*#UD' 'fault: isolate .*#DE' 'fault: isolate .*#GP' \
		'fault: isolate .*#PF .*addr 0x7ffffff00000 error 0x7$' \
		'fault: isolate .*#PF page fault at rip 0xffff800000100000' \
		'^hello: done$'
	# A raw syscall, not through the entry page, is a Linux system call:
	# on the syscall entry the kernel sends it to UK_LINUX_ENTRY_VA,
	# unmapped in a program without the Linux personality (a #PF there,
	# contained); on the forced trap entry, where the kernel clears
	# EFER.SCE, a #UD. QEMU TCG only: under KVM PVM the CPU itself jumps
	# there, in user mode.
	if [ $plat = qemu-tcg ]; then
		boot $plat "restarts=0 entry=syscall run=isolate:10,hello"
		if grep -q '^isolate: a raw syscall' "$OUT"; then
			bad "$plat/syscall: a raw syscall was our system call"
		else
			expect "$plat/syscall: a raw syscall goes to the Linux entry" 1 \
				'fault: isolate .*#PF .*at rip 0x70000000 addr 0x70000000 error 0x14$' \
				'^hello: done$'
		fi
		boot $plat "restarts=0 entry=trap run=isolate:10,hello"
		if grep -q '^isolate: a raw syscall' "$OUT"; then
			bad "$plat/trap: a raw syscall entered the kernel"
		else
			expect "$plat/trap: a raw syscall is a contained #UD" 1 \
				'fault: isolate .*#UD invalid opcode' '^hello: done$'
		fi
	fi
	# A hostile program's ways to make the kernel allocate on its behalf
	# end at its own quota (docs/accounting.md), never at the machine's.
	boot $plat "quiet run=isolate:11"
	expect "$plat: page tables are charged and freed with the mapping" 0 \
		'^utest isolate page tables: ok$'
	boot $plat "quiet run=isolate:12"
	expect "$plat: memory regions count against the object quota" 0 \
		'^utest isolate regions: ok$'
	# A program that never yields is preempted: hello finishes first.
	boot $plat "run=spin:300000000,hello"
	if [ "$RC" = 0 ] && grep -n -e '^hello: done' -e '^spin: counted' "$OUT" |
		head -1 | grep -q hello; then
		ok "$plat: a spinning program is preempted"
	else
		bad "$plat: a spinning program is preempted (status $RC)"
		sed 's/^/#   /' "$OUT" | tail -10
	fi
done
exit $failed
