/*
 * The I/O thread (iothread.c) with the monitor's virtio devices: queue
 * eventfds stand in for KVM's ioeventfds and the interrupt eventfds for
 * its irqfds; the driver side is a guest-style driver on the MMIO bus.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "iothread.h"
#include "virtio_blk.h"
#include "vmm_virtio_driver.h"

#define WAIT_MS         5000
#define SECTORS         16

static struct mem m;
static struct bus mmio;
static struct iothread t;
static struct vblk blk[2];
static char path[2][32];
static struct gdrv drv[2];

/* A probe device: notes where and how often its notify runs. */
static pthread_t probe_thread;
static int probe_calls, probe_sigint_blocked;

static void probe_notify(struct virtio_dev *d, unsigned q)
{
	sigset_t cur;

	(void)d;
	(void)q;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	probe_sigint_blocked = sigismember(&cur, SIGINT);
	probe_thread = pthread_self();
	__atomic_fetch_add(&probe_calls, 1, __ATOMIC_SEQ_CST);
}

static const struct virtio_ops probe_ops = {
	.device_id = 0x42, .nqueues = 2, .notify = probe_notify,
};

static void setup(void)
{
	rig_init(&m, &mmio, &t);
	for (unsigned i = 0; i < 2; i++) {
		rig_disk(&blk[i], path[i], SECTORS * 512, 0, false, &m);
		rig_add(&t, &mmio, &m, &blk[i].dev, i, -1, NULL, &drv[i]);
	}
}

static void teardown(void)
{
	rig_fini(&m, &t);
	for (unsigned i = 0; i < 2; i++)
		rig_disk_remove(&blk[i], path[i]);
}

TestSuite(iothread, .init = setup, .fini = teardown);

/* The queue eventfd of device k, queue q, as kvm.c would find it. */
static int queue_fd(unsigned k, unsigned q)
{
	struct iothread_ioeventfd ev[IOTHREAD_IOEVENTFDS_MAX];
	unsigned n = iothread_ioeventfds(&t, ev, IOTHREAD_IOEVENTFDS_MAX);
	uint64_t addr = PLAT_VIRTIO_MMIO_ADDR(k) + VIRTIO_MMIO_QUEUE_NOTIFY;

	for (unsigned i = 0; i < n; i++)
		if (ev[i].addr == addr && ev[i].datamatch == q)
			return ev[i].fd;
	cr_assert_fail("no ioeventfd for device %u queue %u", k, q);
	return -1;
}

static int irq_fd(unsigned k)
{
	struct iothread_irqfd ir[IOTHREAD_DEVS_MAX];
	unsigned n = iothread_irqfds(&t, ir, IOTHREAD_DEVS_MAX);

	for (unsigned i = 0; i < n; i++)
		if (ir[i].gsi == PLAT_VIRTIO_GSI(k))
			return ir[i].fd;
	cr_assert_fail("no irqfd for GSI %u", PLAT_VIRTIO_GSI(k));
	return -1;
}

/* Post request r (descriptors 3r..3r+2) on device k's queue 0: header,
 * data of len bytes (device-writable if in), status. */
static void blk_post(unsigned k, unsigned r, uint32_t type, uint64_t sector,
		     uint32_t len, int in)
{
	struct gdrv *g = &drv[k];
	gpa_t hdr = BUF(k) + 32 * r, data = BUF(k) + 0x1000 + 0x1000 * r;
	uint32_t h[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };

	memcpy(gptr(&m, hdr), h, 16);
	*(uint8_t *)gptr(&m, hdr + 16) = 0xee;
	drv_desc(g, 0, 3 * r, hdr, 16, D_NEXT, 3 * r + 1);
	drv_desc(g, 0, 3 * r + 1, data, len, D_NEXT | (in ? D_WRITE : 0),
		 3 * r + 2);
	drv_desc(g, 0, 3 * r + 2, hdr + 16, 1, D_WRITE, 0);
	drv_post(g, 0, (uint16_t)(3 * r));
}

