#include "confine.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <asm/termbits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "term.h"

#define V       (1u << CONFINE_VCPU)
#define I       (1u << CONFINE_IO)

/*
 * What each thread does after confine_thread(), and so may ask of the
 * kernel. Nothing here opens a file, makes a socket, starts a thread or
 * a program, or changes KVM's memory map: a monitor subverted through a
 * device model keeps the fds it has and nothing more.
 */
static const struct {
	unsigned nr, roles;
} plain[] = {
	/* Guest I/O: the UART and console on stdout, stdin, the eventfds,
	 * the disk, the TAP device. */
	{ SYS_read, V | I },            { SYS_write, V | I },
	{ SYS_readv, V | I },           { SYS_writev, V | I },
	{ SYS_pread64, V | I },         { SYS_pwrite64, I },
	{ SYS_fdatasync, I },
	{ SYS_poll, V | I },
	{ SYS_epoll_wait, I },          { SYS_epoll_pwait, I },
	{ SYS_epoll_ctl, V | I },
	/* Locks, time, memory (mmap and mprotect below: never PROT_EXEC). */
	{ SYS_futex, V | I },           { SYS_clock_gettime, V | I },
	{ SYS_gettimeofday, V | I },
	{ SYS_brk, V | I },             { SYS_munmap, V | I },
	{ SYS_getrandom, V | I },
	/* The run: --timeout's timer, SIGINT/SIGTERM/SIGHUP handlers and
	 * mask; --stats. */
	{ SYS_timer_create, V },        { SYS_timer_settime, V },
	{ SYS_timer_delete, V },        { SYS_getrusage, V },
	{ SYS_mincore, V },
	/* Signals: the handlers, dying of one (tgkill below), the
	 * terminal's stop and continue. */
	{ SYS_rt_sigaction, V | I },    { SYS_rt_sigprocmask, V | I },
	{ SYS_rt_sigreturn, V | I },    { SYS_restart_syscall, V | I },
	{ SYS_getpid, V | I },          { SYS_gettid, V | I },
	{ SYS_getpgrp, V | I },
	/* The end: fds and mappings let go, the thread or the process. */
	{ SYS_close, V },               { SYS_exit, V | I },
	{ SYS_exit_group, V | I },
};

#define STATS   (1u << CONFINE_ROLES)   /* with --kvm-stats only */
#define TTY     (1u << 31)              /* on stdin (fd 0) only */

/* The ioctl requests allowed, on any fd the thread holds unless TTY. */
static const struct {
	unsigned req, roles;
} ioctls[] = {
	{ KVM_RUN, V },                 { KVM_IRQ_LINE, V | I },
	/* The register dump when the guest dies. */
	{ KVM_GET_REGS, V },            { KVM_GET_SREGS, V },
	/* --kvm-stats: a new fd, read-only, of KVM's counters. */
	{ KVM_GET_STATS_FD, V | STATS },
	/* The terminal (term.c), put back from any thread that crashes,
	 * by glibc's tcgetattr and tcsetattr(TCSADRAIN), old or new. */
	{ TCGETS, V | I | TTY },        { TCSETSW, V | I | TTY },
	{ TCGETS2, V | I | TTY },       { TCSETSW2, V | I | TTY },
	{ TIOCGPGRP, V | I | TTY },
};

#define NPLAIN  (sizeof plain / sizeof plain[0])
#define NIOCTLS (sizeof ioctls / sizeof ioctls[0])
/* Two instructions per call and request, and the fixed parts. */
#define PROG_MAX (2 * (NPLAIN + NIOCTLS) + 40)
/* A jump's offset is 8 bits: the ioctl block must be shorter. */
_Static_assert(2 * NIOCTLS + 8 < 256, "the ioctl block is too long");

struct prog {
	struct sock_filter insn[PROG_MAX];
	unsigned short n;
};

