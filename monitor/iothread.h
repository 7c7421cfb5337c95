/*
 * The I/O thread: virtio device work off the vCPU thread, so that the
 * vCPU never waits on a host file. One epoll loop serves every
 * virtio-mmio device added to it:
 *
 *  - a queue eventfd per device queue, meant to be registered with
 *    KVM_IOEVENTFD on the device's QueueNotify register (datamatch = the
 *    queue index): on readiness the thread runs the device's notify op;
 *  - an interrupt eventfd per device, meant to be registered with
 *    KVM_IRQFD on the device's GSI: the device's irq callback writes it;
 *  - optionally one host fd per device (a console's input), whose
 *    handler runs when it is readable;
 *  - a stop eventfd (iothread_stop).
 *
 * iothread_add is how a virtio device reaches the MMIO bus, in ./vmm and
 * in the tests and the fuzzer (which run the loop on their own thread
 * with iothread_poll). It claims the device's register window with ops
 * that take a per-device mutex around the transport's own ops: the
 * vCPU's register accesses and the thread's queue processing never
 * overlap, so a reset (Status 0) waits for a batch in progress and no
 * used entry is written after it. A QueueNotify write that still reaches
 * the bus (no ioeventfd, or an index KVM did not match) only signals the
 * queue's eventfd; queue processing always happens on this thread. When
 * the driver sets DRIVER_OK, every queue is kicked once, so buffers made
 * available before it are seen.
 *
 * No KVM ioctl here: kvm.c registers the fds this file lists
 * (iothread_ioeventfds, iothread_irqfds), and where KVM takes no irqfd
 * it gives the device a line function instead (iothread_set_irq_line).
 * There is no allocation; a struct iothread must not move once a device
 * was added. Signals are blocked on the thread, so SIGINT/SIGALRM keep
 * reaching the vCPU.
 */
#ifndef VMM_IOTHREAD_H
#define VMM_IOTHREAD_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include <platform.h>

#include "bus.h"
#include "virtio_mmio.h"

#define IOTHREAD_DEVS_MAX       PLAT_VIRTIO_MMIO_MAX
#define IOTHREAD_IOEVENTFDS_MAX (IOTHREAD_DEVS_MAX * VIRTIO_QUEUES_MAX)

/*
 * A host fd became readable; device lock held, device DRIVER_OK and not
 * broken. Return true to keep watching the fd, false to pause it until
 * the driver next notifies any queue of the device (e.g. no receive
 * buffer to put input in).
 */
typedef bool iothread_watch_fn(struct virtio_dev *d);

struct iothread;

struct iothread_dev {
	struct iothread *t;
	struct virtio_dev *dev;
	unsigned window;                /* n: at PLAT_VIRTIO_MMIO_ADDR(n) */
	pthread_mutex_t lock;           /* the device's state and rings */
	int irq_fd;                     /* KVM_IRQFD on PLAT_VIRTIO_GSI(n) */
	int queue_fd[VIRTIO_QUEUES_MAX];        /* KVM_IOEVENTFD, datamatch q */
	int watch_fd;                   /* -1: none (not owned) */
	iothread_watch_fn *watch;
	bool watch_armed;
	/* Where KVM took no irqfd: raises the GSI instead of irq_fd. */
	void (*line)(void *ctx, unsigned gsi);
	void *line_ctx;
	uint64_t irqs;                  /* interrupts raised (for tests) */
};

struct iothread {
	int epoll_fd;
	int stop_fd;
	pthread_t thread;
	bool running;
	int error;                      /* 0, or -errno that ended the thread */
	/* NULL, or run first on the thread (./vmm: its seccomp filter);
	 * 0 or -errno, and an error fails iothread_start. */
	int (*enter)(void);
	sem_t entered;                  /* iothread_start waits on it */
	unsigned ndevs;
	struct iothread_dev dev[IOTHREAD_DEVS_MAX];
};

