/*
 * The sandbox's test program: an ordinary static Linux program (built
 * with musl-gcc -static), one behaviour per first argument, each
 * printing what tests/system/sandbox.sh checks.
 */
#define _GNU_SOURCE             /* pipe2 in glibc */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int args(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env %s\n", *e);
	return 0;
}

static int tty(void)
{
	struct winsize ws;

	printf("isatty 0=%d 1=%d 2=%d\n", isatty(0), isatty(1), isatty(2));
	if (ioctl(1, TIOCGWINSZ, &ws) == 0)
		printf("winsize %dx%d\n", ws.ws_col, ws.ws_row);
	return 0;
}

static int clock_test(void)
{
	struct timespec a, b, r;
	struct timespec d = { 0, 20 * 1000 * 1000 };

	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &a);
	nanosleep(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("realtime %lld\n", (long long)r.tv_sec);
	printf("slept_ms %lld\n", (long long)((b.tv_sec - a.tv_sec) * 1000 +
					     (b.tv_nsec - a.tv_nsec) / 1000000));
	printf("time %lld\n", (long long)time(NULL));
	return 0;
}

/* malloc in 1 MiB blocks, touching each, until it fails. */
static int pressure(void)
{
	size_t mib = 0;

	for (;;) {
		char *p = malloc(1 << 20);

		if (!p)
			break;
		memset(p, 1, 1 << 20);
		mib++;
	}
	printf("malloc failed after %zu MiB\n", mib);
	return mib > 0 ? 0 : 1;
}

static const char *longpath(void)
{
	static char p[8192];

	memset(p, 'a', sizeof p - 1);
	return p;
}

/* Bad pointers, lengths and descriptors: errors, never a crash. */
static int hostile(void)
{
	char buf[8];
	long r;

#define SHOW(what, call) (errno = 0, r = (call), \
	printf("%s %ld %s\n", what, r, r < 0 ? strerror(errno) : "ok"))
	SHOW("write-badptr", syscall(SYS_write, 1, (void *)8, 10));
	SHOW("write-kernelptr", syscall(SYS_write, 1,
					  (void *)0xffff800000000000ull, 10));
	SHOW("write-huge", syscall(SYS_write, 1, buf, (size_t)-1 / 2));
	SHOW("read-badptr", syscall(SYS_read, 0, (void *)16, 10));
	SHOW("write-badfd", write(99, buf, 1));
	SHOW("write-negfd", write(-1, buf, 1));
	SHOW("write-bigfd", write(1 << 30, buf, 1));
	SHOW("close-badfd", close(77));
	SHOW("gettime-badptr", syscall(SYS_clock_gettime, 0, (void *)24));
	SHOW("uname-badptr", syscall(SYS_uname, (void *)0x1000));
	SHOW("writev-badiov", syscall(SYS_writev, 1, (void *)32, 2));
	SHOW("personality-ptr", syscall(SYS_write, 1, (void *)0x70000000ull,
					  16));
	SHOW("mmap-fixed-personality", (long)mmap((void *)0x70000000ull, 4096,
		PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		-1, 0));
	SHOW("open-outside", open("/../../../etc/passwd", O_RDONLY));
	SHOW("open-badptr", syscall(SYS_open, (void *)8, O_RDONLY));
	SHOW("open-longpath", open(longpath(), O_RDONLY));
	SHOW("stat-badbuf", syscall(SYS_stat, "/", (void *)8));
	SHOW("getdents-badfd", syscall(SYS_getdents64, 99, buf, 8));
	SHOW("munmap-huge", munmap(buf, (size_t)-4096));
	SHOW("enosys", syscall(1000));
	SHOW("fork", syscall(SYS_fork));
	printf("survived\n");
	return 0;
}

/* Memory given back comes back: 1 MiB blocks until mmap fails, all
 * unmapped, then one of 20 MiB. */
static int cycle(void)
{
	static void *p[4096];
	int n = 0, again = 0;
	void *big;

	while (n < 4096 && (p[n] = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) !=
	       MAP_FAILED)
		memset(p[n++], 1, 4096);
	for (int i = 0; i < n; i++)
		munmap(p[i], 1 << 20);
	big = mmap(NULL, 20 << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	again = big != MAP_FAILED;
	printf("cycle: %d blocks, then 20 MiB: %s\n", n, again ? "ok" : "failed");
	return !again;
}

/* /tmp when / is read-only or missing: in memory. */
static int tmp(void)
{
	char buf[64];
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd, n = 0;

	fd = open("/tmp/a", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "in memory", 9) != 9 ||
	    pread(fd, buf, 9, 0) != 9 || memcmp(buf, "in memory", 9))
		return printf("tmp: write and read back failed\n"), 1;
	if (ftruncate(fd, 2) || fstat(fd, &st) || st.st_size != 2 || close(fd))
		return printf("tmp: truncate failed\n"), 1;
	if (mkdir("/tmp/d", 0755) || rename("/tmp/a", "/tmp/d/b") ||
	    stat("/tmp/d/b", &st) || st.st_size != 2)
		return printf("tmp: mkdir and rename failed\n"), 1;
	if (rename("/tmp/d/b", "/x") == 0 || errno != EXDEV)
		return printf("tmp: rename out of /tmp was not EXDEV\n"), 1;
	if (!(d = opendir("/tmp/d")))
		return printf("tmp: opendir failed\n"), 1;
	while ((e = readdir(d)))
		n += !strcmp(e->d_name, "b");
	closedir(d);
	if (n != 1 || rmdir("/tmp/d") == 0 || errno != ENOTEMPTY ||
	    unlink("/tmp/d/b") || rmdir("/tmp/d") || access("/tmp/d", F_OK) == 0)
		return printf("tmp: readdir, unlink, rmdir failed\n"), 1;
	printf("tmp: ok\n");
	return 0;
}

