/* The registry's table (guest-servers/sys/registry/table.c) and the packing
 * of names into message words (guest-servers/lib/regname.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <ukern/abi.h>
#include "table.h"
#include "regname.h"

#define ADMIN   REG_BADGE_ADMIN
#define ALICE   0x101ull
#define BOB     0x102ull
/* Clients whose identities the registry mints (below REG_CLIENTS_MAX). */
#define CAROL   5ull
#define DAVE    6ull

/* Exactly 32, and 33, bytes. */
#define NAME32  "abcdefghijklmnopqrstuvwxyz012345"
#define NAME33  NAME32 "6"

static struct reg_table t;
static uint64_t idb;            /* an identity badge a lookup gave */

static void setup(void)
{
	memset(&t, 0x5a, sizeof t);     /* init must not rely on zeroes */
	reg_table_init(&t);
}

TestSuite(user_registry, .init = setup);

Test(user_registry, register_then_lookup)
{
	uint64_t slot = 0;

	cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, "console", REG_ALLOW_REGISTER), REG_OK);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 9), REG_OK);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, "console", &slot, &idb), REG_OK);
	cr_assert_eq(slot, 9);
}

Test(user_registry, not_allowed)
{
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 9),
		     REG_E_NOT_ALLOWED);
	cr_assert_eq(reg_table_allow(&t, ADMIN, BOB, "console", REG_ALLOW_REGISTER), REG_OK);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 9),
		     REG_E_NOT_ALLOWED, "allowed for bob, not alice");
	cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, "blk", REG_ALLOW_REGISTER), REG_OK);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 9),
		     REG_E_NOT_ALLOWED, "alice may register blk only");
	cr_assert_eq(t.count, 0);
}

Test(user_registry, only_the_admin_allows_and_forgets)
{
	uint64_t slots[REG_FORGET_MAX];
	unsigned n = 99;

	cr_assert_eq(reg_table_allow(&t, ALICE, ALICE, "console", REG_ALLOW_REGISTER),
		     REG_E_NOT_ALLOWED);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 9),
		     REG_E_NOT_ALLOWED);
	cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, "console", REG_ALLOW_REGISTER), REG_OK);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 9), REG_OK);
	cr_assert_eq(reg_table_forget(&t, BOB, ALICE, slots, &n),
		     REG_E_NOT_ALLOWED);
	cr_assert_eq(n, 0);
	cr_assert_eq(t.count, 1);
}

Test(user_registry, admin_registers_any_name)
{
	cr_assert_eq(reg_table_register(&t, ADMIN, "init", 9), REG_OK);
}

Test(user_registry, exists)
{
	reg_table_allow(&t, ADMIN, ALICE, "console", REG_ALLOW_REGISTER);
	reg_table_allow(&t, ADMIN, BOB, "console", REG_ALLOW_REGISTER);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 9), REG_OK);
	cr_assert_eq(reg_table_register(&t, BOB, "console", 10),
		     REG_E_EXISTS);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", 11),
		     REG_E_EXISTS, "even for the owner");
	uint64_t slot;
	reg_table_lookup(&t, ADMIN, "console", &slot, &idb);
	cr_assert_eq(slot, 9);
}

Test(user_registry, no_cap)
{
	reg_table_allow(&t, ADMIN, ALICE, "console", REG_ALLOW_REGISTER);
	cr_assert_eq(reg_table_register(&t, ALICE, "console", UK_NO_CAP),
		     REG_E_NO_CAP);
	cr_assert_eq(t.count, 0);
}

Test(user_registry, not_found)
{
	uint64_t slot = 77;

	cr_assert_eq(reg_table_lookup(&t, ADMIN, "nothing", &slot, &idb), REG_E_NOT_FOUND);
	cr_assert_eq(slot, 77, "untouched");
}