#define MSG_MAX 128
/* si_code of a SIGSYS that seccomp raised (asm-generic/siginfo.h, which
 * glibc's <signal.h> does not let us include). */
#define TRAPPED 1

static const char *const role_name[CONFINE_ROLES] = {
	[CONFINE_VCPU] = "vCPU thread",
	[CONFINE_IO] = "I/O thread",
};

static const char *const syscall_names[] = {
#include "sysnames.h"
};

static struct prog progs[CONFINE_ROLES];
static bool prepared;
static int selftest = -1;               /* VMM_SECCOMP_SELFTEST's role */
static _Thread_local int thread_role = -1;
static uint64_t cost_ns;                /* see confine_cost_us */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t confine_cost_us(void)
{
	return cost_ns / 1000;
}

const char *confine_syscall_name(long nr)
{
	size_t n = sizeof syscall_names / sizeof syscall_names[0];

	return nr >= 0 && (size_t)nr < n ? syscall_names[nr] : NULL;
}

/* s to stderr whole, from a signal handler. */
static void put(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t w = write(STDERR_FILENO, s, len);

		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

/* The decimal of v into buf (at least 21 bytes). */
static const char *decimal(unsigned long v, char *buf)
{
	char *p = buf + 20;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return p;
}

/* dst (of size MSG_MAX) with s appended; no snprintf in a handler. */
static void cat(char *dst, const char *s)
{
	size_t n = strlen(dst), k = strlen(s);

	if (n + k >= MSG_MAX)
		k = MSG_MAX - 1 - n;
	memcpy(dst + n, s, k);
	dst[n + k] = '\0';
}

/* A call outside the list: one line (one write), the terminal back,
 * death. Every call made here is on both lists. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	const char *name = confine_syscall_name(si->si_syscall);
	char num[21], msg[MSG_MAX] = "vmm: seccomp: the ";
	sigset_t set;

	(void)uc;
	if (si->si_code != TRAPPED) {
		/* Sent (kill -SYS), not a trap: no call to name. */
		put("vmm: stopped by SIGSYS\n");
	} else {
		if (si->si_arch != AUDIT_ARCH_X86_64)
			name = "(a call of another architecture)";
		cat(msg, thread_role >= 0 ? role_name[thread_role] :
			 "monitor");
		cat(msg, " made a forbidden system call, ");
		cat(msg, name ? name : "unknown");
		cat(msg, " (");
		cat(msg, decimal((unsigned long)(unsigned)si->si_syscall,
				 num));
		cat(msg, "); stopping\n");
		put(msg);
	}
	term_restore();
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

static void emit(struct prog *p, unsigned short code, unsigned char jt,
		 unsigned char jf, unsigned k)
{
	/* PROG_MAX counts every instruction build() emits. */
	p->insn[p->n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

/* If A == k: return SECCOMP_RET_ALLOW; else go on. */
static void allow_if(struct prog *p, unsigned k)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, k);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
}

static void load(struct prog *p, unsigned off)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
}

#define NR      offsetof(struct seccomp_data, nr)
/* The low 32 bits of argument i (x86-64 is little-endian). */
#define ARG(i)  (offsetof(struct seccomp_data, args) + 8 * (i))

/*
 * The classic BPF program for role: a call of another architecture or
 * the x32 ABI traps at once; then the plain calls; then ioctl by request
 * (the terminal's on fd 0 only), madvise to free, mmap and mprotect
 * without PROT_EXEC, tgkill to our own process. Everything else traps.
 * The argument checks read the low 32 bits, which is all the kernel
 * reads of an ioctl request or fd (unsigned int), a protection (the
 * PROT_EXEC bit), an advice or a pid (int).
 */
