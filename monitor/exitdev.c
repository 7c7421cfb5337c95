#include "exitdev.h"

#include <platform.h>

static uint64_t exitdev_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque;
	(void)off;
	return bus_ones(size);
}

static void exitdev_write(void *opaque, uint64_t off, unsigned size,
			  uint64_t val)
{
	struct exitdev *d = opaque;

	(void)size;             /* the bus has masked val to size bytes */
	if (off != 0)
		return;
	machine_request_stop(d->machine, val > 255 ? 255 : (int)val);
}

static const struct bus_ops exitdev_ops = {
	.read = exitdev_read,
	.write = exitdev_write,
};

int exitdev_register(struct exitdev *d, struct machine *m)
{
	d->machine = m;
	return bus_register(&m->pio, PLAT_EXIT_PORT, EXITDEV_NPORTS,
			    &exitdev_ops, d, "exit");
}
