/* The net server's IPv4 stack and sockets (guest-servers/drivers/net:
 * eth.c, arp.c, ip.c, udp.c, socket.c): frames in, frames out through a
 * capturing tx hook. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../guest-servers/drivers/net/socket.h"
#include "../../guest-servers/drivers/net/stack.h"

#define US      0x0a00020fu     /* 10.0.2.15 */
#define HOST    0x0a000202u     /* 10.0.2.2 */

static const uint8_t host_mac[6] = { 2, 0, 0, 0, 0, 2 };
static uint8_t sent[8][ETH_FRAME_MAX];
static size_t sent_len[8];
static unsigned nsent;

static int capture(struct netif *nif, const void *frame, size_t len)
{
	(void)nif;
	cr_assert_lt(nsent, 8);
	memcpy(sent[nsent], frame, len);
	sent_len[nsent++] = len;
	return 0;
}

static struct netif nif;

static void setup(void)
{
	memset(&nif, 0, sizeof nif);
	memset(sockets, 0, sizeof sockets);
	memcpy(nif.mac, (uint8_t[]){ 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 6);
	nif.ip = US;
	nif.prefix = 24;
	nif.tx = capture;
	nsent = 0;
}

/* An ARP request from the host for tpa. */
static size_t arp_request(uint8_t *f, uint32_t tpa)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, host_mac, 6);
	put16(f + 12, ETH_P_ARP);
	put16(f + 14, 1);
	put16(f + 16, ETH_P_IP);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, host_mac, 6);
	put32(f + 28, HOST);
	memset(f + 32, 0, 6);
	put32(f + 38, tpa);
	return 60;                      /* padded, as on the wire */
}

/* An IPv4 frame from the host to us carrying payload (proto). */
static size_t ip_frame(uint8_t *f, uint8_t proto, const void *payload,
		       size_t len)
{
	uint8_t *h = f + ETH_HLEN;

	memcpy(f, nif.mac, 6);
	memcpy(f + 6, host_mac, 6);
	put16(f + 12, ETH_P_IP);
	memset(h, 0, IP_HLEN);
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(IP_HLEN + len));
	h[8] = 64;
	h[9] = proto;
	put32(h + 12, HOST);
	put32(h + 16, US);
	put16(h + 10, ip_checksum(h, IP_HLEN, 0));
	memcpy(h + IP_HLEN, payload, len);
	return ETH_HLEN + IP_HLEN + len;
}

Test(user_net, checksum_of_a_known_header, .init = setup)
{
	static const uint8_t h[20] = { 0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40,
				       0x11, 0xb8, 0x61, 0xc0, 0xa8, 0, 1,
				       0xc0, 0xa8, 0, 0xc7 };

	cr_assert_eq(ip_checksum(h, sizeof h, 0), 0);
}

Test(user_net, arp_request_for_us_is_answered_and_learnt, .init = setup)
{
	uint8_t f[64], mac[6];

	eth_input(&nif, f, arp_request(f, US));
	cr_assert_eq(nsent, 1);
	cr_assert_eq(memcmp(sent[0], host_mac, 6), 0, "to the asker");
	cr_assert_eq(get16(sent[0] + 20), 2, "a reply");
	cr_assert_eq(memcmp(sent[0] + 22, nif.mac, 6), 0, "our MAC");
	cr_assert_eq(get32(sent[0] + 28), US);
	cr_assert_eq(arp_resolve(&nif, HOST, mac), 0, "learnt");
	cr_assert_eq(memcmp(mac, host_mac, 6), 0);
	eth_input(&nif, f, arp_request(f, US + 1));
	cr_assert_eq(nsent, 1, "a request for another address: silence");
}

Test(user_net, unknown_next_hop_asks, .init = setup)
{
	uint8_t mac[6];

	cr_assert_eq(arp_resolve(&nif, HOST, mac), -1);
	cr_assert_eq(nsent, 1);
	cr_assert_eq(get16(sent[0] + 12), ETH_P_ARP);
	cr_assert_eq(get32(sent[0] + 38), HOST);
	cr_assert_eq(udp_output(&nif, 7, 0x0a000302u, 9, "x", 1), -3,
		     "off the subnet");
	cr_assert_eq(udp_output(&nif, 7, 0x0a0002ffu, 9, "x", 1), -3,
		     "the subnet's broadcast");
}

