#include "archive.h"

static const struct bootfs_entry *entry_at(const struct archive *a,
					   unsigned i)
{
	return (const struct bootfs_entry *)(const void *)
		(a->data + sizeof(struct bootfs_header) +
		 (size_t)i * sizeof(struct bootfs_entry));
}

static int name_ok(const char *name)
{
	for (unsigned i = 0; i < BOOTFS_NAME_MAX; i++)
		if (name[i] == '\0')
			return i > 0;
	return 0;
}

enum archive_err archive_open(struct archive *a, const void *data,
			      size_t size)
{
	struct bootfs_header h;

	*a = (struct archive){ .data = data };
	if (size < sizeof h || (uintptr_t)data % 8)
		return ARCHIVE_E_SHORT;
	__builtin_memcpy(&h, data, sizeof h);
	if (h.magic != BOOTFS_MAGIC || h.version != BOOTFS_VERSION)
		return ARCHIVE_E_MAGIC;
	if (h.count == 0 || h.count > ARCHIVE_ENTRIES_MAX)
		return ARCHIVE_E_COUNT;
	if (h.size > size ||
	    sizeof h + (size_t)h.count * sizeof(struct bootfs_entry) > h.size)
		return ARCHIVE_E_SHORT;
	a->size = h.size;
	a->count = h.count;
	for (unsigned i = 0; i < a->count; i++) {
		const struct bootfs_entry *e = entry_at(a, i);

		if (!name_ok(e->name) || e->offset % 16 ||
		    e->offset > a->size || e->size > a->size - e->offset) {
			a->count = 0;
			return ARCHIVE_E_ENTRY;
		}
	}
	return ARCHIVE_OK;
}

void archive_entry(const struct archive *a, unsigned i, const char **name,
		   const void **data, size_t *size)
{
	const struct bootfs_entry *e = entry_at(a, i);

	*name = e->name;
	*data = a->data + e->offset;
	*size = e->size;
}

int archive_find(const struct archive *a, const char *name)
{
	for (unsigned i = 0; i < a->count; i++) {
		const char *n = entry_at(a, i)->name;
		unsigned k = 0;

		while (k < BOOTFS_NAME_MAX && n[k] && n[k] == name[k])
			k++;
		if (k < BOOTFS_NAME_MAX && n[k] == name[k])
			return (int)i;
	}
	return -1;
}
