#include <proto/net.h>
#include "regclient.h"
#include "service.h"
#include "sessions.h"
#include "socket.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define SOCK_SPAN       0x100000ull
#define SOCK_PAGES_MAX  (SOCK_SPAN / UK_PAGE_SIZE)

static uint64_t ep;             /* my endpoint */
static uint64_t rcv;            /* empty slot for a client's capability */
static uint64_t out;            /* a capability on its way out */
static int out_used;
#define SEND_SPINS      100000  /* yields while a frame goes out */

static struct netif *nif;
static int (*tx_sent)(void);
static struct sess_table table;

static void end(unsigned i, void *ctx);
static const struct sess_ops ops = { .alive = reg_client_alive, .end = end };

/* The open socket badge names, or NULL. */
static struct net_socket *find(uint64_t badge)
{
	int i = sess_find(&table, badge);

	return i < 0 ? NULL : &sockets[i];
}

void service_init(uint64_t e, struct netif *n, int (*sent)(void))
{
	ep = e;
	nif = n;
	tx_sent = sent;
	rcv = uk_slot_alloc();
	out = uk_slot_alloc();
	sess_init(&table, NET_SOCKETS_MAX, NET_SOCKETS_PER_CLIENT);
}

uint64_t service_rcv(void)
{
	return rcv;
}

void service_reap(void)
{
	sess_reap(&table, &ops);
}

void service_sent(void)
{
	if (out_used)
		uk_cap_delete(out);     /* the client has its copy */
	out_used = 0;
}

static unsigned index_of(const struct net_socket *s)
{
	return (unsigned)(s - sockets);
}

/* BIND by owner: the buffer arrived in rcv; the socket keeps it there. */
static enum net_err op_bind(struct uk_msg *m, uint64_t port, uint64_t owner)
{
	uint64_t type, rights, badge, pages, phys, va;
	uint64_t need = UK_R_READ | UK_R_WRITE;
	struct net_socket *s;
	int i;

	if (port == 0 || port > 0xffff)
		return NET_E_BAD_REQUEST;
	if (uk_cap_info(rcv, &type, &rights, &badge) != UK_OK ||
	    type != UK_CAP_MEMORY || (rights & need) != need ||
	    uk_mem_info(rcv, &pages, &phys) != UK_OK ||
	    pages * UK_PAGE_SIZE < NET_PAYLOAD_MAX || pages > SOCK_PAGES_MAX)
		return NET_E_BAD_BUFFER;
	/* A port stays a dead client's only until someone wants it. */
	i = sock_port_used((uint16_t)port);
	if (i >= 0 && !sess_reclaim(&table, (unsigned)i, &ops))
		return NET_E_PORT_IN_USE;
	if (owner == 0 || (i = sess_open(&table, owner, &badge, &ops)) < 0)
		return NET_E_FULL;
	sock_bind((unsigned)i, (uint16_t)port);
	s = &sockets[i];
	va = UMAP_CLIENTS + index_of(s) * SOCK_SPAN;
	if (uk_mem_map(UK_SELF, rcv, va, need) != UK_OK) {
		sock_close(s);
		sess_close(&table, (unsigned)i);
		return NET_E_BAD_BUFFER;
	}
	if (uk_cap_mint(ep, out, UK_R_SEND | UK_R_GRANT, badge) != UK_OK) {
		uk_mem_unmap(UK_SELF, va, pages);
		sock_close(s);
		sess_close(&table, (unsigned)i);
		return NET_E_FULL;
	}
	s->mem = rcv;
	s->buf = (uint8_t *)(uintptr_t)va;
	s->bytes = pages * UK_PAGE_SIZE;
	s->ntfn = UK_NO_CAP;
	out_used = 1;
	m->cap = out;
	m->w[0] = s->bytes;
	rcv = uk_slot_alloc();  /* UK_NO_CAP: no more capabilities taken */
	return NET_OK;
}

static enum net_err op_send(struct net_socket *s, const struct uk_msg *in)
{
	uint64_t dst = in->w[0], port = in->w[1], len = in->w[2];

