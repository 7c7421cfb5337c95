/* The monitor's seccomp filters (confine.c): each case confines a child
 * process as one thread role and makes calls the role may or may not
 * make; a forbidden one must kill the child with SIGSYS and one line. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "confine.h"

static char line[256];          /* the child's stderr */
static bool kvm_stats;          /* confine_prepare's --kvm-stats */

/* fn in a child confined as role: its pid; its stderr's pipe in *out. */
static pid_t spawn(enum confine_role role, void (*fn)(void), int *out)
{
	struct errmsg err;
	int p[2];
	pid_t pid;

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(p[1], STDERR_FILENO);
		if (confine_prepare(kvm_stats, &err) < 0 ||
		    confine_thread(role, &err) < 0)
			_exit(99);
		fn();
		_exit(0);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* The rest of child pid's stderr (on fd) into line; its wait status. */
static int reap(pid_t pid, int fd)
{
	size_t len = 0;
	ssize_t n;
	int status;

	while (len < sizeof line - 1 &&
	       (n = read(fd, line + len, sizeof line - 1 - len)) > 0)
		len += (size_t)n;
	line[len] = '\0';
	close(fd);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* fn in a child confined as role: its wait status; its stderr in line. */
static int confined(enum confine_role role, void (*fn)(void))
{
	int fd;
	pid_t pid = spawn(role, fn, &fd);

	return reap(pid, fd);
}

static bool killed(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

/* What both threads do: I/O on fds they hold, memory, signals to
 * themselves, the terminal. */
static void allowed_both(void)
{
	char c = 'x';
	struct termios t;
	void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || mprotect(m, 4096, PROT_READ) < 0 ||
	    madvise(m, 8192, MADV_DONTNEED) < 0 || munmap(m, 8192) < 0)
		_exit(1);
	if (write(STDERR_FILENO, &c, 0) < 0 || getpid() <= 0)
		_exit(2);
	if (syscall(SYS_tgkill, getpid(), gettid(), 0) < 0)
		_exit(3);
	/* The terminal's calls on fd 0, terminal or not: made. */
	if (tcgetattr(STDIN_FILENO, &t) < 0 && errno != ENOTTY)
		_exit(4);
}

Test(confine, the_calls_each_thread_needs_are_allowed)
{
	cr_assert_eq(confined(CONFINE_VCPU, allowed_both), 0, "%s", line);
	cr_assert_eq(confined(CONFINE_IO, allowed_both), 0, "%s", line);
	cr_assert_str_empty(line);
}

static void call_getppid(void) { syscall(SYS_getppid); }
/* The same terminal call on another fd (stderr, a pipe here). */
static void tty_other_fd(void)
{
	struct termios t;

	tcgetattr(STDERR_FILENO, &t);
}
/* Advice that reaches beyond our memory: offlining the host's page. */
static void hwpoison(void)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	madvise(m, 4096, MADV_HWPOISON);
}

static void call_openat(void) { syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY); }

Test(confine, a_forbidden_call_is_sigsys_and_one_line)
{
	cr_assert(killed(confined(CONFINE_VCPU, call_getppid)));
	cr_assert_str_eq(line, "vmm: seccomp: the vCPU thread made a forbidden "
			 "system call, getppid (110); stopping\n");
	cr_assert(killed(confined(CONFINE_IO, call_openat)));
	cr_assert_str_eq(line, "vmm: seccomp: the I/O thread made a forbidden "
			 "system call, openat (257); stopping\n");
}

static void call_socket(void) { syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0); }
static void call_fork(void) { syscall(SYS_fork); }
static void call_clone(void) { syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0); }
static void call_execve(void)
{
	static char *const argv[] = { "true", NULL };

	syscall(SYS_execve, "/bin/true", argv, NULL);
}
static void call_ptrace(void) { syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0); }
static void call_kill(void) { syscall(SYS_kill, getppid(), 0); }

