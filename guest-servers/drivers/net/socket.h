/*
 * The net server's UDP sockets (proto/net.h) and their receive queues.
 * Pure: no system calls (host-testable). The server maps each socket's
 * buffer and owns its capabilities; this table only records them.
 *
 * Which sockets are open, their badges and owners are libuk's session
 * table (sessions.h, in service.c); this table holds a socket's port,
 * buffer and queue by the same index.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <proto/net.h>

struct dgram {
	uint32_t src;
	uint16_t sport;
	uint16_t len;
	uint8_t data[NET_PAYLOAD_MAX];
};

struct net_socket {
	int open;
	uint16_t port;
	uint64_t mem;           /* slot of the client's buffer capability */
	uint8_t *buf;           /* where the server mapped it */
	uint64_t bytes;
	uint64_t ntfn;          /* slot of its notification, or UK_NO_CAP */
	int arrived;            /* a datagram came since the last signal */
	unsigned head, count;   /* the queue: q[head] is the oldest */
	struct dgram q[NET_RX_QUEUE];
};

extern struct net_socket sockets[NET_SOCKETS_MAX];

/* The index of the socket bound to port, or -1. */
int sock_port_used(uint16_t port);

/* Binds port to entry i (< NET_SOCKETS_MAX), emptied; the caller fills
 * in mem, buf, bytes, ntfn. */
void sock_bind(unsigned i, uint16_t port);

/* Frees s (the caller drops its capabilities first). */
void sock_close(struct net_socket *s);

/* Queues a datagram (len <= NET_PAYLOAD_MAX) for the socket bound to
 * port and marks it arrived. 0, or -1: no such socket, queue full. */
int sock_deliver(uint16_t port, uint32_t src, uint16_t sport,
		 const uint8_t *data, size_t len);

/* The oldest queued datagram of s, or NULL; sock_pop drops it. */
const struct dgram *sock_peek(const struct net_socket *s);
void sock_pop(struct net_socket *s);

#endif
