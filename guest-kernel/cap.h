/*
 * Capability tables: one per process, UK_CAP_SLOTS typed slots. Every
 * operation checks slot, type and rights first and changes nothing on an
 * error (which it returns as an enum uk_err).
 */
#ifndef CAP_H
#define CAP_H

#include "kobj.h"

/* The cap in p's slot if it has this type (UK_CAP_NULL: any non-empty)
 * and all of rights; else NULL with *err set (UK_E_CAP, UK_E_TYPE or
 * UK_E_RIGHTS; *err is left alone on success). */
struct cap *cap_lookup(struct proc *p, uint64_t slot, uint8_t type,
		       uint8_t rights, enum uk_err *err);
/* Put a new capability in an empty slot and take a reference. */
enum uk_err cap_install(struct proc *p, uint64_t slot, uint8_t type,
			uint8_t rights, uint64_t badge, void *obj);
/* Copy src (in sp) into the empty slot dst of dp with rights & mask;
 * with mint, set the badge (endpoints whose badge is 0 only). UK_E_ARG
 * if mask has a bit outside UK_R_ALL. */
enum uk_err cap_copy(struct proc *sp, uint64_t src, struct proc *dp,
		     uint64_t dst, uint64_t mask, int mint, uint64_t badge);
/* Delete the cap in p's slot, dropping its reference. */
enum uk_err cap_delete(struct proc *p, uint64_t slot);
/* Delete every capability of p (it is being destroyed). */
void cap_clear(struct proc *p);
/* The process a UK_CAP_PROCESS cap names, if it is still the same one. */
struct proc *cap_proc(struct cap *c);

#endif
