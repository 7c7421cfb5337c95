/*
 * Talking to the registry through UK_SLOT_REGISTRY (proto/registry.h).
 * Each returns REG_OK (0), a REG_E_* code the registry answered, or
 * minus an enum uk_err when the kernel refused the call itself (-UK_E_DEAD:
 * the registry is gone; look again later). A reply that breaks the
 * protocol is -UK_E_ARG.
 */
#ifndef IPC_H
#define IPC_H

#include <stdint.h>
#include <proto/registry.h>
#include <ukern/abi.h>
#include "regname.h"

/* Registers name for my endpoint in slot ep_slot (a copy is sent). */
int reg_register(const char *name, uint64_t ep_slot);
/* A server's start: a new endpoint, registered as name. Its slot, or
 * UK_NO_CAP after printing why (as "name: ..."). */
uint64_t reg_serve(const char *name);
/* A server's loop on ep, forever: receive (a capability a client sends
 * lands in slot *rcv, read anew each time: serve may move it), serve(m)
 * rewrites m into the reply, reply and receive the next. A reply that
 * sent the capability in slot *minted deletes the server's copy
 * afterwards; a failed receive is served as operation 0 (every
 * protocol's "none": answered with an error). */
__attribute__((noreturn)) void reg_serve_loop(uint64_t ep,
					       const uint64_t *rcv,
					       const uint64_t *minted,
					       void (*serve)(struct uk_msg *m));
/* Looks name up; the endpoint arrives in my slot dst_slot, which must be
 * empty (else -UK_E_BUSY: found, but the capability could not land). */
int reg_lookup(const char *name, uint64_t dst_slot);
/* The name of entry index (registration order) into out. */
int reg_list(uint64_t index, char out[REG_NAME_MAX + 1]);
/* Admin only (init): lets the client with badge register name. */
int reg_allow(uint64_t badge, const char *name);
/* Admin only (init): the client with badge died; drop its names. */
int reg_forget(uint64_t badge);

/* "REG_E_EXISTS", "UK_E_DEAD" and so on for a result above. */
const char *reg_strerror(int r);

#endif
