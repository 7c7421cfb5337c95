#include "sessions.h"

#include <proto/registry.h>

#define INDEX_BITS      8       /* badge: generation << 8 | index + 1 */

_Static_assert(SESS_MAX < (1 << INDEX_BITS), "an index fits");

void sess_init(struct sess_table *t, unsigned max, unsigned per_owner)
{
	*t = (struct sess_table){ .max = max > SESS_MAX ? SESS_MAX : max,
				  .per_owner = per_owner ? per_owner : 1 };
}

static uint64_t badge_of(const struct sess_table *t, unsigned i)
{
	return REG_SERVER_BADGE_BIT | (uint64_t)t->s[i].gen << INDEX_BITS |
	       (i + 1);
}

unsigned sess_reap(struct sess_table *t, const struct sess_ops *ops)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->max; i++) {
		uint64_t owner = t->s[i].owner;
		int asked = 0;

		if (!t->s[i].open)
			continue;
		/* Each owner is asked once: its first open session. */
		for (unsigned j = 0; j < i && !asked; j++)
			asked = t->s[j].open && t->s[j].owner == owner;
		if (asked || ops->alive(owner))
			continue;
		for (unsigned j = i; j < t->max; j++) {
			if (t->s[j].open && t->s[j].owner == owner) {
				ops->end(j, ops->ctx);
				sess_close(t, j);
				n++;
			}
		}
	}
	return n;
}

int sess_open(struct sess_table *t, uint64_t owner, uint64_t *badge,
	      const struct sess_ops *ops)
{
	unsigned held = 0, i;

	for (i = 0; i < t->max; i++)
		held += t->s[i].open && t->s[i].owner == owner;
	if (held >= t->per_owner)
		return SESS_E_OWNER;
	for (i = 0; i < t->max && t->s[i].open; i++)
		;
	if (i == t->max && sess_reap(t, ops))
		for (i = 0; i < t->max && t->s[i].open; i++)
			;
	if (i == t->max)
		return SESS_E_FULL;
	t->s[i] = (struct sess){ .open = 1, .gen = ++t->gen, .owner = owner };
	*badge = badge_of(t, i);
	return (int)i;
}

int sess_find(const struct sess_table *t, uint64_t badge)
{
	uint64_t i = (badge & ((1u << INDEX_BITS) - 1)) - 1;

	if (!(badge & REG_SERVER_BADGE_BIT) || i >= t->max ||
	    !t->s[i].open || badge != badge_of(t, (unsigned)i))
		return -1;
	return (int)i;
}

int sess_reclaim(struct sess_table *t, unsigned index,
		 const struct sess_ops *ops)
{
	if (index >= t->max || !t->s[index].open ||
	    ops->alive(t->s[index].owner))
		return 0;
	ops->end(index, ops->ctx);
	sess_close(t, index);
	return 1;
}

uint64_t sess_owner(const struct sess_table *t, uint64_t badge)
{
	int i;

	if (!(badge & REG_SERVER_BADGE_BIT))
		return badge;
	i = sess_find(t, badge);
	return i < 0 ? 0 : t->s[i].owner;
}

void sess_close(struct sess_table *t, unsigned index)
{
	if (index < t->max)
		t->s[index].open = 0;
}
