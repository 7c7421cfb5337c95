#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "cmdline.h"

static struct cmdline cl;

static void parse(const char *s)
{
	memset(&cl, 0xa5, sizeof cl);   /* parse must not rely on zeroing */
	cmdline_parse(s, &cl);
}

Test(cmdline, empty_and_blank)
{
	parse("");
	cr_assert_eq(cl.nopt, 0);
	cr_assert_eq(cl.ndev, 0);
	cr_assert_null(cl.first_bad);
	parse(" \t \n ");
	cr_assert_eq(cl.nopt, 0);
}

Test(cmdline, flags_and_options)
{
	parse("  quiet\ttest=alloc hz=100 \n bootonly  ");
	cr_assert_eq(cl.nopt, 4);
	cr_assert(cmdline_flag(&cl, "quiet"));
	cr_assert(cmdline_flag(&cl, "bootonly"));
	cr_assert_not(cmdline_flag(&cl, "test"));       /* an option */
	cr_assert_not(cmdline_flag(&cl, "quie"));
	cr_assert_not(cmdline_flag(&cl, "quiet2"));
	cr_assert_str_eq(cmdline_get(&cl, "test"), "alloc");
	cr_assert_str_eq(cmdline_get(&cl, "hz"), "100");
	cr_assert_null(cmdline_get(&cl, "quiet"));      /* a flag */
	cr_assert_null(cmdline_get(&cl, "nope"));
}

Test(cmdline, last_value_wins_and_odd_equals)
{
	parse("hz=10 hz=20 a= =b c=d=e");
	cr_assert_str_eq(cmdline_get(&cl, "hz"), "20");
	cr_assert_str_eq(cmdline_get(&cl, "a"), "");
	cr_assert_str_eq(cmdline_get(&cl, ""), "b");
	cr_assert_str_eq(cmdline_get(&cl, "c"), "d=e");
}

Test(cmdline, virtio_devices)
{
	parse("virtio_mmio.device=512@0xfeb00e00:12 x "
	      "virtio_mmio.device=4K@0xfeb01000:5 "
	      "virtio_mmio.device=1M@0xFEA00000:0 "
	      "virtio_mmio.device=0x200@4273995776:255");
	cr_assert_eq(cl.ndev, 4);
	cr_assert_eq(cl.devs_bad, 0);
	cr_assert_eq(cl.nopt, 1);               /* devices are not options */
	cr_assert_null(cmdline_get(&cl, "virtio_mmio.device"));
	cr_assert_eq(cl.dev[0].size, 512);
	cr_assert_eq(cl.dev[0].base, 0xfeb00e00);
	cr_assert_eq(cl.dev[0].irq, 12);
	cr_assert_eq(cl.dev[1].size, 4096);
	cr_assert_eq(cl.dev[1].base, 0xfeb01000);
	cr_assert_eq(cl.dev[2].size, 1 << 20);
	cr_assert_eq(cl.dev[2].base, 0xfea00000);
	cr_assert_eq(cl.dev[2].irq, 0);
	cr_assert_eq(cl.dev[3].size, 0x200);
	cr_assert_eq(cl.dev[3].base, 0xfec00000);
	cr_assert_eq(cl.dev[3].irq, 255);
}

Test(cmdline, malformed_virtio_devices)
{
	static const char *const bad[] = {
		"", "512", "512@", "@0xfeb00000:5", "512@0xfeb00e00",
		"512@0xfeb00e00:", "512@0xfeb00e00:12x", "512@0xfeb00e00:12:3",
		"0@0xfeb00000:5", "512@0x100000000:5", "512@0xffffff00:5",
		"512@0xfeb00e00:256", "99999999999999999999@0x1000:1",
		"0x40000000000000K@0x1000:1", "512G@0x1000:1", "-1@0x1000:1",
		"512@0xg:1", "512@0x:1", "garbage", "512 @0x1000:1",
	};

	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		char line[128];

		snprintf(line, sizeof line, "virtio_mmio.device=%s quiet", bad[i]);
		parse(line);
		cr_assert_eq(cl.ndev, 0, "accepted \"%s\"", bad[i]);
		cr_assert_geq(cl.devs_bad, 1, "\"%s\" not counted", bad[i]);
		cr_assert(cmdline_flag(&cl, "quiet"), "after \"%s\"", bad[i]);
	}
	parse("virtio_mmio.device=garbage virtio_mmio.device=512@0x1000:1 "
	      "virtio_mmio.device=more");
	cr_assert_eq(cl.devs_bad, 2);
	cr_assert_str_eq(cl.first_bad, "garbage");
	cr_assert_eq(cl.ndev, 1);
}

