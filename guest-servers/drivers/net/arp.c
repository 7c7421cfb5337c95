/*
 * ARP for IPv4 over Ethernet (RFC 826): a cache of ARP_CACHE entries,
 * the least recently used one replaced. A request for our address is
 * answered and its sender learnt (the host that asks is about to talk
 * to us); a reply updates the cache.
 */
#include "stack.h"
#include "ulib.h"

#define ARP_LEN         28
#define ARP_REQUEST     1
#define ARP_REPLY       2

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct arp_entry *lookup(struct netif *nif, uint32_t ip)
{
	if (ip == 0)
		return NULL;            /* 0 marks a free entry */
	for (unsigned i = 0; i < ARP_CACHE; i++)
		if (nif->arp[i].ip == ip)
			return &nif->arp[i];
	return NULL;
}

static void learn(struct netif *nif, uint32_t ip, const uint8_t mac[6])
{
	struct arp_entry *e = lookup(nif, ip), *old = &nif->arp[0];

	if (!e) {
		for (unsigned i = 1; i < ARP_CACHE; i++)
			if (nif->arp[i].age < old->age)
				old = &nif->arp[i];
		e = old;
	}
	e->ip = ip;
	memcpy(e->mac, mac, 6);
	e->age = ++nif->arp_clock;
}

/* Sends an ARP packet of op to (tha, tpa); the frame goes to eth_dst. */
static int send_arp(struct netif *nif, uint16_t op, const uint8_t eth_dst[6],
		    const uint8_t tha[6], uint32_t tpa)
{
	uint8_t frame[ETH_HLEN + ARP_LEN];
	uint8_t *p = frame + ETH_HLEN;

	put16(p, 1);                    /* Ethernet */
	put16(p + 2, ETH_P_IP);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, op);
	memcpy(p + 8, nif->mac, 6);
	put32(p + 14, nif->ip);
	memcpy(p + 18, tha, 6);
	put32(p + 24, tpa);
	return eth_output(nif, frame, eth_dst, ETH_P_ARP, ARP_LEN);
}

void arp_input(struct netif *nif, const uint8_t *p, size_t len)
{
	uint32_t spa, tpa;
	uint16_t op;

	if (len < ARP_LEN || get16(p) != 1 || get16(p + 2) != ETH_P_IP ||
	    p[4] != 6 || p[5] != 4) {
		nif->rx_drops++;
		return;
	}
	op = get16(p + 6);
	spa = get32(p + 14);
	tpa = get32(p + 24);
	if (tpa != nif->ip || spa == 0 || spa == 0xffffffffu ||
	    (op != ARP_REQUEST && op != ARP_REPLY) || (p[8] & 1)) {
		nif->rx_drops++;        /* not for us, or a bogus sender */
		return;
	}
	learn(nif, spa, p + 8);
	if (op == ARP_REQUEST)
		send_arp(nif, ARP_REPLY, p + 8, p + 8, spa);
}

int arp_resolve(struct netif *nif, uint32_t ip, uint8_t mac[6])
{
	static const uint8_t zero[6];
	struct arp_entry *e = lookup(nif, ip);

	if (e) {
		memcpy(mac, e->mac, 6);
		e->age = ++nif->arp_clock;
		return 0;
	}
	send_arp(nif, ARP_REQUEST, bcast, zero, ip);
	return -1;
}
