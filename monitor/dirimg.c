#define _XOPEN_SOURCE 700
#include "dirimg.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB             (1ull << 20)

static uint64_t bytes, entries;

static int count(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	/* Each file's blocks and an inode; a directory's block. */
	bytes += (uint64_t)st->st_size + 4096;
	entries++;
	return 0;
}

/* mke2fs, where Debian puts it or on PATH. */
static const char *mke2fs(void)
{
	static const char *const at[] = { "/usr/sbin/mke2fs", "/sbin/mke2fs" };

	for (unsigned i = 0; i < 2; i++)
		if (access(at[i], X_OK) == 0)
			return at[i];
	return "mke2fs";
}

/* Runs mke2fs on path from dir; its first line of complaint in why. */
static int run(const char *dir, const char *path, uint64_t inodes,
	       char *why, size_t cap)
{
	char n[32];
	int p[2], status;
	ssize_t got;
	pid_t pid;

	snprintf(n, sizeof n, "%llu", (unsigned long long)inodes);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		execlp(mke2fs(), "mke2fs", "-q", "-F", "-t", "ext2", "-N", n,
		       "-E", "root_owner=0:0", "-d", dir, path, (char *)NULL);
		fprintf(stderr, "cannot run mke2fs (apt-get install "
			"e2fsprogs): %s\n", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	got = read(p[0], why, cap - 1);
	why[got > 0 ? got : 0] = 0;
	why[strcspn(why, "\n")] = 0;
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int dirimg_make(const char *dir, char *path, size_t cap, struct errmsg *err)
{
	const char *tmp = getenv("TMPDIR");
	char why[256] = "";
	uint64_t size;
	struct stat st;
	int fd, r;

	if (stat(dir, &st) < 0) {
		errmsg_set(err, "--dir %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		errmsg_set(err, "--dir %s: not a directory", dir);
		return -ENOTDIR;
	}
	bytes = entries = 0;
	if (nftw(dir, count, 64, FTW_PHYS) != 0) {
		errmsg_set(err, "--dir %s: cannot read it all: %s", dir,
			   strerror(errno));
		return -EIO;
	}
	/* Room for the data, the metadata (an eighth more) and a little
	 * free space, in whole MiB. */
	size = bytes + bytes / 8 + 2 * MIB;
	size = (size + MIB - 1) / MIB * MIB;
	if (size > (2ull << 30)) {
		errmsg_set(err, "--dir %s: too big (%llu MiB; at most 2 GiB)",
			   dir, (unsigned long long)(size / MIB));
		return -EFBIG;
	}
	snprintf(path, cap, "%s/vmm-dir-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		errmsg_set(err, "--dir: cannot make a temporary file: %s",
			   strerror(errno));
		return -errno;
	}
	r = ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
	close(fd);
	if (r == 0)
		r = run(dir, path, entries + 64, why, sizeof why);
	if (r < 0) {
		unlink(path);
		errmsg_set(err, "--dir %s: mke2fs failed: %s", dir,
			   why[0] ? why : strerror(-r));
		return r;
	}
	return 0;
}
