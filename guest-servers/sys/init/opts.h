/*
 * init's options on the kernel command line (the boot info page), pure
 * (host-tested). Tokens are separated by spaces; `key=value` or `flag`.
 *   services=NAME,...   the boot servers, started after the registry;
 *                       each must register its own name (default
 *                       INIT_DEFAULT_SERVICES)
 *   run=NAME[:ARG],...  the programs to start after them, in this
 *                       order, each with its argument word (default 0);
 *                       without run=, INIT_DEFAULT_RUN
 *   bootonly            end the machine (status 0) as soon as every boot
 *                       server has registered, before run= starts
 *   restarts=N          restarts of a faulting child (default 3)
 *   ip=A.B.C.D/N        the net server's address: its argument word
 *                       when its item has no ARG (opt_ipv4)
 */
#ifndef OPTS_H
#define OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <ukern/bootfs.h>

#define INIT_DEFAULT_SERVICES   "echo"
#define INIT_DEFAULT_RUN        "hello"

/* The value of the last `key=value` token of line (its length in *len,
 * not NUL-terminated), or NULL. */
const char *opt_value(const char *line, const char *key, size_t *len);

/* Whether the bare token name is on line. */
int opt_flag(const char *line, const char *name);

/* A decimal number of len bytes at s into *v: 0, or -1 if s is not one
 * (empty, other characters, overflow). */
int opt_num(const char *s, size_t len, uint64_t *v);

/*
 * The next item of a run list: s[*pos..len) holds `NAME[:ARG]` items
 * separated by commas. Stores the name (NUL-terminated) and argument and
 * advances *pos; returns 1, 0 at the end, -1 for a malformed item (name
 * empty or longer than BOOTFS_NAME_MAX - 1, bad ARG), which is skipped.
 */
int opt_run_next(const char *s, size_t len, size_t *pos,
		 char name[BOOTFS_NAME_MAX], uint64_t *arg);

/*
 * The next word of s[*pos..len), words separated by spaces, tabs and
 * newlines (a program's uses file: the services it may look up). Stores
 * it NUL-terminated in out (room: cap bytes) and advances *pos; returns
 * 1, 0 at the end, -1 for a word of cap bytes or more, which is skipped.
 */
int opt_word_next(const char *s, size_t len, size_t *pos, char *out,
		  size_t cap);

/* Packs `A.B.C.D/N` (len bytes at s; N 1..32, address not 0) as
 * A.B.C.D << 8 | N into *packed: 0, or -1 if s is not one. */
int opt_ipv4(const char *s, size_t len, uint64_t *packed);

#endif
