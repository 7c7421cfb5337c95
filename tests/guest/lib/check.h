/*
 * The in-guest tests' checks. CHECK and EXPECT count a failure and print
 * one line naming the program, the source line and what went wrong;
 * check_verdict prints the one verdict line the host-side tests look for
 * and gives the program's exit status:
 *
 *	CHECK(r == 0, "lookup: %s", reg_strerror(r));
 *	EXPECT(reg_lookup("x", slot), REG_E_NOT_FOUND);
 *	return check_verdict("registry");   // "utest registry: ok", 0
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include "uk.h"
#include "ulib.h"

/* Failures so far. */
extern int check_failures;

/* How EXPECT names a result (a protocol's strerror, such as
 * reg_strerror); NULL, the default: its number. */
extern const char *(*check_names)(int result);

/* Counts a failure and prints "PROG: FAIL line LINE: COND; " and the
 * message. */
void check_fail(int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CHECK(cond) or CHECK(cond, fmt, ...): a failure when cond is false. */
#define CHECK(cond, ...) do {                                           \
	if (!(cond))                                                    \
		check_fail(__LINE__, #cond, " " __VA_ARGS__);           \
} while (0)

/* A failure when the int result of got is not want; both are named. */
#define EXPECT(got, want) do {                                          \
	int got_ = (got), want_ = (want);                               \
	if (got_ != want_)                                              \
		check_fail(__LINE__, #got, " %s, want %s",              \
			   check_name(got_, 0), check_name(want_, 1));  \
} while (0)

/* The name check_names gives r; buffer 0 or 1 holds a number (two names
 * in one message). */
const char *check_name(int r, int buffer);

/* Prints "utest SUITE: ok" (no failure) or "utest SUITE: FAIL (N
 * failures)" on the kernel log and returns the exit status, 0 or 1. */
int check_verdict(const char *suite);

#endif