Test(user_registry, error_order)
{
	/* Bad name before no cap before not allowed before exists. */
	cr_assert_eq(reg_table_register(&t, ALICE, "", UK_NO_CAP),
		     REG_E_BAD_NAME);
	cr_assert_eq(reg_table_register(&t, ALICE, "x", UK_NO_CAP),
		     REG_E_NO_CAP);
	reg_table_register(&t, ADMIN, "x", 9);
	cr_assert_eq(reg_table_register(&t, ALICE, "x", 10),
		     REG_E_NOT_ALLOWED);
}

Test(user_registry, name_edges)
{
	uint64_t slot;

	cr_assert_eq(reg_name_check(""), REG_E_BAD_NAME);
	cr_assert_eq(reg_name_check("a"), REG_OK);
	cr_assert_eq(reg_name_check(NAME32), REG_OK);
	cr_assert_eq(reg_name_check(NAME33), REG_E_BAD_NAME);
	cr_assert_eq(reg_name_check("has space"), REG_E_BAD_NAME);
	cr_assert_eq(reg_name_check("tab\there"), REG_E_BAD_NAME);
	cr_assert_eq(reg_name_check("\x7f"), REG_E_BAD_NAME);
	cr_assert_eq(reg_name_check("caf\xc3\xa9"), REG_E_BAD_NAME);
	cr_assert_eq(reg_name_check("net.eth0/rx-1:~"), REG_OK);

	cr_assert_eq(reg_table_register(&t, ADMIN, NAME32, 9), REG_OK);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, NAME32, &slot, &idb), REG_OK);
	cr_assert_eq(reg_table_register(&t, ADMIN, NAME33, 9), REG_E_BAD_NAME);
	cr_assert_eq(reg_table_register(&t, ADMIN, "", 9), REG_E_BAD_NAME);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, NAME33, &slot, &idb), REG_E_BAD_NAME,
		     "no prefix match on 32 bytes");
	cr_assert_eq(reg_table_lookup(&t, ADMIN, "", &slot, &idb), REG_E_BAD_NAME);
	cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, NAME33, REG_ALLOW_REGISTER),
		     REG_E_BAD_NAME);
	cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, "", REG_ALLOW_REGISTER), REG_E_BAD_NAME);
}

Test(user_registry, prefixes_are_different_names)
{
	uint64_t slot;

	reg_table_register(&t, ADMIN, "net", 9);
	cr_assert_eq(reg_table_register(&t, ADMIN, "net0", 10), REG_OK);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, "ne", &slot, &idb), REG_E_NOT_FOUND);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, "net0", &slot, &idb), REG_OK);
	cr_assert_eq(slot, 10);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, "net", &slot, &idb), REG_OK);
	cr_assert_eq(slot, 9);
}

Test(user_registry, list_in_registration_order)
{
	const char *names[] = { "zeta", "alpha", "mid", NAME32 };
	char out[REG_NAME_MAX + 1];

	for (unsigned i = 0; i < 4; i++)
		cr_assert_eq(reg_table_register(&t, ADMIN, names[i], 8 + i),
			     REG_OK);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(reg_table_list(&t, i, out), REG_OK);
		cr_assert_str_eq(out, names[i]);
	}
	strcpy(out, "junk");
	cr_assert_eq(reg_table_list(&t, 4, out), REG_E_NOT_FOUND);
	cr_assert_str_eq(out, "");
	cr_assert_eq(reg_table_list(&t, UINT64_MAX, out), REG_E_NOT_FOUND);
}

