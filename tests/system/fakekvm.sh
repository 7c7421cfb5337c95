#!/usr/bin/env bash
# The monitor's KVM driver against a fake KVM device: an LD_PRELOAD shim,
# built here at run time, that answers the KVM ioctls the way the KVM API
# documents them, checks how ./vmm calls them (order, arguments, register
# values, the boot structures in guest RAM) and plays scripted exits
# through KVM_RUN. It checks the monitor's use of the API and its run
# loop (I/O, MMIO, timeout signal, deaths), not KVM itself: that takes a
# real /dev/kvm (see cli.sh). One line per case: ok / not ok / skip.
cd "$(dirname "$0")/../.." || exit 1
set -u

VMM=${VMM:-./vmm}
failed=0
tmp=$(mktemp -d /tmp/vmm-fakekvm.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "ok - fake KVM: $1"; }
fail() { echo "not ok - fake KVM: $1"; shift; for l in "$@"; do echo "#   $l"; done; failed=1; }

if [[ ! -x $VMM ]]; then
	echo "not ok - fake KVM: $VMM is not built"
	exit 1
fi
if ! command -v "${HOSTCC:-cc}" >/dev/null; then
	echo "skip - fake KVM: no C compiler"
	exit 0
fi

cat >"$tmp/fakekvm.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

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

