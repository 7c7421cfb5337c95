/*
 * The system calls, by Linux's x86-64 numbers (arch/x86/entry/syscalls/
 * syscall_64.tbl). What is not here returns -ENOSYS; with -v the first
 * use of each such call is named on stderr.
 */
#include "lx.h"
#include "uk.h"
#include "ulib.h"

enum {
	NR_read = 0, NR_write = 1, NR_open = 2, NR_close = 3, NR_stat = 4,
	NR_fstat = 5, NR_lstat = 6, NR_poll = 7, NR_lseek = 8, NR_mmap = 9,
	NR_mprotect = 10, NR_munmap = 11, NR_brk = 12, NR_rt_sigaction = 13,
	NR_rt_sigprocmask = 14, NR_ioctl = 16, NR_pread64 = 17,
	NR_pwrite64 = 18, NR_readv = 19, NR_writev = 20, NR_access = 21,
	NR_sched_yield = 24, NR_madvise = 28, NR_dup = 32, NR_dup2 = 33,
	NR_nanosleep = 35, NR_getpid = 39, NR_exit = 60, NR_kill = 62, NR_uname = 63,
	NR_fcntl = 72, NR_getcwd = 79, NR_umask = 95, NR_gettimeofday = 96,
	NR_getrlimit = 97, NR_getuid = 102, NR_getgid = 104,
	NR_setuid = 105, NR_setgid = 106, NR_geteuid = 107,
	NR_getegid = 108, NR_getppid = 110, NR_getpgrp = 111,
	NR_setsid = 112, NR_getgroups = 115, NR_getpgid = 121,
	NR_getsid = 124, NR_sigaltstack = 131, NR_arch_prctl = 158,
	NR_setrlimit = 160, NR_gettid = 186, NR_time = 201,
	NR_tkill = 200, NR_set_tid_address = 218, NR_clock_gettime = 228,
	NR_clock_getres = 229, NR_clock_nanosleep = 230, NR_exit_group = 231,
	NR_tgkill = 234, NR_set_robust_list = 273, NR_dup3 = 292,
	NR_prlimit64 = 302, NR_getrandom = 318, NR_rseq = 334,
	NR_fsync = 74, NR_fdatasync = 75, NR_truncate = 76,
	NR_ftruncate = 77, NR_getdents64 = 217, NR_chdir = 80,
	NR_fchdir = 81, NR_rename = 82, NR_mkdir = 83, NR_rmdir = 84,
	NR_creat = 85, NR_unlink = 87, NR_readlink = 89, NR_openat = 257,
	NR_mkdirat = 258, NR_newfstatat = 262, NR_unlinkat = 263,
	NR_renameat = 264, NR_readlinkat = 267, NR_faccessat = 269,
	NR_faccessat2 = 439, NR_renameat2 = 316, NR_pipe = 22, NR_pipe2 = 293,
	NR_MAX = 512,
};

#define ARCH_SET_FS     0x1002
#define ARCH_GET_FS     0x1003
#define PID             1       /* the program is the first and only */
#define AT_CWD          LX_AT_FDCWD

static uint64_t fs_base;
static uint32_t umask_bits = 022;
static uint8_t noted[NR_MAX / 8];

_Noreturn void lx_exit(int status)
{
	lx_io_flush();
	uk_exit(status & 0xff);
}

static long uname(uint64_t p)
{
	static const char *const f[6] = {
		"Linux", "sandbox", "6.1.0-ukern", "#1 ukern",
		"x86_64", "(none)",
	};
	char *u = (char *)(uintptr_t)p;

	if (!lx_user_ok(p, 6 * 65, 1))
		return -LX_EFAULT;
	memset(u, 0, 6 * 65);
	for (int i = 0; i < 6; i++)
		memcpy(u + 65 * i, f[i], strlen(f[i]));
	return 0;
}

/* RLIMIT_STACK 3, RLIMIT_NOFILE 7, RLIMIT_AS 9: what holds here. */
static long rlimit(uint64_t res, uint64_t newp, uint64_t oldp)
{
	uint64_t v = ~0ull;

	if (res >= 16)
		return -LX_EINVAL;
	if (res == 3)
		v = UK_APP_STACK_SIZE;
	else if (res == 7)
		v = LX_FDS_MAX;
	if (oldp) {
		if (!lx_user_ok(oldp, 16, 1))
			return -LX_EFAULT;
		((uint64_t *)(uintptr_t)oldp)[0] = v;
		((uint64_t *)(uintptr_t)oldp)[1] = v;
	}
	if (newp && !lx_user_ok(newp, 16, 0))
		return -LX_EFAULT;
	return 0;                       /* a new limit is accepted, unused */
}

