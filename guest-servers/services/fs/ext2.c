#include "ext2.h"

#define SB_OFF          1024u
#define SB_MAGIC        0xef53u
#define GD_SIZE         32u

/* Superblock fields (byte offsets, little-endian). */
#define SB_INODES       0
#define SB_BLOCKS       4
#define SB_FIRST_DATA   20
#define SB_LOG_BLOCK    24
#define SB_BPG          32
#define SB_IPG          40
#define SB_MAGIC_OFF    56
#define SB_REV          76
#define SB_INODE_SIZE   88
#define SB_INCOMPAT     96
#define SB_RO_COMPAT    100

#define INCOMPAT_FILETYPE       0x0002u
#define RO_COMPAT_KNOWN         0x0003u /* SPARSE_SUPER, LARGE_FILE */

/* Inode fields. */
#define I_MODE          0
#define I_SIZE          4
#define I_MTIME         16
#define I_LINKS         26
#define I_BLOCK         40
#define I_SIZE_HIGH     108

#define WALK_DEPTH_MAX  64      /* path components */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int dev_read(const struct ext2 *fs, uint64_t off, void *buf, size_t n)
{
	return fs->read(fs->ctx, off, buf, n) == 0 ? 0 : -EXT2_EIO;
}

/* why = text, cut to fit. */
static void say(char *why, size_t len, const char *text)
{
	size_t i = 0;

	if (!len)
		return;
	for (; text[i] && i + 1 < len; i++)
		why[i] = text[i];
	why[i] = '\0';
}

/* Appends " name" for each bit of bits in names (bit i: names[i]). */
static void name_bits(char *why, size_t len, uint32_t bits,
		      const char *const names[32])
{
	size_t n = 0;

	while (n < len && why[n])
		n++;
	for (unsigned b = 0; b < 32; b++) {
		const char *s = names[b] ? names[b] : "unknown";

		if (!(bits & (1u << b)) || n + 2 >= len)
			continue;
		why[n++] = ' ';
		while (*s && n + 1 < len)
			why[n++] = *s++;
		why[n] = '\0';
	}
}

static const char *const incompat_names[32] = {
	"compression", "filetype", "needs_recovery", "journal_dev",
	"meta_bg", 0, "extent", "64bit", "mmp", "flex_bg", "ea_inode",
	0, "dirdata", "metadata_csum_seed", "large_dir", "inline_data",
	"encrypt", "casefold",
};

int ext2_mount(struct ext2 *fs, ext2_read_fn *read, void *ctx,
	       uint64_t dev_size, char *why, size_t why_len)
{
	uint8_t sb[1024];
	uint32_t log, rev;
	uint64_t groups;

	*fs = (struct ext2){ .read = read, .ctx = ctx };
	say(why, why_len, "");
	if (dev_size < SB_OFF + sizeof sb ||
	    dev_read(fs, SB_OFF, sb, sizeof sb) < 0 ||
	    le16(sb + SB_MAGIC_OFF) != SB_MAGIC) {
		say(why, why_len, "no ext2 file system");
		return -EXT2_EINVAL;
	}
	log = le32(sb + SB_LOG_BLOCK);
	rev = le32(sb + SB_REV);
	fs->incompat = rev ? le32(sb + SB_INCOMPAT) : 0;
	fs->ro_compat = rev ? le32(sb + SB_RO_COMPAT) : 0;
	if (fs->incompat & ~INCOMPAT_FILETYPE) {
		say(why, why_len, "features not supported:");
		name_bits(why, why_len, fs->incompat & ~INCOMPAT_FILETYPE,
			  incompat_names);
		return -EXT2_ENOTSUP;
	}
	fs->read_only = (fs->ro_compat & ~RO_COMPAT_KNOWN) != 0;
	if (log > 2 || rev > 1) {
		say(why, why_len, "a block size or revision not supported");
		return -EXT2_ENOTSUP;
	}
	fs->block_size = 1024u << log;
	fs->blocks = le32(sb + SB_BLOCKS);
	fs->inodes = le32(sb + SB_INODES);
	fs->first_data_block = le32(sb + SB_FIRST_DATA);
	fs->blocks_per_group = le32(sb + SB_BPG);
	fs->inodes_per_group = le32(sb + SB_IPG);
	fs->inode_size = rev ? le16(sb + SB_INODE_SIZE) : 128;
	if (fs->blocks_per_group == 0 || fs->inodes_per_group == 0 ||
	    fs->inode_size < 128 || fs->inode_size > fs->block_size ||
	    (fs->inode_size & (fs->inode_size - 1)) ||
	    fs->first_data_block >= fs->blocks ||
	    (uint64_t)fs->blocks * fs->block_size > dev_size) {
		say(why, why_len, "a corrupt superblock");
		return -EXT2_EIO;
	}
	groups = ((uint64_t)fs->blocks - fs->first_data_block +
		  fs->blocks_per_group - 1) / fs->blocks_per_group;
	fs->gdt_off = ((uint64_t)fs->first_data_block + 1) * fs->block_size;
	if (groups == 0 || (uint64_t)fs->inodes_per_group * groups <
	    fs->inodes || fs->gdt_off + groups * GD_SIZE >
	    (uint64_t)fs->blocks * fs->block_size) {
		say(why, why_len, "a corrupt superblock (groups)");
		return -EXT2_EIO;
	}
	fs->groups = (uint32_t)groups;
	return 0;
}

