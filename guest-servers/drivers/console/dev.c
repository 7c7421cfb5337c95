#include "dev.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define DMA_PAGES       7
#define QUEUE_SIZE      16
#define RX_Q            0
#define TX_Q            1
#define CRX_Q           2
#define CTX_Q           3
#define RX_OFF          (2 * UK_PAGE_SIZE)
#define TX_OFF          (3 * UK_PAGE_SIZE)
#define CRX_OFF         (6 * UK_PAGE_SIZE)  /* control buffers, 8 bytes */
#define CTX_OFF         (CRX_OFF + DEV_CTRL_BUFS * CTRL_BYTES)
#define F_MULTIPORT     (1ull << 1)
#define CTRL_BYTES      8

/* Control messages (virtio 1.x 5.3.6.2). */
enum {
	DEVICE_READY = 0, DEVICE_ADD = 1, PORT_READY = 3, CONSOLE_PORT = 4,
	PORT_OPEN = 6,
};

/* Queue index over page page of the DMA block. */
static int queue(struct cons_dev *d, struct virtq *q, unsigned index,
		 unsigned page)
{
	unsigned size = virtio_queue_max(&d->dev, index, QUEUE_SIZE);

	if (size < (index == CRX_Q ? DEV_CTRL_BUFS : DEV_RX_BUFS) || virtq_bytes(size) > UK_PAGE_SIZE ||
	    virtq_init(q, (void *)(uintptr_t)(UMAP_DEV_DMA + page * UK_PAGE_SIZE),
		       d->dma_phys + page * UK_PAGE_SIZE, size) < 0)
		return -1;
	return virtio_queue(&d->dev, index, q) == VIRTIO_OK ? 0 : -1;
}

/* Offers receive buffer i to the device. */
static void post_rx(struct cons_dev *d, unsigned i)
{
	struct virtq_buf b = { .phys = d->dma_phys + RX_OFF + i * DEV_RX_BYTES,
			       .len = DEV_RX_BYTES, .device_writes = 1 };

	d->rx_head[i] = virtq_add(&d->rx, &b, 1);
}

static void post_crx(struct cons_dev *d, unsigned i)
{
	struct virtq_buf b = { .phys = d->dma_phys + CRX_OFF + i * CTRL_BYTES,
			       .len = CTRL_BYTES, .device_writes = 1 };

	d->crx_head[i] = virtq_add(&d->crx, &b, 1);
}

static void broken(struct cons_dev *d, const char *why);

/* Sends one control message and waits until the device has it. */
static void ctrl_send(struct cons_dev *d, uint16_t event, uint16_t value)
{
	struct virtq_buf b = { .phys = d->dma_phys + CTX_OFF,
			       .len = CTRL_BYTES };
	volatile uint8_t *m = d->dma + CTX_OFF;
	uint64_t bits, others = 0;
	uint32_t len;
	int head, got;

	for (unsigned i = 0; i < 4; i++)
		m[i] = 0;                       /* port 0 */
	m[4] = (uint8_t)event;
	m[5] = (uint8_t)(event >> 8);
	m[6] = (uint8_t)value;
	m[7] = (uint8_t)(value >> 8);
	head = virtq_add(&d->ctx, &b, 1);
	if (head < 0) {
		broken(d, "the control queue is stuck");
		return;
	}
	virtio_notify(&d->dev, CTX_Q);
	while ((got = virtq_get(&d->ctx, &len)) == -1) {
		if (uk_wait(d->ntfn, &bits) != UK_OK) {
			broken(d, "interrupt notification gone");
			return;
		}
		others |= bits & ~(uint64_t)1;
		virtio_irq_ack(&d->dev);
	}
	if (others)
		uk_signal(d->ntfn, others);
	if (got != head)
		broken(d, "bad used entry in the control queue");
}

int dev_init(struct cons_dev *d)
{
	*d = (struct cons_dev){ .ntfn = UK_NO_CAP };
	if (virtio_driver_start(&d->dev, VIRTIO_ID_CONSOLE, F_MULTIPORT,
				DMA_PAGES, &d->dma_phys, &d->ntfn) < 0)
		return -1;
	d->dma = (volatile uint8_t *)(uintptr_t)UMAP_DEV_DMA;
	d->multiport = (d->dev.features & F_MULTIPORT) != 0;
	if (queue(d, &d->rx, RX_Q, 0) < 0 || queue(d, &d->tx, TX_Q, 1) < 0 ||
	    (d->multiport && (queue(d, &d->crx, CRX_Q, 4) < 0 ||
			      queue(d, &d->ctx, CTX_Q, 5) < 0)))
		return virtio_driver_fail(&d->dev, "cannot set up the queues");
	for (unsigned i = 0; i < DEV_RX_BUFS; i++)
		post_rx(d, i);
	for (unsigned i = 0; d->multiport && i < DEV_CTRL_BUFS; i++)
		post_crx(d, i);
	virtio_irq_ack(&d->dev);
	virtio_driver_ok(&d->dev);
	virtio_notify(&d->dev, RX_Q);
	if (d->multiport) {
		virtio_notify(&d->dev, CRX_Q);
		ctrl_send(d, DEVICE_READY, 1);
	}
	return 0;
}

