/* Port and MMIO buses, the exit port, the verbose log. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <platform.h>

#include "bus.h"
#include "exitdev.h"
#include "log.h"
#include "machine.h"

/* A test device: remembers the last access, reads back a pattern. */
struct probe {
	uint64_t off;
	unsigned size;
	uint64_t val;
	unsigned reads, writes;
};

static uint64_t probe_read(void *opaque, uint64_t off, unsigned size)
{
	struct probe *p = opaque;

	p->off = off;
	p->size = size;
	p->reads++;
	return 0x1122334455667788ull;
}

static void probe_write(void *opaque, uint64_t off, unsigned size,
			uint64_t val)
{
	struct probe *p = opaque;

	p->off = off;
	p->size = size;
	p->val = val;
	p->writes++;
}

static const struct bus_ops probe_ops = {
	.read = probe_read,
	.write = probe_write,
};

Test(bus, register_refuses_overlaps)
{
	struct probe p = { 0 };
	struct bus b;

	bus_init(&b, BUS_PIO);
	cr_assert_eq(bus_register(&b, 0x100, 8, &probe_ops, &p, "a"), 0);
	cr_assert_eq(bus_register(&b, 0x100, 8, &probe_ops, &p, "same"),
		     -EEXIST);
	cr_assert_eq(bus_register(&b, 0x107, 1, &probe_ops, &p, "last"),
		     -EEXIST);
	cr_assert_eq(bus_register(&b, 0xf0, 0x11, &probe_ops, &p, "first"),
		     -EEXIST);
	cr_assert_eq(bus_register(&b, 0x0, 0x1000, &probe_ops, &p, "cover"),
		     -EEXIST);
	cr_assert_eq(bus_register(&b, 0x104, 1, &probe_ops, &p, "inside"),
		     -EEXIST);
	/* Neighbours on both sides are fine. */
	cr_assert_eq(bus_register(&b, 0xf8, 8, &probe_ops, &p, "below"), 0);
	cr_assert_eq(bus_register(&b, 0x108, 8, &probe_ops, &p, "above"), 0);
	cr_assert_eq(b.n, 3);
}

Test(bus, register_rejects_bad_ranges)
{
	struct bus_ops no_read = { .write = probe_write };
	struct probe p = { 0 };
	struct bus b;

	bus_init(&b, BUS_MMIO);
	cr_assert_eq(bus_register(&b, 0x1000, 0, &probe_ops, &p, "empty"),
		     -EINVAL);
	cr_assert_eq(bus_register(&b, UINT64_MAX - 1, 4, &probe_ops, &p,
				  "wraps"), -EINVAL);
	cr_assert_eq(bus_register(&b, 0x1000, 4, NULL, &p, "no ops"),
		     -EINVAL);
	cr_assert_eq(bus_register(&b, 0x1000, 4, &no_read, &p, "no read"),
		     -EINVAL);
	cr_assert_eq(b.n, 0);
}

Test(bus, register_full)
{
	struct probe p = { 0 };
	struct bus b;
	unsigned i;

	bus_init(&b, BUS_PIO);
	for (i = 0; i < BUS_MAX_RANGES; i++)
		cr_assert_eq(bus_register(&b, i * 16, 16, &probe_ops, &p,
					  "x"), 0);
	cr_assert_eq(bus_register(&b, 0x10000, 1, &probe_ops, &p, "x"),
		     -ENOSPC);
}

Test(bus, unclaimed_reads_all_ones)
{
	struct bus b;
	uint64_t v;

	bus_init(&b, BUS_PIO);
	cr_assert(!bus_read(&b, 0x80, 1, &v));
	cr_assert_eq(v, 0xff);
	cr_assert(!bus_read(&b, 0x80, 2, &v));
	cr_assert_eq(v, 0xffff);
	cr_assert(!bus_read(&b, 0x80, 4, &v));
	cr_assert_eq(v, 0xffffffff);
	cr_assert(!bus_read(&b, 0x80, 8, &v));
	cr_assert_eq(v, UINT64_MAX);
	cr_assert(!bus_write(&b, 0x80, 1, 0x12), "unclaimed write dropped");
}

Test(bus, dispatch_by_address)
{
	struct probe p = { 0 }, q = { 0 };
	struct bus b;
	uint64_t v;

	bus_init(&b, BUS_MMIO);
	cr_assert_eq(bus_register(&b, 0xfeb00000, 0x200, &probe_ops, &p,
				  "p"), 0);
	cr_assert_eq(bus_register(&b, 0xfeb00200, 0x200, &probe_ops, &q,
				  "q"), 0);
	cr_assert(bus_read(&b, 0xfeb00204, 4, &v));
	cr_assert_eq(v, 0x55667788, "value masked to the access size");
	cr_assert_eq(q.off, 4);
	cr_assert_eq(q.size, 4);
	cr_assert_eq(p.reads, 0);
	cr_assert(bus_write(&b, 0xfeb00010, 2, 0xabcdef));
	cr_assert_eq(p.off, 0x10);
	cr_assert_eq(p.size, 2);
	cr_assert_eq(p.val, 0xcdef, "value masked to the access size");
}

