/*
 * virtio-console (virtio_console.c) behind the I/O thread: pipes stand
 * in for stdin and stdout, a guest-style driver posts the buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#include "iothread.h"
#include "virtio_console.h"
#include "vmm_virtio_driver.h"

#define WAIT_MS 5000
#define RXB(i)  (BUF(0) + 0x100ull * (i))       /* receive buffer i */
#define TXB     (BUF(0) + 0x2000ull)

static struct mem m;
static struct bus mmio;
static struct iothread t;
static struct vcons c;
static struct gdrv g;
static int in_pipe[2], out_pipe[2];

static void setup(void)
{
	rig_init(&m, &mmio, &t);
	cr_assert_eq(pipe2(in_pipe, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(out_pipe, O_CLOEXEC | O_NONBLOCK), 0);
	vcons_init(&c, &m, in_pipe[0], out_pipe[1]);
	rig_add(&t, &mmio, &m, &c.dev, 0, in_pipe[0], vcons_input, &g);
}

static void teardown(void)
{
	rig_fini(&m, &t);
	for (int i = 0; i < 2; i++) {
		if (in_pipe[i] >= 0)
			close(in_pipe[i]);
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
	}
}

TestSuite(console, .init = setup, .fini = teardown);

static int irq_fd(void)
{
	struct iothread_irqfd ir[1];

	cr_assert_eq(iothread_irqfds(&t, ir, 1), 1);
	cr_assert_eq(ir[0].gsi, 5);
	return ir[0].fd;
}

static int queue_fd(unsigned q)
{
	struct iothread_ioeventfd ev[4];

	cr_assert_eq(iothread_ioeventfds(&t, ev, 4), 4);
	cr_assert_eq(ev[q].datamatch, q);
	return ev[q].fd;
}

/* Post receive buffer i (len bytes, descriptor i) on receiveq. */
static void post_rx(unsigned i, uint32_t len)
{
	drv_desc(&g, VCONS_RX, i, RXB(i), len, D_WRITE, 0);
	drv_post(&g, VCONS_RX, (uint16_t)i);
}

/* Everything the device wrote to out_fd so far (NUL-terminated). */
static const char *output(void)
{
	static char buf[4096];
	ssize_t n = read(out_pipe[0], buf, sizeof buf - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void feed(const char *s)
{
	cr_assert_eq(write(in_pipe[1], s, strlen(s)), (ssize_t)strlen(s));
}

/* Run the loop on this thread until it has nothing left within 20 ms;
 * the number of events handled. */
static int poll_all(void)
{
	return rig_run(&t, 20);
}

Test(console, header_and_config)
{
	cr_assert_eq(drv_rd(&g, R_MAGIC), 0x74726976);
	cr_assert_eq(drv_rd(&g, R_VERSION), 2);
	cr_assert_eq(drv_rd(&g, R_DEVICE_ID), 3);
	drv_wr(&g, R_DEV_FEAT_SEL, 0);
	cr_assert_eq(drv_rd(&g, R_DEV_FEAT), 2, "MULTIPORT; no SIZE, EMERG_WRITE");
	drv_wr(&g, R_DEV_FEAT_SEL, 1);
	cr_assert_eq(drv_rd(&g, R_DEV_FEAT), 1, "VERSION_1");
	cr_assert_eq(drv_rd(&g, R_CONFIG), 0, "no size");
	cr_assert_eq(drv_rd(&g, R_CONFIG + 4), 1, "max_nr_ports");
	cr_assert_eq(drv_rd(&g, R_CONFIG + 8), 0);
	cr_assert_eq(drv_negotiate(&g, 1, 1) & S_FEATURES_OK, 0,
		     "a feature not offered (SIZE)");
	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	drv_wr(&g, R_QUEUE_SEL, 4);
	cr_assert_eq(drv_rd(&g, R_QUEUE_NUM_MAX), 0, "four queues");
}

Test(console, output_on_the_thread)
{
	uint32_t id;

	cr_assert_eq(iothread_start(&t), 0);
	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	memcpy(gptr(&m, TXB), "hel", 3);
	memcpy(gptr(&m, TXB + 0x100), "lo\n", 3);
	drv_desc(&g, VCONS_TX, 0, TXB, 3, D_NEXT, 1);
	drv_desc(&g, VCONS_TX, 1, TXB + 0x100, 3, 0, 0);
	drv_post(&g, VCONS_TX, 0);
	signal_eventfd(queue_fd(VCONS_TX));
	cr_assert_geq(wait_eventfd(irq_fd(), WAIT_MS), 1);
	cr_assert_eq(drv_used_idx(&g, VCONS_TX), 1);
	cr_assert_eq(drv_used(&g, VCONS_TX, 0, &id), 0);
	cr_assert_eq(id, 0);
	cr_assert_str_eq(output(), "hello\n");
}

Test(console, input_on_the_thread)
{
	uint32_t id;

	cr_assert_eq(iothread_start(&t), 0);
	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	for (unsigned i = 0; i < 4; i++)
		post_rx(i, 8);
	signal_eventfd(queue_fd(VCONS_RX));
	feed("hello");
	while (drv_used_idx(&g, VCONS_RX) < 1)
		cr_assert_geq(wait_eventfd(irq_fd(), WAIT_MS), 1);
	cr_assert_eq(drv_used(&g, VCONS_RX, 0, &id), 5);
	cr_assert_eq(id, 0);
	cr_assert_arr_eq(gptr(&m, RXB(0)), "hello", 5);
}

Test(console, input_waits_for_buffers_without_spinning)
{
	uint32_t id;

	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	poll_all();
	feed("abcdefghij");
	cr_assert_eq(poll_all(), 1, "read once, then paused: no buffer");
	cr_assert_not(t.dev[0].watch_armed);
	cr_assert_eq(iothread_poll(&t, 50), 0, "no spinning while paused");
	for (unsigned i = 0; i < 3; i++)
		post_rx(i, 4);
	drv_wr(&g, R_QUEUE_NOTIFY, VCONS_RX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VCONS_RX), 3);
	cr_assert_eq(drv_used(&g, VCONS_RX, 0, &id), 4);
	cr_assert_eq(drv_used(&g, VCONS_RX, 1, &id), 4);
	cr_assert_eq(drv_used(&g, VCONS_RX, 2, &id), 2);
	cr_assert_eq(id, 2);
	cr_assert_arr_eq(gptr(&m, RXB(0)), "abcd", 4);
	cr_assert_arr_eq(gptr(&m, RXB(1)), "efgh", 4);
	cr_assert_arr_eq(gptr(&m, RXB(2)), "ij", 2);
	cr_assert(t.dev[0].watch_armed, "watching again");
	cr_assert_geq(wait_eventfd(irq_fd(), 0), 1);
}

Test(console, input_before_driver_ok)
{
	feed("early");
	cr_assert_eq(poll_all(), 1);
	cr_assert_not(t.dev[0].watch_armed, "paused while the driver is not ready");
	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	post_rx(0, 16);
	drv_wr(&g, R_QUEUE_NOTIFY, VCONS_RX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VCONS_RX), 1);
	cr_assert_arr_eq(gptr(&m, RXB(0)), "early", 5);
}

Test(console, end_of_input)
{
	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	post_rx(0, 16);
	drv_wr(&g, R_QUEUE_NOTIFY, VCONS_RX);
	poll_all();
	close(in_pipe[1]);
	in_pipe[1] = -1;
	poll_all();
	cr_assert(c.in_done);
	cr_assert_not(t.dev[0].watch_armed);
	cr_assert_eq(iothread_poll(&t, 50), 0, "a hung-up pipe does not spin");
	cr_assert_eq(drv_used_idx(&g, VCONS_RX), 0);
	cr_assert_not(drv_broken(&g));
}

/* MULTIPORT: port 0 is added, made the console and opened; when input
 * ends, PORT_OPEN(0, 0) follows the last byte, once. */
#define CTRLB(i)        (BUF(0) + 0x3000ull + 0x10ull * (i))

static void ctrl_post(unsigned i)
{
	drv_desc(&g, VCONS_CTRL_RX, i, CTRLB(i), 8, D_WRITE, 0);
	drv_post(&g, VCONS_CTRL_RX, (uint16_t)i);
}

static void ctrl_tell(unsigned i, uint16_t event, uint16_t value)
{
	struct vcons_ctrl msg = { 0, event, value };

	memcpy(gptr(&m, CTRLB(8 + i)), &msg, sizeof msg);
	drv_desc(&g, VCONS_CTRL_TX, i, CTRLB(8 + i), 8, 0, 0);
	drv_post(&g, VCONS_CTRL_TX, (uint16_t)i);
	drv_wr(&g, R_QUEUE_NOTIFY, VCONS_CTRL_TX);
	poll_all();
}

/* Control message number i the device sent. */
static struct vcons_ctrl ctrl_got(unsigned i)
{
	struct vcons_ctrl msg;
	uint32_t id;

	cr_assert_gt(drv_used_idx(&g, VCONS_CTRL_RX), i);
	cr_assert_eq(drv_used(&g, VCONS_CTRL_RX, i, &id), 8);
	memcpy(&msg, gptr(&m, CTRLB(id)), sizeof msg);
	return msg;
}

Test(console, multiport_says_when_input_ends)
{
	uint32_t s = drv_negotiate(&g, 2, 1), id;

	cr_assert(s & S_FEATURES_OK);
	for (unsigned q = 0; q < 4; q++)
		drv_queue(&g, q, 16);
	drv_wr(&g, R_STATUS, s | S_DRIVER_OK);
	for (unsigned i = 0; i < 8; i++)
		ctrl_post(i);
	post_rx(0, 16);
	drv_wr(&g, R_QUEUE_NOTIFY, VCONS_RX);
	ctrl_tell(0, VCONS_DEVICE_READY, 1);
	cr_assert_eq(drv_used_idx(&g, VCONS_CTRL_TX), 1);
	cr_assert_eq(drv_used(&g, VCONS_CTRL_TX, 0, &id), 0);
	cr_assert_eq(id, 0, "the message's own buffer comes back");
	cr_assert_eq(ctrl_got(0).event, VCONS_DEVICE_ADD);
	ctrl_tell(1, VCONS_PORT_READY, 1);
	cr_assert_eq(drv_used(&g, VCONS_CTRL_TX, 1, &id), 0);
	cr_assert_eq(id, 1);
	cr_assert_eq(ctrl_got(1).event, VCONS_CONSOLE_PORT);
	cr_assert_eq(ctrl_got(2).event, VCONS_PORT_OPEN);
	cr_assert_eq(ctrl_got(2).value, 1);
	feed("last");
	close(in_pipe[1]);
	in_pipe[1] = -1;
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VCONS_RX), 1, "the input first");
	cr_assert_arr_eq(gptr(&m, RXB(0)), "last", 4);
	cr_assert_eq(drv_used_idx(&g, VCONS_CTRL_RX), 4);
	cr_assert_eq(ctrl_got(3).event, VCONS_PORT_OPEN);
	cr_assert_eq(ctrl_got(3).value, 0, "the host side closed");
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VCONS_CTRL_RX), 4, "said once");
	cr_assert_not(drv_broken(&g));
}

