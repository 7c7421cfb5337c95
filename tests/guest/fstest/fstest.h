/*
 * fstest's helpers (main.c) for its cases (cases.c, errors.c). The
 * session is fsclient.h's; the raw calls name places in its buffer
 * (fs.buf) by offset, so that a test can send what fsclient never would.
 */
#ifndef FSTEST_H
#define FSTEST_H

#include <stdint.h>
#include "check.h"
#include "fsclient.h"

#define BUF_PAGES       512             /* 2 MiB: FS_IO_MAX fits */
#define BUF_BYTES       (BUF_PAGES * 4096ull)
#define BIG             (FS_IO_MAX + FS_IO_MAX / 2)     /* two READs */

extern struct fsc fs;           /* my session */
extern uint64_t ep;             /* "fs" from the registry, unbadged */
extern uint64_t r[4];           /* the last raw reply's words */

/* One raw call on to (rpc.h's result); the reply's words in r. */
int call(uint64_t to, uint64_t op, uint64_t w0, uint64_t w1, uint64_t w2,
	 uint64_t w3);
/* SETUP on ep with the capability in slot cap; on FS_OK the session
 * endpoint is in *out. */
int setup(uint64_t cap, uint64_t *out);
/* Byte i of the test pattern seed. */
uint8_t pattern(uint64_t seed, uint64_t i);
/* Opens path (EXPECTs FS_OK): the handle. */
uint64_t open_ok(const char *path, uint32_t flags);
/* Makes path (created or emptied) hold len pattern bytes: a result. */
int make(const char *path, uint64_t len, uint64_t seed);
/* CHECKs that path holds exactly len pattern bytes of seed. */
void check_file(const char *path, uint64_t len, uint64_t seed);
/* The entries of directory path as " name:type" words, read room bytes
 * at a time; their count, or -1 (a failure counted). */
int list(const char *path, uint64_t room, char *out, size_t size);
/* Whether list's out holds the word ("name:type"). */
int listed(const char *names, const char *word);
/* INFO's free blocks. */
uint64_t free_blocks(void);

/* cases.c: files, directories, "..", a full disk. */
void files(void);
/* errors.c: every error, handles and sessions. */
void errors(void);

#endif
