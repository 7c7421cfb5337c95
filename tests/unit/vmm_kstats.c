/* --kvm-stats: reading KVM's binary statistics, from crafted files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kstats.h"

#define NAME_SIZE 48

struct desc {
	struct kvm_stats_desc d;
	char name[NAME_SIZE];
};

/* A statistics file as KVM lays it out: header, descriptors, data. */
static int stats_file(const struct desc *d, unsigned n, const uint64_t *v,
		      unsigned nv)
{
	struct kvm_stats_header h = {
		.name_size = NAME_SIZE, .num_desc = n,
		.desc_offset = 64, .data_offset = 64 + n * sizeof(*d),
	};
	int fd = memfd_create("kstats", 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(pwrite(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	cr_assert_eq(pwrite(fd, d, n * sizeof(*d), h.desc_offset),
		     (ssize_t)(n * sizeof(*d)));
	cr_assert_eq(pwrite(fd, v, nv * 8, h.data_offset), (ssize_t)(nv * 8));
	return fd;
}

static struct desc counter(const char *name, uint32_t flags, uint16_t size,
			   uint32_t offset)
{
	struct desc d = { .d = { .flags = flags, .size = size,
				 .offset = offset } };

	strncpy(d.name, name, NAME_SIZE - 1);
	return d;
}

Test(kstats, counters_only_nonzero_in_order)
{
	struct desc d[] = {
		counter("exits", KVM_STATS_TYPE_CUMULATIVE, 1, 0),
		counter("halt_wait_ns", KVM_STATS_TYPE_CUMULATIVE |
			KVM_STATS_UNIT_SECONDS, 1, 8),
		counter("zero", KVM_STATS_TYPE_CUMULATIVE, 1, 16),
		counter("hist", KVM_STATS_TYPE_LOG_HIST, 2, 24),
		counter("pages_4k", KVM_STATS_TYPE_INSTANT, 1, 40),
		counter("max_rmap", KVM_STATS_TYPE_PEAK, 1, 48),
	};
	uint64_t v[] = { 278, 999, 0, 5, 6, 36, 2 };
	char line[256] = "";
	struct errmsg err;
	int fd = stats_file(d, 6, v, 7);

	cr_assert_eq(kstats_append(line, sizeof(line), fd, "vm.", &err), 0);
	cr_assert_str_eq(line, " vm.exits=278 vm.pages_4k=36 vm.max_rmap=2");
	close(fd);
}

Test(kstats, a_long_line_is_cut_not_overrun)
{
	struct desc d[] = {
		counter("a_rather_long_counter_name", 0, 1, 0),
		counter("another_rather_long_name", 0, 1, 8),
	};
	uint64_t v[] = { 123456789, 987654321 };
	char line[24] = "";
	struct errmsg err;
	int fd = stats_file(d, 2, v, 2);

	cr_assert_eq(kstats_append(line, sizeof(line), fd, "", &err), 0);
	cr_assert_str_eq(line, "", "a token that does not fit is left out");
	close(fd);
	fd = stats_file(d, 2, v, 2);
	{
		char wide[48] = "";

		cr_assert_eq(kstats_append(wide, sizeof(wide), fd, "", &err),
			     0);
		cr_assert_str_eq(wide, " a_rather_long_counter_name=123456789",
				 "the first whole, the second left out");
	}
	close(fd);
}

Test(kstats, bad_files_are_refused)
{
	struct kvm_stats_header h = { .name_size = NAME_SIZE,
				      .num_desc = 1u << 30 };
	struct desc d[] = { counter("exits", 0, 1, 4096) };
	uint64_t v[] = { 1 };
	char line[64] = "";
	struct errmsg err;
	int fd = memfd_create("kstats", 0);

	cr_assert_eq(kstats_append(line, sizeof(line), fd, "", &err), -EINVAL,
		     "empty file");
	cr_assert_eq(pwrite(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	cr_assert_eq(kstats_append(line, sizeof(line), fd, "", &err), -EINVAL,
		     "absurd descriptor count");
	h.num_desc = 1;
	h.name_size = 0;
	cr_assert_eq(pwrite(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	cr_assert_eq(kstats_append(line, sizeof(line), fd, "", &err), -EINVAL,
		     "no room for names");
	h.name_size = 4096;
	cr_assert_eq(pwrite(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	cr_assert_eq(kstats_append(line, sizeof(line), fd, "", &err), -EINVAL,
		     "absurd name size");
	h.name_size = NAME_SIZE;
	h.desc_offset = 1u << 20;
	cr_assert_eq(pwrite(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	cr_assert_eq(kstats_append(line, sizeof(line), fd, "", &err), -EINVAL,
		     "descriptors past the end");
	close(fd);
	fd = stats_file(d, 1, v, 1);    /* the value lies past the end */
	cr_assert_eq(kstats_append(line, sizeof(line), fd, "", &err), -EINVAL);
	cr_assert_str_eq(line, "", "nothing half-written");
	close(fd);
}
