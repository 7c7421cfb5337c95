#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ukern/app.h>

#define PAGE    4096ull

const char *const bundle_default_env[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"HOME=/",
	"TERM=linux",
	"LANG=C",
	NULL,
};

int bundle_env_ok(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s;
}

/* Whether a and b are NAME=... with the same NAME. */
static int same_name(const char *a, const char *b)
{
	size_t n = (size_t)(strchr(a, '=') - a);

	return strncmp(a, b, n) == 0 && b[n] == '=';
}

/* The environment: the defaults, each overridden or extended by env. */
static int build_env(const char **out, int max, int envc, char *const env[])
{
	int n = 0;

	for (int i = 0; bundle_default_env[i]; i++)
		out[n++] = bundle_default_env[i];
	for (int i = 0; i < envc; i++) {
		int j;

		for (j = 0; j < n && !same_name(env[i], out[j]); j++)
			;
		if (j == n && n == max)
			return -1;
		out[j] = env[i];
		if (j == n)
			n++;
	}
	return n;
}

static int read_file(const char *path, uint8_t *buf, size_t n,
		     struct errmsg *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t done = 0;

	if (fd < 0) {
		errmsg_set(err, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (done < n) {
		ssize_t r = read(fd, buf + done, n - done);

		if (r <= 0) {
			errmsg_set(err, "%s: %s", path, r < 0 ? strerror(errno)
				   : "changed while being read");
			close(fd);
			return -EIO;
		}
		done += (size_t)r;
	}
	close(fd);
	return 0;
}

int bundle_make(struct bundle *b, const char *path, int argc,
		char *const argv[], int envc, char *const env[],
		uint32_t flags, struct errmsg *err)
{
	const char *envv[UK_APP_ARGS_MAX];
	struct uk_app h = { .magic = UK_APP_MAGIC, .version = UK_APP_VERSION,
			    .flags = flags };
	struct winsize ws;
	struct stat st;
	size_t strings = 0, off;
	int n, r;

	b->data = NULL;
	b->size = 0;
	n = build_env(envv, UK_APP_ARGS_MAX, envc, env);
	if (n < 0 || (size_t)argc + (size_t)n > UK_APP_ARGS_MAX) {
		errmsg_set(err, "too many arguments and environment "
			   "variables (at most %u)", UK_APP_ARGS_MAX);
		return -E2BIG;
	}
	for (int i = 0; i < argc; i++)
		strings += strlen(argv[i]) + 1;
	for (int i = 0; i < n; i++)
		strings += strlen(envv[i]) + 1;
	if (strings > UK_APP_STRINGS_MAX) {
		errmsg_set(err, "arguments and environment too long (%zu "
			   "bytes, at most %u)", strings, UK_APP_STRINGS_MAX);
		return -E2BIG;
	}
	if (stat(path, &st) < 0) {
		errmsg_set(err, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (isatty(STDIN_FILENO))
		h.flags |= UK_APP_TTY_IN;
	if (isatty(STDOUT_FILENO))
		h.flags |= UK_APP_TTY_OUT;
	if (isatty(STDERR_FILENO))
		h.flags |= UK_APP_TTY_ERR;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		h.rows = ws.ws_row;
		h.cols = ws.ws_col;
	}
	if (getrandom(h.seed, sizeof h.seed, 0) != (ssize_t)sizeof h.seed) {
		errmsg_set(err, "getrandom: %s", strerror(errno));
		return -EIO;
	}
	h.argc = (uint32_t)argc;
	h.envc = (uint32_t)n;
	h.strings_off = sizeof h;
	h.strings_size = (uint32_t)strings;
	h.elf_off = (sizeof h + strings + 15) & ~15ull;
	h.elf_size = (uint64_t)st.st_size;
	h.size = h.elf_off + h.elf_size;
	if (h.size > UK_APP_SIZE_MAX) {
		errmsg_set(err, "%s: too big for the sandbox (%llu bytes with "
			   "its arguments, at most %u)", path,
			   (unsigned long long)h.size, UK_APP_SIZE_MAX);
		return -EFBIG;
	}
	b->data = calloc(1, h.size);
	if (!b->data) {
		errmsg_set(err, "out of memory for the program");
		return -ENOMEM;
	}
	memcpy(b->data, &h, sizeof h);
	off = sizeof h;
	for (int i = 0; i < argc; i++) {
		memcpy(b->data + off, argv[i], strlen(argv[i]) + 1);
		off += strlen(argv[i]) + 1;
	}
	for (int i = 0; i < n; i++) {
		memcpy(b->data + off, envv[i], strlen(envv[i]) + 1);
		off += strlen(envv[i]) + 1;
	}
	r = read_file(path, b->data + h.elf_off, h.elf_size, err);
	if (r < 0) {
		bundle_free(b);
		return r;
	}
	b->size = h.size;
	return 0;
}

int bundle_place(const struct bundle *b, struct mem *m, gpa_t floor,
		 gpa_t *at, struct errmsg *err)
{
	uint64_t need = (b->size + PAGE - 1) & ~(PAGE - 1);
	uint8_t *p;

	/* floor + need cannot wrap: both are far below 2^63. */
	if (need > m->size || m->size - need < floor) {
		errmsg_set(err, "the program (%zu bytes) does not fit in "
			   "%llu MiB of guest RAM (try a larger --mem)", b->size,
			   (unsigned long long)(m->size >> 20));
		return -ENOMEM;
	}
	*at = m->size - need;
	p = mem_ptr(m, *at, b->size);
	if (!p) {
		errmsg_set(err, "the program does not fit in guest RAM");
		return -ENOMEM;
	}
	memcpy(p, b->data, b->size);
	return 0;
}

void bundle_stamp(struct mem *m, gpa_t at)
{
	struct uk_app *h = mem_ptr(m, at, sizeof *h);
	struct timespec ts;

	if (h && clock_gettime(CLOCK_REALTIME, &ts) == 0)
		h->realtime_ns = (uint64_t)ts.tv_sec * 1000000000ull +
				 (uint64_t)ts.tv_nsec;
}

void bundle_free(struct bundle *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}
