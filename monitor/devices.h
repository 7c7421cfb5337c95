/*
 * The devices a command-line option adds to the VM. Each device type
 * registers itself in its own file, once, with DEVICE_TYPE(): its
 * option, its --help lines, and how it is opened, attached to the I/O
 * thread, started and closed. The
 * registration is a pointer in the linker section "vmm_devices", so
 * nothing central lists the devices: cli.c takes the options and the
 * --help lines from the table, main.c runs the devices through it.
 *
 * The types go in ascending .order (each file says why it took its
 * number; two types never share one), and each that has a virtio device
 * this run takes the next MMIO window: window n at
 * PLAT_VIRTIO_MMIO_ADDR(n), GSI PLAT_VIRTIO_GSI(n). So a lone device is
 * always window 0, GSI 5. Each is announced on the kernel command line
 * as QEMU microvm does, and served by the I/O thread.
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include <stdbool.h>

#include "log.h"

#define DEVICE_TYPES_MAX        8

struct cli;
struct bus;
struct iothread;
struct mem;
struct virtio_dev;

struct device_type {
	const char *option;     /* --OPTION */
	bool has_value;         /* --OPTION VALUE; else a flag */
	const char *usage;      /* its lines of --help, each ending "\n" */
	const char *what;       /* "the disk": "cannot set up the disk" */
	unsigned order;         /* windows and --help lines go by it */
	/* Given twice, --OPTION is a usage error "--OPTION: only one ONE";
	 * NULL: any number of times (the last value counts). */
	const char *one;
	/*
	 * Before KVM is opened: with the option's value (NULL: not given;
	 * "" for a flag that was), open what the device needs, over guest
	 * RAM m (mapped later). *dev: its virtio device, or NULL when it has
	 * none this run. 0, or -1 with err naming the option.
	 */
	int (*open)(const char *value, const struct mem *m,
		    struct virtio_dev **dev, struct errmsg *err);
	/* Its virtio device is on io: watch host fds. 0 or -errno. */
	int (*attach)(struct iothread *io);
	/* The vCPU is about to run, and has stopped (safe twice). */
	void (*start)(void);
	void (*stop)(void);
	/* Close what open opened; safe without open, and twice. */
	void (*close)(void);
};

/* Register a device type: DEVICE_TYPE(disk, .option = "disk", ...). */
#define DEVICE_TYPE(name, ...)                                          \
	static const struct device_type device_type_##name = {          \
		__VA_ARGS__                                             \
	};                                                              \
	static const struct device_type *const device_entry_##name      \
		__attribute__((used, section("vmm_devices"))) =         \
		&device_type_##name

/* How many device types there are; device_type(i) for i below it is
 * the i-th in .order. */
unsigned device_types(void);
const struct device_type *device_type(unsigned i);

/* The index of the type whose option is name, or -1. */
int device_find(const char *option);

/* The devices of one run: type i's virtio device, or NULL. Zeroed, it
 * holds nothing (devices_close is safe). */
struct devices {
	struct virtio_dev *dev[DEVICE_TYPES_MAX];
};

/*
 * Before KVM is touched: open each device from its option's value in c
 * (c->device[i]), in order, and announce each virtio device on
 * c->cmdline. They keep m, which is mapped later. 0, or -1 with err (a
 * usage error: the message names the option). devices_close undoes it.
 */
int devices_open(struct devices *dv, struct cli *c, const struct mem *m,
		 struct errmsg *err);

/* Add each virtio device to io in window order (claiming its window on
 * mmio) and let its type watch its fds. 0, or -1 with err. */
int devices_attach(struct devices *dv, struct iothread *io, struct bus *mmio,
		   struct errmsg *err);

/* Just before the vCPU runs, and after it stopped (safe twice). */
void devices_start(struct devices *dv);
void devices_stop(struct devices *dv);

/* Close what devices_open opened (not stdin/stdout); safe twice. */
void devices_close(struct devices *dv);

#endif
