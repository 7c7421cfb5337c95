/*
 * attack: an ordinary program that tries, as a hostile user would, to
 * reach what it was not given, and says for each attack `attack NAME:
 * held` or `attack NAME: BROKEN (what happened)`. init starts it like
 * any other program; tests/system/attack.sh fails on any line that did
 * not hold. The argument picks a round:
 *   0  every attack that finishes in one life (forged badges, lookups
 *      it is not allowed, page tables, fragmentation, regions, net
 *      notifiers, echo's crash, a console line tagged as someone else)
 *   1  takes every session of fs, console and net it can, says how
 *      many, then faults: run with restarts=N, each life must get as
 *      many as the first (a dead client's sessions come back)
 */
#include <proto/console.h>
#include <proto/echo.h>
#include <proto/net.h>
#include "fsclient.h"
#include "regclient.h"
#include "rpc.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

static int broken;

static void verdict(const char *name, int held, const char *what)
{
	if (held) {
		eprintf("attack %s: held\n", name);
		return;
	}
	eprintf("attack %s: BROKEN (%s)\n", name, what);
	broken++;
}

/* The service called name in a new slot, or UK_NO_CAP. */
static uint64_t find(const char *name)
{
	uint64_t slot = uk_slot_alloc();

	if (reg_lookup(name, slot) == REG_OK)
		return slot;
	uk_slot_free(slot);
	return UK_NO_CAP;
}

/* A fresh region of pages mapped at va: its slot, or UK_NO_CAP. */
static uint64_t buffer(uint64_t va, uint64_t pages)
{
	uint64_t slot = uk_slot_alloc();

	if (slot == UK_NO_CAP || uk_mem_alloc(slot, pages) != UK_OK ||
	    uk_mem_map(UK_SELF, slot, va, UK_R_READ | UK_R_WRITE) != UK_OK)
		return UK_NO_CAP;
	return slot;
}

/* SETUP (fs) or BIND (net, w0 the port) with the buffer in slot buf:
 * the session in a new slot, or UK_NO_CAP. */
static uint64_t open_session(uint64_t ep, uint64_t label, uint64_t w0,
			     uint64_t buf, uint64_t nerr)
{
	struct uk_msg m = { .label = label, .w = { w0 }, .cap = buf };
	uint64_t s = uk_slot_alloc();

	if (rpc_open(ep, &m, s, nerr) == 0)
		return s;
	uk_slot_free(s);
	return UK_NO_CAP;
}

/* Every badge a session could have, minted on my copy of a server's
 * endpoint: if the kernel lets me mint at all, I can pose as anyone. */
static void forge(const char *service)
{
	uint64_t ep = find(service), s = uk_slot_alloc();
	char name[48];
	enum uk_err e;

	snprintf(name, sizeof name, "forge-badge-%s", service);
	if (ep == UK_NO_CAP) {
		verdict(name, 1, "");           /* nothing to forge on */
		return;
	}
	e = uk_cap_mint(ep, s, UK_R_SEND | UK_R_GRANT, 0x101);
	verdict(name, e != UK_OK, "minted badge 0x101 on the endpoint");
	uk_cap_delete(s);
	uk_cap_delete(ep);
	uk_slot_free(s);
	uk_slot_free(ep);
}

/* The block device is fs's: an ordinary program may not open it. */
static void lookup_blk(void)
{
	uint64_t s = uk_slot_alloc();
	int r = reg_lookup("blk", s);

	verdict("lookup-blk", r != REG_OK, "got blk's endpoint");
	uk_cap_delete(s);
	uk_slot_free(s);
}

/* Page tables: map and unmap one page at ever new 2 MiB-aligned
 * addresses. Each needs a page-table frame; they must be charged to me
 * and come back, not pile up outside my quota. */
static void page_tables(void)
{
	uint64_t slot = uk_slot_alloc(), before = 0, after = 0;
	uint64_t va = 0x4000000000ull;          /* 256 GiB: my own */
	unsigned ok = 0;

	uk_info(UK_INFO_FREE_PAGES, &before);
	uk_mem_alloc(slot, 1);
	for (unsigned i = 0; i < 3000; i++, va += 2ull << 20) {
		if (uk_mem_map(UK_SELF, slot, va, UK_R_READ) != UK_OK)
			break;
		uk_mem_unmap(UK_SELF, va, 1);
		ok++;
	}
	uk_info(UK_INFO_FREE_PAGES, &after);
	uk_cap_delete(slot);
	uk_slot_free(slot);
	/* Signed: another program may give frames back meanwhile. */
	int64_t lost = (int64_t)(before - after);
	char what[80];
	snprintf(what, sizeof what, "%u maps left %ld fewer free frames",
		 ok, lost);
	verdict("page-tables", lost < 64, what);
}