static void segv(void)  { *(volatile int *)0 = 1; }
static void ill(void)   { __asm__ volatile("ud2"); }
static void fpe(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx\n\tmovl $1, %%eax\n\t"
			 "cltd\n\tidivl %%ecx" : : : "eax", "ecx", "edx");
}

static void bus(void)
{
	/* A misaligned load with rflags.AC set is #AC: SIGBUS. */
	static char buf[16];

	__asm__ volatile("pushf\n\torl $0x40000, (%%rsp)\n\tpopf\n\t"
			 "movl 1(%0), %%eax" : : "r"(buf) : "eax", "memory");
}

__attribute__((noinline)) void own_code(void);
__attribute__((noinline)) void own_code(void)
{
	/* Write over my own code: read-only, so SIGSEGV. */
	*(volatile unsigned char *)(uintptr_t)&own_code = 0xc3;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "hello";
	struct utsname u;

	if (!strcmp(what, "hello")) {
		printf("hello from a static Linux program\n");
		return 0;
	}
	if (!strcmp(what, "args"))
		return args(argc, argv);
	if (!strcmp(what, "exit"))
		return argc > 2 ? atoi(argv[2]) : 0;
	if (!strcmp(what, "stderr")) {
		fprintf(stderr, "to stderr\n");
		printf("to stdout\n");
		return 0;
	}
	if (!strcmp(what, "tty"))
		return tty();
	if (!strcmp(what, "clock"))
		return clock_test();
	if (!strcmp(what, "malloc"))
		return pressure();
	if (!strcmp(what, "hostile"))
		return hostile();
	if (!strcmp(what, "tmp"))
		return tmp();
	if (!strcmp(what, "cycle"))
		return cycle();
	if (!strcmp(what, "smash")) {
		/* Over its own stack: the personality has one of its own, so
		 * a call still works; returning then faults. */
		volatile char *sp = __builtin_frame_address(0);

		for (int i = -8192; i < 256; i++)
			sp[i] = 0x41;
		syscall(SYS_write, 1, "calls still work\n", 17);
		return 0;
	}
	if (!strcmp(what, "pipe")) {
		int p[2];
		char b[8] = "";

		if (pipe2(p, O_CLOEXEC) || write(p[1], "abc", 3) != 3 ||
		    read(p[0], b, sizeof b) != 3 || memcmp(b, "abc", 3))
			return printf("pipe: write and read failed\n"), 1;
		{
			ssize_t n;

			errno = 0;
			n = read(p[0], b, 1);
			printf("pipe: empty: %zd %s\n", n, strerror(errno));
		}
		close(p[1]);
		printf("pipe: end: %zd\n", read(p[0], b, 1));
		if (pipe(p) || close(p[0]))
			return 1;
		fflush(stdout);
		write(p[1], "x", 1);            /* SIGPIPE: 141 */
		return 0;
	}
	if (!strcmp(what, "links")) {
		static char big[300000];
		int fd;

		errno = 0;
		open("/s", O_RDONLY);
		printf("open-link: %s\n", strerror(errno));
		printf("unlink-link: %d\n", unlink("/s"));
		fd = open("/after", O_WRONLY | O_CREAT, 0644);
		printf("write-after: %d\n", fd >= 0 &&
		       write(fd, big, sizeof big) == (ssize_t)sizeof big &&
		       close(fd) == 0);
		return 0;
	}
	if (!strcmp(what, "rofs")) {
		errno = 0;
		mkdir("/x", 0755);
		printf("mkdir: %s\n", strerror(errno));
		errno = 0;
		open("/a.txt", O_WRONLY);
		printf("open-write: %s\n", strerror(errno));
		return 0;
	}
	if (!strcmp(what, "uname")) {
		uname(&u);
		printf("%s %s %s\n", u.sysname, u.machine, u.release);
		return 0;
	}
	if (!strcmp(what, "segv"))
		segv();
	if (!strcmp(what, "ill"))
		ill();
	if (!strcmp(what, "fpe"))
		fpe();
	if (!strcmp(what, "bus")) {
		bus();
		printf("bus: no #AC on this CPU\n");
		return 3;
	}
	if (!strcmp(what, "owncode"))
		own_code();
	if (!strcmp(what, "abort"))
		abort();
	if (!strcmp(what, "spin"))
		for (;;)
			__asm__ volatile("");
	if (!strcmp(what, "float")) {
		volatile double x = 2.0;

		printf("sqrt-ish %.6f\n", x / 3.0 + 1e-9);
		return 0;
	}
	fprintf(stderr, "probe: unknown test %s\n", what);
	return 2;
}
