/*
 * The Linux personality: a library in the program's own address space
 * (see the README's "The sandbox"). init maps it at UK_LINUX_ENTRY_VA
 * with the program's module (ukern/app.h) and starts it; it loads the
 * program, builds its stack as Linux does, and jumps to it. Each Linux
 * system call then enters at entry.S, runs lx_syscall() here, and goes
 * back. Its authority is the process's: the capabilities init gave the
 * program. Whatever the program does to this library's memory hurts
 * only the program.
 */
#ifndef LX_H
#define LX_H

#include <stddef.h>
#include <stdint.h>
#include <ukern/app.h>

/* Linux's errno values (asm-generic/errno-base.h, errno.h). */
#define LX_EPERM        1
#define LX_ENOENT       2
#define LX_ESRCH        3
#define LX_EINTR        4
#define LX_EIO          5
#define LX_EBADF        9
#define LX_ECHILD       10
#define LX_EAGAIN       11
#define LX_ENOMEM       12
#define LX_EACCES       13
#define LX_EFAULT       14
#define LX_EBUSY        16
#define LX_EEXIST       17
#define LX_ENOTDIR      20
#define LX_EISDIR       21
#define LX_EXDEV        18
#define LX_EINVAL       22
#define LX_EMFILE       24
#define LX_ENOTTY       25
#define LX_ESPIPE       29
#define LX_EROFS        30
#define LX_EPIPE        32
#define LX_ERANGE       34
#define LX_ENAMETOOLONG 36
#define LX_ENOSYS       38

/* The registers of one call (entry.S pushes them in this order). */
struct lx_call {
	uint64_t nr, a0, a1, a2, a3, a4, a5;    /* rax rdi rsi rdx r10 r8 r9 */
	uint64_t rip, rflags;                   /* rcx, r11 */
};

long lx_syscall(struct lx_call *c);

/* The module, read-only at UK_APP_BUNDLE_VA. */
extern const struct uk_app *lx_app;

/* ---- memory (mem.c) ---------------------------------------------- */
/* Whether [p, p + n) is the program's memory (writable if write). */
int lx_user_ok(uint64_t p, uint64_t n, int write);
/* Length of the NUL-terminated string at p (at most max - 1 bytes), or
 * -LX_EFAULT, or -LX_ENAMETOOLONG. */
long lx_user_strlen(uint64_t p, size_t max);
/* Records [lo, hi) as the program's (its segments, its stack). */
void lx_mem_add(uint64_t lo, uint64_t hi, int write);
/* New zeroed memory at va, pages long, with rights UK_R_*: 0, or
 * -LX_ENOMEM. Recorded as the program's. */
long lx_mem_back(uint64_t va, uint64_t pages, uint64_t rights);
/* Like lx_mem_back, but mapped writable until lx_mem_seal() gives it
 * rights (the program's segments, written before it runs). */
long lx_mem_load(uint64_t va, uint64_t pages, uint64_t rights);
void lx_mem_seal(void);
void lx_brk_init(uint64_t end);
long lx_brk(uint64_t want);
long lx_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
	     uint64_t fd, uint64_t off);
long lx_munmap(uint64_t addr, uint64_t len);

/* ---- descriptors (fd.c) ------------------------------------------- */
enum lx_kind {
	LX_NONE, LX_STDIN, LX_STDOUT, LX_STDERR, LX_FILE, LX_DIR,
	LX_NULL, LX_ZERO, LX_RANDOM,     /* /dev/null, /dev/zero, /dev/urandom */
	LX_TMPFILE, LX_TMPDIR,          /* /tmp in memory (tmpfs.c) */
	LX_PIPE_R, LX_PIPE_W,           /* a pipe's two ends (fd.c) */
};

#define LX_FDS_MAX      256
#define LX_O_ACCMODE    03
#define LX_O_WRONLY     01
#define LX_O_RDWR       02
#define LX_O_CREAT      0100
#define LX_O_EXCL       0200
#define LX_O_TRUNC      01000
#define LX_O_APPEND     02000
#define LX_O_NONBLOCK   04000
#define LX_O_DIRECTORY  0200000
#define LX_O_CLOEXEC    02000000

/* An open file description, shared by the descriptors dup made. */
struct lx_file {
	enum lx_kind kind;
	uint32_t refs;
	uint32_t flags;         /* O_* as opened; O_APPEND, O_NONBLOCK set */
	uint64_t handle;        /* fs's, for LX_FILE and LX_DIR */
	uint64_t ino;           /* LX_FILE's inode (the read cache's key) */
	uint64_t off;           /* file offset; a directory's position */
};

void lx_fd_init(void);
/* The description of fd, or NULL (EBADF). */
struct lx_file *lx_fd(int fd);
/* A new descriptor, the lowest free at or above min, for a new
 * description of kind: its number, or -EMFILE/-ENFILE. */
