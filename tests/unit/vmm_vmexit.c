/* Exits made up on the host: port I/O and MMIO reach the buses. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <platform.h>

#include "../fakekvm/kvm_exit.h"
#include "exitdev.h"
#include "machine.h"
#include "vmexit.h"

#define RUN_SIZE 8192
#define DATA_OFF 4096

struct probe {
	uint64_t last_off, last_val;
	unsigned writes, reads;
};

static uint64_t probe_read(void *opaque, uint64_t off, unsigned size)
{
	struct probe *p = opaque;

	(void)size;
	p->reads++;
	return 0xa0 + off + p->reads;
}

static void probe_write(void *opaque, uint64_t off, unsigned size,
			uint64_t val)
{
	struct probe *p = opaque;

	(void)size;
	p->writes++;
	p->last_off = off;
	p->last_val = val;
}

static const struct bus_ops probe_ops = { probe_read, probe_write };

static struct kvm_run *run;
static struct machine m;
static struct probe probe;

static void setup(void)
{
	run = aligned_alloc(4096, RUN_SIZE);
	memset(run, 0, RUN_SIZE);
	memset(&probe, 0, sizeof(probe));
	machine_init(&m);
	cr_assert_eq(bus_register(&m.pio, 0x500, 8, &probe_ops, &probe, "p"),
		     0);
	cr_assert_eq(bus_register(&m.mmio, 0xfeb00000, 0x200, &probe_ops,
				  &probe, "p"), 0);
}

static void teardown(void)
{
	free(run);
}

TestSuite(vmexit, .init = setup, .fini = teardown);

static void io(uint8_t dir, uint16_t port, uint8_t size, uint32_t count,
	       uint64_t off)
{
	kvm_exit_io(run, dir, port, size, count, off);
}

Test(vmexit, out_byte)
{
	((uint8_t *)run)[DATA_OFF] = 0x42;
	io(KVM_EXIT_IO_OUT, 0x502, 1, 1, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	cr_assert_eq(probe.writes, 1);
	cr_assert_eq(probe.last_off, 2);
	cr_assert_eq(probe.last_val, 0x42);
}

Test(vmexit, out_dword)
{
	uint32_t v = 0xdeadbeef;

	memcpy((uint8_t *)run + DATA_OFF, &v, 4);
	io(KVM_EXIT_IO_OUT, 0x504, 4, 1, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	cr_assert_eq(probe.last_val, 0xdeadbeef);
}

Test(vmexit, string_out)
{
	memcpy((uint8_t *)run + DATA_OFF, "abc", 3);
	io(KVM_EXIT_IO_OUT, 0x500, 1, 3, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	cr_assert_eq(probe.writes, 3);
	cr_assert_eq(probe.last_val, 'c');
}

Test(vmexit, string_in_words)
{
	uint16_t w[3];

	io(KVM_EXIT_IO_IN, 0x500, 2, 3, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	memcpy(w, (uint8_t *)run + DATA_OFF, sizeof(w));
	cr_assert_eq(w[0], 0xa1);
	cr_assert_eq(w[1], 0xa2);
	cr_assert_eq(w[2], 0xa3);
}

Test(vmexit, in_unclaimed_is_all_ones)
{
	uint32_t v;

	io(KVM_EXIT_IO_IN, 0x80, 4, 1, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	memcpy(&v, (uint8_t *)run + DATA_OFF, 4);
	cr_assert_eq(v, 0xffffffff);
}

Test(vmexit, exit_port_stops)
{
	struct exitdev d;

	cr_assert_eq(exitdev_register(&d, &m), 0);
	((uint8_t *)run)[DATA_OFF] = 7;
	io(KVM_EXIT_IO_OUT, PLAT_EXIT_PORT, 1, 1, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	cr_assert(m.stop);
	cr_assert_eq(m.status, 7);
}

Test(vmexit, string_out_to_exit_port_first_status_wins)
{
	struct exitdev d;

	cr_assert_eq(exitdev_register(&d, &m), 0);
	memcpy((uint8_t *)run + DATA_OFF, "\x07\x09\x0b", 3);
	io(KVM_EXIT_IO_OUT, PLAT_EXIT_PORT, 1, 3, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	cr_assert(m.stop);
	cr_assert_eq(m.status, 7, "the first byte, not the last");
}

Test(vmexit, nothing_after_a_stop)
{
	/* Once a device has asked to stop, no item reaches a device. */
	m.stop = true;
	io(KVM_EXIT_IO_OUT, 0x500, 1, 4, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	cr_assert_eq(probe.writes, 0);
	m.stop = false;
	io(KVM_EXIT_IO_OUT, 0x500, 1, 4, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	cr_assert_eq(probe.writes, 4);
}

Test(vmexit, string_in_bytes_fill_the_data)
{
	uint8_t b[5];

	memset((uint8_t *)run + DATA_OFF, 0, 5);
	io(KVM_EXIT_IO_IN, 0x503, 1, 4, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0);
	memcpy(b, (uint8_t *)run + DATA_OFF, 5);
	cr_assert_eq(b[0], 0xa0 + 3 + 1);
	cr_assert_eq(b[3], 0xa0 + 3 + 4);
	cr_assert_eq(b[4], 0, "nothing past count * size");
}

Test(vmexit, fail_entry_hints)
{
	cr_assert_str_eq(vmexit_fail_entry_hint(0x80000021),
			 "VMX: invalid guest state");
	cr_assert_str_eq(vmexit_fail_entry_hint(0x80000022),
			 "VMX: MSR loading");
	cr_assert_str_eq(vmexit_fail_entry_hint(0x80000029),
			 "VMX: machine-check event");
	cr_assert_str_eq(vmexit_fail_entry_hint(0xffffffffull),
			 "SVM: VMRUN rejected the guest state");
	cr_assert_str_eq(vmexit_fail_entry_hint(UINT64_MAX),
			 "SVM: VMRUN rejected the guest state");
	cr_assert_null(vmexit_fail_entry_hint(7), "VM-instruction error");
	cr_assert_null(vmexit_fail_entry_hint(0x80000030));
	cr_assert_null(vmexit_fail_entry_hint(0x21), "bit 31 clear");
}

Test(vmexit, malformed_io)
{
	io(KVM_EXIT_IO_OUT, 0x500, 3, 1, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), -EINVAL, "size 3");
	io(KVM_EXIT_IO_OUT, 0x500, 8, 1, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), -EINVAL, "size 8");
	io(KVM_EXIT_IO_OUT, 0x500, 1, 0, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), -EINVAL, "count 0");
	io(KVM_EXIT_IO_OUT, 0x500, 1, 1, RUN_SIZE);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), -EINVAL, "data outside");
	io(KVM_EXIT_IO_OUT, 0x500, 4, 1025, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), -EINVAL, "runs past end");
	io(KVM_EXIT_IO_OUT, 0x500, 4, 1024, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), 0, "exactly fits");
	io(KVM_EXIT_IO_OUT, 0x500, 4, 0xffffffff, DATA_OFF);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), -EINVAL, "huge count");
	io(KVM_EXIT_IO_OUT, 0x500, 1, 1, UINT64_MAX);
	cr_assert_eq(vmexit_io(&m, run, RUN_SIZE), -EINVAL, "huge offset");
	cr_assert_eq(probe.writes, 1024, "nothing done for a bad exit");
}