/* The control messages the device sent: port 0 is added (ready), made
 * the console (opened on this side), opened or closed by the host. */
static void ctrl_poll(struct cons_dev *d)
{
	int reposted = 0, head;
	uint32_t len;

	while (!d->broken && (head = virtq_get(&d->crx, &len)) != -1) {
		volatile uint8_t *m;
		unsigned i;
		uint32_t id;
		uint16_t event, value;

		for (i = 0; i < DEV_CTRL_BUFS && d->crx_head[i] != head; i++)
			;
		if (head < 0 || i == DEV_CTRL_BUFS || len < CTRL_BYTES) {
			broken(d, "bad used entry in the control queue");
			return;
		}
		m = d->dma + CRX_OFF + i * CTRL_BYTES;
		id = (uint32_t)m[0] | (uint32_t)m[1] << 8 |
		     (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
		event = (uint16_t)(m[4] | m[5] << 8);
		value = (uint16_t)(m[6] | m[7] << 8);
		post_crx(d, i);
		reposted = 1;
		if (id != 0)
			continue;               /* a port I do not drive */
		if (event == DEVICE_ADD)
			ctrl_send(d, PORT_READY, 1);
		else if (event == CONSOLE_PORT)
			ctrl_send(d, PORT_OPEN, 1);
		else if (event == PORT_OPEN)
			d->host_closed = value == 0;
	}
	if (reposted)
		virtio_notify(&d->dev, CRX_Q);
}

static void broken(struct cons_dev *d, const char *why)
{
	if (!d->broken)
		eprintf("console: the device broke the protocol: %s\n", why);
	d->broken = 1;
}

void dev_poll(struct cons_dev *d)
{
	int reposted = 0, head;
	uint32_t len;

	if (d->broken)
		return;
	if ((virtio_irq_ack(&d->dev) & VIRTIO_INT_CONFIG) &&
	    virtio_broken(&d->dev))
		broken(d, "it needs a reset");
	while (!d->broken && DEV_IN_BYTES - d->in_len >= DEV_RX_BYTES &&
	       (head = virtq_get(&d->rx, &len)) != -1) {
		unsigned i;

		for (i = 0; i < DEV_RX_BUFS && d->rx_head[i] != head; i++)
			;
		if (head < 0 || i == DEV_RX_BUFS || len > DEV_RX_BYTES) {
			broken(d, "bad used entry in the receive queue");
			break;
		}
		for (uint32_t k = 0; k < len; k++)
			d->in[(d->in_head + d->in_len++) % DEV_IN_BYTES] =
				d->dma[RX_OFF + i * DEV_RX_BYTES + k];
		post_rx(d, i);
		reposted = 1;
	}
	if (reposted)
		virtio_notify(&d->dev, RX_Q);
	if (d->multiport)
		ctrl_poll(d);
}

int dev_eof(struct cons_dev *d)
{
	dev_poll(d);
	return d->host_closed && d->in_len == 0;
}

int dev_write(struct cons_dev *d, const void *buf, size_t n)
{
	struct virtq_buf b = { .phys = d->dma_phys + TX_OFF, .len = (uint32_t)n };
	uint32_t len;
	uint64_t bits, others = 0;
	int head, got;

	if (d->broken || n == 0 || n > UK_PAGE_SIZE)
		return d->broken ? -1 : 0;
	memcpy((void *)(uintptr_t)(d->dma + TX_OFF), buf, n);
	head = virtq_add(&d->tx, &b, 1);
	if (head < 0) {
		broken(d, "the transmit queue is stuck");
		return -1;
	}
	virtio_notify(&d->dev, TX_Q);
	/* The device may hold output while its host side is busy: wait for
	 * its interrupt (input arriving meanwhile is taken in below). */
	while ((got = virtq_get(&d->tx, &len)) == -1) {
		if (uk_wait(d->ntfn, &bits) != UK_OK) {
			broken(d, "interrupt notification gone");
			return -1;
		}
		others |= bits & ~(uint64_t)1;
		virtio_irq_ack(&d->dev);
	}
	/* Bits that are not the interrupt's (a death notice) are the
	 * server loop's: back on the notification for it. */
	if (others)
		uk_signal(d->ntfn, others);
	if (got != head) {
		broken(d, "bad used entry in the transmit queue");
		return -1;
	}
	dev_poll(d);
	return 0;
}

size_t dev_read(struct cons_dev *d, void *buf, size_t n)
{
	uint8_t *out = buf;
	size_t k = 0;

	for (; k < n && d->in_len; k++, d->in_len--) {
		out[k] = d->in[d->in_head];
		d->in_head = (d->in_head + 1) % DEV_IN_BYTES;
	}
	if (k)
		dev_poll(d);    /* room again: take what waits */
	return k;
}
