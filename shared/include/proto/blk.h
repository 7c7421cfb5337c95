/*
 * The block service's protocol (the server registers "blk"). Request
 * label = enum blk_op; reply label = enum blk_err, words as listed.
 *
 * Data never travels in messages. A client opens a session by sending a
 * memory region capability (read and write rights; the endpoint cap
 * needs the grant right) with BLK_OP_SETUP. The reply carries a new
 * endpoint capability, badged for that session: READ and WRITE sent on
 * it move sectors between the disk and that buffer (the device reads and
 * writes the region by DMA; the server keeps the capability, so the
 * memory lives until BLK_OP_CLOSE). READ or WRITE sent on any other
 * capability (the registry's copy, a closed session's) gets
 * BLK_E_NO_BUFFER. INFO and FLUSH work on either.
 *
 * BATCH puts up to BLK_BATCH_MAX reads and writes in flight at once (a
 * queue depth the one-at-a-time READ and WRITE cannot reach): the client
 * writes a table of struct blk_batch_entry into its buffer and sends its
 * length and byte offset. The server copies the table before it looks
 * at it, checks every entry as READ and WRITE are checked (and that its
 * data does not touch the table), and starts nothing unless all pass;
 * then every entry's requests go to the device together, finishing in
 * any order, and the reply comes when all have. Entries are not ordered
 * among themselves: a read of sectors another entry writes may see
 * either contents. After BLK_E_IO the other entries may or may not have
 * been done.
 *
 * The server trusts nothing: sector, count and offset are checked
 * against the disk and the buffer, without overflow. A request is
 * answered only when the device has finished it.
 */
#ifndef PROTO_BLK_H
#define PROTO_BLK_H

#include <stddef.h>
#include <stdint.h>

#define BLK_SECTOR_SIZE         512u
#define BLK_SESSIONS_MAX        8       /* open sessions at a time */
#define BLK_SESSIONS_PER_CLIENT 4       /* of them, one client's */
#define BLK_BATCH_MAX           16      /* entries in one BATCH */

/* One entry of a BATCH table (in the client's buffer, 8-byte aligned). */
struct blk_batch_entry {
	uint64_t sector;
	uint32_t count;         /* 512-byte sectors */
	uint32_t write;         /* 0: disk -> buffer, 1: buffer -> disk */
	uint64_t offset;        /* byte offset in the buffer */
};

_Static_assert(sizeof(struct blk_batch_entry) == 24, "the table's stride");
_Static_assert(offsetof(struct blk_batch_entry, count) == 8, "count");
_Static_assert(offsetof(struct blk_batch_entry, write) == 12, "write");
_Static_assert(offsetof(struct blk_batch_entry, offset) == 16, "offset");

enum blk_op {
	BLK_OP_NONE = 0,        /* reserved: BLK_E_BAD_REQUEST */
	BLK_OP_SETUP,           /* cap = memory region (R|W) -> cap = the
	                           session's endpoint, w0 = buffer bytes */
	BLK_OP_READ,            /* w0 sector, w1 count (of 512-byte sectors),
	                           w2 byte offset in the buffer: disk ->
	                           buffer */
	BLK_OP_WRITE,           /* same words: buffer -> disk */
	BLK_OP_FLUSH,           /* everything written so far is durable */
	BLK_OP_INFO,            /* -> w0 capacity in sectors, w1 flags
	                           (BLK_INFO_*), w2 block size in bytes */
	BLK_OP_CLOSE,           /* on a session cap: drop its buffer */
	BLK_OP_BATCH,           /* w0 entries (1..BLK_BATCH_MAX), w1 byte
	                           offset of the table in the buffer -> w0
	                           the entry an error is about (the count
	                           when all went well) */
	BLK_OP_MAX
};

/* BLK_OP_INFO flags (w1). */
#define BLK_INFO_READ_ONLY      0x1u

enum blk_err {
	BLK_OK = 0,
	BLK_E_BAD_REQUEST,      /* unknown label, count 0, buffer range
	                           outside the buffer; BATCH: no entries or
	                           too many, a table outside the buffer or
	                           not 8-byte aligned, write not 0 or 1, an
	                           entry's data on the table */
	BLK_E_RANGE,            /* sectors past the end of the disk */
	BLK_E_IO,               /* the device reported an error */
	BLK_E_READ_ONLY,        /* WRITE to a read-only disk */
	BLK_E_NO_BUFFER,        /* READ/WRITE outside a session */
	BLK_E_BAD_BUFFER,       /* SETUP without a memory capability with
	                           read and write rights */
	BLK_E_FULL,             /* SETUP: the client holds its share, or
	                           every session is a living client's */
	BLK_E_MAX
};

#endif