	if (dst == 0 || dst >= 0xffffffffull || port == 0 || port > 0xffff ||
	    len > NET_PAYLOAD_MAX)
		return NET_E_BAD_REQUEST;
	switch (udp_output(nif, s->port, (uint32_t)dst, (uint16_t)port,
			   s->buf, len)) {
	case 0:
		/* Answer once the device has sent it (QEMU sends later, from
		 * its main loop): a client that ends the machine right after
		 * its last SEND must not lose that datagram. Bounded. */
		for (unsigned i = 0; i < SEND_SPINS && !tx_sent(); i++)
			uk_yield();
		return NET_OK;
	case -2:
		return NET_E_IO;
	default:
		return NET_E_UNREACHABLE;
	}
}

static enum net_err op_recv(struct net_socket *s, struct uk_msg *m)
{
	const struct dgram *d = sock_peek(s);

	if (!d)
		return NET_E_AGAIN;
	memcpy(s->buf, d->data, d->len);        /* bytes >= NET_PAYLOAD_MAX */
	m->w[0] = d->src;
	m->w[1] = d->sport;
	m->w[2] = d->len;
	sock_pop(s);
	return NET_OK;
}

/* NOTIFIER: the client's notification (in rcv, got) is signalled on
 * each arrival from now on; the socket keeps it, and lets go of an
 * earlier one. */
static enum net_err notifier(struct net_socket *s, uint64_t got)
{
	uint64_t type, rights, badge;

	if (got == UK_NO_CAP ||
	    uk_cap_info(got, &type, &rights, &badge) != UK_OK ||
	    type != UK_CAP_NTFN || !(rights & UK_R_SEND))
		return NET_E_BAD_REQUEST;
	if (s->ntfn != UK_NO_CAP) {
		uk_cap_delete(s->ntfn);
		uk_slot_free(s->ntfn);
	}
	s->ntfn = got;
	rcv = uk_slot_alloc();  /* UK_NO_CAP: no more capabilities taken */
	if (s->count)
		uk_signal(s->ntfn, NET_NOTIFY_RX);
	return NET_OK;
}

/* Lets go of what socket i holds: its client closed it, or died. */
static void end(unsigned i, void *ctx)
{
	struct net_socket *s = &sockets[i];

	(void)ctx;
	uk_mem_unmap(UK_SELF, (uint64_t)(uintptr_t)s->buf,
		     s->bytes / UK_PAGE_SIZE);
	uk_cap_delete(s->mem);
	uk_slot_free(s->mem);
	if (s->ntfn != UK_NO_CAP) {
		uk_cap_delete(s->ntfn);
		uk_slot_free(s->ntfn);
	}
	sock_close(s);
	if (rcv == UK_NO_CAP)
		rcv = uk_slot_alloc();
}

static void op_close(struct net_socket *s)
{
	unsigned i = index_of(s);

	end(i, NULL);
	sess_close(&table, i);
}

void service_serve(struct uk_msg *m)
{
	uint64_t label = m->label, got = m->cap, badge = m->badge;
	struct net_socket *s = find(badge);
	struct uk_msg in = *m;
	enum net_err err;

	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	if (!s && label >= NET_OP_SEND && label <= NET_OP_CLOSE &&
	    label != NET_OP_INFO)
		err = NET_E_NO_SOCKET;
	else switch (label) {
	case NET_OP_BIND:
		err = got == UK_NO_CAP ? NET_E_BAD_BUFFER :
		      op_bind(m, in.w[0], sess_owner(&table, badge));
		if (err == NET_OK)
			got = UK_NO_CAP;        /* the socket keeps it */
		break;
	case NET_OP_SEND:
		err = op_send(s, &in);
		break;
	case NET_OP_RECV:
		err = op_recv(s, m);
		break;
	case NET_OP_NOTIFIER:
		err = notifier(s, got);
		if (err == NET_OK)
			got = UK_NO_CAP;        /* the socket keeps it */
		break;
	case NET_OP_INFO:
		m->w[0] = nif->ip;
		m->w[1] = nif->prefix;
		for (unsigned i = 0; i < 6; i++)
			m->w[2] = m->w[2] << 8 | nif->mac[i];
		err = NET_OK;
		break;
	case NET_OP_CLOSE:
		op_close(s);
		err = NET_OK;
		break;
	default:
		err = NET_E_BAD_REQUEST;
		break;
	}
	m->label = err;
	if (got != UK_NO_CAP)
		uk_cap_delete(got);     /* keep nothing else a client sent */
}
