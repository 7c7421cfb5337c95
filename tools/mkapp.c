/*
 * mkapp: writes the module `./vmm --app` gives the guest (ukern/app.h)
 * to a file, for monitors that take it from a file: QEMU's -initrd.
 *
 *   mkapp [-v] [-e NAME=VALUE]... OUT PROG [ARG...]
 *
 * The clock in it is the time mkapp ran (a VM booted from it later
 * starts that much behind).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ukern/app.h>

#include "app.h"
#include "bundle.h"

#define ENV_MAX 256

int main(int argc, char **argv)
{
	char *env[ENV_MAX];
	struct errmsg err = { .text = "" };
	struct app_info info;
	struct bundle b;
	uint32_t flags = 0;
	int nenv = 0, i = 1, fd;
	struct uk_app *h;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0)
			flags |= UK_APP_VERBOSE;
		else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc &&
			 bundle_env_ok(argv[i + 1]) && nenv < ENV_MAX)
			env[nenv++] = argv[++i];
		else if (strcmp(argv[i], "-e") == 0) {
			fprintf(stderr, "mkapp: -e needs NAME=VALUE\n");
			return 2;
		} else
			break;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: mkapp [-v] [-e NAME=VALUE]... OUT "
			"PROG [ARG...]\n");
		return 2;
	}
	if (app_check(argv[i + 1], &info, &err) < 0 ||
	    bundle_make(&b, argv[i + 1], argc - i - 1, argv + i + 1, nenv, env,
			flags, &err) < 0) {
		fprintf(stderr, "mkapp: %s\n", err.text);
		return 2;
	}
	h = (struct uk_app *)b.data;
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		h->realtime_ns = (uint64_t)ts.tv_sec * 1000000000ull +
				 (uint64_t)ts.tv_nsec;
	}
	fd = open(argv[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, b.data, b.size) != (ssize_t)b.size ||
	    close(fd) < 0) {
		fprintf(stderr, "mkapp: %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	bundle_free(&b);
	return 0;
}
