#include "kvm.h"
#include "iothread.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "vmexit.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

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

static const struct kvm_cap kvm_caps[] = {
	KVM_CAP_ENTRY(USER_MEMORY, true),       /* SET_USER_MEMORY_REGION */
	KVM_CAP_ENTRY(IMMEDIATE_EXIT, true),    /* kvm_run.immediate_exit */
};

void kvm_init(struct kvm_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->sys_fd = vm->vm_fd = vm->vcpu_fd = -1;
}

int kvm_ioctl(int fd, unsigned long req, unsigned long arg, const char *name,
	      struct errmsg *err)
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

int kvm_check_cap(struct kvm_vm *vm, const struct kvm_cap *c,
		  struct errmsg *err)
{
	int r = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, (unsigned long)c->cap);

	if (r < 0) {
		r = -errno;
		errmsg_set(err, "%s: KVM_CHECK_EXTENSION %s: %s", vm->path,
			   c->name, strerror(-r));
		return r;
	}
	if (r == 0 && c->required) {
		errmsg_set(err, "%s: KVM lacks %s", vm->path, c->name);
		return -ENOTSUP;
	}
	return r;
}

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
		r = kvm_check_cap(vm, c, err);
		if (r < 0)
			return r;
	}
	return kvm_arch_open(vm, err);
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
	void *run;
	int r;

	r = KVM_IOCTL(vm->sys_fd, KVM_CREATE_VM, 0, err);
	if (r < 0)
		return r;
	vm->vm_fd = r;
	/*
	 * RAM first: on KVM PVM registering it costs 7 to 10 ms once the
	 * irqchip and PIT exist, and 0.1 ms before them.
	 */
	r = KVM_IOCTL(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region, err);
	if (r < 0)
		return r;
	r = kvm_arch_setup_vm(vm, err);
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
	return kvm_arch_setup_vcpu(vm, entry, start_info, err);
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
		   vmexit_internal_error_name(run->internal.suberror),
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
