/*
 * More hostile drivers against virtio-blk (virtio_blk.c, virtio_mmio.c,
 * virtq.c), next to the cases in vmm_virtio.c: two disks on one bus,
 * each register write served before it returns (inline_t), each case on
 * disk 0 while disk 1 must keep working.
 */
#include <fcntl.h>
#include <stdlib.h>

#include "virtio_blk.h"
#include "vmm_virtio_driver.h"

#define SECTORS 8
#define TAIL    7               /* bytes past the last whole sector */

static struct mem m;
static struct bus mmio;
static struct iothread t;
static struct vblk blk[2];
static char path[2][32];
static struct gdrv drv[2];

static void make_disk(unsigned i, bool ro)
{
	rig_disk(&blk[i], path[i], SECTORS * 512 + TAIL, 't', ro, &m);
	rig_add(&t, &mmio, &m, &blk[i].dev, i, -1, NULL, &drv[i]);
	drv[i].inline_t = &t;
}

static void setup_ro(bool ro)
{
	rig_init(&m, &mmio, &t);
	make_disk(0, ro);
	make_disk(1, false);
	cr_assert_eq(drv_bringup(&drv[1], 1, 8) & 0x4f, 0xf);
}

static void setup(void)
{
	setup_ro(false);
}

static void teardown(void)
{
	rig_fini(&m, &t);
	for (unsigned i = 0; i < 2; i++)
		rig_disk_remove(&blk[i], path[i]);
}

TestSuite(hostile, .init = setup, .fini = teardown);

#define HDR(k)          (BUF(k))
#define STATUS(k)       (BUF(k) + 16)
#define DATA(k)         (BUF(k) + 0x1000)

static void header(unsigned k, uint32_t type, uint64_t sector)
{
	uint32_t h[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };

	memcpy(gptr(&m, HDR(k)), h, 16);
	*(uint8_t *)gptr(&m, STATUS(k)) = 0xee;
}

/* Post a well-formed three-descriptor request on disk k and notify. */
static uint8_t request(unsigned k, uint32_t type, uint64_t sector,
		       uint32_t len, bool in)
{
	header(k, type, sector);
	drv_desc(&drv[k], 0, 0, HDR(k), 16, D_NEXT, 1);
	drv_desc(&drv[k], 0, 1, DATA(k), len, D_NEXT | (in ? D_WRITE : 0), 2);
	drv_desc(&drv[k], 0, 2, STATUS(k), 1, D_WRITE, 0);
	drv_post(&drv[k], 0, 0);
	drv_wr(&drv[k], R_QUEUE_NOTIFY, 0);
	return *(uint8_t *)gptr(&m, STATUS(k));
}

/* Disk 0 must be broken, have said so, and disk 1 must still serve. */
static void expect_broken_others_fine(void)
{
	uint16_t used = drv_used_idx(&drv[1], 0);

	cr_assert(drv_broken(&drv[0]), "DEVICE_NEEDS_RESET");
	cr_assert_eq(drv_rd(&drv[0], R_INT_STATUS) & 2, 2, "config interrupt");
	memset(gptr(&m, DATA(1)), 'n', 512);
	cr_assert_eq(request(1, 1, 0, 512, false), 0, "disk 1 still writes");
	cr_assert_eq(drv_used_idx(&drv[1], 0), (uint16_t)(used + 1));
	cr_assert_not(drv_broken(&drv[1]));
	/* A reset brings disk 0 back. */
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	cr_assert_eq(request(0, 0, 0, 512, true), 0);
}

/* Post chain head 0 as the test built it on disk 0 and notify. */
static void post0(void)
{
	drv_post(&drv[0], 0, 0);
	drv_wr(&drv[0], R_QUEUE_NOTIFY, 0);
}

Test(hostile, status_device_readable)
{
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	header(0, 0, 0);
	drv_desc(&drv[0], 0, 0, HDR(0), 16, D_NEXT, 1);
	drv_desc(&drv[0], 0, 1, DATA(0), 512, D_NEXT | D_WRITE, 2);
	drv_desc(&drv[0], 0, 2, STATUS(0), 1, 0, 0);
	post0();
	cr_assert_eq(*(uint8_t *)gptr(&m, STATUS(0)), 0xee, "not written");
	expect_broken_others_fine();
}

Test(hostile, status_empty)
{
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	header(0, 4, 0);
	drv_desc(&drv[0], 0, 0, HDR(0), 16, D_NEXT, 1);
	drv_desc(&drv[0], 0, 1, STATUS(0), 0, D_WRITE, 0);
	post0();
	expect_broken_others_fine();
}

Test(hostile, read_into_device_readable_data)
{
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	memset(gptr(&m, DATA(0)), 'g', 512);
	request(0, 0, 0, 512, false);
	cr_assert_eq(((uint8_t *)gptr(&m, DATA(0)))[0], 'g', "nothing read");
	expect_broken_others_fine();
}

