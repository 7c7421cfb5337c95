#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <platform.h>

#ifndef VMM_VERSION
#define VMM_VERSION "unknown"
#endif

enum {
	OPT_MEM = 256,
	OPT_TIMEOUT,
	OPT_KVM,
	OPT_STATS,
	OPT_KVM_STATS,
	OPT_SERIAL,
	OPT_VERSION,
	OPT_NO_SECCOMP,
	OPT_ENV,
	OPT_DIR,
	OPT_DEVICE,             /* + i: device_type(i)'s option */
};

#define CLI_CORE_OPTIONS 12

static const struct option cli_core_options[CLI_CORE_OPTIONS] = {
	{ "mem",     required_argument, NULL, OPT_MEM },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "kvm",     required_argument, NULL, OPT_KVM },
	{ "stats",   no_argument,       NULL, OPT_STATS },
	{ "kvm-stats", no_argument,     NULL, OPT_KVM_STATS },
	{ "serial",  required_argument, NULL, OPT_SERIAL },
	{ "verbose", no_argument,       NULL, 'v' },
	{ "help",    no_argument,       NULL, 'h' },
	{ "version", no_argument,       NULL, OPT_VERSION },
	{ "no-seccomp", no_argument,    NULL, OPT_NO_SECCOMP },
	{ "env",     required_argument, NULL, OPT_ENV },
	{ "dir",     required_argument, NULL, OPT_DIR },
};

/* The monitor's options, then each device type's; a zeroed end. */
static struct option cli_options[CLI_CORE_OPTIONS + DEVICE_TYPES_MAX + 1];

static void cli_make_options(void)
{
	unsigned n = CLI_CORE_OPTIONS;

	memcpy(cli_options, cli_core_options, sizeof cli_core_options);
	for (unsigned i = 0; i < device_types(); i++)
		cli_options[n++] = (struct option){
			.name = device_type(i)->option,
			.has_arg = device_type(i)->has_value ?
				   required_argument : no_argument,
			.val = OPT_DEVICE + (int)i,
		};
	cli_options[n] = (struct option){ 0 };
}

int cli_parse_size(const char *s, uint64_t *out)
{
	unsigned long long n;
	unsigned shift = 0;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	case 't': case 'T':     /* only so that "1T" is "too large" */
		shift = 40;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end != '\0')
		return -EINVAL;
	if (n > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)n << shift;
	return 0;
}

int cli_parse_seconds(const char *s, double *out)
{
	unsigned digits = 0, dots = 0;
	const char *p;
	double v;

	for (p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.')
			dots++;
		else
			return -EINVAL;
	}
	if (digits == 0 || dots > 1)
		return -EINVAL;
	v = strtod(s, NULL);
	if (!(v <= CLI_TIMEOUT_MAX))
		return -ERANGE;
	*out = v;
	return 0;
}

/* True if arg is "--NAME" (no '=') for an abbreviation of NAME. */
static bool cli_names_option(const char *arg, const char *name)
{
	size_t n;

	if (strncmp(arg, "--", 2) != 0 || strchr(arg, '='))
		return false;
	n = strlen(arg + 2);
	return n > 0 && strncmp(arg + 2, name, n) == 0;
}

/* Whether arg names an option that takes the next word as its value. */
static bool cli_takes_value(const char *arg)
{
	const struct option *o;

	for (o = cli_options; o->name; o++)
		if (o->has_arg == required_argument &&
		    cli_names_option(arg, o->name))
			return true;
	return false;
}

/*
 * The index of the "--" or "--app" that ends the options, or argc. One
 * that is the value of an option ("--kvm --") does not count, as in
 * getopt.
 */
static int cli_find_end(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 || strcmp(argv[i], "--app") == 0)
			return i;
		if (cli_takes_value(argv[i]))
			i++;
	}
	return argc;
}

