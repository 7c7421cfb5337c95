/*
 * virtio-net (virtio_net.c) behind the I/O thread's loop, run on the
 * test's thread (iothread_poll): a SOCK_SEQPACKET socket pair stands in
 * for the TAP device (one frame per read and write), a guest-style
 * driver posts the buffers. Also --net's parsing and the default MAC.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "iothread.h"
#include "virtio_net.h"
#include "vmm_virtio_driver.h"

#define RXB(i)  (BUF(0) + 0x800ull * (i))       /* receive buffer i */
#define TXB     (BUF(0) + 0x4000ull)
#define HDR     VNET_HDR_LEN

static struct mem m;
static struct bus mmio;
static struct iothread t;
static struct vnet n;
static struct gdrv g;
static int sp[2];               /* sp[0]: the device's; sp[1]: the host's */
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

static void setup(void)
{
	rig_init(&m, &mmio, &t);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK |
				SOCK_CLOEXEC, 0, sp), 0);
	vnet_init(&n, &m, sp[0], mac);
	rig_add(&t, &mmio, &m, &n.dev, 0, sp[0], vnet_input, &g);
}

static void teardown(void)
{
	rig_fini(&m, &t);
	close(sp[0]);
	close(sp[1]);
}

TestSuite(net, .init = setup, .fini = teardown);

static int poll_all(void)
{
	return rig_run(&t, 20);
}

static void up(void)
{
	uint32_t s = drv_negotiate(&g, 1u << 5, 1);     /* MAC, VERSION_1 */

	cr_assert(s & S_FEATURES_OK);
	drv_queue(&g, VNET_RX, 16);
	drv_queue(&g, VNET_TX, 16);
	drv_wr(&g, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

/* A frame of len bytes from the host, with a pattern seeded by seed. */
static void host_send(size_t len, uint8_t seed)
{
	uint8_t f[2048];

	for (size_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seed + i);
	cr_assert_eq(write(sp[1], f, len), (ssize_t)len);
}

/* The next frame the host side got, or -1 if none. */
static ssize_t host_recv(uint8_t *f, size_t cap)
{
	return read(sp[1], f, cap);
}

static void post_rx(unsigned i, uint32_t len)
{
	drv_desc(&g, VNET_RX, i, RXB(i), len, D_WRITE, 0);
	drv_post(&g, VNET_RX, (uint16_t)i);
}

/* Post a frame of len bytes (header zeroed) as one descriptor i. */
static void post_tx(unsigned i, uint32_t len, uint8_t seed)
{
	uint8_t *p = gptr(&m, TXB + 0x800ull * i);

	memset(p, 0, HDR);
	for (uint32_t k = 0; k < len; k++)
		p[HDR + k] = (uint8_t)(seed + k);
	drv_desc(&g, VNET_TX, i, TXB + 0x800ull * i, HDR + len, 0, 0);
	drv_post(&g, VNET_TX, (uint16_t)i);
}

static void check_rx(unsigned used, unsigned buf, size_t len, uint8_t seed)
{
	const uint8_t *p = gptr(&m, RXB(buf));
	uint32_t id;

	cr_assert_eq(drv_used(&g, VNET_RX, used, &id), HDR + len);
	cr_assert_eq(id, buf);
	for (unsigned k = 0; k < HDR; k++)
		cr_assert_eq(p[k], k == 10 ? 1 : 0, "header byte %u", k);
	for (size_t k = 0; k < len; k++)
		cr_assert_eq(p[HDR + k], (uint8_t)(seed + k), "byte %zu", k);
}

Test(net, header_mac_and_features)
{
	cr_assert_eq(drv_rd(&g, R_DEVICE_ID), 1);
	drv_wr(&g, R_DEV_FEAT_SEL, 0);
	cr_assert_eq(drv_rd(&g, R_DEV_FEAT), 1u << 5, "MAC only");
	drv_wr(&g, R_DEV_FEAT_SEL, 1);
	cr_assert_eq(drv_rd(&g, R_DEV_FEAT), 1, "VERSION_1");
	cr_assert_eq(drv_rd(&g, R_CONFIG), 0xab005452u);
	cr_assert_eq(drv_rd(&g, R_CONFIG + 4) & 0xffff, 0xefcd);
	cr_assert_eq(drv_negotiate(&g, 1u << 16, 1) & S_FEATURES_OK, 0,
		     "STATUS was not offered");
	up();
	cr_assert_not(drv_broken(&g));
}

Test(net, config_bytes)
{
	for (unsigned i = 0; i < 6; i++) {
		uint64_t v;

		cr_assert(bus_read(&mmio, g.base + R_CONFIG + i, 1, &v));
		cr_assert_eq(v, mac[i]);
	}
}

Test(net, transmit)
{
	uint8_t f[2048];
	uint32_t id;

	up();
	post_tx(0, 60, 7);
	post_tx(1, 1514, 9);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_TX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VNET_TX), 2);
	cr_assert_eq(drv_used(&g, VNET_TX, 1, &id), 0);
	cr_assert_eq(id, 1);
	cr_assert_eq(host_recv(f, sizeof f), 60);
	for (unsigned k = 0; k < 60; k++)
		cr_assert_eq(f[k], (uint8_t)(7 + k));
	cr_assert_eq(host_recv(f, sizeof f), 1514);
	cr_assert_eq(f[1513], (uint8_t)(9 + 1513));
	cr_assert_eq(n.tx_frames, 2);
}