static uint8_t blk_status(unsigned k, unsigned r)
{
	return *(uint8_t *)gptr(&m, BUF(k) + 32 * r + 16);
}

static uint8_t *blk_data(unsigned k, unsigned r)
{
	return gptr(&m, BUF(k) + 0x1000 + 0x1000 * r);
}

/* Kick device k's queue 0 as KVM's ioeventfd would, wait for its irq. */
static void kick_and_wait(unsigned k)
{
	signal_eventfd(queue_fd(k, 0));
	cr_assert_geq(wait_eventfd(irq_fd(k), WAIT_MS), 1,
		      "interrupt from device %u", k);
}

static bool never(struct virtio_dev *d)
{
	(void)d;
	return false;
}

Test(iothread, fds_for_kvm)
{
	struct iothread_ioeventfd ev[IOTHREAD_IOEVENTFDS_MAX];
	struct iothread_irqfd ir[IOTHREAD_DEVS_MAX];

	cr_assert_eq(iothread_ioeventfds(&t, ev, IOTHREAD_IOEVENTFDS_MAX), 2);
	cr_assert_eq(ev[0].addr, 0xfeb00050);
	cr_assert_eq(ev[1].addr, 0xfeb01050);
	for (unsigned i = 0; i < 2; i++) {
		cr_assert_eq(ev[i].len, 4);
		cr_assert_eq(ev[i].datamatch, 0);
		cr_assert(fcntl(ev[i].fd, F_GETFD) >= 0);
	}
	cr_assert_neq(ev[0].fd, ev[1].fd);
	cr_assert_eq(iothread_ioeventfds(&t, ev, 1), 2, "count beyond max");
	cr_assert_eq(iothread_irqfds(&t, ir, IOTHREAD_DEVS_MAX), 2);
	cr_assert_eq(ir[0].gsi, 5);
	cr_assert_eq(ir[1].gsi, 6);
	cr_assert_eq(blk[1].dev.gsi, 6);
	cr_assert_eq(PLAT_VIRTIO_MMIO_ADDR(1), 0xfeb01000, "a page each");
	cr_assert_eq(drv_rd(&drv[1], R_MAGIC), 0x74726976, "window 1 on the bus");
	cr_assert_eq(drv_rd(&drv[1], R_DEVICE_ID), 2);
}

Test(iothread, add_errors)
{
	struct virtio_dev probe;
	uint64_t v;

	virtio_init(&probe, &probe_ops, NULL, &m, 0);
	cr_assert_eq(iothread_add(&t, &probe, &mmio, IOTHREAD_DEVS_MAX), -EINVAL);
	cr_assert_eq(iothread_add(&t, &probe, &mmio, 1), -EEXIST);
	cr_assert_eq(iothread_add(&t, &blk[0].dev, &mmio, 3), -EINVAL,
		     "the same device twice");
	/* A window someone else holds on the bus: nothing is left behind. */
	cr_assert(!bus_read(&mmio, 0xfeb02000, 4, &v));
	cr_assert_eq(bus_register(&mmio, 0xfeb02000, 0x10,
				  &virtio_mmio_ops, &probe, "squatter"), 0);
	cr_assert_eq(iothread_add(&t, &probe, &mmio, 2), -EEXIST);
	cr_assert_eq(t.ndevs, 2);
	cr_assert_eq(iothread_watch(&t, &probe, 0, never), -EINVAL,
		     "a device not added");
	cr_assert_eq(iothread_start(&t), 0);
	cr_assert_eq(iothread_add(&t, &probe, &mmio, 3), -EINVAL, "running");
	cr_assert_eq(iothread_watch(&t, &blk[0].dev, 0, never), -EINVAL);
}

