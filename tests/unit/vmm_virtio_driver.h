/*
 * A guest-style virtio-mmio driver for the unit tests: every register
 * access goes through the MMIO bus at the device's window, the rings and
 * buffers live in guest RAM (mem.h), as a guest kernel would set them up.
 * The devices under test are served as ./vmm serves them: added to an
 * I/O thread (iothread_add), whose loop the test runs itself
 * (iothread_poll) or starts. Static inline so that each test file may
 * use any part of it.
 */
#ifndef TEST_VMM_VIRTIO_DRIVER_H
#define TEST_VMM_VIRTIO_DRIVER_H

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <platform.h>

#include "bus.h"
#include "iothread.h"
#include "mem.h"
#include "virtio_blk.h"

/* Registers (virtio 1.x, 4.2.2). */
#define R_MAGIC         0x000
#define R_VERSION       0x004
#define R_DEVICE_ID     0x008
#define R_DEV_FEAT      0x010
#define R_DEV_FEAT_SEL  0x014
#define R_DRV_FEAT      0x020
#define R_DRV_FEAT_SEL  0x024
#define R_QUEUE_SEL     0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM     0x038
#define R_QUEUE_READY   0x044
#define R_QUEUE_NOTIFY  0x050
#define R_INT_STATUS    0x060
#define R_INT_ACK       0x064
#define R_STATUS        0x070
#define R_DESC_LO       0x080
#define R_DESC_HI       0x084
#define R_DRIVER_LO     0x090
#define R_DRIVER_HI     0x094
#define R_DEVICE_LO     0x0a0
#define R_DEVICE_HI     0x0a4
#define R_CONFIG_GEN    0x0fc
#define R_CONFIG        0x100

#define S_ACK           1u
#define S_DRIVER        2u
#define S_DRIVER_OK     4u
#define S_FEATURES_OK   8u
#define S_NEEDS_RESET   64u
#define S_FAILED        128u

#define D_NEXT          1
#define D_WRITE         2
#define D_INDIRECT      4

#define TEST_RAM        (1u << 20)

/* Guest memory of device slot k: queue q's rings (four queues) and a
 * buffer area. */
#define SLOT(k)         (0x20000ull * ((k) + 1))
#define QDESC(k, q)     (SLOT(k) + 0x4000ull * (q))
#define QAVAIL(k, q)    (QDESC(k, q) + 0x1000)
#define QUSED(k, q)     (QDESC(k, q) + 0x2000)
#define BUF(k)          (SLOT(k) + 0x10000ull)

struct gdrv {
	struct bus *bus;
	struct mem *m;
	uint64_t base;          /* the window */
	unsigned slot;          /* which part of guest RAM it uses */
	unsigned qnum[4];
	uint16_t avail_idx[4];
	struct iothread *inline_t;      /* run after each write, or NULL */
};

static inline void *gptr(struct mem *m, gpa_t gpa)
{
	return m->host + gpa;
}

static inline uint32_t drv_rd(struct gdrv *g, uint64_t off)
{
	uint64_t v;

	cr_assert(bus_read(g->bus, g->base + off, 4, &v), "read 0x%llx",
		  (unsigned long long)off);
	return (uint32_t)v;
}

/* Run the I/O thread t's loop on this thread until nothing more is
 * ready within ms; the number of events handled. */
static inline int rig_run(struct iothread *t, int ms)
{
	int n = 0, r;

	while ((r = iothread_poll(t, ms)) > 0)
		n += r;
	cr_assert_geq(r, 0);
	return n;
}

/* A register write; with inline_t, what it set off (a notify, the kick
 * of DRIVER_OK) is done when it returns, as on a real vCPU exit. */
static inline void drv_wr(struct gdrv *g, uint64_t off, uint32_t v)
{
	cr_assert(bus_write(g->bus, g->base + off, 4, v), "write 0x%llx",
		  (unsigned long long)off);
	if (g->inline_t)
		rig_run(g->inline_t, 0);
}

static inline void drv_attach(struct gdrv *g, struct bus *b, struct mem *m,
			      unsigned window, unsigned slot)
{
	memset(g, 0, sizeof *g);
	g->bus = b;
	g->m = m;
	g->base = PLAT_VIRTIO_MMIO_ADDR(window);
	g->slot = slot;
}

/* Guest RAM, an empty MMIO bus and an I/O thread (not started). */
static inline void rig_init(struct mem *m, struct bus *mmio,
			    struct iothread *t)
{
	cr_assert_eq(mem_init(m, TEST_RAM), 0);
	bus_init(mmio, BUS_MMIO);
	cr_assert_eq(iothread_init(t), 0);
}

/*
 * Serve d in window n as ./vmm does, watching fd with fn (fd -1: no
 * watch), and attach driver g to it, over RAM slot n.
 */
static inline void rig_add(struct iothread *t, struct bus *mmio,
			   struct mem *m, struct virtio_dev *d, unsigned n,
			   int fd, iothread_watch_fn *fn, struct gdrv *g)
{
	cr_assert_eq(iothread_add(t, d, mmio, n), 0);
	if (fd >= 0)
		cr_assert_eq(iothread_watch(t, d, fd, fn), 0);
	drv_attach(g, mmio, m, n, n);
}

static inline void rig_fini(struct mem *m, struct iothread *t)
{
	iothread_destroy(t);
	mem_free(m);
}

/* A disk of size bytes of fill in a new file named in path (32 bytes),
 * opened as b over m, read-only with ro. */
