/*
 * The x86 half of the KVM driver (kvm.c is the generic half): the
 * capabilities only x86 has, KVM's private pages on Intel, the in-kernel
 * irqchip and PIT, and the vCPU as the PVH entry wants it: CPUID
 * (filtered by cpu_x86.c, with the timing leaf), the entry registers and
 * IA32_MISC_ENABLE; and the register dump after a death (kvm_dump_regs,
 * declared in kvm.h). kvm.c calls the kvm_arch_ functions in the order
 * KVM needs. Like kvm.c it checks every ioctl and is not linked into
 * the unit tests; the logic they test is in cpu_x86.c.
 */
#ifndef VMM_KVM_X86_H
#define VMM_KVM_X86_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "mem.h"

/* What kvm_arch_open learned of KVM, and what the vCPU was told. */
struct kvm_arch {
	bool tsc_deadline;      /* KVM_CAP_TSC_DEADLINE_TIMER */
	bool set_tss;           /* KVM_CAP_SET_TSS_ADDR */
	bool set_identity_map;  /* KVM_CAP_SET_IDENTITY_MAP_ADDR */
	bool get_tsc_khz;       /* KVM_CAP_GET_TSC_KHZ */
	uint32_t tsc_khz;       /* in CPUID 0x40000010, so no PIT; 0: a PIT */
};

struct kvm_vm;

/* On the open device: check the capabilities x86 needs (irqchip, PIT,
 * CPUID) and note the optional ones. 0 or -errno with err. */
int kvm_arch_open(struct kvm_vm *vm, struct errmsg *err);

/* On the new VM, its RAM registered, before the vCPU: KVM's private
 * pages (Intel) and the irqchip. 0 or -errno with the ioctl in err. */
int kvm_arch_setup_vm(struct kvm_vm *vm, struct errmsg *err);

/*
 * On the new vCPU (run area mapped): the timer rates, the filtered
 * CPUID, the PIT where the guest cannot be told the TSC rate, the PVH
 * entry state (rip = entry, rbx = start_info) and IA32_MISC_ENABLE.
 * 0 or -errno with the ioctl in err.
 */
int kvm_arch_setup_vcpu(struct kvm_vm *vm, gpa_t entry, gpa_t start_info,
			struct errmsg *err);

#endif
