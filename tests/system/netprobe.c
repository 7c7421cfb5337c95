/*
 * netprobe: the host side of tests/system/net.sh, built at test time
 * (no ping or nc needed on the machine).
 *   netprobe ping ADDR COUNT    ICMP echo (raw socket: root); prints
 *                               "N/COUNT replies", exit 0 when N == COUNT
 *   netprobe udp ADDR PORT MSG  sends MSG, prints what comes back
 *                               (5 s timeout, 3 tries), exit 0 when equal
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static unsigned short csum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	unsigned long s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += (unsigned)p[0] << 8 | p[1];
	if (len)
		s += (unsigned)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((unsigned short)~s);
}

static int open_socket(int type, int proto, struct sockaddr_in *a,
		       const char *addr)
{
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_INET, type, proto);

	if (fd < 0 || inet_pton(AF_INET, addr, &a->sin_addr) != 1) {
		perror("netprobe: socket");
		exit(2);
	}
	a->sin_family = AF_INET;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

static int ping(const char *addr, int count)
{
	struct sockaddr_in a = { 0 };
	int fd = open_socket(SOCK_RAW, IPPROTO_ICMP, &a, addr), got = 0;

	for (int seq = 1; seq <= count; seq++) {
		unsigned char pkt[64] = { 0 }, in[1500];
		struct icmphdr *h = (struct icmphdr *)pkt;

		h->type = ICMP_ECHO;
		h->un.echo.id = htons(0x1234);
		h->un.echo.sequence = htons((unsigned short)seq);
		memcpy(pkt + 8, "ukern-net-ping", 14);
		h->checksum = csum(pkt, sizeof pkt);
		sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&a, sizeof a);
		for (;;) {
			ssize_t n = recv(fd, in, sizeof in, 0);
			struct iphdr *ip = (struct iphdr *)in;
			struct icmphdr *r;

			if (n < 0)
				break;          /* timed out: lost */
			if (n < (ssize_t)(ip->ihl * 4 + sizeof pkt))
				continue;
			r = (struct icmphdr *)(in + ip->ihl * 4);
			if (r->type == ICMP_ECHOREPLY &&
			    r->un.echo.id == htons(0x1234) &&
			    r->un.echo.sequence == htons((unsigned short)seq) &&
			    memcmp(in + ip->ihl * 4 + 8, pkt + 8, 56) == 0) {
				got++;
				break;
			}
		}
	}
	printf("%d/%d replies\n", got, count);
	return got == count ? 0 : 1;
}

static int udp(const char *addr, int port, const char *msg)
{
	struct sockaddr_in a = { 0 };
	int fd = open_socket(SOCK_DGRAM, 0, &a, addr);
	char in[1500];

	a.sin_port = htons((unsigned short)port);
	for (int tries = 0; tries < 3; tries++) {
		ssize_t n;

		sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&a, sizeof a);
		n = recv(fd, in, sizeof in - 1, 0);
		if (n < 0)
			continue;
		in[n] = '\0';
		printf("%s\n", in);
		return strcmp(in, msg) == 0 ? 0 : 1;
	}
	printf("no answer\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "ping") == 0)
		return ping(argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "udp") == 0)
		return udp(argv[2], atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: netprobe ping ADDR COUNT | udp ADDR PORT MSG\n");
	return 2;
}
