/*
 * Starting a program from its ELF image in the boot archive: a process,
 * one memory region per PT_LOAD (filled through a scratch window of
 * init's, then mapped into the child and the capability dropped: the
 * mapping keeps the region), a stack with the program's name at its top
 * (uk.h, UK_START_SP), and the capabilities every process
 * starts with (registry, supervisor); a driver also gets its device's
 * register page and interrupt (UK_SLOT_DEV_MMIO, UK_SLOT_DEV_IRQ).
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <stddef.h>
#include <stdint.h>

#define SPAWN_PRIO_SERVER       3       /* the registry */
#define SPAWN_PRIO              2       /* everything else (init: 4) */

/* Badges on init's endpoint (UK_SLOT_INIT_FAULT), by who sends: */
#define SPAWN_FAULT_BADGE       0xfa000000ull   /* | id: the kernel, when
						   the child stops */
#define SPAWN_SUPERVISOR_BIT    (1ull << 62)    /* | id: the child */

enum child_state {
	CHILD_NEW = 0,
	CHILD_RUNNING,
	CHILD_EXITED,           /* exited by itself */
	CHILD_FAILED,           /* would not start, or faulted */
};

struct child {
	const char *name;       /* archive entry name */
	const void *image;
	size_t size;
	uint64_t arg;           /* its argument word */
	uint64_t id;            /* 1..: its badges, to the registry too */
	int is_registry;
	int is_service;         /* a boot server: must register its name */
	int is_app;             /* the sandbox's program (ukern/app.h) */
	enum child_state state;
	unsigned restarts;
	int64_t status;         /* exit status; -1 after a fault */
	int dev;                /* its device (devices.h), or -1 */
	uint64_t proc;          /* slot of its process cap, or UK_NO_CAP */
	uint64_t pid;
};

/* Loads and starts c; registry_ep: the registry's endpoint (all rights)
 * in init's table. Returns UK_OK (c running), or an error after logging
 * it and undoing everything (c->proc is UK_NO_CAP). */
int spawn_start(struct child *c, uint64_t registry_ep);

/* Kills c's process (stopped or not) and drops its capability: the
 * kernel frees its memory with it. */
void spawn_reap(struct child *c);

#endif
