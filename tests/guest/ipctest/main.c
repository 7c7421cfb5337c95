/*
 * ipctest: the in-guest IPC test, against the echo service. Message
 * order, badges, capability transfer, every kernel error code, and
 * containment: a call to a server that dies returns UK_E_DEAD, and the
 * restarted server is found again by name. Prints `utest ipc: ok`.
 */
#include <proto/echo.h>
#include "check.h"
#include "regclient.h"
#include "victim.h"
#include "umap.h"

static struct uk_msg msg(uint64_t label, uint64_t w0)
{
	return (struct uk_msg){ .label = label, .cap = UK_NO_CAP,
				.w = { w0, w0 + 1, w0 + 2, w0 + 3 } };
}

static void ordering(uint64_t echo)
{
	for (uint64_t i = 0; i < 1000; i++) {
		struct uk_msg m = msg(ECHO_OP_ECHO, i * 4);
		enum uk_err e = uk_call(echo, &m);

		CHECK(e == UK_OK && m.label == ECHO_OK && m.w[0] == i * 4 &&
		      m.w[3] == i * 4 + 3, "echo %lu: %s", i, uk_strerror(e));
		if (check_failures)
			return;
	}
}

static void badges(uint64_t echo)
{
	uint64_t b = uk_slot_alloc(), me, type, rights, badge;
	const uint64_t b42 = 42 | REG_SERVER_BADGE_BIT;
	struct uk_msg m = msg(ECHO_OP_MINT, 42);
	char name[REG_NAME_MAX + 1];

	CHECK(uk_call_rcv(echo, &m, b) == UK_OK && m.label == ECHO_OK &&
	      m.cap == b, "mint: label %lu cap %lu", m.label, m.cap);
	CHECK(uk_cap_info(b, &type, &rights, &badge) == UK_OK &&
	      type == UK_CAP_ENDPOINT && rights == UK_R_SEND && badge == b42,
	      "minted cap: type %lu rights %lu badge %lu", type, rights, badge);
	m = msg(ECHO_OP_WHO, 0);
	CHECK(uk_call(b, &m) == UK_OK && m.w[0] == b42, "badge seen %lu",
	      m.w[0]);
	/* The registry's copy carries my identity: alive, and my name. */
	m = msg(ECHO_OP_WHO, 0);
	CHECK(uk_call(echo, &m) == UK_OK && m.w[0] != 0 &&
	      !(m.w[0] & REG_SERVER_BADGE_BIT), "identity badge %lx", m.w[0]);
	me = m.w[0];
	EXPECT(reg_alive(me), REG_OK);
	CHECK(reg_who(me, name) == REG_OK && strcmp(name, "ipctest") == 0,
	      "who: %s", name);
	EXPECT(reg_alive(me + (1ull << 24)), REG_E_NOT_FOUND);
	EXPECT(reg_alive(me | REG_SERVER_BADGE_BIT), REG_E_NOT_FOUND);
	EXPECT(reg_alive(b42), REG_E_NOT_FOUND);
	/* A badged cap cannot be re-badged. */
	CHECK(uk_cap_mint(b, uk_slot_alloc(), UK_R_SEND, 7) == UK_E_ARG,
	      "re-mint");
	uk_cap_delete(b);
}

static void transfer(uint64_t echo)
{
	uint64_t n = uk_slot_alloc(), weak = uk_slot_alloc(), bits = 0;
	struct uk_msg m = msg(ECHO_OP_SIGNAL, 0x5);

	CHECK(uk_obj_create(n, UK_CAP_NTFN) == UK_OK, "ntfn");
	m.cap = n;
	CHECK(uk_call(echo, &m) == UK_OK && m.label == ECHO_OK,
	      "signal via echo: %lu", m.label);
	CHECK(uk_poll(n, &bits) == UK_OK && bits == 0x5, "bits %lx", bits);
	/* Without the grant right the capability cannot travel. */
	CHECK(uk_cap_copy(echo, weak, UK_R_SEND) == UK_OK, "copy");
	m = msg(ECHO_OP_SIGNAL, 1);
	m.cap = n;
	CHECK(uk_call(weak, &m) == UK_E_RIGHTS, "grant needed");
	/* Without a cap, echo answers with its own error. */
	m = msg(ECHO_OP_SIGNAL, 1);
	CHECK(uk_call(echo, &m) == UK_OK && m.label == ECHO_E_NO_CAP,
	      "no cap: %lu", m.label);
	m = msg(999, 0);
	CHECK(uk_call(echo, &m) == UK_OK && m.label == ECHO_E_BAD_REQUEST,
	      "bad label: %lu", m.label);
}

