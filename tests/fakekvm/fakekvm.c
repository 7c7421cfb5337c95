/*
 * A fake KVM device for tests/system/fakekvm.sh: an LD_PRELOAD shim
 * (make builds it as build/tests/fakekvm.so) that makes open() of
 * $FAKEKVM_PATH return a stand-in fd, answers the KVM ioctls on it and
 * on the VM and vCPU fds the way the KVM API documents them, checks how
 * ./vmm calls them (order, arguments, register values, the boot
 * structures in guest RAM) and plays the exits of scenario
 * $FAKEKVM_SCENARIO through KVM_RUN. A call it does not expect fails
 * with EINVAL and a "fakekvm: " line on stderr, so the monitor reports
 * it and the script sees the failure.
 *
 * Environment: FAKEKVM_PATH, FAKEKVM_SCENARIO (exit0 unless set),
 * FAKEKVM_ENTRY and FAKEKVM_CMDLINE (what the vCPU and the start info
 * must hold), FAKEKVM_MEM (the RAM size), FAKEKVM_READY (a file that
 * becomes non-empty when a spinning guest may be signalled), and for
 * scenario vid
 * FAKEKVM_WINDOW, FAKEKVM_DEVID, FAKEKVM_NIOEV and FAKEKVM_NIRQ.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_exit.h"

#define RUN_SIZE (3 * 4096)
#define PIO_OFF 4096

static int sys_fd = -1, vm_fd = -1, vcpu_fd = -1;
static int irqchip, pit, memslot, cpuid_set, sregs_set, regs_set, ident;
static int tsc_told;    /* CPUID 0x40000010 given: no PIT wanted */
static int ioeventfds, irqfds;          /* --disk: registered with KVM */
static uint64_t misc_enable = 0x1800;   /* KVM: BTS, PEBS unavailable */
static struct kvm_run *run;
static uint8_t *ram;
static uint64_t ram_size;
static struct kvm_regs regs;
static struct kvm_sregs sregs = { .apic_base = 0xfee00900 };
static int step;

static const char *env(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v ? v : dflt;
}

static int bad(const char *what)
{
	fprintf(stderr, "fakekvm: %s\n", what);
	errno = EINVAL;
	return -1;
}

static int fake_open(const char *path)
{
	static int (*real)(const char *, int, ...);

	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	sys_fd = real("/dev/null", O_RDWR | O_CLOEXEC);
	(void)path;
	return sys_fd;
}

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	mode_t mode = 0;
	va_list ap;

	if (!real)
		real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strcmp(path, env("FAKEKVM_PATH", "")) == 0)
		return fake_open(path);
	return real(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open(path, flags, mode);
}

