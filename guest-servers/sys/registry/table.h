/*
 * The registry's state, pure (host-tested): names with the endpoint each
 * stands for (a slot of the registry's own capability table) and the
 * client that registered it; the allow list the admin (init) sets, which
 * names each client badge may register and which it may look up; and
 * each client's life (proto/registry.h), for the identity badges. No
 * system call here: main.c receives, mints and deletes the capabilities.
 *
 * A good name is 1..REG_NAME_MAX bytes of printable ASCII other than
 * space (0x21..0x7e): names reach the log.
 */
#ifndef TABLE_H
#define TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <proto/registry.h>

#define REG_TABLE_MAX   64      /* names */
#define REG_ALLOW_MAX   128     /* (badge, name) pairs */

struct reg_entry {
	char name[REG_NAME_MAX + 1];
	uint64_t slot;          /* the endpoint, in the registry's table */
	uint64_t owner;         /* badge of the client that registered it */
};

enum reg_allow_kind { REG_ALLOW_REGISTER, REG_ALLOW_LOOKUP };

struct reg_allow {
	char name[REG_NAME_MAX + 1];
	uint64_t badge;
	enum reg_allow_kind kind;
};

/* A server told of deaths: its notification (a slot of the registry's
 * table) and the bits to signal. */
struct reg_watch {
	uint64_t owner;
	uint64_t slot;
	uint64_t bits;
};

struct reg_table {
	struct reg_entry entry[REG_TABLE_MAX];  /* registration order */
	unsigned count;
	struct reg_watch watch[REG_TABLE_MAX];  /* at most one per owner */
	unsigned nwatch;
	struct reg_allow allow[REG_ALLOW_MAX];
	unsigned nallow;
	uint32_t life[REG_CLIENTS_MAX];         /* deaths of each client */
};

void reg_table_init(struct reg_table *t);

/* REG_OK when name is a good name (see above), else REG_E_BAD_NAME. */
enum reg_err reg_name_check(const char *name);

/* Admin (caller == REG_BADGE_ADMIN) lets client register name, or look
 * it up (kind). Allowing a pair twice is REG_OK. REG_E_NOT_ALLOWED for
 * anyone else, BAD_NAME, FULL when the allow list is. */
enum reg_err reg_table_allow(struct reg_table *t, uint64_t caller,
			     uint64_t client, const char *name,
			     enum reg_allow_kind kind);

/* Registers name for the endpoint in slot (UK_NO_CAP: REG_E_NO_CAP) on
 * behalf of owner; checked in this order: BAD_NAME, NO_CAP, NOT_ALLOWED
 * (the admin may register any name), EXISTS, FULL. On an error nothing
 * changed and the caller still owns slot. */
enum reg_err reg_table_register(struct reg_table *t, uint64_t owner,
				const char *name, uint64_t slot);

/* What reg_table_register would answer, changing nothing. */
enum reg_err reg_table_can_register(const struct reg_table *t,
				    uint64_t owner, const char *name,
				    uint64_t slot);

/* For client, the slot of name's endpoint in *slot and the badge its
 * copy gets in *badge (the client's identity): REG_OK, BAD_NAME,
 * NOT_ALLOWED (the admin may look up any name; a client only those it
 * was allowed, and only with a number below REG_CLIENTS_MAX), NOT_FOUND. */
enum reg_err reg_table_lookup(const struct reg_table *t, uint64_t client,
			      const char *name, uint64_t *slot,
			      uint64_t *badge);

/* REG_OK while the life of the client that identity badge names runs
 * (init allowed it a name, and has not said it died since); NOT_FOUND
 * for any other badge. */
enum reg_err reg_table_alive(const struct reg_table *t, uint64_t badge);

/* The name init let the client of a living identity badge register, in
 * out: REG_OK or NOT_FOUND (out empty). */
enum reg_err reg_table_who(const struct reg_table *t, uint64_t badge,
			   char out[REG_NAME_MAX + 1]);

/* The name of entry index (registration order, compacted when names are
 * forgotten) into out: REG_OK or REG_E_NOT_FOUND (out empty). */
enum reg_err reg_table_list(const struct reg_table *t, uint64_t index,
			    char out[REG_NAME_MAX + 1]);

/* owner, which has registered a name, is told of deaths from now on:
 * bits (not 0) on the notification in slot. A watch it had is replaced;
 * its slot goes to *old for the caller to delete (UK_NO_CAP-like ~0 when
 * none). REG_OK, BAD_REQUEST (bits 0), NOT_ALLOWED (no name of owner),
 * FULL; on an error nothing changed and the caller still owns slot. */
#define REG_NO_SLOT     (~0ull)
enum reg_err reg_table_watch(struct reg_table *t, uint64_t owner,
			     uint64_t slot, uint64_t bits, uint64_t *old);

/* Admin only: drops every name client registered (it died) and its
 * watch, stores their slots in slots[] (room for REG_FORGET_MAX), their
 * number in *n, for the caller to delete, and ends the client's life:
 * its identity badges are no longer alive. The allow list stays: a
 * restarted client registers again. REG_OK (also when it had none) or
 * NOT_ALLOWED. The watches left are the servers to tell. */
#define REG_FORGET_MAX  (REG_TABLE_MAX + 1)
enum reg_err reg_table_forget(struct reg_table *t, uint64_t caller,
			      uint64_t client, uint64_t slots[REG_FORGET_MAX],
			      unsigned *n);

#endif
