/*
 * What a block session holds, and the checks of a request against it
 * (proto/blk.h). Pure: no system calls (host-tested). Which sessions are
 * open, their badges and owners are libuk's session table (sessions.h).
 *
 * A session is a client's shared buffer: the slot of the memory
 * capability the client sent, its size and physical address.
 */
#ifndef BLK_SESSION_H
#define BLK_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <proto/blk.h>

struct blk_session {
	uint64_t slot;          /* the client's memory capability */
	uint64_t bytes;         /* the buffer's size */
	uint64_t phys;          /* its physical address (contiguous) */
	const volatile uint8_t *map;    /* mapped read-only, for BATCH; or 0 */
};

/*
 * Checks a READ or WRITE of count sectors from sector, at byte offset in
 * a buffer of buf_bytes, on a disk of capacity sectors. Returns BLK_OK,
 * BLK_E_BAD_REQUEST (count 0, or the bytes do not fit in the buffer) or
 * BLK_E_RANGE (the sectors do not fit on the disk); no arithmetic can
 * overflow whatever the words are.
 */
enum blk_err blk_check_rw(uint64_t capacity, uint64_t buf_bytes,
			  uint64_t sector, uint64_t count, uint64_t offset);

/*
 * Checks a BATCH of n entries whose table is at byte table_off of the
 * buffer: n in 1..BLK_BATCH_MAX, the table inside the buffer and 8-byte
 * aligned. BLK_OK or BLK_E_BAD_REQUEST.
 */
enum blk_err blk_check_batch(uint64_t buf_bytes, uint64_t n,
			     uint64_t table_off);

/*
 * Checks each of the n entries (the server's own copy of the table, which
 * sits at table_off and has passed blk_check_batch) as blk_check_rw does,
 * that its data does not touch the table, and that write is 0 or 1 and
 * is 0 on a read-only disk. Returns BLK_OK, or the first failure's error
 * with its index in *bad.
 */
enum blk_err blk_check_entries(uint64_t capacity, uint64_t buf_bytes,
			       int read_only, uint64_t table_off,
			       const struct blk_batch_entry *e, unsigned n,
			       unsigned *bad);

#endif