static int cli_add_env(struct cli *c, char *arg, struct errmsg *err)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg) {
		errmsg_set(err, "--env '%s': not NAME=VALUE", arg);
		return -EINVAL;
	}
	if (c->nenv == CLI_ENV_MAX) {
		errmsg_set(err, "--env: at most %d", CLI_ENV_MAX);
		return -EINVAL;
	}
	c->env[c->nenv++] = arg;
	return 0;
}

/* The words after --app: PROG and its arguments. */
static int cli_set_app(struct cli *c, int n, char **words,
		       struct errmsg *err)
{
	if (n < 1 || !words[0][0]) {
		errmsg_set(err, "--app needs a program (try --help)");
		return -EINVAL;
	}
	c->app = words[0];
	c->app_argv = words;
	c->app_argc = n;
	return 0;
}

static const char *cli_option_name(int val)
{
	const struct option *o;

	for (o = cli_options; o->name; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

static bool cli_is_option_val(int val)
{
	const struct option *o;

	for (o = cli_options; o->name; o++)
		if (o->val == val)
			return true;
	return false;
}

/* Report a getopt error ('?' or ':') in err. */
static void cli_getopt_error(int ch, char **argv, struct errmsg *err)
{
	if (ch == ':') {
		errmsg_set(err, "option '--%s' needs a value (try --help)",
			   cli_option_name(optopt));
	} else if (optopt == 0 || cli_is_option_val(optopt)) {
		/* An unknown or ambiguous long option, or a value given to
		 * one that takes none: getopt has stepped past it. */
		errmsg_set(err, "bad option '%s' (try --help)",
			   argv[optind - 1]);
	} else {
		errmsg_set(err, "unknown option '-%c' (try --help)", optopt);
	}
}

static int cli_set_mem(struct cli *c, const char *arg, struct errmsg *err)
{
	uint64_t size;
	int r;

	r = cli_parse_size(arg, &size);
	if (r == -ERANGE) {
		errmsg_set(err, "--mem '%s': too large", arg);
		return -EINVAL;
	}
	if (r < 0) {
		errmsg_set(err, "--mem '%s': not a size (e.g. 512M, 2G)", arg);
		return -EINVAL;
	}
	if (size < CLI_MEM_MIN || size > PLAT_RAM_MAX) {
		errmsg_set(err, "--mem '%s': must be between 4M and 3G", arg);
		return -EINVAL;
	}
	if (size % 4096) {
		errmsg_set(err, "--mem '%s': must be a multiple of 4K", arg);
		return -EINVAL;
	}
	c->mem_size = size;
	return 0;
}

static int cli_set_timeout(struct cli *c, const char *arg,
			   struct errmsg *err)
{
	int r;

	r = cli_parse_seconds(arg, &c->timeout);
	if (r == -ERANGE) {
		errmsg_set(err, "--timeout '%s': at most %.0f seconds", arg,
			   CLI_TIMEOUT_MAX);
		return -EINVAL;
	}
	if (r < 0) {
		errmsg_set(err, "--timeout '%s': not a number of seconds",
			   arg);
		return -EINVAL;
	}
	return 0;
}

static int cli_set_serial(struct cli *c, const char *arg,
			  struct errmsg *err)
{
	if (!*arg) {
		errmsg_set(err, "--serial: empty file name");
		return -EINVAL;
	}
	c->serial = arg;
	return 0;
}

/* What getopt returned for none of the monitor's own options: a device
 * type's option (with optarg, NULL for a flag), or an error. */
static int cli_set_device(struct cli *c, int ch, char **argv,
			  struct errmsg *err)
{
	const struct device_type *t;
	unsigned i;

	if (ch < OPT_DEVICE || ch >= OPT_DEVICE + (int)device_types()) {
		cli_getopt_error(ch, argv, err);
		return -EINVAL;
	}
	i = (unsigned)(ch - OPT_DEVICE);
	t = device_type(i);
	if (t->one && c->device[i]) {
		errmsg_set(err, "--%s: only one %s", t->option, t->one);
		return -EINVAL;
	}
	c->device[i] = optarg ? optarg : "";
	return 0;
}

/* Join words[0..n) with single spaces into c->cmdline. */
static int cli_join_cmdline(struct cli *c, int n, char **words,
			    struct errmsg *err)
{
	size_t len = 0, wlen;
	int i;

	c->cmdline[0] = '\0';
	for (i = 0; i < n; i++) {
		wlen = strlen(words[i]);
		/* len <= CLI_CMDLINE_MAX always, so this cannot wrap. */
		if (wlen + (i > 0) > CLI_CMDLINE_MAX - len) {
			errmsg_set(err, "kernel command line too long "
				   "(at most %d bytes)", CLI_CMDLINE_MAX);
			return -EINVAL;
		}
		if (i > 0)
			c->cmdline[len++] = ' ';
		memcpy(c->cmdline + len, words[i], wlen);
		len += wlen;
	}
	c->cmdline[len] = '\0';
	return 0;
}

int cli_parse(struct cli *c, int argc, char **argv, struct errmsg *err)
{
	const char *env;
	int end, ch, r;

	memset(c, 0, sizeof(*c));
	c->action = CLI_RUN;
	c->mem_size = CLI_MEM_DEFAULT;
	cli_make_options();

	end = cli_find_end(argc, argv);
	optind = 0;             /* glibc: start afresh */
	opterr = 0;             /* errors are reported through err */
	while ((ch = getopt_long(end, argv, ":vh", cli_options, NULL)) != -1) {
		r = 0;
		switch (ch) {
		case OPT_MEM:
			r = cli_set_mem(c, optarg, err);
			break;
		case OPT_TIMEOUT:
			r = cli_set_timeout(c, optarg, err);
			break;
		case OPT_KVM:
			c->kvm_path = optarg;
			break;
		case 'v':
			c->verbose = true;
			break;
		case OPT_STATS:
			c->stats = true;
			break;
		case OPT_KVM_STATS:
			c->kvm_stats = true;
			break;
		case OPT_NO_SECCOMP:
			c->no_seccomp = true;
			break;
		case OPT_SERIAL:
			r = cli_set_serial(c, optarg, err);
			break;
		case OPT_ENV:
			r = cli_add_env(c, optarg, err);
			break;
		case OPT_DIR:
			if (!*optarg) {
				errmsg_set(err, "--dir: empty directory name");
				r = -EINVAL;
			}
			c->dir = optarg;
			break;

		case 'h':
			c->action = CLI_HELP;
			return 0;
		case OPT_VERSION:
			c->action = CLI_VERSION;
			return 0;
		default:
			r = cli_set_device(c, ch, argv, err);
			break;
		}
		if (r < 0)
			return r;
	}
	if (optind >= end) {
		errmsg_set(err, "missing KERNEL (try --help)");
		return -EINVAL;
	}
	if (end - optind > 1) {
		errmsg_set(err, "unexpected argument '%s' (kernel command "
			   "line words go after --)", argv[optind + 1]);
		return -EINVAL;
	}
	c->kernel = argv[optind];
	if (c->kernel[0] == '\0') {
		errmsg_set(err, "empty KERNEL file name");
		return -EINVAL;
	}
	if (end < argc && strcmp(argv[end], "--app") == 0)
		r = cli_set_app(c, argc - end - 1, argv + end + 1, err);
	else if (end < argc)
		r = cli_join_cmdline(c, argc - end - 1, argv + end + 1, err);
	else
		r = 0;
	if (r < 0)
		return r;
	if (!c->app && (c->nenv || c->dir)) {
		errmsg_set(err, "--%s is for a program: add --app PROG",
			   c->nenv ? "env" : "dir");
		return -EINVAL;
	}
	if (c->dir && device_find("disk") >= 0 &&
	    c->device[device_find("disk")]) {
		errmsg_set(err, "--dir and --disk both give the program its "
			   "/: choose one");
		return -EINVAL;
	}
	if (!c->kvm_path) {
		env = getenv(CLI_KVM_ENV);
		c->kvm_path = env && *env ? env : CLI_KVM_DEFAULT;
	}
	return 0;
}

void cli_usage(FILE *out)
{
	fputs(
"usage: vmm [options] KERNEL [-- kernel command line words...]\n"
"       vmm [options] KERNEL --app PROG [ARG...]\n"
"Boot KERNEL, an x86-64 ELF file with a PVH entry note, in a KVM VM.\n"
"With --app, run PROG, a static x86-64 Linux program, in it: its stdin,\n"
"stdout and stderr are the monitor's, and its exit status is vmm's\n"
"(128 + the signal Linux would send when it faults). --app ends the\n"
"options: every word after PROG is the program's.\n"
"\n"
"  --mem SIZE         guest RAM, 4M to 3G, a multiple of 4K; suffixes\n"
"                     K, M, G; a plain number is bytes (default 128M)\n"
"  --timeout SECONDS  stop the guest after this long and exit 124\n"
"                     (decimals allowed; 0 means no timeout)\n"
"  -v, --verbose      report each distinct VM exit reason, unclaimed\n"
"                     port and MMIO address once, on stderr\n"
"  --kvm PATH         the KVM device (default $VMM_KVM, else /dev/kvm)\n",
	      out);
	for (unsigned i = 0; i < device_types(); i++)
		fputs(device_type(i)->usage, out);
	fputs(
"  --serial FILE      the UART, the kernel's log, to FILE, not stdout\n"
"                     (with --app: not stderr, where it goes with -v)\n"
"  --env NAME=VALUE   with --app: set NAME in the program's environment\n"
"                     (repeatable; the default is PATH, HOME=/,\n"
"                     TERM=linux, LANG=C)\n"
"  --dir HOSTDIR      with --app: the program's / is a read-only copy of\n"
"                     HOSTDIR, taken at start (with mke2fs); with --disk\n"
"                     IMG instead, / is the ext2 file system in IMG\n"

"  --stats            when the guest stops, for whatever reason, print\n"
"                     one line on stderr (folded here):\n"
"                       vmm: stats: exits=N io_exits=N mmio_exits=N\n"
"                         wall_us=N peak_rss_kib=N guest_touched_kib=N\n"
"                         own_kib=N seccomp_us=N\n"
"                     exits: returns from KVM_RUN, of which io_exits and\n"
"                     mmio_exits were port I/O and MMIO; wall_us: since\n"
"                     the monitor started; peak_rss_kib: its peak RSS;\n"
"                     guest_touched_kib: guest RAM resident at the end;\n"
"                     own_kib: the difference, the monitor's own memory;\n"
"                     seccomp_us: building and loading the filters\n"
"  --kvm-stats        when the guest stops, print KVM's own counters for\n"
"                     the run on stderr (KVM_GET_STATS_FD, Linux 5.14+):\n"
"                       vmm: kvm-stats: exits=N insn_emulation=N ...\n"
"                     the nonzero counts of the vCPU, then of the VM\n"
"                     (vm.NAME); under KVM PVM insn_emulation counts the\n"
"                     guest kernel's instructions\n"
"  --no-seccomp       for debugging only: run without the seccomp filters\n"
"                     that otherwise confine the monitor once the VM is\n"
"                     built (a system call outside them kills it with\n"
"                     SIGSYS and one line naming the call)\n"
"  -h, --help         show this text and exit\n"
"  --version          show the version and exit\n"
"\n"
"Exit status: the status the guest wrote to port 0xf4 (values above 255\n"
"become 255); 1 if the guest died (triple fault, KVM error); 2 for a\n"
"usage or input error; 124 on timeout. On SIGINT, SIGTERM or SIGHUP the\n"
"monitor writes out the guest's pending output and dies of the signal.\n", out);
}

void cli_version(FILE *out)
{
	fprintf(out, "vmm %s\n", VMM_VERSION);
}
