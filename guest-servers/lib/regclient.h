/*
 * The registry's client: every process talks to the registry through
 * UK_SLOT_REGISTRY (proto/registry.h). Each call returns as rpc.h says:
 * REG_OK (0), a REG_E_* code the registry answered, or minus an enum
 * uk_err when the kernel refused the call itself (-UK_E_DEAD: the
 * registry is gone; look again later).
 */
#ifndef REGCLIENT_H
#define REGCLIENT_H

#include <stdint.h>
#include <proto/registry.h>
#include <ukern/abi.h>
#include "regname.h"

/* Registers name for my endpoint in slot ep_slot (a copy is sent). */
int reg_register(const char *name, uint64_t ep_slot);
/* A server's start: a new endpoint, registered as name. Its slot, or
 * UK_NO_CAP after printing why (as "name: ..."). */
uint64_t reg_serve(const char *name);
/* Looks name up; the endpoint arrives in my slot dst_slot, which must be
 * empty (else -UK_E_BUSY: found, but the capability could not land). */
int reg_lookup(const char *name, uint64_t dst_slot);
/* reg_lookup, yielding and asking again while the name is not there yet
 * (a service that starts beside me), up to tries times. */
int reg_lookup_wait(const char *name, uint64_t dst_slot, unsigned tries);
/* The name of entry index (registration order) into out. */
int reg_list(uint64_t index, char out[REG_NAME_MAX + 1]);
/* Admin only (init): lets the client with badge register name. */
int reg_allow(uint64_t badge, const char *name);
/* Admin only (init): lets the client with badge look name up. */
int reg_allow_lookup(uint64_t badge, const char *name);
/* For a server: REG_OK while the life of the client that identity badge
 * names runs, REG_E_NOT_FOUND when it has ended (proto/registry.h). */
int reg_alive(uint64_t badge);
/* For a server's session table (sessions.h): 0 only when the registry
 * says the life badge names has ended; 1 otherwise, the registry's
 * silence included (nothing is taken back on a doubt). */
int reg_client_alive(uint64_t badge);
/* For a server: the name of the client an identity badge names, in out
 * (REG_OK), or REG_E_NOT_FOUND when that life has ended. */
int reg_who(uint64_t badge, char out[REG_NAME_MAX + 1]);
/* Admin only (init): the client with badge died; drop its names. */
int reg_forget(uint64_t badge);
/* For a server that has registered a name: bits on the notification in
 * slot ntfn (a copy with the send right is sent) on every client's
 * death, from now on. */
int reg_watch(uint64_t ntfn, uint64_t bits);
/* reg_watch on *ntfn, a notification bound to my thread; when *ntfn is
 * UK_NO_CAP, a new one, bound here and stored in *ntfn. REG_OK, or the
 * error (printed as "name: ..."). */
int reg_watch_deaths(const char *name, uint64_t *ntfn, uint64_t bits);

/* "REG_E_EXISTS", "UK_E_DEAD" and so on for a result above. */
const char *reg_strerror(int r);

#endif