/* What kvm.c registers with KVM_IOEVENTFD (KVM_IOEVENTFD_FLAG_DATAMATCH). */
struct iothread_ioeventfd {
	uint64_t addr;                  /* the QueueNotify register */
	uint32_t len;                   /* 4 */
	uint64_t datamatch;             /* the queue index */
	int fd;
};

/* What kvm.c registers with KVM_IRQFD. */
struct iothread_irqfd {
	uint32_t gsi;
	int fd;
};

/* Create the epoll set and the stop eventfd. Returns 0 or -errno; after
 * a failure t holds nothing and iothread_destroy is still safe. */
int iothread_init(struct iothread *t);

/*
 * Serve virtio device d (virtio_init done) in MMIO window n (0..7, at
 * PLAT_VIRTIO_MMIO_ADDR(n), GSI PLAT_VIRTIO_GSI(n)): claim the window on
 * mmio with the locking ops, route d's interrupt to its eventfd
 * (virtio_set_irq), create its queue and interrupt eventfds. The one
 * way a virtio device reaches a bus, in ./vmm and in the tests. Call
 * before iothread_start. Returns 0, -EINVAL (n >= IOTHREAD_DEVS_MAX, d
 * already added, too many queues, thread running), -EEXIST (window n
 * already added, or taken on the bus), -ENOSPC, or -errno of
 * eventfd/epoll; on failure nothing is left registered or open.
 */
int iothread_add(struct iothread *t, struct virtio_dev *d, struct bus *mmio,
		 unsigned n);

/*
 * Also watch fd (not owned, never closed here) for device d, already
 * added: fn runs on the thread, device lock held, when fd is readable.
 * One watch per device. Call before iothread_start. Returns 0, -EINVAL
 * (d not added, thread running), -EBUSY (d has a watch), or -errno of
 * epoll_ctl (-EPERM: fd is a regular file, which epoll cannot watch).
 */
int iothread_watch(struct iothread *t, struct virtio_dev *d, int fd,
		   iothread_watch_fn *fn);

/*
 * The device on GSI gsi raises its interrupt by calling fn(ctx, gsi)
 * from then on, not through its eventfd: for a KVM that took no irqfd.
 * Call before iothread_start. Returns 0, -EINVAL (thread running) or
 * -ENOENT (no device on gsi).
 */
int iothread_set_irq_line(struct iothread *t, unsigned gsi,
			  void (*fn)(void *ctx, unsigned gsi), void *ctx);

/* Start the thread (all signals blocked on it) and wait for t->enter,
 * if any, to have run there. 0, or -errno (t->enter's included). */
int iothread_start(struct iothread *t);

/*
 * Handle the events ready within timeout_ms (-1: wait) on the caller's
 * thread, as the I/O thread does. Returns the number handled, -ESHUTDOWN
 * once a stop was requested, or -errno. For tests and for a monitor
 * that runs without the thread; never while the thread runs.
 */
int iothread_poll(struct iothread *t, int timeout_ms);

/* Ask the thread to stop and wait for it; safe if it never started or
 * already stopped. A batch in progress is finished first. t->error says
 * whether the thread had ended early on an error. */
void iothread_stop(struct iothread *t);

/* iothread_stop, then close every fd this file created. Safe after a
 * failed iothread_init and twice. The devices' windows stay on the bus:
 * destroy the bus's users (the vCPU) first. */
void iothread_destroy(struct iothread *t);

/*
 * Fill out (room for max) with the ioeventfds kvm.c must register: one
 * per queue of each device. Returns how many there are (may exceed max;
 * IOTHREAD_IOEVENTFDS_MAX always suffices).
 */
unsigned iothread_ioeventfds(const struct iothread *t,
			     struct iothread_ioeventfd *out, unsigned max);

/* The same for the irqfds: one per device (IOTHREAD_DEVS_MAX suffices). */
unsigned iothread_irqfds(const struct iothread *t, struct iothread_irqfd *out,
			 unsigned max);

#endif
