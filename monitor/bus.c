#include "bus.h"

#include <errno.h>
#include <stddef.h>

#include "log.h"

void bus_init(struct bus *b, enum bus_kind kind)
{
	b->kind = kind;
	b->n = 0;
}

int bus_register(struct bus *b, uint64_t base, uint64_t len,
		 const struct bus_ops *ops, void *opaque, const char *name)
{
	const struct bus_range *r;
	unsigned i;

	if (len == 0 || base > UINT64_MAX - len || !ops || !ops->read ||
	    !ops->write)
		return -EINVAL;
	for (i = 0; i < b->n; i++) {
		r = &b->range[i];
		if (base < r->base + r->len && r->base < base + len)
			return -EEXIST;
	}
	if (b->n == BUS_MAX_RANGES)
		return -ENOSPC;
	b->range[b->n++] = (struct bus_range){
		.base = base, .len = len, .ops = ops, .opaque = opaque,
		.name = name,
	};
	return 0;
}

uint64_t bus_ones(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

/* The range holding all of [addr, addr + size), or NULL. */
static const struct bus_range *bus_find(const struct bus *b, uint64_t addr,
					unsigned size)
{
	const struct bus_range *r;
	unsigned i;

	for (i = 0; i < b->n; i++) {
		r = &b->range[i];
		if (addr >= r->base && addr - r->base < r->len &&
		    size <= r->len - (addr - r->base))
			return r;
	}
	return NULL;
}

bool bus_read(struct bus *b, uint64_t addr, unsigned size, uint64_t *val)
{
	const struct bus_range *r = bus_find(b, addr, size);

	if (!r) {
		*val = bus_ones(size);
		if (b->kind == BUS_PIO)
			log_once(LOG_PORT_READ, addr,
				 "read of unclaimed port 0x%llx (size %u)",
				 (unsigned long long)addr, size);
		else
			log_once(LOG_MMIO_READ, addr,
				 "read of unclaimed MMIO 0x%llx (size %u)",
				 (unsigned long long)addr, size);
		return false;
	}
	*val = r->ops->read(r->opaque, addr - r->base, size) & bus_ones(size);
	return true;
}

bool bus_write(struct bus *b, uint64_t addr, unsigned size, uint64_t val)
{
	const struct bus_range *r = bus_find(b, addr, size);

	if (!r) {
		if (b->kind == BUS_PIO)
			log_once(LOG_PORT_WRITE, addr,
				 "write of 0x%llx to unclaimed port 0x%llx "
				 "(size %u)", (unsigned long long)val,
				 (unsigned long long)addr, size);
		else
			log_once(LOG_MMIO_WRITE, addr,
				 "write of 0x%llx to unclaimed MMIO 0x%llx "
				 "(size %u)", (unsigned long long)val,
				 (unsigned long long)addr, size);
		return false;
	}
	r->ops->write(r->opaque, addr - r->base, size, val & bus_ones(size));
	return true;
}
