/* The free slots of this process's capability table: a bit per slot. */
#include "uk.h"

_Static_assert(UK_CAP_SLOTS <= 64, "one word of bits");

/* A set bit is a slot in use; the well-known slots below FIRST_FREE are
 * never handed out. */
static uint64_t used = (1ull << UK_SLOT_FIRST_FREE) - 1;

uint64_t uk_slot_alloc(void)
{
	for (uint64_t s = UK_SLOT_FIRST_FREE; s < UK_CAP_SLOTS; s++) {
		if (!(used & (1ull << s))) {
			used |= 1ull << s;
			return s;
		}
	}
	return UK_NO_CAP;
}

void uk_slot_free(uint64_t slot)
{
	if (slot >= UK_SLOT_FIRST_FREE && slot < UK_CAP_SLOTS)
		used &= ~(1ull << slot);
}

void uk_slot_drop(uint64_t *slot)
{
	if (*slot == UK_NO_CAP)
		return;
	uk_cap_delete(*slot);
	uk_slot_free(*slot);
	*slot = UK_NO_CAP;
}

int uk_slot_reserve(uint64_t slot)
{
	if (slot >= UK_CAP_SLOTS || (used & (1ull << slot)))
		return -1;
	used |= 1ull << slot;
	return 0;
}