int ext2_inode(const struct ext2 *fs, uint32_t ino, struct ext2_inode *out)
{
	uint8_t gd[GD_SIZE], raw[128];
	uint32_t g, table;
	uint64_t off;

	if (ino == 0 || ino > fs->inodes)
		return -EXT2_EINVAL;
	g = (ino - 1) / fs->inodes_per_group;
	if (dev_read(fs, fs->gdt_off + (uint64_t)g * GD_SIZE, gd, sizeof gd))
		return -EXT2_EIO;
	table = le32(gd + 8);
	off = (uint64_t)table * fs->block_size +
	      (uint64_t)((ino - 1) % fs->inodes_per_group) * fs->inode_size;
	if (table == 0 || table >= fs->blocks ||
	    off + sizeof raw > (uint64_t)fs->blocks * fs->block_size ||
	    dev_read(fs, off, raw, sizeof raw))
		return -EXT2_EIO;
	out->ino = ino;
	out->mode = le16(raw + I_MODE);
	out->links = le16(raw + I_LINKS);
	out->mtime = le32(raw + I_MTIME);
	out->atime = le32(raw + 0x08);
	out->ctime = le32(raw + 0x0c);
	out->blocks = le32(raw + 0x1c);
	/* Linux's osd2 holds the ids' high halves. */
	out->uid = le16(raw + 0x02) | (uint32_t)le16(raw + 0x78) << 16;
	out->gid = le16(raw + 0x18) | (uint32_t)le16(raw + 0x7a) << 16;
	out->size = le32(raw + I_SIZE);
	if ((out->mode & EXT2_S_IFMT) == EXT2_S_IFREG)
		out->size |= (uint64_t)le32(raw + I_SIZE_HIGH) << 32;
	for (unsigned i = 0; i < EXT2_N_BLOCKS; i++)
		out->block[i] = le32(raw + I_BLOCK + 4 * i);
	return 0;
}

/* The device block that holds block number b of inode in (0: a hole),
 * in *out; 0 or -EXT2_EIO. */
static int map_block(const struct ext2 *fs, const struct ext2_inode *in,
		     uint64_t b, uint32_t *out)
{
	uint64_t per = fs->block_size / 4, span;
	int slot = ext2_slot(fs, &b, &span);
	unsigned level = slot < 12 ? 0 : (unsigned)slot - 11;
	uint32_t blk;

	if (slot < 0)
		return -EXT2_EIO;       /* past a triple indirect */
	blk = in->block[slot];
	/* Down the indirect blocks: span entries under each at this level. */
	while (level-- > 0 && blk) {
		uint8_t e[4];

		if (blk >= fs->blocks)
			return -EXT2_EIO;
		span /= per;
		if (dev_read(fs, (uint64_t)blk * fs->block_size +
			     (b / span) * 4, e, 4))
			return -EXT2_EIO;
		b %= span;
		blk = le32(e);
	}
	if (blk >= fs->blocks)
		return -EXT2_EIO;
	*out = blk;
	return 0;
}

int ext2_slot(const struct ext2 *fs, uint64_t *b, uint64_t *span)
{
	uint64_t per = fs->block_size / 4;

	*span = 1;
	if (*b < 12)
		return (int)*b;
	*b -= 12;
	for (unsigned level = 1; level <= 3; level++) {
		*span *= per;
		if (*b < *span)
			return (int)(11 + level);
		*b -= *span;
	}
	return -1;
}

