#include "iothread.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define EVENTS_MAX      32

/* What an epoll event stands for: kind << 32 | device << 8 | queue. */
enum { EV_STOP = 1, EV_QUEUE, EV_WATCH };

static uint64_t ev_data(unsigned kind, unsigned dev, unsigned q)
{
	return (uint64_t)kind << 32 | dev << 8 | q;
}

/* Add one to eventfd fd. It cannot block or fail short of a counter
 * near 2^64, which only a reader that never reads reaches. */
static void signal_fd(int fd)
{
	uint64_t one = 1;

	(void)!write(fd, &one, sizeof one);
}

/* Read eventfd fd back to zero (non-blocking). */
static void drain_fd(int fd)
{
	uint64_t v;

	(void)!read(fd, &v, sizeof v);
}

static bool live(const struct virtio_dev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* The device's irq callback, on any thread: one write to its irqfd, or
 * the line function that stands in for it. */
static void raise_irq(void *ctx, unsigned gsi)
{
	struct iothread_dev *id = ctx;

	__atomic_fetch_add(&id->irqs, 1, __ATOMIC_RELAXED);
	if (id->line)
		id->line(id->line_ctx, gsi);
	else
		signal_fd(id->irq_fd);
}

static void kick_all(struct iothread_dev *id)
{
	for (unsigned q = 0; q < id->dev->ops->nqueues; q++)
		signal_fd(id->queue_fd[q]);
}

static uint64_t locked_read(void *opaque, uint64_t off, unsigned size)
{
	struct iothread_dev *id = opaque;
	uint64_t v;

	pthread_mutex_lock(&id->lock);
	v = virtio_mmio_ops.read(id->dev, off, size);
	pthread_mutex_unlock(&id->lock);
	return v;
}

static void locked_write(void *opaque, uint64_t off, unsigned size,
			 uint64_t v)
{
	struct iothread_dev *id = opaque;
	struct virtio_dev *d = id->dev;
	bool was_live, now_live;

	if (off == VIRTIO_MMIO_QUEUE_NOTIFY && size == 4) {
		/* The thread checks the device state when it runs. */
		if (v < d->ops->nqueues)
			signal_fd(id->queue_fd[v]);
		return;
	}
	pthread_mutex_lock(&id->lock);
	was_live = live(d);
	virtio_mmio_ops.write(d, off, size, v);
	now_live = live(d);
	pthread_mutex_unlock(&id->lock);
	if (now_live && !was_live)
		kick_all(id);   /* buffers posted before DRIVER_OK */
}

static const struct bus_ops locked_ops = {
	.read = locked_read,
	.write = locked_write,
};

int iothread_init(struct iothread *t)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = ev_data(EV_STOP, 0, 0) };
	int r;

	memset(t, 0, sizeof *t);
	t->stop_fd = -1;
	t->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epoll_fd < 0)
		goto fail;
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->stop_fd < 0 ||
	    epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, t->stop_fd, &ev) < 0)
		goto fail;
	return 0;
fail:
	r = -errno;
	iothread_destroy(t);
	return r;
}

/* Close what iothread_add opened for id (fds -1 are skipped). */
static void dev_close(struct iothread *t, struct iothread_dev *id)
{
	for (unsigned q = 0; q < VIRTIO_QUEUES_MAX; q++)
		if (id->queue_fd[q] >= 0) {
			epoll_ctl(t->epoll_fd, EPOLL_CTL_DEL, id->queue_fd[q],
				  NULL);
			close(id->queue_fd[q]);
			id->queue_fd[q] = -1;
		}
	if (id->irq_fd >= 0)
		close(id->irq_fd);
	id->irq_fd = -1;
}

