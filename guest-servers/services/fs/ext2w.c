/*
 * ext2's write side (ext2.h): allocation from the group bitmaps with
 * every free count kept (group descriptors and superblock), new files
 * and directories, file data through direct and indirect blocks, and
 * unlinking. Each operation leaves a consistent file system for
 * e2fsck -fn once its writes are on the device (the tests check).
 */
#include "ext2.h"

#define SB_OFF          1024u
#define SB_FREE_BLOCKS  12
#define SB_FREE_INODES  16
#define SB_FIRST_INO    84
#define GD_SIZE         32u
#define GD_BLOCK_BITMAP 0
#define GD_INODE_BITMAP 4
#define GD_FREE_BLOCKS  12
#define GD_FREE_INODES  14
#define GD_USED_DIRS    16

#define I_MODE          0
#define I_SIZE          4
#define I_DTIME         20
#define I_LINKS         26
#define I_BLOCKS        28      /* in 512-byte sectors */
#define I_FLAGS         32
#define I_BLOCK         40
#define I_SIZE_HIGH     108
#define INDEX_FL        0x1000u /* a hashed directory (dir_index) */

#define FT_REG          1
#define FT_DIR          2

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static int rd(const struct ext2 *fs, uint64_t off, void *buf, size_t n)
{
	return fs->read(fs->ctx, off, buf, n) == 0 ? 0 : -EXT2_EIO;
}

static int wr(const struct ext2 *fs, uint64_t off, const void *buf, size_t n)
{
	return fs->write(fs->ctx, off, buf, n) == 0 ? 0 : -EXT2_EIO;
}

static uint64_t block_off(const struct ext2 *fs, uint32_t b)
{
	return (uint64_t)b * fs->block_size;
}

/* Adds d to the 32-bit count at byte off; 0 or -EXT2_EIO. */
static int add32(const struct ext2 *fs, uint64_t off, int32_t d)
{
	uint8_t v[4];

	if (rd(fs, off, v, 4))
		return -EXT2_EIO;
	put32(v, le32(v) + (uint32_t)d);
	return wr(fs, off, v, 4);
}

static int add16(const struct ext2 *fs, uint64_t off, int d)
{
	uint8_t v[2];

	if (rd(fs, off, v, 2))
		return -EXT2_EIO;
	put16(v, (uint16_t)(v[0] + (v[1] << 8) + d));
	return wr(fs, off, v, 2);
}

static uint64_t gd_off(const struct ext2 *fs, uint32_t g, unsigned field)
{
	return fs->gdt_off + (uint64_t)g * GD_SIZE + field;
}

/* The free counts of group g and of the superblock move by d. */
static int count(const struct ext2 *fs, uint32_t g, unsigned gd_field,
		 unsigned sb_field, int d)
{
	if (add16(fs, gd_off(fs, g, gd_field), d))
		return -EXT2_EIO;
	return add32(fs, SB_OFF + sb_field, d);
}

/*
 * Takes the first clear bit of a bitmap of nbits in group g (its block
 * number at gd field), sets it; its index in *bit. 0, -ENOSPC-like
 * (1: none free) or -EXT2_EIO. The bitmap is read a block at a time.
 */
static int take_bit(const struct ext2 *fs, uint32_t g, unsigned field,
		    uint32_t nbits, uint32_t *bit)
{
	uint8_t gd[4], buf[64];
	uint32_t map;

	if (rd(fs, gd_off(fs, g, field), gd, 4))
		return -EXT2_EIO;
	map = le32(gd);
	if (map == 0 || map >= fs->blocks)
		return -EXT2_EIO;
	for (uint32_t i = 0; i < nbits; i += 8 * sizeof buf) {
		uint32_t n = nbits - i < 8 * sizeof buf ? nbits - i :
			     8 * sizeof buf;

		if (rd(fs, block_off(fs, map) + i / 8, buf, (n + 7) / 8))
			return -EXT2_EIO;
		for (uint32_t b = 0; b < n; b++) {
			if (buf[b / 8] == 0xff && b % 8 == 0) {
				b += 7;         /* a full byte: skip it */
				continue;
			}
			if (buf[b / 8] & (1u << (b % 8)))
				continue;
			buf[b / 8] |= (uint8_t)(1u << (b % 8));
			if (wr(fs, block_off(fs, map) + (i + b) / 8,
			       &buf[b / 8], 1))
				return -EXT2_EIO;
			*bit = i + b;
			return 0;
		}
	}
	return 1;
}

