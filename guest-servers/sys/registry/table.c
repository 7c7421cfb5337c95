#include "table.h"

#include <stdbool.h>
#include <ukern/abi.h>

/* Length of a good name, or 0. */
static size_t good_len(const char *name)
{
	size_t n = 0;

	for (; n <= REG_NAME_MAX && name[n]; n++)
		if ((unsigned char)name[n] < 0x21 ||
		    (unsigned char)name[n] > 0x7e)
			return 0;
	return n <= REG_NAME_MAX ? n : 0;
}

static bool same(const char *a, const char *b)
{
	for (size_t i = 0; i <= REG_NAME_MAX; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static void copy_name(char *dst, const char *src)
{
	size_t i = 0;

	for (; i < REG_NAME_MAX && src[i]; i++)
		dst[i] = src[i];
	for (; i <= REG_NAME_MAX; i++)
		dst[i] = '\0';
}

void reg_table_init(struct reg_table *t)
{
	t->count = 0;
	t->nwatch = 0;
	t->nallow = 0;
	for (unsigned i = 0; i < REG_CLIENTS_MAX; i++)
		t->life[i] = 0;
}

enum reg_err reg_name_check(const char *name)
{
	return good_len(name) ? REG_OK : REG_E_BAD_NAME;
}

static bool allowed(const struct reg_table *t, uint64_t client,
		    const char *name, enum reg_allow_kind kind)
{
	if (client == REG_BADGE_ADMIN)
		return true;
	for (unsigned i = 0; i < t->nallow; i++)
		if (t->allow[i].badge == client && t->allow[i].kind == kind &&
		    same(t->allow[i].name, name))
			return true;
	return false;
}

enum reg_err reg_table_allow(struct reg_table *t, uint64_t caller,
			     uint64_t client, const char *name,
			     enum reg_allow_kind kind)
{
	if (caller != REG_BADGE_ADMIN)
		return REG_E_NOT_ALLOWED;
	if (!good_len(name))
		return REG_E_BAD_NAME;
	if (allowed(t, client, name, kind))
		return REG_OK;
	if (t->nallow == REG_ALLOW_MAX)
		return REG_E_FULL;
	copy_name(t->allow[t->nallow].name, name);
	t->allow[t->nallow].badge = client;
	t->allow[t->nallow].kind = kind;
	t->nallow++;
	return REG_OK;
}

static int find(const struct reg_table *t, const char *name)
{
	for (unsigned i = 0; i < t->count; i++)
		if (same(t->entry[i].name, name))
			return (int)i;
	return -1;
}

enum reg_err reg_table_can_register(const struct reg_table *t,
				    uint64_t owner, const char *name,
				    uint64_t slot)
{
	if (!good_len(name))
		return REG_E_BAD_NAME;
	if (slot == UK_NO_CAP)
		return REG_E_NO_CAP;
	if (!allowed(t, owner, name, REG_ALLOW_REGISTER))
		return REG_E_NOT_ALLOWED;
	if (find(t, name) >= 0)
		return REG_E_EXISTS;
	if (t->count == REG_TABLE_MAX)
		return REG_E_FULL;
	return REG_OK;
}

enum reg_err reg_table_register(struct reg_table *t, uint64_t owner,
				const char *name, uint64_t slot)
{
	enum reg_err err = reg_table_can_register(t, owner, name, slot);
	struct reg_entry *e;

	if (err != REG_OK)
		return err;
	e = &t->entry[t->count++];
	copy_name(e->name, name);
	e->slot = slot;
	e->owner = owner;
	return REG_OK;
}

enum reg_err reg_table_lookup(const struct reg_table *t, uint64_t client,
			      const char *name, uint64_t *slot,
			      uint64_t *badge)
{
	int i;

	if (!good_len(name))
		return REG_E_BAD_NAME;
	if (client != REG_BADGE_ADMIN && (client >= REG_CLIENTS_MAX ||
	    !allowed(t, client, name, REG_ALLOW_LOOKUP)))
		return REG_E_NOT_ALLOWED;
	i = find(t, name);
	if (i < 0)
		return REG_E_NOT_FOUND;
	*slot = t->entry[i].slot;
	*badge = client == REG_BADGE_ADMIN ? client :
		 REG_CLIENT_BADGE(client, t->life[client]);
	return REG_OK;
}

/* The allow-list entry that names the client of badge (its own name),
 * when that badge is a living identity; else NULL. */
static const struct reg_allow *living(const struct reg_table *t,
				      uint64_t badge)
{
	uint64_t client = REG_BADGE_CLIENT(badge);

	if (client >= REG_CLIENTS_MAX || REG_BADGE_LIFE(badge) != t->life[client])
		return NULL;
	for (unsigned i = 0; i < t->nallow; i++)
		if (t->allow[i].badge == client &&
		    t->allow[i].kind == REG_ALLOW_REGISTER)
			return &t->allow[i];
	return NULL;
}

enum reg_err reg_table_alive(const struct reg_table *t, uint64_t badge)
{
	return living(t, badge) ? REG_OK : REG_E_NOT_FOUND;
}

enum reg_err reg_table_who(const struct reg_table *t, uint64_t badge,
			   char out[REG_NAME_MAX + 1])
{
	const struct reg_allow *a = living(t, badge);

	if (!a) {
		out[0] = '\0';
		return REG_E_NOT_FOUND;
	}
	copy_name(out, a->name);
	return REG_OK;
}

enum reg_err reg_table_list(const struct reg_table *t, uint64_t index,
			    char out[REG_NAME_MAX + 1])
{
	if (index >= t->count) {
		out[0] = '\0';
		return REG_E_NOT_FOUND;
	}
	copy_name(out, t->entry[index].name);
	return REG_OK;
}

enum reg_err reg_table_watch(struct reg_table *t, uint64_t owner,
			     uint64_t slot, uint64_t bits, uint64_t *old)
{
	unsigned i;
	bool named = false;

	*old = REG_NO_SLOT;
	if (bits == 0)
		return REG_E_BAD_REQUEST;
	for (i = 0; i < t->count && !named; i++)
		named = t->entry[i].owner == owner;
	if (!named)
		return REG_E_NOT_ALLOWED;
	for (i = 0; i < t->nwatch && t->watch[i].owner != owner; i++)
		;
	if (i == t->nwatch && t->nwatch == REG_TABLE_MAX)
		return REG_E_FULL;
	if (i == t->nwatch)
		t->nwatch++;
	else
		*old = t->watch[i].slot;
	t->watch[i] = (struct reg_watch){ owner, slot, bits };
	return REG_OK;
}

enum reg_err reg_table_forget(struct reg_table *t, uint64_t caller,
			      uint64_t client, uint64_t slots[REG_FORGET_MAX],
			      unsigned *n)
{
	unsigned kept = 0;

	*n = 0;
	if (caller != REG_BADGE_ADMIN)
		return REG_E_NOT_ALLOWED;
	for (unsigned i = 0; i < t->count; i++) {
		if (t->entry[i].owner == client)
			slots[(*n)++] = t->entry[i].slot;
		else if (kept++ != i)
			t->entry[kept - 1] = t->entry[i];
	}
	t->count = kept;
	kept = 0;
	for (unsigned i = 0; i < t->nwatch; i++) {
		if (t->watch[i].owner == client)
			slots[(*n)++] = t->watch[i].slot;
		else if (kept++ != i)
			t->watch[kept - 1] = t->watch[i];
	}
	t->nwatch = kept;
	if (client < REG_CLIENTS_MAX)
		t->life[client]++;
	return REG_OK;
}
