/*
 * The table of device types (devices.c): the order of the windows, the
 * options and --help lines the types bring, and one run's devices opened,
 * announced, attached to an I/O thread and closed through it.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "devices.h"
#include "iothread.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

Test(devices, table_in_window_order)
{
	static const char *const want[] = { "disk", "net", "no-console" };

	cr_assert_eq(device_types(), 3);
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_str_eq(device_type(i)->option, want[i]);
		cr_assert_eq(device_find(want[i]), (int)i);
		cr_assert(i == 0 || device_type(i)->order >
				    device_type(i - 1)->order);
		cr_assert(device_type(i)->open && device_type(i)->close);
	}
	cr_assert_null(device_type(3));
	cr_assert_eq(device_find("serial"), -1, "the UART's, not a device's");
}

Test(devices, usage_lines_in_order)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *kvm, *disk, *net, *cons, *serial;

	cli_usage(f);
	fclose(f);
	kvm = strstr(buf, "  --kvm PATH");
	disk = strstr(buf, "  --disk PATH[,ro]");
	net = strstr(buf, "  --net tap=NAME[,mac=MAC]\n");
	cons = strstr(buf, "  --no-console ");
	serial = strstr(buf, "  --serial FILE");
	cr_assert(kvm && disk && net && cons && serial, "%s", buf);
	cr_assert(kvm < disk && disk < net && net < cons && cons < serial);
	free(buf);
}

/* A run's devices from argv: open, and the command line they made. */
static struct devices dv;
static struct mem m;
static struct cli c;
static char disk_path[] = "/tmp/vmm-devices-XXXXXX";

static int open_from(char **argv, int argc, struct errmsg *err)
{
	cr_assert_eq(cli_parse(&c, argc, argv, err), 0, "%s", err->text);
	return devices_open(&dv, &c, &m, err);
}

static void setup(void)
{
	int fd = mkstemp(disk_path);

	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, 4096), 0);
	close(fd);
}

static void teardown(void)
{
	devices_close(&dv);
	unlink(disk_path);
	strcpy(disk_path, "/tmp/vmm-devices-XXXXXX");
}

TestSuite(devices_run, .init = setup, .fini = teardown);

Test(devices_run, console_alone_is_window_0)
{
	char *argv[] = { "vmm", "k.elf", "--", "a=b", NULL };
	struct errmsg err = { .text = "" };

	cr_assert_eq(open_from(argv, ARGC(argv), &err), 0, "%s", err.text);
	cr_assert_str_eq(c.cmdline, "a=b virtio_mmio.device=512@0xfeb00000:5");
	cr_assert_null(dv.dev[0]);
	cr_assert_null(dv.dev[1]);
	cr_assert_not_null(dv.dev[2]);
}

Test(devices_run, disk_then_console_on_the_io_thread)
{
	char *argv[] = { "vmm", "--disk", disk_path, "k.elf", NULL };
	struct errmsg err = { .text = "" };
	struct iothread t;
	struct bus mmio;
	uint64_t v;

	cr_assert_eq(open_from(argv, ARGC(argv), &err), 0, "%s", err.text);
	cr_assert_str_eq(c.cmdline, "virtio_mmio.device=512@0xfeb00000:5 "
			 "virtio_mmio.device=512@0xfeb01000:6");
	cr_assert_eq(mem_init(&m, 1 << 20), 0);
	bus_init(&mmio, BUS_MMIO);
	cr_assert_eq(iothread_init(&t), 0);
	cr_assert_eq(devices_attach(&dv, &t, &mmio, &err), 0, "%s", err.text);
	cr_assert_eq(t.ndevs, 2);
	cr_assert(bus_read(&mmio, 0xfeb00008, 4, &v));
	cr_assert_eq(v, 2, "the disk in window 0");
	cr_assert(bus_read(&mmio, 0xfeb01008, 4, &v));
	cr_assert_eq(v, 3, "the console in window 1");
	cr_assert(t.dev[1].watch_fd >= 0, "stdin, or what stands in for it");
	devices_start(&dv);
	devices_stop(&dv);
	iothread_destroy(&t);
	mem_free(&m);
}

Test(devices_run, errors_name_the_option)
{
	char *bad_disk[] = { "vmm", "--disk", "d.img,rw", "k.elf", NULL };
	char *no_file[] = { "vmm", "--disk", "/nonexistent/d.img", "k.elf",
			    NULL };
	char *bad_net[] = { "vmm", "--net", "eth0", "k.elf", NULL };
	struct errmsg err = { .text = "" };

	cr_assert_eq(open_from(bad_disk, ARGC(bad_disk), &err), -1);
	cr_assert_str_eq(err.text, "--disk d.img,rw: unknown option 'rw' "
			 "(only ro)");
	devices_close(&dv);
	cr_assert_eq(open_from(no_file, ARGC(no_file), &err), -1);
	cr_assert(strstr(err.text, "/nonexistent/d.img: No such file"), "%s",
		  err.text);
	devices_close(&dv);
	cr_assert_eq(open_from(bad_net, ARGC(bad_net), &err), -1);
	cr_assert(strstr(err.text, "--net eth0: expected tap=NAME"), "%s",
		  err.text);
}

Test(devices_run, announcements_must_fit_the_command_line)
{
	static char word[CLI_CMDLINE_MAX - 20];
	char *argv[] = { "vmm", "k.elf", "--", word, NULL };
	struct errmsg err = { .text = "" };

	memset(word, 'w', sizeof word - 1);
	cr_assert_eq(open_from(argv, ARGC(argv), &err), -1);
	cr_assert_str_eq(err.text, "kernel command line too long for the "
			 "devices");
}
