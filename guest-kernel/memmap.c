#include "memmap.h"

#include "platform.h"

struct mem_range mem_range_of(uint64_t addr, uint64_t size)
{
	struct mem_range r = { addr, addr + size };

	if (r.end < addr)
		r.end = UINT64_MAX;
	return r;
}

bool memmap_in_low_ram(uint64_t addr, uint64_t len)
{
	return addr < PLAT_RAM_MAX && len <= PLAT_RAM_MAX - addr;
}

const char *memmap_check(const struct pvh_start_info *si)
{
	if (si->magic != PVH_START_MAGIC)
		return "bad start info magic";
	if (si->version < 1)
		return "start info version 0 has no memory map";
	if (!si->memmap_paddr || !si->memmap_entries)
		return "no memory map";
	if (si->memmap_entries > MEMMAP_ENTRIES_MAX)
		return "memory map too long";
	if (!memmap_in_low_ram(si->memmap_paddr, si->memmap_entries *
			       (uint64_t)sizeof(struct pvh_memmap_entry)))
		return "memory map outside low RAM";
	if (si->cmdline_paddr && !memmap_in_low_ram(si->cmdline_paddr, 1))
		return "command line outside low RAM";
	if (si->nr_modules > MEMMAP_MODULES_MAX)
		return "too many modules";
	if (si->nr_modules && !memmap_in_low_ram(si->modlist_paddr,
			si->nr_modules * (uint64_t)sizeof(struct pvh_module)))
		return "module list outside low RAM";
	return NULL;
}

/* Inserts r into the sorted, disjoint array a (n used, room for max),
 * merging what overlaps or touches. Returns the new count; r is dropped
 * when it needs a new slot and there is none. */
static unsigned add(struct mem_range *a, unsigned n, unsigned max,
		    struct mem_range r)
{
	unsigned i = 0, j;

	while (i < n && a[i].end < r.start)
		i++;
	if (i < n && a[i].start <= r.end) {
		if (r.start < a[i].start)
			a[i].start = r.start;
		if (r.end > a[i].end)
			a[i].end = r.end;
		for (j = i + 1; j < n && a[j].start <= a[i].end; j++)
			if (a[j].end > a[i].end)
				a[i].end = a[j].end;
		unsigned gone = j - (i + 1);
		for (; j < n; j++)
			a[j - gone] = a[j];
		return n - gone;
	}
	if (n == max)
		return n;
	for (j = n; j > i; j--)
		a[j] = a[j - 1];
	a[i] = r;
	return n + 1;
}

/* Removes hole h from the sorted array a. A range split in two keeps only
 * its lower part when there is no room for the upper one. */
static unsigned cut(struct mem_range *a, unsigned n, unsigned max,
		    struct mem_range h)
{
	unsigned i = 0;

	if (!n || h.end <= a[0].start || h.start >= a[n - 1].end)
		return n;               /* the common case: clear of all RAM */
	while (i < n) {
		struct mem_range *r = &a[i];

		if (h.end <= r->start || h.start >= r->end) {
			i++;
		} else if (h.start > r->start && h.end < r->end) {
			if (n < max) {
				for (unsigned j = n; j > i + 1; j--)
					a[j] = a[j - 1];
				a[i + 1] = (struct mem_range){ h.end, r->end };
				n++;
				i++;            /* the upper part is clear of h */
			}
			r->end = h.start;
			i++;
		} else if (h.start > r->start) {
			r->end = h.start;
			i++;
		} else if (h.end < r->end) {
			r->start = h.end;
			i++;
		} else {
			for (unsigned j = i + 1; j < n; j++)
				a[j - 1] = a[j];
			n--;
		}
	}
	return n;
}

unsigned memmap_usable(const struct pvh_memmap_entry *map, unsigned n,
		       const struct mem_range *excl, unsigned nexcl,
		       struct mem_range *out, unsigned max)
{
	unsigned count = 0, k = 0;

	for (unsigned i = 0; i < n; i++) {
		struct mem_range r = mem_range_of(map[i].addr, map[i].size);

		if (map[i].type != PVH_MEMMAP_RAM)
			continue;
		if (r.start < MEMMAP_LOW)
			r.start = MEMMAP_LOW;
		if (r.end > MEMMAP_HIGH)
			r.end = MEMMAP_HIGH;
		if (r.start < r.end)
			count = add(out, count, max, r);
	}
	for (unsigned i = 0; i < n; i++)
		if (map[i].type != PVH_MEMMAP_RAM)
			count = cut(out, count, max,
				    mem_range_of(map[i].addr, map[i].size));
	for (unsigned i = 0; i < nexcl; i++)
		count = cut(out, count, max, excl[i]);

	for (unsigned i = 0; i < count; i++) {
		uint64_t start = (out[i].start + MEMMAP_PAGE - 1) &
				 ~(MEMMAP_PAGE - 1);
		uint64_t end = out[i].end & ~(MEMMAP_PAGE - 1);

		if (start < end)
			out[k++] = (struct mem_range){ start, end };
	}
	return k;
}
