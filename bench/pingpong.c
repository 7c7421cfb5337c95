/*
 * pingpong: round-trip latency between two host processes pinned to one
 * CPU, over pipes or eventfds: the Linux reference for the IPC benchmark.
 *
 *   pingpong pipe|eventfd [ROUNDS] [BATCH]
 *
 * Prints: MIN MEDIAN P99 N (ns per round trip, over batches of BATCH).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int use_eventfd;
static int fd_ping[2], fd_pong[2];      /* pipes: [0] read, [1] write */
static int ev_ping, ev_pong;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(int which)
{
	uint64_t one = 1;
	char c = 'x';
	int fd = which ? (use_eventfd ? ev_pong : fd_pong[1])
		       : (use_eventfd ? ev_ping : fd_ping[1]);

	if (use_eventfd ? write(fd, &one, 8) != 8 : write(fd, &c, 1) != 1)
		die("write");
}

static void get(int which)
{
	uint64_t v;
	char c;
	int fd = which ? (use_eventfd ? ev_pong : fd_pong[0])
		       : (use_eventfd ? ev_ping : fd_ping[0]);

	if (use_eventfd ? read(fd, &v, 8) != 8 : read(fd, &c, 1) != 1)
		die("read");
}

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long rounds = argc > 2 ? atol(argv[2]) : 100000;
	long batch = argc > 3 ? atol(argv[3]) : 1000;
	long nb, warm = 1000;
	uint64_t *s;
	cpu_set_t cpu;
	pid_t pid;

	if (argc < 2 || (strcmp(argv[1], "pipe") && strcmp(argv[1], "eventfd")) ||
	    rounds < 1 || batch < 1 || batch > rounds) {
		fprintf(stderr, "usage: pingpong pipe|eventfd [ROUNDS] [BATCH]\n");
		return 2;
	}
	use_eventfd = !strcmp(argv[1], "eventfd");
	nb = rounds / batch;
	s = calloc((size_t)nb, sizeof(*s));
	CPU_ZERO(&cpu);
	CPU_SET(0, &cpu);
	if (!s || sched_setaffinity(0, sizeof(cpu), &cpu) < 0)
		die("setup");
	if (use_eventfd) {
		ev_ping = eventfd(0, 0);
		ev_pong = eventfd(0, 0);
		if (ev_ping < 0 || ev_pong < 0)
			die("eventfd");
	} else if (pipe(fd_ping) < 0 || pipe(fd_pong) < 0) {
		die("pipe");
	}
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {                 /* the server: pong every ping */
		for (long i = 0; i < warm + nb * batch; i++) {
			get(0);
			put(1);
		}
		_exit(0);
	}
	for (long i = 0; i < warm; i++) {
		put(0);
		get(1);
	}
	for (long b = 0; b < nb; b++) {
		uint64_t t0 = now();
		for (long i = 0; i < batch; i++) {
			put(0);
			get(1);
		}
		s[b] = (now() - t0) / (uint64_t)batch;
	}
	waitpid(pid, NULL, 0);
	qsort(s, (size_t)nb, sizeof(*s), cmp);
	printf("%llu %llu %llu %ld\n", (unsigned long long)s[0],
	       (unsigned long long)s[nb / 2],
	       (unsigned long long)s[(nb * 99 + 99) / 100 - 1], nb * batch);
	return 0;
}
