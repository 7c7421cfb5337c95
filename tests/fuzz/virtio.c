/*
 * libFuzzer target: a hostile guest against the monitor's virtio devices
 * (virtio_mmio.c, virtq.c, virtio_blk.c, virtio_net.c, virtio_console.c),
 * all three on one MMIO bus, added to an I/O thread as ./vmm adds them
 * (iothread_add) and served on the fuzzer's thread after each operation
 * (iothread_poll), as the unit tests do.
 * The input is a program of operations: register reads and writes of any
 * size at any offset, writes into guest RAM (the rings, descriptors and
 * buffers), chains of descriptors posted as a driver would (contents
 * fuzzed), frames from the host side of the net device, console input,
 * and a well-formed bring-up so that the fuzzer reaches the queues.
 *
 * Guest RAM sits between PROT_NONE guard pages, so a host access outside
 * it faults; AddressSanitizer and UBSan watch the rest. After each input
 * every device must still answer its magic register.
 *
 * Each input starts from the same state (the devices as they were just
 * after iothread_add, RAM, disk, socket and pipe emptied), so a saved
 * input replays on its own.
 *
 * make fuzz (FUZZ_SECONDS, default 60) runs it; make test runs a short,
 * fixed-seed pass (tests/system/fuzz.sh).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <platform.h>

#include "bus.h"
#include "guarded.h"
#include "iothread.h"
#include "mem.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "virtio_net.h"

#define RAM             (64u * 1024)    /* small: random addresses hit */
#define NDEV            3
#define DISK            (8 * 512 + 100)         /* not whole sectors */
#define WINDOW(i)       PLAT_VIRTIO_MMIO_ADDR(i)

/* Where bring_up put each device's queues (the input may move them). */
struct ring {
	uint64_t desc, avail;
	uint16_t num, next_desc, avail_idx;
};

static struct ring rings[NDEV][4];
/* Queues each device has: the console's control queues too. */
static const unsigned nqueues[NDEV] = { 2, 2, 4 };
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 1, 2, 3 };
static struct mem m;
static struct bus mmio;
static struct iothread t = { .epoll_fd = -1, .stop_fd = -1 };
static struct vblk blk;
static struct vnet net;
static struct vcons cons;
/* The devices as iothread_add left them: each input starts from these. */
static struct vblk blk0;
static struct vnet net0;
static struct vcons cons0;
static int net_sp[2], cons_in[2], cons_out;

static void die(const char *what)
{
	perror(what);
	abort();
}

static void setup(void)
{
	char path[] = "/tmp/vmm-fuzz-disk-XXXXXX";
	struct errmsg err = { .text = "" };
	int fd;

	m.host = guarded_ram(RAM);
	if (!m.host)
		die("guest RAM");
	m.size = RAM;

	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, DISK) < 0)
		die("disk");
	close(fd);
	blk.fd = -1;
	if (vblk_open(&blk, path, false, &m, &err) < 0) {
		fprintf(stderr, "%s\n", err.text);
		abort();
	}
	unlink(path);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, net_sp) < 0)
		die("socketpair");
	if (pipe2(cons_in, O_NONBLOCK) < 0)
		die("pipe");
	cons_out = open("/dev/null", O_WRONLY);
	if (cons_out < 0)
		die("/dev/null");
	vnet_init(&net, &m, net_sp[0], mac);
	vcons_init(&cons, &m, cons_in[0], cons_out);
	bus_init(&mmio, BUS_MMIO);
	if (iothread_init(&t) < 0 || iothread_add(&t, &blk.dev, &mmio, 0) < 0 ||
	    iothread_add(&t, &net.dev, &mmio, 1) < 0 ||
	    iothread_add(&t, &cons.dev, &mmio, 2) < 0)
		die("iothread_add");
	blk0 = blk;
	net0 = net;
	cons0 = cons;
}

/* Do what the last operation set off (notifies, DRIVER_OK's kick), as
 * the I/O thread would. */
static void serve(void)
{
	while (iothread_poll(&t, 0) > 0)
		;
}

/* The input, read from the front; zeros once it runs out. */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		uint8_t b = 0;

		if (in->n) {
			b = *in->p++;
			in->n--;
		}
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void wr(unsigned dev, uint64_t off, uint64_t v)
{
	bus_write(&mmio, WINDOW(dev) + off, 4, v);
}

static void put16(uint64_t gpa, uint16_t v)
{
	if (gpa + 2 <= RAM)
		memcpy(m.host + gpa, &v, 2);
}

/* A chain of 1 to 4 descriptors (addresses, lengths and directions from
 * the input, near RAM or anywhere) made available on queue q, then a
 * notify: the shape a driver posts, with fuzzed contents. */
