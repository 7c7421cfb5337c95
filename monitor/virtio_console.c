#include "virtio_console.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices.h"
#include "iothread.h"
#include "term.h"

/* Write n bytes to out_fd in full; waits while a non-blocking fd is
 * full. A failure drops all later output. */
static void out(struct vcons *c, const uint8_t *p, size_t n)
{
	while (n && !c->out_failed) {
		ssize_t r = write(c->out_fd, p, n);
		struct pollfd pfd = { .fd = c->out_fd, .events = POLLOUT };

		if (r > 0) {
			p += r;
			n -= (size_t)r;
			c->out_bytes += (uint64_t)r;
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
			   (poll(&pfd, 1, -1) >= 0 || errno == EINTR)) {
			continue;
		} else {
			c->out_failed = true;
		}
	}
}

/* One transmitq chain (a virtio_chain_fn): device-readable bytes for
 * out_fd; nothing is written into the chain. */
static int64_t transmit(struct virtio_dev *d, const struct virtq_chain *ch,
			const char **why)
{
	if (!virtq_chain_is(ch, false)) {
		*why = "a device-writable transmit buffer";
		return -1;
	}
	for (unsigned i = 0; i < ch->n; i++) {
		const struct virtq_seg *s = &ch->seg[i];

		/* virtq_pop checked the range against guest RAM. */
		out(d->opaque, mem_ptr(d->mem, s->addr, s->len), s->len);
	}
	return 0;
}

static bool multiport(const struct vcons *c)
{
	return (c->dev.driver_features & VCONS_F_MULTIPORT) != 0;
}

/* Hand the pending control messages to the driver's control buffers. */
static void ctrl_flush(struct vcons *c)
{
	struct virtio_dev *d = &c->dev;
	struct virtq *q = &d->q[VCONS_CTRL_RX];
	const char *why = "";
	unsigned sent = 0;
	int r = 0;

	while (sent < c->npending &&
	       (r = virtq_pop(q, d->mem, &c->ctrl_chain, &why)) > 0) {
		const struct virtq_seg *s = &c->ctrl_chain.seg[0];

		if (!virtq_chain_is(&c->ctrl_chain, true) ||
		    s->len < sizeof(struct vcons_ctrl)) {
			virtio_broken(d, "a control buffer the device cannot "
				      "write a message into");
			return;
		}
		memcpy(mem_ptr(d->mem, s->addr, sizeof c->pending[0]),
		       &c->pending[sent++], sizeof c->pending[0]);
		if (virtq_push(q, d->mem, c->ctrl_chain.head,
			       sizeof(struct vcons_ctrl)) < 0) {
			virtio_broken(d, "the used ring is outside RAM");
			return;
		}
	}
	if (r < 0) {
		virtio_broken(d, why);
		return;
	}
	memmove(c->pending, c->pending + sent,
		(c->npending - sent) * sizeof c->pending[0]);
	c->npending -= sent;
	if (sent)
		virtio_interrupt(d);
}

static void ctrl_send(struct vcons *c, uint16_t event, uint16_t value)
{
	if (c->npending < VCONS_CTRL_PENDING)
		c->pending[c->npending++] = (struct vcons_ctrl){
			.id = 0, .event = event, .value = value };
	ctrl_flush(c);
}

/* Input has ended and the driver has every byte of it: say so once. */
static void maybe_eof(struct vcons *c)
{
	if (multiport(c) && c->port_ready && !c->eof_sent && c->in_done &&
	    c->in_off == c->in_len) {
		c->eof_sent = true;
		ctrl_send(c, VCONS_PORT_OPEN, 0);
	}
}

/* One message from the driver (a virtio_chain_fn on the control
 * transmitq): DEVICE_READY starts over and adds port 0; PORT_READY for
 * it makes it the console, open on the host side. */
static int64_t ctrl_receive(struct virtio_dev *d, const struct virtq_chain *ch,
			    const char **why)
{
	struct vcons *c = d->opaque;
	struct vcons_ctrl m;

	if (!virtq_chain_is(ch, false) || ch->seg[0].len < sizeof m) {
		*why = "a control message the device cannot read";
		return -1;
	}
	memcpy(&m, mem_ptr(d->mem, ch->seg[0].addr, sizeof m), sizeof m);
	if (m.event == VCONS_DEVICE_READY && m.value == 1) {
		c->npending = 0;
		c->port_ready = c->eof_sent = false;
		ctrl_send(c, VCONS_DEVICE_ADD, 1);
	} else if (m.event == VCONS_PORT_READY && m.id == 0 && m.value == 1 &&
		   !c->port_ready) {
		c->port_ready = true;
		ctrl_send(c, VCONS_CONSOLE_PORT, 1);
		ctrl_send(c, VCONS_PORT_OPEN, 1);
		maybe_eof(c);
	}
	/* Anything else (the guest opening its side, a port it does not
	 * have) changes nothing here. */
	return 0;
}

