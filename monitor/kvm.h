/*
 * The KVM driver: one VM, one memory slot for all guest RAM, one vCPU,
 * the run loop and the I/O thread's eventfds. This is the generic half;
 * what is x86 (the irqchip and PIT, the CPUID, the PVH entry state, the
 * MSRs, the register dump) is in kvm_x86.c, which kvm_setup calls at the
 * points KVM needs. Every ioctl is checked; failures return -errno with
 * a message naming the ioctl. Not linked into the unit tests (no
 * /dev/kvm there): the logic it can share lives in cpu_x86.c and
 * vmexit.c.
 */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kvm_x86.h"
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
	struct kvm_arch arch;   /* kvm_x86.c's */
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
 * capability the monitor uses (the generic ones, then kvm_arch_open's).
 * Returns 0 or -errno with "PATH: reason".
 */
int kvm_open(struct kvm_vm *vm, const char *path, struct errmsg *err);

/*
 * Create the VM on an open device: RAM from m, then kvm_arch_setup_vm
 * (KVM's private pages on Intel, the irqchip), vCPU 0 and its run area,
 * then kvm_arch_setup_vcpu (CPUID, PIT or timing leaf, the PVH entry
 * state with rip = entry and rbx = start_info, IA32_MISC_ENABLE).
 * Returns 0 or -errno with the failed ioctl in err.
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

/* Print the vCPU's registers (after a death); in kvm_x86.c. */
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

/* For kvm.c and kvm_x86.c: ioctl() retried on EINTR; its result, or
 * -errno with "NAME: reason" in err. */
int kvm_ioctl(int fd, unsigned long req, unsigned long arg, const char *name,
	      struct errmsg *err);
#define KVM_IOCTL(fd, req, arg, err) \
	kvm_ioctl((fd), (req), (unsigned long)(arg), #req, (err))

/* A capability the monitor checks; KVM_CAP_ENTRY(IRQCHIP, true). */
struct kvm_cap {
	int cap;
	const char *name;
	bool required;
};
#define KVM_CAP_ENTRY(c, req) { KVM_CAP_##c, "KVM_CAP_" #c, req }

/* KVM_CHECK_EXTENSION of c on the open device: its value (0: lacking),
 * or -errno with "PATH: reason" in err (-ENOTSUP: a required one). */
int kvm_check_cap(struct kvm_vm *vm, const struct kvm_cap *c,
		  struct errmsg *err);

#endif