static void errors(uint64_t echo)
{
	uint64_t n = uk_slot_alloc(), s = uk_slot_alloc(), bits, slots[20];
	struct uk_msg m = msg(ECHO_OP_ECHO, 0);
	unsigned made = 0;
	enum uk_err e;

	CHECK(uk_syscall(UK_SYS_NONE, 0, 0, 0, 0, 0, 0) == UK_E_SYSCALL, "none");
	CHECK(uk_syscall(999, 0, 0, 0, 0, 0, 0) == UK_E_SYSCALL, "999");
	CHECK(uk_call(60, &m) == UK_E_CAP, "empty slot");
	CHECK(uk_call(100000, &m) == UK_E_CAP, "slot out of range");
	CHECK(uk_obj_create(n, UK_CAP_NTFN) == UK_OK, "ntfn");
	CHECK(uk_call(n, &m) == UK_E_TYPE, "wrong type");
	CHECK(uk_cap_copy(echo, s, UK_R_RECV) == UK_OK, "copy");
	CHECK(uk_call(s, &m) == UK_E_RIGHTS, "no send right");
	CHECK(uk_recv(echo, &m) == UK_E_RIGHTS, "no receive right");
	CHECK(uk_obj_create(n, UK_CAP_NTFN) == UK_E_BUSY, "slot busy");
	CHECK(uk_obj_create(uk_slot_alloc(), 99) == UK_E_ARG, "bad type");
	CHECK(uk_mem_alloc(uk_slot_alloc(), 0) == UK_E_ARG, "0 pages");
	CHECK(uk_mem_map(UK_SELF, 60, UMAP_BUF, UK_R_READ) == UK_E_CAP,
	      "map nothing");
	CHECK(uk_poll(n, &bits) == UK_E_AGAIN, "poll empty");
	m = msg(0, 0);
	CHECK(uk_reply(&m) == UK_E_NOREPLY, "reply to nobody");
	CHECK(uk_proc_create(uk_slot_alloc(), echo, 1, 0) == UK_E_RIGHTS,
	      "no control: create");
	CHECK(uk_machine_exit(UK_SLOT_INIT_CONTROL, 9) != UK_OK,
	      "no control: exit");
	/* The object quota. */
	do {
		slots[made] = uk_slot_alloc();
		e = uk_obj_create(slots[made], UK_CAP_NTFN);
	} while (e == UK_OK && ++made < 20);
	CHECK(e == UK_E_NOMEM, "quota: %s after %u", uk_strerror(e), made);
	for (unsigned i = 0; i < made; i++)
		uk_cap_delete(slots[i]);
	CHECK(uk_obj_create(slots[0], UK_CAP_NTFN) == UK_OK, "quota back");
	uk_cap_delete(slots[0]);
	/* Memory: map twice at one place, unaligned. */
	uint64_t r = uk_slot_alloc();
	CHECK(uk_mem_alloc(r, 2) == UK_OK, "alloc");
	CHECK(uk_mem_map(UK_SELF, r, UMAP_BUF + 1, UK_R_READ) == UK_E_ARG,
	      "unaligned");
	CHECK(uk_mem_map(UK_SELF, r, UMAP_BUF, UK_R_READ | UK_R_WRITE) ==
	      UK_OK, "map");
	CHECK(uk_mem_map(UK_SELF, r, UMAP_BUF + 0x1000, UK_R_READ) == UK_E_BUSY,
	      "overlap");
	*(volatile uint64_t *)(UMAP_BUF + 0x1ff8) = 77;
	CHECK(uk_mem_unmap(UK_SELF, UMAP_BUF, 2) == UK_OK, "unmap");
}

/* A bound notification ends a receive on my own endpoint. */
static void bound(void)
{
	uint64_t ep = uk_slot_alloc(), n = uk_slot_alloc();
	struct uk_msg m;

	CHECK(uk_obj_create(ep, UK_CAP_ENDPOINT) == UK_OK &&
	      uk_obj_create(n, UK_CAP_NTFN) == UK_OK, "objects");
	CHECK(uk_ntfn_bind(n) == UK_OK, "bind");
	CHECK(uk_signal(n, 0x41) == UK_OK, "signal");
	CHECK(uk_recv(ep, &m) == UK_OK && m.label == UK_LABEL_NOTIFY &&
	      m.w[0] == 0x41, "receive: label 0x%lx bits 0x%lx", m.label,
	      m.w[0]);
	CHECK(uk_ntfn_bind(UK_NO_CAP) == UK_OK, "unbind");
	uk_cap_delete(n);
	uk_cap_delete(ep);
}

/* A call into a server that dies (the victim service, which faults when
 * asked) gets UK_E_DEAD; init restarts it and it is found again. */
