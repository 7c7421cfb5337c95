/*
 * fstest's helpers (main.c) for its cases (cases.c). The shared buffer
 * holds a name field at NAME_OFF and data at DATA_OFF.
 */
#ifndef FSTEST_H
#define FSTEST_H

#include <stdint.h>
#include <proto/fs.h>
#include "check.h"

#define BUF_PAGES       512             /* 2 MiB */
#define BUF_BYTES       (BUF_PAGES * 4096ull)
#define NAME_OFF        0ull
#define DATA_OFF        4096ull

extern uint64_t ep;             /* "fs" from the registry */
extern uint64_t session;        /* my session endpoint */
extern uint64_t buf_slot;       /* its memory capability */
extern uint8_t *buf;            /* the shared buffer */
extern uint64_t r[3];           /* the last reply's words */

/* "FS_E_NOT_FOUND", "UK_E_DEAD" and so on (rpc.h's results). */
const char *fs_strerror(int e);
/* One call on to (rpc.h's result); the reply's words in r. */
int call(uint64_t to, uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2);
/* SETUP with the capability in slot cap; on FS_OK the session endpoint
 * is in *out. A reply of the wrong size breaks the protocol. */
int setup(uint64_t cap, uint64_t *out);
/* Puts n (cut at FS_NAME_MAX bytes) in the name field, NUL-padded. */
void name(const char *n);
/* Byte i of the test pattern seed. */
uint8_t pattern(uint64_t seed, uint64_t i);
/* WRITE of len pattern bytes as blob n. */
int put(const char *n, uint64_t len, uint64_t seed);
/* READs n and CHECKs its length and contents. */
void check_blob(const char *n, uint64_t len, uint64_t seed);

/* cases.c: mode 0, the whole test. */
void full(void);

#endif
