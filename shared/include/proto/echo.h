/*
 * The echo service: the demo server, also the peer of the IPC tests and
 * of the IPC benchmark. Request label = operation; reply label = enum
 * echo_err.
 */
#ifndef PROTO_ECHO_H
#define PROTO_ECHO_H

enum echo_op {
	ECHO_OP_NONE = 0,
	ECHO_OP_ECHO,           /* w0..w3 -> the same words */
	ECHO_OP_MINT,           /* w0 badge -> cap: a send-only copy of the
	                           service endpoint carrying that badge with
	                           REG_SERVER_BADGE_BIT set (never a client's
	                           identity, proto/registry.h) */
	ECHO_OP_WHO,            /* -> w0 = the caller's badge */
	ECHO_OP_SIGNAL,         /* cap = notification, w0 bits: signal it */
	ECHO_OP_MAX
};

enum echo_err {
	ECHO_OK = 0,
	ECHO_E_BAD_REQUEST,
	ECHO_E_NO_CAP,          /* the operation needs a capability */
	ECHO_E_FAILED,          /* the kernel refused (mint, signal) */
};

#endif