/* Fragmentation: allocate and free 16 MiB, 20 times; then 16 MiB and a
 * 16-page run must still be there. */
static void fragment(void)
{
	uint64_t slot = uk_slot_alloc();
	unsigned round;
	enum uk_err e = UK_OK;
	char what[80];

	for (round = 0; round < 20; round++) {
		if ((e = uk_mem_alloc(slot, 4096)) != UK_OK)
			break;
		uk_cap_delete(slot);
	}
	if (e == UK_OK && (e = uk_mem_alloc(slot, 16)) == UK_OK)
		uk_cap_delete(slot);
	uk_slot_free(slot);
	snprintf(what, sizeof what, "round %u: %s", round, uk_strerror(e));
	verdict("fragment", e == UK_OK, what);
}

/* Regions: one-page regions, each mapped and its capability dropped,
 * so no slot limit stops me. The kernel's pool of regions is shared; my
 * share must end at my quota, well before the pool's 256, so others can
 * still start. */
static void regions(void)
{
	uint64_t s = uk_slot_alloc(), va = 0x5000000000ull;
	unsigned n = 0;
	char what[80];

	for (; n < 300; n++, va += UK_PAGE_SIZE) {
		if (uk_mem_alloc(s, 1) != UK_OK)
			break;
		if (uk_mem_map(UK_SELF, s, va, UK_R_READ) != UK_OK) {
			uk_cap_delete(s);
			break;
		}
		uk_cap_delete(s);
	}
	snprintf(what, sizeof what, "%u regions at once", n);
	verdict("regions", n < 128, what);
	uk_mem_unmap(UK_SELF, 0x5000000000ull, n);
	for (uint64_t a = 0x5000000000ull; a < va; a += UK_PAGE_SIZE)
		uk_mem_unmap(UK_SELF, a, 1);
	uk_slot_free(s);
}

/* net's socket notifications: binding, setting a notification and
 * closing, over and over, must not use up the server (the notification
 * is the client's own, charged to it). */
static void notifiers(void)
{
	uint64_t net = find("net"), buf = buffer(UMAP_BUF, 1), sock;
	uint64_t n = uk_slot_alloc(), give = uk_slot_alloc();
	struct uk_msg m;
	unsigned round;
	int r = 0;
	char what[80];

	if (net == UK_NO_CAP || buf == UK_NO_CAP ||
	    uk_obj_create(n, UK_CAP_NTFN) != UK_OK) {
		verdict("net-notifiers", 1, "");
		return;
	}
	for (round = 0; round < 40; round++) {
		sock = open_session(net, NET_OP_BIND, 4000 + round, buf,
				    NET_E_MAX);
		if (sock == UK_NO_CAP) {
			r = -1;
			break;
		}
		uk_cap_copy(n, give, UK_R_SEND);
		m = (struct uk_msg){ .label = NET_OP_NOTIFIER, .cap = give };
		r = rpc_call(sock, &m, UK_NO_CAP, NET_E_MAX);
		uk_cap_delete(give);
		m = (struct uk_msg){ .label = NET_OP_CLOSE, .cap = UK_NO_CAP };
		rpc_call(sock, &m, UK_NO_CAP, NET_E_MAX);
		uk_cap_delete(sock);
		uk_slot_free(sock);
		if (r != 0)
			break;
	}
	uk_cap_delete(n);
	snprintf(what, sizeof what, "refused (%d) after %u rounds", r, round);
	verdict("net-notifiers", r == 0, what);
}

/* echo is a product service: no request may make it fault. */
static void echo_crash(void)
{
	uint64_t echo = find("echo");
	struct uk_msg m = { .label = 5, .cap = UK_NO_CAP };  /* was CRASH */
	enum uk_err e;

	if (echo == UK_NO_CAP) {
		verdict("echo-crash", 1, "");
		return;
	}
	e = uk_call(echo, &m);
	verdict("echo-crash", e == UK_OK, "echo died on request");
}

/* A console session named after someone else: the tag must come from
 * who I am, not from what I say, and no control byte (C0 or C1) may
 * take the cursor back over it (attack.sh reads the console). */
static void console_tag(void)
{
	uint64_t cons = find("console"), s = uk_slot_alloc();
	struct uk_msg m = { .label = CONS_OP_OPEN, .cap = UK_NO_CAP };
	/* A carriage return, then a C1 CSI (UTF-8) to move left 9. */
	static const char text[] = "\r\xc2\x9b" "9D[init] spoofed line\n";

	if (cons == UK_NO_CAP)
		return;
	memcpy(m.w, "init", 5);
	if (rpc_open(cons, &m, s, CONS_E_MAX) != 0)
		return;
	m = (struct uk_msg){ .label = CONS_LABEL(CONS_OP_WRITE,
						 sizeof text - 1),
			     .cap = UK_NO_CAP };
	memcpy(m.w, text, sizeof text - 1);
	rpc_call(s, &m, UK_NO_CAP, CONS_E_MAX);
	eprintf("attack console-tag: written (the console decides)\n");
}

