/*
 * The network service's protocol (the server registers "net"): UDP
 * sockets over IPv4. Request label = enum net_op; reply label = enum
 * net_err, words as listed.
 *
 * Data never travels in messages. A client opens a socket by sending a
 * memory region capability (read and write rights, at least
 * NET_PAYLOAD_MAX bytes; the endpoint cap needs the grant right) with
 * NET_OP_BIND and a UDP port. The reply carries a new endpoint
 * capability, badged for that socket: SEND takes the datagram from the
 * start of that buffer, RECV puts one there. SEND or RECV on any other
 * capability gets NET_E_NO_SOCKET.
 *
 * RECV never blocks: the server is one thread that also drives the
 * device, and it cannot hold a caller while it receives the next
 * message. With no datagram queued it answers NET_E_AGAIN. To wait
 * without spinning, a client gives the socket a notification of its own
 * (NET_OP_NOTIFIER, the capability with the send right): the server
 * signals it (bit NET_NOTIFY_RX) whenever a datagram is queued for the
 * socket, and the bit stays set until the client waits, so `RECV; if
 * NET_E_AGAIN: uk_wait; retry` loses no wake-up. The notification is
 * the client's object, charged to it, not to the server.
 *
 * Sockets belong to the client that bound them: NET_SOCKETS_PER_CLIENT
 * each, and a dead client's are closed when BIND finds all taken. Datagrams that arrive while NET_RX_QUEUE are queued are
 * dropped (UDP is lossy).
 *
 * An IPv4 address in a word is the 32-bit number, host order
 * (10.0.2.15 = 0x0a00020f); a MAC is 48 bits, first byte highest.
 */
#ifndef PROTO_NET_H
#define PROTO_NET_H

#include <stdint.h>

#define NET_PAYLOAD_MAX         1472u   /* UDP payload in one frame */
#define NET_SOCKETS_MAX         8       /* bound sockets at a time */
#define NET_SOCKETS_PER_CLIENT  4       /* of them, one client's */
#define NET_RX_QUEUE            4       /* datagrams queued per socket */
#define NET_NOTIFY_RX           0x1u

enum net_op {
	NET_OP_NONE = 0,        /* reserved: NET_E_BAD_REQUEST */
	NET_OP_BIND,            /* w0 UDP port (1..65535), cap = memory
	                           region (R|W) -> cap = the socket's
	                           endpoint, w0 = buffer bytes */
	NET_OP_SEND,            /* on a socket: w0 destination IPv4, w1
	                           destination port, w2 length (<=
	                           NET_PAYLOAD_MAX): buffer[0..w2) goes out;
	                           answered once the device sent it */
	NET_OP_RECV,            /* on a socket: the oldest queued datagram
	                           into buffer[0..) -> w0 source IPv4, w1
	                           source port, w2 length; NET_E_AGAIN when
	                           none is queued */
	NET_OP_NOTIFIER,        /* on a socket, cap = the client's
	                           notification (send right): signalled on
	                           each arrival, replacing an earlier one */
	NET_OP_INFO,            /* -> w0 our IPv4, w1 prefix length, w2 MAC */
	NET_OP_CLOSE,           /* on a socket: unbind, drop the buffer */
	NET_OP_MAX
};

enum net_err {
	NET_OK = 0,
	NET_E_BAD_REQUEST,      /* unknown label, port 0 or > 65535, bad
	                           length, destination 0 or broadcast */
	NET_E_NO_SOCKET,        /* SEND/RECV/NOTIFIER/CLOSE outside a socket */
	NET_E_BAD_BUFFER,       /* BIND without a memory capability with
	                           read and write rights, or too small */
	NET_E_PORT_IN_USE,      /* BIND: another socket has the port */
	NET_E_FULL,             /* BIND: the client holds its share, or every
	                           socket is a living client's */
	NET_E_AGAIN,            /* RECV: nothing queued yet */
	NET_E_UNREACHABLE,      /* SEND: no MAC yet for the next hop (an ARP
	                           request went out; try again) */
	NET_E_IO,               /* SEND: no transmit buffer, or the device
	                           is broken */
	NET_E_MAX
};

#endif
