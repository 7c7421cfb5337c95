#include "socket.h"
#include "ulib.h"

#define INDEX_BITS      8       /* badge: generation << 8 | index + 1 */

_Static_assert(NET_SOCKETS_MAX < (1 << INDEX_BITS), "index fits");

struct net_socket sockets[NET_SOCKETS_MAX];
static uint32_t generation;

uint64_t sock_open(uint16_t port, enum net_err *err)
{
	struct net_socket *free = NULL;

	for (unsigned i = 0; i < NET_SOCKETS_MAX; i++) {
		if (sockets[i].open && sockets[i].port == port) {
			*err = NET_E_PORT_IN_USE;
			return 0;
		}
		if (!sockets[i].open && !free)
			free = &sockets[i];
	}
	if (!free) {
		*err = NET_E_FULL;
		return 0;
	}
	memset(free, 0, sizeof *free);
	free->open = 1;
	free->gen = ++generation;
	free->port = port;
	*err = NET_OK;
	return (uint64_t)free->gen << INDEX_BITS | (uint64_t)(free - sockets + 1);
}

struct net_socket *sock_find(uint64_t badge)
{
	uint64_t i = badge & ((1u << INDEX_BITS) - 1);
	struct net_socket *s;

	if (i == 0 || i > NET_SOCKETS_MAX)
		return NULL;
	s = &sockets[i - 1];
	if (!s->open || badge >> INDEX_BITS != s->gen)
		return NULL;
	return s;
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
