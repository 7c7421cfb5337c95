/*
 * tree for the sandbox's tests: walks the directory tree under argv[1]
 * (default "/") in sorted order and prints, for each entry below it, its
 * path from there, its kind, its size and an FNV-1a hash of a file's
 * bytes: the same line run natively on the host's copy of the tree.
 * Skips lost+found, which mke2fs adds.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t hash_file(const char *path)
{
	static unsigned char buf[65536];
	uint64_t h = 0xcbf29ce484222325ull;
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		perror(path);
		failed = 1;
		return 0;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3ull;
	if (n < 0) {
		perror(path);
		failed = 1;
	}
	close(fd);
	return h;
}

static void walk(const char *dir, const char *rel)
{
	char *names[4096], path[4096], sub[4096];
	unsigned n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		failed = 1;
		return;
	}
	while ((e = readdir(d)) && n < 4096) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (!*rel && !strcmp(e->d_name, "lost+found")))
			continue;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp);
	for (unsigned i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "",
			 names[i]);
		if (lstat(path, &st) < 0) {
			perror(path);
			failed = 1;
		} else if (S_ISDIR(st.st_mode)) {
			printf("d %s\n", sub);
			walk(path, sub);
		} else if (S_ISREG(st.st_mode)) {
			printf("f %s %lld %016llx\n", sub,
			       (long long)st.st_size,
			       (unsigned long long)hash_file(path));
		} else {
			printf("? %s\n", sub);
		}
		free(names[i]);
	}
}

int main(int argc, char **argv)
{
	walk(argc > 1 ? argv[1] : "/", "");
	return failed;
}
