/*
 * The service registry: servers register a name with an endpoint
 * capability, clients look a name up and get the capability
 * (proto/registry.h). The loop: receive, check, do, reply.
 *
 * Its endpoint is in slot UK_SLOT_REGISTRY (init put it there with the
 * receive right). Each request may carry one capability, accepted into a
 * spare slot; a REGISTER that succeeds keeps it (an unbadged endpoint,
 * reduced to send, grant and mint rights), so does a WATCH (a
 * notification to signal on every death), anything else deletes it. A
 * LOOKUP's answer is a send copy minted with the client's identity
 * (proto/registry.h), deleted here once the reply carried it. The sender
 * is only ever known by the badge the kernel reports; labels and words
 * are checked.
 */
#include "table.h"
#include "regname.h"
#include "uk.h"
#include "ulib.h"

#define KEEP_RIGHTS     (UK_R_SEND | UK_R_GRANT | UK_R_MINT)
#define GIVE_RIGHTS     (UK_R_SEND | UK_R_GRANT)

static struct reg_table table;
static uint64_t spare;          /* empty slot for the next capability */
static uint64_t minted;         /* a LOOKUP's answer, until it is sent */

static void reply(struct uk_msg *m, enum reg_err err)
{
	*m = (struct uk_msg){ .label = err, .cap = UK_NO_CAP };
}

/*
 * Stores the endpoint in slot got for name, owned by badge. Returns the
 * error for the reply; REG_OK means the table holds the endpoint now
 * (in got, or in a new slot with fewer rights, got then deleted).
 */
static enum reg_err do_register(const char *name, uint64_t badge,
				uint64_t got)
{
	uint64_t type, rights, cbadge, slot = got;
	enum reg_err err;

	err = reg_table_can_register(&table, badge, name, got);
	if (err != REG_OK)
		return err;
	/* An endpoint I can mint identities on: unbadged, send and mint. */
	if (uk_cap_info(got, &type, &rights, &cbadge) != UK_OK ||
	    type != UK_CAP_ENDPOINT || cbadge != 0 ||
	    (rights & (UK_R_SEND | UK_R_MINT)) != (UK_R_SEND | UK_R_MINT))
		return REG_E_NO_CAP;
	if (rights & ~(uint64_t)KEEP_RIGHTS) {
		/* Never hand out a right to receive on someone's endpoint. */
		slot = uk_slot_alloc();
		if (slot == UK_NO_CAP)
			return REG_E_FULL;
		if (uk_cap_copy(got, slot, rights & KEEP_RIGHTS) != UK_OK) {
			uk_slot_free(slot);
			return REG_E_NO_CAP;
		}
	}
	/* Point of no return: the checks above make this succeed. */
	err = reg_table_register(&table, badge, name, slot);
	if (err != REG_OK)
		uk_abort("registry: table refused a checked entry");
	if (slot != got) {
		uk_cap_delete(got);
		uk_slot_free(got);
	}
	printf("registry: %s registered by 0x%lx\n", name, badge);
	uk_signal(REG_SLOT_NOTIFY, 1);  /* init may be waiting; else E_CAP */
	return REG_OK;
}

/* FORGET: client died. Its names and watch go; every server that
 * watches is told (a notification never blocks me). */
static void do_forget(struct uk_msg *m, uint64_t client)
{
	uint64_t slots[REG_FORGET_MAX];
	unsigned n;
	enum reg_err err;

	err = reg_table_forget(&table, m->badge, client, slots, &n);
	for (unsigned i = 0; i < n; i++) {
		uk_cap_delete(slots[i]);
		uk_slot_free(slots[i]);
	}
	if (n)
		printf("registry: forgot %u name(s) of 0x%lx\n", n, client);
	for (unsigned i = 0; err == REG_OK && i < table.nwatch; i++)
		uk_signal(table.watch[i].slot, table.watch[i].bits);
	reply(m, err);
}

/* WATCH: the notification in got (send right) and the bits in w0. */
static enum reg_err do_watch(const struct uk_msg *m, uint64_t got)
{
	uint64_t type, rights, badge, old;
	enum reg_err err;

	if (m->w[1] || m->w[2] || m->w[3])
		return REG_E_BAD_REQUEST;
	if (got == UK_NO_CAP || uk_cap_info(got, &type, &rights, &badge) !=
	    UK_OK || type != UK_CAP_NTFN || !(rights & UK_R_SEND))
		return REG_E_NO_CAP;
	err = reg_table_watch(&table, m->badge, got, m->w[0], &old);
	if (err == REG_OK && old != REG_NO_SLOT) {
		uk_cap_delete(old);
		uk_slot_free(old);
	}
	return err;
}