Test(bus, access_straddling_the_end_is_unclaimed)
{
	struct probe p = { 0 };
	struct bus b;
	uint64_t v;

	bus_init(&b, BUS_PIO);
	cr_assert_eq(bus_register(&b, 0x3f8, 8, &probe_ops, &p, "p"), 0);
	cr_assert(bus_read(&b, 0x3fc, 4, &v), "last dword inside");
	cr_assert(!bus_read(&b, 0x3fe, 4, &v));
	cr_assert_eq(v, 0xffffffff);
	cr_assert(!bus_read(&b, 0x3f7, 2, &v));
	cr_assert(!bus_write(&b, 0x3ff, 2, 0));
	cr_assert_eq(p.reads, 1);
	cr_assert_eq(p.writes, 0);
}

/* What fn logs, with -v or without. */
static char *capture(void (*fn)(void), bool verbose)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	log_reset();
	log_setup(verbose, f);
	fn();
	fclose(f);
	log_setup(false, NULL);
	return buf;
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void touch_unclaimed(void)
{
	struct bus pio, mmio;
	uint64_t v;

	bus_init(&pio, BUS_PIO);
	bus_init(&mmio, BUS_MMIO);
	bus_write(&pio, 0x80, 1, 1);
	bus_write(&pio, 0x80, 1, 2);
	bus_write(&pio, 0x80, 1, 3);
	bus_read(&pio, 0x80, 1, &v);
	bus_read(&pio, 0x61, 1, &v);
	bus_read(&mmio, 0xfeb00000, 4, &v);
	bus_read(&mmio, 0xfeb00000, 4, &v);
}

Test(bus, unclaimed_logged_once_with_verbose)
{
	char *out = capture(touch_unclaimed, true);

	cr_assert_eq(count(out, "write of 0x1 to unclaimed port 0x80"), 1,
		     "%s", out);
	cr_assert_eq(count(out, "unclaimed port 0x80"), 2, "write + read");
	cr_assert_eq(count(out, "read of unclaimed port 0x61"), 1);
	cr_assert_eq(count(out, "read of unclaimed MMIO 0xfeb00000"), 1);
	cr_assert_eq(count(out, "vmm: "), 4, "%s", out);
	free(out);
}

Test(bus, unclaimed_silent_without_verbose)
{
	char *out = capture(touch_unclaimed, false);

	cr_assert_str_eq(out, "");
	free(out);
}

static void many_events(void)
{
	unsigned i;

	for (i = 0; i < 1000; i++)
		log_once(LOG_EXIT_REASON, i, "event %u", i);
}

Test(log, table_bounded)
{
	char *out = capture(many_events, true);

	cr_assert_eq(count(out, "vmm: event"), 256, "%s", out);
	cr_assert_eq(count(out, "too many distinct events"), 1);
	free(out);
}

Test(log, errmsg_truncates)
{
	struct errmsg e;
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	errmsg_set(&e, "%s", big);
	cr_assert_eq(strlen(e.text), sizeof(e.text) - 1);
	errmsg_set(NULL, "ignored");
}

/* A write to the exit port (size bytes of value) and the status the
 * monitor exits with: above 255 is 255, so that no failure wraps to 0. */
struct exit_write {
	unsigned size;
	uint64_t value;
	int status;
};

ParameterizedTestParameters(exitdev, write_stops_with_status)
{
	static struct exit_write w[] = {
		{ 1, 3, 3 }, { 4, 42, 42 }, { 4, 0, 0 }, { 1, 255, 255 },
		{ 4, 256, 255 }, { 4, 0xffffffff, 255 }, { 2, 0x1234, 255 },
	};

	return cr_make_param_array(struct exit_write, w, sizeof w / sizeof w[0]);
}

ParameterizedTest(struct exit_write *w, exitdev, write_stops_with_status)
{
	struct exitdev d;
	struct machine m;

	machine_init(&m);
	cr_assert_eq(exitdev_register(&d, &m), 0);
	cr_assert(!m.stop);
	cr_assert(bus_write(&m.pio, PLAT_EXIT_PORT, w->size, w->value));
	cr_assert(m.stop);
	cr_assert_eq(m.status, w->status, "%u bytes of 0x%llx", w->size,
		     (unsigned long long)w->value);
}

Test(exitdev, other_ports_and_reads)
{
	struct exitdev d;
	struct machine m;
	uint64_t v;

	machine_init(&m);
	cr_assert_eq(exitdev_register(&d, &m), 0);
	cr_assert(bus_write(&m.pio, PLAT_EXIT_PORT + 1, 1, 3));
	cr_assert(!m.stop, "0xf5 is not the exit port");
	cr_assert(bus_read(&m.pio, PLAT_EXIT_PORT, 1, &v));
	cr_assert_eq(v, 0xff);
	cr_assert(!m.stop, "a read does not stop");
	cr_assert(!bus_write(&m.pio, PLAT_EXIT_PORT - 1, 1, 3));
	cr_assert(!m.stop);
}
