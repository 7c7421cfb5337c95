/*
 * nettest: a UDP echo server on the net service (proto/net.h). Binds
 * port 7 and sends every datagram back to its sender, arg times (0: 5),
 * then prints `nettest: echoed N datagrams` and `utest net: ok`. A
 * datagram reading exactly `stop` is echoed and ends the loop early
 * (bench/net.sh runs it with a large arg and stops it so). First
 * checks the service's answers to bad requests (errors()). Waits
 * on the socket's notification between RECVs, so it never spins.
 */
#include <proto/net.h>
#include "check.h"
#include "regclient.h"
#include "rpc.h"
#include "umap.h"

#define ECHO_PORT       7
#define STOP            "stop"

static uint64_t net, sock, ntfn, give;

/* Calls ep with label and words (a capability: cap, UK_NO_CAP for none;
 * one accepted into rcv); the reply in *m. rpc.h's result. */
static int call(uint64_t ep, uint64_t label, uint64_t w0, uint64_t w1,
		uint64_t w2, uint64_t cap, uint64_t rcv, struct uk_msg *m)
{
	*m = (struct uk_msg){ .label = label, .w = { w0, w1, w2 }, .cap = cap };
	return rpc_call(ep, m, rcv, NET_E_MAX);
}

/* Counts a failure at line: what failed, with its result r. Returns -1. */
static int fail_at(int line, const char *what, int r)
{
	check_fail(line, what, " result %d", r);
	return -1;
}
#define fail(what, r)   fail_at(__LINE__, (what), (r))

/* Sends len bytes of the buffer to ip:port; retries while the sender's
 * MAC is being resolved. */
static int echo_back(uint64_t ip, uint64_t port, uint64_t len)
{
	struct uk_msg m;
	int r = 0;

	for (int tries = 0; tries < 1000; tries++) {
		r = call(sock, NET_OP_SEND, ip, port, len, UK_NO_CAP, UK_NO_CAP,
			 &m);
		if (r != NET_E_UNREACHABLE)
			return r;
		uk_yield();
	}
	return r;
}

/* Bad requests get their codes and change nothing (the socket on port
 * 7 is bound; buf is its buffer). 0, or -1 after reporting. */
static int errors(uint64_t buf)
{
	uint64_t copy = uk_slot_alloc();
	struct uk_msg m;
	int r;

	r = call(net, NET_OP_RECV, 0, 0, 0, UK_NO_CAP, UK_NO_CAP, &m);
	if (r != NET_E_NO_SOCKET)
		return fail("RECV outside a socket", r);
	r = call(sock, NET_OP_NOTIFIER, 0, 0, 0, UK_NO_CAP, UK_NO_CAP, &m);
	if (r != NET_E_BAD_REQUEST)
		return fail("NOTIFIER without a notification", r);
	r = call(net, NET_OP_BIND, 9, 0, 0, UK_NO_CAP, UK_NO_CAP, &m);
	if (r != NET_E_BAD_BUFFER)
		return fail("BIND without a buffer", r);
	if (uk_cap_copy(buf, copy, UK_R_READ | UK_R_WRITE) != UK_OK)
		return fail("copy", 0);
	r = call(net, NET_OP_BIND, 0, 0, 0, copy, UK_NO_CAP, &m);
	if (r != NET_E_BAD_REQUEST)
		return fail("BIND port 0", r);
	r = call(net, NET_OP_BIND, ECHO_PORT, 0, 0, copy, UK_NO_CAP, &m);
	if (r != NET_E_PORT_IN_USE)
		return fail("BIND a bound port", r);
	r = call(sock, NET_OP_SEND, 0x0a000202, 9, NET_PAYLOAD_MAX + 1,
		 UK_NO_CAP, UK_NO_CAP, &m);
	if (r != NET_E_BAD_REQUEST)
		return fail("SEND too long", r);
	r = call(sock, NET_OP_SEND, 0x0b000001, 9, 1, UK_NO_CAP, UK_NO_CAP,
		 &m);
	if (r != NET_E_UNREACHABLE)
		return fail("SEND off the subnet", r);
	r = call(net, NET_OP_INFO, 0, 0, 0, UK_NO_CAP, UK_NO_CAP, &m);
	if (r != NET_OK || m.w[1] == 0 || m.w[1] > 32 ||
	    m.w[2] >> 48 != 0 || m.w[2] == 0)
		return fail("INFO", r);
	printf("nettest: I am %lu.%lu.%lu.%lu/%lu\n", m.w[0] >> 24,
	       m.w[0] >> 16 & 0xff, m.w[0] >> 8 & 0xff, m.w[0] & 0xff, m.w[1]);
	uk_cap_delete(copy);
	uk_slot_free(copy);
	return 0;
}

int main(uint64_t arg)
{
	uint64_t n = arg ? arg : 5, buf = uk_slot_alloc(), bits, done;
	struct uk_msg m;
	int r, stop = 0;

	net = uk_slot_alloc();
	sock = uk_slot_alloc();
	ntfn = uk_slot_alloc();
	give = uk_slot_alloc();
	r = reg_lookup("net", net);
	if (r != REG_OK) {
		fail("lookup net", r);
		goto out;
	}
	if (uk_mem_alloc(buf, 1) != UK_OK ||
	    uk_mem_map(UK_SELF, buf, UMAP_BUF, UK_R_READ | UK_R_WRITE) != UK_OK) {
		fail("buffer", 0);
		goto out;
	}
	r = call(net, NET_OP_BIND, ECHO_PORT, 0, 0, buf, sock, &m);
	if (r != NET_OK || m.cap != sock) {
		fail("BIND", r);
		goto out;
	}
	/* My notification, given to the socket with the send right. */
	if (uk_obj_create(ntfn, UK_CAP_NTFN) != UK_OK ||
	    uk_cap_copy(ntfn, give, UK_R_SEND) != UK_OK) {
		fail("notification", 0);
		goto out;
	}
	r = call(sock, NET_OP_NOTIFIER, 0, 0, 0, give, UK_NO_CAP, &m);
	if (r != NET_OK) {
		fail("NOTIFIER", r);
		goto out;
	}
	uk_cap_delete(give);
	if (errors(buf) < 0)
		goto out;
	printf("nettest: echoing %lu datagrams on port %u\n", n, ECHO_PORT);
	for (done = 0; done < n && !stop; ) {
		r = call(sock, NET_OP_RECV, 0, 0, 0, UK_NO_CAP, UK_NO_CAP, &m);
		if (r == NET_E_AGAIN) {
			uk_wait(ntfn, &bits);
			continue;
		}
		if (r != NET_OK || m.w[2] > NET_PAYLOAD_MAX) {
			fail("RECV", r);
			goto out;
		}
		stop = m.w[2] == sizeof STOP - 1 &&
		       memcmp((void *)UMAP_BUF, STOP, sizeof STOP - 1) == 0;
		r = echo_back(m.w[0], m.w[1], m.w[2]);
		if (r != NET_OK) {
			fail("SEND", r);
			goto out;
		}
		done++;
	}
	r = call(sock, NET_OP_CLOSE, 0, 0, 0, UK_NO_CAP, UK_NO_CAP, &m);
	if (r != NET_OK) {
		fail("CLOSE", r);
		goto out;
	}
	printf("nettest: echoed %lu datagrams%s\n", done,
	       stop ? " (stopped)" : "");
out:
	return check_verdict("net");
}
