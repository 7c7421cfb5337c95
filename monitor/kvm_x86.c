#include "kvm_x86.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "bootinfo.h"
#include "cpu_x86.h"
#include "kvm.h"

#define KVM_CPUID_MAX_ENTRIES 4096      /* give up growing past this */

_Static_assert(BOOT_KVM_TSS >= BOOT_KVM_IDENTITY_MAP + 0x1000 &&
	       BOOT_KVM_TSS + 3 * 0x1000 <=
	       BOOT_KVM_IDENTITY_MAP + BOOT_KVM_PRIVATE_SIZE,
	       "KVM's identity map page and TSS leave their reserved range");

static const struct kvm_cap kvm_x86_caps[] = {
	KVM_CAP_ENTRY(IRQCHIP, true),           /* CREATE_IRQCHIP */
	KVM_CAP_ENTRY(PIT2, true),              /* CREATE_PIT2 */
	KVM_CAP_ENTRY(EXT_CPUID, true),         /* GET_SUPPORTED_CPUID, SET_CPUID2 */
	KVM_CAP_ENTRY(SET_TSS_ADDR, false),     /* needed on Intel only */
	KVM_CAP_ENTRY(SET_IDENTITY_MAP_ADDR, false),    /* Intel only */
	KVM_CAP_ENTRY(TSC_DEADLINE_TIMER, false),
	KVM_CAP_ENTRY(GET_TSC_KHZ, false),      /* else the guest gets a PIT */
};

int kvm_arch_open(struct kvm_vm *vm, struct errmsg *err)
{
	struct kvm_arch *a = &vm->arch;
	const struct kvm_cap *c;
	int r;

	for (c = kvm_x86_caps;
	     c < kvm_x86_caps + sizeof(kvm_x86_caps) / sizeof(*c); c++) {
		r = kvm_check_cap(vm, c, err);
		if (r < 0)
			return r;
		if (c->cap == KVM_CAP_SET_TSS_ADDR)
			a->set_tss = r > 0;
		if (c->cap == KVM_CAP_SET_IDENTITY_MAP_ADDR)
			a->set_identity_map = r > 0;
		if (c->cap == KVM_CAP_TSC_DEADLINE_TIMER)
			a->tsc_deadline = r > 0;
		if (c->cap == KVM_CAP_GET_TSC_KHZ)
			a->get_tsc_khz = r > 0;
	}
	return 0;
}

int kvm_arch_setup_vm(struct kvm_vm *vm, struct errmsg *err)
{
	int r;

	/*
	 * Intel without unrestricted guest runs our paging-off protected
	 * mode on an identity-map page table (one page) and needs three
	 * pages for a real-mode TSS; both outside RAM, reserved in the
	 * memory map, and set before the vCPU exists. The identity map
	 * address is passed by pointer, the TSS address by value (as QEMU
	 * does, with other addresses). AMD ignores both.
	 */
	if (vm->arch.set_identity_map) {
		uint64_t ident = BOOT_KVM_IDENTITY_MAP;

		r = KVM_IOCTL(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident,
			      err);
		if (r < 0)
			return r;
	}
	if (vm->arch.set_tss) {
		r = KVM_IOCTL(vm->vm_fd, KVM_SET_TSS_ADDR, BOOT_KVM_TSS, err);
		if (r < 0)
			return r;
	}
	/* The irqchip (PIC, IOAPIC, LAPIC) must exist before the vCPU. */
	r = KVM_IOCTL(vm->vm_fd, KVM_CREATE_IRQCHIP, 0, err);
	return r < 0 ? r : 0;
}

/* Get what KVM supports, filter it (cpu_x86.c), give it to the vCPU. */
static int kvm_setup_cpuid(struct kvm_vm *vm, struct errmsg *err)
{
	struct cpu_features f = { .tsc_deadline = vm->arch.tsc_deadline };
	struct kvm_cpuid2 *cpuid = NULL;
	unsigned nent = 128, n;
	int r;

	for (;;) {
		/* One more than KVM may fill: the timing leaf. */
		cpuid = calloc(1, sizeof(*cpuid) +
			       (nent + 1) * sizeof(cpuid->entries[0]));
		if (!cpuid) {
			errmsg_set(err, "CPUID table: %s", strerror(ENOMEM));
			return -ENOMEM;
		}
		cpuid->nent = nent;
		r = KVM_IOCTL(vm->sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid, err);
		if (r != -E2BIG || nent >= KVM_CPUID_MAX_ENTRIES)
			break;
		free(cpuid);
		nent *= 2;
	}
	if (r < 0)
		goto out;
	cpu_filter_cpuid(cpuid->entries, cpuid->nent, &f);
	n = cpuid->nent;
	if (!cpu_add_timing_leaf(cpuid->entries, &n, vm->arch.tsc_khz))
		vm->arch.tsc_khz = 0;   /* not told: a PIT, then */
	cpuid->nent = n;
	r = KVM_IOCTL(vm->vcpu_fd, KVM_SET_CPUID2, cpuid, err);
out:
	free(cpuid);
	return r;
}

