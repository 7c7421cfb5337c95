/*
 * The command line of ./vmm, parsed into a struct with no side effects
 * other than getopt's permutation of argv, so that tests can call it:
 *
 *   vmm [options] KERNEL [-- kernel command line words...]
 *   vmm [options] KERNEL --app PROG [ARG...]
 *
 * The options of the monitor itself are here; each device type brings
 * its own (devices.h), whose values land in device[] unchecked (but
 * for a second value where only one is allowed): the device reads them
 * when it opens.
 */
#ifndef VMM_CLI_H
#define VMM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices.h"
#include "log.h"

#define CLI_MEM_DEFAULT   (128ull << 20)
#define CLI_MEM_MIN       (4ull << 20)
/* CLI_MEM_MAX is PLAT_RAM_MAX: RAM stays below the 32-bit MMIO window. */
#define CLI_CMDLINE_MAX   4095          /* bytes, without the final NUL */
#define CLI_TIMEOUT_MAX   1000000.0     /* seconds, about 11.5 days */
#define CLI_KVM_DEFAULT   "/dev/kvm"
#define CLI_KVM_ENV       "VMM_KVM"
#define CLI_ENV_MAX       256           /* --env options */

enum cli_action {
	CLI_RUN,
	CLI_HELP,
	CLI_VERSION,
};

struct cli {
	enum cli_action action;
	const char *kernel;             /* the ELF file to boot */
	uint64_t mem_size;              /* bytes of guest RAM */
	double timeout;                 /* seconds, 0 = none */
	bool verbose;
	bool stats;                     /* --stats: one line of costs at the end */
	bool kvm_stats;                 /* --kvm-stats: KVM's counters, too */
	bool no_seccomp;                /* --no-seccomp: run unconfined */
	const char *kvm_path;           /* --kvm, else $VMM_KVM, else default */
	const char *serial;             /* --serial FILE, or NULL: stdout */
	/* device_type(i)'s option: its value, "" for a flag, NULL if not
	 * given. */
	const char *device[DEVICE_TYPES_MAX];
	char cmdline[CLI_CMDLINE_MAX + 1];      /* words after --, joined */
	/* The sandbox: --app PROG ARG... (app_argv[0] is PROG). */
	const char *app;
	char **app_argv;
	int app_argc;
	char *env[CLI_ENV_MAX];         /* --env NAME=VALUE, in order */
	int nenv;
	const char *dir;                /* --dir HOSTDIR: a read-only / */
};

/*
 * Parse a size: decimal digits and an optional suffix K, M, G or T
 * (either case, powers of 1024); no suffix means bytes. Returns 0 and *out,
 * -EINVAL for anything else, -ERANGE if it does not fit in 64 bits.
 */
int cli_parse_size(const char *s, uint64_t *out);

/*
 * Parse seconds: digits with at most one decimal point ("2", "0.5",
 * ".5"). Returns 0 and *out, -EINVAL for anything else, -ERANGE above
 * CLI_TIMEOUT_MAX.
 */
int cli_parse_seconds(const char *s, double *out);

/*
 * Fill *c from argv. Returns 0 (check c->action: help and version stop
 * parsing) or -EINVAL with the reason in *err (a usage error). Reads
 * $VMM_KVM; permutes argv like GNU getopt does.
 */
int cli_parse(struct cli *c, int argc, char **argv, struct errmsg *err);

/* Print the usage text (for --help). */
void cli_usage(FILE *out);

/* Print the version line (for --version). */
void cli_version(FILE *out);

#endif
