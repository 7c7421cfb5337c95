#include "kvm.h"
#include "iothread.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "bootinfo.h"
#include "cpu_x86.h"
#include "vmexit.h"

#define KVM_CPUID_MAX_ENTRIES 4096      /* give up growing past this */

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

_Static_assert(BOOT_KVM_TSS >= BOOT_KVM_IDENTITY_MAP + 0x1000 &&
	       BOOT_KVM_TSS + 3 * 0x1000 <=
	       BOOT_KVM_IDENTITY_MAP + BOOT_KVM_PRIVATE_SIZE,
	       "KVM's identity map page and TSS leave their reserved range");

/* The signals that end a run early (with SIGALRM, the timeout). */
static const int kvm_stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM };
#define KVM_NSIGNALS (sizeof(kvm_stop_signals) / sizeof(kvm_stop_signals[0]))

/* The signal handler's view of the vCPU (one vCPU, one run at a time). */
static struct kvm_run *volatile kvm_signal_run;
static volatile sig_atomic_t kvm_stop_signal;   /* the first one, or 0 */

/* Dispositions to restore after the run. */
struct kvm_signals {
	bool installed[KVM_NSIGNALS];
	struct sigaction old[KVM_NSIGNALS];
	sigset_t old_mask;
	bool mask_set;
	bool timer;
	timer_t timer_id;
};

struct kvm_cap {
	int cap;
	const char *name;
	bool required;
};

#define KVM_CAP_ENTRY(c, req) { KVM_CAP_##c, "KVM_CAP_" #c, req }

static const struct kvm_cap kvm_caps[] = {
	KVM_CAP_ENTRY(USER_MEMORY, true),       /* SET_USER_MEMORY_REGION */
	KVM_CAP_ENTRY(IRQCHIP, true),           /* CREATE_IRQCHIP */
	KVM_CAP_ENTRY(PIT2, true),              /* CREATE_PIT2 */
	KVM_CAP_ENTRY(EXT_CPUID, true),         /* GET_SUPPORTED_CPUID, SET_CPUID2 */
	KVM_CAP_ENTRY(IMMEDIATE_EXIT, true),    /* kvm_run.immediate_exit */
	KVM_CAP_ENTRY(SET_TSS_ADDR, false),     /* needed on Intel only */
	KVM_CAP_ENTRY(SET_IDENTITY_MAP_ADDR, false),    /* Intel only */
	KVM_CAP_ENTRY(TSC_DEADLINE_TIMER, false),
	KVM_CAP_ENTRY(GET_TSC_KHZ, false),      /* else the guest gets a PIT */
};

void kvm_init(struct kvm_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

/* ioctl() that reports failure as "NAME: strerror" and returns -errno. */
static int kvm_ioctl(int fd, unsigned long req, unsigned long arg,
		     const char *name, struct errmsg *err)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		r = -errno;
		errmsg_set(err, "%s: %s", name, strerror(-r));
	}
	return r;
}