Test(console, multiport_end_waits_for_the_input)
{
	uint32_t s = drv_negotiate(&g, 2, 1);

	for (unsigned q = 0; q < 4; q++)
		drv_queue(&g, q, 16);
	drv_wr(&g, R_STATUS, s | S_DRIVER_OK);
	for (unsigned i = 0; i < 8; i++)
		ctrl_post(i);
	ctrl_tell(0, VCONS_DEVICE_READY, 1);
	ctrl_tell(1, VCONS_PORT_READY, 1);
	feed("held");
	close(in_pipe[1]);
	in_pipe[1] = -1;
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VCONS_CTRL_RX), 3,
		     "no end while input waits for a buffer");
	post_rx(0, 16);
	drv_wr(&g, R_QUEUE_NOTIFY, VCONS_RX);
	poll_all();
	cr_assert_eq(drv_used_idx(&g, VCONS_RX), 1);
	cr_assert_eq(drv_used_idx(&g, VCONS_CTRL_RX), 4);
	cr_assert_eq(ctrl_got(3).value, 0);
}

Test(console, output_to_a_closed_pipe)
{
	signal(SIGPIPE, SIG_IGN);       /* the I/O thread blocks it */
	close(out_pipe[0]);
	out_pipe[0] = -1;
	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	memcpy(gptr(&m, TXB), "lost", 4);
	drv_desc(&g, VCONS_TX, 0, TXB, 4, 0, 0);
	drv_post(&g, VCONS_TX, 0);
	drv_wr(&g, R_QUEUE_NOTIFY, VCONS_TX);
	poll_all();
	cr_assert(c.out_failed);
	cr_assert_eq(drv_used_idx(&g, VCONS_TX), 1, "the buffer comes back");
	cr_assert_not(drv_broken(&g));
}