static int check_sregs(const struct kvm_sregs *s)
{
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

static int check_regs(const struct kvm_regs *r)
{
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

static void io(uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
	       const void *data)
{
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = dir;
	run->io.port = port;
	run->io.size = size;
	run->io.count = count;
	run->io.data_offset = PIO_OFF;
	if (dir == KVM_EXIT_IO_OUT)
		memcpy((uint8_t *)run + PIO_OFF, data, (size_t)size * count);
	else
		memset((uint8_t *)run + PIO_OFF, 0x5a, (size_t)size * count);
}

static void out_exit(uint8_t status)
{
	io(KVM_EXIT_IO_OUT, 0xf4, 1, 1, &status);
}

/* The guest runs until a signal arrives; $FAKEKVM_READY tells the
 * test script when it may send one. */
static int spin(void)
{
	const char *ready = getenv("FAKEKVM_READY");
	sigset_t none;
	FILE *f;

	if (ready && (f = fopen(ready, "w")))
		fclose(f);
	sigemptyset(&none);
	sigsuspend(&none);
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
		uint32_t v, want = vid ? atoi(env("FAKEKVM_DEVID", "0")) :
				   0xffffffff;
		if (s == 0) {
			run->exit_reason = KVM_EXIT_MMIO;
			run->mmio.phys_addr = 0xfeb00000 + (vid ? 8 +
				0x200 * atoi(env("FAKEKVM_WINDOW", "0")) : 0);
			run->mmio.len = 4;
			run->mmio.is_write = 0;
			memset(run->mmio.data, 0, 8);
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
		run->exit_reason = KVM_EXIT_IO;
		run->io.direction = KVM_EXIT_IO_IN;
		run->io.port = 0x3f8;
		run->io.size = 4;
		run->io.count = 0x40000000;
		run->io.data_offset = PIO_OFF;
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
	case KVM_IOEVENTFD: {   /* QueueNotify of window n, queue 0 or 1 */
		const struct kvm_ioeventfd *e = (const void *)arg;
		uint64_t n = (e->addr - 0xfeb00050) / 0x200;
		if (fd != vm_fd || e->addr < 0xfeb00050 || n >= 8 ||
		    e->addr != 0xfeb00050 + 0x200 * n || e->len != 4 ||
		    e->datamatch > 1 || e->fd < 0 ||
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
		if (fd != vcpu_fd)
			return bad("KVM_GET_SREGS");
		memcpy((void *)arg, &sregs, sizeof(sregs));
		return 0;
	case KVM_SET_SREGS:
		if (fd != vcpu_fd || !cpuid_set)
			return bad("KVM_SET_SREGS before KVM_SET_CPUID2");
		if (check_sregs((const void *)arg) < 0)
			return -1;
		memcpy(&sregs, (const void *)arg, sizeof(sregs));
		sregs_set = 1;
		return 0;
	case KVM_GET_REGS:
		if (fd != vcpu_fd)
			return bad("KVM_GET_REGS");
		memcpy((void *)arg, &regs, sizeof(regs));
		return 0;
	case KVM_SET_REGS:
		if (fd != vcpu_fd || check_regs((const void *)arg) < 0)
			return -1;
		memcpy(&regs, (const void *)arg, sizeof(regs));
		regs_set = 1;
		return 0;
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
CEOF
if ! "${HOSTCC:-cc}" -shared -fPIC -O1 -Wall -o "$tmp/fakekvm.so" \
	"$tmp/fakekvm.c" -ldl 2>"$tmp/cc.err"; then
	fail "shim builds" "$(head -5 "$tmp/cc.err")"
	exit 1
fi

# The crafted kernel of cli.sh: mov al,0; out 0xf4,al; hlt at its entry.
le() {
	local v=$1 n=$2 i out=""
	for ((i = 0; i < n; i++)); do
		out+=$(printf '%02x' $(((v >> (8 * i)) & 255)))
	done
	printf '%s' "$out"
}
codeoff=$((64 + 2 * 56 + 20))
filesz=$((codeoff + 5))
ENTRY=$((0x100000 + codeoff))
hex="7f454c46020101000000000000000000$(le 2 2)$(le 0x3e 2)$(le 1 4)"
hex+="$(le $ENTRY 8)$(le 64 8)$(le 0 8)$(le 0 4)$(le 64 2)$(le 56 2)"
hex+="$(le 2 2)$(le 0 2)$(le 0 2)$(le 0 2)"
hex+="$(le 1 4)$(le 5 4)$(le 0 8)$(le 0x100000 8)$(le 0x100000 8)"
hex+="$(le $filesz 8)$(le $filesz 8)$(le 0x1000 8)"
hex+="$(le 4 4)$(le 4 4)$(le 176 8)$(le 0 8)$(le 0 8)$(le 20 8)$(le 20 8)"
hex+="$(le 4 8)$(le 4 4)$(le 4 4)$(le 18 4)58656e00$(le $ENTRY 4)b000e6f4f4"
printf '%b' "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$tmp/k.elf"

# fake NAME SCENARIO STATUS STDOUT STDERR-PATTERN [ARGS...] [-- WORDS]
fake() {
	local name=$1 sc=$2 want=$3 out=$4 pat=$5 status mem=$((128 << 20))
	shift 5
	local a
	for a in "$@"; do
		[[ $a == 4M ]] && mem=$((4 << 20))
	done
	FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=$sc FAKEKVM_ENTRY=$ENTRY \
	FAKEKVM_MEM=$mem FAKEKVM_CMDLINE=${CMDLINE:-} \
	LD_PRELOAD=$tmp/fakekvm.so ${NETNS:+unshare -n} "$VMM" --kvm "$tmp/kvm" \
		${CONS:---no-console} "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	if [[ $status -ne $want ]]; then
		fail "$name" "exit $status, wanted $want" "$(head -12 "$tmp/err")"
	elif [[ $(cat "$tmp/out") != "$out" ]]; then
		fail "$name" "stdout '$(cat "$tmp/out")', wanted '$out'"
	elif [[ -n $pat ]] && ! grep -qE -- "$pat" "$tmp/err"; then
		fail "$name" "stderr lacks /$pat/" "$(head -12 "$tmp/err")"
	elif [[ -z $pat && -s $tmp/err ]]; then
		fail "$name" "unexpected stderr" "$(head -5 "$tmp/err")"
	else
		pass "$name"
	fi
}

K=$tmp/k.elf
fake "setup and exit 0" exit0 0 "" "" "$K"
fake "no TSC rate from KVM: a PIT instead of the timing leaf" notsc 0 "" "" "$K"
fake "--kvm-stats on a KVM without statistics: said, status kept" hello42 42 \
	"hi" '^vmm: kvm-stats: KVM_GET_STATS_FD: .*\(KVM before Linux 5\.14\?\)$' \
	--kvm-stats "$K"
fake "--mem 4M reaches the memory slot" exit0 0 "" "" --mem 4M "$K"
CMDLINE="console=ttyS0 a=b" fake "command line in guest RAM" exit0 0 "" "" \
	"$K" -- console=ttyS0 a=b
fake "UART string output, dword exit status" hello42 42 "hi" "" "$K"
fake "port read of LSR" in_lsr 0 "" "" "$K"
fake "unclaimed MMIO reads all ones" mmio 0 "" "" "$K"
truncate -s 1M "$tmp/disk.img"
W0="virtio_mmio.device=512@0xfeb00000:5"
W1="virtio_mmio.device=512@0xfeb00200:6"
W2="virtio_mmio.device=512@0xfeb00400:7"
# devid NAME WINDOW ID NIOEV NIRQ ARGS...: window WINDOW holds device ID.
devid() {
	local name=$1
	FAKEKVM_WINDOW=$2 FAKEKVM_DEVID=$3 FAKEKVM_NIOEV=$4 FAKEKVM_NIRQ=$5 \
		fake "$name" vid 0 "" "" "${@:6}"
}
CMDLINE=$W0 devid "--disk: virtio-blk at 0xfeb00000" 0 2 1 1 \
	--disk "$tmp/disk.img" "$K"
CMDLINE="a=b $W0" \
	fake "--disk: announced on the command line as QEMU does" exit0 0 "" "" \
	--disk "$tmp/disk.img" "$K" -- a=b
CONS=" " CMDLINE=$W0 devid "the console is device 0 by default" 0 3 2 1 "$K"
CONS=" " CMDLINE="$W0 $W1" devid "--disk, then the console" 1 3 3 2 \
	--disk "$tmp/disk.img" "$K"
# --net: a TAP device made in a network namespace of the run's own.
if [[ $(id -u) = 0 && -c /dev/net/tun ]] && unshare -n true 2>/dev/null; then
	NETNS=1 CONS=" " CMDLINE="$W0 $W1 $W2" devid \
		"--disk, --net, console: the net device" 1 1 5 3 \
		--disk "$tmp/disk.img" --net tap=uk0 "$K"
	NETNS=1 CMDLINE=$W0 devid "--net alone is device 0" 0 1 2 1 \
		--net tap=uk0,mac=52:54:00:12:34:56 "$K"
else
	echo "skip - fake KVM: --net (not root, no /dev/net/tun or no unshare -n)"
fi
fake "--serial: the UART to a file" hello42 42 "" "" --serial "$tmp/log" "$K"
if [[ $(cat "$tmp/log") == hi ]]; then
	pass "--serial: the file holds the UART's output"
else
	fail "--serial: the file holds the UART's output" "$(cat "$tmp/log")"
fi
fake "unclaimed port reads all ones" unclaimed 0 "" "" "$K"
fake "-v reports exits and ports once" unclaimed 0 "" \
	"unclaimed port 0x80" -v "$K"
if [[ $(grep -c "write of 0x1 to unclaimed port 0x80" "$tmp/err") == 1 &&
      $(grep -c "exit KVM_EXIT_IO (2)" "$tmp/err") == 1 ]]; then
	pass "-v lines are not repeated"
else
	fail "-v lines are not repeated" "$(cat "$tmp/err")"
fi
fake "triple fault" shutdown 1 "" \
	"^vmm: guest died: triple fault \(KVM_EXIT_SHUTDOWN\)" "$K"
if grep -q "^vmm:   rip 0000000000100abc" "$tmp/err" &&
   grep -q "^vmm:   cr0 0000000000000011" "$tmp/err" &&
   grep -q "cs 0008" "$tmp/err"; then
	pass "death prints the registers"
else
	fail "death prints the registers" "$(cat "$tmp/err")"
fi
fake "internal error" internal 1 "" \
	"KVM internal error, suberror 1 \(emulation failure\), data 1234 5678" "$K"
fake "failed entry (VMX)" fail_entry 1 "" \
	"KVM_EXIT_FAIL_ENTRY, hardware reason 0x80000021 \(VMX: invalid guest state\)" "$K"
fake "failed entry (SVM)" fail_svm 1 "" \
	"hardware reason 0xffffffff \(SVM: VMRUN rejected the guest state\)" "$K"
if grep -q "^vmm:   ss 0010 base 0 limit ffffffff type 3 s 1 dpl 0 p 1 db 1 l 0 g 1$" "$tmp/err" &&
   grep -q "^vmm:   tr 0018 base 0 limit 67 type b s 0 dpl 0 p 1 db 0 l 0 g 0$" "$tmp/err" &&
   grep -q "^vmm:   ldt 0000 .* unusable$" "$tmp/err"; then
	pass "failed entry prints every segment"
else
	fail "failed entry prints every segment" "$(cat "$tmp/err")"
fi
fake "halt" hlt 1 "" "halted \(KVM_EXIT_HLT\)" "$K"
fake "unknown exit" unknown 1 "" "unhandled exit unknown \(4242\)" "$K"
fake "malformed I/O exit" badio 1 "" "malformed KVM_EXIT_IO" "$K"
fake "huge string I/O count" hugeio 1 "" \
	"malformed KVM_EXIT_IO \(port 0x3f8, size 4, count 1073741824\)" "$K"
fake "I/O data outside the run area" badoff 1 "" "malformed KVM_EXIT_IO" "$K"
fake "string output to the exit port: the first status wins" rep_exit 7 "" "" "$K"
fake "string input fills count * size bytes" ins 0 "" "" "$K"
fake "EINTR and EAGAIN from KVM_RUN: the run goes on" eintr 5 "" "" "$K"
fake "AMD: no TSS or identity map address" amd 0 "" "" "$K"
fake "IA32_MISC_ENABLE unreadable: left alone" msr_none 0 "" "" "$K"
fake "IA32_MISC_ENABLE refused" msr_refused 1 "" \
	"^vmm: KVM_SET_MSRS: KVM refused IA32_MISC_ENABLE = 0x1801$" "$K"
fake "KVM_RUN error" efault 1 "" "KVM_RUN: Bad address" "$K"
fake "timeout" spin 124 "" "^vmm: timeout after 0.3 s$" --timeout 0.3 "$K"
fake "timeout writes out a partial line" partial_spin 124 "abc" \
	"^vmm: timeout after 0.2 s$" --timeout 0.2 "$K"

# signal CASE SIGNAL STATUS STDERR-PATTERN: run partial_spin (with the
# console, so the I/O thread runs), send the signals (space-separated)
# once the guest spins, check status and output.
signal_case() {
	local name=$1 sigs=$2 want=$3 pat=$4 pid status i sig
	rm -f "$tmp/ready"
	FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=partial_spin \
	FAKEKVM_ENTRY=$ENTRY FAKEKVM_MEM=$((128 << 20)) \
	FAKEKVM_READY=$tmp/ready FAKEKVM_CMDLINE=$W0 \
	LD_PRELOAD=$tmp/fakekvm.so \
		"$VMM" --kvm "$tmp/kvm" --timeout 20 "$K" \
		>"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[[ -e $tmp/ready ]] && break
		sleep 0.05
	done
	{       # without bash's "Hangup" job notice on stderr
		for sig in $sigs; do
			kill -"$sig" "$pid"
			sleep 0.1
		done
		wait "$pid"
	} 2>/dev/null
	status=$?
	if [[ $status -ne $want ]]; then
		fail "$name" "exit $status, wanted $want" "$(head -5 "$tmp/err")"
	elif [[ $(cat "$tmp/out") != abc ]]; then
		fail "$name" "stdout '$(cat "$tmp/out")', wanted 'abc'"
	elif ! grep -qE -- "$pat" "$tmp/err"; then
		fail "$name" "stderr lacks /$pat/" "$(head -5 "$tmp/err")"
	else
		pass "$name"
	fi
}
signal_case "SIGTERM writes out a partial line, dies of SIGTERM" TERM 143 \
	"^vmm: stopped by SIGTERM$"
signal_case "SIGHUP likewise" HUP 129 "^vmm: stopped by SIGHUP$"
# Background jobs of a script start with SIGINT ignored; it stays so.
signal_case "an ignored SIGINT stays ignored" "INT TERM" 143 \
	"^vmm: stopped by SIGTERM$"

# The terminal under the console: character mode (but ^C still a signal)
# while the guest runs, the old settings back however the monitor ends.
# In a pseudo-terminal of script(1); the inner script prints one word.
cat >"$tmp/term.sh" <<'SHEOF'
before=$(stty -g)
"$VMM" --kvm "$tmp/kvm" --timeout "$2" "$tmp/k.elf" </dev/tty >/dev/null 2>&1 &
pid=$!
i=0
while [ ! -e "$FAKEKVM_READY" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.2
mode=$(stty -a)
[ "$1" = none ] || kill -"$1" $pid
wait $pid
if ! echo "$mode" | grep -q -- '-icanon' || ! echo "$mode" | grep -q -- ' -echo ' ||
   echo "$mode" | grep -q -- '-isig'; then
	echo NOT-RAW
elif [ "$(stty -g)" != "$before" ]; then
	echo NOT-RESTORED
else
	echo FINE
fi
SHEOF
# term_case NAME SIGNAL TIMEOUT
term_case() {
	local r
	rm -f "$tmp/ready"
	r=$(VMM=$VMM tmp=$tmp FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=partial_spin \
	    FAKEKVM_ENTRY=$ENTRY FAKEKVM_MEM=$((128 << 20)) FAKEKVM_CMDLINE=$W0 \
	    FAKEKVM_READY=$tmp/ready LD_PRELOAD=$tmp/fakekvm.so \
	    script -qec "sh $tmp/term.sh $2 $3" /dev/null </dev/null 2>&1 | tr -d '\r' | tail -1)
	if [[ $r == FINE ]]; then
		pass "$1"
	else
		fail "$1" "$r"
	fi
}
if command -v script >/dev/null && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	term_case "terminal: character mode, restored after a timeout" none 1
	term_case "terminal: restored when SIGTERM kills the monitor" TERM 5
	term_case "terminal: restored when the monitor crashes (SIGSEGV)" SEGV 5
	term_case "terminal: restored when the monitor aborts (SIGABRT)" ABRT 5
else
	echo "skip - fake KVM: terminal modes (no script(1) or no pseudo-terminal)"
fi

# --stats: one line, whatever ends the run; own = peak - guest.
# stats NAME EXITS IO MMIO: check the stats line of the last run.
stats() {
	local name=$1 line n peak guest own
	line=$(grep '^vmm: stats:' "$tmp/err")
	n=$(grep -c '^vmm: stats:' "$tmp/err")
	if [[ $n -ne 1 ]]; then
		fail "$name" "$n stats lines" "$(cat "$tmp/err")"
		return
	fi
	if ! [[ $line =~ ^vmm:\ stats:\ exits=$2\ io_exits=$3\ mmio_exits=$4\ wall_us=[0-9]+\ peak_rss_kib=([0-9]+)\ guest_touched_kib=([0-9]+)\ own_kib=([0-9]+)$ ]]; then
		fail "$name" "line: $line" "wanted exits=$2 io_exits=$3 mmio_exits=$4"
		return
	fi
	peak=${BASH_REMATCH[1]} guest=${BASH_REMATCH[2]} own=${BASH_REMATCH[3]}
	if ((guest < 12)); then
		fail "$name" "guest_touched_kib=$guest: the loader wrote 3 pages"
	elif ((own != (peak > guest ? peak - guest : 0))); then
		fail "$name" "own_kib=$own is not peak - guest ($peak - $guest)"
	elif ((peak < 100)); then
		fail "$name" "peak_rss_kib=$peak is not a process's RSS"
	else
		pass "$name"
	fi
}
fake "--stats: guest exits" hello42 42 "hi" "^vmm: stats:" --stats "$K"
stats "--stats line: port I/O exits" 2 2 0
fake "--stats: MMIO" mmio 0 "" "^vmm: stats:" --stats "$K"
stats "--stats line: MMIO exits" 2 1 1
fake "--stats: timeout" spin 124 "" "^vmm: timeout after 0.2 s$" \
	--stats --timeout 0.2 "$K"
stats "--stats line after a timeout" 1 0 0
fake "--stats: guest dies" shutdown 1 "" "triple fault" --stats "$K"
stats "--stats line after a death" 1 0 0
if [[ $(tail -1 "$tmp/err") == "vmm: stats:"* ]]; then
	pass "--stats line comes last, after the register dump"
else
	fail "--stats line comes last, after the register dump" "$(tail -3 "$tmp/err")"
fi
fake "--stats: setup fails, no run, no line" msr_refused 1 "" \
	"KVM refused" --stats "$K"
if grep -q 'stats:' "$tmp/err"; then
	fail "no stats line without a run" "$(cat "$tmp/err")"
else
	pass "no stats line without a run"
fi
fake "API version" api11 2 "" "KVM API version 11, need 12" "$K"
fake "missing capability" nocap 2 "" "lacks KVM_CAP_IMMEDIATE_EXIT" "$K"

exit $failed