Test(hostile, write_from_device_writable_data)
{
	char buf[512];
	int fd;

	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	memset(gptr(&m, DATA(0)), 'w', 512);
	request(0, 1, 0, 512, true);
	fd = open(path[0], O_RDONLY);
	cr_assert_eq(pread(fd, buf, 512, 0), 512);
	close(fd);
	cr_assert_eq(buf[0], 't', "the file is untouched");
	expect_broken_others_fine();
}

Test(hostile, length_runs_past_ram)
{
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	header(0, 0, 0);
	drv_desc(&drv[0], 0, 0, HDR(0), 16, D_NEXT, 1);
	drv_desc(&drv[0], 0, 1, 0, UINT32_MAX, D_NEXT | D_WRITE, 2);
	drv_desc(&drv[0], 0, 2, STATUS(0), 1, D_WRITE, 0);
	post0();
	expect_broken_others_fine();
}

Test(hostile, header_outside_ram)
{
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	drv_desc(&drv[0], 0, 0, TEST_RAM - 8, 16, D_NEXT, 1);
	drv_desc(&drv[0], 0, 1, STATUS(0), 1, D_WRITE, 0);
	post0();
	expect_broken_others_fine();
}

Test(hostile, head_index_past_the_queue)
{
	uint16_t *avail;

	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	avail = gptr(&m, QAVAIL(0, 0));
	avail[2] = 8;
	avail[1] = 1;
	drv_wr(&drv[0], R_QUEUE_NOTIFY, 0);
	expect_broken_others_fine();
}

Test(hostile, chain_of_the_queue_size_is_fine_one_more_is_not)
{
	uint32_t id;

	cr_assert_eq(drv_bringup(&drv[0], 1, 4) & 0x4f, 0xf);
	header(0, 0, 1);
	drv_desc(&drv[0], 0, 0, HDR(0), 16, D_NEXT, 1);
	drv_desc(&drv[0], 0, 1, DATA(0), 512, D_NEXT | D_WRITE, 2);
	drv_desc(&drv[0], 0, 2, DATA(0) + 512, 512, D_NEXT | D_WRITE, 3);
	drv_desc(&drv[0], 0, 3, STATUS(0), 1, D_WRITE, 0);
	post0();
	cr_assert_eq(*(uint8_t *)gptr(&m, STATUS(0)), 0, "4 of 4 descriptors");
	cr_assert_eq(drv_used(&drv[0], 0, 0, &id), 1025);
	/* The same four, the last pointing back at the first: five links. */
	drv_desc(&drv[0], 0, 3, STATUS(0), 1, D_WRITE | D_NEXT, 0);
	post0();
	expect_broken_others_fine();
}

Test(hostile, rings_outside_ram)
{
	static const struct { uint64_t desc, avail, used; } bad[] = {
		{ TEST_RAM, QAVAIL(0, 0), QUSED(0, 0) },
		{ QDESC(0, 0), TEST_RAM - 4, QUSED(0, 0) },
		{ QDESC(0, 0), QAVAIL(0, 0), TEST_RAM - 8 },    /* straddles */
		{ QDESC(0, 0) | 1ull << 32, QAVAIL(0, 0), QUSED(0, 0) },
		{ QDESC(0, 0), QAVAIL(0, 0), UINT64_MAX - 16 },
	};

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint16_t *avail = gptr(&m, QAVAIL(0, 0));

		cr_assert_eq(drv_negotiate(&drv[0], 0, 1) & S_FEATURES_OK,
			     S_FEATURES_OK);
		memset(gptr(&m, QDESC(0, 0)), 0, 0x3000);
		drv_queue_at(&drv[0], 0, 8, bad[i].desc, bad[i].avail,
			     bad[i].used);
		drv_wr(&drv[0], R_STATUS, 0xf);
		if (bad[i].avail == QAVAIL(0, 0)) {
			avail[2] = 0;
			avail[1] = 1;
		}
		drv_wr(&drv[0], R_QUEUE_NOTIFY, 0);
		cr_assert(drv_broken(&drv[0]) ||
			  !(drv_rd(&drv[0], R_STATUS) & S_DRIVER_OK),
			  "case %u", i);
		if (bad[i].avail == QAVAIL(0, 0))
			cr_assert(drv_broken(&drv[0]), "case %u", i);
	}
	expect_broken_others_fine();
}

