#include "layout.h"

enum fs_err fs_name_check(const char field[FS_NAME_MAX])
{
	unsigned n = 0;

	while (n < FS_NAME_MAX && field[n]) {
		unsigned char c = (unsigned char)field[n++];

		if (c < 0x21 || c > 0x7e || c == '/')
			return FS_E_BAD_NAME;
	}
	if (n == 0)
		return FS_E_BAD_NAME;
	for (; n < FS_NAME_MAX; n++)
		if (field[n])
			return FS_E_BAD_NAME;
	return FS_OK;
}

static int same_name(const char *a, const char *b)
{
	for (unsigned i = 0; i < FS_NAME_MAX; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

void fs_format(struct fs_meta *m, uint64_t capacity)
{
	__builtin_memset(m, 0, sizeof *m);
	m->super.magic = FS_MAGIC;
	m->super.version = FS_VERSION;
	m->super.files = FS_FILES_MAX;
	m->super.data_start = FS_DATA_START;
	m->super.sectors = capacity;
}

/* Whether [s, s + n) and entry e's sectors share one. */
static int overlaps(const struct fs_entry *e, uint64_t s, uint64_t n)
{
	uint64_t en = fs_sectors(e->length);

	return n && en && s < e->start + en && e->start < s + n;
}

/* Entry i is well formed and fits the disk (the superblock checked). */
static int entry_ok(const struct fs_meta *m, unsigned i)
{
	const struct fs_entry *e = &m->dir[i];
	uint64_t end = m->super.sectors;

	if (fs_name_check(e->name) != FS_OK || e->length > FS_BLOB_MAX ||
	    e->start < FS_DATA_START || e->start > end ||
	    fs_sectors(e->length) > end - e->start)
		return 0;
	for (unsigned j = 0; j < i; j++)
		if (m->dir[j].name[0] &&
		    (overlaps(&m->dir[j], e->start, fs_sectors(e->length)) ||
		     (same_name(m->dir[j].name, e->name) &&
		      m->dir[j].owner == e->owner)))
			return 0;
	return 1;
}

int fs_mount_check(struct fs_meta *m, uint64_t capacity, unsigned *dropped)
{
	const struct fs_super *s = &m->super;

	*dropped = 0;
	if (s->magic != FS_MAGIC || s->version != FS_VERSION ||
	    s->files != FS_FILES_MAX || s->data_start != FS_DATA_START ||
	    s->sectors < FS_DATA_START || s->sectors > capacity)
		return -1;
	for (unsigned i = 0; i < FS_FILES_MAX; i++) {
		if (!m->dir[i].name[0] && m->dir[i].length == 0 &&
		    m->dir[i].start == 0)
			continue;
		if (!m->dir[i].name[0] || !entry_ok(m, i)) {
			__builtin_memset(&m->dir[i], 0, sizeof m->dir[i]);
			++*dropped;
		}
	}
	return 0;
}

uint64_t fs_owner_tag(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*name) {
		h ^= (unsigned char)*name++;
		h *= 0x100000001b3ull;
	}
	return h ? h : 1;
}

uint64_t fs_owner_sectors(const struct fs_meta *m)
{
	uint64_t quarter = (m->super.sectors - FS_DATA_START) / 4;
	uint64_t blob = 2 * fs_sectors(FS_BLOB_MAX);

	return quarter > blob ? quarter : blob;
}

void fs_owned(const struct fs_meta *m, uint64_t owner, unsigned *files,
	      uint64_t *sectors)
{
	*files = 0;
	*sectors = 0;
	for (unsigned i = 0; i < FS_FILES_MAX; i++)
		if (m->dir[i].name[0] && m->dir[i].owner == owner) {
			++*files;
			*sectors += fs_sectors(m->dir[i].length);
		}
}

int fs_visible(const struct fs_meta *m, uint64_t owner, unsigned i)
{
	return m->dir[i].name[0] &&
	       (m->dir[i].owner == owner || m->dir[i].owner == 0);
}

int fs_find(const struct fs_meta *m, uint64_t owner,
	    const char name[FS_NAME_MAX])
{
	int nobodys = -1;

	for (unsigned i = 0; i < FS_FILES_MAX; i++) {
		if (!m->dir[i].name[0] || !same_name(m->dir[i].name, name))
			continue;
		if (m->dir[i].owner == owner)
			return (int)i;
		if (m->dir[i].owner == 0 && nobodys < 0)
			nobodys = (int)i;
	}
	return nobodys;
}

int fs_free_entry(const struct fs_meta *m)
{
	for (unsigned i = 0; i < FS_FILES_MAX; i++)
		if (!m->dir[i].name[0])
			return (int)i;
	return -1;
}

uint64_t fs_alloc(const struct fs_meta *m, uint64_t count)
{
	uint64_t s = FS_DATA_START, end = m->super.sectors;
	int moved = 1;

	if (count == 0 || end < FS_DATA_START)
		return 0;
	while (moved) {
		moved = 0;
		if (s > end || count > end - s)
			return 0;
		for (unsigned i = 0; i < FS_FILES_MAX; i++) {
			const struct fs_entry *e = &m->dir[i];

			if (e->name[0] && overlaps(e, s, count)) {
				s = e->start + fs_sectors(e->length);
				moved = 1;
			}
		}
	}
	return s;
}

uint64_t fs_free_sectors(const struct fs_meta *m)
{
	uint64_t used = 0;

	for (unsigned i = 0; i < FS_FILES_MAX; i++)
		if (m->dir[i].name[0])
			used += fs_sectors(m->dir[i].length);
	return m->super.sectors - FS_DATA_START - used;
}