static long arch_prctl(uint64_t code, uint64_t addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= UK_USER_MAX)
			return -LX_EPERM;
		if (uk_fs_base(addr) != UK_OK)
			return -LX_EPERM;
		fs_base = addr;
		return 0;
	case ARCH_GET_FS:
		if (!lx_user_ok(addr, 8, 1))
			return -LX_EFAULT;
		*(uint64_t *)(uintptr_t)addr = fs_base;
		return 0;
	}
	return -LX_EINVAL;
}

/* No handlers run yet: a signal sent to itself (abort's SIGABRT, say)
 * ends the program as its default action would, status 128 + sig. */
static long kill_self(uint64_t sig)
{
	if (sig >= 65)
		return -LX_EINVAL;
	if (!sig || sig == 17 || sig == 23 || sig == 28)
		return 0;               /* none, or ignored by default */
	lx_exit_signal((int)sig);
}

_Noreturn void lx_exit_signal(int sig)
{
	lx_io_flush();
	uk_exit(128 + sig);
}

/* -v names each unsupported call once: those above NR_MAX by a short
 * list of the first few. */
static int first_use(uint64_t nr)
{
	static uint64_t high[8];
	static unsigned nhigh;

	if (nr < NR_MAX) {
		if (noted[nr / 8] & (1u << (nr % 8)))
			return 0;
		noted[nr / 8] |= (uint8_t)(1u << (nr % 8));
		return 1;
	}
	for (unsigned i = 0; i < nhigh; i++)
		if (high[i] == nr)
			return 0;
	if (nhigh == sizeof high / sizeof high[0])
		return 0;
	high[nhigh++] = nr;
	return 1;
}

static long unsupported(uint64_t nr)
{
	if ((lx_app->flags & UK_APP_VERBOSE) && first_use(nr))
		lx_note("vmm: app: system call %lu is not supported (ENOSYS)",
			nr);
	return -LX_ENOSYS;
}

