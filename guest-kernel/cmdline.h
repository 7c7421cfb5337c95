/*
 * The kernel command line: copied out of the start info, then split into
 * flags (`quiet`), options (`key=value`) and virtio-mmio devices
 * (`virtio_mmio.device=<size>[K|M]@<addr>:<irq>`). Pure (host-tested).
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "platform.h"

#define CMDLINE_MAX      4096   /* bytes kept, with the NUL */
#define CMDLINE_OPTS_MAX 32

struct cmdline_opt {
	const char *key;
	const char *val;        /* NULL for a bare flag */
};

struct cmdline_dev {
	uint64_t base, size;
	uint32_t irq;
};

struct cmdline {
	char buf[CMDLINE_MAX];  /* the tokens, NUL-separated */
	struct cmdline_opt opt[CMDLINE_OPTS_MAX];
	struct cmdline_dev dev[PLAT_VIRTIO_MMIO_MAX];
	unsigned nopt, ndev;
	unsigned opts_dropped;  /* options beyond CMDLINE_OPTS_MAX */
	unsigned devs_dropped;  /* good devices beyond PLAT_VIRTIO_MMIO_MAX */
	unsigned devs_bad;      /* malformed virtio_mmio.device values */
	unsigned devs_dup;      /* devices overlapping an earlier one */
	const char *first_bad;  /* the first malformed value, or NULL */
};

/* Copies the NUL-terminated src into dst (cap > 0 bytes), reading at most
 * cap - 1 bytes of src; sets *truncated if src was longer. Returns the
 * length copied. */
size_t cmdline_copy(char *dst, size_t cap, const char *src, bool *truncated);

/* Splits line (its first CMDLINE_MAX - 1 bytes) at spaces and other
 * control characters into cl, which keeps its own copy of the tokens.
 * Never fails: malformed or extra entries are counted in cl. */
void cmdline_parse(const char *line, struct cmdline *cl);

/* The value of the last `key=value`, or NULL. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* Whether the bare flag `name` is present. */
bool cmdline_flag(const struct cmdline *cl, const char *name);

/* Parses a whole string as a decimal or 0x-hex number; false on anything
 * else or on overflow. */
bool cmdline_num(const char *s, uint64_t *out);

#endif