int iothread_add(struct iothread *t, struct virtio_dev *d, struct bus *mmio,
		 unsigned n)
{
	struct iothread_dev *id;
	unsigned i = t->ndevs;
	int r;

	if (n >= IOTHREAD_DEVS_MAX || t->running || !d || !d->ops ||
	    d->ops->nqueues > VIRTIO_QUEUES_MAX)
		return -EINVAL;
	for (unsigned k = 0; k < t->ndevs; k++) {
		if (t->dev[k].dev == d)
			return -EINVAL;
		if (t->dev[k].window == n)
			return -EEXIST;
	}
	if (i == IOTHREAD_DEVS_MAX)
		return -ENOSPC;
	id = &t->dev[i];
	*id = (struct iothread_dev){ .t = t, .dev = d, .window = n,
				     .irq_fd = -1, .watch_fd = -1 };
	for (unsigned q = 0; q < VIRTIO_QUEUES_MAX; q++)
		id->queue_fd[q] = -1;
	id->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (id->irq_fd < 0)
		goto fail_errno;
	for (unsigned q = 0; q < d->ops->nqueues; q++) {
		struct epoll_event ev = { .events = EPOLLIN,
					  .data.u64 = ev_data(EV_QUEUE, i, q) };

		id->queue_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (id->queue_fd[q] < 0 ||
		    epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, id->queue_fd[q],
			      &ev) < 0)
			goto fail_errno;
	}
	r = pthread_mutex_init(&id->lock, NULL);
	if (r) {
		r = -r;
		goto fail;
	}
	/* The bus cannot take a range back: this is the last step that can
	 * fail. */
	r = bus_register(mmio, PLAT_VIRTIO_MMIO_ADDR(n), PLAT_VIRTIO_MMIO_SIZE,
			 &locked_ops, id, "virtio-mmio");
	if (r < 0) {
		pthread_mutex_destroy(&id->lock);
		goto fail;
	}
	virtio_set_irq(d, PLAT_VIRTIO_GSI(n), raise_irq, id);
	t->ndevs++;
	return 0;
fail_errno:
	r = -errno;
fail:
	dev_close(t, id);
	return r;
}

static struct iothread_dev *find(struct iothread *t, struct virtio_dev *d)
{
	for (unsigned k = 0; k < t->ndevs; k++)
		if (t->dev[k].dev == d)
			return &t->dev[k];
	return NULL;
}

int iothread_set_irq_line(struct iothread *t, unsigned gsi,
			  void (*fn)(void *ctx, unsigned gsi), void *ctx)
{
	if (t->running)
		return -EINVAL;
	for (unsigned k = 0; k < t->ndevs; k++) {
		struct iothread_dev *id = &t->dev[k];

		if (id->dev->gsi == gsi) {
			id->line = fn;
			id->line_ctx = ctx;
			return 0;
		}
	}
	return -ENOENT;
}

static int watch_arm(struct iothread *t, struct iothread_dev *id)
{
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = ev_data(EV_WATCH, (unsigned)(id - t->dev), 0),
	};

	if (epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, id->watch_fd, &ev) < 0)
		return -errno;
	id->watch_armed = true;
	return 0;
}

/* A paused fd leaves the set: with events 0, epoll would still report
 * a hang-up (a closed pipe) over and over. */
static void watch_pause(struct iothread *t, struct iothread_dev *id)
{
	epoll_ctl(t->epoll_fd, EPOLL_CTL_DEL, id->watch_fd, NULL);
	id->watch_armed = false;
}

int iothread_watch(struct iothread *t, struct virtio_dev *d, int fd,
		   iothread_watch_fn *fn)
{
	struct iothread_dev *id = find(t, d);
	int r;

	if (!id || t->running || fd < 0 || !fn)
		return -EINVAL;
	if (id->watch_fd >= 0)
		return -EBUSY;
	id->watch_fd = fd;
	r = watch_arm(t, id);
	if (r < 0) {
		id->watch_fd = -1;
		return r;
	}
	id->watch = fn;
	return 0;
}

static void on_queue(struct iothread *t, struct iothread_dev *id, unsigned q)
{
	struct virtio_dev *d = id->dev;

	drain_fd(id->queue_fd[q]);
	pthread_mutex_lock(&id->lock);
	if (live(d) && q < d->ops->nqueues)
		d->ops->notify(d, q);
	pthread_mutex_unlock(&id->lock);
	/* New buffers may be what a paused watch waited for. A failure
	 * leaves it paused until the next notify. */
	if (id->watch_fd >= 0 && !id->watch_armed)
		(void)watch_arm(t, id);
}

