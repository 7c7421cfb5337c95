/* init's reader of the boot archive (guest-servers/sys/init/archive.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "../../guest-servers/sys/init/archive.h"

static _Alignas(16) unsigned char buf[4096];
static struct bootfs_header *h;
static struct bootfs_entry *e;

/* Two entries: init (100 bytes of 'i'), registry (33 bytes of 'r'). */
static void setup(void)
{
	memset(buf, 0, sizeof buf);
	h = (struct bootfs_header *)buf;
	e = (struct bootfs_entry *)(buf + sizeof *h);
	*h = (struct bootfs_header){ .magic = BOOTFS_MAGIC,
				     .version = BOOTFS_VERSION, .count = 2,
				     .size = 0x200 };
	strcpy(e[0].name, "init");
	e[0].offset = 0x80;
	e[0].size = 100;
	memset(buf + 0x80, 'i', 100);
	strcpy(e[1].name, "registry");
	e[1].offset = 0x100;
	e[1].size = 33;
	memset(buf + 0x100, 'r', 33);
}

static enum archive_err open_it(size_t size)
{
	struct archive a;

	return archive_open(&a, buf, size);
}

TestSuite(user_archive, .init = setup);

Test(user_archive, good)
{
	struct archive a;
	const char *name;
	const void *data;
	size_t size;

	cr_assert_eq(archive_open(&a, buf, sizeof buf), ARCHIVE_OK);
	cr_assert_eq(a.count, 2);
	cr_assert_eq(a.size, 0x200);
	archive_entry(&a, 1, &name, &data, &size);
	cr_assert_str_eq(name, "registry");
	cr_assert_eq(data, buf + 0x100);
	cr_assert_eq(size, 33);
	cr_assert_eq(archive_find(&a, "init"), 0);
	cr_assert_eq(archive_find(&a, "registry"), 1);
	cr_assert_eq(archive_find(&a, "regis"), -1);
	cr_assert_eq(archive_find(&a, "registry2"), -1);
	cr_assert_eq(archive_find(&a, ""), -1);
}

Test(user_archive, bad_header)
{
	cr_assert_eq(open_it(15), ARCHIVE_E_SHORT);
	cr_assert_eq(open_it(0x1ff), ARCHIVE_E_SHORT, "mapped < size");
	h->magic ^= 1;
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_MAGIC);
	setup();
	h->version = 2;
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_MAGIC);
	setup();
	h->count = 0;
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_COUNT);
	h->count = ARCHIVE_ENTRIES_MAX + 1;
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_COUNT);
	setup();
	h->size = 0x40;                 /* the entries do not fit */
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_SHORT);
}

Test(user_archive, bad_entries)
{
	memset(e[1].name, 'x', BOOTFS_NAME_MAX);        /* no NUL */
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_ENTRY);
	setup();
	e[1].name[0] = '\0';                            /* empty */
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_ENTRY);
	setup();
	e[1].offset = 0x108;                            /* not 16-aligned */
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_ENTRY);
	setup();
	e[1].size = 0x101;                              /* past the end */
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_ENTRY);
	e[1].size = 0x100;                              /* up to the end */
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_OK);
	e[1].offset = 0xfffffff0;                       /* would wrap */
	e[1].size = 0x20;
	cr_assert_eq(open_it(sizeof buf), ARCHIVE_E_ENTRY);
}
