/*
 * The x86 vCPU as the guest first sees it: the CPUID table derived from
 * what KVM supports, the register state of the PVH entry, and a register
 * dump for when the guest dies. Pure functions on <linux/kvm.h> structs,
 * so that tests run them on the host; kvm.c does the ioctls.
 */
#ifndef VMM_CPU_X86_H
#define VMM_CPU_X86_H

#include <stdbool.h>
#include <stdio.h>

#include <linux/kvm.h>

#include "mem.h"

/* IA32_MISC_ENABLE and its fast-string bit (REP MOVS/STOS). */
#define CPU_MSR_MISC_ENABLE             0x1a0
#define CPU_MISC_ENABLE_FAST_STRING     0x1ull

struct cpu_features {
	bool tsc_deadline;      /* KVM_CAP_TSC_DEADLINE_TIMER with irqchip */
};

/*
 * Edit the table from KVM_GET_SUPPORTED_CPUID in place into the CPU we
 * present: one logical CPU with APIC id 0, hypervisor bit set, KVM leaves
 * kept, and no PCID/INVPCID, x2APIC, MONITOR/MWAIT, nested virtualization
 * or PMU (each change is explained where it is made).
 */
void cpu_filter_cpuid(struct kvm_cpuid_entry2 *e, unsigned n,
		      const struct cpu_features *f);

/* The hypervisor range's timing leaf (VMware's): TSC and LAPIC timer kHz. */
#define CPU_LEAF_HV_BASE        0x40000000u
#define CPU_LEAF_HV_TIMING      0x40000010u
/* KVM's LAPIC timer counts at 1 GHz before its divider (one bus cycle
 * per ns: APIC_BUS_CYCLE_NS, the default where it can be changed). */
#define CPU_KVM_LAPIC_KHZ       1000000u

/* KVM_SET_CPUID2 takes at most this many entries (KVM_MAX_CPUID_ENTRIES). */
#define CPU_KVM_CPUID_MAX       256u

/*
 * Give the guest the timer rates in the timing leaf: raise the hypervisor
 * range's top (leaf 0x40000000's eax) to 0x40000010 and set that leaf to
 * tsc_khz and CPU_KVM_LAPIC_KHZ, in e[0..*n) or as e[*n] (the caller
 * leaves room for one more; *n grows then). Only with a rate, in a table
 * with leaf 0x40000000 (KVM's) and room under CPU_KVM_CPUID_MAX. Returns
 * whether the leaf is there.
 */
bool cpu_add_timing_leaf(struct kvm_cpuid_entry2 *e, unsigned *n,
			 uint32_t tsc_khz);

/*
 * Set the segment, descriptor-table and control registers of the PVH
 * entry in s, keeping the fields this does not name (apic_base,
 * interrupt_bitmap): 32-bit flat protected mode, paging off, the
 * segment caches matching the boot GDT written by bootinfo_build().
 */
void cpu_boot_sregs(struct kvm_sregs *s);

/* General registers of the PVH entry: rip = entry, rbx = start info. */
void cpu_boot_regs(struct kvm_regs *r, gpa_t entry, gpa_t start_info);

/*
 * The IA32_MISC_ENABLE value to start with, given KVM's reset value:
 * fast strings on, as a BIOS leaves it and as QEMU, Firecracker and
 * kvmtool set it (KVM resets it off, and Linux on Intel then treats
 * rep movs/stos as slow). KVM's other bits (BTS/PEBS unavailable) are
 * kept.
 */
uint64_t cpu_misc_enable(uint64_t kvm_value);

/* Print the registers (general, control, every segment), each line
 * starting "vmm:   ". */
void cpu_dump(FILE *out, const struct kvm_regs *r, const struct kvm_sregs *s);

#endif