Test(hostile, queue_sizes)
{
	static const uint32_t bad[] = { 0, 3, 6, 257, 512, 0x10000 };

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(drv_negotiate(&drv[0], 0, 1) & S_FEATURES_OK,
			     S_FEATURES_OK);
		drv_queue(&drv[0], 0, bad[i]);
		cr_assert(drv_broken(&drv[0]), "size %u", bad[i]);
	}
	cr_assert_eq(drv_negotiate(&drv[0], 0, 1) & S_FEATURES_OK, S_FEATURES_OK);
	drv_wr(&drv[0], R_QUEUE_SEL, 0);
	cr_assert_eq(drv_rd(&drv[0], R_QUEUE_NUM_MAX), 256);
	drv_wr(&drv[0], R_QUEUE_READY, 1);
	cr_assert(drv_broken(&drv[0]), "ready without a size");
	expect_broken_others_fine();
	cr_assert_eq(drv_bringup(&drv[0], 1, 256) & 0x4f, 0xf, "the max is fine");
}

Test(hostile, features_not_offered)
{
	cr_assert_eq(drv_negotiate(&drv[0], 1u << 1, 1) & S_FEATURES_OK, 0,
		     "SIZE_MAX was not offered");
	cr_assert_eq(drv_negotiate(&drv[0], 0, 0) & S_FEATURES_OK, 0,
		     "VERSION_1 is required");
	cr_assert_eq(drv_negotiate(&drv[0], 1u << 9, 1) & S_FEATURES_OK,
		     S_FEATURES_OK, "FLUSH is offered");
}

Test(hostile, sector_arithmetic)
{
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	memset(gptr(&m, DATA(0)), 0, 1024);
	cr_assert_eq(request(0, 0, SECTORS - 1, 512, true), 0, "last sector");
	cr_assert_eq(((uint8_t *)gptr(&m, DATA(0)))[0], 't');
	cr_assert_eq(request(0, 0, SECTORS - 1, 1024, true), 1, "one past");
	cr_assert_eq(request(0, 0, SECTORS, 512, true), 1, "the tail sector");
	cr_assert_eq(request(0, 0, 1ull << 55, 512, true), 1,
		     "sector * 512 wraps to 0");
	cr_assert_eq(request(0, 0, UINT64_MAX, 512, true), 1);
	cr_assert_eq(request(0, 1, (1ull << 55) + 1, 512, false), 1,
		     "a wrapping write");
	cr_assert_not(drv_broken(&drv[0]), "IOERR, not a broken device");
}

Test(hostile, odd_size_tail_untouched)
{
	char buf[SECTORS * 512 + TAIL];
	int fd;

	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	cr_assert_eq(drv_rd(&drv[0], R_CONFIG), SECTORS, "capacity, low word");
	cr_assert_eq(drv_rd(&drv[0], R_CONFIG + 4), 0, "capacity, high word");
	memset(gptr(&m, DATA(0)), 'W', 512);
	cr_assert_eq(request(0, 1, SECTORS - 1, 512, false), 0);
	fd = open(path[0], O_RDONLY);
	cr_assert_eq(pread(fd, buf, sizeof buf, 0), (ssize_t)sizeof buf);
	close(fd);
	cr_assert_eq(buf[(SECTORS - 1) * 512 - 1], 't');
	cr_assert_eq(buf[(SECTORS - 1) * 512], 'W');
	cr_assert_eq(buf[SECTORS * 512 - 1], 'W');
	for (unsigned i = 0; i < TAIL; i++)
		cr_assert_eq(buf[SECTORS * 512 + i], 't', "the tail is kept");
}

Test(hostile, get_id)
{
	uint32_t id;

	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	memset(gptr(&m, DATA(0)), 0xff, 20);
	cr_assert_eq(request(0, 8, 0, 20, true), 0);
	cr_assert_str_eq(gptr(&m, DATA(0)), "ukern-vmm-blk");
	cr_assert_eq(drv_used(&drv[0], 0, 0, &id), 21);
	cr_assert_eq(t.dev[0].irqs, 1);
}

static void setup_read_only(void)
{
	setup_ro(true);
}

Test(hostile_ro, read_only, .init = setup_read_only, .fini = teardown)
{
	char buf[512];
	int fd;

	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	drv_wr(&drv[0], R_DEV_FEAT_SEL, 0);
	cr_assert(drv_rd(&drv[0], R_DEV_FEAT) & (1u << 5), "VIRTIO_BLK_F_RO");
	memset(gptr(&m, DATA(0)), 'W', 512);
	cr_assert_eq(request(0, 1, 0, 512, false), 1, "OUT refused");
	cr_assert_eq(request(0, 4, 0, 0, false), 0, "FLUSH is harmless");
	cr_assert_eq(request(0, 0, 0, 512, true), 0, "IN works");
	fd = open(path[0], O_RDONLY);
	cr_assert_eq(pread(fd, buf, 512, 0), 512);
	close(fd);
	cr_assert_eq(buf[0], 't', "the file is untouched");
	cr_assert_not(drv_broken(&drv[0]));
}