/* Clears bit of group g's bitmap (gd field). */
static int drop_bit(const struct ext2 *fs, uint32_t g, unsigned field,
		    uint32_t bit)
{
	uint8_t gd[4], v;
	uint64_t off;

	if (rd(fs, gd_off(fs, g, field), gd, 4) || le32(gd) >= fs->blocks)
		return -EXT2_EIO;
	off = block_off(fs, le32(gd)) + bit / 8;
	if (rd(fs, off, &v, 1))
		return -EXT2_EIO;
	v &= (uint8_t)~(1u << (bit % 8));
	return wr(fs, off, &v, 1);
}

static int zero_block(const struct ext2 *fs, uint32_t b)
{
	static const uint8_t zero[256];

	for (uint32_t o = 0; o < fs->block_size; o += sizeof zero)
		if (wr(fs, block_off(fs, b) + o, zero, sizeof zero))
			return -EXT2_EIO;
	return 0;
}

/* Where the last block was found: the next search starts in that
 * group (any start is right; this one is fast for a file that grows). */
static uint32_t group_hint;

/* A new block, zeroed, in *b. -EXT2_ENOSPC when none is free. Groups
 * whose descriptor counts no free block are passed over. */
static int alloc_block(const struct ext2 *fs, uint32_t *b)
{
	for (uint32_t k = 0; k < fs->groups; k++) {
		uint32_t g = (group_hint + k) % fs->groups;
		uint32_t first = fs->first_data_block + g * fs->blocks_per_group;
		uint32_t n = fs->blocks - first < fs->blocks_per_group ?
			     fs->blocks - first : fs->blocks_per_group;
		uint8_t free[2];
		uint32_t bit;
		int r;

		if (rd(fs, gd_off(fs, g, GD_FREE_BLOCKS), free, 2))
			return -EXT2_EIO;
		if (free[0] == 0 && free[1] == 0)
			continue;
		r = take_bit(fs, g, GD_BLOCK_BITMAP, n, &bit);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		group_hint = g;
		*b = first + bit;
		if (count(fs, g, GD_FREE_BLOCKS, SB_FREE_BLOCKS, -1))
			return -EXT2_EIO;
		return zero_block(fs, *b);
	}
	return -EXT2_ENOSPC;
}

static int free_block(const struct ext2 *fs, uint32_t b)
{
	uint32_t g, bit;

	if (b < fs->first_data_block || b >= fs->blocks)
		return -EXT2_EIO;
	g = (b - fs->first_data_block) / fs->blocks_per_group;
	bit = (b - fs->first_data_block) % fs->blocks_per_group;
	if (drop_bit(fs, g, GD_BLOCK_BITMAP, bit))
		return -EXT2_EIO;
	return count(fs, g, GD_FREE_BLOCKS, SB_FREE_BLOCKS, 1);
}

static uint64_t inode_off(const struct ext2 *fs, uint32_t ino)
{
	uint8_t gd[4];
	uint32_t g = (ino - 1) / fs->inodes_per_group;

	if (rd(fs, gd_off(fs, g, 8), gd, 4) || le32(gd) >= fs->blocks)
		return 0;
	return block_off(fs, le32(gd)) +
	       (uint64_t)((ino - 1) % fs->inodes_per_group) * fs->inode_size;
}

