#include "obj.h"
#include "ipc.h"
#include "cstr.h"

struct proc obj_procs[NPROCS];
struct thread obj_threads[NTHREADS];
static struct endpoint endpoints[NENDPOINTS];
static struct ntfn ntfns[NNTFNS];
static struct region regions[NREGIONS];
static unsigned region_hint;            /* where the next search starts */
static uint64_t next_pid = 1;

#define zero(p, n) memset((p), 0, (n))

static int charge(struct proc *owner)
{
	return quota_take(&owner->objs, 1);
}

static void uncharge(struct proc *owner)
{
	if (owner)
		quota_give(&owner->objs, 1);
}

struct proc *obj_proc_alloc(void)
{
	for (int i = 0; i < NPROCS; i++) {
		if (!obj_procs[i].live) {
			struct proc *p = &obj_procs[i];

			/* All but maps[], of which only the first nmaps
			 * are ever read: every instruction costs here. */
			zero(p, offsetof(struct proc, maps));
			zero(&p->nmaps, sizeof *p - offsetof(struct proc, nmaps));
			p->live = 1;
			p->pid = next_pid++;
			return p;
		}
	}
	return NULL;
}

struct thread *obj_thread_alloc(void)
{
	for (int i = 0; i < NTHREADS; i++) {
		if (obj_threads[i].state == T_FREE) {
			struct trap_frame *r = obj_threads[i].regs;
			uintptr_t top = obj_threads[i].kstack_top;

			/* Kernel stacks are set up once at boot and kept. */
			zero(&obj_threads[i], sizeof(obj_threads[i]));
			obj_threads[i].regs = r;
			obj_threads[i].kstack_top = top;
			obj_threads[i].state = T_INACTIVE;
			return &obj_threads[i];
		}
	}
	return NULL;
}

struct endpoint *obj_ep_alloc(struct proc *owner)
{
	for (int i = 0; i < NENDPOINTS; i++) {
		struct endpoint *ep = &endpoints[i];
		if (ep->refs == 0 && ep->owner == NULL && !ep->dead) {
			if (charge(owner) < 0)
				return NULL;
			zero(ep, sizeof(*ep));
			ep->owner = owner;
			return ep;
		}
	}
	return NULL;
}

struct ntfn *obj_ntfn_alloc(struct proc *owner)
{
	for (int i = 0; i < NNTFNS; i++) {
		struct ntfn *n = &ntfns[i];
		if (n->refs == 0 && n->owner == NULL) {
			if (charge(owner) < 0)
				return NULL;
			zero(n, sizeof(*n));
			n->owner = owner;
			return n;
		}
	}
	return NULL;
}

/* A free region, or NULL. */
static struct region *region_slot(void)
{
	for (int i = 0; i < NREGIONS; i++) {
		struct region *r = &regions[(i + region_hint) % NREGIONS];

		if (r->refs == 0 && r->pages == 0) {
			region_hint = (unsigned)(r - regions) + 1;
			return r;
		}
	}
	return NULL;
}

struct region *obj_region_alloc(struct proc *owner, uint32_t pages)
{
	struct region *r;
	uint64_t phys;

	if (pages == 0 || pages > 0xffff || !quota_fits(&owner->pages, pages) ||
	    !quota_fits(&owner->objs, 1) || !(r = region_slot()) ||
	    !(phys = region_frames_alloc(pages)))
		return NULL;
	(void)quota_take(&owner->pages, pages);        /* both fit */
	(void)quota_take(&owner->objs, 1);
	*r = (struct region){ .pages = (uint16_t)pages, .phys = phys,
			      .owner = owner };
	return r;
}

struct region *obj_region_alloc_fixed(struct proc *owner, uint64_t phys,
				      uint32_t pages)
{
	struct region *r;

	if (charge(owner) < 0)
		return NULL;
	if (!(r = region_slot())) {
		uncharge(owner);
		return NULL;
	}
	*r = (struct region){ .pages = (uint16_t)pages, .fixed = 1,
			      .phys = phys, .owner = owner };
	return r;
}

void obj_ref(uint8_t type, void *obj)
{
	switch (type) {
	case UK_CAP_ENDPOINT: ((struct endpoint *)obj)->refs++; break;
	case UK_CAP_NTFN:     ((struct ntfn *)obj)->refs++; break;
	case UK_CAP_MEMORY:   ((struct region *)obj)->refs++; break;
	default: break;
	}
}

void obj_unref(uint8_t type, void *obj)
{
	switch (type) {
	case UK_CAP_ENDPOINT: {
		struct endpoint *ep = obj;
		if (--ep->refs == 0) {
			ipc_ep_flush(ep, UK_E_DEAD);
			uncharge(ep->owner);
			zero(ep, sizeof(*ep));
		}
		break;
	}
	case UK_CAP_NTFN: {
		struct ntfn *n = obj;
		if (--n->refs == 0) {
			ipc_ntfn_flush(n, UK_E_DEAD);
			uncharge(n->owner);
			zero(n, sizeof(*n));
		}
		break;
	}
	case UK_CAP_MEMORY: {
		struct region *r = obj;
		if (--r->refs == 0) {
			if (!r->fixed)
				region_frames_free(r->phys, r->pages);
			if (r->owner && !r->fixed)
				quota_give(&r->owner->pages, r->pages);
			uncharge(r->owner);
			zero(r, sizeof(*r));
		}
		break;
	}
	default:
		break;
	}
}

void obj_ep_kill(struct endpoint *ep)
{
	ep->dead = 1;
	ipc_ep_flush(ep, UK_E_DEAD);
}

void obj_kill_endpoints(struct proc *p)
{
	for (int i = 0; i < NENDPOINTS; i++)
		if (endpoints[i].owner == p)
			obj_ep_kill(&endpoints[i]);
}

void obj_disown(struct proc *p)
{
	for (int i = 0; i < NENDPOINTS; i++) {
		if (endpoints[i].owner == p) {
			obj_ep_kill(&endpoints[i]);
			endpoints[i].owner = NULL;
		}
	}
	for (int i = 0; i < NNTFNS; i++) {
		if (ntfns[i].owner == p) {
			ipc_ntfn_flush(&ntfns[i], UK_E_DEAD);
			ntfns[i].owner = NULL;
		}
	}
	for (int i = 0; i < NREGIONS; i++)
		if (regions[i].owner == p)
			regions[i].owner = NULL;
}
