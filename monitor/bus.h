/*
 * Address buses: devices register a range of port numbers or guest
 * physical addresses with read/write callbacks, and the vCPU loop
 * dispatches each access by address without knowing any device.
 * An access must lie wholly inside one range to reach its device.
 * Unclaimed reads return all ones; unclaimed writes are dropped; both
 * are reported once each with -v. A bus is used by one thread.
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define BUS_MAX_RANGES 32

struct bus_ops {
	/* Read size (1, 2, 4 or 8) bytes at off from the range start. */
	uint64_t (*read)(void *opaque, uint64_t off, unsigned size);
	/* Write the low size bytes of val at off from the range start. */
	void (*write)(void *opaque, uint64_t off, unsigned size, uint64_t val);
};

struct bus_range {
	uint64_t base;
	uint64_t len;
	const struct bus_ops *ops;
	void *opaque;
	const char *name;
};

enum bus_kind {
	BUS_PIO,                /* x86 I/O ports */
	BUS_MMIO,               /* guest physical addresses outside RAM */
};

struct bus {
	enum bus_kind kind;
	unsigned n;
	struct bus_range range[BUS_MAX_RANGES];
};

/* Make b an empty bus of the given kind. */
void bus_init(struct bus *b, enum bus_kind kind);

/*
 * Claim [base, base + len) for a device. Returns 0, -EINVAL if len is 0,
 * the range wraps or an op is missing, -EEXIST if it overlaps a range
 * already claimed, -ENOSPC if the bus is full.
 */
int bus_register(struct bus *b, uint64_t base, uint64_t len,
		 const struct bus_ops *ops, void *opaque, const char *name);

/*
 * Read size bytes (1..8) at addr. Returns true if a device claimed it;
 * *val is then its value, else all ones in size bytes.
 */
bool bus_read(struct bus *b, uint64_t addr, unsigned size, uint64_t *val);

/* Write size bytes (1..8) at addr. Returns true if a device claimed it. */
bool bus_write(struct bus *b, uint64_t addr, unsigned size, uint64_t val);

/* All ones in the low size bytes (size 1..8). */
uint64_t bus_ones(unsigned size);

#endif
