/*
 * Fixed pools of kernel objects and their lifetimes. Endpoints,
 * notifications and regions are counted by the capabilities (and, for
 * regions, mappings) that name them and freed at zero; processes and
 * threads are freed by proc_kill.
 */
#ifndef OBJ_H
#define OBJ_H

#include "kobj.h"

extern struct proc obj_procs[NPROCS];
extern struct thread obj_threads[NTHREADS];

/* Each returns a zeroed object, or NULL when the pool or the owner's quota
 * is exhausted. Objects start with refs = 0; the caller installs a cap.
 * A process gets the next pid, one never given before. */
struct proc *obj_proc_alloc(void);
struct thread *obj_thread_alloc(void);
struct endpoint *obj_ep_alloc(struct proc *owner);
struct ntfn *obj_ntfn_alloc(struct proc *owner);
/* A region of pages contiguous frames (zeroed by region_frames_alloc),
 * charged to owner as one object and pages pages. */
struct region *obj_region_alloc(struct proc *owner, uint32_t pages);

/* A region over frames the allocator does not own (never freed),
 * charged to owner as one object. */
struct region *obj_region_alloc_fixed(struct proc *owner, uint64_t phys,
				      uint32_t pages);

void obj_ref(uint8_t type, void *obj);
/* Drop one reference; at zero the object is freed (an endpoint first
 * wakes its waiters with UK_E_DEAD). */
void obj_unref(uint8_t type, void *obj);

/* Mark an endpoint dead (its server is gone): waiters and later senders
 * get UK_E_DEAD. */
void obj_ep_kill(struct endpoint *ep);
/* Kill the endpoints p owns (it stopped). */
void obj_kill_endpoints(struct proc *p);
/* Objects owned by p: kill its endpoints, forget it as owner. */
void obj_disown(struct proc *p);

/* Platform hooks (the kernel: frame allocator; tests: a fake). */
uint64_t region_frames_alloc(uint32_t pages);
void region_frames_free(uint64_t phys, uint32_t pages);

#endif
