#include "cap.h"
#include "obj.h"
#include "sysarg.h"

struct cap *cap_lookup(struct proc *p, uint64_t slot, uint8_t type,
		       uint8_t rights, enum uk_err *err)
{
	struct cap *c;

	if (slot >= UK_CAP_SLOTS || (c = &p->caps[slot])->type == UK_CAP_NULL) {
		*err = UK_E_CAP;
		return NULL;
	}
	if (type != UK_CAP_NULL && c->type != type) {
		*err = UK_E_TYPE;
		return NULL;
	}
	if ((c->rights & rights) != rights) {
		*err = UK_E_RIGHTS;
		return NULL;
	}
	return c;
}

enum uk_err cap_install(struct proc *p, uint64_t slot, uint8_t type,
			uint8_t rights, uint64_t badge, void *obj)
{
	struct cap *c;

	if (slot >= UK_CAP_SLOTS || type == UK_CAP_NULL || type >= UK_CAP_TYPE_MAX)
		return UK_E_ARG;
	c = &p->caps[slot];
	if (c->type != UK_CAP_NULL)
		return UK_E_BUSY;
	c->type = type;
	c->rights = rights & UK_R_ALL;
	c->badge = badge;
	c->irq = 0;
	c->obj = obj;
	obj_ref(type, obj);
	return UK_OK;
}

enum uk_err cap_copy(struct proc *sp, uint64_t src, struct proc *dp,
		     uint64_t dst, uint64_t mask, int mint, uint64_t badge)
{
	enum uk_err err;
	struct cap *s;

	if (!sysarg_rights_ok(mask))
		return UK_E_ARG;
	if (!(s = cap_lookup(sp, src, UK_CAP_NULL, 0, &err)))
		return err;
	if (dst >= UK_CAP_SLOTS)
		return UK_E_CAP;
	if (dp->caps[dst].type != UK_CAP_NULL)
		return UK_E_BUSY;
	if (mint && (s->type != UK_CAP_ENDPOINT || s->badge != 0 || badge == 0))
		return UK_E_ARG;
	if (mint && !(s->rights & UK_R_MINT))
		return UK_E_RIGHTS;
	/* The control capability never spreads: only init holds it. */
	if (s->type == UK_CAP_CONTROL && dp != sp)
		return UK_E_RIGHTS;
	dp->caps[dst] = *s;
	dp->caps[dst].rights = s->rights & (uint8_t)mask;
	if (mint)
		dp->caps[dst].badge = badge;
	obj_ref(s->type, s->obj);
	return UK_OK;
}

/* Empty the non-empty slot c and drop the reference it held. */
static void drop(struct cap *c)
{
	struct cap old = *c;

	c->type = UK_CAP_NULL;
	c->obj = NULL;
	obj_unref(old.type, old.obj);
}

enum uk_err cap_delete(struct proc *p, uint64_t slot)
{
	enum uk_err err;
	struct cap *c = cap_lookup(p, slot, UK_CAP_NULL, 0, &err);

	if (!c)
		return err;
	drop(c);
	return UK_OK;
}

void cap_clear(struct proc *p)
{
	for (struct cap *c = p->caps; c < p->caps + UK_CAP_SLOTS; c++)
		if (c->type != UK_CAP_NULL)
			drop(c);
}

struct proc *cap_proc(struct cap *c)
{
	struct proc *p = c->obj;

	return p && p->live && p->pid == c->badge ? p : NULL;
}
