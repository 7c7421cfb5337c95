/*
 * fstest's helpers (main.c) for its cases (cases.c). The shared buffer
 * holds a name field at NAME_OFF and data at DATA_OFF.
 */
#ifndef FSTEST_H
#define FSTEST_H

#include <stdint.h>
#include <proto/fs.h>

#define BUF_PAGES       512             /* 2 MiB */
#define BUF_BYTES       (BUF_PAGES * 4096ull)
#define NAME_OFF        0ull
#define DATA_OFF        4096ull

extern uint64_t ep;             /* "fs" from the registry */
extern uint64_t session;        /* my session endpoint */
extern uint64_t buf_slot;       /* its memory capability */
extern uint8_t *buf;            /* the shared buffer */
extern uint64_t r[3];           /* the last reply's words */
extern int failures;

#define CHECK(cond, ...) do {                                           \
	if (!(cond)) {                                                  \
		eprintf("fstest: FAIL line %d: ", __LINE__);             \
		eprintf(__VA_ARGS__);                                   \
		eprintf("\n");                                          \
		failures++;                                             \
	}                                                               \
} while (0)

/* CHECK that a call's label is want. */
#define EXPECT(call, want) do {                                         \
	uint64_t got_ = (call);                                         \
	CHECK(got_ == (want), "%s: %s, want %s", #call, err_name(got_),  \
	      err_name(want));                                          \
} while (0)

/* "FS_E_NOT_FOUND", or the kernel's error name for 100 + uk_err. */
const char *err_name(uint64_t e);
/* One call on to: the reply's label (or 100 + the kernel's error); the
 * reply's words in r. */
uint64_t call(uint64_t to, uint64_t op, uint64_t w0, uint64_t w1,
	      uint64_t w2);
/* SETUP with the capability in slot cap; on FS_OK the session endpoint
 * is in *out. 99: a reply that breaks the protocol. */
uint64_t setup(uint64_t cap, uint64_t *out);
/* Puts n (cut at FS_NAME_MAX bytes) in the name field, NUL-padded. */
void name(const char *n);
/* Byte i of the test pattern seed. */
uint8_t pattern(uint64_t seed, uint64_t i);
/* WRITE of len pattern bytes as blob n: the label. */
uint64_t put(const char *n, uint64_t len, uint64_t seed);
/* READs n and CHECKs its length and contents. */
void check_blob(const char *n, uint64_t len, uint64_t seed);

/* cases.c: mode 0, the whole test. */
void full(void);

#endif
