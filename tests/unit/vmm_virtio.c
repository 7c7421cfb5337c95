/* The monitor's virtio-mmio transport, virtqueue and virtio-blk, driven
 * through the bus exactly as a guest driver would, over guest RAM; each
 * register write is served before it returns (inline_t). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "virtio_blk.h"
#include "vmm_virtio_driver.h"

#define DESC    0x1000
#define AVAIL   0x2000
#define USED    0x3000
#define HDR     0x4000
#define DATA    0x5000
#define STATUS  0x6000
#define QNUM    8

static struct mem m;
static struct bus mmio;
static struct iothread t;
static struct vblk b;
static struct gdrv drv;
static char path[32];

static uint32_t rd(uint64_t off) { return drv_rd(&drv, off); }
static void wr(uint64_t off, uint32_t v) { drv_wr(&drv, off, v); }
static void *g(uint64_t gpa) { return m.host + gpa; }

static void setup(int ro, size_t size)
{
	rig_init(&m, &mmio, &t);
	rig_disk(&b, path, size, 0, ro, &m);
	rig_add(&t, &mmio, &m, &b.dev, 0, -1, NULL, &drv);
	drv.inline_t = &t;
}

static void teardown(void)
{
	rig_fini(&m, &t);
	rig_disk_remove(&b, path);
}

/* A driver's bring-up; returns the status it reads back. */
static uint32_t bringup(int version1, uint32_t qnum)
{
	wr(0x070, 0);
	wr(0x070, 1 | 2);                       /* ACKNOWLEDGE, DRIVER */
	wr(0x024, 1);
	wr(0x020, version1 ? 1 : 0);            /* VERSION_1 is bit 32 */
	wr(0x070, 1 | 2 | 8);                   /* FEATURES_OK */
	if (!(rd(0x070) & 8))
		return rd(0x070);
	wr(0x030, 0);
	wr(0x038, qnum);
	wr(0x080, DESC); wr(0x090, AVAIL); wr(0x0a0, USED);
	wr(0x044, 1);
	wr(0x070, 1 | 2 | 8 | 4);               /* DRIVER_OK */
	return rd(0x070);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	uint8_t *d = g(DESC + 16 * i);

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/* Post a 3-descriptor request (type, sector, data len) and notify;
 * returns the status byte. */
static int request(uint32_t type, uint64_t sector, uint32_t len, int in)
{
	uint16_t *avail = g(AVAIL), idx = avail[1];
	uint32_t h[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };

	memcpy(g(HDR), h, 16);
	*(uint8_t *)g(STATUS) = 0xee;
	desc(0, HDR, 16, 1, 1);
	desc(1, DATA, len, 1 | (in ? 2 : 0), 2);
	desc(2, STATUS, 1, 2, 0);
	avail[2 + idx % QNUM] = 0;
	avail[1] = (uint16_t)(idx + 1);
	wr(0x050, 0);
	return *(uint8_t *)g(STATUS);
}

static int broken(void) { return (rd(0x070) & 64) != 0; }

Test(virtio, header_and_capacity, .fini = teardown)
{
	uint64_t cap;

	setup(0, 8 * 512 + 100);
	cr_assert_eq(rd(0x000), 0x74726976);
	cr_assert_eq(rd(0x004), 2);
	cr_assert_eq(rd(0x008), 2);
	wr(0x014, 1);
	cr_assert_eq(rd(0x010) & 1, 1, "VERSION_1 offered");
	cr_assert(bus_read(&mmio, drv.base + 0x100, 8, &cap));
	cr_assert_eq(cap, 8, "odd tail hidden");
}

Test(virtio, write_read_flush_id, .fini = teardown)
{
	setup(0, 16 * 512);
	cr_assert_eq(bringup(1, QNUM) & 0x4f, 0xf);
	memset(g(DATA), 'x', 1024);
	cr_assert_eq(request(1, 3, 1024, 0), 0);
	memset(g(DATA), 0, 1024);
	cr_assert_eq(request(0, 3, 1024, 1), 0);
	cr_assert_eq(((uint8_t *)g(DATA))[1023], 'x');
	cr_assert_eq(request(4, 0, 0, 0) , 0, "flush");
	cr_assert_eq(request(8, 0, 20, 1), 0);
	cr_assert_str_eq((char *)g(DATA), "ukern-vmm-blk");
	cr_assert_geq(t.dev[0].irqs, 4);
	cr_assert_eq(((uint16_t *)g(USED))[1], 4, "four used entries");
	/* The bytes are in the file. */
	char buf[4];
	int fd = open(path, O_RDONLY);
	cr_assert_eq(pread(fd, buf, 4, 3 * 512 + 100), 4);
	close(fd);
	cr_assert_eq(buf[0], 'x');
}

Test(virtio, range_and_read_only, .fini = teardown)
{
	setup(1, 4 * 512);
	cr_assert_eq(bringup(1, QNUM) & 0x4f, 0xf);
	wr(0x014, 0);
	cr_assert(rd(0x010) & (1 << 5), "RO offered");
	cr_assert_eq(request(1, 0, 512, 0), 1, "write refused");
	cr_assert_eq(request(0, 3, 1024, 1), 1, "read past the end");
	cr_assert_eq(request(0, 1ull << 62, 512, 1), 1, "sector overflow");
	cr_assert_eq(request(0, 0, 100, 1), 1, "not whole sectors");
	cr_assert_eq(request(99, 0, 512, 1), 2, "unsupported");
	cr_assert_not(broken());
}

Test(virtio, version_1_required, .fini = teardown)
{
	setup(0, 512);
	cr_assert_eq(bringup(0, QNUM) & 8, 0, "FEATURES_OK refused");
}

Test(virtio, bad_queue_size, .fini = teardown)
{
	setup(0, 512);
	cr_assert(bringup(1, 3) & 64);
	teardown();
	setup(0, 512);
	cr_assert(bringup(1, 512) & 64, "above the max");
}

Test(virtio, hostile_descriptors, .fini = teardown)
{
	static const struct { uint64_t addr; uint32_t len; uint16_t next; int loop; } bad[] = {
		{ 1 << 20, 512, 2, 0 },                 /* outside RAM */
		{ (1 << 20) - 100, 512, 2, 0 },         /* runs past the end */
		{ UINT64_MAX - 10, 512, 2, 0 },         /* wraps */
		{ DATA, 512, 9, 0 },                    /* next past the queue */
		{ DATA, 512, 0, 1 },                    /* a loop */
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint16_t *avail;

		setup(0, 8 * 512);
		cr_assert_eq(bringup(1, QNUM) & 0x4f, 0xf);
		request(0, 0, 512, 1);                  /* one good request */
		avail = g(AVAIL);
		desc(0, HDR, 16, 1, 1);
		desc(1, bad[i].addr, bad[i].len, 1 | 2, bad[i].next);
		if (bad[i].loop)
			desc(1, DATA, 512, 1 | 2, 0);   /* 0 -> 1 -> 0 ... */
		avail[2 + avail[1] % QNUM] = 0;
		avail[1]++;
		wr(0x050, 0);
		cr_assert(broken(), "case %u", i);
		/* A broken device ignores notifies until reset. */
		wr(0x050, 0);
		wr(0x070, 0);
		cr_assert_not(broken(), "reset clears it");
		teardown();
	}
	setup(0, 512);
}

Test(virtio, wrong_direction_and_runaway_index, .fini = teardown)
{
	setup(0, 8 * 512);
	cr_assert_eq(bringup(1, QNUM) & 0x4f, 0xf);
	desc(0, HDR, 16, 1 | 2, 1);                     /* writable header */
	desc(1, STATUS, 1, 2, 0);
	((uint16_t *)g(AVAIL))[2] = 0;
	((uint16_t *)g(AVAIL))[1] = 1;
	wr(0x050, 0);
	cr_assert(broken());
	wr(0x070, 0);
	/* A driver starts again on empty rings: DRIVER_OK kicks the queue. */
	((uint16_t *)g(AVAIL))[1] = 0;
	cr_assert_eq(bringup(1, QNUM) & 0x4f, 0xf);
	((uint16_t *)g(AVAIL))[1] = 100;                /* > queue size ahead */
	wr(0x050, 0);
	cr_assert(broken());
}

Test(virtio, disk_spec)
{
	char p[64];
	bool ro;
	struct errmsg err = { .text = "" };

	cr_assert_eq(vblk_parse("a.img", p, sizeof p, &ro, &err), 0);
	cr_assert_str_eq(p, "a.img");
	cr_assert_not(ro);
	cr_assert_eq(vblk_parse("a.img,ro", p, sizeof p, &ro, &err), 0);
	cr_assert(ro);
	cr_assert_eq(vblk_parse("a.img,rw", p, sizeof p, &ro, &err), -1);
	cr_assert_eq(vblk_parse(",ro", p, sizeof p, &ro, &err), -1);
	char line[64];
	virtio_announce(0, line, sizeof line);
	cr_assert_str_eq(line, "virtio_mmio.device=512@0xfeb00000:5");
}

/* VERSION_1 means any descriptor layout: the same request split or merged
 * differently must do the same thing. */
Test(virtio, any_layout, .fini = teardown)
{
	uint16_t *avail;
	uint32_t h[4] = { 1, 0, 2, 0 };         /* OUT, sector 2 */
	char buf[4];
	int fd;

	setup(0, 8 * 512);
	cr_assert_eq(bringup(1, QNUM) & 0x4f, 0xf);
	avail = g(AVAIL);
	/* OUT: header and data in one readable descriptor. */
	memcpy(g(HDR), h, 16);
	memset((uint8_t *)g(HDR) + 16, 'a', 512);
	desc(0, HDR, 16 + 512, 1, 1);
	desc(1, STATUS, 1, 2, 0);
	avail[2] = 0;
	avail[1] = 1;
	wr(0x050, 0);
	cr_assert_eq(*(uint8_t *)g(STATUS), 0);
	fd = open(path, O_RDONLY);
	cr_assert_eq(pread(fd, buf, 1, 2 * 512 + 511), 1);
	close(fd);
	cr_assert_eq(buf[0], 'a', "the merged data reached the file");
	/* IN: header split 8 + 8, data and status in one writable buffer. */
	h[0] = 0;
	memcpy(g(HDR), h, 16);
	desc(0, HDR, 8, 1, 1);
	desc(1, HDR + 8, 8, 1, 2);
	desc(2, DATA, 513, 2, 0);
	memset(g(DATA), 0, 513);
	avail[3] = 0;
	avail[1] = 2;
	wr(0x050, 0);
	cr_assert_eq(((uint8_t *)g(DATA))[0], 'a', "read into the merged buffer");
	cr_assert_eq(((uint8_t *)g(DATA))[512], 0, "status OK in its last byte");
	cr_assert_not(broken());
	/* A readable buffer after a writable one breaks the rules. */
	desc(0, HDR, 16, 1, 1);
	desc(1, DATA, 512, 1 | 2, 2);
	desc(2, STATUS, 1, 0, 0);
	avail[4] = 0;
	avail[1] = 3;
	wr(0x050, 0);
	cr_assert(broken());
}
