/* What blktest's files share: the client and its buffer, the pattern. */
#ifndef BLKTEST_H
#define BLKTEST_H

#include "blkclient.h"
#include "check.h"

#define BUF_PAGES       256             /* 1 MiB shared buffer */
#define BUF_BYTES       (BUF_PAGES * 4096ull)
#define BUF_SECTORS     (BUF_BYTES / BLK_SECTOR_SIZE)

extern struct blkc c;

/* The byte i of the pattern written from sector on. */
uint8_t pattern(uint64_t sector, uint64_t i);

/* batch.c: BLK_OP_BATCH on the session. */
void batch_round_trip(void);
void batch_errors(void);
void batch_read_only(void);

#endif
