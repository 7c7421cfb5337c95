/*
 * ./vmm: parse the command line, check the kernel, build the VM, run it
 * and turn the outcome into the exit status. Only main() exits.
 *
 * Exit status: the guest's status from the exit port (0..255); 1 if the
 * guest died or the monitor failed after the checks (KVM error, out of
 * memory); 2 for a usage error, a bad kernel file or an unusable KVM
 * device; 124 on timeout. SIGINT, SIGTERM or SIGHUP during the run: the
 * guest's output is written out, then the monitor dies of that signal.
 * Every way out after the run flushes the UART first, and with --stats
 * prints the stats line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "bootinfo.h"
#include "bundle.h"
#include "dirimg.h"
#include "cli.h"
#include "confine.h"
#include "devices.h"
#include "exitdev.h"
#include "iothread.h"
#include "kstats.h"
#include "kvm.h"
#include "loader.h"
#include "log.h"
#include "machine.h"
#include "mem.h"
#include "stats.h"
#include "uart.h"

#include <ukern/app.h>

#define EXIT_DIED       1
#define EXIT_USAGE      2
#define EXIT_TIMEOUT    124

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	return "a signal";
}

/* The --stats line for the run that just ended. */
static void print_stats(const struct kvm_vm *vm, const struct mem *mem,
			uint64_t start_us)
{
	struct stats_report rep = {
		.counts = vm->counts, .seccomp_us = confine_cost_us(),
	};
	struct errmsg err;

	if (stats_collect(&rep, mem, start_us, &err) < 0)
		fprintf(stderr, "vmm: %s\n", err.text);
	else
		stats_print(stderr, &rep);
}

/* The UART's output: FILE of --serial, made or emptied, in *fd. 0, or
 * -1 with err. */
static int open_serial(const char *path, int *fd, struct errmsg *err)
{
	*fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (*fd < 0) {
		errmsg_set(err, "--serial %s: %s", path, strerror(errno));
		*fd = STDOUT_FILENO;
		return -1;
	}
	return 0;
}

/* The end of the kernel in guest RAM: the sandbox's program goes above. */
static gpa_t kernel_end(const struct loader_image *img)
{
	gpa_t end = 0;

	for (unsigned i = 0; i < img->nseg; i++)
		if (img->seg[i].paddr + img->seg[i].memsz > end)
			end = img->seg[i].paddr + img->seg[i].memsz;
	return end;
}

/*
 * --app: check the program and build its module; the boot log is quiet
 * unless -v, and the UART (the kernel's log, and the program's stderr)
 * goes to stderr unless --serial says otherwise.
 */
static int app_prepare(struct cli *c, struct bundle *b, struct errmsg *err)
{
	struct app_info info;
	int r;

	r = app_check(c->app, &info, err);
	if (r < 0)
		return r;
	r = bundle_make(b, c->app, c->app_argc, c->app_argv, c->nenv, c->env,
			c->verbose ? UK_APP_VERBOSE : 0, err);
	if (r < 0)
		return r;
	if (!c->verbose)
		snprintf(c->cmdline, sizeof c->cmdline, "quiet");
	return 0;
}

/* --dir: its image, as the disk's option value (read-only). */
static int attach_dir(struct cli *c, char *img, size_t cap,
		      struct errmsg *err)
{
	static char value[300];
	int d = device_find("disk");

	if (d < 0 || dirimg_make(c->dir, img, cap, err) < 0)
		return -1;
	snprintf(value, sizeof value, "%s,ro", img);
	c->device[d] = value;
	return 0;
}