/* Writes in's mode, links, size, block pointers and sectors back. */
static int put_inode(const struct ext2 *fs, const struct ext2_inode *in,
		     uint32_t sectors)
{
	uint64_t off = inode_off(fs, in->ino);
	uint8_t raw[128];

	if (off == 0 || rd(fs, off, raw, sizeof raw))
		return -EXT2_EIO;
	put16(raw + I_MODE, in->mode);
	put16(raw + I_LINKS, in->links);
	put32(raw + I_SIZE, (uint32_t)in->size);
	put32(raw + I_SIZE_HIGH, (uint32_t)(in->size >> 32));
	put32(raw + I_BLOCKS, sectors);
	for (unsigned i = 0; i < EXT2_N_BLOCKS; i++)
		put32(raw + I_BLOCK + 4 * i, in->block[i]);
	/* A change is a modification and a status change; a new inode's
	 * access time is its birth. Without a clock the times stay. */
	if (fs->now) {
		put32(raw + 0x10, fs->now);             /* i_mtime */
		put32(raw + 0x0c, fs->now);             /* i_ctime */
		if (!le32(raw + 0x08))
			put32(raw + 0x08, fs->now);     /* i_atime */
	}
	return wr(fs, off, raw, sizeof raw);
}

static uint32_t sectors_of(const struct ext2 *fs, const struct ext2_inode *in)
{
	uint64_t off = inode_off(fs, in->ino);
	uint8_t v[4] = { 0 };

	if (off)
		(void)rd(fs, off + I_BLOCKS, v, 4);
	return le32(v);
}

/*
 * The device block for block number b of in, allocating it (and the
 * indirect blocks on the way) when alloc is set; *sectors grows by what
 * was allocated. 0 with *out (0: a hole, only when !alloc), or an error.
 */
static int map_alloc(const struct ext2 *fs, struct ext2_inode *in,
		     uint64_t b, int alloc, uint32_t *sectors, uint32_t *out)
{
	uint64_t per = fs->block_size / 4, span, slot_off = 0;
	int at = ext2_slot(fs, &b, &span);
	unsigned level = at < 12 ? 0 : (unsigned)at - 11;
	uint32_t *slot, blk, parent = 0;

	if (at < 0)
		return -EXT2_EFBIG;
	slot = &in->block[at];
	blk = *slot;
	for (;;) {
		if (blk == 0 && alloc) {
			int r = alloc_block(fs, &blk);

			if (r)
				return r;
			*sectors += fs->block_size / 512;
			if (parent) {
				uint8_t v[4];

				put32(v, blk);
				if (wr(fs, slot_off, v, 4))
					return -EXT2_EIO;
			} else {
				*slot = blk;
			}
		}
		if (blk == 0 || level == 0)
			break;
		if (blk >= fs->blocks)
			return -EXT2_EIO;
		level--;
		span /= per;
		parent = blk;
		slot_off = block_off(fs, blk) + (b / span) * 4;
		b %= span;
		{
			uint8_t v[4];

			if (rd(fs, slot_off, v, 4))
				return -EXT2_EIO;
			blk = le32(v);
		}
	}
	if (blk >= fs->blocks)
		return -EXT2_EIO;
	*out = blk;
	return 0;
}

int64_t ext2_pwrite(const struct ext2 *fs, struct ext2_inode *in,
		    uint64_t off, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint32_t sectors = sectors_of(fs, in);
	uint64_t done = 0;
	int r = 0;

	if (!fs->write || fs->read_only)
		return -EXT2_EROFS;
	while (done < n && r == 0) {
		uint64_t at = off + done, in_blk = at % fs->block_size;
		uint64_t k = fs->block_size - in_blk;
		uint32_t blk;

		if (k > n - done)
			k = n - done;
		r = map_alloc(fs, in, at / fs->block_size, 1, &sectors, &blk);
		if (r == 0 && wr(fs, block_off(fs, blk) + in_blk, p + done,
				 (size_t)k))
			r = -EXT2_EIO;
		if (r == 0)
			done += k;
	}
	if (off + done > in->size)
		in->size = off + done;
	if (put_inode(fs, in, sectors) && r == 0)
		r = -EXT2_EIO;
	return done ? (int64_t)done : r;
}

