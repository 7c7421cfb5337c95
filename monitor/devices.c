#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tap.h"

void devices_init(struct devices *dv)
{
	memset(dv, 0, sizeof *dv);
	dv->blk.fd = -1;
	dv->tap_fd = -1;
	dv->serial_fd = STDOUT_FILENO;
	dv->ready_fd = -1;
}

/* Announce MMIO window n on the kernel command line. */
static int announce(struct cli *c, unsigned n, struct errmsg *err)
{
	size_t len = strlen(c->cmdline);
	char dev[64];

	virtio_announce(n, dev, sizeof dev);
	if (len + 1 + strlen(dev) > CLI_CMDLINE_MAX) {
		errmsg_set(err, "kernel command line too long for the devices");
		return -1;
	}
	snprintf(c->cmdline + len, sizeof c->cmdline - len, "%s%s",
		 len ? " " : "", dev);
	return 0;
}

static int open_disk(struct devices *dv, const char *spec, const struct mem *m,
		     struct errmsg *err)
{
	char path[4096];
	bool ro;

	if (vblk_parse(spec, path, sizeof path, &ro, err) < 0 ||
	    vblk_open(&dv->blk, path, ro, m, err) < 0)
		return -1;
	dv->has_blk = true;
	return 0;
}

static int open_net(struct devices *dv, const char *spec, const struct mem *m,
		    struct errmsg *err)
{
	char name[VNET_TAP_NAME_MAX + 1];
	uint8_t mac[6];

	if (vnet_parse(spec, name, mac, err) < 0)
		return -1;
	dv->tap_fd = tap_open(name, err);
	if (dv->tap_fd < 0)
		return -1;
	vnet_init(&dv->net, m, dv->tap_fd, mac);
	dv->has_net = true;
	return 0;
}

int devices_open(struct devices *dv, struct cli *c, const struct mem *m,
		 struct errmsg *err)
{
	unsigned n = 0;

	if (c->serial) {
		dv->serial_fd = open(c->serial, O_WRONLY | O_CREAT | O_TRUNC |
				     O_CLOEXEC, 0644);
		if (dv->serial_fd < 0) {
			errmsg_set(err, "--serial %s: %s", c->serial,
				   strerror(errno));
			dv->serial_fd = STDOUT_FILENO;
			return -1;
		}
	}
	if (c->disk && (open_disk(dv, c->disk, m, err) < 0 ||
			announce(c, n++, err) < 0))
		return -1;
	if (c->net && (open_net(dv, c->net, m, err) < 0 ||
		       announce(c, n++, err) < 0))
		return -1;
	if (!c->no_console) {
		vcons_init(&dv->cons, m, STDIN_FILENO, STDOUT_FILENO);
		dv->has_cons = true;
		if (announce(c, n++, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * Watch stdin for the console. epoll refuses regular files and
 * /dev/null, which are always readable: an eventfd that stays signalled
 * stands in for them, and vcons_input reads stdin itself.
 */
static int watch_stdin(struct devices *dv, struct iothread *io)
{
	static const uint64_t one = 1;
	int r = iothread_watch(io, &dv->cons.dev, STDIN_FILENO, vcons_input);

	if (r != -EPERM)
		return r;
	dv->ready_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dv->ready_fd < 0)
		return -errno;
	if (write(dv->ready_fd, &one, sizeof one) != sizeof one)
		return -EIO;
	return iothread_watch(io, &dv->cons.dev, dv->ready_fd, vcons_input);
}

int devices_attach(struct devices *dv, struct iothread *io, struct bus *mmio,
		   struct errmsg *err)
{
	unsigned n = 0;
	const char *what = "";
	int r = 0;

	if (dv->has_blk) {
		what = "the disk";
		r = iothread_add(io, &dv->blk.dev, mmio, n++);
	}
	if (r == 0 && dv->has_net) {
		what = "the network device";
		r = iothread_add(io, &dv->net.dev, mmio, n++);
		if (r == 0)
			r = iothread_watch(io, &dv->net.dev, dv->tap_fd,
					   vnet_input);
	}
	if (r == 0 && dv->has_cons) {
		what = "the console";
		r = iothread_add(io, &dv->cons.dev, mmio, n++);
		if (r == 0)
			r = watch_stdin(dv, io);
	}
	if (r < 0) {
		errmsg_set(err, "cannot set up %s: %s", what, strerror(-r));
		return -1;
	}
	return 0;
}

void devices_close(struct devices *dv)
{
	vblk_close(&dv->blk);
	if (dv->tap_fd >= 0)
		close(dv->tap_fd);
	if (dv->ready_fd >= 0)
		close(dv->ready_fd);
	if (dv->serial_fd != STDOUT_FILENO)
		close(dv->serial_fd);
	dv->tap_fd = dv->ready_fd = -1;
	dv->serial_fd = STDOUT_FILENO;
}