#define KVM_IOCTL(fd, req, arg, err) \
	kvm_ioctl((fd), (req), (unsigned long)(arg), #req, (err))

int kvm_open(struct kvm_vm *vm, const char *path, struct errmsg *err)
{
	const struct kvm_cap *c;
	int r;

	vm->path = path;
	vm->sys_fd = open(path, O_RDWR | O_CLOEXEC);
	if (vm->sys_fd < 0) {
		r = -errno;
		errmsg_set(err, "%s: %s%s", path, strerror(-r),
			   r == -ENOENT ? " (no KVM here? --kvm PATH or "
			   "$VMM_KVM name another device)" :
			   r == -EACCES ? " (are you in the kvm group?)" : "");
		return r;
	}
	r = ioctl(vm->sys_fd, KVM_GET_API_VERSION, 0UL);
	if (r < 0) {
		r = -errno;
		errmsg_set(err, "%s: KVM_GET_API_VERSION: %s (not a KVM "
			   "device?)", path, strerror(-r));
		return r;
	}
	if (r != KVM_API_VERSION) {
		errmsg_set(err, "%s: KVM API version %d, need %d", path, r,
			   KVM_API_VERSION);
		return -ENOTSUP;
	}
	for (c = kvm_caps; c < kvm_caps + sizeof(kvm_caps) / sizeof(*c); c++) {
		r = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, (unsigned long)c->cap);
		if (r < 0) {
			r = -errno;
			errmsg_set(err, "%s: KVM_CHECK_EXTENSION %s: %s", path,
				   c->name, strerror(-r));
			return r;
		}
		if (r == 0 && c->required) {
			errmsg_set(err, "%s: KVM lacks %s", path, c->name);
			return -ENOTSUP;
		}
		if (c->cap == KVM_CAP_SET_TSS_ADDR)
			vm->set_tss = r > 0;
		if (c->cap == KVM_CAP_SET_IDENTITY_MAP_ADDR)
			vm->set_identity_map = r > 0;
		if (c->cap == KVM_CAP_TSC_DEADLINE_TIMER)
			vm->tsc_deadline = r > 0;
		if (c->cap == KVM_CAP_GET_TSC_KHZ)
			vm->get_tsc_khz = r > 0;
	}
	return 0;
}