/* Frees the blocks under indirect block blk at level (1..3). */
static int free_tree(const struct ext2 *fs, uint32_t blk, unsigned level)
{
	uint8_t v[4];

	if (blk == 0)
		return 0;
	for (uint32_t i = 0; level > 0 && i < fs->block_size / 4; i++) {
		if (rd(fs, block_off(fs, blk) + 4 * i, v, 4))
			return -EXT2_EIO;
		if (le32(v) && free_tree(fs, le32(v), level - 1))
			return -EXT2_EIO;
	}
	return free_block(fs, blk);
}

/* A free inode, its group's counts moved; dir: a directory. */
static int alloc_inode(const struct ext2 *fs, int dir, uint32_t *ino)
{
	uint8_t sb[4];
	uint32_t first;

	if (rd(fs, SB_OFF + SB_FIRST_INO, sb, 4))
		return -EXT2_EIO;
	first = le32(sb) ? le32(sb) : 11;
	for (uint32_t g = 0; g < fs->groups; g++) {
		uint32_t bit;
		int r = take_bit(fs, g, GD_INODE_BITMAP, fs->inodes_per_group,
				 &bit);

		if (r < 0)
			return r;
		if (r > 0)
			continue;
		*ino = g * fs->inodes_per_group + bit + 1;
		/* The reserved inodes' bits are set: a clear one is a
		 * corrupt bitmap. */
		if (*ino < first || *ino > fs->inodes)
			return -EXT2_EIO;
		if (count(fs, g, GD_FREE_INODES, SB_FREE_INODES, -1) ||
		    (dir && add16(fs, gd_off(fs, g, GD_USED_DIRS), 1)))
			return -EXT2_EIO;
		return 0;
	}
	return -EXT2_ENOSPC;
}

/* A directory entry's record: its length for a name of len. */
static uint32_t rec_for(size_t len)
{
	return (uint32_t)(8 + len + 3) & ~3u;
}

/*
 * Adds name -> ino (type) to directory dir: into the slack of an
 * existing record, else a new block. A hashed directory becomes a plain
 * one (the index is a hint; its blocks read as plain records).
 */
static int add_entry(const struct ext2 *fs, struct ext2_inode *dir,
		     const char *name, size_t len, uint32_t ino, uint8_t type)
{
	uint32_t need = rec_for(len), sectors = sectors_of(fs, dir), blk;
	uint8_t h[8], e[8 + EXT2_NAME_MAX + 3];
	uint64_t pos = 0, at;
	uint64_t ioff = inode_off(fs, dir->ino);
	int r;

	if (ioff == 0 || rd(fs, ioff + I_FLAGS, h, 4))
		return -EXT2_EIO;
	if (le32(h) & INDEX_FL) {
		put32(h, le32(h) & ~INDEX_FL);
		if (wr(fs, ioff + I_FLAGS, h, 4))
			return -EXT2_EIO;
	}
	put32(e, ino);
	e[6] = (uint8_t)len;
	e[7] = (fs->incompat & 0x2u) ? type : 0;
	__builtin_memcpy(e + 8, name, len);
	while (pos < dir->size) {
		uint32_t rec, used;

		if (ext2_read(fs, dir, pos, h, 8) != 8)
			return -EXT2_EIO;
		rec = (uint32_t)(h[4] | h[5] << 8);
		if (rec < 8 || (rec & 3) ||
		    rec > fs->block_size - pos % fs->block_size)
			return -EXT2_EIO;
		used = le32(h) ? rec_for(h[6]) : 0;
		if (rec - used >= need) {
			/* Shorten this record; mine takes the rest. */
			if (used) {
				put16(h + 4, (uint16_t)used);
				if (ext2_pwrite(fs, dir, pos + 4, h + 4, 2) != 2)
					return -EXT2_EIO;
			}
			at = pos + used;
			put16(e + 4, (uint16_t)(rec - used));
			return ext2_pwrite(fs, dir, at, e, 8 + len) ==
			       (int64_t)(8 + len) ? 0 : -EXT2_EIO;
		}
		pos += rec;
	}
	/* A new block: one record that fills it. */
	r = map_alloc(fs, dir, dir->size / fs->block_size, 1, &sectors, &blk);
	if (r)
		return r;
	dir->size += fs->block_size;
	if (put_inode(fs, dir, sectors))
		return -EXT2_EIO;
	put16(e + 4, (uint16_t)fs->block_size);
	return ext2_pwrite(fs, dir, dir->size - fs->block_size, e, 8 + len) ==
	       (int64_t)(8 + len) ? 0 : -EXT2_EIO;
}

