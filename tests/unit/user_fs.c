/* The file service's on-disk layout (guest-servers/services/fs/layout.c): names,
 * mount checks of hostile metadata, first-fit allocation. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../guest-servers/services/fs/layout.h"

static struct fs_meta m;

static void field(char f[FS_NAME_MAX], const char *s)
{
	memset(f, 0, FS_NAME_MAX);
	memcpy(f, s, strnlen(s, FS_NAME_MAX));
}

/* Entry i named s at sector start, len bytes. */
static void entry(unsigned i, const char *s, uint64_t start, uint64_t len)
{
	field(m.dir[i].name, s);
	m.dir[i].start = start;
	m.dir[i].length = len;
}

Test(user_fs, names)
{
	char f[FS_NAME_MAX];

	field(f, "hello.txt");
	cr_assert_eq(fs_name_check(f), FS_OK);
	memset(f, 'a', FS_NAME_MAX);
	cr_assert_eq(fs_name_check(f), FS_OK, "32 bytes, no NUL");
	field(f, "");
	cr_assert_eq(fs_name_check(f), FS_E_BAD_NAME, "empty");
	field(f, "a/b");
	cr_assert_eq(fs_name_check(f), FS_E_BAD_NAME, "slash");
	field(f, "a b");
	cr_assert_eq(fs_name_check(f), FS_E_BAD_NAME, "space");
	field(f, "\x80");
	cr_assert_eq(fs_name_check(f), FS_E_BAD_NAME, "high byte");
	field(f, "ab");
	f[7] = 'x';
	cr_assert_eq(fs_name_check(f), FS_E_BAD_NAME, "not NUL-padded");
}

Test(user_fs, format_then_mount)
{
	unsigned dropped;

	fs_format(&m, 1000);
	cr_assert_eq(fs_mount_check(&m, 1000, &dropped), 0);
	cr_assert_eq(dropped, 0);
	cr_assert_eq(fs_free_sectors(&m), 1000 - FS_DATA_START);
	cr_assert_eq(fs_free_entry(&m), 0);
	cr_assert_eq(fs_mount_check(&m, 999, &dropped), -1, "disk shrank");
	m.super.magic ^= 1;
	cr_assert_eq(fs_mount_check(&m, 1000, &dropped), -1, "magic");
	fs_format(&m, 1000);
	m.super.version = 2;
	cr_assert_eq(fs_mount_check(&m, 1000, &dropped), -1, "version");
	fs_format(&m, 1000);
	m.super.data_start = 1;
	cr_assert_eq(fs_mount_check(&m, 1000, &dropped), -1, "data start");
}

Test(user_fs, hostile_entries_are_dropped)
{
	unsigned dropped;

	fs_format(&m, 1000);
	entry(0, "good", FS_DATA_START, 1024);          /* sectors 16, 17 */
	entry(1, "overlap", FS_DATA_START + 1, 1);
	entry(2, "good", 100, 1);                       /* same name */
	entry(3, "past-end", 999, 1024);
	entry(4, "huge", 100, UINT64_MAX);
	entry(5, "wrap", UINT64_MAX, 512);
	entry(6, "meta", 0, 1);
	entry(7, "sp ace", 200, 1);
	m.dir[8].start = 300;                           /* no name */
	entry(9, "ok2", 999, 512);                      /* the last sector */
	entry(10, "empty", FS_DATA_START, 0);           /* overlaps nothing */
	cr_assert_eq(fs_mount_check(&m, 1000, &dropped), 0);
	cr_assert_eq(dropped, 8);
	cr_assert_eq(fs_find(&m, 0, m.dir[0].name), 0);
	cr_assert_eq(fs_find(&m, 0, m.dir[9].name), 9);
	cr_assert_eq(fs_find(&m, 0, m.dir[10].name), 10);
	for (unsigned i = 1; i < 9; i++)
		cr_assert_eq(m.dir[i].name[0], 0, "entry %u", i);
	cr_assert_eq(fs_free_sectors(&m), 1000 - FS_DATA_START - 3);
}

Test(user_fs, first_fit)
{
	fs_format(&m, 100);
	cr_assert_eq(fs_alloc(&m, 1), FS_DATA_START);
	cr_assert_eq(fs_alloc(&m, 100 - FS_DATA_START), FS_DATA_START);
	cr_assert_eq(fs_alloc(&m, 100 - FS_DATA_START + 1), 0, "too big");
	cr_assert_eq(fs_alloc(&m, 0), 0);
	cr_assert_eq(fs_alloc(&m, UINT64_MAX), 0);
	entry(0, "a", FS_DATA_START, 512 * 4);          /* 16..19 */
	entry(1, "b", 30, 512 * 10);                    /* 30..39 */
	cr_assert_eq(fs_alloc(&m, 10), 20, "the hole fits");
	cr_assert_eq(fs_alloc(&m, 11), 40, "after b");
	cr_assert_eq(fs_alloc(&m, 60), 40);
	cr_assert_eq(fs_alloc(&m, 61), 0);
	entry(2, "c", 40, 512 * 60);                    /* the rest */
	cr_assert_eq(fs_alloc(&m, 10), 20);
	cr_assert_eq(fs_alloc(&m, 11), 0);
	cr_assert_eq(fs_free_sectors(&m), 10);
}

/* Blobs belong to the program that wrote them: two programs each have
 * a blob of one name; a nobody's (written before owners) is seen by all
 * and found after the own one. */
Test(user_fs, each_owner_its_own_namespace)
{
	uint64_t demo = fs_owner_tag("demo"), evil = fs_owner_tag("evil");
	uint64_t sectors;
	unsigned files, dropped;
	char f[FS_NAME_MAX];

	cr_assert_neq(demo, 0);
	cr_assert_neq(demo, evil);
	cr_assert_eq(fs_owner_tag(""), fs_owner_tag(""), "stable");
	fs_format(&m, 1000);
	entry(0, "boots", FS_DATA_START, 512);
	m.dir[0].owner = demo;
	entry(1, "boots", FS_DATA_START + 1, 512);
	m.dir[1].owner = evil;
	entry(2, "old", FS_DATA_START + 2, 1024);       /* nobody's */
	cr_assert_eq(fs_mount_check(&m, 1000, &dropped), 0);
	cr_assert_eq(dropped, 0, "one name, two owners: both kept");
	field(f, "boots");
	cr_assert_eq(fs_find(&m, demo, f), 0);
	cr_assert_eq(fs_find(&m, evil, f), 1);
	cr_assert_eq(fs_find(&m, fs_owner_tag("hello"), f), -1);
	field(f, "old");
	cr_assert_eq(fs_find(&m, evil, f), 2);
	cr_assert(fs_visible(&m, demo, 0));
	cr_assert(!fs_visible(&m, demo, 1));
	cr_assert(fs_visible(&m, demo, 2));
	fs_owned(&m, demo, &files, &sectors);
	cr_assert_eq(files, 1);
	cr_assert_eq(sectors, 1);
	fs_owned(&m, 0, &files, &sectors);
	cr_assert_eq(files, 1);
	cr_assert_eq(sectors, 2);
}

/* One owner's share of the data: a quarter, never less than two
 * largest blobs. */
Test(user_fs, owner_share)
{
	fs_format(&m, FS_DATA_START + 40000);
	cr_assert_eq(fs_owner_sectors(&m), 10000);
	fs_format(&m, FS_DATA_START + 8000);
	cr_assert_eq(fs_owner_sectors(&m), 2 * fs_sectors(FS_BLOB_MAX));
}