long lx_syscall(struct lx_call *c)
{
	uint64_t a0 = c->a0, a1 = c->a1, a2 = c->a2, a3 = c->a3;

	switch (c->nr) {
	case NR_read:           return lx_read((int)a0, a1, a2);
	case NR_write:          return lx_write((int)a0, a1, a2);
	case NR_readv:          return lx_iov((int)a0, a1, a2, 0);
	case NR_writev:         return lx_iov((int)a0, a1, a2, 1);
	case NR_close:          return lx_close((int)a0);
	case NR_fstat:          return lx_fstat((int)a0, a1);
	case NR_lseek:          return lx_lseek((int)a0, (int64_t)a1, (int)a2);
	case NR_poll:           return lx_poll(a0, a1, (int64_t)a2);
	case NR_ioctl:          return lx_ioctl((int)a0, a1, a2);
	case NR_fcntl:          return lx_fcntl((int)a0, a1, a2);
	case NR_dup:            return lx_dup((int)a0, -1, 0, 0);
	case NR_dup2:           return lx_dup((int)a0, (int)a1, 0, 0);
	case NR_dup3:
		if ((int)a0 == (int)a1)
			return -LX_EINVAL;
		return lx_dup((int)a0, (int)a1, 0, (int)a2);
	case NR_pread64:        return lx_pread((int)a0, a1, a2, (int64_t)a3, 0);
	case NR_pwrite64:       return lx_pread((int)a0, a1, a2, (int64_t)a3, 1);
	case NR_open:           return lx_openat(AT_CWD, a0, a1, a2);
	case NR_creat:
		return lx_openat(AT_CWD, a0, 01 | 0100 | 01000, a1);
	case NR_openat:         return lx_openat((int)a0, a1, a2, a3);
	case NR_stat:           return lx_fstatat(AT_CWD, a0, a1, 0);
	case NR_lstat:          return lx_fstatat(AT_CWD, a0, a1, 0x100);
	case NR_newfstatat:     return lx_fstatat((int)a0, a1, a2, a3);
	case NR_access:         return lx_faccessat(AT_CWD, a0, a1);
	case NR_faccessat:
	case NR_faccessat2:     return lx_faccessat((int)a0, a1, a2);
	case NR_getdents64:     return lx_getdents64((int)a0, a1, a2);
	case NR_pipe:           return lx_pipe2(a0, 0);
	case NR_pipe2:          return lx_pipe2(a0, a1);
	case NR_mkdir:          return lx_mkdirat(AT_CWD, a0, a1);
	case NR_mkdirat:        return lx_mkdirat((int)a0, a1, a2);
	case NR_rmdir:          return lx_unlinkat(AT_CWD, a0, 0x200);
	case NR_unlink:         return lx_unlinkat(AT_CWD, a0, 0);
	case NR_unlinkat:       return lx_unlinkat((int)a0, a1, a2);
	case NR_rename:         return lx_renameat(AT_CWD, a0, AT_CWD, a1);
	case NR_renameat:       return lx_renameat((int)a0, a1, (int)a2, a3);
	case NR_renameat2:
		if (c->a4)
			return -LX_EINVAL;      /* no RENAME_* flags */
		return lx_renameat((int)a0, a1, (int)a2, a3);
	case NR_truncate:       return lx_truncate(a0, a1);
	case NR_ftruncate:      return lx_ftruncate((int)a0, a1);
	case NR_fsync:
	case NR_fdatasync:      return lx_fsync((int)a0);
	case NR_chdir:          return lx_chdir(a0);
	case NR_fchdir:         return lx_fchdir((int)a0);
	case NR_readlink:       return lx_readlinkat(AT_CWD, a0, a1, a2);
	case NR_readlinkat:     return lx_readlinkat((int)a0, a1, a2, a3);
	case NR_mmap:   return lx_mmap(a0, a1, a2, a3, c->a4, c->a5);
	case NR_munmap: return lx_munmap(a0, a1);
	case NR_mprotect:
		return (a0 & 0xfff) ? -LX_EINVAL : 0;
	case NR_madvise:        return 0;
	case NR_brk:            return lx_brk(a0);
	case NR_rt_sigaction:
	case NR_rt_sigprocmask:
	case NR_sigaltstack:
		return 0;               /* recorded nowhere: no signals yet */
	case NR_sched_yield:    uk_yield(); return 0;
	case NR_nanosleep:      return lx_nanosleep(a0, a1);
	case NR_clock_nanosleep: return lx_clock_nanosleep(a0, a1, a2, a3);
	case NR_clock_gettime:  return lx_clock_gettime(a0, a1);
	case NR_clock_getres:   return lx_clock_getres(a0, a1);
	case NR_gettimeofday:   return lx_gettimeofday(a0);
	case NR_time:           return lx_time(a0);
	case NR_getpid: case NR_gettid: case NR_getpgrp: case NR_getsid:
	case NR_getpgid: case NR_setsid:
		return PID;
	case NR_getppid:        return 0;
	case NR_getuid: case NR_getgid: case NR_geteuid: case NR_getegid:
	case NR_setuid: case NR_setgid: case NR_getgroups:
		return 0;
	case NR_umask: {
		uint32_t old = umask_bits;

		umask_bits = (uint32_t)a0 & 0777;
		return old;
	}
	case NR_uname:          return uname(a0);
	case NR_getcwd:         return lx_getcwd(a0, a1);
	case NR_getrlimit:      return rlimit(a0, 0, a1);
	case NR_setrlimit:      return rlimit(a0, a1, 0);
	case NR_prlimit64:
		if (a0 && a0 != PID)
			return -LX_ESRCH;
		return rlimit(a1, a2, a3);
	case NR_getrandom:      return lx_getrandom(a0, a1, a2);
	case NR_arch_prctl:     return arch_prctl(a0, a1);
	case NR_set_tid_address: return PID;
	case NR_set_robust_list: return 0;
	case NR_kill:
	case NR_tkill:
		if (a0 != PID)
			return -LX_ESRCH;
		return kill_self(a1);
	case NR_tgkill:
		if (a0 != PID || a1 != PID)
			return -LX_ESRCH;
		return kill_self(a2);
	case NR_exit:
	case NR_exit_group:
		lx_exit((int)a0);
	}
	return unsupported(c->nr);
}
