/*
 * netrtt: round-trip times for bench/net.sh, built at bench time (no ping
 * or nc needed). One probe in flight at a time, 56 bytes of payload.
 *   netrtt ping ADDR COUNT WARM       ICMP echo (raw socket: root)
 *   netrtt udp ADDR PORT COUNT WARM   UDP datagrams to an echo server
 *     both discard WARM samples, then time COUNT and print
 *     "MIN MEDIAN P99 N LOST" in microseconds (N answered of COUNT;
 *     a probe unanswered within 1 s is lost); exit 0 when N > 0
 *   netrtt stop ADDR PORT             sends "stop" until it is echoed
 *   netrtt echo PORT                  a UDP echo server that ends after
 *                                     echoing a "stop" datagram
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD         56
#define MAX_LOST        20      /* in a row: give up */

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint16_t csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/* A socket with a 1 s receive timeout, addressed to addr:port; the fd or
 * -errno. */
static int open_to(int type, int proto, const char *addr, int port,
		   struct sockaddr_in *a)
{
	struct timeval tv = { 1, 0 };
	int fd;

	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, type, proto);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Probe seq: the request in out (len bytes, already built); the reply is
 * recognised by match(). The round trip in ns, or 0 when lost. */
static uint64_t probe(int fd, const struct sockaddr_in *a, const void *out,
		      size_t len, int (*match)(const uint8_t *, ssize_t,
					       const void *))
{
	uint8_t in[2048];
	uint64_t t0 = now_ns();

	if (sendto(fd, out, len, 0, (const struct sockaddr *)a, sizeof *a) < 0)
		return 0;
	for (;;) {
		ssize_t n = recv(fd, in, sizeof in, 0);

		if (n < 0)
			return 0;
		if (match(in, n, out)) {
			uint64_t t = now_ns() - t0;

			return t ? t : 1;
		}
	}
}

static int icmp_match(const uint8_t *in, ssize_t n, const void *out)
{
	const struct iphdr *ip = (const struct iphdr *)in;
	const struct icmphdr *r, *q = out;

	if (n < (ssize_t)sizeof *ip ||
	    n < (ssize_t)(ip->ihl * 4 + sizeof *q + PAYLOAD))
		return 0;
	r = (const struct icmphdr *)(in + ip->ihl * 4);
	return r->type == ICMP_ECHOREPLY && r->un.echo.id == q->un.echo.id &&
	       r->un.echo.sequence == q->un.echo.sequence &&
	       memcmp(r + 1, q + 1, PAYLOAD) == 0;
}

static int udp_match(const uint8_t *in, ssize_t n, const void *out)
{
	return n == PAYLOAD && memcmp(in, out, PAYLOAD) == 0;
}

/* Builds probe number seq for mode ("ping" or "udp") into buf; its length. */
static size_t build(const char *mode, unsigned seq, uint8_t *buf)
{
	struct icmphdr *h = (struct icmphdr *)buf;
	uint8_t *data = buf;

	if (strcmp(mode, "ping") == 0) {
		memset(h, 0, sizeof *h);
		h->type = ICMP_ECHO;
		h->un.echo.id = htons((uint16_t)getpid());
		h->un.echo.sequence = htons((uint16_t)seq);
		data = buf + sizeof *h;
	}
	memset(data, 'u', PAYLOAD);
	snprintf((char *)data, PAYLOAD, "netrtt %u %d", seq, (int)getpid());
	if (data == buf)
		return PAYLOAD;
	h->checksum = csum(buf, sizeof *h + PAYLOAD);
	return sizeof *h + PAYLOAD;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned long long us(uint64_t ns)
{
	return (ns + 500) / 1000;
}

/* Warm-ups, then count timed probes; prints the summary. 0, or -1 when
 * nothing came back. */
static int measure(const char *mode, int fd, const struct sockaddr_in *a,
		   int count, int warm)
{
	uint64_t *v = calloc((size_t)count, sizeof *v), t;
	uint8_t buf[sizeof(struct icmphdr) + PAYLOAD];
	int n = 0, lost = 0, row = 0;
	int (*match)(const uint8_t *, ssize_t, const void *) =
		strcmp(mode, "ping") == 0 ? icmp_match : udp_match;

	if (!v)
		return -1;
	for (int i = 0; i < warm + count && row < MAX_LOST; i++) {
		size_t len = build(mode, (unsigned)i, buf);

		t = probe(fd, a, buf, len, match);
		row = t ? 0 : row + 1;
		if (i < warm)
			continue;
		if (t)
			v[n++] = t;
		else
			lost++;
	}
	if (n == 0) {
		fprintf(stderr, "netrtt: %s: no answers\n", mode);
		free(v);
		return -1;
	}
	qsort(v, (size_t)n, sizeof *v, cmp_u64);
	printf("%llu %llu %llu %d %d\n", us(v[0]), us(v[n / 2]),
	       us(v[(n * 99 + 99) / 100 - 1]), n, count - n);
	free(v);
	return 0;
}

/* Echoes datagrams on port until one reads "stop". 0, or -errno. */
static int echo(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char in[2048];

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return -errno;
	for (;;) {
		socklen_t alen = sizeof a;
		ssize_t n = recvfrom(fd, in, sizeof in, 0,
				     (struct sockaddr *)&a, &alen);

		if (n < 0)
			return -errno;
		sendto(fd, in, (size_t)n, 0, (struct sockaddr *)&a, alen);
		if (n == 4 && memcmp(in, "stop", 4) == 0)
			return 0;
	}
}

/* Sends "stop" (up to 10 tries) until it comes back. 0, or -1. */
static int stop(int fd, const struct sockaddr_in *a)
{
	char in[16];

	for (int tries = 0; tries < 10; tries++) {
		sendto(fd, "stop", 4, 0, (const struct sockaddr *)a, sizeof *a);
		if (recv(fd, in, sizeof in, 0) == 4 && memcmp(in, "stop", 4) == 0)
			return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	int fd;

	if (argc == 3 && strcmp(argv[1], "echo") == 0)
		return echo(atoi(argv[2])) == 0 ? 0 : 1;
	if (argc == 5 && strcmp(argv[1], "ping") == 0)
		fd = open_to(SOCK_RAW, IPPROTO_ICMP, argv[2], 0, &a);
	else if ((argc == 6 && strcmp(argv[1], "udp") == 0) ||
		 (argc == 4 && strcmp(argv[1], "stop") == 0))
		fd = open_to(SOCK_DGRAM, 0, argv[2], atoi(argv[3]), &a);
	else {
		fprintf(stderr, "usage: netrtt ping ADDR COUNT WARM | "
			"udp ADDR PORT COUNT WARM | stop ADDR PORT | echo PORT\n");
		return 2;
	}
	if (fd < 0) {
		fprintf(stderr, "netrtt: %s: %s\n", argv[2], strerror(-fd));
		return 2;
	}
	if (strcmp(argv[1], "stop") == 0)
		return stop(fd, &a) == 0 ? 0 : 1;
	if (strcmp(argv[1], "ping") == 0)
		return measure("ping", fd, &a, atoi(argv[3]), atoi(argv[4])) ? 1 : 0;
	return measure("udp", fd, &a, atoi(argv[4]), atoi(argv[5])) ? 1 : 0;
}
