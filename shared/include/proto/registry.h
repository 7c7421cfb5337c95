/*
 * The service registry's protocol. A name is up to 32 bytes, carried in
 * the four message words (NUL-padded, little-endian bytes in w0..w3).
 * Requests: the label's low 16 bits are the operation. Replies: label =
 * enum reg_err, words as listed.
 *
 * Identity. A server registers its own endpoint, unbadged and with the
 * MINT right. A client that looks it up gets a send copy badged with
 * the client's identity, REG_CLIENT_BADGE(id, life): id is the client's
 * number from init, life counts its deaths, so a badge names one life of
 * one program and no client can make another's (it has no MINT right).
 * A server that mints badges of its own (sessions) sets
 * REG_SERVER_BADGE_BIT in them, which no identity has. ALIVE tells a
 * server whether the life a badge names still runs; WHO its name.
 *
 * Deaths. A server that has registered a name may WATCH: it gives a
 * notification (send right) and bits, and from then on the registry ORs
 * those bits into it whenever init says a client died (FORGET), so the
 * server can end that client's sessions at once (asking ALIVE about its
 * owners) rather than when it next runs short. One watch per server; a
 * second replaces the first; it goes with the server's names.
 */
#ifndef PROTO_REGISTRY_H
#define PROTO_REGISTRY_H

#include <stdint.h>

#define REG_NAME_MAX            32

enum reg_op {
	REG_OP_NONE = 0,
	REG_OP_REGISTER,        /* name, cap = endpoint -> err */
	REG_OP_LOOKUP,          /* name -> err, cap = endpoint */
	REG_OP_LIST,            /* w0 = index -> err, name of entry index */
	REG_OP_ALLOW,           /* admin only; label bits 16..63 = client
	                           badge; name -> err: the client may
	                           register that name */
	REG_OP_FORGET,          /* admin only; bits 16..63 = client badge:
	                           drop its names (it died), end its life
	                           (badges of it are no longer ALIVE) -> err */
	REG_OP_ALLOW_LOOKUP,    /* admin only; bits 16..63 = client badge;
	                           name -> err: the client may look name up */
	REG_OP_ALIVE,           /* w0 = an identity badge -> REG_OK while that
	                           life of the client runs, else NOT_FOUND */
	REG_OP_WHO,             /* w0 = an identity badge -> the name init
	                           gave that client, in w0..w3, or NOT_FOUND */
	REG_OP_WATCH,           /* cap = notification (send), w0 = bits (not
	                           0) -> err: NOT_ALLOWED before the caller
	                           registered a name, NO_CAP, FULL */
	REG_OP_MAX
};

enum reg_err {
	REG_OK = 0,
	REG_E_BAD_REQUEST,      /* unknown operation or malformed words */
	REG_E_BAD_NAME,         /* empty, or not NUL-padded after the end */
	REG_E_NOT_ALLOWED,      /* the manifest does not allow this name
	                           (to register, or to look up) */
	REG_E_EXISTS,           /* the name is registered already */
	REG_E_NOT_FOUND,
	REG_E_NO_CAP,           /* REGISTER without an endpoint capability */
	REG_E_FULL,             /* table full */
	REG_E_MAX
};

/* A slot of the registry's own table where init may put a notification
 * (send right): the registry signals bit 0 on every new registration, so
 * init can wait for its boot servers without polling. */
#define REG_SLOT_NOTIFY         3

/* Badge of init's own registry capability (administrative rights). */
#define REG_BADGE_ADMIN         0xad000000ull

/* A client's identity as servers see it (see above). Client numbers are
 * below REG_CLIENTS_MAX. */
#define REG_CLIENTS_MAX         256u
#define REG_CLIENT_BADGE(id, life) ((uint64_t)(life) << 24 | (id))
#define REG_BADGE_CLIENT(badge) ((badge) & 0xffffffu)
#define REG_BADGE_LIFE(badge)   ((badge) >> 24)
#define REG_SERVER_BADGE_BIT    (1ull << 63)

#endif