/* Get what KVM supports, filter it (cpu_x86.c), give it to the vCPU. */
static int kvm_setup_cpuid(struct kvm_vm *vm, struct errmsg *err)
{
	struct cpu_features f = { .tsc_deadline = vm->tsc_deadline };
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
	if (!cpu_add_timing_leaf(cpuid->entries, &n, vm->tsc_khz))
		vm->tsc_khz = 0;        /* not told: a PIT, then */
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

int kvm_setup(struct kvm_vm *vm, const struct mem *m, gpa_t entry,
	      gpa_t start_info, struct errmsg *err)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.flags = 0,
		.guest_phys_addr = 0,
		.memory_size = m->size,
		.userspace_addr = (uint64_t)(uintptr_t)m->host,
	};
	/*
	 * SPEAKER_DUMMY: KVM also handles port 0x61, whose bits give the
	 * gate and output of PIT channel 2, the classic way to calibrate
	 * a clock against the PIT; without it 0x61 would reach us.
	 */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	void *run;
	int r;

	r = KVM_IOCTL(vm->sys_fd, KVM_CREATE_VM, 0, err);
	if (r < 0)
		return r;
	vm->vm_fd = r;
	/*
	 * RAM first: on KVM PVM this call took 7 to 10 ms once the irqchip
	 * and PIT existed, and 0.1 ms before them (a quarter of the boot).
	 */
	r = KVM_IOCTL(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region, err);
	if (r < 0)
		return r;
	/*
	 * Intel without unrestricted guest runs our paging-off protected
	 * mode on an identity-map page table (one page) and needs three
	 * pages for a real-mode TSS; both outside RAM, reserved in the
	 * memory map, and set before the vCPU exists. The identity map
	 * address is passed by pointer, the TSS address by value (as QEMU
	 * does, with other addresses). AMD ignores both.
	 */
	if (vm->set_identity_map) {
		uint64_t ident = BOOT_KVM_IDENTITY_MAP;

		r = KVM_IOCTL(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident,
			      err);
		if (r < 0)
			return r;
	}
	if (vm->set_tss) {
		r = KVM_IOCTL(vm->vm_fd, KVM_SET_TSS_ADDR, BOOT_KVM_TSS, err);
		if (r < 0)
			return r;
	}
	/* The irqchip must exist before the vCPU. */
	r = KVM_IOCTL(vm->vm_fd, KVM_CREATE_IRQCHIP, 0, err);
	if (r < 0)
		return r;
	r = KVM_IOCTL(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0, err);
	if (r < 0)
		return r;
	if ((size_t)r < sizeof(struct kvm_run)) {
		errmsg_set(err, "KVM_GET_VCPU_MMAP_SIZE: %d is too small", r);
		return -EINVAL;
	}
	vm->run_size = (size_t)r;
	r = KVM_IOCTL(vm->vm_fd, KVM_CREATE_VCPU, 0, err);
	if (r < 0)
		return r;
	vm->vcpu_fd = r;
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vm->vcpu_fd, 0);
	if (run == MAP_FAILED) {
		r = -errno;
		errmsg_set(err, "mmap of the vCPU run area: %s", strerror(-r));
		return r;
	}
	vm->run = run;
	/*
	 * The guest learns the TSC and LAPIC timer rates from CPUID leaf
	 * 0x40000010 and needs no PIT to measure them. A VM without the
	 * in-kernel PIT also closes 10 ms sooner on KVM PVM (its removal
	 * waits for SRCU grace periods). Where KVM cannot say the TSC rate,
	 * the guest gets the PIT (after the irqchip, any time before the run).
	 */
	vm->tsc_khz = 0;
	if (vm->get_tsc_khz) {
		r = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0UL);
		if (r > 0)
			vm->tsc_khz = (uint32_t)r;
	}
	/* CPUID first: KVM checks CR4, EFER and MSR values against it. */
	r = kvm_setup_cpuid(vm, err);
	if (r < 0)
		return r;
	if (!vm->tsc_khz) {
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

static void kvm_on_signal(int sig)
{
	struct kvm_run *run = kvm_signal_run;

	if (!kvm_stop_signal)
		kvm_stop_signal = sig;
	/* Seen by the next KVM_RUN if the signal came outside of it; one
	 * that comes inside makes KVM_RUN return EINTR. */
	if (run)
		run->immediate_exit = 1;
}

/* Put back what kvm_signals_start changed (timer, handlers, mask). */
static void kvm_signals_stop(struct kvm_signals *ks)
{
	unsigned i;

	if (ks->timer)
		timer_delete(ks->timer_id);
	ks->timer = false;
	kvm_signal_run = NULL;
	for (i = 0; i < KVM_NSIGNALS; i++) {
		if (ks->installed[i])
			sigaction(kvm_stop_signals[i], &ks->old[i], NULL);
		ks->installed[i] = false;
	}
	if (ks->mask_set)
		pthread_sigmask(SIG_SETMASK, &ks->old_mask, NULL);
	ks->mask_set = false;
}

/*
 * Catch SIGINT, SIGTERM and SIGHUP (unless ignored when we started) and,
 * with a timeout, arm a one-shot timer that sends SIGALRM to this thread
 * (the vCPU thread) after timeout seconds. Returns 0 or -errno.
 */
static int kvm_signals_start(struct kvm_vm *vm, double timeout,
			     struct kvm_signals *ks, struct errmsg *err)
{
	struct sigaction sa, old;
	struct sigevent sev;
	struct itimerspec its;
	const char *what;
	sigset_t set;
	unsigned i;
	int r, sig;

	memset(ks, 0, sizeof(*ks));
	kvm_stop_signal = 0;
	kvm_signal_run = vm->run;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kvm_on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (i = 0; i < KVM_NSIGNALS; i++) {
		sigaddset(&sa.sa_mask, kvm_stop_signals[i]);
		sigaddset(&set, kvm_stop_signals[i]);
	}
	sa.sa_flags = 0;        /* no SA_RESTART: KVM_RUN returns EINTR */
	what = "signal mask";
	r = pthread_sigmask(SIG_UNBLOCK, &set, &ks->old_mask);
	if (r != 0) {
		errno = r;
		goto fail;
	}
	ks->mask_set = true;
	what = "signal handler";
	for (i = 0; i < KVM_NSIGNALS; i++) {
		sig = kvm_stop_signals[i];
		if (sig == SIGALRM && timeout <= 0)
			continue;
		if (sigaction(sig, NULL, &old) < 0)
			goto fail;
		/* nohup and background jobs ignore some; so do we. */
		if (sig != SIGALRM && old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(sig, &sa, &ks->old[i]) < 0)
			goto fail;
		ks->installed[i] = true;
	}
	if (timeout <= 0)
		return 0;
	what = "timeout timer";
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &ks->timer_id) < 0)
		goto fail;
	ks->timer = true;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)timeout;
	its.it_value.tv_nsec =
		(long)((timeout - (double)its.it_value.tv_sec) * 1e9);
	if (its.it_value.tv_nsec >= 1000000000L)
		its.it_value.tv_nsec = 999999999L;
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;       /* 0 would disarm it */
	if (timer_settime(ks->timer_id, 0, &its, NULL) < 0)
		goto fail;
	return 0;