Test(user_registry, forget_drops_one_client_and_keeps_order)
{
	uint64_t slots[REG_FORGET_MAX], slot;
	char out[REG_NAME_MAX + 1];
	unsigned n;

	reg_table_allow(&t, ADMIN, ALICE, "a1", REG_ALLOW_REGISTER);
	reg_table_allow(&t, ADMIN, ALICE, "a2", REG_ALLOW_REGISTER);
	reg_table_allow(&t, ADMIN, BOB, "b1", REG_ALLOW_REGISTER);
	reg_table_allow(&t, ADMIN, BOB, "b2", REG_ALLOW_REGISTER);
	reg_table_register(&t, ALICE, "a1", 10);
	reg_table_register(&t, BOB, "b1", 11);
	reg_table_register(&t, ALICE, "a2", 12);
	reg_table_register(&t, BOB, "b2", 13);

	cr_assert_eq(reg_table_forget(&t, ADMIN, ALICE, slots, &n), REG_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(slots[0], 10);
	cr_assert_eq(slots[1], 12);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, "a1", &slot, &idb), REG_E_NOT_FOUND);
	cr_assert_eq(reg_table_list(&t, 0, out), REG_OK);
	cr_assert_str_eq(out, "b1");
	cr_assert_eq(reg_table_list(&t, 1, out), REG_OK);
	cr_assert_str_eq(out, "b2");
	cr_assert_eq(reg_table_list(&t, 2, out), REG_E_NOT_FOUND);

	/* A restarted alice may register again: the allow list stayed. */
	cr_assert_eq(reg_table_register(&t, ALICE, "a1", 14), REG_OK);
	/* Forgetting a client with no names is fine. */
	cr_assert_eq(reg_table_forget(&t, ADMIN, 0x999, slots, &n), REG_OK);
	cr_assert_eq(n, 0);
}

Test(user_registry, full_table)
{
	char name[16];
	uint64_t slot;

	for (unsigned i = 0; i < REG_TABLE_MAX; i++) {
		snprintf(name, sizeof name, "s%u", i);
		cr_assert_eq(reg_table_register(&t, ADMIN, name, 8 + i), REG_OK);
	}
	cr_assert_eq(reg_table_register(&t, ADMIN, "one-more", 99),
		     REG_E_FULL);
	cr_assert_eq(reg_table_register(&t, ADMIN, "s3", 99), REG_E_EXISTS,
		     "exists is reported before full");
	cr_assert_eq(reg_table_can_register(&t, ADMIN, "one-more", 99),
		     REG_E_FULL);
	cr_assert_eq(reg_table_lookup(&t, ADMIN, "s63", &slot, &idb), REG_OK);
	cr_assert_eq(slot, 8 + 63);
}

Test(user_registry, full_allow_list_and_repeats)
{
	char name[16];

	for (unsigned i = 0; i < REG_ALLOW_MAX; i++) {
		snprintf(name, sizeof name, "n%u", i);
		cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, name, REG_ALLOW_REGISTER), REG_OK);
	}
	cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, "n0", REG_ALLOW_REGISTER), REG_OK,
		     "a repeat takes no room");
	cr_assert_eq(reg_table_allow(&t, ADMIN, BOB, "n0", REG_ALLOW_REGISTER), REG_E_FULL);
}

Test(user_registry, can_register_changes_nothing)
{
	cr_assert_eq(reg_table_can_register(&t, ADMIN, "x", 9), REG_OK);
	cr_assert_eq(t.count, 0);
}

/* ---- names in message words ---------------------------------------- */

Test(user_registry, pack_unpack_round_trip)
{
	const char *names[] = { "a", "console", "exactly8", "nine char",
				NAME32 };
	char out[REG_NAME_MAX + 1];
	uint64_t w[4];

	for (unsigned i = 0; i < 5; i++) {
		cr_assert_eq(reg_name_pack(names[i], w), REG_OK);
		cr_assert_eq(reg_name_unpack(w, out), REG_OK);
		cr_assert_str_eq(out, names[i]);
	}
}

Test(user_registry, pack_is_little_endian_nul_padded)
{
	uint64_t w[4] = { 1, 2, 3, 4 };

	cr_assert_eq(reg_name_pack("abcdefghi", w), REG_OK);
	cr_assert_eq(w[0], 0x6867666564636261ull);
	cr_assert_eq(w[1], 0x69);
	cr_assert_eq(w[2], 0);
	cr_assert_eq(w[3], 0);
}

