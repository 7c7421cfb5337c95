#include "stack.h"
#include "ulib.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void eth_input(struct netif *nif, const uint8_t *frame, size_t len)
{
	const uint8_t *dst = frame;

	if (len < ETH_HLEN ||
	    (memcmp(dst, nif->mac, 6) != 0 && memcmp(dst, bcast, 6) != 0)) {
		nif->rx_drops++;
		return;
	}
	switch (get16(frame + 12)) {
	case ETH_P_ARP:
		arp_input(nif, frame + ETH_HLEN, len - ETH_HLEN);
		break;
	case ETH_P_IP:
		ip_input(nif, frame + ETH_HLEN, len - ETH_HLEN);
		break;
	default:
		nif->rx_drops++;        /* IPv6 and the rest: not ours */
		break;
	}
}

int eth_output(struct netif *nif, uint8_t *frame, const uint8_t dst[6],
	       uint16_t type, size_t len)
{
	if (len > ETH_FRAME_MAX - ETH_HLEN)
		return -1;
	memcpy(frame, dst, 6);
	memcpy(frame + 6, nif->mac, 6);
	put16(frame + 12, type);
	return nif->tx(nif, frame, ETH_HLEN + len);
}