static int kvm_setup_regs(struct kvm_vm *vm, gpa_t entry, gpa_t start_info,
			  struct errmsg *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int r;

	r = KVM_IOCTL(vm->vcpu_fd, KVM_GET_SREGS, &sregs, err);
	if (r < 0)
		return r;
	cpu_boot_sregs(&sregs);
	r = KVM_IOCTL(vm->vcpu_fd, KVM_SET_SREGS, &sregs, err);
	if (r < 0)
		return r;
	cpu_boot_regs(&regs, entry, start_info);
	return KVM_IOCTL(vm->vcpu_fd, KVM_SET_REGS, &regs, err);
}

/*
 * IA32_MISC_ENABLE with fast strings (cpu_misc_enable). KVM emulates the
 * MSR on every vendor; if a KVM cannot read it, it is left alone.
 * KVM_GET/SET_MSRS return how many MSRs they handled, not 0.
 */
static int kvm_setup_msrs(struct kvm_vm *vm, struct errmsg *err)
{
	struct kvm_msrs *msrs;
	int r;

	msrs = calloc(1, sizeof(*msrs) + sizeof(msrs->entries[0]));
	if (!msrs) {
		errmsg_set(err, "MSR table: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	msrs->nmsrs = 1;
	msrs->entries[0].index = CPU_MSR_MISC_ENABLE;
	r = KVM_IOCTL(vm->vcpu_fd, KVM_GET_MSRS, msrs, err);
	if (r < 0)
		goto out;
	if (r != 1) {
		if (log_verbose())
			fprintf(stderr, "vmm: KVM cannot read IA32_MISC_ENABLE;"
				" left as KVM set it\n");
		r = 0;
		goto out;
	}
	msrs->entries[0].data = cpu_misc_enable(msrs->entries[0].data);
	r = KVM_IOCTL(vm->vcpu_fd, KVM_SET_MSRS, msrs, err);
	if (r >= 0 && r != 1) {
		errmsg_set(err, "KVM_SET_MSRS: KVM refused IA32_MISC_ENABLE "
			   "= 0x%llx", msrs->entries[0].data);
		r = -EINVAL;
	}
out:
	free(msrs);
	return r < 0 ? r : 0;
}

int kvm_arch_setup_vcpu(struct kvm_vm *vm, gpa_t entry, gpa_t start_info,
			struct errmsg *err)
{
	/*
	 * SPEAKER_DUMMY: KVM also handles port 0x61, whose bits give the
	 * gate and output of PIT channel 2, the classic way to calibrate
	 * a clock against the PIT; without it 0x61 would reach us.
	 */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	int r;

	/*
	 * The guest learns the TSC and LAPIC timer rates from CPUID leaf
	 * 0x40000010 and needs no PIT to measure them. A VM without the
	 * in-kernel PIT also closes 10 ms sooner on KVM PVM (its removal
	 * waits for SRCU grace periods). Where KVM cannot say the TSC rate,
	 * the guest gets the PIT (after the irqchip, any time before the run).
	 */
	vm->arch.tsc_khz = 0;
	if (vm->arch.get_tsc_khz) {
		r = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0UL);
		if (r > 0)
			vm->arch.tsc_khz = (uint32_t)r;
	}
	/* CPUID first: KVM checks CR4, EFER and MSR values against it. */
	r = kvm_setup_cpuid(vm, err);
	if (r < 0)
		return r;
	if (!vm->arch.tsc_khz) {
		r = KVM_IOCTL(vm->vm_fd, KVM_CREATE_PIT2, &pit, err);
		if (r < 0)
			return r;
	}
	r = kvm_setup_regs(vm, entry, start_info, err);
	if (r < 0)
		return r;
	/*
	 * The LAPIC is left as KVM resets it: enabled at 0xfee00000, every
	 * LVT masked but LINT0, which KVM sets to ExtINT on the BSP (the
	 * LINT0_REENABLED quirk, on by default); LINT1 is masked. A kernel
	 * programs LINT0/LINT1 itself (ours masks both, Linux sets
	 * ExtINT/NMI), so no KVM_SET_LAPIC is needed.
	 */
	return kvm_setup_msrs(vm, err);
}

void kvm_dump_regs(struct kvm_vm *vm, FILE *out)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct errmsg err;

	if (vm->vcpu_fd < 0)
		return;
	if (KVM_IOCTL(vm->vcpu_fd, KVM_GET_REGS, &regs, &err) < 0 ||
	    KVM_IOCTL(vm->vcpu_fd, KVM_GET_SREGS, &sregs, &err) < 0) {
		fprintf(out, "vmm:   registers unavailable: %s\n", err.text);
		return;
	}
	cpu_dump(out, &regs, &sregs);
}
