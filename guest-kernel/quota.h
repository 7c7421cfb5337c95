/*
 * A count of what a process holds against its limit: its kernel objects,
 * its pages (docs/accounting.md says who pays for what). Pure.
 */
#ifndef QUOTA_H
#define QUOTA_H

#include <stdint.h>

struct quota {
	uint32_t used, max;     /* used <= max */
};

/* Whether n more fit. */
static inline int quota_fits(const struct quota *q, uint32_t n)
{
	return n <= q->max - q->used;
}

/* Charge n; 0, or -1 with nothing charged if they do not fit. */
static inline int quota_take(struct quota *q, uint32_t n)
{
	if (!quota_fits(q, n))
		return -1;
	q->used += n;
	return 0;
}

/* Give back n of what was charged. */
static inline void quota_give(struct quota *q, uint32_t n)
{
	q->used -= n;
}

#endif
