#include "virtio_net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "devices.h"
#include "iothread.h"
#include "tap.h"

/* Why a frame was dropped (the value of its LOG_NET_DROP line). */
enum drop {
	DROP_TX_SHORT = 1,
	DROP_TX_LONG,
	DROP_TX_FULL,
	DROP_TX_ERROR,
	DROP_RX_LONG,
	DROP_RX_SMALL_BUFFER,
	DROP_RX_ERROR,
};

static void dropped(uint64_t *count, enum drop why, const char *what)
{
	(*count)++;
	log_once(LOG_NET_DROP, why, "virtio-net: dropped %s", what);
}

/* The frame of a transmit chain as iovecs into guest RAM, the header
 * skipped; the frame's length (the header's bytes must all be there). */
static size_t frame_iov(const struct mem *m, const struct virtq_chain *c,
			struct iovec *iov, int *niov, bool *short_hdr)
{
	size_t skip = VNET_HDR_LEN, len = 0;

	*niov = 0;
	for (unsigned i = 0; i < c->n; i++) {
		const struct virtq_seg *s = &c->seg[i];
		size_t k = s->len;
		gpa_t a = s->addr;

		if (skip) {
			size_t cut = skip < k ? skip : k;

			skip -= cut;
			k -= cut;
			a += cut;
		}
		if (!k)
			continue;
		/* virtq_pop checked the whole segment against guest RAM. */
		iov[*niov].iov_base = mem_ptr(m, a, k);
		iov[*niov].iov_len = k;
		(*niov)++;
		len += k;
	}
	*short_hdr = skip != 0;
	return len;
}

/* One transmitq chain (a virtio_chain_fn): a header and a frame, sent
 * in one writev or dropped; nothing is written into the chain. */
static int64_t transmit(struct virtio_dev *d, const struct virtq_chain *c,
			const char **why)
{
	struct vnet *n = d->opaque;
	struct iovec iov[VIRTQ_MAX];
	bool short_hdr;
	size_t len;
	ssize_t w;
	int niov;

	if (!virtq_chain_is(c, false)) {
		*why = "a device-writable transmit buffer";
		return -1;
	}
	len = frame_iov(d->mem, c, iov, &niov, &short_hdr);
	if (short_hdr || len < VNET_ETH_HLEN) {
		dropped(&n->tx_dropped, DROP_TX_SHORT,
			"a transmitted frame shorter than its headers");
		return 0;
	}
	if (len > VNET_FRAME_MAX) {
		dropped(&n->tx_dropped, DROP_TX_LONG,
			"a transmitted frame over 1518 bytes");
		return 0;
	}
	do
		w = writev(n->fd, iov, niov);
	while (w < 0 && errno == EINTR);
	if (w >= 0)
		n->tx_frames++;
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		dropped(&n->tx_dropped, DROP_TX_FULL,
			"a transmitted frame: the host side is full");
	else
		dropped(&n->tx_dropped, DROP_TX_ERROR,
			"a transmitted frame the host refused");
	return 0;
}

/* Copy len bytes of src into the chain's segments from byte off on. */
static void chain_write(struct vnet *n, size_t off, const void *src,
			size_t len)
{
	const uint8_t *p = src;

	for (unsigned i = 0; i < n->chain.n && len; i++) {
		const struct virtq_seg *s = &n->chain.seg[i];
		size_t k;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		k = s->len - off < len ? s->len - off : len;
		memcpy(mem_ptr(n->dev.mem, s->addr + off, k), p, k);
		p += k;
		len -= k;
		off = 0;
	}
}

/*
 * Give the held frame to the next receive buffer. 1: the buffer was
 * used (the frame delivered or dropped); 0: no buffer; -1: the device
 * is broken.
 */
static int deliver(struct vnet *n)
{
	static const uint8_t hdr[VNET_HDR_LEN] = { [10] = 1 };  /* num_buffers */
	struct virtio_dev *d = &n->dev;
	const char *why = "";
	uint64_t room = 0;
	uint32_t len = 0;
	int r = virtq_pop(&d->q[VNET_RX], d->mem, &n->chain, &why);

	if (r <= 0) {
		if (r < 0)
			virtio_broken(d, why);
		return r;
	}
	if (!virtq_chain_is(&n->chain, true)) {
		virtio_broken(d, "a device-readable receive buffer");
		return -1;
	}
	for (unsigned i = 0; i < n->chain.n; i++)
		room += n->chain.seg[i].len;
	if (room < VNET_HDR_LEN + n->held) {
		dropped(&n->rx_dropped, DROP_RX_SMALL_BUFFER,
			"a received frame: the guest's buffer is too small");
	} else {
		chain_write(n, 0, hdr, sizeof hdr);
		chain_write(n, VNET_HDR_LEN, n->frame, n->held);
		len = VNET_HDR_LEN + (uint32_t)n->held;
		n->rx_frames++;
	}
	n->held = 0;
	if (virtq_push(&d->q[VNET_RX], d->mem, n->chain.head, len) < 0) {
		virtio_broken(d, "the used ring is outside RAM");
		return -1;
	}
	return 1;
}

/* Read one frame into frame[]: 1, 0 if none is waiting, -1 on an error
 * other than EAGAIN (the frame, if any, is lost). */
static int receive(struct vnet *n)
{
	ssize_t r;

	do
		r = read(n->fd, n->frame, sizeof n->frame);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (r > VNET_FRAME_MAX || r < VNET_ETH_HLEN) {
		dropped(&n->rx_dropped, DROP_RX_LONG,
			"a received frame over 1518 bytes or under 14");
		return 1;
	}
	n->held = (size_t)r;
	return 1;
}

