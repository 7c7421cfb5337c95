/*
 * Calling a server and serving clients. Every client in user space
 * reports a call's result one way, as an int:
 *
 *	0	the server's OK (every protocol's code 0)
 *	> 0	the server's error code: the reply's label, from its
 *		protocol's enum (in shared/include/proto)
 *	< 0	minus an enum uk_err: the kernel refused the call itself
 *		(-UK_E_DEAD: the server died; look it up again), or
 *		-UK_E_ARG: the reply broke the protocol
 */
#ifndef RPC_H
#define RPC_H

#include <stddef.h>
#include <stdint.h>
#include <ukern/abi.h>

struct sess_table;
struct sess_ops;

/* Calls ep with *m (m->cap: a capability to send, or UK_NO_CAP) and
 * accepts a capability into rcv_slot (UK_NO_CAP: none); the reply
 * replaces *m. The result as above, for a protocol whose codes are
 * below nerr. A capability that came with an error is deleted. */
int rpc_call(uint64_t ep, struct uk_msg *m, uint64_t rcv_slot,
	     uint64_t nerr);

/* A call that sends a capability and gets one back (SETUP with a
 * buffer, BIND): as rpc_call into slot dst, and an OK reply that did
 * not bring a capability into dst breaks the protocol (-UK_E_ARG).
 * dst UK_NO_CAP (uk_slot_alloc found none): -UK_E_NOMEM, nothing sent. */
int rpc_open(uint64_t ep, struct uk_msg *m, uint64_t dst, uint64_t nerr);

/* The name of result r: uk_strerror's for r < 0, names[r] for r below
 * n (a protocol's table), else "?". */
const char *rpc_strerror(int r, const char *const *names, size_t n);

/* A server's loop on ep, forever: receive (a capability a client sends
 * lands in slot *rcv, read anew each time: serve may move it), serve(m)
 * rewrites m into the reply, reply and receive the next. A reply that
 * sent the capability in slot *minted deletes the server's copy
 * afterwards; a failed receive is served as operation 0 (every
 * protocol's "none": answered with an error). A signal on the thread's
 * bound notification (no caller) gets no reply; when it carries
 * SESS_DEATH_BIT (reg_watch_deaths), the sessions in t (if any) of
 * clients that died are ended (sess_reap with ops). */
__attribute__((noreturn)) void rpc_serve_loop(uint64_t ep,
					       const uint64_t *rcv,
					       const uint64_t *minted,
					       void (*serve)(struct uk_msg *m),
					       struct sess_table *t,
					       const struct sess_ops *ops);

#endif