fail:
	r = -errno;
	errmsg_set(err, "%s: %s", what, strerror(-r));
	kvm_signals_stop(ks);
	return r;
}

static const char *kvm_internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "emulation failure";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "simultaneous exceptions";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "exit while delivering an event";
	case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON:
		return "unexpected exit reason";
	}
	return "unknown";
}

static void kvm_internal_error(const struct kvm_run *run, struct errmsg *err)
{
	char data[160] = "";
	size_t len = 0;
	uint32_t i, n = run->internal.ndata;

	if (n > 4)
		n = 4;          /* enough for one line */
	for (i = 0; i < n && len < sizeof(data); i++)
		len += (size_t)snprintf(data + len, sizeof(data) - len,
					" %llx", run->internal.data[i]);
	errmsg_set(err, "guest died: KVM internal error, suberror %u (%s)%s%s",
		   run->internal.suberror,
		   kvm_internal_error_name(run->internal.suberror),
		   n ? ", data" : "", data);
}

/*
 * Handle the exit in vm->run. Returns true if the run goes on, false if
 * the guest died (reason in err).
 */
static bool kvm_handle_exit(struct kvm_vm *vm, struct machine *m,
			    struct errmsg *err)
{
	struct kvm_run *run = vm->run;
	uint32_t reason = run->exit_reason;

	log_once(LOG_EXIT_REASON, reason, "exit %s (%u)",
		 vmexit_name(reason), reason);
	switch (reason) {
	case KVM_EXIT_IO:
		vm->counts.io_exits++;
		if (vmexit_io(m, run, vm->run_size) == 0)
			return true;
		errmsg_set(err, "guest died: malformed KVM_EXIT_IO (port "
			   "0x%x, size %u, count %u)", run->io.port,
			   run->io.size, run->io.count);
		return false;
	case KVM_EXIT_MMIO:
		vm->counts.mmio_exits++;
		if (vmexit_mmio(m, run) == 0)
			return true;
		errmsg_set(err, "guest died: malformed KVM_EXIT_MMIO "
			   "(address 0x%llx, length %u)", run->mmio.phys_addr,
			   run->mmio.len);
		return false;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_HLT:
		/* Only without an in-kernel LAPIC: with ours, HLT waits in
		 * KVM for an interrupt, and a guest that halts with
		 * interrupts off waits there until --timeout or a signal. */
		errmsg_set(err, "guest died: halted (KVM_EXIT_HLT) without "
			   "writing to the exit port");
		return false;
	case KVM_EXIT_SHUTDOWN:
		errmsg_set(err, "guest died: triple fault (KVM_EXIT_SHUTDOWN)");
		return false;
	case KVM_EXIT_FAIL_ENTRY: {
		uint64_t hw = run->fail_entry.hardware_entry_failure_reason;
		const char *hint = vmexit_fail_entry_hint(hw);

		errmsg_set(err, "guest died: VM entry failed "
			   "(KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx%s%s%s, "
			   "cpu %u)", (unsigned long long)hw,
			   hint ? " (" : "", hint ? hint : "", hint ? ")" : "",
			   run->fail_entry.cpu);
		return false;
	}
	case KVM_EXIT_INTERNAL_ERROR:
		kvm_internal_error(run, err);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		errmsg_set(err, "guest died: system event %u "
			   "(KVM_EXIT_SYSTEM_EVENT)", run->system_event.type);
		return false;
	default:
		errmsg_set(err, "guest died: unhandled exit %s (%u)",
			   vmexit_name(reason), reason);
		return false;
	}
}