/* Die of sig, as a program killed by it would (the shell sees 128+sig). */
static void die_of_signal(int sig)
{
	sigset_t set;

	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

int main(int argc, char **argv)
{
	struct loader_image img = { .fd = -1 };
	struct bundle app = { 0 };
	static char dir_img[256];
	gpa_t app_at = 0;
	struct errmsg err = { .text = "" };
	enum kvm_outcome outcome;
	struct machine machine;
	struct exitdev exitdev;
	struct mem mem = { 0 };
	struct uart uart;
	struct devices devs = { 0 };
	int serial_fd = STDOUT_FILENO;
	/* Must not move (devices point into it); fds -1 until init. */
	static struct iothread io = { .epoll_fd = -1, .stop_fd = -1 };
	struct kvm_vm vm;
	struct cli cli;
	gpa_t entry, start_info;
	uint64_t start_us = 0;
	int status, r, stop_signal = 0;

	if (cli_parse(&cli, argc, argv, &err) < 0) {
		fprintf(stderr, "vmm: %s\n", err.text);
		return EXIT_USAGE;
	}
	if (cli.action == CLI_HELP) {
		cli_usage(stdout);
		return 0;
	}
	if (cli.action == CLI_VERSION) {
		cli_version(stdout);
		return 0;
	}
	if (cli.stats)
		start_us = stats_now_us();
	log_setup(cli.verbose, stderr);
	kvm_init(&vm);
	if (cli.app && !cli.serial)
		serial_fd = STDERR_FILENO;
	uart_init(&uart, serial_fd);

	/* Check the kernel file and the KVM device before making anything. */
	status = EXIT_USAGE;
	if (loader_open(&img, cli.kernel, cli.mem_size, &err) < 0)
		goto report;
	if (cli.app && app_prepare(&cli, &app, &err) < 0)
		goto report;
	if (cli.dir && attach_dir(&cli, dir_img, sizeof dir_img, &err) < 0)
		goto report;
	if (cli.serial && open_serial(cli.serial, &serial_fd, &err) < 0)
		goto report;
	r = devices_open(&devs, &cli, &mem, &err);
	if (dir_img[0])
		unlink(dir_img);        /* the device holds it open */
	dir_img[0] = 0;                 /* and nothing is left to remove */
	if (r < 0)
		goto report;
	uart_init(&uart, serial_fd);
	if (kvm_open(&vm, cli.kvm_path, &err) < 0)
		goto report;

	status = EXIT_DIED;
	r = mem_init(&mem, cli.mem_size);
	if (r < 0) {
		errmsg_set(&err, "cannot map %llu bytes of guest RAM: %s",
			   (unsigned long long)cli.mem_size, strerror(-r));
		goto report;
	}
	if (loader_copy(&img, &mem, &err) < 0)
		goto report;
	entry = img.entry;
	if (app.data && bundle_place(&app, &mem, kernel_end(&img), &app_at,
				     &err) < 0) {
		status = EXIT_USAGE;
		goto report;
	}
	loader_close(&img);
	if (bootinfo_build(&mem, cli.cmdline, &start_info, &err) < 0)
		goto report;
	if (app.data) {
		bootinfo_add_module(&mem, app_at, app.size);
		bundle_free(&app);
	}

	machine_init(&machine);
	r = iothread_init(&io);
	if (r < 0) {
		errmsg_set(&err, "cannot make the I/O thread: %s", strerror(-r));
		goto report;
	}
	r = uart_register(&uart, &machine.pio);
	if (r == 0)
		r = exitdev_register(&exitdev, &machine);
	if (r < 0) {
		errmsg_set(&err, "cannot register the devices: %s",
			   strerror(-r));
		goto report;
	}
	/* virtio is served by the I/O thread (ioeventfd in, irqfd out). */
	if (devices_attach(&devs, &io, &machine.mmio, &err) < 0)
		goto report;

	if (kvm_setup(&vm, &mem, entry, start_info, &err) < 0)
		goto report;
	/* From here on each thread runs under its seccomp allow-list. */
	if (!cli.no_seccomp && confine_prepare(cli.kvm_stats, &err) < 0)
		goto report;
	if (io.ndevs) {
		kvm_attach_iothread(&vm, &io);
		io.enter = cli.no_seccomp ? NULL : confine_io_thread;
		r = iothread_start(&io);
		if (r < 0) {
			errmsg_set(&err, "cannot start the I/O thread: %s%s",
				   strerror(-r), cli.no_seccomp ? "" :
				   " (its seccomp filter?)");
			goto report;
		}
	}
	devices_start(&devs);
	if (app_at)
		bundle_stamp(&mem, app_at);
	if (!cli.no_seccomp && confine_thread(CONFINE_VCPU, &err) < 0)
		goto report;
	r = kvm_run_vcpu(&vm, &machine, cli.timeout, &outcome, &err);
	iothread_stop(&io);
	devices_stop(&devs);
	if (r < 0)
		goto report;
	/* The guest has stopped, whatever the reason: its output first. */
	uart_flush(&uart);
	switch (outcome) {
	case KVM_OUTCOME_STOPPED:
		status = machine.status;
		break;
	case KVM_OUTCOME_TIMEOUT:
		fprintf(stderr, "vmm: timeout after %g s\n", cli.timeout);
		status = EXIT_TIMEOUT;
		break;
	case KVM_OUTCOME_DIED:
		fprintf(stderr, "vmm: %s\n", err.text);
		kvm_dump_regs(&vm, stderr);
		status = EXIT_DIED;
		break;
	case KVM_OUTCOME_SIGNAL:
		stop_signal = vm.stop_signal;
		fprintf(stderr, "vmm: stopped by %s\n",
			signal_name(stop_signal));
		status = 128 + stop_signal;
		break;
	}
	if (cli.stats)
		print_stats(&vm, &mem, start_us);
	if (cli.kvm_stats)
		kstats_print(stderr, vm.vcpu_fd, vm.vm_fd);
	goto done;
report:
	uart_flush(&uart);
	fprintf(stderr, "vmm: %s\n", err.text);
done:
	uart_flush(&uart);
	iothread_stop(&io);
	devices_stop(&devs);
	kvm_close(&vm);
	iothread_destroy(&io);
	devices_close(&devs);
	if (serial_fd != STDOUT_FILENO && serial_fd != STDERR_FILENO)
		close(serial_fd);
	bundle_free(&app);
	if (dir_img[0])
		unlink(dir_img);        /* a failure before the disk opened */
	mem_free(&mem);
	loader_close(&img);
	if (stop_signal)
		die_of_signal(stop_signal);
	return status;
}
