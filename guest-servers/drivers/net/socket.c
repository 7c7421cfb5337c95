#include "socket.h"
#include "ulib.h"

struct net_socket sockets[NET_SOCKETS_MAX];

int sock_port_used(uint16_t port)
{
	for (unsigned i = 0; i < NET_SOCKETS_MAX; i++)
		if (sockets[i].open && sockets[i].port == port)
			return (int)i;
	return -1;
}

void sock_bind(unsigned i, uint16_t port)
{
	memset(&sockets[i], 0, sizeof sockets[i]);
	sockets[i].open = 1;
	sockets[i].port = port;
}

void sock_close(struct net_socket *s)
{
	s->open = 0;
	s->count = 0;
	s->buf = NULL;
}

int sock_deliver(uint16_t port, uint32_t src, uint16_t sport,
		 const uint8_t *data, size_t len)
{
	for (unsigned i = 0; i < NET_SOCKETS_MAX; i++) {
		struct net_socket *s = &sockets[i];
		struct dgram *d;

		if (!s->open || s->port != port)
			continue;
		if (s->count == NET_RX_QUEUE || len > NET_PAYLOAD_MAX)
			return -1;
		d = &s->q[(s->head + s->count) % NET_RX_QUEUE];
		d->src = src;
		d->sport = sport;
		d->len = (uint16_t)len;
		memcpy(d->data, data, len);
		s->count++;
		s->arrived = 1;
		return 0;
	}
	return -1;
}

const struct dgram *sock_peek(const struct net_socket *s)
{
	return s->count ? &s->q[s->head] : NULL;
}

void sock_pop(struct net_socket *s)
{
	if (s->count) {
		s->head = (s->head + 1) % NET_RX_QUEUE;
		s->count--;
	}
}