/* LOOKUP: name's endpoint, minted with the identity of client. */
static void do_lookup(struct uk_msg *m, const char *name)
{
	uint64_t slot, badge;
	enum reg_err err = reg_table_lookup(&table, m->badge, name, &slot,
					    &badge);

	if (err == REG_OK && (minted == UK_NO_CAP ||
	    uk_cap_mint(slot, minted, GIVE_RIGHTS, badge) != UK_OK))
		err = REG_E_FULL;
	reply(m, err);
	if (err == REG_OK)
		m->cap = minted;
}

/* ALIVE and WHO: what an identity badge (w0) names. */
static void do_identity(struct uk_msg *m, uint64_t op)
{
	char name[REG_NAME_MAX + 1];
	uint64_t badge = m->w[0];

	if (m->w[1] || m->w[2] || m->w[3]) {
		reply(m, REG_E_BAD_REQUEST);
		return;
	}
	if (op == REG_OP_ALIVE) {
		reply(m, reg_table_alive(&table, badge));
		return;
	}
	reply(m, reg_table_who(&table, badge, name));
	if (m->label == REG_OK)
		reg_name_pack(name, m->w);
}

/*
 * Answers the request in *m (sender m->badge; got: the slot of the
 * capability it carried, or UK_NO_CAP) by rewriting *m into the reply.
 * Returns whether got is now kept in the table.
 */
static int handle(struct uk_msg *m, uint64_t got)
{
	uint64_t op = m->label & 0xffff, arg = m->label >> 16;
	char name[REG_NAME_MAX + 1];
	enum reg_err err;

	if (got != UK_NO_CAP && op != REG_OP_REGISTER && op != REG_OP_WATCH) {
		reply(m, REG_E_BAD_REQUEST);
		return 0;
	}
	switch (op) {
	case REG_OP_REGISTER:
	case REG_OP_LOOKUP:
	case REG_OP_ALLOW:
	case REG_OP_ALLOW_LOOKUP:
		if (arg && op != REG_OP_ALLOW && op != REG_OP_ALLOW_LOOKUP)
			break;
		if (reg_name_unpack(m->w, name) != REG_OK) {
			reply(m, REG_E_BAD_NAME);
			return 0;
		}
		if (op == REG_OP_REGISTER) {
			if (got == UK_NO_CAP && spare == UK_NO_CAP)
				err = REG_E_FULL;       /* no slot to take it */
			else
				err = do_register(name, m->badge, got);
			reply(m, err);
			return err == REG_OK;
		}
		if (op == REG_OP_ALLOW || op == REG_OP_ALLOW_LOOKUP) {
			reply(m, reg_table_allow(&table, m->badge, arg, name,
						 op == REG_OP_ALLOW ?
						 REG_ALLOW_REGISTER :
						 REG_ALLOW_LOOKUP));
			return 0;
		}
		do_lookup(m, name);
		return 0;
	case REG_OP_ALIVE:
	case REG_OP_WHO:
		if (arg)
			break;
		do_identity(m, op);
		return 0;
	case REG_OP_LIST:
		if (arg || m->w[1] || m->w[2] || m->w[3])
			break;
		err = reg_table_list(&table, m->w[0], name);
		reply(m, err);
		if (err == REG_OK)
			reg_name_pack(name, m->w);
		return 0;
	case REG_OP_FORGET:
		if (m->w[0] || m->w[1] || m->w[2] || m->w[3])
			break;
		do_forget(m, arg);
		return 0;
	case REG_OP_WATCH:
		if (arg)
			break;
		err = do_watch(m, got);
		reply(m, err);
		return err == REG_OK;
	}
	reply(m, REG_E_BAD_REQUEST);
	return 0;
}

int main(uint64_t arg)
{
	struct uk_msg m;
	enum uk_err e;

	(void)arg;
	printf_log_only();      /* a lookup would be a call to myself */
	reg_table_init(&table);
	spare = uk_slot_alloc();
	minted = uk_slot_alloc();
	printf("registry: ready\n");
	e = uk_recv_rcv(UK_SLOT_REGISTRY, &m, spare);
	for (;;) {
		uint64_t got = m.cap;

		if (e != UK_OK) {
			printf("registry: receive: %s\n", uk_strerror(e));
			if (e == UK_E_CAP || e == UK_E_TYPE || e == UK_E_RIGHTS)
				return 1;       /* no endpoint to serve */
			e = uk_recv_rcv(UK_SLOT_REGISTRY, &m, spare);
			continue;
		}
		if (got != UK_NO_CAP && got != spare) {
			/* Not where we asked for it: leave that slot alone. */
			printf("registry: capability arrived in slot %lu\n", got);
			got = UK_NO_CAP;
		}
		if (handle(&m, got)) {
			spare = uk_slot_alloc();
		} else if (got != UK_NO_CAP) {
			uk_cap_delete(got);
		}
		e = uk_reply_recv_rcv(UK_SLOT_REGISTRY, &m, spare);
		uk_cap_delete(minted);  /* the client has its copy, or none */
	}
}