int kvm_run_vcpu(struct kvm_vm *vm, struct machine *m, double timeout,
		 enum kvm_outcome *outcome, struct errmsg *err)
{
	struct kvm_signals ks;
	int r, e;

	vm->stop_signal = 0;
	r = kvm_signals_start(vm, timeout, &ks, err);
	if (r < 0)
		return r;
	for (;;) {
		r = ioctl(vm->vcpu_fd, KVM_RUN, 0UL);
		e = errno;
		vm->counts.exits++;
		if (r < 0 && e != EINTR && e != EAGAIN) {
			errmsg_set(err, "guest died: KVM_RUN: %s", strerror(e));
			*outcome = KVM_OUTCOME_DIED;
			break;
		}
		if (r < 0) {
			/* A signal of ours, or one we do not handle (a
			 * stop and continue): run on unless asked to stop. */
			if (kvm_stop_signal == SIGALRM) {
				*outcome = KVM_OUTCOME_TIMEOUT;
				break;
			}
			if (kvm_stop_signal) {
				vm->stop_signal = kvm_stop_signal;
				*outcome = KVM_OUTCOME_SIGNAL;
				break;
			}
			continue;
		}
		if (!kvm_handle_exit(vm, m, err)) {
			*outcome = KVM_OUTCOME_DIED;
			break;
		}
		if (m->stop) {
			*outcome = KVM_OUTCOME_STOPPED;
			break;
		}
	}
	kvm_signals_stop(&ks);
	return 0;
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

void kvm_close(struct kvm_vm *vm)
{
	if (vm->run)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	kvm_init(vm);
}

/* Pulse interrupt line gsi (an edge) on the in-kernel IOAPIC; ctx is
 * the struct kvm_vm (an iothread_set_irq_line function). */
static void kvm_irq_pulse(void *ctx, unsigned gsi)
{
	struct kvm_vm *vm = ctx;
	struct kvm_irq_level l = { .irq = gsi, .level = 1 };

	/* A failure leaves the guest without this interrupt; it can only
	 * mean the VM is gone, which the run loop reports. */
	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) == 0) {
		l.level = 0;
		(void)!ioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
	}
}

unsigned kvm_attach_iothread(struct kvm_vm *vm, struct iothread *io)
{
	struct iothread_ioeventfd ev[IOTHREAD_IOEVENTFDS_MAX];
	struct iothread_irqfd ir[IOTHREAD_DEVS_MAX];
	unsigned nev = iothread_ioeventfds(io, ev, IOTHREAD_IOEVENTFDS_MAX);
	unsigned nir = iothread_irqfds(io, ir, IOTHREAD_DEVS_MAX);
	bool has_ev = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) > 0;
	bool has_ir = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD) > 0;
	unsigned fallbacks = 0;

	for (unsigned i = 0; i < nev; i++) {
		struct kvm_ioeventfd k = {
			.datamatch = ev[i].datamatch, .addr = ev[i].addr,
			.len = ev[i].len, .fd = ev[i].fd,
			.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};
		if (!has_ev || ioctl(vm->vm_fd, KVM_IOEVENTFD, &k) < 0)
			fallbacks++;    /* the notify exits; the bus passes it on */
	}
	for (unsigned i = 0; i < nir; i++) {
		struct kvm_irqfd k = { .fd = (uint32_t)ir[i].fd, .gsi = ir[i].gsi };

		if (has_ir && ioctl(vm->vm_fd, KVM_IRQFD, &k) == 0)
			continue;
		fallbacks++;
		/* Cannot fail: the thread has not started, the GSI is its. */
		(void)iothread_set_irq_line(io, ir[i].gsi, kvm_irq_pulse, vm);
	}
	return fallbacks;
}
