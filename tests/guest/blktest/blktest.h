/* What blktest's files share: the client, the failure count, checks. */
#ifndef BLKTEST_H
#define BLKTEST_H

#include "blkclient.h"
#include "uk.h"
#include "ulib.h"

extern struct client c;
extern int failures;

#define CHECK(cond, ...) do {                                           \
	if (!(cond)) {                                                  \
		eprintf("blktest: FAIL line %d: ", __LINE__);            \
		eprintf(__VA_ARGS__);                                   \
		eprintf("\n");                                          \
		failures++;                                             \
	}                                                               \
} while (0)

/* CHECK that a call's label is want. */
#define EXPECT(call, want) do {                                         \
	uint64_t got_ = (call);                                         \
	CHECK(got_ == (want), "%s: %s, want %s", #call,                 \
	      client_strerror(got_), client_strerror(want));             \
} while (0)

/* The byte i of the pattern written from sector on. */
uint8_t pattern(uint64_t sector, uint64_t i);

/* batch.c: BLK_OP_BATCH on the session. */
void batch_round_trip(void);
void batch_errors(void);
void batch_read_only(void);

#endif
