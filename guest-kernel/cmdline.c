#include "cmdline.h"

#define DEVICE_KEY "virtio_mmio.device"

size_t cmdline_copy(char *dst, size_t cap, const char *src, bool *truncated)
{
	size_t n = 0;

	while (n + 1 < cap && src[n]) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	*truncated = src[n] != '\0';
	return n;
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Parses a number at *s up to a character that is not a digit; advances
 * *s. False if there is no digit or on overflow. */
static bool number(const char **s, uint64_t *out)
{
	const char *p = *s;
	unsigned base = 10;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (const char *start = p;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else if (p == start)
			return false;
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*s = p;
	*out = v;
	return true;
}

bool cmdline_num(const char *s, uint64_t *out)
{
	uint64_t v;

	if (!number(&s, &v) || *s)
		return false;
	*out = v;
	return true;
}

/* Parses `<size>[K|M]@<addr>:<irq>` into d: the window must be non-empty,
 * below 4 GiB (reachable through the direct map), the IRQ a byte. */
static bool parse_dev(const char *s, struct cmdline_dev *d)
{
	uint64_t size, base, irq;

	if (!number(&s, &size))
		return false;
	if (*s == 'K' || *s == 'k' || *s == 'M' || *s == 'm') {
		unsigned shift = (*s == 'K' || *s == 'k') ? 10 : 20;

		if (size > (UINT64_MAX >> shift))
			return false;
		size <<= shift;
		s++;
	}
	if (*s++ != '@' || !number(&s, &base) || *s++ != ':' ||
	    !number(&s, &irq) || *s)
		return false;
	if (size == 0 || base >= 0x100000000ull ||
	    size > 0x100000000ull - base || irq > 255)
		return false;
	d->base = base;
	d->size = size;
	d->irq = (uint32_t)irq;
	return true;
}

/* Whether d's registers overlap a device already listed (the first
 * entry for a window wins: two drivers must never share one). */
static bool overlaps(const struct cmdline *cl, const struct cmdline_dev *d)
{
	for (unsigned i = 0; i < cl->ndev; i++)
		if (d->base < cl->dev[i].base + cl->dev[i].size &&
		    cl->dev[i].base < d->base + d->size)
			return true;
	return false;
}

static void add_dev(struct cmdline *cl, const char *val)
{
	struct cmdline_dev d;

	if (!parse_dev(val, &d)) {
		if (!cl->devs_bad++)
			cl->first_bad = val;
	} else if (overlaps(cl, &d)) {
		cl->devs_dup++;
	} else if (cl->ndev == PLAT_VIRTIO_MMIO_MAX) {
		cl->devs_dropped++;
	} else {
		cl->dev[cl->ndev++] = d;
	}
}

static void add_token(struct cmdline *cl, const char *key, const char *val)
{
	if (val && streq(key, DEVICE_KEY)) {
		add_dev(cl, val);
	} else if (cl->nopt == CMDLINE_OPTS_MAX) {
		cl->opts_dropped++;
	} else {
		cl->opt[cl->nopt].key = key;
		cl->opt[cl->nopt++].val = val;
	}
}

/* One pass: any byte <= ' ' (space, tab, newline, NUL) separates tokens;
 * the first '=' of a token splits it into key and value. */
void cmdline_parse(const char *line, struct cmdline *cl)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t i = 0, o = 0;    /* o <= i + 1: cl->buf never overflows */

	cl->nopt = cl->ndev = 0;
	cl->opts_dropped = cl->devs_dropped = cl->devs_bad = cl->devs_dup = 0;
	cl->first_bad = NULL;
	while (i < CMDLINE_MAX - 1 && s[i]) {
		char *key = &cl->buf[o], *val = NULL;

		if (s[i] <= ' ') {
			i++;
			continue;
		}
		for (; i < CMDLINE_MAX - 1 && s[i] > ' '; i++) {
			if (s[i] == '=' && !val) {
				cl->buf[o++] = '\0';
				val = &cl->buf[o];
			} else {
				cl->buf[o++] = (char)s[i];
			}
		}
		cl->buf[o++] = '\0';
		add_token(cl, key, val);
	}
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	for (unsigned i = cl->nopt; i-- > 0;)
		if (cl->opt[i].val && streq(cl->opt[i].key, key))
			return cl->opt[i].val;
	return NULL;
}

bool cmdline_flag(const struct cmdline *cl, const char *name)
{
	for (unsigned i = 0; i < cl->nopt; i++)
		if (!cl->opt[i].val && streq(cl->opt[i].key, name))
			return true;
	return false;
}
