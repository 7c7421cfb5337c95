/*
 * The service registry's protocol. A name is up to 32 bytes, carried in
 * the four message words (NUL-padded, little-endian bytes in w0..w3).
 * Requests: the label's low 16 bits are the operation. Replies: label =
 * enum reg_err, words as listed.
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
	                           drop its names (it died) -> err */
	REG_OP_MAX
};

enum reg_err {
	REG_OK = 0,
	REG_E_BAD_REQUEST,      /* unknown operation or malformed words */
	REG_E_BAD_NAME,         /* empty, or not NUL-padded after the end */
	REG_E_NOT_ALLOWED,      /* the manifest does not allow this name */
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

#endif