/* The header split over two descriptors and the frame over three more,
 * cut at odd places: the host still gets one frame, in order. */
Test(net, transmit_any_layout)
{
	uint8_t *p = gptr(&m, TXB), f[256];
	static const uint32_t cut[] = { 5, 9, 1, 40, 45 };      /* 100 bytes */
	uint64_t a = TXB;

	memset(p, 0, HDR);
	for (unsigned k = 0; k < 88; k++)
		p[HDR + k] = (uint8_t)k;
	up();
	for (unsigned i = 0; i < 5; i++) {
		drv_desc(&g, VNET_TX, i, a, cut[i], i < 4 ? D_NEXT : 0,
			 (uint16_t)(i + 1));
		a += cut[i];
	}
	drv_post(&g, VNET_TX, 0);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_TX);
	poll_all();
	cr_assert_eq(host_recv(f, sizeof f), 88);
	for (unsigned k = 0; k < 88; k++)
		cr_assert_eq(f[k], k);
}

Test(net, transmit_drops_what_no_nic_would_send)
{
	uint8_t f[2048];

	up();
	post_tx(0, 13, 0);                      /* shorter than Ethernet's */
	post_tx(1, 1519, 0);                    /* over 1518 */
	drv_desc(&g, VNET_TX, 2, TXB, 8, 0, 0); /* not even a header */
	drv_post(&g, VNET_TX, 2);
	post_tx(3, 64, 1);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_TX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VNET_TX), 4, "every buffer returned");
	cr_assert_eq(n.tx_dropped, 3);
	cr_assert_eq(host_recv(f, sizeof f), 64, "only the good frame");
	cr_assert_eq(host_recv(f, sizeof f), -1);
	cr_assert_not(drv_broken(&g));
}

/* Hostile chains: a transmit buffer the device may not read, one
 * outside RAM, a receive buffer it may not write (a frame waiting). */
ParameterizedTestParameters(net, hostile_chain)
{
	static struct drv_chain c[] = {
		{ VNET_TX, 1, { { TXB, HDR + 60, D_WRITE, 0 } } },
		{ VNET_TX, 1, { { TEST_RAM - 16, HDR + 60, 0, 0 } } },
		{ VNET_RX, 1, { { RXB(0), 1526, 0, 0 } } },
	};

	return cr_make_param_array(struct drv_chain, c, sizeof c / sizeof c[0]);
}

/* The chain breaks the device, which is then served no more. */
ParameterizedTest(struct drv_chain *c, net, hostile_chain)
{
	up();
	drv_chain(&g, c);
	drv_post(&g, c->q, 0);
	drv_wr(&g, R_QUEUE_NOTIFY, c->q);
	if (c->q == VNET_RX)
		host_send(60, 0);
	poll_all();
	cr_assert(drv_broken(&g));
	cr_assert_eq(drv_used_idx(&g, c->q), 0);
	cr_assert_eq(iothread_poll(&t, 50), 0, "a broken device is not served");
}

/* The host side cannot take more: frames are dropped, the guest's
 * buffers all come back, nothing blocks. */
Test(net, transmit_to_a_full_host_side)
{
	unsigned sent = 0;

	up();
	for (unsigned round = 0; round < 64 && !n.tx_dropped; round++) {
		for (unsigned i = 0; i < 8; i++)
			post_tx(i, 1514, 0);
		drv_wr(&g, R_QUEUE_NOTIFY, VNET_TX);
		poll_all();
		sent += 8;
	}
	cr_assert_gt(n.tx_dropped, 0, "the socket filled up");
	cr_assert_eq(drv_used_idx(&g, VNET_TX), (uint16_t)sent);
	cr_assert_not(drv_broken(&g));
}

/*
 * Receive buffers posted (bytes, 0: none), then two frames from the host
 * (length, pattern seed): used entry i is buffer i, holding frame
 * used_len[i] (0: returned empty, the frame dropped).
 */
struct rx_case {
	uint32_t buf[2];
	uint16_t frame_len[2];
	uint8_t frame_seed[2];
	unsigned nused;
	uint16_t used_len[2];
	uint8_t used_seed[2];
	uint64_t frames, dropped;
};

ParameterizedTestParameters(net, receive)
{
	static struct rx_case rc[] = {
		/* Both delivered. */
		{ { 1526, 1526 }, { 60, 1514 }, { 3, 5 },
		  2, { 60, 1514 }, { 3, 5 }, 2, 0 },
		/* Too big for the first buffer: dropped, the buffer empty. */
		{ { 100, 1526 }, { 200, 50 }, { 0, 4 },
		  2, { 0, 50 }, { 0, 4 }, 1, 1 },
		/* Over 1518 bytes: dropped before any buffer is used. */
		{ { 2048, 0 }, { 1600, 64 }, { 0, 8 },
		  1, { 64 }, { 8 }, 1, 1 },
	};

	return cr_make_param_array(struct rx_case, rc,
				   sizeof rc / sizeof rc[0]);
}

