#include "session.h"

#define INDEX_BITS      8       /* badge: generation << 8 | index + 1 */

_Static_assert(BLK_SESSIONS_MAX < (1 << INDEX_BITS), "index fits");

uint64_t session_open(struct blk_sessions *t, uint64_t slot, uint64_t bytes,
		      uint64_t phys)
{
	for (unsigned i = 0; i < BLK_SESSIONS_MAX; i++) {
		struct blk_session *s = &t->s[i];

		if (s->open)
			continue;
		*s = (struct blk_session){ .open = 1, .gen = ++t->gen,
					   .slot = slot, .bytes = bytes,
					   .phys = phys };
		return (uint64_t)s->gen << INDEX_BITS | (i + 1);
	}
	return 0;
}

struct blk_session *session_find(struct blk_sessions *t, uint64_t badge)
{
	uint64_t i = badge & ((1u << INDEX_BITS) - 1);
	struct blk_session *s;

	if (i == 0 || i > BLK_SESSIONS_MAX)
		return NULL;
	s = &t->s[i - 1];
	if (!s->open || badge >> INDEX_BITS != s->gen)
		return NULL;
	return s;
}

void session_close(struct blk_session *s)
{
	s->open = 0;
	s->slot = 0;
	s->bytes = 0;
	s->phys = 0;
}

enum blk_err blk_check_rw(uint64_t capacity, uint64_t buf_bytes,
			  uint64_t sector, uint64_t count, uint64_t offset)
{
	if (count == 0 || count > buf_bytes / BLK_SECTOR_SIZE)
		return BLK_E_BAD_REQUEST;
	/* count * 512 <= buf_bytes now: no overflow. */
	if (offset > buf_bytes || count * BLK_SECTOR_SIZE > buf_bytes - offset)
		return BLK_E_BAD_REQUEST;
	if (sector > capacity || count > capacity - sector)
		return BLK_E_RANGE;
	return BLK_OK;
}