static void build(struct prog *p, enum confine_role role, bool kvm_stats)
{
	unsigned bit = 1u << role, start, tty[NIOCTLS], ntty = 0, i;

	p->n = 0;
	load(p, offsetof(struct seccomp_data, arch));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP);
	load(p, NR);
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, __X32_SYSCALL_BIT);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP);
	for (i = 0; i < NPLAIN; i++)
		if (plain[i].roles & bit)
			allow_if(p, plain[i].nr);

	/* ioctl: the block's length is known once it is emitted; a
	 * terminal request jumps to the check of its fd at the end. */
	start = p->n;
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, SYS_ioctl);
	load(p, ARG(1));
	for (i = 0; i < NIOCTLS; i++) {
		if (!(ioctls[i].roles & bit) ||
		    (ioctls[i].roles & STATS && !kvm_stats))
			continue;
		if (ioctls[i].roles & TTY) {
			tty[ntty++] = p->n;
			emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, ioctls[i].req);
		} else {
			allow_if(p, ioctls[i].req);
		}
	}
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP);
	for (i = 0; i < ntty; i++)
		p->insn[tty[i]].jt = (unsigned char)(p->n - tty[i] - 1);
	load(p, ARG(0));
	allow_if(p, STDIN_FILENO);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP);
	p->insn[start].jf = (unsigned char)(p->n - start - 1);

	/* madvise: only to give pages back (free, a thread's end). Other
	 * advice reaches further: MADV_HWPOISON offlines host memory. */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, SYS_madvise);
	load(p, ARG(2));
	allow_if(p, MADV_DONTNEED);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP);

	/* mmap, mprotect: never executable. */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SYS_mmap);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, SYS_mprotect);
	load(p, ARG(2));
	emit(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, PROT_EXEC);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);

	/* tgkill (raise): to a thread of this process only. */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, SYS_tgkill);
	load(p, ARG(0));
	allow_if(p, (unsigned)getpid());
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRAP);
}

int confine_prepare(bool kvm_stats, struct errmsg *err)
{
	const char *t = getenv("VMM_SECCOMP_SELFTEST");
	uint64_t t0 = now_ns();
	struct sigaction sa;

	if (t)
		selftest = !strcmp(t, "vcpu") ? CONFINE_VCPU :
			   !strcmp(t, "io") ? CONFINE_IO : -1;
	for (int i = 0; i < CONFINE_ROLES; i++)
		build(&progs[i], (enum confine_role)i, kvm_stats);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		errmsg_set(err, "seccomp: SIGSYS handler: %s", strerror(errno));
		return -1;
	}
	prepared = true;
	cost_ns += now_ns() - t0;
	return 0;
}

int confine_thread(enum confine_role role, struct errmsg *err)
{
	struct sock_fprog fp = {
		.len = progs[role].n, .filter = progs[role].insn,
	};
	struct __user_cap_header_struct caps = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = { 0 };
	uint64_t t0 = now_ns();
	sigset_t sys;

	if (!prepared) {
		errmsg_set(err, "seccomp: no filter for the %s", role_name[role]);
		return -EINVAL;
	}
	/* The kernel runs no handler for a SIGSYS the thread blocks (the
	 * I/O thread blocks every signal): the process would die without
	 * the line. */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	/* Every capability goes (root under `unshare -n` for --net has
	 * them all; an allowed call may do more with one). Then
	 * no_new_privs: the kernel takes a filter from an unprivileged
	 * thread only with it, and it holds for anything it would exec. */
	if (syscall(SYS_capset, &caps, none) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0) {
		int e = errno;

		errmsg_set(err, "seccomp: cannot confine the %s: %s "
			   "(--no-seccomp runs without)", role_name[role],
			   strerror(e));
		return -e;
	}
	thread_role = (int)role;
	cost_ns += now_ns() - t0;
	if (selftest == (int)role)
		(void)getppid();
	return 0;
}

const struct sock_filter *confine_program(enum confine_role role,
					  unsigned *len)
{
	*len = progs[role].n;
	return progs[role].insn;
}

int confine_io_thread(void)
{
	struct errmsg err;

	return confine_thread(CONFINE_IO, &err);
}
