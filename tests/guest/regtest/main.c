/*
 * regtest: the registry's error paths, from a client the manifest allows
 * to register only the name "regtest". Prints `utest registry: ok`.
 */
#include <proto/registry.h>
#include "check.h"
#include "regclient.h"
#include "rpc.h"

/* A raw request to the registry: label, words, optional cap. */
static int raw(uint64_t label, const uint64_t w[4], uint64_t cap)
{
	struct uk_msg m = { .label = label, .cap = cap,
			    .w = { w[0], w[1], w[2], w[3] } };

	return rpc_call(UK_SLOT_REGISTRY, &m, UK_NO_CAP, REG_E_MAX);
}

int main(uint64_t arg)
{
	uint64_t ep = uk_slot_alloc(), got = uk_slot_alloc(), w[4];
	uint64_t other = uk_slot_alloc();
	char name[REG_NAME_MAX + 1];
	int found = 0;

	(void)arg;
	check_names = reg_strerror;
	uk_obj_create(ep, UK_CAP_ENDPOINT);
	/* Death notices: for servers only, on a notification. */
	uk_obj_create(other, UK_CAP_NTFN);
	EXPECT(reg_watch(other, 1), REG_E_NOT_ALLOWED);
	EXPECT(reg_watch(UK_NO_CAP, 1), REG_E_NO_CAP);
	uk_cap_delete(other);
	EXPECT(reg_register("echo", ep), REG_E_NOT_ALLOWED);
	/* Registering takes an unbadged endpoint the registry may mint
	 * identities on. */
	uk_cap_copy(ep, other, UK_R_SEND | UK_R_GRANT);
	EXPECT(reg_register("regtest", other), REG_E_NO_CAP);
	uk_cap_delete(other);
	uk_cap_mint(ep, other, UK_R_ALL, 77);
	EXPECT(reg_register("regtest", other), REG_E_NO_CAP);
	uk_cap_delete(other);
	EXPECT(reg_register("regtest", ep), REG_OK);
	EXPECT(reg_register("regtest", ep), REG_E_EXISTS);
	EXPECT(reg_watch(ep, 1), REG_E_NO_CAP);         /* no notification */
	uk_obj_create(other, UK_CAP_NTFN);
	EXPECT(reg_watch(other, 0), REG_E_BAD_REQUEST);
	EXPECT(reg_watch(other, 1), REG_OK);
	uk_cap_delete(other);
	/* Lookups: only the names init allowed (regtest.uses: regtest,
	 * regtest2), whether registered or not. */
	EXPECT(reg_lookup("nosuchservice", got), REG_E_NOT_ALLOWED);
	EXPECT(reg_lookup("echo", got), REG_E_NOT_ALLOWED);
	EXPECT(reg_lookup("regtest2", got), REG_E_NOT_FOUND);
	EXPECT(reg_lookup("regtest", got), REG_OK);
	EXPECT(reg_lookup("", got), REG_E_BAD_NAME);
	EXPECT(reg_lookup("a-name-that-is-longer-than-32-byt", got),
	       REG_E_BAD_NAME);
	/* Raw messages a library would never send. */
	w[0] = 0x41; w[1] = 0; w[2] = 0x42; w[3] = 0;   /* bytes after NUL */
	EXPECT(raw(REG_OP_LOOKUP, w, UK_NO_CAP), REG_E_BAD_NAME);
	reg_name_pack("regtest2", w);
	EXPECT(raw(REG_OP_REGISTER, w, UK_NO_CAP), REG_E_NO_CAP);
	EXPECT(raw(REG_OP_LOOKUP, w, ep), REG_E_BAD_REQUEST);
	EXPECT(raw(99, w, UK_NO_CAP), REG_E_BAD_REQUEST);
	EXPECT(raw(REG_OP_NONE, w, UK_NO_CAP), REG_E_BAD_REQUEST);
	EXPECT(reg_allow(12345, "regtest2"), REG_E_NOT_ALLOWED);
	EXPECT(reg_allow_lookup(12345, "echo"), REG_E_NOT_ALLOWED);

	EXPECT(reg_forget(12345), REG_E_NOT_ALLOWED);
	for (uint64_t i = 0; reg_list(i, name) == REG_OK; i++)
		found |= strcmp(name, "regtest") == 0;
	CHECK(found, "list does not show regtest");
	return check_verdict("registry");
}