int lx_fd_new(int min, enum lx_kind kind, uint32_t flags, uint64_t handle);
long lx_read(int fd, uint64_t buf, uint64_t n);
long lx_write(int fd, uint64_t buf, uint64_t n);
long lx_pread(int fd, uint64_t buf, uint64_t n, int64_t off, int write);
long lx_iov(int fd, uint64_t iov, uint64_t cnt, int write);
long lx_close(int fd);
long lx_dup(int fd, int to, int min, int flags);
long lx_ioctl(int fd, uint64_t req, uint64_t arg);
long lx_fcntl(int fd, uint64_t cmd, uint64_t arg);
long lx_fstat(int fd, uint64_t st);
long lx_poll(uint64_t fds, uint64_t n, int64_t timeout_ms);
long lx_lseek(int fd, int64_t off, int whence);
long lx_pipe2(uint64_t fds, uint64_t flags);

/* ---- the console (console.c) ---------------------------------------- */
void lx_console_init(void);
long lx_console_write(const uint8_t *b, size_t n);
long lx_console_read(uint8_t *b, size_t n, int nonblock);
int lx_console_tty(enum lx_kind kind);
long lx_console_ioctl(enum lx_kind kind, uint64_t req, uint64_t arg);
/* Writes out what the console holds for stdout (before exit). */
void lx_io_flush(void);
/* Writes s to the program's stderr (the monitor's), as-is. */
void lx_stderr(const char *s, size_t n);
/* -v: one line on stderr. */
void lx_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- files through fs (file.c) -------------------------------------- */
#define LX_AT_FDCWD     (-100)
void lx_file_init(void);
long lx_openat(int dirfd, uint64_t path, uint64_t flags, uint64_t mode);
long lx_file_io(struct lx_file *f, uint8_t *buf, uint64_t n, uint64_t off,
		int write);
long lx_file_close(struct lx_file *f);
long lx_file_size(struct lx_file *f, uint64_t *size);
/* Fills Linux's struct stat (144 bytes at st, checked) for f. */
long lx_file_fstat(struct lx_file *f, uint64_t st);
long lx_fstatat(int dirfd, uint64_t path, uint64_t st, uint64_t flags);
long lx_faccessat(int dirfd, uint64_t path, uint64_t mode);
long lx_getdents64(int fd, uint64_t buf, uint64_t n);
long lx_mkdirat(int dirfd, uint64_t path, uint64_t mode);
long lx_unlinkat(int dirfd, uint64_t path, uint64_t flags);
long lx_renameat(int olddir, uint64_t oldp, int newdir, uint64_t newp);
long lx_ftruncate(int fd, uint64_t size);
long lx_truncate(uint64_t path, uint64_t size);
long lx_fsync(int fd);
long lx_getcwd(uint64_t buf, uint64_t n);
long lx_chdir(uint64_t path);
long lx_fchdir(int fd);
long lx_readlinkat(int dirfd, uint64_t path, uint64_t buf, uint64_t n);
/* A private copy of n bytes of f from off at addr (mmap of a file). */
long lx_file_map(struct lx_file *f, uint64_t addr, uint64_t n, uint64_t off);

/* ---- /tmp in memory (tmpfs.c) ---------------------------------------- */
void lx_tmpfs_init(int on);
/* Whether the normalized absolute path p is tmpfs's. */
int lx_tmpfs_path(const char *p);
long lx_tmpfs_open(const char *p, uint64_t flags, uint64_t mode);
void lx_tmpfs_close(struct lx_file *f);
long lx_tmpfs_io(struct lx_file *f, uint8_t *buf, uint64_t n, uint64_t off,
		 int write);
long lx_tmpfs_size(struct lx_file *f, uint64_t *size);
long lx_tmpfs_ftruncate(struct lx_file *f, uint64_t size);
long lx_tmpfs_fstat(struct lx_file *f, uint64_t st);
long lx_tmpfs_stat(const char *p, uint64_t st);
long lx_tmpfs_getdents(struct lx_file *f, uint64_t buf, uint64_t n);
long lx_tmpfs_mkdir(const char *p, uint64_t mode);
long lx_tmpfs_unlink(const char *p, int rmdir);
long lx_tmpfs_rename(const char *from, const char *to);

/* ---- time (clock.c) ---------------------------------------------- */
void lx_clock_init(void);
long lx_clock_gettime(uint64_t clk, uint64_t ts);
long lx_clock_getres(uint64_t clk, uint64_t ts);
long lx_gettimeofday(uint64_t tv);
long lx_time(uint64_t t);
long lx_nanosleep(uint64_t req, uint64_t rem);
long lx_clock_nanosleep(uint64_t clk, uint64_t flags, uint64_t req,
			uint64_t rem);
/* Nanoseconds since boot. */
uint64_t lx_monotonic_ns(void);
/* Fills n bytes with the personality's random stream. */
void lx_random(void *buf, size_t n);
long lx_getrandom(uint64_t buf, uint64_t n, uint64_t flags);

_Noreturn void lx_exit(int status);
/* Ends the program as signal sig's default action would: status
 * 128 + sig (no handler is ever run). */
_Noreturn void lx_exit_signal(int sig);

#endif