Test(cmdline, too_many_devices_and_options)
{
	char line[4000] = "";

	for (int i = 0; i < PLAT_VIRTIO_MMIO_MAX + 3; i++)
		sprintf(line + strlen(line),
			"virtio_mmio.device=512@0x%x:%d ", 0xfeb00000 + 0x200 * i, i);
	for (int i = 0; i < CMDLINE_OPTS_MAX + 5; i++)
		sprintf(line + strlen(line), "o%d=%d ", i, i);
	parse(line);
	cr_assert_eq(cl.ndev, PLAT_VIRTIO_MMIO_MAX);
	cr_assert_eq(cl.devs_dropped, 3);
	cr_assert_eq(cl.dev[7].base, 0xfeb00000 + 0x200 * 7);
	cr_assert_eq(cl.nopt, CMDLINE_OPTS_MAX);
	cr_assert_eq(cl.opts_dropped, 5);
	cr_assert_str_eq(cmdline_get(&cl, "o31"), "31");
	cr_assert_null(cmdline_get(&cl, "o32"));
}

/* A user's entry and the monitor's for one window: the first wins. */
Test(cmdline, overlapping_devices)
{
	parse("virtio_mmio.device=512@0xfeb00000:5 "
	      "virtio_mmio.device=512@0xfeb00200:6 "
	      "virtio_mmio.device=512@0xfeb00000:9 "
	      "virtio_mmio.device=4K@0xfeb00000:7 "
	      "virtio_mmio.device=512@0xfeb001ff:8 "
	      "virtio_mmio.device=512@0xfeb00400:10");
	cr_assert_eq(cl.ndev, 3);
	cr_assert_eq(cl.devs_dup, 3);
	cr_assert_eq(cl.dev[0].irq, 5);
	cr_assert_eq(cl.dev[1].irq, 6);
	cr_assert_eq(cl.dev[2].base, 0xfeb00400);
	cr_assert_eq(cl.devs_bad, 0);
}

Test(cmdline, parse_reads_at_most_cmdline_max)
{
	static char line[CMDLINE_MAX * 2];

	memset(line, 'a', sizeof line - 1);
	memcpy(line + CMDLINE_MAX + 10, " quiet", 6);
	parse(line);
	cr_assert_eq(cl.nopt, 1);
	cr_assert_eq(strlen(cl.opt[0].key), CMDLINE_MAX - 1);
	cr_assert_not(cmdline_flag(&cl, "quiet"));
}

Test(cmdline, copy_bounded_and_reports_truncation)
{
	char dst[8];
	bool trunc;

	cr_assert_eq(cmdline_copy(dst, sizeof dst, "quiet", &trunc), 5);
	cr_assert_str_eq(dst, "quiet");
	cr_assert_not(trunc);
	cr_assert_eq(cmdline_copy(dst, sizeof dst, "1234567", &trunc), 7);
	cr_assert_not(trunc);
	cr_assert_eq(cmdline_copy(dst, sizeof dst, "12345678", &trunc), 7);
	cr_assert_str_eq(dst, "1234567");
	cr_assert(trunc);
	cr_assert_eq(cmdline_copy(dst, 1, "x", &trunc), 0);
	cr_assert_str_eq(dst, "");
	cr_assert(trunc);
	cr_assert_eq(cmdline_copy(dst, 1, "", &trunc), 0);
	cr_assert_not(trunc);
}

Test(cmdline, numbers)
{
	uint64_t v;

	cr_assert(cmdline_num("0", &v) && v == 0);
	cr_assert(cmdline_num("100", &v) && v == 100);
	cr_assert(cmdline_num("0x1f", &v) && v == 31);
	cr_assert(cmdline_num("0XAb", &v) && v == 0xab);
	cr_assert(cmdline_num("18446744073709551615", &v) && v == UINT64_MAX);
	cr_assert(cmdline_num("0xffffffffffffffff", &v) && v == UINT64_MAX);
	v = 7;
	cr_assert_not(cmdline_num("18446744073709551616", &v));
	cr_assert_not(cmdline_num("0x10000000000000000", &v));
	cr_assert_not(cmdline_num("", &v));
	cr_assert_not(cmdline_num("0x", &v));
	cr_assert_not(cmdline_num("12a", &v));
	cr_assert_not(cmdline_num("-1", &v));
	cr_assert_not(cmdline_num(" 1", &v));
	cr_assert_eq(v, 7);                     /* untouched on failure */
}