/* Deliver the held frame, then read and deliver more, up to a batch;
 * true when the fd should still be watched. */
static bool pump(struct vnet *n)
{
	bool any = false, keep = true;
	int r = 0;

	for (unsigned i = 0; i < VNET_BATCH; i++) {
		if (!n->held) {
			r = receive(n);
			if (r < 0) {
				/* Paused until the driver next notifies. */
				dropped(&n->rx_dropped, DROP_RX_ERROR,
					"input: reading the host side failed");
				keep = false;
				break;
			}
			if (r == 0)
				break;  /* nothing waiting */
			if (!n->held)
				continue;       /* dropped */
		}
		r = deliver(n);
		if (r <= 0) {
			keep = false;   /* no buffer, or broken */
			break;
		}
		any = true;
	}
	if (any && !(n->dev.status & VIRTIO_STATUS_NEEDS_RESET))
		virtio_interrupt(&n->dev);
	return keep;
}

bool vnet_input(struct virtio_dev *d)
{
	return pump(d->opaque);
}

static void notify(struct virtio_dev *d, unsigned q)
{
	struct vnet *n = d->opaque;

	if (q == VNET_TX)
		virtio_serve(d, VNET_TX, &n->chain, transmit);
	else if (n->held)
		(void)pump(n);  /* the watch is re-armed by the I/O thread */
}

static uint64_t config_read(struct virtio_dev *d, uint64_t off, unsigned size)
{
	const struct vnet *n = d->opaque;
	uint64_t v = 0;

	/* Only mac[6] is valid (no STATUS, MQ or MTU offered). */
	for (unsigned i = 0; i < size; i++)
		if (off + i < sizeof n->mac)
			v |= (uint64_t)n->mac[off + i] << (8 * i);
	return v;
}

static const struct virtio_ops vnet_ops = {
	.device_id = VNET_ID_NET,
	.nqueues = 2,
	.config_read = config_read,
	.notify = notify,
};

void vnet_init(struct vnet *n, const struct mem *m, int fd,
	       const uint8_t mac[6])
{
	memset(n, 0, sizeof *n);
	n->fd = fd;
	memcpy(n->mac, mac, sizeof n->mac);
	virtio_init(&n->dev, &vnet_ops, n, m, VNET_F_MAC);
}

void vnet_default_mac(const char *name, uint8_t mac[6])
{
	uint32_t h = 2166136261u;       /* FNV-1a */

	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++, s += 3) {
		int hi = hex(s[0]), lo = hi < 0 ? -1 : hex(s[1]);

		if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Linux's rule for interface names (dev_valid_name). */
static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n > VNET_TAP_NAME_MAX ||
	    (n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] == ',' ||
		    s[i] <= ' ' || s[i] == 0x7f)
			return false;
	return true;
}

int vnet_parse(const char *spec, char *name, uint8_t mac[6],
	       struct errmsg *err)
{
	const char *comma = strchr(spec, ','), *opt;
	size_t n;

	if (strncmp(spec, "tap=", 4) != 0) {
		errmsg_set(err, "--net %s: expected tap=NAME[,mac=MAC]", spec);
		return -1;
	}
	n = comma ? (size_t)(comma - spec - 4) : strlen(spec + 4);
	if (!name_ok(spec + 4, n)) {
		errmsg_set(err, "--net %s: a TAP name is 1 to %d characters, "
			   "without '/', ':', ',' or spaces", spec,
			   VNET_TAP_NAME_MAX);
		return -1;
	}
	memcpy(name, spec + 4, n);
	name[n] = '\0';
	vnet_default_mac(name, mac);
	if (!comma)
		return 0;
	opt = comma + 1;
	if (strncmp(opt, "mac=", 4) != 0) {
		errmsg_set(err, "--net %s: unknown option '%s' (only mac=)",
			   spec, opt);
		return -1;
	}
	if (parse_mac(opt + 4, mac) < 0 || (mac[0] & 1) ||
	    !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		errmsg_set(err, "--net %s: mac= wants a unicast address, "
			   "like 52:54:00:12:34:56", spec);
		return -1;
	}
	return 0;
}

/* --net: one network device per run on a TAP device, after the disk
 * and before the console (order 20), as on QEMU microvm. */
static struct vnet nic;
static int tap_fd = -1;

static int net_open(const char *spec, const struct mem *m,
		    struct virtio_dev **dev, struct errmsg *err)
{
	char name[VNET_TAP_NAME_MAX + 1];
	uint8_t mac[6];

	if (!spec)
		return 0;
	if (vnet_parse(spec, name, mac, err) < 0)
		return -1;
	tap_fd = tap_open(name, err);
	if (tap_fd < 0)
		return -1;
	vnet_init(&nic, m, tap_fd, mac);
	*dev = &nic.dev;
	return 0;
}

static int net_attach(struct iothread *io)
{
	return iothread_watch(io, &nic.dev, tap_fd, vnet_input);
}

static void net_close(void)
{
	if (tap_fd >= 0)
		close(tap_fd);
	tap_fd = -1;
}

DEVICE_TYPE(net,
	.option = "net",
	.has_value = true,
	.usage =
"  --net tap=NAME[,mac=MAC]\n"
"                     a virtio-net device on TAP device NAME (made if\n"
"                     missing, which needs CAP_NET_ADMIN); the default\n"
"                     MAC is 52:54:00:xx:xx:xx, the same for each NAME\n",
	.what = "the network device",
	.order = 20,
	.one = "network device",
	.open = net_open,
	.attach = net_attach,
	.close = net_close,
);