int64_t ext2_read(const struct ext2 *fs, const struct ext2_inode *in,
		  uint64_t off, void *buf, size_t n)
{
	uint8_t *p = buf;
	uint64_t done = 0;

	if (off >= in->size)
		return 0;
	if (n > in->size - off)
		n = (size_t)(in->size - off);
	while (done < n) {
		uint64_t at = off + done, in_blk = at % fs->block_size;
		uint64_t k = fs->block_size - in_blk;
		uint32_t blk;

		if (k > n - done)
			k = n - done;
		if (map_block(fs, in, at / fs->block_size, &blk) < 0)
			return -EXT2_EIO;
		if (blk == 0)
			__builtin_memset(p + done, 0, (size_t)k);
		else if (dev_read(fs, (uint64_t)blk * fs->block_size + in_blk,
				  p + done, (size_t)k))
			return -EXT2_EIO;
		done += k;
	}
	return (int64_t)done;
}

static int is_dir(const struct ext2_inode *in)
{
	return (in->mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

int ext2_readdir(const struct ext2 *fs, const struct ext2_inode *dir,
		 uint64_t *pos, struct ext2_dirent *out)
{
	if (!is_dir(dir))
		return -EXT2_ENOTDIR;
	/* A directory has no holes and fits its file system: one that
	 * claims more would be read block after block for nothing. */
	if (dir->size > (uint64_t)fs->blocks * fs->block_size)
		return -EXT2_EIO;
	while (*pos < dir->size) {
		uint8_t h[8];
		uint64_t left = fs->block_size - *pos % fs->block_size;
		uint16_t rec;
		uint8_t nlen;

		if (left < sizeof h ||
		    ext2_read(fs, dir, *pos, h, sizeof h) != sizeof h)
			return -EXT2_EIO;
		rec = le16(h + 4);
		nlen = h[6];
		/* A record stays in its block and holds its name. */
		if (rec < 8 || (rec & 3) || rec > left || 8u + nlen > rec)
			return -EXT2_EIO;
		out->ino = le32(h);
		out->type = (fs->incompat & INCOMPAT_FILETYPE) ? h[7] : 0;
		out->len = nlen;
		if (out->ino && ext2_read(fs, dir, *pos + 8, out->name,
					  nlen) != nlen)
			return -EXT2_EIO;
		out->name[out->ino ? nlen : 0] = '\0';
		/* A name holds neither NUL nor '/': a path could not name
		 * it, or would name something else. */
		for (unsigned i = 0; out->ino && i < nlen; i++)
			if (out->name[i] == '\0' || out->name[i] == '/')
				return -EXT2_EIO;
		*pos += rec;
		if (out->ino && nlen) {
			if (out->ino > fs->inodes)
				return -EXT2_EIO;
			return 1;
		}
	}
	return 0;
}

int ext2_lookup(const struct ext2 *fs, const struct ext2_inode *dir,
		const char *name, size_t len, uint32_t *ino)
{
	struct ext2_dirent d;
	uint64_t pos = 0;
	int r;

	if (len > EXT2_NAME_MAX)
		return -EXT2_ENAMETOOLONG;
	while ((r = ext2_readdir(fs, dir, &pos, &d)) > 0) {
		if (d.len == len && __builtin_memcmp(d.name, name, len) == 0) {
			*ino = d.ino;
			return 0;
		}
	}
	return r < 0 ? r : -EXT2_ENOENT;
}

int ext2_walk(const struct ext2 *fs, const char *path,
	      struct ext2_inode *out)
{
	return ext2_walk_at(fs, EXT2_ROOT_INO, path, out);
}

int ext2_walk_at(const struct ext2 *fs, uint32_t root, const char *path,
		 struct ext2_inode *out)
{
	/* The directories walked through, for "..": never above root. */
	uint32_t stack[WALK_DEPTH_MAX + 1];
	/* "name/" names a directory, as on Linux. */
	int slash = *path && path[__builtin_strlen(path) - 1] == '/';
	unsigned depth = 0;
	int r;

	stack[0] = root;
	r = ext2_inode(fs, root, out);
	while (r == 0 && *path) {
		const char *s = path;
		size_t len;
		uint32_t ino;

		while (*path && *path != '/')
			path++;
		len = (size_t)(path - s);
		while (*path == '/')
			path++;
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (!is_dir(out))
			return -EXT2_ENOTDIR;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			depth -= depth > 0;
			r = ext2_inode(fs, stack[depth], out);
			continue;
		}
		r = ext2_lookup(fs, out, s, len, &ino);
		if (r == 0 && depth == WALK_DEPTH_MAX)
			r = -EXT2_ENAMETOOLONG;
		if (r == 0) {
			stack[++depth] = ino;
			r = ext2_inode(fs, ino, out);
		}
	}
	if (r == 0 && slash && !is_dir(out))
		r = -EXT2_ENOTDIR;
	return r;
}
