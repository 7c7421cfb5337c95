#include "kstats.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#define KSTATS_MAX_DESC 4096    /* KVM has about 70 per vCPU */
#define KSTATS_MAX_NAME 256     /* KVM's names fit in 48 bytes */
#define KSTATS_LINE     4096

/* Read exactly n bytes at off, or fail. */
static int read_at(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r = pread(fd, buf, n, (off_t)off);

	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -EINVAL;
}

/* A plain count: one value, cumulative or instant or peak, no unit. */
static int is_counter(const struct kvm_stats_desc *d)
{
	uint32_t type = d->flags & KVM_STATS_TYPE_MASK;

	return d->size == 1 &&
	       (d->flags & KVM_STATS_UNIT_MASK) == KVM_STATS_UNIT_NONE &&
	       (type == KVM_STATS_TYPE_CUMULATIVE ||
		type == KVM_STATS_TYPE_INSTANT || type == KVM_STATS_TYPE_PEAK);
}

int kstats_append(char *line, size_t n, int fd, const char *prefix,
		  struct errmsg *err)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc d;
	char *name;
	size_t dsz, len = strlen(line);
	uint8_t *descs;
	int r;

	r = read_at(fd, &h, sizeof(h), 0);
	if (r == 0 && (h.num_desc > KSTATS_MAX_DESC || h.name_size == 0 ||
		       h.name_size > KSTATS_MAX_NAME))
		r = -EINVAL;
	if (r < 0) {
		errmsg_set(err, "statistics header: %s", strerror(-r));
		return r;
	}
	dsz = sizeof(d) + h.name_size;
	descs = calloc(h.num_desc ? h.num_desc : 1, dsz);
	if (!descs) {
		errmsg_set(err, "statistics: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	r = read_at(fd, descs, h.num_desc * dsz, h.desc_offset);
	for (uint32_t i = 0; r == 0 && i < h.num_desc; i++) {
		char tok[KSTATS_MAX_NAME + 32];
		uint64_t v;
		int k;

		/* Copied out: name_size need not keep descriptors aligned. */
		memcpy(&d, descs + i * dsz, sizeof(d));
		name = (char *)descs + i * dsz + sizeof(d);
		name[h.name_size - 1] = '\0';
		if (!is_counter(&d))
			continue;
		r = read_at(fd, &v, sizeof(v), (uint64_t)h.data_offset +
			    d.offset);
		if (r < 0 || !v)
			continue;
		/* Whole tokens only: a cut one could read as another value. */
		k = snprintf(tok, sizeof(tok), " %.8s%s=%llu", prefix, name,
			     (unsigned long long)v);
		if (k > 0 && (size_t)k < sizeof(tok) && len + (size_t)k < n) {
			memcpy(line + len, tok, (size_t)k + 1);
			len += (size_t)k;
		}
	}
	free(descs);
	if (r < 0) {
		errmsg_set(err, "statistics: %s", strerror(-r));
		return r;
	}
	return 0;
}

void kstats_print(FILE *out, int vcpu_fd, int vm_fd)
{
	static char line[KSTATS_LINE];
	struct errmsg err;
	int fds[2] = { vcpu_fd, vm_fd }, r = 0;
	const char *prefix[2] = { "", "vm." };

	line[0] = '\0';
	for (int i = 0; i < 2 && r == 0; i++) {
		int sfd = ioctl(fds[i], KVM_GET_STATS_FD, NULL);

		if (sfd < 0) {
			r = -errno;
			errmsg_set(&err, "KVM_GET_STATS_FD: %s (KVM before "
				   "Linux 5.14?)", strerror(-r));
			break;
		}
		r = kstats_append(line, sizeof(line), sfd, prefix[i], &err);
		close(sfd);
	}
	if (r < 0)
		fprintf(out, "vmm: kvm-stats: %s\n", err.text);
	else
		fprintf(out, "vmm: kvm-stats:%s\n", line);
}
