/*
 * demo: the architecture's own example, a client of two services it
 * finds by name in the registry.
 *
 *  - fs (proto/fs.h, through fsclient.h): in its own directory (/demo
 *    on the disk), adds one to the counter of the demo's boots on this
 *    disk in the file "boots"; writes the file "greeting" and reads it
 *    back.
 *  - net (proto/net.h): binds UDP port 7 and answers the datagrams that
 *    arrive ("guest got: ..."), arg of them (0: 1), or gives up after
 *    WAIT_S seconds without one.
 *
 * Without a service it says so and goes on. Exits 0 unless a service
 * that is there fails.
 */
#include <proto/net.h>
#include "fsclient.h"
#include "regclient.h"
#include "rpc.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define FS_BUF          UMAP_BUF        /* fs session buffer ... */
#define FS_BUF_PAGES    8               /* ... 32 KiB, below net's */
#define NET_BUF_OFF     0x100000ull     /* net socket buffer: 1 page */
#define GREETING        "hello from the demo, kept by fs on the block device"
#define REPLY           "guest got: "
#define WAIT_S          15

/* One call to a server whose protocol has nerr codes (NET_E_MAX): label
 * and three words, no capability; the reply in *m. rpc.h's result. */
static int call(uint64_t ep, uint64_t nerr, uint64_t label, uint64_t w0,
		uint64_t w1, uint64_t w2, struct uk_msg *m)
{
	*m = (struct uk_msg){ .label = label, .w = { w0, w1, w2 },
			      .cap = UK_NO_CAP };
	return rpc_call(ep, m, UK_NO_CAP, nerr);
}

/* BIND (w0 the port) with my buffer's capability buf (UK_NO_CAP: none,
 * so -UK_E_NOMEM): the socket arrives in slot dst. rpc.h's result. */
static int open_on(uint64_t ep, uint64_t label, uint64_t w0, uint64_t buf,
		   uint64_t dst, uint64_t nerr)
{
	struct uk_msg m = { .label = label, .w = { w0 }, .cap = buf };

	return buf == UK_NO_CAP ? -(int)UK_E_NOMEM :
	       rpc_open(ep, &m, dst, nerr);
}

/* A fresh page mapped at va: its capability slot, or UK_NO_CAP. */
static uint64_t page(uint64_t va)
{
	uint64_t slot = uk_slot_alloc();

	if (slot == UK_NO_CAP || uk_mem_alloc(slot, 1) != UK_OK ||
	    uk_mem_map(UK_SELF, slot, va, UK_R_READ | UK_R_WRITE) != UK_OK)
		return UK_NO_CAP;
	return slot;
}

/* The service called name in a new slot, or UK_NO_CAP (said why). */
static uint64_t find(const char *name)
{
	uint64_t slot = uk_slot_alloc();
	int e = reg_lookup(name, slot);

	if (e == REG_OK)
		return slot;
	printf("demo: no \"%s\" service (%s): that part is skipped\n", name,
	       reg_strerror(e));
	uk_slot_free(slot);
	return UK_NO_CAP;
}

/* Says which fs step failed; -1. */
static int fs_failed(const char *what, int r)
{
	eprintf("demo: fs: %s failed (%s)\n", what, fsc_strerror(r));
	return -1;
}

/* Adds one to the decimal counter in the file boots (none yet: 0) and
 * says how many boots it now counts. 0, or -1 (said why). */
static int count_boot(struct fsc *c)
{
	char text[24] = "";
	unsigned long boots = 0;
	uint64_t h;
	int64_t n, w;
	int r, e;

	r = fsc_open(c, "boots", FS_O_WRITE | FS_O_CREAT, 0644, &h, NULL,
		     NULL);
	if (r != FS_OK)
		return fs_failed("open boots", r);
	n = fsc_pread(c, h, text, sizeof text - 1, 0);
	if (n < 0) {
		fsc_close_file(c, h);
		return fs_failed("read boots", (int)-n);
	}
	text[n] = '\0';
	for (const char *p = text; *p >= '0' && *p <= '9'; p++)
		boots = boots * 10 + (unsigned long)(*p - '0');
	boots++;
	n = snprintf(text, sizeof text, "%lu\n", boots);
	/* What followed the counter in a longer file goes; closing a
	 * handle written through puts the count on the disk. */
	w = fsc_pwrite(c, h, text, (size_t)n, 0);
	r = w == n ? fsc_truncate(c, h, (uint64_t)n) :
	    w < 0 ? (int)-w : FS_E_IO;
	e = fsc_close_file(c, h);
	if (r == FS_OK)
		r = e;
	if (r != FS_OK)
		return fs_failed("write boots", r);
	printf("demo: fs: this disk has booted the demo %lu time%s\n", boots,
	       boots == 1 ? "" : "s");
	return 0;
}

/* Writes GREETING into the file greeting and reads it back through a
 * handle of its own. 0, or -1 (said why). */
