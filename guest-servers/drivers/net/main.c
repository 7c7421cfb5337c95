/*
 * net: the virtio-net driver and UDP service (proto/net.h). init gives
 * it its device (UK_SLOT_DEV_MMIO, UK_SLOT_DEV_IRQ) and its address in
 * the argument word: IPv4 << 8 | prefix length (init packs the kernel
 * option ip=A.B.C.D/N; 0: 10.0.2.15/24).
 *
 * One thread serves the device and the clients. The device interrupt
 * signals a notification bound to this thread (UK_SYS_NTFN_BIND), so
 * the same receive that waits for a client's request also ends when a
 * frame arrives (label UK_LABEL_NOTIFY, badge 0): ARP and ping are
 * answered with no client running. The endpoint registered for
 * clients is badged (PUBLIC) and sockets' are too, so badge 0 can only
 * be the kernel. The server cannot keep a caller waiting while it
 * receives again, so RECV never blocks: NET_E_AGAIN, and the socket's
 * notification tells the client when to ask again (proto/net.h).
 */
#include <proto/net.h>
#include "nic.h"
#include "service.h"
#include "socket.h"
#include "stack.h"
#include "regclient.h"
#include "sessions.h"
#include "uk.h"
#include "ulib.h"

#define DEFAULT_ADDR    0x0a00020f18ull /* 10.0.2.15/24 */

static struct nic nic;
static struct netif nif;

static int nif_tx(struct netif *unused, const void *frame, size_t len)
{
	(void)unused;
	return nic_tx(&nic, frame, len);
}

static int tx_sent(void)
{
	return nic_tx_idle(&nic);
}

static void input(const uint8_t *frame, size_t len, void *ctx)
{
	eth_input(ctx, frame, len);
}

/* Frames in, then each socket that got a datagram is told. */
static void device(void)
{
	nic_poll(&nic, input, &nif);
	for (unsigned i = 0; i < NET_SOCKETS_MAX; i++) {
		struct net_socket *s = &sockets[i];

		if (s->open && s->arrived && s->ntfn != UK_NO_CAP)
			uk_signal(s->ntfn, NET_NOTIFY_RX);
		s->arrived = 0;
	}
}

/* The address from arg into nif; -1 when it is no usable one. */
static int address(uint64_t arg)
{
	if (arg == 0)
		arg = DEFAULT_ADDR;
	nif.ip = (uint32_t)(arg >> 8);
	nif.prefix = (unsigned)(arg & 0xff);
	return arg >> 40 || nif.ip == 0 || nif.prefix == 0 ||
	       nif.prefix > 32 ? -1 : 0;
}

int main(uint64_t arg)
{
	uint64_t ep = uk_slot_alloc();
	struct uk_msg m;
	int r;

	if (address(arg) < 0) {
		eprintf("net: bad address word 0x%lx\n", arg);
		return 1;
	}
	if (nic_init(&nic) < 0)
		return 1;
	memcpy(nif.mac, nic.mac, 6);
	nif.tx = nif_tx;
	if (uk_ntfn_bind(nic.ntfn) != UK_OK ||
	    uk_obj_create(ep, UK_CAP_ENDPOINT) != UK_OK) {
		eprintf("net: cannot set up my endpoint\n");
		return 1;
	}
	r = reg_register("net", ep);
	if (r != REG_OK) {
		eprintf("net: register: %s\n", reg_strerror(r));
		return 1;
	}
	printf("net: virtio-net %02x:%02x:%02x:%02x:%02x:%02x, %u.%u.%u.%u/%u\n",
	       nif.mac[0], nif.mac[1], nif.mac[2], nif.mac[3], nif.mac[4],
	       nif.mac[5], nif.ip >> 24, nif.ip >> 16 & 0xff,
	       nif.ip >> 8 & 0xff, nif.ip & 0xff, nif.prefix);
	service_init(ep, &nif, tx_sent);
	reg_watch_deaths("net", &nic.ntfn, SESS_DEATH_BIT);
	device();                       /* anything that came already */
	uk_recv_rcv(ep, &m, service_rcv());
	for (;;) {
		if (m.label == UK_LABEL_NOTIFY && m.badge == 0 &&
		    m.cap == UK_NO_CAP) {
			if (m.w[0] & SESS_DEATH_BIT)
				service_reap();
			device();
			uk_recv_rcv(ep, &m, service_rcv());
			continue;
		}
		service_serve(&m);
		if (uk_reply_recv_rcv(ep, &m, service_rcv()) != UK_OK)
			m = (struct uk_msg){ .label = NET_OP_NONE,
					     .cap = UK_NO_CAP };
		service_sent();
	}
}