/* Bytes on the console's plain endpoint, outside any session: no tag. */
static void console_raw(void)
{
	static const char text[] = "\n[init] raw line\n";
	struct uk_msg m = { .label = CONS_LABEL(CONS_OP_WRITE,
						 sizeof text - 1),
			    .cap = UK_NO_CAP };
	uint64_t cons = find("console");
	enum uk_err e;

	if (cons == UK_NO_CAP) {
		verdict("console-raw", 1, "");
		return;
	}
	memcpy(m.w, text, sizeof text - 1);
	e = uk_call(cons, &m);
	verdict("console-raw", e != UK_OK || m.label != CONS_OK,
		"untagged bytes written");
}

/* NT set in RFLAGS, then a system call: the kernel must not run with
 * it (its iretq back to me would fault, in ring 0). Reaching the
 * verdict is holding. */
static void nt_flag(void)
{
	uint64_t v = 0;

	__asm__ volatile("pushfq; orq $0x4000, (%%rsp); popfq"
			 : : : "cc", "memory");
	uk_info(UK_INFO_TICKS, &v);
	uk_yield();
	__asm__ volatile("pushfq; andq $~0x4000, (%%rsp); popfq"
			 : : : "cc", "memory");
	verdict("nt-flag", 1, "");
}

/* Whether a directory listing of path (mine) names another program's
 * file or directory: fstest's, its root or anything outside mine. The
 * listing is READDIR's records in my data area. */
static int lists_others(struct fsc *c, const char *path)
{
	uint64_t h, pos = 0, r[4];
	int seen = 0;

	if (fsc_open(c, path, FS_O_DIRECTORY, 0, &h, NULL, NULL) != FS_OK)
		return 0;
	for (unsigned i = 0; i < 100; i++) {
		uint64_t off = 0;

		if (fsc_call(c, FS_OP_READDIR, h, pos, FSC_DATA, 4096, r) !=
		    FS_OK || r[1] == 0 || r[1] > 4096)
			break;
		while (off + sizeof(struct fs_dirent) < r[1]) {
			const struct fs_dirent *d =
				(const void *)(c->buf + FSC_DATA + off);

			seen |= strcmp(d->name, "fstest") == 0 ||
				strcmp(d->name, "hello.txt") == 0 ||
				strcmp(d->name, "attack") == 0 ||
				strcmp(d->name, "lost+found") == 0;
			if (d->reclen == 0)
				break;
			off += d->reclen;
		}
		pos = r[0];
	}
	fsc_close_file(c, h);
	return seen;
}

/* Another program's files (attack.sh had fstest write /fstest/hello.txt
 * and /fstest/keep/nested.txt on this disk first): every path that
 * would leave my root (/attack) stays in it, so I can neither read,
 * write, delete, rename nor list them; a name I make of the same path
 * is mine. attack.sh then has fstest read its files back whole. */
static void fs_others(void)
{
	static const char *const theirs[] = {
		"../fstest/hello.txt", "/../fstest/hello.txt",
		"../../fstest/keep/nested.txt", "/fstest/hello.txt",
		"./../../../fstest/hello.txt",
	};
	struct fsc c;
	struct fs_stat st;
	uint64_t h;
	int bad = 0, e;
	char what[96] = "";

	if (fsc_connect(&c, UMAP_BUF + 0x800000, 8, 1) != FS_OK) {
		verdict("fs-others", 1, "");    /* no fs: nothing to reach */
		return;
	}
	for (unsigned i = 0; i < sizeof theirs / sizeof theirs[0]; i++) {
		const char *p = theirs[i];

		if (fsc_open(&c, p, 0, 0, &h, NULL, NULL) != FS_E_NOENT ||
		    fsc_stat(&c, p, &st) != FS_E_NOENT ||
		    fsc_unlink(&c, p) != FS_E_NOENT ||
		    fsc_rename(&c, p, "mine") != FS_E_NOENT ||
		    fsc_open(&c, p, FS_O_WRITE | FS_O_TRUNC, 0, &h, NULL,
			     NULL) != FS_E_NOENT) {
			snprintf(what, sizeof what, "reached %s", p);
			bad = 1;
		}
	}
	if (lists_others(&c, "..") || lists_others(&c, "/") ||
	    lists_others(&c, "/../..")) {
		snprintf(what, sizeof what, "listed names outside my root");
		bad = 1;
	}
	/* The same path made mine: it is written under my root. */
	e = fsc_mkdir(&c, "../fstest", 0755);
	if (e == FS_OK)
		e = fsc_open(&c, "/../fstest/hello.txt", FS_O_WRITE |
			     FS_O_CREAT | FS_O_TRUNC, 0644, &h, NULL, NULL);
	if (e == FS_OK) {
		fsc_pwrite(&c, h, "owned", 5, 0);
		e = fsc_close_file(&c, h);
	}
	if (e != FS_OK) {
		snprintf(what, sizeof what, "could not write a file of mine "
			 "(%s)", fsc_strerror(e));
		bad = 1;
	}
	fsc_unlink(&c, "fstest/hello.txt");
	fsc_rmdir(&c, "fstest");
	fsc_close(&c);
	verdict("fs-others", !bad, what);
}