static inline void rig_disk(struct vblk *b, char *path, size_t size,
			    int fill, bool ro, const struct mem *m)
{
	struct errmsg err = { .text = "" };
	char *buf = malloc(size);
	int fd;

	strcpy(path, "/tmp/vmm-disk-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0 && buf);
	memset(buf, fill, size);
	cr_assert_eq(write(fd, buf, size), (ssize_t)size);
	close(fd);
	free(buf);
	b->fd = -1;
	cr_assert_eq(vblk_open(b, path, ro, m, &err), 0, "%s", err.text);
}

static inline void rig_disk_remove(struct vblk *b, const char *path)
{
	vblk_close(b);
	unlink(path);
}

static inline int drv_broken(struct gdrv *g)
{
	return (drv_rd(g, R_STATUS) & S_NEEDS_RESET) != 0;
}

/* Reset, negotiate features (the high word must hold VERSION_1, bit 0)
 * and return the status read back (FEATURES_OK set or not). */
static inline uint32_t drv_negotiate(struct gdrv *g, uint32_t lo, uint32_t hi)
{
	drv_wr(g, R_STATUS, 0);
	drv_wr(g, R_STATUS, S_ACK);
	drv_wr(g, R_STATUS, S_ACK | S_DRIVER);
	drv_wr(g, R_DRV_FEAT_SEL, 0);
	drv_wr(g, R_DRV_FEAT, lo);
	drv_wr(g, R_DRV_FEAT_SEL, 1);
	drv_wr(g, R_DRV_FEAT, hi);
	drv_wr(g, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	return drv_rd(g, R_STATUS);
}

/* Set queue q up with num entries at the given ring addresses, ready. */
static inline void drv_queue_at(struct gdrv *g, unsigned q, uint32_t num,
				uint64_t desc, uint64_t avail, uint64_t used)
{
	drv_wr(g, R_QUEUE_SEL, q);
	drv_wr(g, R_QUEUE_NUM, num);
	drv_wr(g, R_DESC_LO, (uint32_t)desc);
	drv_wr(g, R_DESC_HI, (uint32_t)(desc >> 32));
	drv_wr(g, R_DRIVER_LO, (uint32_t)avail);
	drv_wr(g, R_DRIVER_HI, (uint32_t)(avail >> 32));
	drv_wr(g, R_DEVICE_LO, (uint32_t)used);
	drv_wr(g, R_DEVICE_HI, (uint32_t)(used >> 32));
	drv_wr(g, R_QUEUE_READY, 1);
	g->qnum[q] = num;
	g->avail_idx[q] = 0;
}

static inline void drv_queue(struct gdrv *g, unsigned q, uint32_t num)
{
	memset(gptr(g->m, QDESC(g->slot, q)), 0, 0x3000);
	drv_queue_at(g, q, num, QDESC(g->slot, q), QAVAIL(g->slot, q),
		     QUSED(g->slot, q));
}

/* The whole bring-up with VERSION_1 only and nq queues of num entries;
 * the status read back. */
static inline uint32_t drv_bringup(struct gdrv *g, unsigned nq, uint32_t num)
{
	uint32_t s = drv_negotiate(g, 0, 1);

	if (!(s & S_FEATURES_OK))
		return s;
	for (unsigned q = 0; q < nq; q++)
		drv_queue(g, q, num);
	drv_wr(g, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return drv_rd(g, R_STATUS);
}

static inline void drv_desc(struct gdrv *g, unsigned q, unsigned i,
			    uint64_t addr, uint32_t len, uint16_t flags,
			    uint16_t next)
{
	uint8_t *d = gptr(g->m, QDESC(g->slot, q) + 16ull * i);

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/*
 * A chain of descriptors as a test writes it, for table-driven cases
 * (no pointers: Criterion runs each parameter in a new process).
 */
struct drv_chain {
	unsigned q, n;                  /* queue, descriptors */
	struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} d[4];
};

/* Write c's descriptors from index 0 on queue c->q (none posted). */
static inline void drv_chain(struct gdrv *g, const struct drv_chain *c)
{
	for (unsigned i = 0; i < c->n; i++)
		drv_desc(g, c->q, i, c->d[i].addr, c->d[i].len, c->d[i].flags,
			 c->d[i].next);
}

/* Make chain head available on queue q (no notify). */
static inline void drv_post(struct gdrv *g, unsigned q, uint16_t head)
{
	uint16_t *avail = gptr(g->m, QAVAIL(g->slot, q));

	avail[2 + g->avail_idx[q] % g->qnum[q]] = head;
	g->avail_idx[q]++;
	__atomic_store_n(&avail[1], g->avail_idx[q], __ATOMIC_RELEASE);
}

static inline uint16_t drv_used_idx(struct gdrv *g, unsigned q)
{
	uint16_t *used = gptr(g->m, QUSED(g->slot, q));

	return __atomic_load_n(&used[1], __ATOMIC_ACQUIRE);
}

/* Used entry i of queue q: the head in *id, the length returned. */
static inline uint32_t drv_used(struct gdrv *g, unsigned q, unsigned i,
				uint32_t *id)
{
	uint32_t *e = gptr(g->m, QUSED(g->slot, q) + 4 + 8ull * (i % g->qnum[q]));

	*id = e[0];
	return e[1];
}

/* Wait up to ms for eventfd fd; its counter (0 on timeout). */
static inline uint64_t wait_eventfd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, ms) == 1 && read(fd, &v, sizeof v) != sizeof v)
		v = 0;
	return v;
}

static inline void signal_eventfd(int fd)
{
	uint64_t one = 1;

	cr_assert_eq(write(fd, &one, sizeof one), (ssize_t)sizeof one);
}

#endif
