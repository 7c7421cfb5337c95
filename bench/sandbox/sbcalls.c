/*
 * The sandbox benchmark's program: an ordinary static Linux program run
 * the same way natively, under gVisor and in our sandbox; it times
 * itself (CLOCK_MONOTONIC) and prints one line, "result VALUE".
 *   sbcalls hello                  nothing: start to exit is the figure
 *   sbcalls getppid N              ns per getppid
 *   sbcalls devnull N              ns per 1-byte write to /dev/null
 *   sbcalls pread N FILE           ns per 4 KiB pread of FILE at 0
 *   sbcalls read FILE              MB/s reading FILE in 1 MiB pieces
 *   sbcalls write FILE MIB         MB/s writing MIB MiB, fsync'd
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	const char *m = argc > 1 ? argv[1] : "hello";
	long n = argc > 2 ? atol(argv[2]) : 0;
	double t0, t;
	int fd;

	if (!strcmp(m, "hello"))
		return 0;
	if (!strcmp(m, "getppid")) {
		t0 = now();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("result %.0f\n", (now() - t0) * 1e9 / n);
		return 0;
	}
	if (!strcmp(m, "devnull") || !strcmp(m, "pread")) {
		int dn = !strcmp(m, "devnull");

		fd = dn ? open("/dev/null", O_WRONLY) :
			  open(argc > 3 ? argv[3] : "", O_RDONLY);
		if (fd < 0)
			return fail(m);
		t0 = now();
		for (long i = 0; i < n; i++)
			if ((dn ? write(fd, "x", 1) : pread(fd, buf, 4096, 0)) <
			    (dn ? 1 : 4096))
				return fail(m);
		printf("result %.0f\n", (now() - t0) * 1e9 / n);
		return 0;
	}
	if (!strcmp(m, "read")) {
		long total = 0;
		ssize_t r;

		fd = open(argc > 2 ? argv[2] : "", O_RDONLY);
		if (fd < 0)
			return fail("read");
		t0 = now();
		while ((r = read(fd, buf, sizeof buf)) > 0)
			total += r;
		t = now() - t0;
		if (r < 0)
			return fail("read");
		printf("result %.1f\n", total / t / 1e6);
		return 0;
	}
	if (!strcmp(m, "write")) {
		long mib = argc > 3 ? atol(argv[3]) : 0;

		fd = open(argc > 2 ? argv[2] : "", O_WRONLY | O_CREAT | O_TRUNC,
			  0644);
		if (fd < 0)
			return fail("write");
		memset(buf, 'w', sizeof buf);
		t0 = now();
		for (long i = 0; i < mib; i++)
			if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
				return fail("write");
		if (fsync(fd) < 0)
			return fail("fsync");
		t = now() - t0;
		close(fd);
		printf("result %.1f\n", mib * (double)sizeof buf / t / 1e6);
		return 0;
	}
	fprintf(stderr, "sbcalls: unknown mode %s\n", m);
	return 2;
}
