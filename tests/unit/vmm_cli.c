/* The monitor's command line: sizes, seconds, options, "--". */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <platform.h>

#include "cli.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static int parse(struct cli *c, struct errmsg *err, char **argv, int argc)
{
	memset(err, 0, sizeof(*err));
	return cli_parse(c, argc, argv, err);
}

Test(cli_size, plain_and_suffixes)
{
	uint64_t v;

	cr_assert_eq(cli_parse_size("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(cli_parse_size("4096", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(cli_parse_size("4k", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(cli_parse_size("4K", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(cli_parse_size("128M", &v), 0);
	cr_assert_eq(v, 128ull << 20);
	cr_assert_eq(cli_parse_size("128m", &v), 0);
	cr_assert_eq(v, 128ull << 20);
	cr_assert_eq(cli_parse_size("3G", &v), 0);
	cr_assert_eq(v, 3ull << 30);
	cr_assert_eq(cli_parse_size("1T", &v), 0);
	cr_assert_eq(v, 1ull << 40);
}

Test(cli_size, garbage)
{
	uint64_t v = 77;

	cr_assert_eq(cli_parse_size("", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("abc", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("M", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("-1", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("+1", &v), -EINVAL);
	cr_assert_eq(cli_parse_size(" 1", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("1 ", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("1MB", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("1X", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("0x10", &v), -EINVAL);
	cr_assert_eq(cli_parse_size("1.5G", &v), -EINVAL);
	cr_assert_eq(v, 77, "a failed parse leaves *out alone");
}

Test(cli_size, overflow)
{
	uint64_t v;

	cr_assert_eq(cli_parse_size("18446744073709551615", &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(cli_parse_size("18446744073709551616", &v), -ERANGE);
	cr_assert_eq(cli_parse_size("99999999999999999999999G", &v), -ERANGE);
	cr_assert_eq(cli_parse_size("17179869183G", &v), 0);    /* 2^34 - 1 */
	cr_assert_eq(cli_parse_size("17179869184G", &v), -ERANGE); /* 2^64 */
	cr_assert_eq(cli_parse_size("16777216T", &v), -ERANGE);
	cr_assert_eq(cli_parse_size("18014398509481984K", &v), -ERANGE);
}

Test(cli_seconds, values)
{
	double v;

	cr_assert_eq(cli_parse_seconds("2", &v), 0);
	cr_assert_float_eq(v, 2.0, 1e-9);
	cr_assert_eq(cli_parse_seconds("0.5", &v), 0);
	cr_assert_float_eq(v, 0.5, 1e-9);
	cr_assert_eq(cli_parse_seconds(".25", &v), 0);
	cr_assert_float_eq(v, 0.25, 1e-9);
	cr_assert_eq(cli_parse_seconds("0", &v), 0);
	cr_assert_float_eq(v, 0.0, 1e-9);
	cr_assert_eq(cli_parse_seconds("", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds(".", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds("1.2.3", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds("-1", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds("1e3", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds("inf", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds("nan", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds("5s", &v), -EINVAL);
	cr_assert_eq(cli_parse_seconds("1000000", &v), 0);
	cr_assert_eq(cli_parse_seconds("1000000.5", &v), -ERANGE);
}

Test(cli_parse, defaults)
{
	char *argv[] = { "vmm", "kernel.elf", NULL };
	struct errmsg err;
	struct cli c;

	unsetenv(CLI_KVM_ENV);
	cr_assert_eq(parse(&c, &err, argv, ARGC(argv)), 0);
	cr_assert_eq(c.action, CLI_RUN);
	cr_assert_str_eq(c.kernel, "kernel.elf");
	cr_assert_eq(c.mem_size, 128ull << 20);
	cr_assert_float_eq(c.timeout, 0.0, 1e-9);
	cr_assert(!c.verbose);
	cr_assert(!c.stats, "--stats is off unless given");
	cr_assert_str_eq(c.kvm_path, "/dev/kvm");
	cr_assert_str_eq(c.cmdline, "");
}

Test(cli_parse, stats)
{
	char *a1[] = { "vmm", "--stats", "k.elf", NULL };
	char *a2[] = { "vmm", "k.elf", "--stats", "--", "x", NULL };
	char *a3[] = { "vmm", "--st", "k.elf", NULL };  /* abbreviation */
	char *a4[] = { "vmm", "k.elf", "--", "--stats", NULL };
	char *a5[] = { "vmm", "--stats=yes", "k.elf", NULL };
	char *a6[] = { "vmm", "--stats", "--stats", "-v", "k.elf", NULL };
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse(&c, &err, a1, ARGC(a1)), 0, "%s", err.text);
	cr_assert(c.stats);
	cr_assert_str_eq(c.kernel, "k.elf");
	cr_assert_eq(parse(&c, &err, a2, ARGC(a2)), 0, "%s", err.text);
	cr_assert(c.stats, "after the kernel, before --");
	cr_assert_str_eq(c.cmdline, "x");
	cr_assert_eq(parse(&c, &err, a3, ARGC(a3)), 0, "%s", err.text);
	cr_assert(c.stats);
	cr_assert_eq(parse(&c, &err, a4, ARGC(a4)), 0, "%s", err.text);
	cr_assert(!c.stats, "after -- it is a kernel word");
	cr_assert_str_eq(c.cmdline, "--stats");
	cr_assert_eq(parse(&c, &err, a5, ARGC(a5)), -EINVAL);
	cr_assert(strstr(err.text, "'--stats=yes'"), "%s", err.text);
	cr_assert_eq(parse(&c, &err, a6, ARGC(a6)), 0, "%s", err.text);
	cr_assert(c.stats && c.verbose, "given twice is fine");
	cr_assert_eq(c.mem_size, CLI_MEM_DEFAULT, "takes no value");
}

Test(cli_parse, kvm_stats)
{
	char *a1[] = { "vmm", "--kvm-stats", "k.elf", NULL };
	char *a2[] = { "vmm", "k.elf", NULL };
	char *a3[] = { "vmm", "--kvm-stats=1", "k.elf", NULL };
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse(&c, &err, a1, ARGC(a1)), 0, "%s", err.text);
	cr_assert(c.kvm_stats && !c.stats, "independent of --stats");
	cr_assert_eq(parse(&c, &err, a2, ARGC(a2)), 0, "%s", err.text);
	cr_assert(!c.kvm_stats, "off unless given");
	cr_assert_eq(parse(&c, &err, a3, ARGC(a3)), -EINVAL);
}

Test(cli_parse, devices)
{
	char *a1[] = { "vmm", "k.elf", NULL };
	char *a2[] = { "vmm", "--disk", "d.img,ro", "--net", "tap=t0",
		       "--no-console", "--serial", "log", "k.elf", NULL };
	char *a3[] = { "vmm", "--net=tap=a", "--net", "tap=b", "k.elf", NULL };
	char *a4[] = { "vmm", "--serial=", "k.elf", NULL };
	char *a5[] = { "vmm", "--disk", "a", "--disk=b", "k.elf", NULL };
	int disk = device_find("disk"), net = device_find("net");
	int no_console = device_find("no-console");
	struct errmsg err;
	struct cli c;

	cr_assert(disk >= 0 && net >= 0 && no_console >= 0);
	cr_assert_eq(parse(&c, &err, a1, ARGC(a1)), 0, "%s", err.text);
	cr_assert(!c.device[disk] && !c.device[net] && !c.serial);
	cr_assert(!c.device[no_console], "a console unless --no-console");
	cr_assert_eq(parse(&c, &err, a2, ARGC(a2)), 0, "%s", err.text);
	cr_assert_str_eq(c.device[disk], "d.img,ro");
	cr_assert_str_eq(c.device[net], "tap=t0",
			 "checked when the device opens");
	cr_assert_str_eq(c.device[no_console], "", "a flag");
	cr_assert_str_eq(c.serial, "log");
	cr_assert_eq(parse(&c, &err, a3, ARGC(a3)), -EINVAL);
	cr_assert(strstr(err.text, "only one network device"), "%s", err.text);
	cr_assert_eq(parse(&c, &err, a4, ARGC(a4)), -EINVAL);
	cr_assert(strstr(err.text, "--serial: empty"), "%s", err.text);
	cr_assert_eq(parse(&c, &err, a5, ARGC(a5)), -EINVAL);
	cr_assert_str_eq(err.text, "--disk: only one disk");
}

Test(cli_parse, mem_limits)
{
	char *argv[] = { "vmm", "--mem", "3G", "k.elf", NULL };
	char *argv2[] = { "vmm", "--mem", "4M", "k.elf", NULL };
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse(&c, &err, argv, ARGC(argv)), 0, "%s", err.text);
	cr_assert_eq(c.mem_size, PLAT_RAM_MAX);
	cr_assert_eq(parse(&c, &err, argv2, ARGC(argv2)), 0, "%s", err.text);
	cr_assert_eq(c.mem_size, CLI_MEM_MIN);
	/* One below and one above: usage_errors. */
}

/* The words of a command line after "vmm", for table-driven cases. No
 * pointers: Criterion runs each case in a new process. */
#define WORDS_MAX 9
typedef char words[WORDS_MAX][24];

static int parse_words(struct cli *c, struct errmsg *err, unsigned n,
		       words w)
{
	char *argv[WORDS_MAX + 2] = { "vmm" };

	for (unsigned i = 0; i < n; i++)
		argv[i + 1] = w[i];
	return parse(c, err, argv, (int)n + 1);
}

/* A command line that is a usage error, and what the message says. */
struct bad_args {
	unsigned n;
	words arg;
	char want[80];
};

ParameterizedTestParameters(cli_parse, usage_errors)
{
	static struct bad_args b[] = {
		{ 2, { "--frobnicate", "k.elf" }, "bad option '--frobnicate'" },
		{ 2, { "-x", "k.elf" }, "unknown option '-x'" },
		{ 2, { "--verbose=yes", "k.elf" }, "bad option '--verbose=yes'" },
		{ 2, { "--ver", "k.elf" }, "bad option '--ver'" }, /* ambiguous */
		{ 2, { "k.elf", "--timeout" }, "'--timeout' needs a value" },
		{ 3, { "--timeout", "-1", "k.elf" }, "--timeout '-1'" },
		{ 3, { "--timeout", "soon", "k.elf" },
		  "--timeout 'soon': not a number of seconds" },
		{ 0, { "" }, "missing KERNEL" },
		{ 1, { "-v" }, "missing KERNEL" },
		/* After "--" come kernel words, not the kernel. */
		{ 2, { "--", "k.elf" }, "missing KERNEL" },
		{ 1, { "" }, "empty KERNEL file name" },
		{ 2, { "k.elf", "console=ttyS0" }, "unexpected argument "
		  "'console=ttyS0' (kernel command line words go after --)" },
		{ 3, { "--mem", "0", "k.elf" }, "--mem '0': must be between" },
		{ 3, { "--mem", "1T", "k.elf" }, "--mem '1T': must be between" },
		{ 3, { "--mem", "3145732K", "k.elf" },          /* 3G + 4K */
		  "--mem '3145732K': must be between" },
		{ 3, { "--mem", "4092K", "k.elf" },             /* 4M - 4K */
		  "--mem '4092K': must be between" },
		{ 3, { "--mem", "5000000", "k.elf" }, "multiple of 4K" },
		{ 3, { "--mem", "lots", "k.elf" }, "--mem 'lots': not a size" },
		{ 3, { "--mem", "99999999999999999999", "k.elf" },
		  "--mem '99999999999999999999': too large" },
	};

	return cr_make_param_array(struct bad_args, b, sizeof b / sizeof b[0]);
}

ParameterizedTest(struct bad_args *b, cli_parse, usage_errors)
{
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse_words(&c, &err, b->n, b->arg), -EINVAL,
		     "accepted, wanted '%s'", b->want);
	cr_assert(strstr(err.text, b->want), "'%s' lacks '%s'", err.text,
		  b->want);
}

/* A command line that parses, and what it says. */
struct good_args {
	unsigned n;
	words arg;
	char kernel[8];
	uint64_t mem;
	double timeout;
	bool verbose;
	char kvm[16];           /* "": not checked */
	char cmdline[24];
};

ParameterizedTestParameters(cli_parse, accepted)
{
	static struct good_args g[] = {
		{ 7, { "--mem", "64M", "--timeout=0.5", "-v", "--kvm",
		       "/tmp/kvm", "k.elf" },
		  "k.elf", 64ull << 20, 0.5, true, "/tmp/kvm", "" },
		/* The = form, and options after the kernel. */
		{ 3, { "k.elf", "--mem=4M", "--verbose" },
		  "k.elf", 4ull << 20, 0, true, "", "" },
		/* Options after -- are kernel words. */
		{ 8, { "--mem", "64M", "k.elf", "--", "--mem", "1G", "-v",
		       "a=b" },
		  "k.elf", 64ull << 20, 0, false, "", "--mem 1G -v a=b" },
		{ 4, { "k.elf", "-v", "--", "x" },
		  "k.elf", CLI_MEM_DEFAULT, 0, true, "", "x" },
		{ 2, { "k.elf", "--" }, "k.elf", CLI_MEM_DEFAULT, 0, false, "",
		  "" },
		/* "--kvm --" names a device called "--", as getopt reads it. */
		{ 3, { "--kvm", "--", "k.elf" },
		  "k.elf", CLI_MEM_DEFAULT, 0, false, "--", "" },
	};

	return cr_make_param_array(struct good_args, g, sizeof g / sizeof g[0]);
}

ParameterizedTest(struct good_args *g, cli_parse, accepted)
{
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse_words(&c, &err, g->n, g->arg), 0, "%s", err.text);
	cr_assert_str_eq(c.kernel, g->kernel);
	cr_assert_eq(c.mem_size, g->mem);
	cr_assert_float_eq(c.timeout, g->timeout, 1e-9);
	cr_assert_eq(c.verbose, g->verbose);
	if (g->kvm[0])
		cr_assert_str_eq(c.kvm_path, g->kvm);
	cr_assert_str_eq(c.cmdline, g->cmdline);
}

Test(cli_parse, cmdline_length)
{
	static char word[CLI_CMDLINE_MAX + 2];
	char *argv[] = { "vmm", "k.elf", "--", word, NULL };
	char *two[] = { "vmm", "k.elf", "--", word, "x", NULL };
	struct errmsg err;
	struct cli c;

	memset(word, 'a', CLI_CMDLINE_MAX);
	word[CLI_CMDLINE_MAX] = '\0';
	cr_assert_eq(parse(&c, &err, argv, ARGC(argv)), 0, "%s", err.text);
	cr_assert_eq(strlen(c.cmdline), CLI_CMDLINE_MAX);
	/* One more byte (the space) is too many. */
	cr_assert_eq(parse(&c, &err, two, ARGC(two)), -EINVAL);
	cr_assert(strstr(err.text, "too long"), "%s", err.text);
	word[CLI_CMDLINE_MAX] = 'a';
	word[CLI_CMDLINE_MAX + 1] = '\0';
	cr_assert_eq(parse(&c, &err, argv, ARGC(argv)), -EINVAL);
}

Test(cli_parse, kvm_path_env)
{
	char *argv[] = { "vmm", "k.elf", NULL };
	char *argv2[] = { "vmm", "--kvm", "/x", "k.elf", NULL };
	struct errmsg err;
	struct cli c;

	setenv(CLI_KVM_ENV, "/tmp/fake-kvm", 1);
	cr_assert_eq(parse(&c, &err, argv, ARGC(argv)), 0);
	cr_assert_str_eq(c.kvm_path, "/tmp/fake-kvm");
	cr_assert_eq(parse(&c, &err, argv2, ARGC(argv2)), 0);
	cr_assert_str_eq(c.kvm_path, "/x", "--kvm beats $VMM_KVM");
	unsetenv(CLI_KVM_ENV);
}

Test(cli_parse, help_and_version)
{
	char *a1[] = { "vmm", "--help", NULL };
	char *a2[] = { "vmm", "-h", "--bogus", NULL };
	char *a3[] = { "vmm", "--version", NULL };
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse(&c, &err, a1, ARGC(a1)), 0);
	cr_assert_eq(c.action, CLI_HELP);
	cr_assert_eq(parse(&c, &err, a2, ARGC(a2)), 0);
	cr_assert_eq(c.action, CLI_HELP);
	cr_assert_eq(parse(&c, &err, a3, ARGC(a3)), 0);
	cr_assert_eq(c.action, CLI_VERSION);
}

Test(cli_parse, repeated_parses_start_afresh)
{
	char *a1[] = { "vmm", "-v", "a.elf", NULL };
	char *a2[] = { "vmm", "b.elf", NULL };
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse(&c, &err, a1, ARGC(a1)), 0);
	cr_assert_eq(parse(&c, &err, a2, ARGC(a2)), 0);
	cr_assert(!c.verbose);
	cr_assert_str_eq(c.kernel, "b.elf");
}

Test(cli_parse, app_ends_the_options)
{
	char *argv[] = { "vmm", "-v", "--env", "A=1", "k.elf", "--app",
			 "./prog", "-v", "--", "--app", "x y", NULL };
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse(&c, &err, argv, ARGC(argv)), 0, "%s", err.text);
	cr_assert(c.verbose);
	cr_assert_str_eq(c.kernel, "k.elf");
	cr_assert_str_eq(c.app, "./prog");
	cr_assert_eq(c.app_argc, 5);
	cr_assert_str_eq(c.app_argv[0], "./prog");
	cr_assert_str_eq(c.app_argv[1], "-v", "the program's, not vmm's");
	cr_assert_str_eq(c.app_argv[2], "--");
	cr_assert_str_eq(c.app_argv[3], "--app");
	cr_assert_str_eq(c.app_argv[4], "x y");
	cr_assert_eq(c.nenv, 1);
	cr_assert_str_eq(c.env[0], "A=1");
	cr_assert_str_eq(c.cmdline, "");
}

Test(cli_parse, app_errors)
{
	char *none[] = { "vmm", "k.elf", "--app", NULL };
	char *empty[] = { "vmm", "k.elf", "--app", "", NULL };
	char *badenv[] = { "vmm", "--env", "=x", "k.elf", "--app", "p", NULL };
	char *noeq[] = { "vmm", "--env", "NAME", "k.elf", "--app", "p", NULL };
	char *noapp[] = { "vmm", "--env", "A=1", "k.elf", NULL };
	char *nokernel[] = { "vmm", "--app", "p", NULL };
	/* A value that looks like the end is still a value. */
	char *asvalue[] = { "vmm", "--serial", "--app", "k.elf", NULL };
	struct errmsg err;
	struct cli c;

	cr_assert_eq(parse(&c, &err, none, ARGC(none)), -EINVAL);
	cr_assert(strstr(err.text, "--app needs a program"), "%s", err.text);
	cr_assert_eq(parse(&c, &err, empty, ARGC(empty)), -EINVAL);
	cr_assert_eq(parse(&c, &err, badenv, ARGC(badenv)), -EINVAL);
	cr_assert(strstr(err.text, "not NAME=VALUE"), "%s", err.text);
	cr_assert_eq(parse(&c, &err, noeq, ARGC(noeq)), -EINVAL);
	cr_assert_eq(parse(&c, &err, noapp, ARGC(noapp)), -EINVAL);
	cr_assert(strstr(err.text, "add --app PROG"), "%s", err.text);
	cr_assert_eq(parse(&c, &err, nokernel, ARGC(nokernel)), -EINVAL);
	cr_assert(strstr(err.text, "missing KERNEL"), "%s", err.text);
	cr_assert_eq(parse(&c, &err, asvalue, ARGC(asvalue)), 0, "%s",
		     err.text);
	cr_assert_str_eq(c.serial, "--app");
	cr_assert_null(c.app);
}

Test(cli_usage, mentions_every_option)
{
	static const char *const want[] = {
		"usage: vmm", "--mem", "--timeout", "--verbose", "--kvm",
		"--version", "--stats", "--disk PATH[,ro]",
		"--net tap=NAME[,mac=MAC]", "--no-console", "--serial FILE",
		"vmm: stats: exits=N io_exits=N mmio_exits=N", "own_kib=N",
		"seccomp_us=N", "--no-seccomp", "--app PROG [ARG...]",
		"--env NAME=VALUE",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cli_usage(f);
	fclose(f);
	for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(strstr(buf, want[i]), "no '%s'", want[i]);
	free(buf);
}
