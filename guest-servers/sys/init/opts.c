#include "opts.h"

static int is_space(char c)
{
	return c == ' ' || (c > 0 && c < 0x20);
}

/* The last token that is key itself (bare), or the value of the last one
 * that starts with `key=` (its length in *len). */
static const char *last_token(const char *line, const char *key, int bare,
			      size_t *len)
{
	const char *found = NULL;
	size_t klen = 0;

	while (key[klen])
		klen++;
	while (*line) {
		const char *t;
		size_t n = 0;

		while (is_space(*line))
			line++;
		t = line;
		while (*line && !is_space(*line))
			line++, n++;
		if (n < klen || n == 0)
			continue;
		for (size_t i = 0; i < klen; i++)
			if (t[i] != key[i])
				goto next;
		if (bare && n == klen) {
			found = t;
			*len = 0;
		} else if (!bare && n > klen && t[klen] == '=') {
			found = t + klen + 1;
			*len = n - klen - 1;
		}
next:		;
	}
	return found;
}

const char *opt_value(const char *line, const char *key, size_t *len)
{
	return last_token(line, key, 0, len);
}

int opt_flag(const char *line, const char *name)
{
	size_t len;

	return last_token(line, name, 1, &len) != NULL;
}

int opt_num(const char *s, size_t len, uint64_t *v)
{
	uint64_t n = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
	}
	*v = n;
	return 0;
}

int opt_run_next(const char *s, size_t len, size_t *pos,
		 char name[BOOTFS_NAME_MAX], uint64_t *arg)
{
	size_t start = *pos, end, colon, n;

	if (start >= len)
		return 0;
	for (end = start; end < len && s[end] != ','; end++)
		;
	*pos = end < len ? end + 1 : end;
	for (colon = start; colon < end && s[colon] != ':'; colon++)
		;
	n = colon - start;
	name[0] = '\0';
	*arg = 0;
	if (n == 0 || n > BOOTFS_NAME_MAX - 1)
		return -1;
	if (colon < end && opt_num(s + colon + 1, end - colon - 1, arg) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		name[i] = s[start + i];
	name[n] = '\0';
	return 1;
}

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int opt_word_next(const char *s, size_t len, size_t *pos, char *out,
		  size_t cap)
{
	size_t start = *pos, end;

	while (start < len && space(s[start]))
		start++;
	for (end = start; end < len && !space(s[end]); end++)
		;
	*pos = end;
	out[0] = '\0';
	if (start == end)
		return 0;
	if (end - start >= cap)
		return -1;
	for (size_t i = start; i < end; i++)
		out[i - start] = s[i];
	out[end - start] = '\0';
	return 1;
}

int opt_ipv4(const char *s, size_t len, uint64_t *packed)
{
	uint64_t v = 0, part, prefix;
	size_t i = 0, start;

	for (unsigned k = 0; k < 5; k++) {
		for (start = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i - start > 3 || opt_num(s + start, i - start, &part) < 0 ||
		    part > (k < 4 ? 255u : 32u))
			return -1;
		if (k == 4) {
			prefix = part;
			break;
		}
		v = v << 8 | part;
		if (i == len || s[i] != (k < 3 ? '.' : '/'))
			return -1;
		i++;
	}
	if (i != len || v == 0 || prefix == 0)
		return -1;
	*packed = v << 8 | prefix;
	return 0;
}