/* Hostile chains: a receive buffer the device may not write, a transmit
 * buffer it may not read, one outside RAM, a loop, a NEXT past the
 * queue (receive cases have input waiting). */
ParameterizedTestParameters(console, hostile_chain)
{
	static struct drv_chain c[] = {
		{ VCONS_RX, 1, { { RXB(0), 16, 0, 0 } } },
		{ VCONS_TX, 2, { { TXB, 4, D_NEXT, 1 }, { TXB, 4, D_WRITE, 0 } } },
		{ VCONS_TX, 1, { { TEST_RAM - 2, 4, 0, 0 } } },
		{ VCONS_TX, 2, { { TXB, 4, D_NEXT, 1 }, { TXB, 4, D_NEXT, 0 } } },
		{ VCONS_RX, 1, { { RXB(0), 16, D_WRITE | D_NEXT, 16 } } },
	};

	return cr_make_param_array(struct drv_chain, c, sizeof c / sizeof c[0]);
}

/* The chain breaks the device, and nothing else happens: no byte out,
 * no used entry. */
ParameterizedTest(struct drv_chain *c, console, hostile_chain)
{
	cr_assert_eq(drv_bringup(&g, 2, 16) & 0x4f, 0xf);
	if (c->q == VCONS_RX)
		feed("x");
	drv_chain(&g, c);
	drv_post(&g, c->q, 0);
	drv_wr(&g, R_QUEUE_NOTIFY, c->q);
	poll_all();
	cr_assert(drv_broken(&g));
	cr_assert_eq(drv_used_idx(&g, c->q), 0);
	cr_assert_str_eq(output(), "");
	cr_assert_eq(drv_rd(&g, R_INT_STATUS) & 2, 2, "config interrupt");
}