static int new_fd(void)
{
	return dup(sys_fd);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);

	if (!real)
		real = (void *(*)(void *, size_t, int, int, int, off_t))
			dlsym(RTLD_NEXT, "mmap");
	if (fd >= 0 && fd == vcpu_fd) {
		if (len != RUN_SIZE || off != 0 || !(flags & MAP_SHARED) ||
		    prot != (PROT_READ | PROT_WRITE)) {
			bad("mmap of the vCPU: wrong size, offset or flags");
			return MAP_FAILED;
		}
		run = real(NULL, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		return run;
	}
	return real(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

static int check_sregs(const void *arg)
{
	const struct kvm_sregs *s = arg;

	if (s->cs.selector != 8 || s->cs.type != 0xb || !s->cs.s ||
	    !s->cs.present || !s->cs.db || !s->cs.g || s->cs.l ||
	    s->cs.limit != 0xffffffff || s->cs.base != 0 || s->cs.dpl)
		return bad("KVM_SET_SREGS: CS is not flat 32-bit code");
	if (s->ss.selector != 0x10 || s->ss.type != 3 || !s->ss.db ||
	    s->ds.type != 3 || s->es.type != 3 || s->ss.limit != 0xffffffff)
		return bad("KVM_SET_SREGS: data segments are not flat");
	if (s->tr.type != 0xb || !s->tr.present || s->tr.s ||
	    s->tr.limit != 0x67 || s->tr.base != 0)
		return bad("KVM_SET_SREGS: TR is not a busy 32-bit TSS");
	if (!s->ldt.unusable)
		return bad("KVM_SET_SREGS: LDT usable");
	if (s->cr0 != 0x11 || s->cr4 || s->efer || s->cr3)
		return bad("KVM_SET_SREGS: CR0/CR3/CR4/EFER");
	if (s->apic_base != 0xfee00900)
		return bad("KVM_SET_SREGS: apic_base changed");
	if (s->gdt.base != 0x1100 || s->gdt.limit != 31)
		return bad("KVM_SET_SREGS: GDT");
	return 0;
}

static int check_regs(const void *arg)
{
	const struct kvm_regs *r = arg;
	uint64_t entry = strtoull(env("FAKEKVM_ENTRY", "0"), NULL, 0);
	const char *cmdline = env("FAKEKVM_CMDLINE", "");
	uint32_t magic;

	if (r->rip != entry || r->rbx != 0x1000 || r->rflags != 2)
		return bad("KVM_SET_REGS: rip, rbx or rflags");
	if (!ram || r->rip >= ram_size || r->rbx + 56 > ram_size)
		return bad("KVM_SET_REGS: no RAM behind rip or rbx");
	memcpy(&magic, ram + r->rbx, 4);
	if (magic != 0x336ec578)
		return bad("start info: bad magic");
	if (strcmp((const char *)ram + 0x2000, cmdline) != 0)
		return bad("start info: command line differs");
	if (ram[r->rip] != 0xb0)
		return bad("kernel code not loaded at the entry");
	return 0;
}

/* KVM_GET_REGS and the like: the vCPU's state into the caller's struct. */
static int get_state(int fd, unsigned long arg, const void *state,
		     size_t size, const char *name)
{
	if (fd != vcpu_fd)
		return bad(name);
	memcpy((void *)arg, state, size);
	return 0;
}

/* KVM_SET_REGS and the like: the caller's struct, if check passes it,
 * becomes the vCPU's state, and *done says it was set. */
static int set_state(int fd, unsigned long arg, void *state, size_t size,
		     int (*check)(const void *), int *done, const char *name)
{
	if (fd != vcpu_fd)
		return bad(name);
	if (check((const void *)arg) < 0)
		return -1;
	memcpy(state, (const void *)arg, size);
	*done = 1;
	return 0;
}

/* A port I/O exit; OUT data from data, IN data 0x5a until the monitor
 * writes it. */
static void io(uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
	       const void *data)
{
	kvm_exit_io(run, dir, port, size, count, PIO_OFF);
	if (dir == KVM_EXIT_IO_OUT)
		memcpy((uint8_t *)run + PIO_OFF, data, (size_t)size * count);
	else
		memset((uint8_t *)run + PIO_OFF, 0x5a, (size_t)size * count);
}

static void out_exit(uint8_t status)
{
	io(KVM_EXIT_IO_OUT, 0xf4, 1, 1, &status);
}

/* $FAKEKVM_READY, opened with the vCPU: the monitor is under its
 * seccomp filter, which allows no open, by the time the guest runs. */
static int ready_fd = -1;

/* The guest runs until a signal arrives (in KVM_RUN, as a real vCPU
 * waits in the kernel; in poll, a call the filter allows, with the
 * monitor's stop signals unblocked on this thread); a byte in
 * $FAKEKVM_READY tells the test script when it may send one. */
static int spin(void)
{
	if (ready_fd >= 0)
		(void)!write(ready_fd, "1", 1);
	poll(NULL, 0, -1);
	errno = EINTR;
	return -1;
}

/* One KVM_RUN of the scenario in $FAKEKVM_SCENARIO. */
static int kvm_run_step(void)
{
	const char *sc = env("FAKEKVM_SCENARIO", "exit0");
	int s = step++;

	if (run->immediate_exit) {
		errno = EINTR;
		return -1;
	}
	if (!strcmp(sc, "exit0") || !strcmp(sc, "amd") ||
	    !strcmp(sc, "msr_none") || !strcmp(sc, "notsc")) {
		out_exit(0);
	} else if (!strcmp(sc, "hello42")) {
		uint32_t v = 42;
		if (s == 0)
			io(KVM_EXIT_IO_OUT, 0x3f8, 1, 3, "hi\n");
		else if (s == 1)
			io(KVM_EXIT_IO_OUT, 0xf4, 4, 1, &v);
		else
			return bad("KVM_RUN after the exit port");
	} else if (!strcmp(sc, "in_lsr")) {
		if (s == 0)
			io(KVM_EXIT_IO_IN, 0x3fd, 1, 1, NULL);
		else
			out_exit(((uint8_t *)run)[PIO_OFF] == 0x60 ? 0 : 99);
	} else if (!strcmp(sc, "mmio") || !strcmp(sc, "vid")) {
		/* A dword read at 0xfeb00000: all ones unclaimed. vid: the
		 * device ID of window FAKEKVM_WINDOW is FAKEKVM_DEVID, and
		 * the I/O thread's fds were given to KVM (FAKEKVM_NIOEV
		 * queue ioeventfds, FAKEKVM_NIRQ irqfds). */
		int vid = sc[0] == 'v';
		uint32_t v, want = vid ?
				   (uint32_t)atoi(env("FAKEKVM_DEVID", "0")) :
				   0xffffffff;
		if (s == 0) {
			kvm_exit_mmio(run, 0xfeb00000 + (vid ? 8 + 0x1000 *
				      atoi(env("FAKEKVM_WINDOW", "0")) : 0),
				      4, 0, 0);
		} else {
			memcpy(&v, run->mmio.data, 4);
			out_exit(v != want ? 98 : vid &&
				 (ioeventfds != atoi(env("FAKEKVM_NIOEV", "0")) ||
				  irqfds != atoi(env("FAKEKVM_NIRQ", "0"))) ?
				 96 : 0);
		}
	} else if (!strcmp(sc, "unclaimed")) {
		uint8_t b = 1;
		if (s < 3)
			io(KVM_EXIT_IO_OUT, 0x80, 1, 1, &b);
		else if (s == 3)
			io(KVM_EXIT_IO_IN, 0x80, 1, 1, NULL);
		else
			out_exit(((uint8_t *)run)[PIO_OFF] == 0xff ? 0 : 97);
	} else if (!strcmp(sc, "shutdown")) {
		regs.rip = 0x100abc;
		run->exit_reason = KVM_EXIT_SHUTDOWN;
	} else if (!strcmp(sc, "internal")) {
		run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		run->internal.ndata = 2;
		run->internal.data[0] = 0x1234;
		run->internal.data[1] = 0x5678;
	} else if (!strcmp(sc, "fail_entry")) {
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = 0x80000021;
	} else if (!strcmp(sc, "hlt")) {
		run->exit_reason = KVM_EXIT_HLT;
	} else if (!strcmp(sc, "unknown")) {
		run->exit_reason = 4242;
	} else if (!strcmp(sc, "badio")) {
		io(KVM_EXIT_IO_OUT, 0x3f8, 3, 1, "abc");
	} else if (!strcmp(sc, "spin")) {
		return spin();
	} else if (!strcmp(sc, "partial_spin")) {
		/* Output without a newline, then nothing. */
		if (s == 0)
			io(KVM_EXIT_IO_OUT, 0x3f8, 1, 3, "abc");
		else
			return spin();
	} else if (!strcmp(sc, "rep_exit")) {
		/* rep outsb of three statuses to the exit port. */
		if (s == 0)
			io(KVM_EXIT_IO_OUT, 0xf4, 1, 3, "\x07\x09\x0b");
		else
			return bad("KVM_RUN after the exit port");
	} else if (!strcmp(sc, "ins")) {
		/* rep insb of four LSR reads. */
		if (s == 0) {
			io(KVM_EXIT_IO_IN, 0x3fd, 1, 4, NULL);
			((uint8_t *)run)[PIO_OFF + 4] = 0x77;
		} else {
			const uint8_t *d = (uint8_t *)run + PIO_OFF;
			out_exit(d[0] == 0x60 && d[3] == 0x60 &&
				 d[4] == 0x77 ? 0 : 96);
		}
	} else if (!strcmp(sc, "hugeio")) {
		kvm_exit_io(run, KVM_EXIT_IO_IN, 0x3f8, 4, 0x40000000, PIO_OFF);
	} else if (!strcmp(sc, "badoff")) {
		io(KVM_EXIT_IO_OUT, 0x3f8, 1, 1, "x");
		run->io.data_offset = ~0ull;
	} else if (!strcmp(sc, "eintr")) {
		/* Interruptions that are not ours: the run goes on. */
		if (s == 0 || s == 1) {
			errno = s == 0 ? EINTR : EAGAIN;
			return -1;
		}
		out_exit(5);
	} else if (!strcmp(sc, "fail_svm")) {
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = 0xffffffff;
	} else if (!strcmp(sc, "efault")) {
		errno = EFAULT;
		return -1;
	} else {
		return bad("unknown scenario");
	}
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	const char *sc = env("FAKEKVM_SCENARIO", "exit0");
	unsigned long arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	if (fd < 0 || (fd != sys_fd && fd != vm_fd && fd != vcpu_fd))
		return real(fd, req, arg);

	switch (req) {
	case KVM_GET_API_VERSION:
		return fd != sys_fd ? bad("API version on a non-system fd") :
		       !strcmp(sc, "api11") ? 11 : 12;
	case KVM_CHECK_EXTENSION:
		if (!strcmp(sc, "nocap") && arg == KVM_CAP_IMMEDIATE_EXIT)
			return 0;
		if (!strcmp(sc, "amd") && (arg == KVM_CAP_SET_TSS_ADDR ||
					   arg == KVM_CAP_SET_IDENTITY_MAP_ADDR))
			return 0;
		if (!strcmp(sc, "notsc") && arg == KVM_CAP_GET_TSC_KHZ)
			return 0;
		return 1;
	case KVM_CREATE_VM:
		if (fd != sys_fd || arg != 0)
			return bad("KVM_CREATE_VM");
		return vm_fd = new_fd();
	case KVM_SET_IDENTITY_MAP_ADDR:
		/* _IOW: a pointer to the u64 address, not the address. */
		if (fd != vm_fd || vcpu_fd >= 0 || !strcmp(sc, "amd") ||
		    arg < 4096 || *(const uint64_t *)arg != 0xfffbc000)
			return bad("KVM_SET_IDENTITY_MAP_ADDR");
		ident = 1;
		return 0;
	case KVM_SET_TSS_ADDR:
		if (fd != vm_fd || arg != 0xfffbd000 || vcpu_fd >= 0 ||
		    !strcmp(sc, "amd"))
			return bad("KVM_SET_TSS_ADDR");
		return 0;
	case KVM_IOEVENTFD: {   /* QueueNotify of window n, queue 0..3 */
		const struct kvm_ioeventfd *e = (const void *)arg;
		uint64_t n = (e->addr - 0xfeb00050) / 0x1000;
		if (fd != vm_fd || e->addr < 0xfeb00050 || n >= 8 ||
		    e->addr != 0xfeb00050 + 0x1000 * n || e->len != 4 ||
		    e->datamatch > 3 || e->fd < 0 ||
		    e->flags != KVM_IOEVENTFD_FLAG_DATAMATCH)
			return bad("KVM_IOEVENTFD");
		ioeventfds++;
		return 0;
	}
	case KVM_IRQFD: {       /* window n: GSI 5 + n */
		const struct kvm_irqfd *q = (const void *)arg;
		if (fd != vm_fd || q->gsi < 5 || q->gsi >= 13 ||
		    (int)q->fd < 0 || q->flags)
			return bad("KVM_IRQFD");
		irqfds++;
		return 0;
	}
	case KVM_CREATE_IRQCHIP:
		if (fd != vm_fd || vcpu_fd >= 0)
			return bad("KVM_CREATE_IRQCHIP after the vCPU");
		irqchip = 1;
		return 0;
	case KVM_CREATE_PIT2: {
		const struct kvm_pit_config *c = (const void *)arg;
		if (fd != vm_fd || !irqchip)
			return bad("KVM_CREATE_PIT2 before KVM_CREATE_IRQCHIP");
		if (pit || tsc_told)
			return bad("KVM_CREATE_PIT2 twice, or with the timing "
				   "leaf given");
		if (c->flags != KVM_PIT_SPEAKER_DUMMY)
			return bad("KVM_CREATE_PIT2 flags");
		pit = 1;
		return 0;
	}
	case KVM_SET_USER_MEMORY_REGION: {
		const struct kvm_userspace_memory_region *m = (const void *)arg;
		uint64_t want = strtoull(env("FAKEKVM_MEM", "0"), NULL, 0);
		if (fd != vm_fd || m->slot != 0 || m->flags ||
		    m->guest_phys_addr != 0 || m->memory_size != want ||
		    (m->userspace_addr & 4095) || !m->userspace_addr)
			return bad("KVM_SET_USER_MEMORY_REGION");
		ram = (uint8_t *)(uintptr_t)m->userspace_addr;
		ram_size = m->memory_size;
		memslot = 1;
		return 0;
	}
	case KVM_GET_VCPU_MMAP_SIZE:
		return fd != sys_fd ? bad("KVM_GET_VCPU_MMAP_SIZE") : RUN_SIZE;
	case KVM_CREATE_VCPU:
		if (fd != vm_fd || arg != 0 || !irqchip || !memslot)
			return bad("KVM_CREATE_VCPU too early or not vCPU 0");
		if (!ident && strcmp(sc, "amd"))
			return bad("KVM_CREATE_VCPU before "
				   "KVM_SET_IDENTITY_MAP_ADDR (Intel needs it)");
		if (getenv("FAKEKVM_READY"))
			ready_fd = open(getenv("FAKEKVM_READY"), O_WRONLY |
					O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		return vcpu_fd = new_fd();
	case KVM_GET_SUPPORTED_CPUID: {
		struct kvm_cpuid2 *c = (void *)arg;
		if (fd != sys_fd)
			return bad("KVM_GET_SUPPORTED_CPUID on a non-system fd");
		if (c->nent < 200) {    /* make the monitor grow its table */
			errno = E2BIG;
			return -1;
		}
		c->nent = 3;
		memset(c->entries, 0, 3 * sizeof(c->entries[0]));
		c->entries[0].function = 0;
		c->entries[0].eax = 0xd;
		c->entries[1].function = 1;
		c->entries[1].ecx = 1u << 21 | 1u << 17;        /* x2APIC, PCID */
		c->entries[2].function = 0x40000000;
		c->entries[2].ebx = 0x4b4d564b;
		return 0;
	}
	case KVM_GET_STATS_FD:  /* as a KVM older than Linux 5.14 */
		errno = ENOTTY;
		return -1;
	case KVM_GET_TSC_KHZ:
		if (fd != vcpu_fd || !strcmp(sc, "notsc"))
			return bad("KVM_GET_TSC_KHZ");
		return 2600000;
	case KVM_SET_CPUID2: {
		const struct kvm_cpuid2 *c = (const void *)arg;
		/* The timing leaf 0x40000010: TSC and LAPIC timer kHz,
		 * unless KVM could not tell the TSC rate. */
		unsigned want = strcmp(sc, "notsc") ? 4 : 3;
		if (fd != vcpu_fd || c->nent != want ||
		    c->entries[1].function != 1 ||
		    !(c->entries[1].ecx & 1u << 31) ||
		    (c->entries[1].ecx & (1u << 21 | 1u << 17)) ||
		    c->entries[2].ebx != 0x4b4d564b)
			return bad("KVM_SET_CPUID2: table not filtered as expected");
		if (want == 4 && (c->entries[2].eax != 0x40000010 ||
				  c->entries[3].function != 0x40000010 ||
				  c->entries[3].eax != 2600000 ||
				  c->entries[3].ebx != 1000000))
			return bad("KVM_SET_CPUID2: no timing leaf");
		tsc_told = want == 4;
		cpuid_set = 1;
		return 0;
	}
	case KVM_GET_SREGS:
		return get_state(fd, arg, &sregs, sizeof sregs, "KVM_GET_SREGS");
	case KVM_SET_SREGS:
		if (!cpuid_set)
			return bad("KVM_SET_SREGS before KVM_SET_CPUID2");
		return set_state(fd, arg, &sregs, sizeof sregs, check_sregs,
				 &sregs_set, "KVM_SET_SREGS");
	case KVM_GET_REGS:
		return get_state(fd, arg, &regs, sizeof regs, "KVM_GET_REGS");
	case KVM_SET_REGS:
		return set_state(fd, arg, &regs, sizeof regs, check_regs,
				 &regs_set, "KVM_SET_REGS");
	case KVM_GET_MSRS:
	case KVM_SET_MSRS: {
		struct kvm_msrs *m = (void *)arg;
		int get = req == KVM_GET_MSRS;
		if (fd != vcpu_fd || !cpuid_set || m->nmsrs != 1 ||
		    m->entries[0].index != 0x1a0)
			return bad("KVM_GET/SET_MSRS: not IA32_MISC_ENABLE "
				   "on a vCPU with its CPUID");
		if (get && !strcmp(sc, "msr_none"))
			return 0;       /* KVM cannot read it */
		if (!get && !strcmp(sc, "msr_none"))
			return bad("KVM_SET_MSRS after a failed read");
		if (get) {
			m->entries[0].data = misc_enable;
			return 1;
		}
		if (m->entries[0].data != 0x1801)
			return bad("KVM_SET_MSRS: not fast strings on KVM's "
				   "value");
		if (!strcmp(sc, "msr_refused"))
			return 0;
		misc_enable = m->entries[0].data;
		return 1;
	}
	case KVM_RUN:
		if (fd != vcpu_fd || !run || !cpuid_set || !sregs_set ||
		    !regs_set)
			return bad("KVM_RUN before the vCPU is set up");
		if (pit == tsc_told)
			return bad(pit ? "a PIT as well as the timing leaf" :
				   "neither a PIT nor the timing leaf");
		if (misc_enable != 0x1801 && strcmp(sc, "msr_none"))
			return bad("KVM_RUN without fast strings");
		return kvm_run_step();
	}
	return bad("unexpected ioctl");
}
