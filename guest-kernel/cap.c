#include "cap.h"
#include "obj.h"

struct cap *cap_lookup(struct proc *p, uint64_t slot, uint8_t type,
		       uint8_t rights, int *err)
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

int cap_install(struct proc *p, uint64_t slot, uint8_t type, uint8_t rights,
		uint64_t badge, void *obj)
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

int cap_copy(struct proc *sp, uint64_t src, struct proc *dp, uint64_t dst,
	     uint8_t mask, int mint, uint64_t badge)
{
	int err;
	struct cap *s = cap_lookup(sp, src, UK_CAP_NULL, 0, &err);

	if (!s)
		return err;
	if (dst >= UK_CAP_SLOTS)
		return UK_E_CAP;
	if (dp->caps[dst].type != UK_CAP_NULL)
		return UK_E_BUSY;
	if (mint && (s->type != UK_CAP_ENDPOINT || s->badge != 0 || badge == 0))
		return UK_E_ARG;
	/* The control capability never spreads: only init holds it. */
	if (s->type == UK_CAP_CONTROL && dp != sp)
		return UK_E_RIGHTS;
	dp->caps[dst] = *s;
	dp->caps[dst].rights = s->rights & mask;
	if (mint)
		dp->caps[dst].badge = badge;
	obj_ref(s->type, s->obj);
	return UK_OK;
}

int cap_delete(struct proc *p, uint64_t slot)
{
	int err;
	struct cap *c = cap_lookup(p, slot, UK_CAP_NULL, 0, &err);
	struct cap old;

	if (!c)
		return err;
	old = *c;
	c->type = UK_CAP_NULL;
	c->obj = NULL;
	obj_unref(old.type, old.obj);
	return UK_OK;
}

void cap_clear(struct proc *p)
{
	for (uint64_t i = 0; i < UK_CAP_SLOTS; i++)
		if (p->caps[i].type != UK_CAP_NULL)
			cap_delete(p, i);
}

struct proc *cap_proc(struct cap *c)
{
	struct proc *p = c->obj;

	return p && p->live && p->pid == c->badge ? p : NULL;
}
