/*
 * virtio-net (nic.h). Like blk, the interrupt arrives edge-triggered and
 * the line stays up while InterruptStatus is non-zero, so nic_poll
 * acknowledges first and drains the used rings after: whatever the
 * device finished before the acknowledgement is found by the drain,
 * whatever it finishes later raises a new edge.
 */
#include "nic.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define BUF_PAGES       (2 * NIC_BUFS * NIC_BUF_SIZE / UK_PAGE_SIZE)

/* The device broke the protocol: stop it (no more DMA). */
static void broken(struct nic *n, const char *why)
{
	if (!n->broken)
		eprintf("net: device broken: %s; reset\n", why);
	n->broken = 1;
	virtio_reset(n->dev.regs);
}

/* Offers rx buffer i to the device. */
static int rx_give(struct nic *n, unsigned i)
{
	struct virtq_buf b = { n->buf_phys + i * NIC_BUF_SIZE, NIC_BUF_SIZE, 1 };
	int head = virtq_add(&n->rx, &b, 1);

	if (head >= 0)
		n->rx_of[head] = (int16_t)i;
	return head;
}

/* Both queues (a page each) and the buffers, in the DMA memory at
 * phys. */
static int setup_queues(struct nic *n, uint64_t phys)
{
	unsigned rs = virtio_queue_max(&n->dev, 0, NIC_BUFS);
	unsigned ts = virtio_queue_max(&n->dev, 1, NIC_BUFS);
	uint8_t *va = (uint8_t *)(uintptr_t)UMAP_DEV_DMA;

	if (rs < NIC_BUFS || ts < NIC_BUFS)
		return -1;
	if (virtq_init(&n->rx, va, phys, rs) < 0 ||
	    virtq_init(&n->tx, va + UK_PAGE_SIZE, phys + UK_PAGE_SIZE, ts) < 0 ||
	    virtio_queue(&n->dev, 0, &n->rx) != VIRTIO_OK ||
	    virtio_queue(&n->dev, 1, &n->tx) != VIRTIO_OK)
		return -1;
	n->buf = va + 2 * UK_PAGE_SIZE;
	n->buf_phys = phys + 2 * UK_PAGE_SIZE;
	for (unsigned i = 0; i < VIRTQ_SIZE_MAX; i++)
		n->rx_of[i] = n->tx_of[i] = -1;
	for (unsigned i = 0; i < NIC_BUFS; i++)
		if (rx_give(n, i) < 0)
			return -1;
	return 0;
}

static void read_mac(struct nic *n)
{
	static const uint8_t local[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	uint32_t lo, hi;

	memcpy(n->mac, local, 6);
	if (!(n->dev.features & VIRTIO_NET_F_MAC))
		return;
	lo = virtio_cfg32(&n->dev, 0);
	hi = virtio_cfg32(&n->dev, 4);
	for (unsigned i = 0; i < 4; i++)
		n->mac[i] = (uint8_t)(lo >> (8 * i));
	n->mac[4] = (uint8_t)hi;
	n->mac[5] = (uint8_t)(hi >> 8);
}

int nic_init(struct nic *n)
{
	uint64_t phys;

	memset(n, 0, sizeof *n);
	if (virtio_driver_start(&n->dev, VIRTIO_ID_NET, VIRTIO_NET_F_MAC,
				2 + BUF_PAGES, &phys, &n->ntfn) < 0)
		return -1;
	if (setup_queues(n, phys) < 0)
		return virtio_driver_fail(&n->dev, "cannot set up the queues");
	read_mac(n);
	virtio_irq_ack(&n->dev);
	virtio_driver_ok(&n->dev);
	virtio_notify(&n->dev, 0);      /* the receive buffers are there */
	return 0;
}

static void reap_tx(struct nic *n)
{
	uint32_t len;
	int head;

	while ((head = virtq_get(&n->tx, &len)) >= 0) {
		if (n->tx_of[head] < 0) {
			broken(n, "tx completion of no buffer");
			return;
		}
		n->tx_busy[n->tx_of[head]] = 0;
		n->tx_of[head] = -1;
	}
	if (head == -2)
		broken(n, "bad tx used ring");
}

void nic_poll(struct nic *n, void (*input)(const uint8_t *, size_t, void *),
	      void *ctx)
{
	unsigned given = 0;
	uint32_t len;
	int head;

	if (n->broken)
		return;
	virtio_irq_ack(&n->dev);
	while ((head = virtq_get(&n->rx, &len)) >= 0) {
		int i = n->rx_of[head];

		if (i < 0) {
			broken(n, "rx completion of no buffer");
			return;
		}
		n->rx_of[head] = -1;
		if (len > VIRTIO_NET_HDR_LEN && len <= NIC_BUF_SIZE)
			input(n->buf + i * NIC_BUF_SIZE + VIRTIO_NET_HDR_LEN,
			      len - VIRTIO_NET_HDR_LEN, ctx);
		if (rx_give(n, (unsigned)i) >= 0)
			given++;
	}
	if (head == -2) {
		broken(n, "bad rx used ring");
		return;
	}
	if (given && !virtq_notify_off(&n->rx))
		virtio_notify(&n->dev, 0);
	reap_tx(n);
}

int nic_tx_idle(struct nic *n)
{
	if (n->broken)
		return 1;
	reap_tx(n);
	for (unsigned i = 0; i < NIC_BUFS; i++)
		if (n->tx_busy[i])
			return n->broken;
	return 1;
}

int nic_tx(struct nic *n, const void *frame, size_t len)
{
	unsigned i;
	uint8_t *b;
	int head;

	if (n->broken || len > NIC_BUF_SIZE - VIRTIO_NET_HDR_LEN)
		return -1;
	reap_tx(n);
	for (i = 0; i < NIC_BUFS && n->tx_busy[i]; i++)
		;
	if (i == NIC_BUFS || n->broken)
		return -1;
	b = n->buf + (NIC_BUFS + i) * NIC_BUF_SIZE;
	memset(b, 0, VIRTIO_NET_HDR_LEN);
	memcpy(b + VIRTIO_NET_HDR_LEN, frame, len);
	head = virtq_add(&n->tx, &(struct virtq_buf){
		n->buf_phys + (NIC_BUFS + i) * NIC_BUF_SIZE,
		(uint32_t)(VIRTIO_NET_HDR_LEN + len), 0 }, 1);
	if (head < 0)
		return -1;
	n->tx_busy[i] = 1;
	n->tx_of[head] = (int16_t)i;
	if (!virtq_notify_off(&n->tx))
		virtio_notify(&n->dev, 1);
	return 0;
}