static void post(struct in *in, unsigned dev, unsigned q)
{
	struct ring *r = &rings[dev][q];
	unsigned k = (unsigned)take(in, 1), n = k % 4 + 1;
	uint16_t head;

	if (!r->num)
		return;
	head = r->next_desc % r->num;
	for (unsigned i = 0; i < n; i++) {
		uint16_t idx = (uint16_t)((head + i) % r->num);
		uint64_t d = r->desc + 16ull * idx;
		uint64_t addr = k & 0x80 ? take(in, 8) : take(in, 2) % RAM;
		uint32_t len = (uint32_t)(k & 0x40 ? take(in, 4) : take(in, 2));
		uint16_t flags = (uint16_t)(take(in, 1) & 2);   /* WRITE */

		if (i + 1 < n)
			flags |= 1;                             /* NEXT */
		if (d + 16 > RAM)
			break;
		memcpy(m.host + d, &addr, 8);
		memcpy(m.host + d + 8, &len, 4);
		memcpy(m.host + d + 12, &flags, 2);
		put16(d + 14, (uint16_t)((idx + 1) % r->num));
	}
	r->next_desc = (uint16_t)(head + n);
	put16(r->avail + 4 + 2ull * (r->avail_idx % r->num), head);
	put16(r->avail + 2, ++r->avail_idx);
	wr(dev, 0x50, q);
}

/* Reset, VERSION_1 (and whatever the input adds), the queues at
 * input-chosen places in RAM with input-chosen sizes, DRIVER_OK. */
static void bring_up(struct in *in, unsigned dev)
{
	wr(dev, 0x70, 0);
	wr(dev, 0x70, 1 | 2);
	wr(dev, 0x24, 0);
	wr(dev, 0x20, (uint32_t)take(in, 4));
	wr(dev, 0x24, 1);
	wr(dev, 0x20, 1 | (uint32_t)take(in, 1) << 8);
	wr(dev, 0x70, 1 | 2 | 8);
	for (unsigned q = 0; q < nqueues[dev]; q++) {
		uint64_t base = take(in, 2) % RAM & ~0xfull;

		struct ring *r = &rings[dev][q];

		*r = (struct ring){ .desc = base, .avail = (base + 0x1000) % RAM,
				    .num = (uint16_t)(1u << (take(in, 1) % 9)) };
		wr(dev, 0x30, q);
		wr(dev, 0x38, r->num);                          /* 1..256 */
		wr(dev, 0x80, (uint32_t)base);
		wr(dev, 0x84, 0);
		wr(dev, 0x90, (uint32_t)(base + 0x1000) % RAM);
		wr(dev, 0x94, 0);
		wr(dev, 0xa0, (uint32_t)(base + 0x2000) % RAM);
		wr(dev, 0xa4, 0);
		wr(dev, 0x44, 1);
	}
	wr(dev, 0x70, 1 | 2 | 4 | 8);
}

/* Empty a non-blocking fd. */
static void drain(int fd)
{
	uint8_t b[4096];

	while (read(fd, b, sizeof b) > 0)
		;
}

/*
 * The state every input starts from: what a fresh monitor would have.
 * The I/O thread's loop has nothing pending (each operation that could
 * set something off was served), so the devices go back to their state
 * just after iothread_add, still routed to the same eventfds.
 */
static void fresh(void)
{
	memset(m.host, 0, RAM);
	memset(rings, 0, sizeof rings);
	drain(net_sp[0]);
	drain(net_sp[1]);
	drain(cons_in[0]);
	if (ftruncate(blk.fd, 0) < 0 || ftruncate(blk.fd, DISK) < 0)
		die("disk");
	blk = blk0;
	net = net0;                             /* no held frame */
	cons = cons0;                           /* no held input */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct in in = { data, size };
	uint8_t buf[2048] = { 0 };
	uint64_t v;

	if (!ready) {
		setup();
		ready = 1;
	}
	fresh();
	while (in.n) {
		unsigned op = (unsigned)take(&in, 1), dev = op / 8 % NDEV;
		unsigned sizes[4] = { 1, 2, 4, 8 }, sz = sizes[op / 32 % 4];
		uint64_t off = take(&in, 2) & 0x1ff;
		unsigned len;

		switch (op % 8) {
		case 0:                         /* register write */
			bus_write(&mmio, WINDOW(dev) + off, sz, take(&in, 4));
			serve();
			break;
		case 1:                         /* register read */
			bus_read(&mmio, WINDOW(dev) + off, sz, &v);
			break;
		case 3:                         /* a request */
			post(&in, dev, (unsigned)off % nqueues[dev]);
			serve();
			break;
		case 2:                         /* guest RAM */
			len = (unsigned)take(&in, 1);
			off = (off << 7 | take(&in, 1)) % RAM;
			for (unsigned i = 0; i < len && off + i < RAM; i++)
				m.host[off + i] = (uint8_t)take(&in, 1);
			break;
		case 4:                         /* notify a queue */
			wr(dev, 0x50, (uint32_t)(off & 3));
			serve();
			break;
		case 5:                         /* a frame from the host */
			len = (unsigned)(off % sizeof buf);
			memset(buf, (int)op, len);
			if (write(net_sp[1], buf, len ? len : 1) >= 0)
				vnet_input(&net.dev);
			break;
		case 6:                         /* console input */
			len = (unsigned)(off % 64) + 1;
			memset(buf, 'a' + (int)(op % 26), len);
			if (write(cons_in[1], buf, len) >= 0)
				vcons_input(&cons.dev);
			break;
		case 7:
			bring_up(&in, dev);
			serve();
			break;
		}
	}
	/* Whatever happened, each device still answers (the monitor and the
	 * other devices keep running). */
	for (unsigned d = 0; d < NDEV; d++)
		if (!bus_read(&mmio, WINDOW(d), 4, &v) || v != 0x74726976)
			abort();
	return 0;
}
