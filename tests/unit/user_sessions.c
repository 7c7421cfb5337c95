/* A server's session table (guest-servers/lib/sessions.c): badges,
 * per-client shares, and a dead client's sessions taken back. */
#include <criterion/criterion.h>

#include <proto/registry.h>
#include "sessions.h"

static struct sess_table t;
static uint64_t dead[4];
static unsigned ndead, asked, ended[SESS_MAX], nended;
static uint64_t now = ~0ull;    /* client 7 lives only its life now */

static int alive(uint64_t owner)
{
	asked++;
	if (REG_BADGE_CLIENT(owner) == 7 && REG_BADGE_LIFE(owner) != now)
		return 0;
	for (unsigned i = 0; i < ndead; i++)
		if (dead[i] == owner)
			return 0;
	return 1;
}

static void end(unsigned index, void *ctx)
{
	(void)ctx;
	ended[nended++] = index;
}

static const struct sess_ops ops = { .alive = alive, .end = end };

static void setup(void)
{
	sess_init(&t, 4, 2);
	ndead = asked = nended = 0;
	now = ~0ull;
}

TestSuite(user_sessions, .init = setup);

#define A       REG_CLIENT_BADGE(1, 0)
#define B       REG_CLIENT_BADGE(2, 0)
#define C       REG_CLIENT_BADGE(3, 5)

Test(user_sessions, badges_name_one_session)
{
	uint64_t b1, b2;
	int i = sess_open(&t, A, &b1, &ops);

	cr_assert_eq(i, 0);
	cr_assert(b1 & REG_SERVER_BADGE_BIT, "never an identity");
	cr_assert_eq(sess_find(&t, b1), 0);
	cr_assert_eq(sess_find(&t, A), -1, "an identity names no session");
	cr_assert_eq(sess_find(&t, 0), -1);
	cr_assert_eq(sess_find(&t, b1 ^ 0x100), -1, "another generation");
	cr_assert_eq(sess_find(&t, REG_SERVER_BADGE_BIT | 5), -1);
	cr_assert_eq(sess_find(&t, ~0ull), -1);
	sess_close(&t, 0);
	cr_assert_eq(sess_find(&t, b1), -1, "closed");
	cr_assert_eq(sess_open(&t, B, &b2, &ops), 0, "the slot is reused");
	cr_assert_neq(b2, b1);
	cr_assert_eq(sess_find(&t, b1), -1, "the old badge stays dead");
	cr_assert_eq(sess_find(&t, b2), 0);
}

Test(user_sessions, a_client_holds_its_share)
{
	uint64_t b;

	cr_assert_geq(sess_open(&t, A, &b, &ops), 0);
	cr_assert_geq(sess_open(&t, A, &b, &ops), 0);
	cr_assert_eq(sess_open(&t, A, &b, &ops), SESS_E_OWNER);
	cr_assert_geq(sess_open(&t, B, &b, &ops), 0, "others still can");
	cr_assert_eq(asked, 0, "nobody asked while there is room");
}

Test(user_sessions, full_of_living_clients)
{
	uint64_t b;

	sess_open(&t, A, &b, &ops);
	sess_open(&t, A, &b, &ops);
	sess_open(&t, B, &b, &ops);
	sess_open(&t, B, &b, &ops);
	cr_assert_eq(sess_open(&t, C, &b, &ops), SESS_E_FULL);
	cr_assert_eq(asked, 2, "each owner asked once");
	cr_assert_eq(nended, 0);
}

Test(user_sessions, a_dead_clients_sessions_come_back)
{
	uint64_t b, bb[2];

	sess_open(&t, A, &b, &ops);
	sess_open(&t, B, &bb[0], &ops);
	sess_open(&t, A, &b, &ops);
	sess_open(&t, B, &bb[1], &ops);
	dead[ndead++] = A;
	cr_assert_eq(sess_open(&t, C, &b, &ops), 0);
	cr_assert_eq(nended, 2, "both of A's ended");
	cr_assert_eq(ended[0], 0);
	cr_assert_eq(ended[1], 2);
	cr_assert_eq(sess_open(&t, C, &b, &ops), 2, "and both reusable");
	cr_assert_eq(sess_find(&t, bb[0]), 1, "B's untouched");
	cr_assert_eq(sess_find(&t, bb[1]), 3);
}

Test(user_sessions, rounds_of_dying_clients)
{
	uint64_t b;

	for (unsigned life = 0; life < 50; life++) {
		uint64_t me = REG_CLIENT_BADGE(7, life);

		now = life;
		cr_assert_geq(sess_open(&t, me, &b, &ops), 0, "life %u", life);
		cr_assert_geq(sess_open(&t, me, &b, &ops), 0, "life %u", life);
		cr_assert_eq(sess_open(&t, me, &b, &ops), SESS_E_OWNER);
	}
}

Test(user_sessions, one_session_of_the_dead)
{
	uint64_t b;

	sess_open(&t, A, &b, &ops);
	sess_open(&t, B, &b, &ops);
	cr_assert_eq(sess_reclaim(&t, 0, &ops), 0, "A lives");
	dead[ndead++] = A;
	cr_assert_eq(sess_reclaim(&t, 0, &ops), 1);
	cr_assert_eq(nended, 1);
	cr_assert_eq(sess_reclaim(&t, 0, &ops), 0, "closed already");
	cr_assert_eq(sess_reclaim(&t, 1, &ops), 0, "B lives");
	cr_assert_eq(sess_reclaim(&t, 9, &ops), 0, "no such session");
}

Test(user_sessions, owners)
{
	uint64_t b;

	cr_assert_eq(sess_open(&t, A, &b, &ops), 0);
	cr_assert_eq(sess_owner(&t, b), A, "a session's owner");
	cr_assert_eq(sess_owner(&t, B), B, "an identity is its own");
	cr_assert_eq(sess_owner(&t, 0), 0);
	sess_close(&t, 0);
	cr_assert_eq(sess_owner(&t, b), 0, "a closed session's: nobody");
}

Test(user_sessions, table_size_is_bounded)
{
	sess_init(&t, 1000, 0);
	cr_assert_eq(t.max, SESS_MAX);
	cr_assert_eq(t.per_owner, 1);
}

/* A death notice: every session of every dead owner ends at once, each
 * owner asked once, the living keep theirs. */
Test(user_sessions, reap_on_a_death_notice)
{
	uint64_t b;

	cr_assert_eq(sess_open(&t, A, &b, &ops), 0);
	cr_assert_eq(sess_open(&t, B, &b, &ops), 1);
	cr_assert_eq(sess_open(&t, A, &b, &ops), 2);
	cr_assert_eq(sess_reap(&t, &ops), 0, "nobody died");
	cr_assert_eq(asked, 2);
	dead[ndead++] = A;
	asked = 0;
	cr_assert_eq(sess_reap(&t, &ops), 2);
	cr_assert_eq(asked, 2, "A once, B once");
	cr_assert_eq(nended, 2);
	cr_assert_eq(ended[0], 0);
	cr_assert_eq(ended[1], 2);
	cr_assert_eq(sess_owner(&t, b), 0, "A's badge names nobody now");
	cr_assert_eq(sess_open(&t, B, &b, &ops), 0, "a slot is free again");
}