Test(user_registry, pack_rejects_empty_and_long)
{
	uint64_t w[4] = { 1, 2, 3, 4 };

	cr_assert_eq(reg_name_pack("", w), REG_E_BAD_NAME);
	cr_assert_eq(w[0] | w[1] | w[2] | w[3], 0);
	cr_assert_eq(reg_name_pack(NAME33, w), REG_E_BAD_NAME);
	cr_assert_eq(w[0] | w[1] | w[2] | w[3], 0);
}

Test(user_registry, unpack_rejects_garbage_after_the_end)
{
	char out[REG_NAME_MAX + 1];
	uint64_t w[4];

	reg_name_pack("abc", w);
	w[3] = 1ull << 56;                      /* byte 31 */
	cr_assert_eq(reg_name_unpack(w, out), REG_E_BAD_NAME);
	cr_assert_str_eq(out, "");
	reg_name_pack("abc", w);
	w[0] |= 0x41ull << 32;                  /* "abc\0A" */
	cr_assert_eq(reg_name_unpack(w, out), REG_E_BAD_NAME);

	uint64_t zero[4] = { 0 };
	cr_assert_eq(reg_name_unpack(zero, out), REG_E_BAD_NAME, "empty");

	uint64_t lead[4] = { 0x4100, 0, 0, 0 };     /* "\0A" */
	cr_assert_eq(reg_name_unpack(lead, out), REG_E_BAD_NAME);

	uint64_t full[4] = { ~0ull, ~0ull, ~0ull, ~0ull };
	cr_assert_eq(reg_name_unpack(full, out), REG_OK, "32 bytes, no NUL");
	cr_assert_eq(strlen(out), 32);
	/* The words carry bytes; the table then judges the characters. */
	cr_assert_eq(reg_name_check(out), REG_E_BAD_NAME);
}

Test(user_registry, lookups_only_as_allowed)
{
	uint64_t slot = 0, badge = 0;

	cr_assert_eq(reg_table_allow(&t, ADMIN, DAVE, "blk", REG_ALLOW_REGISTER),
		     REG_OK);
	cr_assert_eq(reg_table_register(&t, DAVE, "blk", 9), REG_OK);
	cr_assert_eq(reg_table_lookup(&t, CAROL, "blk", &slot, &badge),
		     REG_E_NOT_ALLOWED, "not on CAROL's list");
	cr_assert_eq(reg_table_allow(&t, CAROL, CAROL, "blk", REG_ALLOW_LOOKUP),
		     REG_E_NOT_ALLOWED, "only the admin allows");
	cr_assert_eq(reg_table_allow(&t, ADMIN, CAROL, "blk", REG_ALLOW_LOOKUP),
		     REG_OK);
	cr_assert_eq(reg_table_lookup(&t, CAROL, "blk", &slot, &badge), REG_OK);
	cr_assert_eq(slot, 9);
	cr_assert_eq(badge, REG_CLIENT_BADGE(CAROL, 0));
	cr_assert_eq(reg_table_lookup(&t, DAVE, "blk", &slot, &badge),
		     REG_E_NOT_ALLOWED, "registering is not looking up");
	cr_assert_eq(reg_table_allow(&t, ADMIN, CAROL, "later",
				     REG_ALLOW_LOOKUP), REG_OK);
	cr_assert_eq(reg_table_lookup(&t, CAROL, "later", &slot, &badge),
		     REG_E_NOT_FOUND, "allowed, not there yet");
	cr_assert_eq(reg_table_lookup(&t, REG_CLIENTS_MAX, "blk", &slot,
				      &badge), REG_E_NOT_ALLOWED, "no identity");
}

