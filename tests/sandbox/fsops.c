/*
 * fsops for the sandbox's tests: on a writable / (--disk), makes a tree,
 * writes, renames, truncates and deletes, checks what it reads back, and
 * prints one line per step; the test then looks at the image with
 * e2fsck and debugfs. "fsops check" reads back what "fsops" left.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int bad;

#define CHECK(what, cond) do { \
	if (!(cond)) { \
		printf("FAIL %s: %s\n", what, strerror(errno)); \
		bad = 1; \
	} else { \
		printf("ok %s\n", what); \
	} \
} while (0)

static int write_file(const char *path, const char *s, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (write(fd, s, n) != (ssize_t)n || fsync(fd) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static ssize_t read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = read(fd, buf, n);
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	static char big[300000];
	char buf[400000], cwd[256];
	struct stat st;
	ssize_t n;
	void *p;
	int fd;

	if (argc > 1 && !strcmp(argv[1], "check")) {
		n = read_file("/data/kept.txt", buf, sizeof buf);
		CHECK("what an earlier run wrote is there",
		      n == 5 && !memcmp(buf, "kept\n", 5));
		return bad;
	}
	CHECK("mkdir /data", mkdir("/data", 0755) == 0);
	CHECK("mkdir again is EEXIST", mkdir("/data", 0755) < 0 &&
	      errno == EEXIST);
	CHECK("mkdir /data/sub", mkdir("/data/sub", 0700) == 0);
	CHECK("write a.txt", write_file("/data/a.txt", "alpha\n", 6) == 0);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	CHECK("write a 300 KB file", write_file("/data/big", big,
						sizeof big) == 0);
	n = read_file("/data/big", buf, sizeof buf);
	CHECK("read it back", n == (ssize_t)sizeof big &&
	      !memcmp(buf, big, sizeof big));
	CHECK("chdir /data", chdir("/data") == 0);
	CHECK("getcwd", getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/data"));
	CHECK("relative open", read_file("a.txt", buf, 100) == 6);
	CHECK("rename a.txt to sub/b.txt", rename("a.txt", "sub/b.txt") == 0);
	CHECK("old name gone", access("a.txt", F_OK) < 0 && errno == ENOENT);
	CHECK("new name there", stat("sub/b.txt", &st) == 0 &&
	      st.st_size == 6 && S_ISREG(st.st_mode));
	fd = open("/data/big", O_RDWR);
	CHECK("open big read-write", fd >= 0);
	CHECK("ftruncate to 5000", ftruncate(fd, 5000) == 0);
	CHECK("fstat says 5000", fstat(fd, &st) == 0 && st.st_size == 5000);
	CHECK("lseek to the end", lseek(fd, 0, SEEK_END) == 5000);
	CHECK("append", write(fd, "END", 3) == 3);
	CHECK("pread", pread(fd, buf, 3, 5000) == 3 && !memcmp(buf, "END", 3));
	p = mmap(NULL, 5003, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK("mmap of the file", p != MAP_FAILED &&
	      !memcmp(p, big, 5000) && !memcmp((char *)p + 5000, "END", 3));
	CHECK("close", close(fd) == 0);
	{
		/* Two descriptions of one file: what one writes, the other
		 * reads at once (the personality's read cache is dropped). */
		int r = open("/data/big", O_RDONLY), w = open("/data/big", O_WRONLY);

		CHECK("read through one", pread(r, buf, 4, 100) == 4);
		CHECK("write through another", pwrite(w, "NEW!", 4, 100) == 4);
		CHECK("the first sees it", pread(r, buf, 4, 100) == 4 &&
		      !memcmp(buf, "NEW!", 4));
		close(r);
		close(w);
	}
	CHECK("write kept.txt", write_file("/data/kept.txt", "kept\n", 5) == 0);
	CHECK("write doomed", write_file("/data/doomed", "x", 1) == 0);
	CHECK("unlink doomed", unlink("/data/doomed") == 0);
	CHECK("rmdir a non-empty directory is ENOTEMPTY",
	      rmdir("/data/sub") < 0 && errno == ENOTEMPTY);
	CHECK("mkdir empty", mkdir("/data/empty", 0755) == 0);
	CHECK("rmdir empty", rmdir("/data/empty") == 0);
	CHECK("open a missing file is ENOENT",
	      open("/nope", O_RDONLY) < 0 && errno == ENOENT);
	CHECK("O_EXCL on an existing file is EEXIST",
	      open("/data/kept.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) < 0 &&
	      errno == EEXIST);
	CHECK("writing a directory is EISDIR",
	      open("/data", O_WRONLY) < 0 && errno == EISDIR);
	CHECK("../.. stays in /", read_file("/../../../data/kept.txt", buf,
					    10) == 5);
	return bad;
}
