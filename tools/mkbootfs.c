/*
 * mkbootfs OUT FILE...: packs FILEs into the boot archive of
 * shared/include/ukern/bootfs.h. An entry's name is the file's basename
 * without a trailing ".elf" (1..31 bytes); the first must be "init".
 * Data start 16-byte aligned, in the order given. A path given again is
 * packed once (make may list a server more than once); two different
 * files with the same entry name are an error.
 *
 * Errors are one line, "mkbootfs: FILE: reason", and exit status 2. The
 * archive is written to OUT.tmp and renamed, so OUT is either the whole
 * new archive or untouched.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ukern/bootfs.h>

#define ALIGN           16u

struct input {
	const char *path;
	char name[BOOTFS_NAME_MAX];
	unsigned char *data;
	size_t size;
};

static const char *tmp_path;

static void die(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void die(const char *what, const char *fmt, ...)
{
	va_list ap;

	if (tmp_path)
		unlink(tmp_path);
	fprintf(stderr, "mkbootfs: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* The entry name of path into name (NUL-padded), or dies. */
static void entry_name(const char *path, char name[BOOTFS_NAME_MAX])
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n >= 4 && strcmp(base + n - 4, ".elf") == 0)
		n -= 4;
	if (n == 0)
		die(path, "empty entry name");
	if (n > BOOTFS_NAME_MAX - 1)
		die(path, "entry name longer than %d bytes",
		    BOOTFS_NAME_MAX - 1);
	memset(name, 0, BOOTFS_NAME_MAX);
	memcpy(name, base, n);
}

/* Reads the whole regular file in->path, or dies. */
static void read_input(struct input *in)
{
	struct stat st;
	FILE *f = fopen(in->path, "rb");

	if (!f)
		die(in->path, "%s", strerror(errno));
	if (fstat(fileno(f), &st) < 0)
		die(in->path, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		die(in->path, "not a regular file");
	if ((uint64_t)st.st_size > UINT32_MAX)
		die(in->path, "larger than 4 GiB");
	in->size = (size_t)st.st_size;
	in->data = malloc(in->size ? in->size : 1);
	if (!in->data)
		die(in->path, "out of memory");
	if (fread(in->data, 1, in->size, f) != in->size)
		die(in->path, "short read");
	fclose(f);
}

static uint64_t align_up(uint64_t v)
{
	return (v + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
}

int main(int argc, char **argv)
{
	static const unsigned char zeros[ALIGN];
	struct bootfs_header hdr = { .magic = BOOTFS_MAGIC,
				     .version = BOOTFS_VERSION };
	struct bootfs_entry *ents;
	struct input *in;
	char *tmp;
	uint64_t off;
	size_t count;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: mkbootfs OUT FILE...\n");
		return 2;
	}
	in = calloc((size_t)argc - 2, sizeof *in);
	ents = calloc((size_t)argc - 2, sizeof *ents);
	if (!in || !ents)
		die(argv[1], "out of memory");

	/* Check everything first: names, then the files. */
	count = 0;
	for (int a = 2; a < argc; a++) {
		struct input *cur = &in[count];
		int again = 0;

		cur->path = argv[a];
		entry_name(cur->path, cur->name);
		if (count == 0 && strcmp(cur->name, "init") != 0)
			die(cur->path, "the first file must be named init");
		for (size_t j = 0; j < count && !again; j++) {
			if (strcmp(cur->name, in[j].name) != 0)
				continue;
			if (strcmp(cur->path, in[j].path) != 0)
				die(cur->path, "entry name \"%s\" used twice",
				    cur->name);
			again = 1;
		}
		if (!again)
			count++;
	}
	off = align_up(sizeof hdr + count * sizeof *ents);
	for (size_t i = 0; i < count; i++) {
		read_input(&in[i]);
		memcpy(ents[i].name, in[i].name, BOOTFS_NAME_MAX);
		ents[i].offset = (uint32_t)off;
		ents[i].size = (uint32_t)in[i].size;
		off = align_up(off + in[i].size);
		if (off > UINT32_MAX)
			die(in[i].path, "archive larger than 4 GiB");
	}
	hdr.count = (uint32_t)count;
	hdr.size = (uint32_t)off;

	if (asprintf(&tmp, "%s.tmp", argv[1]) < 0)
		die(argv[1], "out of memory");
	f = fopen(tmp, "wb");
	if (!f)
		die(tmp, "%s", strerror(errno));
	tmp_path = tmp;
	off = sizeof hdr + count * sizeof *ents;
	if (fwrite(&hdr, sizeof hdr, 1, f) != 1 ||
	    fwrite(ents, sizeof *ents, count, f) != count ||
	    fwrite(zeros, 1, align_up(off) - off, f) != align_up(off) - off)
		die(tmp, "write failed");
	for (size_t i = 0; i < count; i++) {
		size_t pad = align_up(in[i].size) - in[i].size;

		if (fwrite(in[i].data, 1, in[i].size, f) != in[i].size ||
		    fwrite(zeros, 1, pad, f) != pad)
			die(tmp, "write failed");
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0)
		die(tmp, "write failed: %s", strerror(errno));
	if (rename(tmp, argv[1]) != 0)
		die(argv[1], "%s", strerror(errno));
	return 0;
}