ParameterizedTest(struct rx_case *rc, net, receive)
{
	uint32_t id;

	up();
	for (unsigned i = 0; i < 2; i++)
		if (rc->buf[i])
			post_rx(i, rc->buf[i]);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_RX);
	for (unsigned i = 0; i < 2; i++)
		host_send(rc->frame_len[i], rc->frame_seed[i]);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VNET_RX), rc->nused);
	for (unsigned i = 0; i < rc->nused; i++) {
		if (rc->used_len[i]) {
			check_rx(i, i, rc->used_len[i], rc->used_seed[i]);
			continue;
		}
		cr_assert_eq(drv_used(&g, VNET_RX, i, &id), 0, "returned empty");
		cr_assert_eq(id, i);
	}
	cr_assert_eq(n.rx_frames, rc->frames);
	cr_assert_eq(n.rx_dropped, rc->dropped);
	cr_assert_not(drv_broken(&g));
}

/* A buffer of several descriptors, the header cut in two. */
Test(net, receive_into_a_chain)
{
	uint8_t *a = gptr(&m, RXB(0)), *b = gptr(&m, RXB(1));

	up();
	drv_desc(&g, VNET_RX, 0, RXB(0), 7, D_WRITE | D_NEXT, 1);
	drv_desc(&g, VNET_RX, 1, RXB(1), 200, D_WRITE, 0);
	drv_post(&g, VNET_RX, 0);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_RX);
	host_send(100, 0);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VNET_RX), 1);
	cr_assert_eq(a[6], 0);
	cr_assert_eq(b[10 - 7], 1, "num_buffers, in the second descriptor");
	for (unsigned k = 0; k < 100; k++)
		cr_assert_eq(b[HDR - 7 + k], k);
}

Test(net, receive_waits_for_buffers_without_spinning)
{
	up();
	poll_all();
	host_send(60, 1);
	host_send(70, 2);
	cr_assert_eq(poll_all(), 1, "one frame read and held, then paused");
	cr_assert_not(t.dev[0].watch_armed);
	cr_assert_eq(iothread_poll(&t, 50), 0, "no spinning while paused");
	post_rx(0, 1526);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_RX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VNET_RX), 1, "the held frame");
	check_rx(0, 0, 60, 1);
	post_rx(1, 1526);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_RX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VNET_RX), 2, "then the next, in order");
	check_rx(1, 1, 70, 2);
	cr_assert_eq(n.rx_dropped, 0, "nothing lost");
}

Test(net, receive_before_driver_ok_waits)
{
	host_send(60, 6);
	poll_all();
	cr_assert_not(t.dev[0].watch_armed);
	up();
	post_rx(0, 1526);
	drv_wr(&g, R_QUEUE_NOTIFY, VNET_RX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VNET_RX), 1);
	check_rx(0, 0, 60, 6);
}

Test(net, parse)
{
	struct errmsg err;
	char name[VNET_TAP_NAME_MAX + 1];
	uint8_t a[6], b[6];

	cr_assert_eq(vnet_parse("tap=tap0", name, a, &err), 0);
	cr_assert_str_eq(name, "tap0");
	cr_assert_eq(vnet_parse("tap=tap0,mac=52:54:00:0A:bc:01", name, b,
				&err), 0);
	cr_assert_arr_eq(b, ((uint8_t[]){ 0x52, 0x54, 0, 0x0a, 0xbc, 1 }), 6);
	cr_assert_eq(vnet_parse("tap=abcdefghijklmno", name, a, &err), 0,
		     "15 characters");
	cr_assert_eq(vnet_parse("tap=abcdefghijklmnop", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=..", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=a b", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap0", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=t,mac=52:54:00:00:00", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=t,mac=52:54:00:00:00:0g", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=t,mac=52:54:00:00:00:001", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=t,mac=53:54:00:00:00:01", name, a, &err),
		     -1, "multicast");
	cr_assert_eq(vnet_parse("tap=t,mac=00:00:00:00:00:00", name, a, &err), -1);
	cr_assert_eq(vnet_parse("tap=t,mtu=9000", name, a, &err), -1);
	cr_assert(strstr(err.text, "unknown option 'mtu=9000'"));
}

Test(net, default_mac_is_stable_per_name)
{
	uint8_t a[6], b[6], c[6];
	char name[VNET_TAP_NAME_MAX + 1];
	struct errmsg err;

	vnet_default_mac("tap0", a);
	vnet_default_mac("tap0", b);
	vnet_default_mac("tap1", c);
	cr_assert_arr_eq(a, b, 6);
	cr_assert_arr_neq(a, c, 6);
	cr_assert_eq(a[0], 0x52);
	cr_assert_eq(a[1], 0x54);
	cr_assert_eq(a[2], 0x00);
	cr_assert_eq(vnet_parse("tap=tap1", name, b, &err), 0);
	cr_assert_arr_eq(b, c, 6, "--net without mac= uses it");
}
