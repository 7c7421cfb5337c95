/*
 * The console service's protocol (the server registers "console"): the
 * virtio-console's output and input. Bytes travel in the four message
 * words (up to CONS_BYTES_MAX, little-endian in w0..w3); the count in
 * bits 16..23 of the label. Request label: enum cons_op | count << 16.
 * Reply label: enum cons_err | count << 16, words as listed.
 *
 * OPEN answers a capability badged for a session: lines written on it
 * go out whole, each prefixed with "[name] ", name being the one init
 * gave the client (the registry's WHO; the name in OPEN's words must be
 * well formed and is otherwise unused), so that the lines of several
 * writers do not mix and none passes for another's (a line is cut at
 * CONS_LINE_MAX; a byte other than printable ASCII or a tab goes out
 * as '?', so that no control sequence, C0 or C1, moves the cursor back
 * over the tag). WRITE needs a session:
 * on the registry's copy of the endpoint it is refused with
 * CONS_E_NO_SESSION. A client holds CONS_SESSIONS_PER_CLIENT sessions; when
 * all CONS_SESSIONS_MAX are taken, OPEN ends those of clients that have
 * died (their partial lines written out), or answers CONS_E_FULL. A
 * WRITE on an ended session is refused with CONS_E_NO_SESSION.
 *
 * The sandbox (init starts the console with CONS_ARG_APP): the sessions
 * of the client named "app", the program, are raw: its bytes go out as
 * they are, untagged, held until FLUSH, CLOSE, READ or a full buffer;
 * every other line goes to the kernel's log (quiet unless -v), so that
 * the program's stdout is its own.
 *
 * Input is one stream shared by every reader, first come first served.
 * READ never blocks: the server is one thread and can answer only its
 * current caller, so it replies count 0 when nothing has arrived and the
 * client retries (after uk_yield, or later); CONS_E_EOF once the host's
 * input has ended (a device with MULTIPORT says so) and all of it was
 * read. The server takes in what
 * the device received when its interrupt arrives (a bound notification
 * ends its receive) and on every request.
 */
#ifndef PROTO_CONSOLE_H
#define PROTO_CONSOLE_H

#include <stdint.h>

#define CONS_BYTES_MAX          32u     /* bytes in one message */
#define CONS_NAME_MAX           32u     /* OPEN: packed like registry names */
#define CONS_LINE_MAX           120u    /* a session's line, prefix excluded */
#define CONS_SESSIONS_MAX       8u
#define CONS_SESSIONS_PER_CLIENT 2u     /* of them, one client's */
#define CONS_ARG_APP            1u      /* the server's start argument */
#define CONS_RAW_MAX            4096u   /* a raw session's buffer */

#define CONS_LABEL(op, n)       ((uint64_t)(op) | (uint64_t)(n) << 16)
#define CONS_OP(label)          ((label) & 0xffffu)
#define CONS_COUNT(label)       (((label) >> 16) & 0xffu)

enum cons_op {
	CONS_OP_NONE = 0,       /* reserved: CONS_E_BAD_REQUEST */
	CONS_OP_WRITE,          /* count bytes in w0..w3 -> OK */
	CONS_OP_READ,           /* count: room (1..32) -> count bytes of
	                           input in w0..w3 (0: nothing yet) */
	CONS_OP_OPEN,           /* name in w0..w3 -> cap = a session
	                           endpoint whose lines carry "[name] " */
	CONS_OP_CLOSE,          /* on a session: writes out a partial
	                           line, ends the session */
	CONS_OP_FLUSH,          /* on a session: writes out what it holds */
	CONS_OP_MAX
};

enum cons_err {
	CONS_OK = 0,
	CONS_E_BAD_REQUEST,     /* unknown op, count over CONS_BYTES_MAX */
	CONS_E_BAD_NAME,        /* OPEN: empty or not NUL-padded */
	CONS_E_FULL,            /* OPEN: the client holds its share, or every
	                           session is a living client's */
	CONS_E_NO_SESSION,      /* CLOSE outside a session, WRITE on an
	                           ended one */
	CONS_E_IO,              /* the device is broken */
	CONS_E_EOF,             /* READ: the host's input has ended, and
	                           every byte of it was read */
	CONS_E_MAX
};

#endif