int ext2_create(const struct ext2 *fs, struct ext2_inode *dir,
		const char *name, size_t len, uint16_t mode,
		struct ext2_inode *out)
{
	static const uint8_t zero[256];
	int isdir = (mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	uint32_t ino;
	uint64_t off;
	int r;

	if (!fs->write || fs->read_only)
		return -EXT2_EROFS;
	if ((dir->mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return -EXT2_ENOTDIR;
	if (out == dir)
		return -EXT2_EINVAL;    /* dir is still needed below */
	if (len == 0 || len > EXT2_NAME_MAX)
		return -EXT2_ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return -EXT2_EINVAL;
	if (ext2_lookup(fs, dir, name, len, &ino) == 0)
		return -EXT2_EEXIST;
	r = alloc_inode(fs, isdir, &ino);
	if (r)
		return r;
	off = inode_off(fs, ino);
	for (uint32_t o = 0; off && o < fs->inode_size; o += sizeof zero)
		if (wr(fs, off + o, zero, fs->inode_size - o < sizeof zero ?
		       fs->inode_size - o : sizeof zero))
			return -EXT2_EIO;
	*out = (struct ext2_inode){ .ino = ino, .mode = mode,
				    .links = isdir ? 2 : 1 };
	if (off == 0 || put_inode(fs, out, 0))
		return -EXT2_EIO;
	if (isdir) {
		/* "." and "..": one block, the second record filling it. */
		uint8_t e[24] = { 0 };

		put32(e, ino);
		put16(e + 4, 12);
		e[6] = 1;
		e[7] = FT_DIR;
		e[8] = '.';
		put32(e + 12, dir->ino);
		put16(e + 16, (uint16_t)(fs->block_size - 12));
		e[18] = 2;
		e[19] = FT_DIR;
		e[20] = '.';
		e[21] = '.';
		if (ext2_pwrite(fs, out, 0, e, sizeof e) != sizeof e)
			return -EXT2_EIO;
		out->size = fs->block_size;
		if (put_inode(fs, out, sectors_of(fs, out)))
			return -EXT2_EIO;
		dir->links++;
		if (put_inode(fs, dir, sectors_of(fs, dir)))
			return -EXT2_EIO;
	}
	return add_entry(fs, dir, name, len, ino, isdir ? FT_DIR : FT_REG);
}

/* Finds name in dir: the record's position in *pos, the one before it
 * in the same block (or ~0) in *prev, its header in h. 0, -ENOENT or
 * -EIO. */
static int find_entry(const struct ext2 *fs, const struct ext2_inode *dir,
		      const char *name, size_t len, uint64_t *pos,
		      uint64_t *prev, uint8_t h[8])
{
	*pos = 0;
	*prev = ~0ull;
	while (*pos < dir->size) {
		char nm[EXT2_NAME_MAX];
		uint32_t rec;

		if (*pos % fs->block_size == 0)
			*prev = ~0ull;
		if (ext2_read(fs, dir, *pos, h, 8) != 8)
			return -EXT2_EIO;
		rec = (uint32_t)(h[4] | h[5] << 8);
		if (rec < 8 || (rec & 3) || 8u + h[6] > rec ||
		    rec > fs->block_size - *pos % fs->block_size)
			return -EXT2_EIO;
		if (le32(h) && h[6] == len &&
		    ext2_read(fs, dir, *pos + 8, nm, len) == (int64_t)len &&
		    __builtin_memcmp(nm, name, len) == 0)
			return 0;
		*prev = *pos;
		*pos += rec;
	}
	return -EXT2_ENOENT;
}

/* Removes the record at pos (h its header): into the one before it in
 * its block, or emptied when it is the block's first. */
static int drop_entry(const struct ext2 *fs, struct ext2_inode *dir,
		      uint64_t pos, uint64_t prev, uint8_t h[8])
{
	uint8_t p[8];

	if (prev == ~0ull) {
		put32(h, 0);
		return ext2_pwrite(fs, dir, pos, h, 4) == 4 ? 0 : -EXT2_EIO;
	}
	if (ext2_read(fs, dir, prev, p, 8) != 8)
		return -EXT2_EIO;
	put16(p + 4, (uint16_t)((p[4] | p[5] << 8) + (h[4] | h[5] << 8)));
	return ext2_pwrite(fs, dir, prev + 4, p + 4, 2) == 2 ? 0 : -EXT2_EIO;
}

/* Whether in's block pointers are block pointers at all: a fast
 * symbolic link (no blocks counted) keeps its target's text there. */
static int has_blocks(const struct ext2 *fs, const struct ext2_inode *in)
{
	return (in->mode & EXT2_S_IFMT) != EXT2_S_IFLNK ||
	       sectors_of(fs, in) != 0;
}

/* Whether every top-level pointer of in is 0 or a block of the file
 * system's data area: checked before an entry goes, so that a corrupt
 * inode cannot leave a half-done unlink behind. */
static int pointers_ok(const struct ext2 *fs, const struct ext2_inode *in)
{
	if (!has_blocks(fs, in))
		return 1;
	for (unsigned i = 0; i < EXT2_N_BLOCKS; i++)
		if (in->block[i] && (in->block[i] < fs->first_data_block ||
				     in->block[i] >= fs->blocks))
			return 0;
	return 1;
}

/* Frees in's blocks and in (its last link is gone; dir: a directory). */
static int release(const struct ext2 *fs, struct ext2_inode *in, int dir)
{
	uint64_t off = inode_off(fs, in->ino);
	uint32_t g = (in->ino - 1) / fs->inodes_per_group;
	uint8_t t[4];

	for (unsigned i = 0; i < 12 && has_blocks(fs, in); i++)
		if (in->block[i] && free_block(fs, in->block[i]))
			return -EXT2_EIO;
	for (unsigned l = 1; l <= 3 && has_blocks(fs, in); l++)
		if (free_tree(fs, in->block[11 + l], l))
			return -EXT2_EIO;
	for (unsigned i = 0; i < EXT2_N_BLOCKS; i++)
		in->block[i] = 0;
	in->size = 0;
	in->links = 0;
	/* A deletion time (a small one would read as an orphan list's
	 * link). */
	put32(t, fs->now ? fs->now : 1000000000u);
	if (off == 0 || put_inode(fs, in, 0) || wr(fs, off + I_DTIME, t, 4) ||
	    drop_bit(fs, g, GD_INODE_BITMAP,
		     (in->ino - 1) % fs->inodes_per_group) ||
	    count(fs, g, GD_FREE_INODES, SB_FREE_INODES, 1) ||
	    (dir && add16(fs, gd_off(fs, g, GD_USED_DIRS), -1)))
		return -EXT2_EIO;
	return 0;
}

int ext2_unlink(const struct ext2 *fs, struct ext2_inode *dir,
		const char *name, size_t len)
{
	uint8_t h[8];
	uint64_t pos, prev;
	struct ext2_inode in;
	int r;

	if (!fs->write || fs->read_only)
		return -EXT2_EROFS;
	if ((dir->mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return -EXT2_ENOTDIR;
	r = find_entry(fs, dir, name, len, &pos, &prev, h);
	if (r)
		return r;
	if (ext2_inode(fs, le32(h), &in))
		return -EXT2_EIO;
	if ((in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
		return -EXT2_EISDIR;
	if (!pointers_ok(fs, &in))
		return -EXT2_EIO;
	if (drop_entry(fs, dir, pos, prev, h))
		return -EXT2_EIO;
	if (--in.links > 0)
		return put_inode(fs, &in, sectors_of(fs, &in));
	return release(fs, &in, 0);
}

int ext2_rmdir(const struct ext2 *fs, struct ext2_inode *dir,
	       const char *name, size_t len)
{
	struct ext2_dirent d;
	struct ext2_inode in;
	uint64_t pos, prev, at = 0;
	uint8_t h[8];
	int r;

	if (!fs->write || fs->read_only)
		return -EXT2_EROFS;
	if ((dir->mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return -EXT2_ENOTDIR;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -EXT2_EINVAL;
	r = find_entry(fs, dir, name, len, &pos, &prev, h);
	if (r)
		return r;
	if (ext2_inode(fs, le32(h), &in))
		return -EXT2_EIO;
	if ((in.mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return -EXT2_ENOTDIR;
	while ((r = ext2_readdir(fs, &in, &at, &d)) > 0)
		if (!(d.len == 1 && d.name[0] == '.') &&
		    !(d.len == 2 && d.name[0] == '.' && d.name[1] == '.'))
			return -EXT2_ENOTEMPTY;
	if (r < 0 || drop_entry(fs, dir, pos, prev, h))
		return -EXT2_EIO;
	dir->links--;           /* its ".." */
	if (put_inode(fs, dir, sectors_of(fs, dir)))
		return -EXT2_EIO;
	return release(fs, &in, 1);
}

/* Frees the data blocks from index keep on in the tree of blk at level
 * (0: blk is a data block) whose first index is base, per^level indices
 * wide; *gone when blk itself went (then its pointer must be cleared). */
static int trim(const struct ext2 *fs, uint32_t blk, unsigned level,
		uint64_t base, uint64_t keep, uint32_t *sectors, int *gone)
{
	uint64_t per = fs->block_size / 4, span = 1;

	*gone = 0;
	if (blk == 0)
		return 0;
	for (unsigned l = 1; l < level; l++)
		span *= per;
	for (uint64_t i = 0; level > 0 && i < per; i++) {
		uint64_t off = block_off(fs, blk) + 4 * i;
		uint8_t v[4];
		int child_gone;

		if (base + (i + 1) * span <= keep)
			continue;       /* all kept */
		if (rd(fs, off, v, 4) ||
		    trim(fs, le32(v), level - 1, base + i * span, keep,
			 sectors, &child_gone))
			return -EXT2_EIO;
		if (child_gone) {
			put32(v, 0);
			if (wr(fs, off, v, 4))
				return -EXT2_EIO;
		}
	}
	if (base < keep)
		return 0;               /* something under it stays */
	*gone = 1;
	*sectors -= fs->block_size / 512;
	return free_block(fs, blk);
}

int ext2_truncate(const struct ext2 *fs, struct ext2_inode *in,
		  uint64_t size)
{
	uint64_t per = fs->block_size / 4, keep, base = 12, span = per;
	uint32_t sectors = sectors_of(fs, in), blk;
	int gone;

	if (!fs->write || fs->read_only)
		return -EXT2_EROFS;
	if ((in->mode & EXT2_S_IFMT) != EXT2_S_IFREG)
		return -EXT2_EINVAL;
	keep = (size + fs->block_size - 1) / fs->block_size;
	for (unsigned i = 0; i < 12; i++) {
		if (i < keep || !in->block[i])
			continue;
		if (free_block(fs, in->block[i]))
			return -EXT2_EIO;
		in->block[i] = 0;
		sectors -= fs->block_size / 512;
	}
	for (unsigned l = 1; l <= 3; l++, base += span, span *= per) {
		if (trim(fs, in->block[11 + l], l, base, keep, &sectors,
			 &gone))
			return -EXT2_EIO;
		if (gone)
			in->block[11 + l] = 0;
	}
	/* What a later growth would show of the last block: zeroes. */
	if (size < in->size && size % fs->block_size &&
	    map_alloc(fs, in, size / fs->block_size, 0, &sectors, &blk) == 0 &&
	    blk) {
		static const uint8_t zero[256];
		uint64_t from = size % fs->block_size;

		while (from < fs->block_size) {
			uint64_t k = fs->block_size - from < sizeof zero ?
				     fs->block_size - from : sizeof zero;

			if (wr(fs, block_off(fs, blk) + from, zero, (size_t)k))
				return -EXT2_EIO;
			from += k;
		}
	}
	in->size = size;
	return put_inode(fs, in, sectors);
}

/* Whether directory ino is dir or above it (dir's ".." chain). */
static int above(const struct ext2 *fs, const struct ext2_inode *dir,
		 uint32_t ino)
{
	struct ext2_inode at = *dir;

	for (unsigned n = 0; n < 4096; n++) {
		uint32_t up;

		if (at.ino == ino)
			return 1;
		if (at.ino == EXT2_ROOT_INO)
			return 0;
		if (ext2_lookup(fs, &at, "..", 2, &up) || ext2_inode(fs, up, &at))
			return -EXT2_EIO;
	}
	return -EXT2_EIO;       /* a loop of ".." */
}

int ext2_rename(const struct ext2 *fs, struct ext2_inode *odir,
		const char *oname, size_t olen, struct ext2_inode *ndir,
		const char *nname, size_t nlen)
{
	struct ext2_inode in, old;
	uint64_t pos, prev;
	uint8_t h[8], type;
	uint32_t ino;
	int r, isdir;

	if (!fs->write || fs->read_only)
		return -EXT2_EROFS;
	if ((odir->mode & EXT2_S_IFMT) != EXT2_S_IFDIR ||
	    (ndir->mode & EXT2_S_IFMT) != EXT2_S_IFDIR)
		return -EXT2_ENOTDIR;
	if (odir != ndir && odir->ino == ndir->ino)
		return -EXT2_EINVAL;    /* one directory: pass it once */
	if ((olen == 1 && oname[0] == '.') || (nlen == 1 && nname[0] == '.') ||
	    (olen == 2 && oname[0] == '.' && oname[1] == '.') ||
	    (nlen == 2 && nname[0] == '.' && nname[1] == '.'))
		return -EXT2_EINVAL;
	r = find_entry(fs, odir, oname, olen, &pos, &prev, h);
	if (r)
		return r;
	if (ext2_inode(fs, le32(h), &in))
		return -EXT2_EIO;
	type = h[7];
	isdir = (in.mode & EXT2_S_IFMT) == EXT2_S_IFDIR;
	/* A directory moves nowhere under itself. */
	if (isdir && odir != ndir && (r = above(fs, ndir, in.ino)) != 0)
		return r < 0 ? r : -EXT2_EINVAL;
	/* What the new name names now goes, as Linux's rename does. */
	if (ext2_lookup(fs, ndir, nname, nlen, &ino) == 0) {
		if (ino == in.ino)
			return 0;
		if (ext2_inode(fs, ino, &old))
			return -EXT2_EIO;
		if ((old.mode & EXT2_S_IFMT) == EXT2_S_IFDIR)
			r = isdir ? ext2_rmdir(fs, ndir, nname, nlen) :
				    -EXT2_EISDIR;
		else
			r = isdir ? -EXT2_ENOTDIR :
				    ext2_unlink(fs, ndir, nname, nlen);
		if (r)
			return r;
	}
	r = add_entry(fs, ndir, nname, nlen, in.ino, type);
	if (r)
		return r;
	/* The old record again: adding may have moved records about. */
	if (find_entry(fs, odir, oname, olen, &pos, &prev, h) ||
	    drop_entry(fs, odir, pos, prev, h))
		return -EXT2_EIO;
	if (!isdir || odir == ndir)
		return 0;
	/* Its ".." (the second record, at 12) names the new parent. */
	put32(h, ndir->ino);
	if (ext2_pwrite(fs, &in, 12, h, 4) != 4)
		return -EXT2_EIO;
	odir->links--;
	ndir->links++;
	if (put_inode(fs, odir, sectors_of(fs, odir)) ||
	    put_inode(fs, ndir, sectors_of(fs, ndir)))
		return -EXT2_EIO;
	return 0;
}
