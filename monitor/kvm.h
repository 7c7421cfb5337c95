/*
 * The KVM driver: one VM with the in-kernel irqchip (PIC, IOAPIC, LAPIC)
 * and PIT, one memory slot for all guest RAM, and one vCPU started at the
 * PVH entry. Every ioctl is checked; failures return -errno with a
 * message naming the ioctl. Not linked into the unit tests (no /dev/kvm
 * there): the logic it can share lives in cpu_x86.c and vmexit.c.
 */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"
#include "machine.h"
#include "mem.h"
#include "stats.h"

struct kvm_vm {
	const char *path;       /* the KVM device, for messages */
	int sys_fd;             /* /dev/kvm */
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;    /* the vCPU's shared run area */
	size_t run_size;
	bool tsc_deadline;      /* KVM_CAP_TSC_DEADLINE_TIMER */
	bool set_tss;           /* KVM_CAP_SET_TSS_ADDR */
	bool set_identity_map;  /* KVM_CAP_SET_IDENTITY_MAP_ADDR */
	bool get_tsc_khz;       /* KVM_CAP_GET_TSC_KHZ */
	uint32_t tsc_khz;       /* in CPUID 0x40000010, so no PIT; 0: a PIT */
	int stop_signal;        /* KVM_OUTCOME_SIGNAL: which one */
	struct stats_counts counts;     /* exits seen by kvm_run_vcpu */
};

enum kvm_outcome {
	KVM_OUTCOME_STOPPED,    /* a device asked to stop (machine.status) */
	KVM_OUTCOME_TIMEOUT,    /* the --timeout expired */
	KVM_OUTCOME_DIED,       /* the guest died; the reason is in err */
	KVM_OUTCOME_SIGNAL,     /* SIGINT, SIGTERM or SIGHUP (stop_signal) */
};

/* Mark vm as holding nothing, so that kvm_close() is safe. */
void kvm_init(struct kvm_vm *vm);

/*
 * Open the KVM device at path, check the API version (12) and every
 * capability the monitor uses. Returns 0 or -errno with "PATH: reason".
 */
int kvm_open(struct kvm_vm *vm, const char *path, struct errmsg *err);

/*
 * Create the VM on an open device: KVM's private pages (Intel), irqchip,
 * PIT, RAM from m, vCPU 0 with the filtered CPUID, the PVH entry state
 * (rip = entry, rbx = start_info) and IA32_MISC_ENABLE. Returns 0 or
 * -errno with the failed ioctl in err.
 */
int kvm_setup(struct kvm_vm *vm, const struct mem *m, gpa_t entry,
	      gpa_t start_info, struct errmsg *err);

/*
 * Run the vCPU until a device of m asks to stop, timeout seconds pass
 * (0: never), the guest dies or SIGINT, SIGTERM or SIGHUP arrives;
 * *outcome says which (the reason of a death is in err, the signal in
 * vm->stop_signal). Counts exits in vm->counts. Returns 0, or -errno if
 * the signals or the timer cannot be set up. Handles SIGALRM (with a
 * timeout) and those three signals while it runs (not the ones that
 * were ignored when it started), and restores them before it returns.
 */
int kvm_run_vcpu(struct kvm_vm *vm, struct machine *m, double timeout,
		 enum kvm_outcome *outcome, struct errmsg *err);

/* Print the vCPU's registers (after a death). */
void kvm_dump_regs(struct kvm_vm *vm, FILE *out);

struct iothread;

/*
 * Give KVM the I/O thread's eventfds (call after kvm_setup): each queue's
 * QueueNotify write signals its eventfd inside KVM (ioeventfd), and each
 * device's interrupt eventfd injects its GSI (irqfd). Where KVM lacks
 * either, the device still works: notifies reach the bus and are passed
 * to the thread, and an interrupt pulses the GSI with KVM_IRQ_LINE. Returns
 * how many registrations fell back.
 */
unsigned kvm_attach_iothread(struct kvm_vm *vm, struct iothread *io);

/* Release the vCPU, VM and device; safe after kvm_init. */
void kvm_close(struct kvm_vm *vm);

#endif