static int greet(struct fsc *c)
{
	char back[sizeof GREETING] = "";
	uint64_t h;
	int64_t n;
	int r;

	r = fsc_open(c, "greeting", FS_O_WRITE | FS_O_CREAT | FS_O_TRUNC, 0644,
		     &h, NULL, NULL);
	if (r != FS_OK)
		return fs_failed("open greeting", r);
	n = fsc_pwrite(c, h, GREETING, sizeof GREETING - 1, 0);
	r = fsc_close_file(c, h);
	if (n != sizeof GREETING - 1 || r != FS_OK)
		return fs_failed("write greeting", n < 0 ? (int)-n : r);
	r = fsc_open(c, "greeting", 0, 0, &h, NULL, NULL);
	if (r != FS_OK)
		return fs_failed("open greeting again", r);
	n = fsc_pread(c, h, back, sizeof back, 0);
	fsc_close_file(c, h);
	if (n != sizeof GREETING - 1 || memcmp(back, GREETING, (size_t)n)) {
		eprintf("demo: fs: greeting did not come back (%ld bytes)\n",
			(long)n);
		return -1;
	}
	printf("demo: fs: wrote \"greeting\" and read it back: %s\n", back);
	return 0;
}

static int fs_part(void)
{
	struct fsc c;
	int r = fsc_connect(&c, FS_BUF, FS_BUF_PAGES, 1);

	if (r == -(int)UK_E_DEAD) {
		printf("demo: no \"fs\" service: that part is skipped\n");
		return 0;
	}
	if (r != FS_OK)
		return fs_failed("SETUP", r);
	r = count_boot(&c);
	if (r == 0)
		r = greet(&c);
	fsc_close(&c);
	return r;
}

static uint64_t now_ms(uint64_t khz)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32 | lo) / khz;
}

/* How much of the n bytes at b to print: up to the first control
 * character (a datagram's own newline, say), at most 200. */
static int printable(const char *b, uint64_t n)
{
	int k = 0;

	while ((uint64_t)k < n && k < 200 && b[k] >= ' ' && b[k] != 0x7f)
		k++;
	return k;
}

/* Answers one datagram (in the buffer, len bytes) to ip:port. */
static int answer(uint64_t sock, char *b, uint64_t ip, uint64_t port,
		  uint64_t len)
{
	size_t pre = sizeof REPLY - 1;
	struct uk_msg m;
	int r = NET_E_UNREACHABLE;

	if (len > NET_PAYLOAD_MAX - pre)
		len = NET_PAYLOAD_MAX - pre;
	memmove(b + pre, b, len);
	memcpy(b, REPLY, pre);
	/* The sender's MAC may still be resolving: retry a while. */
	for (int i = 0; i < 1000 && r == NET_E_UNREACHABLE; i++) {
		r = call(sock, NET_E_MAX, NET_OP_SEND, ip, port, pre + len, &m);
		if (r == NET_E_UNREACHABLE)
			uk_yield();
	}
	return r;
}

static int net_part(uint64_t want)
{
	uint64_t net = find("net"), sock = uk_slot_alloc();
	uint64_t buf = page(UMAP_BUF + NET_BUF_OFF), khz = 1, got = 0, end;
	char *b = (char *)(uintptr_t)(UMAP_BUF + NET_BUF_OFF), text[201];
	struct uk_msg m;
	int r;

	if (net == UK_NO_CAP)
		return 0;
	r = open_on(net, NET_OP_BIND, 7, buf, sock, NET_E_MAX);
	if (r != NET_OK || uk_info(UK_INFO_TSC_KHZ, &khz) != UK_OK || !khz) {
		eprintf("demo: net: BIND of UDP port 7 failed (%d)\n", r);
		return -1;
	}
	printf("demo: net: waiting on UDP port 7 for %lu datagram%s (%d s)\n",
	       want, want == 1 ? "" : "s", WAIT_S);
	end = now_ms(khz) + WAIT_S * 1000ull;
	while (got < want && now_ms(khz) < end) {
		r = call(sock, NET_E_MAX, NET_OP_RECV, 0, 0, 0, &m);
		if (r == NET_E_AGAIN) {
			uk_yield();     /* no timed wait: yield until the end */
			continue;
		}
		if (r != NET_OK || m.w[2] > NET_PAYLOAD_MAX)
			break;
		memcpy(text, b, (size_t)printable(b, m.w[2]));
		text[printable(b, m.w[2])] = '\0';
		printf("demo: net: from %lu.%lu.%lu.%lu:%lu: %s\n",
		       m.w[0] >> 24, m.w[0] >> 16 & 0xff, m.w[0] >> 8 & 0xff,
		       m.w[0] & 0xff, m.w[1], text);
		r = answer(sock, b, m.w[0], m.w[1], m.w[2]);
		if (r != NET_OK)
			break;
		got++;
	}
	if (r != NET_OK && r != NET_E_AGAIN) {
		eprintf("demo: net: failed (%d)\n", r);
		return -1;
	}
	printf("demo: net: answered %lu datagram%s\n", got, got == 1 ? "" : "s");
	return 0;
}

int main(uint64_t arg)
{
	int bad = fs_part() < 0;

	bad |= net_part(arg ? arg : 1) < 0;
	printf("demo: done\n");
	return bad;
}