/* The config space with MULTIPORT: max_nr_ports (offset 4) is 1. */
static uint64_t config_read(struct virtio_dev *d, uint64_t off, unsigned size)
{
	uint8_t cfg[12] = { [4] = 1 };
	uint64_t v = 0;

	(void)d;
	if (off >= sizeof cfg || size > sizeof cfg - off)
		return 0;
	memcpy(&v, cfg + off, size);
	return v;
}

/* receiveq: hand the held input to the guest's buffers, in order. */
static void deliver(struct vcons *c)
{
	struct virtio_dev *d = &c->dev;
	struct virtq *q = &d->q[VCONS_RX];
	const char *why = "";
	bool any = false;
	int r = 0;

	while (c->in_off < c->in_len &&
	       (r = virtq_pop(q, d->mem, &c->chain, &why)) > 0) {
		uint32_t done = 0;

		if (!virtq_chain_is(&c->chain, true)) {
			virtio_broken(d, "a device-readable receive buffer");
			return;
		}
		for (unsigned i = 0; i < c->chain.n && c->in_off < c->in_len;
		     i++) {
			const struct virtq_seg *s = &c->chain.seg[i];
			size_t n = c->in_len - c->in_off;

			if (n > s->len)
				n = s->len;
			memcpy(mem_ptr(d->mem, s->addr, n), c->in + c->in_off, n);
			c->in_off += n;
			done += (uint32_t)n;
		}
		if (virtq_push(q, d->mem, c->chain.head, done) < 0) {
			virtio_broken(d, "the used ring is outside RAM");
			return;
		}
		any = true;
	}
	if (r < 0) {
		virtio_broken(d, why);
		return;
	}
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
	if (any)
		virtio_interrupt(d);
	maybe_eof(c);
}

static void notify(struct virtio_dev *d, unsigned q)
{
	struct vcons *c = d->opaque;

	if (q == VCONS_TX)
		virtio_serve(d, VCONS_TX, &c->chain, transmit);
	else if (q == VCONS_CTRL_TX && multiport(c))
		virtio_serve(d, VCONS_CTRL_TX, &c->chain, ctrl_receive);
	else if (q == VCONS_CTRL_RX && multiport(c))
		ctrl_flush(c);
	else if (q == VCONS_RX)
		deliver(c);
}

bool vcons_input(struct virtio_dev *d)
{
	struct vcons *c = d->opaque;

	if (c->in_len == 0 && !c->in_done && c->in_fd >= 0) {
		ssize_t n = read(c->in_fd, c->in, sizeof c->in);

		if (n > 0) {
			c->in_len = (size_t)n;
			c->in_off = 0;
		} else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
				      errno != EINTR)) {
			c->in_done = true;
		}
	}
	deliver(c);
	return !c->in_done && c->in_len == 0 &&
	       !(d->status & VIRTIO_STATUS_NEEDS_RESET);
}

static const struct virtio_ops vcons_ops = {
	.device_id = VCONS_ID_CONSOLE,
	.nqueues = 4,
	.config_read = config_read,
	.notify = notify,
};

void vcons_init(struct vcons *c, const struct mem *m, int in_fd, int out_fd)
{
	memset(c, 0, sizeof *c);
	c->in_fd = in_fd;
	c->in_done = in_fd < 0;
	c->out_fd = out_fd;
	virtio_init(&c->dev, &vcons_ops, c, m, VCONS_F_MULTIPORT);
}

/* The console on stdin and stdout, unless --no-console: the last window
 * (order 30), after the disk and the network device, as on QEMU microvm. */
static struct vcons console;
static int ready_fd = -1;       /* stands in for an stdin epoll refuses */

static int console_open(const char *no_console, const struct mem *m,
			struct virtio_dev **dev, struct errmsg *err)
{
	(void)err;
	if (no_console)
		return 0;
	vcons_init(&console, m, STDIN_FILENO, STDOUT_FILENO);
	*dev = &console.dev;
	return 0;
}

/*
 * Watch stdin. epoll refuses regular files and /dev/null, which are
 * always readable: an eventfd that stays signalled stands in for them,
 * and vcons_input reads stdin itself.
 */
static int console_attach(struct iothread *io)
{
	static const uint64_t one = 1;
	int r = iothread_watch(io, &console.dev, STDIN_FILENO, vcons_input);

	if (r != -EPERM)
		return r;
	ready_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ready_fd < 0)
		return -errno;
	if (write(ready_fd, &one, sizeof one) != sizeof one)
		return -EIO;
	return iothread_watch(io, &console.dev, ready_fd, vcons_input);
}

/* A terminal on stdin goes to character mode while the guest runs
 * (nothing changes when it is no terminal of ours). */
static void console_start(void)
{
	(void)term_raw(STDIN_FILENO);
}

static void console_close(void)
{
	if (ready_fd >= 0)
		close(ready_fd);
	ready_fd = -1;
}

DEVICE_TYPE(console,
	.option = "no-console",
	.usage =
"  --no-console       no virtio-console (by default one serves stdin and\n"
"                     stdout; a terminal is put in character mode, ^C\n"
"                     still stops the monitor, and restored at exit)\n",
	.what = "the console",
	.order = 30,
	.open = console_open,
	.attach = console_attach,
	.start = console_start,
	.stop = term_restore,
	.close = console_close,
);
