/*
 * IPv4 (RFC 791) without options on send, fragments dropped on receive,
 * and ICMP echo (RFC 792): a request to our address is answered with
 * the same identifier, sequence and data.
 */
#include "stack.h"
#include "ulib.h"

#define ICMP_ECHO_REPLY         0
#define ICMP_ECHO_REQUEST       8
#define IP_TTL                  64

uint16_t ip_checksum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	for (; len > 1; p += 2, len -= 2)
		s += get16(p);
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The next hop for dst: dst itself on our subnet. No router is known
 * (a default gateway is future work), so 0 when dst is elsewhere. */
static uint32_t next_hop(const struct netif *nif, uint32_t dst)
{
	uint32_t mask = nif->prefix >= 32 ? 0xffffffffu :
			~(0xffffffffu >> nif->prefix);

	if ((dst & mask) != (nif->ip & mask) || (dst | mask) == 0xffffffffu)
		return 0;       /* off-link, or the subnet's broadcast */
	return dst;
}

int ip_output(struct netif *nif, uint8_t *frame, uint32_t dst,
	      uint8_t proto, size_t len)
{
	uint8_t *h = frame + ETH_HLEN, mac[6];
	uint32_t hop = next_hop(nif, dst);

	if (hop == 0 || dst == nif->ip || len > ETH_FRAME_MAX - ETH_HLEN - IP_HLEN)
		return -3;
	if (arp_resolve(nif, hop, mac) < 0)
		return -1;
	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, (uint16_t)(IP_HLEN + len));
	put16(h + 4, nif->ip_id++);
	put16(h + 6, 0x4000);           /* don't fragment */
	h[8] = IP_TTL;
	h[9] = proto;
	put16(h + 10, 0);
	put32(h + 12, nif->ip);
	put32(h + 16, dst);
	put16(h + 10, ip_checksum(h, IP_HLEN, 0));
	return eth_output(nif, frame, mac, ETH_P_IP, IP_HLEN + len) < 0 ? -2 : 0;
}

static void icmp_input(struct netif *nif, uint32_t src, const uint8_t *p,
		       size_t len)
{
	static uint8_t frame[ETH_FRAME_MAX];
	uint8_t *r = frame + ETH_HLEN + IP_HLEN;

	if (len < 8 || len > sizeof frame - ETH_HLEN - IP_HLEN ||
	    ip_checksum(p, len, 0) != 0 || p[0] != ICMP_ECHO_REQUEST) {
		nif->rx_drops++;
		return;
	}
	memcpy(r, p, len);
	r[0] = ICMP_ECHO_REPLY;
	r[1] = 0;
	put16(r + 2, 0);
	put16(r + 2, ip_checksum(r, len, 0));
	ip_output(nif, frame, src, IP_PROTO_ICMP, len);
}

void ip_input(struct netif *nif, const uint8_t *p, size_t len)
{
	size_t hlen, total;
	uint32_t src, dst;

	if (len < IP_HLEN || p[0] >> 4 != 4) {
		nif->rx_drops++;
		return;
	}
	hlen = (size_t)(p[0] & 0xf) * 4;
	total = get16(p + 2);
	src = get32(p + 12);
	dst = get32(p + 16);
	if (hlen < IP_HLEN || total < hlen || total > len ||
	    ip_checksum(p, hlen, 0) != 0 || (get16(p + 6) & 0x3fff) != 0 ||
	    dst != nif->ip || src == 0 || src == 0xffffffffu) {
		nif->rx_drops++;        /* bad, a fragment, or not for us */
		return;
	}
	switch (p[9]) {
	case IP_PROTO_ICMP:
		icmp_input(nif, src, p + hlen, total - hlen);
		break;
	case IP_PROTO_UDP:
		udp_input(nif, src, dst, p + hlen, total - hlen);
		break;
	default:
		nif->rx_drops++;
		break;
	}
}
