/*
 * UDP (RFC 768). On receive the checksum is checked when the sender
 * computed one (non-zero); on send it is always computed.
 */
#include <proto/net.h>
#include "socket.h"
#include "stack.h"
#include "ulib.h"

/* The checksum over the pseudo-header and the UDP packet p (len). */
static uint16_t udp_sum(uint32_t src, uint32_t dst, const uint8_t *p,
			size_t len)
{
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) +
		       (dst & 0xffff) + IP_PROTO_UDP + (uint32_t)len;

	return ip_checksum(p, len, sum);
}

void udp_input(struct netif *nif, uint32_t src, uint32_t dst,
	       const uint8_t *p, size_t len)
{
	size_t ulen;

	if (len < UDP_HLEN) {
		nif->rx_drops++;
		return;
	}
	ulen = get16(p + 4);
	if (ulen < UDP_HLEN || ulen > len ||
	    (get16(p + 6) != 0 && udp_sum(src, dst, p, ulen) != 0) ||
	    get16(p) == 0) {
		nif->rx_drops++;
		return;
	}
	if (sock_deliver(get16(p + 2), src, get16(p), p + UDP_HLEN,
			 ulen - UDP_HLEN) < 0)
		nif->rx_drops++;        /* no socket, or its queue is full */
}

int udp_output(struct netif *nif, uint16_t sport, uint32_t dst,
	       uint16_t dport, const void *data, size_t len)
{
	static uint8_t frame[ETH_FRAME_MAX];
	uint8_t *u = frame + ETH_HLEN + IP_HLEN;
	uint16_t sum;

	if (len > NET_PAYLOAD_MAX)
		return -2;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(UDP_HLEN + len));
	put16(u + 6, 0);
	memcpy(u + UDP_HLEN, data, len);
	sum = udp_sum(nif->ip, dst, u, UDP_HLEN + len);
	put16(u + 6, sum ? sum : 0xffff);
	return ip_output(nif, frame, dst, IP_PROTO_UDP, UDP_HLEN + len);
}