Test(iothread, blk_requests_on_the_thread)
{
	char buf[1024], want[1024];
	uint32_t id;
	int fd;

	cr_assert_eq(iothread_start(&t), 0);
	cr_assert_eq(drv_bringup(&drv[0], 1, 16) & 0x4f, 0xf);
	memset(blk_data(0, 0), 'x', 1024);
	blk_post(0, 0, 1, 2, 1024, 0);                  /* OUT */
	kick_and_wait(0);
	cr_assert_eq(blk_status(0, 0), 0);
	cr_assert_eq(drv_used_idx(&drv[0], 0), 1);
	cr_assert_eq(drv_used(&drv[0], 0, 0, &id), 1, "only the status");
	cr_assert_eq(id, 0);
	cr_assert_eq(drv_rd(&drv[0], R_INT_STATUS) & 1, 1);
	drv_wr(&drv[0], R_INT_ACK, 1);
	cr_assert_eq(drv_rd(&drv[0], R_INT_STATUS), 0);

	memset(blk_data(0, 1), 0, 1024);
	blk_post(0, 1, 0, 2, 1024, 1);                  /* IN */
	blk_post(0, 2, 4, 0, 0, 0);                     /* FLUSH */
	signal_eventfd(queue_fd(0, 0));
	/* One batch, or two if an earlier kick was still pending. */
	while (drv_used_idx(&drv[0], 0) != 3)
		cr_assert_geq(wait_eventfd(irq_fd(0), WAIT_MS), 1);
	cr_assert_not(drv_broken(&drv[0]));
	cr_assert_eq(blk_status(0, 1), 0);
	cr_assert_eq(blk_status(0, 2), 0);
	memset(want, 'x', sizeof want);
	cr_assert_arr_eq(blk_data(0, 1), want, 1024);
	cr_assert_eq(drv_used(&drv[0], 0, 1, &id), 1025);
	cr_assert_eq(id, 3);

	fd = open(path[0], O_RDONLY);
	cr_assert_eq(pread(fd, buf, sizeof buf, 2 * 512), (ssize_t)sizeof buf);
	close(fd);
	cr_assert_arr_eq(buf, want, sizeof buf, "the bytes are in the file");
}

Test(iothread, bus_notify_runs_on_the_thread)
{
	struct virtio_dev probe;
	struct gdrv g;

	virtio_init(&probe, &probe_ops, NULL, &m, 0);
	cr_assert_eq(iothread_add(&t, &probe, &mmio, 2), 0);
	drv_attach(&g, &mmio, &m, 2, 2);
	cr_assert_eq(iothread_start(&t), 0);
	/* Before DRIVER_OK a notify does nothing. */
	cr_assert_eq(drv_negotiate(&g, 0, 1) & S_FEATURES_OK, S_FEATURES_OK);
	drv_queue(&g, 0, 4);
	drv_queue(&g, 1, 4);
	drv_wr(&g, R_QUEUE_NOTIFY, 0);
	usleep(50 * 1000);
	cr_assert_eq(__atomic_load_n(&probe_calls, __ATOMIC_SEQ_CST), 0);
	/* DRIVER_OK kicks every queue once. */
	drv_wr(&g, R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	for (int i = 0; i < 500 &&
	     __atomic_load_n(&probe_calls, __ATOMIC_SEQ_CST) < 2; i++)
		usleep(10 * 1000);
	cr_assert_eq(__atomic_load_n(&probe_calls, __ATOMIC_SEQ_CST), 2);
	/* A notify written to the register (no ioeventfd) also goes there. */
	drv_wr(&g, R_QUEUE_NOTIFY, 1);
	drv_wr(&g, R_QUEUE_NOTIFY, 7);                  /* no such queue */
	for (int i = 0; i < 500 &&
	     __atomic_load_n(&probe_calls, __ATOMIC_SEQ_CST) < 3; i++)
		usleep(10 * 1000);
	usleep(50 * 1000);
	cr_assert_eq(__atomic_load_n(&probe_calls, __ATOMIC_SEQ_CST), 3);
	iothread_stop(&t);
	cr_assert_not(pthread_equal(probe_thread, pthread_self()));
	cr_assert(probe_sigint_blocked, "signals stay with the vCPU thread");
	cr_assert_eq(t.error, 0);
}

Test(iothread, a_broken_device_leaves_the_others_alone)
{
	uint32_t id;

	cr_assert_eq(iothread_start(&t), 0);
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	cr_assert_eq(drv_bringup(&drv[1], 1, 8) & 0x4f, 0xf);
	/* Device 0: a descriptor loop (0 -> 1 -> 0). */
	drv_desc(&drv[0], 0, 0, BUF(0), 16, D_NEXT, 1);
	drv_desc(&drv[0], 0, 1, BUF(0) + 0x1000, 512, D_NEXT | D_WRITE, 0);
	drv_post(&drv[0], 0, 0);
	kick_and_wait(0);
	cr_assert(drv_broken(&drv[0]));
	cr_assert_eq(drv_rd(&drv[0], R_INT_STATUS) & 2, 2, "config interrupt");
	cr_assert_eq(drv_used_idx(&drv[0], 0), 0);
	/* Device 1 works on. */
	memset(blk_data(1, 0), 'y', 512);
	blk_post(1, 0, 1, 0, 512, 0);
	kick_and_wait(1);
	cr_assert_eq(blk_status(1, 0), 0);
	cr_assert_eq(drv_used(&drv[1], 0, 0, &id), 1);
	/* Device 0 ignores notifies until reset, then works again. */
	signal_eventfd(queue_fd(0, 0));
	cr_assert_eq(wait_eventfd(irq_fd(0), 100), 0);
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf, "reset clears it");
	blk_post(0, 0, 0, 0, 512, 1);
	kick_and_wait(0);
	cr_assert_eq(blk_status(0, 0), 0);
}