Test(user_registry, identities_live_and_die)
{
	uint64_t slot, b0, b1, slots[REG_FORGET_MAX];
	char name[REG_NAME_MAX + 1];
	unsigned n;

	reg_table_allow(&t, ADMIN, DAVE, "net", REG_ALLOW_REGISTER);
	reg_table_allow(&t, ADMIN, CAROL, "alice", REG_ALLOW_REGISTER);
	reg_table_allow(&t, ADMIN, CAROL, "net", REG_ALLOW_LOOKUP);
	reg_table_register(&t, DAVE, "net", 5);
	cr_assert_eq(reg_table_lookup(&t, CAROL, "net", &slot, &b0), REG_OK);
	cr_assert_eq(reg_table_alive(&t, b0), REG_OK);
	cr_assert_eq(reg_table_who(&t, b0, name), REG_OK);
	cr_assert_str_eq(name, "alice");
	cr_assert_eq(reg_table_forget(&t, ADMIN, CAROL, slots, &n), REG_OK);
	cr_assert_eq(reg_table_alive(&t, b0), REG_E_NOT_FOUND, "it died");
	cr_assert_eq(reg_table_who(&t, b0, name), REG_E_NOT_FOUND);
	cr_assert_str_eq(name, "");
	cr_assert_eq(reg_table_lookup(&t, CAROL, "net", &slot, &b1), REG_OK);
	cr_assert_neq(b1, b0, "its next life has another badge");
	cr_assert_eq(reg_table_alive(&t, b1), REG_OK);
	cr_assert_eq(reg_table_alive(&t, b1 | REG_SERVER_BADGE_BIT),
		     REG_E_NOT_FOUND, "a server's badge is no identity");
	cr_assert_eq(reg_table_alive(&t, REG_CLIENT_BADGE(DAVE + 1, 0)),
		     REG_E_NOT_FOUND, "a client init never named");
	cr_assert_eq(reg_table_alive(&t, REG_CLIENT_BADGE(CAROL, 7)),
		     REG_E_NOT_FOUND, "a life not yet lived");
	cr_assert_eq(reg_table_alive(&t, ~0ull), REG_E_NOT_FOUND);
}

/* A server that registered a name may watch deaths: one watch each, a
 * second replacing the first; forgetting the server drops its watch. */
Test(user_registry, servers_watch_deaths)
{
	uint64_t old = 0, slots[REG_FORGET_MAX];
	unsigned n;

	cr_assert_eq(reg_table_watch(&t, ALICE, 20, 4, &old),
		     REG_E_NOT_ALLOWED, "no name registered");
	cr_assert_eq(old, REG_NO_SLOT);
	cr_assert_eq(reg_table_allow(&t, ADMIN, ALICE, "fs", REG_ALLOW_REGISTER), REG_OK);
	cr_assert_eq(reg_table_register(&t, ALICE, "fs", 9), REG_OK);
	cr_assert_eq(reg_table_watch(&t, ALICE, 20, 0, &old),
		     REG_E_BAD_REQUEST, "no bits");
	cr_assert_eq(reg_table_watch(&t, ALICE, 20, 4, &old), REG_OK);
	cr_assert_eq(old, REG_NO_SLOT);
	cr_assert_eq(reg_table_watch(&t, ALICE, 21, 8, &old), REG_OK);
	cr_assert_eq(old, 20, "the first watch's slot, to delete");
	cr_assert_eq(t.nwatch, 1);
	cr_assert_eq(t.watch[0].slot, 21);
	cr_assert_eq(t.watch[0].bits, 8);
	/* Another client dies: the watch stays, to be signalled. */
	cr_assert_eq(reg_table_forget(&t, ADMIN, BOB, slots, &n), REG_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(t.nwatch, 1);
	/* The server dies: its name and its watch go. */
	cr_assert_eq(reg_table_forget(&t, ADMIN, ALICE, slots, &n), REG_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(slots[0], 9);
	cr_assert_eq(slots[1], 21);
	cr_assert_eq(t.nwatch, 0);
}