static void containment(void)
{
	uint64_t v = uk_slot_alloc();
	struct uk_msg m = msg(VICTIM_OP_CRASH, 0);
	enum uk_err e = UK_E_DEAD;
	int r = reg_lookup("victim", v);

	CHECK(r == REG_OK, "lookup victim: %s", reg_strerror(r));
	if (r != REG_OK)
		return;
	e = uk_call(v, &m);
	CHECK(e == UK_E_DEAD, "call into a dying server: %s", uk_strerror(e));
	m = msg(VICTIM_OP_ECHO, 5);
	CHECK(uk_call(v, &m) == UK_E_DEAD, "the old endpoint is dead");
	uk_cap_delete(v);
	/* init restarts the victim and it registers again; until the
	 * registry forgets the old one, a lookup may find the dead one. */
	for (int tries = 0; tries < 1000; tries++) {
		r = reg_lookup("victim", v);
		if (r == REG_OK) {
			m = msg(VICTIM_OP_ECHO, 5);
			e = uk_call(v, &m);
			if (e == UK_OK)
				break;
			uk_cap_delete(v);
		}
		uk_yield();
	}
	CHECK(r == REG_OK && e == UK_OK && m.w[0] == 5,
	      "restarted victim: %s, %s", reg_strerror(r), uk_strerror(e));
}

/* A rights mask or flag word with a bit outside its defined set is
 * refused with UK_E_ARG, and nothing changes; the whole set still works. */
static void unknown_bits(uint64_t echo)
{
	enum uk_err e;
	uint64_t s = uk_slot_alloc(), g = uk_slot_alloc(), type, rights, badge;
	uint64_t own = uk_slot_alloc();
	const uint64_t va = UMAP_BUF + 0x1000000;
	static const char line[] = "ipctest: unknown flag\n";

	CHECK(uk_obj_create(own, UK_CAP_ENDPOINT) == UK_OK, "endpoint");
	CHECK(uk_cap_copy(echo, s, UK_R_SEND | 0x80) == UK_E_ARG, "copy: 0x80");
	CHECK(uk_cap_copy(echo, s, 0x100) == UK_E_ARG, "copy: 0x100");
	CHECK(uk_cap_mint(own, s, UK_R_SEND | 0x80, 5) == UK_E_ARG,
	      "mint: 0x80");
	CHECK(uk_cap_give(UK_SELF, echo, s, 1ull << 63) == UK_E_ARG,
	      "give: bit 63");
	CHECK(uk_cap_info(s, &type, &rights, &badge) == UK_E_CAP,
	      "refused copies left the slot empty");
	CHECK(uk_cap_mint(own, s, UK_R_ALL, 5) == UK_OK, "mint: UK_R_ALL");
	uk_cap_delete(s);
	CHECK(uk_cap_give(UK_SELF, echo, s, UK_R_ALL) == UK_OK,
	      "give: UK_R_ALL");
	uk_cap_delete(s);
	/* The registry's copy of a server's endpoint mints nothing: it is
	 * badged with my identity, and has no MINT right. */
	e = uk_cap_mint(echo, s, UK_R_SEND, 5);
	CHECK(e == UK_E_ARG || e == UK_E_RIGHTS, "mint on echo's endpoint: %s",
	      uk_strerror(e));
	uk_cap_delete(own);
	uk_slot_free(own);

	CHECK(uk_mem_alloc(g, 1) == UK_OK, "alloc");
	CHECK(uk_mem_map(UK_SELF, g, va, UK_R_READ | UK_R_SEND) == UK_E_ARG,
	      "map: an endpoint right");
	CHECK(uk_mem_map(UK_SELF, g, va, UK_R_READ | 0x40) == UK_E_ARG,
	      "map: 0x40");
	CHECK(uk_mem_map(UK_SELF, g, va, UK_R_READ | UK_R_WRITE) == UK_OK,
	      "map after the refusals: nothing was mapped");
	CHECK(uk_mem_unmap(UK_SELF, va, 1) == UK_OK, "unmap");
	uk_cap_delete(g);

	CHECK(uk_syscall(UK_SYS_DEBUG_WRITE, 2, (uintptr_t)line,
			 sizeof line - 1, 0, 0, 0) == UK_E_ARG, "debug write: 2");
	CHECK(uk_syscall(UK_SYS_DEBUG_WRITE, 1ull << 32 | UK_DEBUG_ALWAYS,
			 (uintptr_t)line, sizeof line - 1, 0, 0, 0) == UK_E_ARG,
	      "debug write: bit 32");
	CHECK(uk_syscall(UK_SYS_DEBUG_WRITE, UK_DEBUG_ALWAYS, (uintptr_t)line,
			 0, 0, 0, 0) == UK_OK, "debug write: UK_DEBUG_ALWAYS");
	uk_slot_free(s);
	uk_slot_free(g);
}

int main(uint64_t arg)
{
	uint64_t echo = uk_slot_alloc();
	int r = reg_lookup("echo", echo);

	(void)arg;
	CHECK(r == REG_OK, "lookup echo: %s", reg_strerror(r));
	if (!check_failures) {
		ordering(echo);
		badges(echo);
		transfer(echo);
		errors(echo);
		bound();
		unknown_bits(echo);
		containment();
	}
	return check_verdict("ipc");
}
