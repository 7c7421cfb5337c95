/* init's command-line options (guest-servers/sys/init/opts.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "../../guest-servers/sys/init/opts.h"

static const char *val(const char *line, const char *key)
{
	static char out[256];
	size_t len;
	const char *v = opt_value(line, key, &len);

	if (!v)
		return NULL;
	memcpy(out, v, len);
	out[len] = '\0';
	return out;
}

Test(user_opts, values)
{
	cr_assert_str_eq(val("run=a,b quiet", "run"), "a,b");
	cr_assert_str_eq(val("quiet run=a run=b", "run"), "b", "the last one");
	cr_assert_str_eq(val("run=", "run"), "");
	cr_assert_null(val("runx=a", "run"));
	cr_assert_null(val("xrun=a", "run"));
	cr_assert_null(val("run", "run"), "a flag has no value");
	cr_assert_null(val("", "run"));
	cr_assert_str_eq(val("  \trestarts=7\n", "restarts"), "7");
}

Test(user_opts, flags)
{
	cr_assert(opt_flag("quiet bootonly", "bootonly"));
	cr_assert(opt_flag("bootonly", "bootonly"));
	cr_assert_not(opt_flag("bootonly=1", "bootonly"));
	cr_assert_not(opt_flag("bootonlyx", "bootonly"));
	cr_assert_not(opt_flag("", "bootonly"));
}

Test(user_opts, numbers)
{
	uint64_t v = 99;

	cr_assert_eq(opt_num("0", 1, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(opt_num("18446744073709551615", 20, &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(opt_num("18446744073709551616", 20, &v), -1, "overflow");
	cr_assert_eq(opt_num("", 0, &v), -1);
	cr_assert_eq(opt_num("12a", 3, &v), -1);
	cr_assert_eq(opt_num("-1", 2, &v), -1);
	cr_assert_eq(opt_num("123", 2, &v), 0, "only len bytes");
	cr_assert_eq(v, 12);
}

Test(user_opts, run_list)
{
	const char *s = "echo,isolate:3,,x:y,hello:";
	char name[BOOTFS_NAME_MAX];
	size_t pos = 0, len = strlen(s);
	uint64_t arg;

	cr_assert_eq(opt_run_next(s, len, &pos, name, &arg), 1);
	cr_assert_str_eq(name, "echo");
	cr_assert_eq(arg, 0);
	cr_assert_eq(opt_run_next(s, len, &pos, name, &arg), 1);
	cr_assert_str_eq(name, "isolate");
	cr_assert_eq(arg, 3);
	cr_assert_eq(opt_run_next(s, len, &pos, name, &arg), -1, "empty item");
	cr_assert_eq(opt_run_next(s, len, &pos, name, &arg), -1, "bad arg");
	cr_assert_eq(opt_run_next(s, len, &pos, name, &arg), -1, "empty arg");
	cr_assert_eq(opt_run_next(s, len, &pos, name, &arg), 0);
	cr_assert_eq(opt_run_next(s, len, &pos, name, &arg), 0, "stays done");
}

Test(user_opts, run_names_up_to_31_bytes)
{
	const char *ok = "abcdefghijklmnopqrstuvwxyz01234";      /* 31 */
	const char *bad = "abcdefghijklmnopqrstuvwxyz012345";    /* 32 */
	char name[BOOTFS_NAME_MAX];
	size_t pos = 0;
	uint64_t arg;

	cr_assert_eq(opt_run_next(ok, strlen(ok), &pos, name, &arg), 1);
	cr_assert_str_eq(name, ok);
	pos = 0;
	cr_assert_eq(opt_run_next(bad, strlen(bad), &pos, name, &arg), -1);
	cr_assert_eq(pos, strlen(bad));
}

Test(user_opts, ipv4_address_and_prefix)
{
	const char *bad[] = { "", "10.0.2.15", "10.0.2/24", "10.0.2.256/24",
			      "10.0.2.15/33", "10.0.2.15/0", "0.0.0.0/8",
			      "10.0.2.15/24x", "1000.0.2.15/24", "10..2.15/24" };
	uint64_t v = 7;

	cr_assert_eq(opt_ipv4("10.0.2.15/24", 12, &v), 0);
	cr_assert_eq(v, 0x0a00020f18ull);
	cr_assert_eq(opt_ipv4("192.168.1.1/32", 14, &v), 0);
	cr_assert_eq(v, 0xc0a8010120ull);
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(opt_ipv4(bad[i], strlen(bad[i]), &v), -1, "%s",
			     bad[i]);
}

Test(user_opts, uses_words)
{
	const char *s = "  fs\tnet\n\nblk a-name-of-exactly-eight\n";
	char w[9];
	size_t pos = 0, len = strlen(s);

	cr_assert_eq(opt_word_next(s, len, &pos, w, sizeof w), 1);
	cr_assert_str_eq(w, "fs");
	cr_assert_eq(opt_word_next(s, len, &pos, w, sizeof w), 1);
	cr_assert_str_eq(w, "net");
	cr_assert_eq(opt_word_next(s, len, &pos, w, sizeof w), 1);
	cr_assert_str_eq(w, "blk");
	cr_assert_eq(opt_word_next(s, len, &pos, w, sizeof w), -1,
		     "a word that does not fit is skipped");
	cr_assert_str_eq(w, "");
	cr_assert_eq(opt_word_next(s, len, &pos, w, sizeof w), 0);
	cr_assert_eq(opt_word_next(s, len, &pos, w, sizeof w), 0, "stays");
	pos = 0;
	cr_assert_eq(opt_word_next("12345678", 8, &pos, w, sizeof w), 1);
	cr_assert_str_eq(w, "12345678");
	pos = 0;
	cr_assert_eq(opt_word_next("", 0, &pos, w, sizeof w), 0);
}
