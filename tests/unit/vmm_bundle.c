/* The sandbox's module (monitor/bundle.c, ukern/app.h): its layout,
 * the environment, its place in guest RAM, the PVH module entry. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pvh.h>
#include <ukern/app.h>

#include "bootinfo.h"
#include "bundle.h"

static char path[] = "/tmp/vmm-bundle-XXXXXX";

static void make_file(size_t n)
{
	int fd = mkstemp(path);
	char *b = malloc(n);

	cr_assert(fd >= 0 && b);
	memset(b, 0x5a, n);
	cr_assert_eq(write(fd, b, n), (ssize_t)n);
	close(fd);
	free(b);
}

static void cleanup(void)
{
	unlink(path);
	strcpy(path, "/tmp/vmm-bundle-XXXXXX");
}

TestSuite(bundle, .fini = cleanup);

/* The i-th string of the module. */
static const char *string(const struct bundle *b, unsigned i)
{
	const struct uk_app *h = (const void *)b->data;
	const char *s = (const char *)b->data + h->strings_off;

	while (i--)
		s += strlen(s) + 1;
	return s;
}

Test(bundle, layout_and_environment)
{
	char *argv[] = { "./prog", "a", "" };
	char *env[] = { "HOME=/tmp", "FOO=bar", "FOO=baz" };
	struct errmsg err;
	struct bundle b;
	const struct uk_app *h;

	make_file(1000);
	cr_assert_eq(bundle_make(&b, path, 3, argv, 3, env, UK_APP_VERBOSE,
				 &err), 0, "%s", err.text);
	h = (const void *)b.data;
	cr_assert_eq(h->magic, UK_APP_MAGIC);
	cr_assert_eq(h->version, UK_APP_VERSION);
	cr_assert(h->flags & UK_APP_VERBOSE);
	cr_assert_eq(h->argc, 3);
	cr_assert_str_eq(string(&b, 0), "./prog");
	cr_assert_str_eq(string(&b, 2), "");
	/* PATH HOME TERM LANG, HOME replaced, FOO added once (last wins). */
	cr_assert_eq(h->envc, 5);
	cr_assert_str_eq(string(&b, 3), bundle_default_env[0]);
	cr_assert_str_eq(string(&b, 4), "HOME=/tmp");
	cr_assert_str_eq(string(&b, 7), "FOO=baz");
	cr_assert_eq(h->elf_off % 16, 0);
	cr_assert_eq(h->elf_size, 1000);
	cr_assert_eq(h->size, h->elf_off + 1000);
	cr_assert_eq(b.size, h->size);
	cr_assert_eq(b.data[h->elf_off], 0x5a);
	cr_assert_eq(b.data[h->size - 1], 0x5a);
	bundle_free(&b);
}

Test(bundle, limits)
{
	static char big[UK_APP_STRINGS_MAX];
	char *argv[] = { "p", big };
	struct errmsg err;
	struct bundle b;

	make_file(10);
	memset(big, 'x', sizeof big - 1);
	cr_assert_eq(bundle_make(&b, path, 2, argv, 0, NULL, 0, &err), -E2BIG);
	cr_assert(strstr(err.text, "too long"), "%s", err.text);
	cr_assert_eq(bundle_make(&b, "/nonexistent/p", 1, argv, 0, NULL, 0,
				 &err), -ENOENT);
	cr_assert(strstr(err.text, "/nonexistent/p"), "%s", err.text);
	cr_assert(bundle_env_ok("A=") && bundle_env_ok("A=b=c"));
	cr_assert(!bundle_env_ok("=x") && !bundle_env_ok("NAME"));
}

Test(bundle, placed_at_the_top_and_announced)
{
	char *argv[] = { "p" };
	struct mem m = { 0 };
	struct errmsg err;
	struct bundle b;
	gpa_t at, si;
	const struct pvh_start_info *info;
	const struct pvh_module *mod;

	make_file(5000);
	cr_assert_eq(bundle_make(&b, path, 1, argv, 0, NULL, 0, &err), 0);
	cr_assert_eq(mem_init(&m, 8 << 20), 0);
	cr_assert_eq(bundle_place(&b, &m, 1 << 20, &at, &err), 0, "%s",
		     err.text);
	cr_assert_eq(at % 4096, 0);
	cr_assert_eq(at, (8 << 20) - 8192);
	cr_assert_eq(memcmp(mem_ptr(&m, at, b.size), b.data, b.size), 0);
	/* Above the kernel, or not at all. */
	cr_assert_eq(bundle_place(&b, &m, (8 << 20) - 4096, &at, &err),
		     -ENOMEM);
	cr_assert(strstr(err.text, "--mem"), "%s", err.text);
	cr_assert_eq(bootinfo_build(&m, "", &si, &err), 0);
	bootinfo_add_module(&m, (8 << 20) - 8192, b.size);
	info = mem_ptr(&m, si, sizeof *info);
	cr_assert_eq(info->nr_modules, 1);
	mod = mem_ptr(&m, info->modlist_paddr, sizeof *mod);
	cr_assert_eq(mod->paddr, (8 << 20) - 8192);
	cr_assert_eq(mod->size, b.size);
	bundle_stamp(&m, (8 << 20) - 8192);
	cr_assert_gt(((const struct uk_app *)mem_ptr(&m, (8 << 20) - 8192,
			64))->realtime_ns, 1700000000ull * 1000000000ull);
	mem_free(&m);
	bundle_free(&b);
}
