/*
 * runstat: run a command N times and report wall time and peak RSS.
 *
 *   runstat [-n N] [-w WARMUP] [-s STATUS] [-o FILE] -- CMD ARGS...
 *
 * The command's stdin, stdout and stderr go to /dev/null (-o FILE keeps
 * the last run's stdout and stderr there). Every run must exit with
 * STATUS (default 0), or runstat stops with an error. Prints one line:
 *   wall_ns MIN MEDIAN P99 N rss_kib MIN MEDIAN P99 N
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Run argv once; returns 0 and fills wall/rss, or -1 with a message. */
static int run_once(char **argv, const char *out, int want,
		    uint64_t *wall, uint64_t *rss)
{
	struct rusage ru;
	int status;
	uint64_t t0 = now_ns();
	pid_t pid = fork();

	if (pid < 0) {
		perror("runstat: fork");
		return -1;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)
			    : open("/dev/null", O_WRONLY);
		if (in < 0 || o < 0)
			_exit(126);
		dup2(in, 0);
		dup2(o, 1);
		dup2(o, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat: wait4");
		return -1;
	}
	*wall = now_ns() - t0;
	*rss = (uint64_t)ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != want) {
		fprintf(stderr, "runstat: %s: exit status %d, want %d\n",
			argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			want);
		return -1;
	}
	return 0;
}

static void print_stats(const char *name, uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	int p99 = (int)((n * 99 + 99) / 100) - 1;
	printf("%s %llu %llu %llu %d", name, (unsigned long long)v[0],
	       (unsigned long long)v[n / 2], (unsigned long long)v[p99], n);
}

int main(int argc, char **argv)
{
	int n = 20, warm = 2, want = 0, opt;
	const char *out = NULL;

	while ((opt = getopt(argc, argv, "+n:w:s:o:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 's': want = atoi(optarg); break;
		case 'o': out = optarg; break;
		default: return 2;
		}
	}
	if (optind >= argc || n < 1 || n > 100000 || warm < 0) {
		fprintf(stderr, "usage: runstat [-n N] [-w W] [-s STATUS] [-o FILE] -- CMD...\n");
		return 2;
	}
	uint64_t *wall = calloc((size_t)n, sizeof(*wall));
	uint64_t *rss = calloc((size_t)n, sizeof(*rss));
	if (!wall || !rss)
		return 1;
	for (int i = 0; i < warm + n; i++) {
		uint64_t w, r;
		if (run_once(argv + optind, out, want, &w, &r) < 0)
			return 1;
		if (i >= warm) {
			wall[i - warm] = w;
			rss[i - warm] = r;
		}
	}
	print_stats("wall_ns", wall, n);
	putchar(' ');
	print_stats("rss_kib", rss, n);
	putchar('\n');
	return 0;
}
