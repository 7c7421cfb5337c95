#include "virtio_console.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

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

/* Whether every segment of the chain has the direction want_write. */
static bool one_direction(const struct virtq_chain *ch, bool want_write)
{
	for (unsigned i = 0; i < ch->n; i++)
		if (ch->seg[i].write != want_write)
			return false;
	return true;
}

/* transmitq: every chain is device-readable bytes for out_fd. */
static void transmit(struct vcons *c)
{
	struct virtio_dev *d = &c->dev;
	struct virtq *q = &d->q[VCONS_TX];
	const char *why = "";
	bool any = false;
	int r;

	while ((r = virtq_pop(q, d->mem, &c->chain, &why)) > 0) {
		if (!one_direction(&c->chain, false)) {
			virtio_broken(d, "a device-writable transmit buffer");
			return;
		}
		for (unsigned i = 0; i < c->chain.n; i++) {
			const struct virtq_seg *s = &c->chain.seg[i];

			/* virtq_pop checked the range against guest RAM. */
			out(c, mem_ptr(d->mem, s->addr, s->len), s->len);
		}
		if (virtq_push(q, d->mem, c->chain.head, 0) < 0) {
			virtio_broken(d, "the used ring is outside RAM");
			return;
		}
		any = true;
	}
	if (r < 0)
		virtio_broken(d, why);
	else if (any)
		virtio_interrupt(d);
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

		if (!one_direction(&c->chain, true)) {
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
}

static void notify(struct virtio_dev *d, unsigned q)
{
	struct vcons *c = d->opaque;

	if (q == VCONS_TX)
		transmit(c);
	else
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

/* No feature is offered, so no config field is valid: all zeros. */
static uint64_t config_read(struct virtio_dev *d, uint64_t off, unsigned size)
{
	(void)d;
	(void)off;
	(void)size;
	return 0;
}

static const struct virtio_ops vcons_ops = {
	.device_id = VCONS_ID_CONSOLE,
	.nqueues = 2,
	.config_read = config_read,
	.notify = notify,
};

void vcons_init(struct vcons *c, const struct mem *m, int in_fd, int out_fd)
{
	memset(c, 0, sizeof *c);
	c->in_fd = in_fd;
	c->in_done = in_fd < 0;
	c->out_fd = out_fd;
	virtio_init(&c->dev, &vcons_ops, c, m, 0);
}
