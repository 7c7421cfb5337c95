#include "regclient.h"
#include "rpc.h"
#include "uk.h"
#include "ulib.h"

/* One request to the registry. */
static int reg_call(struct uk_msg *m, uint64_t rcv_slot)
{
	return rpc_call(UK_SLOT_REGISTRY, m, rcv_slot, REG_E_MAX);
}

int reg_register(const char *name, uint64_t ep_slot)
{
	struct uk_msg m = { .label = REG_OP_REGISTER, .cap = ep_slot };

	if (reg_name_pack(name, m.w) != REG_OK)
		return REG_E_BAD_NAME;
	return reg_call(&m, UK_NO_CAP);
}

uint64_t reg_serve(const char *name)
{
	uint64_t ep = uk_slot_alloc();
	int r;

	if (ep == UK_NO_CAP || uk_obj_create(ep, UK_CAP_ENDPOINT) != UK_OK) {
		eprintf("%s: cannot create my endpoint\n", name);
		return UK_NO_CAP;
	}
	r = reg_register(name, ep);
	if (r != REG_OK) {
		eprintf("%s: register: %s\n", name, reg_strerror(r));
		uk_cap_delete(ep);
		uk_slot_free(ep);
		return UK_NO_CAP;
	}
	return ep;
}

int reg_lookup(const char *name, uint64_t dst_slot)
{
	struct uk_msg m = { .label = REG_OP_LOOKUP, .cap = UK_NO_CAP };
	int r;

	if (reg_name_pack(name, m.w) != REG_OK)
		return REG_E_BAD_NAME;
	r = reg_call(&m, dst_slot);
	if (r == REG_OK && m.cap == UK_NO_CAP)
		return -(int)UK_E_BUSY;         /* dst_slot could not take it */
	return r;
}

int reg_lookup_wait(const char *name, uint64_t dst_slot, unsigned tries)
{
	int r = reg_lookup(name, dst_slot);

	while (r == REG_E_NOT_FOUND && tries-- > 1) {
		uk_yield();
		r = reg_lookup(name, dst_slot);
	}
	return r;
}

/* A request of op with w0 whose answer is a name, into out. */
static int reg_name_of(enum reg_op op, uint64_t w0,
		       char out[REG_NAME_MAX + 1])
{
	struct uk_msg m = { .label = op, .w = { w0 }, .cap = UK_NO_CAP };
	int r = reg_call(&m, UK_NO_CAP);

	out[0] = '\0';
	if (r != REG_OK)
		return r;
	if (reg_name_unpack(m.w, out) != REG_OK)
		return -(int)UK_E_ARG;
	return REG_OK;
}

int reg_list(uint64_t index, char out[REG_NAME_MAX + 1])
{
	return reg_name_of(REG_OP_LIST, index, out);
}

/* Labels of the admin requests: the operation and a client's badge. */
static int reg_admin(enum reg_op op, uint64_t badge, const char *name)
{
	struct uk_msg m = { .label = op | (badge << 16), .cap = UK_NO_CAP };

	if (badge >> 48)
		return REG_E_BAD_REQUEST;       /* does not fit the label */
	if (name && reg_name_pack(name, m.w) != REG_OK)
		return REG_E_BAD_NAME;
	return reg_call(&m, UK_NO_CAP);
}

int reg_allow(uint64_t badge, const char *name)
{
	return reg_admin(REG_OP_ALLOW, badge, name);
}

int reg_forget(uint64_t badge)
{
	return reg_admin(REG_OP_FORGET, badge, NULL);
}

int reg_watch(uint64_t ntfn, uint64_t bits)
{
	struct uk_msg m = { .label = REG_OP_WATCH, .w = { bits },
			    .cap = ntfn };

	return reg_call(&m, UK_NO_CAP);
}

int reg_watch_deaths(const char *name, uint64_t *ntfn, uint64_t bits)
{
	int r = -(int)UK_E_NOMEM;

	if (*ntfn == UK_NO_CAP) {
		uint64_t n = uk_slot_alloc();

		if (n != UK_NO_CAP &&
		    uk_obj_create(n, UK_CAP_NTFN) == UK_OK &&
		    uk_ntfn_bind(n) == UK_OK)
			*ntfn = n;
	}
	if (*ntfn != UK_NO_CAP)
		r = reg_watch(*ntfn, bits);
	if (r != REG_OK)
		eprintf("%s: no death notices (%s): dead clients' sessions "
			"end when they are needed\n", name, reg_strerror(r));
	return r;
}

int reg_allow_lookup(uint64_t badge, const char *name)
{
	return reg_admin(REG_OP_ALLOW_LOOKUP, badge, name);
}

int reg_alive(uint64_t badge)
{
	struct uk_msg m = { .label = REG_OP_ALIVE, .w = { badge },
			    .cap = UK_NO_CAP };

	return reg_call(&m, UK_NO_CAP);
}

int reg_client_alive(uint64_t badge)
{
	return reg_alive(badge) != REG_E_NOT_FOUND;
}

int reg_who(uint64_t badge, char out[REG_NAME_MAX + 1])
{
	return reg_name_of(REG_OP_WHO, badge, out);
}

const char *reg_strerror(int r)
{
	static const char *const names[] = {
		[REG_OK] = "REG_OK",
		[REG_E_BAD_REQUEST] = "REG_E_BAD_REQUEST",
		[REG_E_BAD_NAME] = "REG_E_BAD_NAME",
		[REG_E_NOT_ALLOWED] = "REG_E_NOT_ALLOWED",
		[REG_E_EXISTS] = "REG_E_EXISTS",
		[REG_E_NOT_FOUND] = "REG_E_NOT_FOUND",
		[REG_E_NO_CAP] = "REG_E_NO_CAP",
		[REG_E_FULL] = "REG_E_FULL",
	};

	_Static_assert(sizeof names / sizeof *names == REG_E_MAX, "names");
	return rpc_strerror(r, names, REG_E_MAX);
}
