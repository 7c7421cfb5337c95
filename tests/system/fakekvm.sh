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
static int irqchip, pit, memslot, cpuid_set, sregs_set, regs_set;
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

/* One KVM_RUN of the scenario in $FAKEKVM_SCENARIO. */
static int kvm_run_step(void)
{
	const char *sc = env("FAKEKVM_SCENARIO", "exit0");
	int s = step++;

	if (run->immediate_exit) {
		errno = EINTR;
		return -1;
	}
	if (!strcmp(sc, "exit0")) {
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
	} else if (!strcmp(sc, "mmio")) {
		uint32_t v;
		if (s == 0) {
			run->exit_reason = KVM_EXIT_MMIO;
			run->mmio.phys_addr = 0xfeb00000;
			run->mmio.len = 4;
			run->mmio.is_write = 0;
			memset(run->mmio.data, 0, 8);
		} else {
			memcpy(&v, run->mmio.data, 4);
			out_exit(v == 0xffffffff ? 0 : 98);
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
		/* The guest runs until a signal arrives. */
		sigset_t none;
		sigemptyset(&none);
		sigsuspend(&none);
		errno = EINTR;
		return -1;
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
		return 1;
	case KVM_CREATE_VM:
		if (fd != sys_fd || arg != 0)
			return bad("KVM_CREATE_VM");
		return vm_fd = new_fd();
	case KVM_SET_TSS_ADDR:
		if (fd != vm_fd || arg != 0xfffbd000 || vcpu_fd >= 0)
			return bad("KVM_SET_TSS_ADDR");
		return 0;
	case KVM_CREATE_IRQCHIP:
		if (fd != vm_fd || vcpu_fd >= 0)
			return bad("KVM_CREATE_IRQCHIP after the vCPU");
		irqchip = 1;
		return 0;
	case KVM_CREATE_PIT2: {
		const struct kvm_pit_config *c = (const void *)arg;
		if (fd != vm_fd || !irqchip)
			return bad("KVM_CREATE_PIT2 before KVM_CREATE_IRQCHIP");
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
		if (fd != vm_fd || arg != 0 || !irqchip || !pit || !memslot)
			return bad("KVM_CREATE_VCPU too early or not vCPU 0");
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
	case KVM_SET_CPUID2: {
		const struct kvm_cpuid2 *c = (const void *)arg;
		if (fd != vcpu_fd || c->nent != 3 ||
		    c->entries[1].function != 1 ||
		    !(c->entries[1].ecx & 1u << 31) ||
		    (c->entries[1].ecx & (1u << 21 | 1u << 17)) ||
		    c->entries[2].ebx != 0x4b4d564b)
			return bad("KVM_SET_CPUID2: table not filtered as expected");
		cpuid_set = 1;
		return 0;
	}
	case KVM_GET_SREGS:
		if (fd != vcpu_fd)
			return bad("KVM_GET_SREGS");
		memcpy((void *)arg, &sregs, sizeof(sregs));
		return 0;
	case KVM_SET_SREGS:
		if (fd != vcpu_fd || check_sregs((const void *)arg) < 0)
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
	case KVM_RUN:
		if (fd != vcpu_fd || !run || !cpuid_set || !sregs_set ||
		    !regs_set)
			return bad("KVM_RUN before the vCPU is set up");
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
	LD_PRELOAD=$tmp/fakekvm.so "$VMM" --kvm "$tmp/kvm" "$@" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
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
fake "--mem 4M reaches the memory slot" exit0 0 "" "" --mem 4M "$K"
CMDLINE="console=ttyS0 a=b" fake "command line in guest RAM" exit0 0 "" "" \
	"$K" -- console=ttyS0 a=b
fake "UART string output, dword exit status" hello42 42 "hi" "" "$K"
fake "port read of LSR" in_lsr 0 "" "" "$K"
fake "unclaimed MMIO reads all ones" mmio 0 "" "" "$K"
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
fake "failed entry" fail_entry 1 "" "KVM_EXIT_FAIL_ENTRY, hardware reason 0x80000021" "$K"
fake "halt" hlt 1 "" "halted \(KVM_EXIT_HLT\)" "$K"
fake "unknown exit" unknown 1 "" "unhandled exit unknown \(4242\)" "$K"
fake "malformed I/O exit" badio 1 "" "malformed KVM_EXIT_IO" "$K"
fake "KVM_RUN error" efault 1 "" "KVM_RUN: Bad address" "$K"
fake "timeout" spin 124 "" "^vmm: timeout after 0.3 s$" --timeout 0.3 "$K"
fake "API version" api11 2 "" "KVM API version 11, need 12" "$K"
fake "missing capability" nocap 2 "" "lacks KVM_CAP_IMMEDIATE_EXIT" "$K"

exit $failed