Test(user_net, ping_is_answered, .init = setup)
{
	uint8_t f[128], icmp[16] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i',
				     'n', 'g' };
	uint8_t *r;

	eth_input(&nif, f, arp_request(f, US));
	put16(icmp + 2, ip_checksum(icmp, sizeof icmp, 0));
	nsent = 0;
	eth_input(&nif, f, ip_frame(f, IP_PROTO_ICMP, icmp, sizeof icmp));
	cr_assert_eq(nsent, 1);
	r = sent[0] + ETH_HLEN;
	cr_assert_eq(ip_checksum(r, IP_HLEN, 0), 0, "IP header checksum");
	cr_assert_eq(get32(r + 16), HOST);
	cr_assert_eq(r[IP_HLEN], 0, "echo reply");
	cr_assert_eq(ip_checksum(r + IP_HLEN, sizeof icmp, 0), 0);
	cr_assert_eq(memcmp(r + IP_HLEN + 4, icmp + 4, 12), 0, "same data");
	icmp[9] ^= 1;                   /* the checksum is now wrong */
	eth_input(&nif, f, ip_frame(f, IP_PROTO_ICMP, icmp, sizeof icmp));
	cr_assert_eq(nsent, 1, "a bad checksum is dropped");
}

Test(user_net, udp_reaches_its_socket_and_goes_back, .init = setup)
{
	uint8_t f[128], u[13] = { 0x30, 0x39, 0, 7, 0, 13, 0, 0, 'h', 'e',
				  'l', 'l', 'o' };
	struct net_socket *s = &sockets[2];
	const struct dgram *d;
	uint8_t *r;

	cr_assert_eq(sock_port_used(7), -1);
	sock_bind(2, 7);
	cr_assert_eq(sock_port_used(7), 2);
	eth_input(&nif, f, ip_frame(f, IP_PROTO_UDP, u, sizeof u));
	d = sock_peek(s);
	cr_assert(d, "queued (checksum 0: not checked)");
	cr_assert_eq(d->src, HOST);
	cr_assert_eq(d->sport, 12345);
	cr_assert_eq(d->len, 5);
	cr_assert_eq(memcmp(d->data, "hello", 5), 0);
	sock_pop(s);
	cr_assert_null(sock_peek(s));
	u[4] = 0x40;                    /* a length past the packet */
	eth_input(&nif, f, ip_frame(f, IP_PROTO_UDP, u, sizeof u));
	cr_assert_null(sock_peek(s), "a bad length is dropped");

	eth_input(&nif, f, arp_request(f, US));
	nsent = 0;
	cr_assert_eq(udp_output(&nif, 7, HOST, 12345, "hello", 5), 0);
	r = sent[0] + ETH_HLEN;
	cr_assert_eq(get16(r + IP_HLEN + 2), 12345);
	cr_assert_eq(ip_checksum(r + IP_HLEN, UDP_HLEN + 5,
				 (US >> 16) + (US & 0xffff) + (HOST >> 16) +
				 (HOST & 0xffff) + IP_PROTO_UDP +
				 UDP_HLEN + 5), 0, "UDP checksum");
}

Test(user_net, a_closed_socket_frees_its_port, .init = setup)
{
	uint8_t f[128], u[10] = { 0x30, 0x39, 0, 9, 0, 10, 0, 0, 'h', 'i' };

	sock_bind(0, 9);
	sock_bind(1, 10);
	cr_assert_eq(sock_port_used(9), 0);
	cr_assert_eq(sock_port_used(10), 1);
	sock_close(&sockets[0]);
	cr_assert_eq(sock_port_used(9), -1);
	cr_assert_eq(sock_port_used(10), 1);
	eth_input(&nif, f, ip_frame(f, IP_PROTO_UDP, u, sizeof u));
	cr_assert_null(sock_peek(&sockets[0]), "nothing for a closed socket");
	sock_bind(0, 9);
	cr_assert_null(sock_peek(&sockets[0]), "bound anew: an empty queue");
	eth_input(&nif, f, ip_frame(f, IP_PROTO_UDP, u, sizeof u));
	cr_assert_not_null(sock_peek(&sockets[0]));
}
