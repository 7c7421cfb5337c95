/*
 * The net server's IPv4 stack: Ethernet, ARP, IPv4, ICMP echo, UDP.
 * Pure: no system calls (arp.c, ip.c, udp.c, socket.c can be linked
 * into host tests). Frames go out through the interface's tx hook;
 * frames come in through eth_input. Every length and field of a frame
 * is checked before it is used: the wire is untrusted.
 */
#ifndef NET_STACK_H
#define NET_STACK_H

#include <stddef.h>
#include <stdint.h>

#define ETH_HLEN        14
#define ETH_FRAME_MAX   1514
#define ETH_P_IP        0x0800
#define ETH_P_ARP       0x0806
#define IP_HLEN         20
#define UDP_HLEN        8
#define IP_PROTO_ICMP   1
#define IP_PROTO_UDP    17
#define ARP_CACHE       8

struct arp_entry {
	uint32_t ip;            /* 0: free */
	uint8_t mac[6];
	uint32_t age;           /* use stamp: the oldest is replaced */
};

struct netif {
	uint8_t mac[6];
	uint32_t ip;            /* host order */
	unsigned prefix;        /* 1..32 */
	/* Sends one Ethernet frame (len <= ETH_FRAME_MAX); 0 or -1. */
	int (*tx)(struct netif *nif, const void *frame, size_t len);
	struct arp_entry arp[ARP_CACHE];
	uint32_t arp_clock;
	uint16_t ip_id;
	uint64_t rx_drops;      /* frames we could not use */
};

/* Big-endian loads and stores. */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* eth.c: handles one received frame (any content, any length). */
void eth_input(struct netif *nif, const uint8_t *frame, size_t len);
/* Builds the Ethernet header (to dst, type) in front of frame[ETH_HLEN..)
 * and sends ETH_HLEN + len bytes. 0 or -1. */
int eth_output(struct netif *nif, uint8_t *frame, const uint8_t dst[6],
	       uint16_t type, size_t len);

/* arp.c */
void arp_input(struct netif *nif, const uint8_t *pkt, size_t len);
/* The MAC for next hop ip into mac: 0, or -1 when unknown (a request
 * went out then). */
int arp_resolve(struct netif *nif, uint32_t ip, uint8_t mac[6]);

/* ip.c */
/* The Internet checksum of buf, folded, starting from sum. */
uint16_t ip_checksum(const void *buf, size_t len, uint32_t sum);
void ip_input(struct netif *nif, const uint8_t *pkt, size_t len);
/* Sends the payload at frame[ETH_HLEN + IP_HLEN..) (len bytes) to dst
 * with protocol proto. 0; -1 when the next hop's MAC is unknown (ARP
 * asked); -2 when the device refused; -3 when dst is not on our subnet
 * (no router is known), is its broadcast, or is us. */
int ip_output(struct netif *nif, uint8_t *frame, uint32_t dst,
	      uint8_t proto, size_t len);

/* udp.c */
void udp_input(struct netif *nif, uint32_t src, uint32_t dst,
	       const uint8_t *pkt, size_t len);
/* Sends data (len <= NET_PAYLOAD_MAX) from port sport to dst:dport;
 * ip_output's result. */
int udp_output(struct netif *nif, uint16_t sport, uint32_t dst,
	       uint16_t dport, const void *data, size_t len);

#endif