/* Every session of one service I can take: how many. */
static unsigned take_all(const char *service, uint64_t label, uint64_t nerr,
			 uint64_t buf)
{
	uint64_t ep = find(service);
	unsigned n = 0;

	while (ep != UK_NO_CAP && n < 16) {
		struct uk_msg m = { .label = label, .w = { 6000 + n },
				    .cap = buf };
		uint64_t s = uk_slot_alloc();

		if (label == CONS_OP_OPEN)
			memcpy(m.w, "hog", 4);
		if (rpc_open(ep, &m, s, nerr) != 0) {
			uk_slot_free(s);
			break;
		}
		n++;
	}
	return n;
}

/* A living client may hold its share of a server's sessions, never all
 * of them: others must still get one. */
static void shares(void)
{
	uint64_t buf = buffer(UMAP_BUF + 0x400000, 1);
	unsigned fs = take_all("fs", FS_OP_SETUP, FSC_ERR_MAX, buf);
	unsigned net = take_all("net", NET_OP_BIND, NET_E_MAX, buf);
	unsigned cons = take_all("console", CONS_OP_OPEN, CONS_E_MAX,
				 UK_NO_CAP);
	char what[80];

	snprintf(what, sizeof what, "took fs %u of %u, net %u of %u, "
		 "console %u of %u", fs, FS_SESSIONS_MAX, net,
		 NET_SOCKETS_MAX, cons, CONS_SESSIONS_MAX);
	verdict("session-shares", fs < FS_SESSIONS_MAX &&
		net < NET_SOCKETS_MAX && cons < CONS_SESSIONS_MAX, what);
}

/* Round 1: every session I can take, then a fault. */
static int hoard(void)
{
	static const struct {
		const char *name;
		uint64_t label, nerr;
		uint64_t pages;         /* the buffer I give it, or none */
	} svc[] = {
		{ "fs", FS_OP_SETUP, FSC_ERR_MAX, 1024 },
		{ "net", NET_OP_BIND, NET_E_MAX, 1 },
		{ "console", CONS_OP_OPEN, CONS_E_MAX, 0 },
	};
	uint64_t free = 0;

	/* What my earlier lives gave the servers (fs: 4 MiB each life)
	 * must be back once they heard of my death: a little time for
	 * them to run, then count. */
	for (unsigned i = 0; i < 100; i++)
		uk_yield();
	uk_info(UK_INFO_FREE_PAGES, &free);
	eprintf("attack free-pages: %lu\n", free);
	for (unsigned i = 0; i < sizeof svc / sizeof svc[0]; i++) {
		uint64_t ep = find(svc[i].name), buf = UK_NO_CAP;
		unsigned n = 0;

		if (svc[i].pages)
			buf = buffer(UMAP_BUF + i * 0x1000000, svc[i].pages);
		while (ep != UK_NO_CAP && n < 16) {
			struct uk_msg m = { .label = svc[i].label,
					    .w = { 5000 + n }, .cap = buf };
			uint64_t s = uk_slot_alloc();

			if (svc[i].label == CONS_OP_OPEN)
				memcpy(m.w, "hoard", 6);
			if (rpc_open(ep, &m, s, svc[i].nerr) != 0)
				break;
			n++;
		}
		eprintf("attack sessions-%s: %u\n", svc[i].name, n);
	}
	*(volatile int *)0 = 1;                 /* die holding them */
	return 0;
}

int main(uint64_t arg)
{
	if (arg == 1)
		return hoard();
	forge("fs");
	forge("echo");
	forge("console");
	forge("net");
	lookup_blk();
	page_tables();
	fragment();
	regions();
	notifiers();
	console_tag();
	console_raw();
	nt_flag();
	fs_others();
	echo_crash();
	shares();
	eprintf("attack: %d broken\n", broken);
	return broken ? 1 : 0;
}