Test(iothread, poll_on_the_callers_thread)
{
	cr_assert_eq(iothread_poll(&t, 0), 0, "nothing ready");
	cr_assert_eq(drv_bringup(&drv[0], 1, 8) & 0x4f, 0xf);
	/* The DRIVER_OK kick is one event. */
	cr_assert_eq(iothread_poll(&t, 0), 1);
	blk_post(0, 0, 0, 1, 512, 1);
	drv_wr(&drv[0], R_QUEUE_NOTIFY, 0);
	cr_assert_eq(blk_status(0, 0), 0xee, "nothing before the thread runs");
	cr_assert_eq(iothread_poll(&t, 0), 1);
	cr_assert_eq(blk_status(0, 0), 0);
	cr_assert_eq(wait_eventfd(irq_fd(0), 0), 1);
	cr_assert_eq(__atomic_load_n(&t.dev[0].irqs, __ATOMIC_SEQ_CST), 1);
}

/* Open file descriptors of this process. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	cr_assert(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

Test(iothread_life, start_stop_destroy_leave_nothing)
{
	struct iothread t2;
	struct virtio_dev probe;
	struct bus b;
	struct mem m2;
	int before = count_fds();

	cr_assert_eq(mem_init(&m2, TEST_RAM), 0);
	bus_init(&b, BUS_MMIO);
	virtio_init(&probe, &probe_ops, NULL, &m2, 0);
	cr_assert_eq(iothread_init(&t2), 0);
	iothread_stop(&t2);                             /* never started */
	cr_assert_eq(iothread_add(&t2, &probe, &b, 0), 0);
	cr_assert_gt(count_fds(), before);
	cr_assert_eq(iothread_start(&t2), 0);
	cr_assert_eq(iothread_start(&t2), -EINVAL, "already running");
	iothread_stop(&t2);
	iothread_stop(&t2);
	cr_assert_eq(iothread_start(&t2), 0, "again after a stop");
	iothread_destroy(&t2);
	iothread_destroy(&t2);
	cr_assert_eq(count_fds(), before, "every fd closed");
	cr_assert_null(probe.irq);
	mem_free(&m2);
}