Test(vmexit, mmio_write_and_read)
{
	uint64_t v = 0x1122334455667788ull;

	kvm_exit_mmio(run, 0xfeb00070, 8, 1, v);
	cr_assert_eq(vmexit_mmio(&m, run), 0);
	cr_assert_eq(probe.last_off, 0x70);
	cr_assert_eq(probe.last_val, v);

	kvm_exit_mmio(run, 0xfeb00070, 4, 0, 0);
	cr_assert_eq(vmexit_mmio(&m, run), 0);
	memcpy(&v, run->mmio.data, 8);
	cr_assert_eq(v, 0xa0 + 0x70 + 1);
}

Test(vmexit, mmio_unclaimed_and_malformed)
{
	uint32_t v;

	kvm_exit_mmio(run, 0xd0000000, 4, 0, 0);
	cr_assert_eq(vmexit_mmio(&m, run), 0);
	memcpy(&v, run->mmio.data, 4);
	cr_assert_eq(v, 0xffffffff);
	run->mmio.len = 0;
	cr_assert_eq(vmexit_mmio(&m, run), -EINVAL);
	run->mmio.len = 9;
	cr_assert_eq(vmexit_mmio(&m, run), -EINVAL);
}

Test(vmexit, names)
{
	cr_assert_str_eq(vmexit_name(KVM_EXIT_IO), "KVM_EXIT_IO");
	cr_assert_str_eq(vmexit_name(KVM_EXIT_SHUTDOWN), "KVM_EXIT_SHUTDOWN");
	cr_assert_str_eq(vmexit_name(KVM_EXIT_INTERNAL_ERROR),
			 "KVM_EXIT_INTERNAL_ERROR");
	cr_assert_str_eq(vmexit_name(14), "unknown");   /* s390 only */
	cr_assert_str_eq(vmexit_name(0xffffffff), "unknown");
}

Test(vmexit, internal_error_names)
{
	cr_assert_str_eq(vmexit_internal_error_name(1), "emulation failure");
	cr_assert_str_eq(vmexit_internal_error_name(2),
			 "simultaneous exceptions");
	cr_assert_str_eq(vmexit_internal_error_name(3),
			 "exit while delivering an event");
	cr_assert_str_eq(vmexit_internal_error_name(4),
			 "unexpected exit reason");
	cr_assert_str_eq(vmexit_internal_error_name(0), "unknown");
	cr_assert_str_eq(vmexit_internal_error_name(0xffffffff), "unknown");
}
