#include "devices.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "iothread.h"

/* The linker makes these for the section DEVICE_TYPE() fills. */
extern const struct device_type *const __start_vmm_devices[];
extern const struct device_type *const __stop_vmm_devices[];

static const struct device_type *types[DEVICE_TYPES_MAX];
static unsigned ntypes;
static bool sorted;

/* The section in link order, sorted by .order into types[] once. */
static void sort_types(void)
{
	const struct device_type *const *p;

	for (p = __start_vmm_devices; p < __stop_vmm_devices; p++) {
		unsigned i = ntypes++;

		assert(i < DEVICE_TYPES_MAX && "raise DEVICE_TYPES_MAX");
		for (; i > 0 && types[i - 1]->order >= (*p)->order; i--) {
			assert(types[i - 1]->order != (*p)->order &&
			       "two device types share an order");
			types[i] = types[i - 1];
		}
		types[i] = *p;
	}
	sorted = true;
}

unsigned device_types(void)
{
	if (!sorted)
		sort_types();
	return ntypes;
}

const struct device_type *device_type(unsigned i)
{
	return i < device_types() ? types[i] : NULL;
}

int device_find(const char *option)
{
	for (unsigned i = 0; i < device_types(); i++)
		if (strcmp(types[i]->option, option) == 0)
			return (int)i;
	return -1;
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

int devices_open(struct devices *dv, struct cli *c, const struct mem *m,
		 struct errmsg *err)
{
	unsigned n = 0;

	memset(dv, 0, sizeof *dv);
	for (unsigned i = 0; i < device_types(); i++) {
		if (types[i]->open(c->device[i], m, &dv->dev[i], err) < 0)
			return -1;
		if (dv->dev[i] && announce(c, n++, err) < 0)
			return -1;
	}
	return 0;
}

int devices_attach(struct devices *dv, struct iothread *io, struct bus *mmio,
		   struct errmsg *err)
{
	unsigned n = 0;

	for (unsigned i = 0; i < device_types(); i++) {
		const struct device_type *t = types[i];
		int r;

		if (!dv->dev[i])
			continue;
		r = iothread_add(io, dv->dev[i], mmio, n++);
		if (r == 0 && t->attach)
			r = t->attach(io);
		if (r < 0) {
			errmsg_set(err, "cannot set up %s: %s", t->what,
				   strerror(-r));
			return -1;
		}
	}
	return 0;
}

void devices_start(struct devices *dv)
{
	for (unsigned i = 0; i < device_types(); i++)
		if (dv->dev[i] && types[i]->start)
			types[i]->start();
}

void devices_stop(struct devices *dv)
{
	for (unsigned i = 0; i < device_types(); i++)
		if (dv->dev[i] && types[i]->stop)
			types[i]->stop();
}

void devices_close(struct devices *dv)
{
	for (unsigned i = 0; i < device_types(); i++)
		types[i]->close();
	memset(dv, 0, sizeof *dv);
}