static void on_watch(struct iothread *t, struct iothread_dev *id)
{
	bool keep = false;

	pthread_mutex_lock(&id->lock);
	if (live(id->dev))
		keep = id->watch(id->dev);
	pthread_mutex_unlock(&id->lock);
	if (!keep)
		watch_pause(t, id);
}

int iothread_poll(struct iothread *t, int timeout_ms)
{
	struct epoll_event ev[EVENTS_MAX];
	int n = epoll_wait(t->epoll_fd, ev, EVENTS_MAX, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		unsigned kind = (unsigned)(ev[i].data.u64 >> 32);
		unsigned dev = (unsigned)(ev[i].data.u64 >> 8) & 0xff;
		unsigned q = (unsigned)ev[i].data.u64 & 0xff;
		struct iothread_dev *id = &t->dev[dev];

		if (kind == EV_STOP)
			return -ESHUTDOWN;
		if (dev >= t->ndevs)
			continue;       /* cannot happen: we made the data */
		if (kind == EV_QUEUE)
			on_queue(t, id, q);
		else if (kind == EV_WATCH && id->watch_armed)
			on_watch(t, id);
	}
	return n;
}

static void *iothread_main(void *arg)
{
	struct iothread *t = arg;
	int r = t->enter ? t->enter() : 0;

	t->error = r;
	sem_post(&t->entered);
	if (r < 0)
		return NULL;
	while ((r = iothread_poll(t, -1)) >= 0)
		;
	t->error = r == -ESHUTDOWN ? 0 : r;
	return NULL;
}

int iothread_start(struct iothread *t)
{
	sigset_t all, old;
	int r;

	if (t->running || t->epoll_fd < 0)
		return -EINVAL;
	t->error = 0;
	if (sem_init(&t->entered, 0, 0) < 0)
		return -errno;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&t->thread, NULL, iothread_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0) {
		while (sem_wait(&t->entered) < 0 && errno == EINTR)
			;
		if (t->error < 0) {
			pthread_join(t->thread, NULL);
			r = -t->error;
		}
	}
	sem_destroy(&t->entered);
	if (r)
		return -r;
	t->running = true;
	return 0;
}

void iothread_stop(struct iothread *t)
{
	if (!t->running)
		return;
	signal_fd(t->stop_fd);
	pthread_join(t->thread, NULL);
	t->running = false;
	drain_fd(t->stop_fd);   /* so that it may start again */
}

void iothread_destroy(struct iothread *t)
{
	iothread_stop(t);
	for (unsigned k = 0; k < t->ndevs; k++) {
		struct iothread_dev *id = &t->dev[k];

		if (id->watch_fd >= 0 && id->watch_armed)
			watch_pause(t, id);
		dev_close(t, id);
		pthread_mutex_destroy(&id->lock);
		virtio_set_irq(id->dev, id->dev->gsi, NULL, NULL);
	}
	t->ndevs = 0;
	if (t->stop_fd >= 0)
		close(t->stop_fd);
	if (t->epoll_fd >= 0)
		close(t->epoll_fd);
	t->stop_fd = t->epoll_fd = -1;
}

unsigned iothread_ioeventfds(const struct iothread *t,
			     struct iothread_ioeventfd *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned k = 0; k < t->ndevs; k++) {
		const struct iothread_dev *id = &t->dev[k];

		for (unsigned q = 0; q < id->dev->ops->nqueues; q++, n++)
			if (n < max)
				out[n] = (struct iothread_ioeventfd){
					.addr = PLAT_VIRTIO_MMIO_ADDR(id->window) +
						VIRTIO_MMIO_QUEUE_NOTIFY,
					.len = 4, .datamatch = q,
					.fd = id->queue_fd[q],
				};
	}
	return n;
}

unsigned iothread_irqfds(const struct iothread *t, struct iothread_irqfd *out,
			 unsigned max)
{
	unsigned n;

	for (n = 0; n < t->ndevs; n++)
		if (n < max)
			out[n] = (struct iothread_irqfd){
				.gsi = PLAT_VIRTIO_GSI(t->dev[n].window),
				.fd = t->dev[n].irq_fd,
			};
	return n;
}