/* No new fds, threads, programs or processes, from either thread. */
Test(confine, nothing_new_is_opened_or_started)
{
	void (*const fns[])(void) = {
		call_openat, call_socket, call_fork, call_clone, call_execve,
		call_ptrace, call_kill,
	};

	for (int r = 0; r < CONFINE_ROLES; r++)
		for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
			cr_assert(killed(confined((enum confine_role)r, fns[i])),
				  "role %d, call %zu", r, i);
}

static void map_exec(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	     -1, 0);
}
static void protect_exec(void)
{
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (m == MAP_FAILED)
		_exit(1);
	mprotect(m, 4096, PROT_READ | PROT_EXEC);
}
/* PROT_EXEC with high bits set: the kernel reads the low ones. */
static void map_exec_high(void)
{
	syscall(SYS_mmap, 0, 4096, (1ul << 32) | PROT_READ | PROT_EXEC,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

Test(confine, no_executable_memory)
{
	cr_assert(killed(confined(CONFINE_VCPU, map_exec)));
	cr_assert(killed(confined(CONFINE_IO, protect_exec)));
	cr_assert(killed(confined(CONFINE_IO, map_exec_high)));
}

/* A signal to another process (our parent) is refused; to ourselves,
 * allowed (allowed_both). */
static void tgkill_other(void)
{
	syscall(SYS_tgkill, getppid(), getppid(), 0);
}
/* The same pid in the low half with junk above: the kernel would take
 * the low half, and so does the filter. */
static void tgkill_self_high(void)
{
	syscall(SYS_tgkill, (1ul << 32) | (unsigned long)getpid(), gettid(),
		0);
}

Test(confine, signals_only_to_ourselves)
{
	cr_assert(killed(confined(CONFINE_VCPU, tgkill_other)));
	cr_assert_eq(confined(CONFINE_VCPU, tgkill_self_high), 0, "%s", line);
}

static int devnull(void)
{
	int fd = open("/dev/null", O_RDWR);     /* before the filter */

	return fd;
}
static int fd;
static void ioctl_run(void) { syscall(SYS_ioctl, fd, KVM_RUN, 0); }
static void ioctl_memslot(void)
{
	syscall(SYS_ioctl, fd, KVM_SET_USER_MEMORY_REGION, 0);
}
static void ioctl_create_vm(void) { syscall(SYS_ioctl, fd, KVM_CREATE_VM, 0); }
static void ioctl_irq(void) { syscall(SYS_ioctl, fd, KVM_IRQ_LINE, 0); }
static void call_fdatasync(void) { syscall(SYS_fdatasync, fd); }

/* KVM_RUN is the vCPU's; the memory map and new VMs are nobody's. */
Test(confine, ioctls_by_request_and_role)
{
	fd = devnull();
	cr_assert_geq(fd, 0);
	cr_assert_eq(confined(CONFINE_VCPU, ioctl_run), 0, "%s", line);
	cr_assert(killed(confined(CONFINE_IO, ioctl_run)));
	cr_assert_eq(confined(CONFINE_IO, ioctl_irq), 0, "%s", line);
	cr_assert(killed(confined(CONFINE_VCPU, ioctl_memslot)));
	cr_assert(killed(confined(CONFINE_IO, ioctl_memslot)));
	cr_assert(killed(confined(CONFINE_VCPU, ioctl_create_vm)));
	/* The disk's flush is the I/O thread's. */
	cr_assert_eq(confined(CONFINE_IO, call_fdatasync), 0, "%s", line);
	cr_assert(killed(confined(CONFINE_VCPU, call_fdatasync)));
	close(fd);
}

/* The x32 ABI's getpid: another table of calls, refused outright. */
static void x32_getpid(void) { syscall(__X32_SYSCALL_BIT | SYS_getpid); }

Test(confine, the_x32_abi_is_refused)
{
	cr_assert(killed(confined(CONFINE_VCPU, x32_getpid)));
	cr_assert(strstr(line, "unknown (1073741863)"), "%s", line);
}

Test(confine, terminal_calls_on_stdin_only)
{
	cr_assert(killed(confined(CONFINE_VCPU, tty_other_fd)));
	cr_assert(killed(confined(CONFINE_IO, tty_other_fd)));
}

Test(confine, no_advice_but_freeing)
{
	cr_assert(killed(confined(CONFINE_IO, hwpoison)));
}

/* The classic BPF of a seccomp filter, run on d: what it returns. */
static unsigned run_bpf(const struct sock_filter *f, unsigned n,
			const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (unsigned pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		bool t;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			memcpy(&a, (const char *)d + i->k, 4);
			continue;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_JMP | BPF_JEQ | BPF_K:  t = a == i->k; break;
		case BPF_JMP | BPF_JGE | BPF_K:  t = a >= i->k; break;
		case BPF_JMP | BPF_JSET | BPF_K: t = (a & i->k) != 0; break;
		default:
			cr_assert_fail("instruction %u: code %#x", pc, i->code);
			return 0;
		}
		pc += t ? i->jt : i->jf;
	}
	cr_assert_fail("ran off the end");
	return 0;
}

/* int 0x80 does not reach seccomp on KVM PVM (it faults): the program
 * is run here instead, on the data a 32-bit call would give it. */
Test(confine, another_architecture_traps)
{
	struct errmsg err;
	struct seccomp_data d = { .nr = SYS_getpid, .arch = AUDIT_ARCH_X86_64 };
	const struct sock_filter *f;
	unsigned n;

	cr_assert_eq(confine_prepare(false, &err), 0);
	for (int r = 0; r < CONFINE_ROLES; r++) {
		f = confine_program((enum confine_role)r, &n);
		cr_assert_eq(run_bpf(f, n, &d), SECCOMP_RET_ALLOW);
		d.arch = AUDIT_ARCH_I386;
		cr_assert_eq(run_bpf(f, n, &d), SECCOMP_RET_TRAP);
		d.nr = 20;      /* i386 getpid */
		cr_assert_eq(run_bpf(f, n, &d), SECCOMP_RET_TRAP);
		d.arch = AUDIT_ARCH_X86_64;
		d.nr = SYS_getpid;
	}
}

static void stats_fd(void)
{
	syscall(SYS_ioctl, fd, KVM_GET_STATS_FD, 0);
}

/* KVM_GET_STATS_FD makes an fd: allowed only for --kvm-stats. */
Test(confine, statistics_fds_only_with_kvm_stats)
{
	fd = devnull();
	cr_assert(killed(confined(CONFINE_VCPU, stats_fd)));
	kvm_stats = true;
	cr_assert_eq(confined(CONFINE_VCPU, stats_fd), 0, "%s", line);
	cr_assert(killed(confined(CONFINE_IO, stats_fd)), "vCPU's only");
	close(fd);
}

/* Says it is confined (one byte), then waits to be killed. */
static void wait_for_kill(void)
{
	(void)!write(STDERR_FILENO, "+", 1);
	poll(NULL, 0, -1);
}

/* A SIGSYS sent from outside is no trap: no call is named. */
Test(confine, a_sent_sigsys_names_no_call)
{
	char c;
	int fd;
	pid_t pid = spawn(CONFINE_VCPU, wait_for_kill, &fd);

	cr_assert_eq(read(fd, &c, 1), 1, "confined");
	kill(pid, SIGSYS);
	cr_assert(killed(reap(pid, fd)));
	cr_assert_str_eq(line, "vmm: stopped by SIGSYS\n");
}

Test(confine, syscall_names)
{
	cr_assert_str_eq(confine_syscall_name(0), "read");
	cr_assert_str_eq(confine_syscall_name(257), "openat");
	cr_assert_null(confine_syscall_name(-1));
	cr_assert_null(confine_syscall_name(100000));
}
