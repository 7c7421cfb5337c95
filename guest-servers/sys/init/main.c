/*
 * init, the root task and supervisor. The kernel starts it with rdi =
 * the boot info page (the kernel command line), the boot archive
 * (UK_SLOT_INIT_BOOTFS), the machine control capability and an endpoint
 * (UK_SLOT_INIT_FAULT) on which it hears about its children.
 *
 * It reads the headers of the virtio devices it holds (devices.h),
 * creates the registry's endpoint and starts the registry, then the
 * boot servers (services=, opts.h), each allowed to register its own
 * name, and waits until they all have (bootonly ends the machine there;
 * a boot server that cannot start, such as a driver without a device,
 * ends it with status 1); then the programs of the run= list. A driver
 * program starts only with a device of its type. Then it supervises, on
 * UK_SLOT_INIT_FAULT:
 *  - badge SPAWN_FAULT_BADGE | id: the kernel stopped child id (fault or
 *    exit). init resets its device if it had one, kills it, has the
 *    registry forget its names, and restarts it after a fault
 *    (restarts= times at most);
 *  - badge SPAWN_SUPERVISOR_BIT | id: a request from child id; none is
 *    defined yet, each is answered with label 1 (unsupported).
 * When every program it started but the registry and the boot servers
 * has stopped, init ends the machine: status 0 when they all exited with
 * 0, else 1.
 *
 * The sandbox: when the boot loader passed a program (UK_SLOT_INIT_APP,
 * ukern/app.h), the boot servers default to APP_SERVICES, the console
 * starts in its sandbox mode, and the only other program is "app", the
 * Linux personality, which runs the program in its own process. Its
 * exit status is the machine's; a fault ends the machine with 128 + the
 * signal Linux would send, and one line on stderr (the kernel's log
 * port, which the monitor gives the program's stderr).
 */
#include <proto/console.h>
#include <ukern/app.h>
#include "archive.h"
#include "virtio.h"
#include "devices.h"
#include "opts.h"
#include "spawn.h"
#include "regclient.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define CMDLINE_MAX     4096
#define CHILDREN_MAX    16
#define RESTARTS_MAX    3
/* The sandbox's servers: the console, and the file system when there
 * is a disk. */
#define APP_SERVICES    "console"
#define APP_SERVICES_FS "console,blk,fs"

static int registered(const char *name);

static struct archive ar;
static struct child kids[CHILDREN_MAX];
static unsigned nkids;
static uint64_t registry_ep;
static uint64_t registered_ntfn;       /* the registry signals it */
static uint64_t restarts_max = RESTARTS_MAX;
static int app_mode;            /* a program to run in the sandbox */

__attribute__((noreturn)) static void halt(uint64_t status)
{
	printf("init: machine exit, status %lu\n", status);
	uk_flush();
	uk_machine_exit(UK_SLOT_INIT_CONTROL, status);
	uk_exit((int64_t)status);
}

/* Lets child c look up name; says why not when the registry refuses. */
static void allow_lookup(const struct child *c, const char *name)
{
	int r = reg_allow_lookup(c->id, name);

	if (r != REG_OK)
		printf("init: allow %s to look up %s: %s\n", c->name, name,
		       reg_strerror(r));
}

/*
 * Tells the registry which name each child may register (its own) and
 * which it may look up: "console", where every program's printf goes,
 * and the words of its uses file, the boot archive entry NAME.uses that
 * the build packs from the program's folder. A program without one may
 * look up only the console.
 */
static void allow_all(void)
{
	char uses[BOOTFS_NAME_MAX + 8], word[REG_NAME_MAX + 1];

	for (unsigned i = 0; i < nkids; i++) {
		const struct child *c = &kids[i];
		const char *name;
		const void *text;
		size_t len, pos = 0;
		int r, e;

		if (c->is_registry)
			continue;
		r = reg_allow(c->id, c->name);
		if (r != REG_OK)
			printf("init: allow %s: %s\n", c->name,
			       reg_strerror(r));
		allow_lookup(c, "console");
		snprintf(uses, sizeof uses, "%s.uses", c->name);
		if ((e = archive_find(&ar, uses)) < 0)
			continue;
		archive_entry(&ar, (unsigned)e, &name, &text, &len);
		while ((r = opt_word_next(text, len, &pos, word,
					  sizeof word)) != 0) {
			if (r > 0)
				allow_lookup(c, word);
			else
				eprintf("init: %s: a name too long\n", uses);
		}
	}
}

static void start(struct child *c)
{
	if (devices_claim(c) < 0 || spawn_start(c, registry_ep) != UK_OK) {
		c->state = CHILD_FAILED;
		c->status = -1;
		return;
	}
	if (!c->is_registry)
		return;
	if (uk_cap_give(c->proc, registered_ntfn, REG_SLOT_NOTIFY,
			UK_R_SEND) != UK_OK)
		printf("init: cannot give the registry its notification\n");
	allow_all();            /* a new registry knows nothing yet */
}

/* The host's time when the sandbox's machine started, in seconds (the
 * program's module carries it): fs's clock for the times it writes. */
static uint64_t app_clock(void)
{
	const struct uk_app *h = (const void *)(uintptr_t)UMAP_INIT_DEVICE;
	uint64_t t = 0;

	if (uk_mem_map(UK_SELF, UK_SLOT_INIT_APP, UMAP_INIT_DEVICE,
		       UK_R_READ) != UK_OK)
		return 0;
	if (h->magic == UK_APP_MAGIC)
		t = h->realtime_ns / 1000000000u;
	uk_mem_unmap(UK_SELF, UMAP_INIT_DEVICE, 1);
	return t;
}

/* Adds the archive entry called name to kids[]; NULL if there is none. */
static struct child *add(const char *name, uint64_t arg)
{
	int i = archive_find(&ar, name);
	struct child *c;

	if (i < 0 || strcmp(name, "init") == 0) {
		eprintf("init: %s: no such program\n", name);
		return NULL;
	}
	if (nkids == CHILDREN_MAX) {
		printf("init: %s: too many programs\n", name);
		return NULL;
	}
	c = &kids[nkids];
	archive_entry(&ar, (unsigned)i, &c->name, &c->image, &c->size);
	c->arg = arg;
	c->id = ++nkids;
	c->dev = -1;
	c->proc = UK_NO_CAP;
	return c;
}

/* Maps the boot archive and reads the command line into kids[]. */
static void setup(const char *cmdline)
{
	const char *run, *v;
	uint64_t pages, phys, arg, type, rights, badge;
	char name[BOOTFS_NAME_MAX];
	size_t len, len2, pos = 0;
	struct child *reg;
	int r;

	if (uk_mem_info(UK_SLOT_INIT_BOOTFS, &pages, &phys) != UK_OK ||
	    uk_mem_map(UK_SELF, UK_SLOT_INIT_BOOTFS, UMAP_INIT_BOOTFS,
		       UK_R_READ) != UK_OK) {
		printf("init: cannot map the boot archive\n");
		halt(1);
	}
	if (archive_open(&ar, (const void *)(uintptr_t)UMAP_INIT_BOOTFS,
			 pages * UK_PAGE_SIZE) != ARCHIVE_OK) {
		printf("init: the boot archive is corrupt\n");
		halt(1);
	}
	reg = add("registry", 0);
	if (!reg)
		halt(1);
	reg->is_registry = 1;

	app_mode = uk_cap_info(UK_SLOT_INIT_APP, &type, &rights, &badge) ==
		   UK_OK && type == UK_CAP_MEMORY;
	v = opt_value(cmdline, "restarts", &len);
	if (v && opt_num(v, len, &restarts_max) < 0)
		printf("init: restarts=: not a number\n");
	for (int list = 0; list < 2; list++) {
		const char *key = list ? "run" : "services";

		run = opt_value(cmdline, key, &len);
		if (!run || (app_mode && list)) {
			run = app_mode ? (list ? "app" :
			      devices_count(VIRTIO_ID_BLOCK) ? APP_SERVICES_FS :
			      APP_SERVICES) :
			      list ? INIT_DEFAULT_RUN : INIT_DEFAULT_SERVICES;
			len = strlen(run);
		}
		for (pos = 0; (r = opt_run_next(run, len, &pos, name, &arg)); ) {
			struct child *c = r > 0 ? add(name, arg) : NULL;

			if (r < 0)
				printf("init: %s=: bad item\n", key);
			else if (c && !list)
				c->is_service = 1;
			if (c && app_mode && strcmp(name, "console") == 0)
				c->arg |= CONS_ARG_APP;
			if (c && app_mode && strcmp(name, "fs") == 0)
				c->arg = app_clock();
			if (c && app_mode && list) {
				c->is_app = 1;
				c->arg = UK_APP_BUNDLE_VA;
			}
			if (c && c->arg == 0 && strcmp(name, "net") == 0 &&
			    (v = opt_value(cmdline, "ip", &len2)) &&
			    opt_ipv4(v, len2, &c->arg) < 0)
				printf("init: ip=: not A.B.C.D/N\n");
		}
	}
}

static void handle(const struct uk_msg *m);


/*
 * The system is up when every boot server has registered; the run=
 * programs start after that (and bootonly ends there). While it waits,
 * init still serves its supervisor endpoint: the registry's signal is
 * bound to init's thread, so it ends the receive, and a boot server
 * that dies before it registers is restarted (or, past restarts=, ends
 * the boot) instead of being waited for forever.
 */
static void wait_services(void)
{
	if (uk_ntfn_bind(registered_ntfn) != UK_OK) {
		eprintf("init: cannot bind the registry's notification\n");
		halt(1);
	}
	for (unsigned i = 1; i < nkids; i++) {
		struct child *c = &kids[i];

		if (!c->is_service)
			continue;
		/* The services run below init's priority: block, do not spin. */
		while (c->state == CHILD_RUNNING && !registered(c->name)) {
			struct uk_msg m;

			if (uk_recv(UK_SLOT_INIT_FAULT, &m) != UK_OK) {
				eprintf("init: receive failed\n");
				halt(1);
			}
			if (m.label != UK_LABEL_NOTIFY)
				handle(&m);
		}
		if (c->state != CHILD_RUNNING) {
			eprintf("init: boot server %s did not start\n",
				c->name);
			halt(1);
		}
	}
	uk_ntfn_bind(UK_NO_CAP);
}

/* Copies the command line out of the boot info page (NUL-terminated by
 * the kernel; bounded here anyway). */
static void read_cmdline(uint64_t info, char *out, size_t cap)
{
	const char *p = (const char *)(uintptr_t)info;
	size_t n = 0;

	if (info == UK_BOOTINFO_VA)
		for (; n + 1 < cap && p[n]; n++)
			out[n] = p[n];
	out[n] = '\0';
}

static struct child *by_id(uint64_t id)
{
	return id >= 1 && id <= nkids ? &kids[id - 1] : NULL;
}

static const char *trap_name(uint64_t v)
{
	static const char *const names[20] = {
		"divide error", "debug trap", "NMI", "breakpoint", "overflow",
		"bound range", "invalid opcode", "FPU unavailable",
		"double fault", "?", "invalid TSS", "segment not present",
		"stack fault", "general protection fault", "page fault", "?",
		"x87 error", "alignment check", "machine check", "SIMD error",
	};

	return v < 20 ? names[v] : "exception";
}

/* The signal Linux sends for exception vector v, and its name. */
static int app_signal(uint64_t v, const char **name)
{
	switch (v) {
	case 0: case 16: case 19:       /* #DE, #MF, #XM */
		*name = "SIGFPE";
		return 8;
	case 6:                         /* #UD */
		*name = "SIGILL";
		return 4;
	case 1: case 3:                 /* #DB, #BP */
		*name = "SIGTRAP";
		return 5;
	case 12: case 17:               /* #SS, #AC */
		*name = "SIGBUS";
		return 7;
	}
	*name = "SIGSEGV";              /* #PF, #GP and the rest */
	return 11;
}

/* The program stopped: the machine ends with its status. */
static _Noreturn void app_stopped(const struct uk_msg *m)
{
	const char *sig;
	int n;

	if (m->label == UK_LABEL_EXIT)
		halt(m->w[0] & 0xff);
	n = app_signal(m->w[0], &sig);
	if (m->w[0] == 14)
		eprintf("vmm: app: killed by %s: page fault at 0x%lx (rip "
			"0x%lx)\n", sig, m->w[3], m->w[2]);
	else
		eprintf("vmm: app: killed by %s: %s at rip 0x%lx\n", sig,
			trap_name(m->w[0]), m->w[2]);
	halt(128 + (uint64_t)n);
}

/* The kernel stopped child c: m is its fault or exit message. */
static void stopped(struct child *c, const struct uk_msg *m)
{
	int faulted = m->label == UK_LABEL_FAULT;
	int r;

	devices_reset(c->dev);  /* no DMA into memory about to be freed */
	spawn_reap(c);
	/* A fault is reported even when the log is quiet; the sandbox's
	 * program's, in Linux's terms, by app_stopped. */
	if (faulted && !c->is_app)
		eprintf("init: %s faulted: vector %lu error 0x%lx rip 0x%lx "
			"addr 0x%lx\n", c->name, m->w[0], m->w[1], m->w[2],
			m->w[3]);
	else if (!faulted)
		printf("init: %s exited with status %ld\n", c->name,
		       (int64_t)m->w[0]);
	if (!c->is_registry) {
		r = reg_forget(c->id);
		if (r != REG_OK)
			printf("init: forget %s: %s\n", c->name,
			       reg_strerror(r));
	}
	c->status = faulted ? -1 : (int64_t)m->w[0];
	c->state = faulted ? CHILD_FAILED : CHILD_EXITED;
	if (c->is_app)
		app_stopped(m);
	if (faulted && c->restarts < restarts_max) {
		c->restarts++;
		printf("init: restarting %s (%u of %lu)\n", c->name,
		       c->restarts, restarts_max);
		start(c);
	}
}

/* Whether name is registered (then it is a service, not a program that
 * is expected to finish). */
static int registered(const char *name)
{
	char got[REG_NAME_MAX + 1];

	for (uint64_t i = 0; reg_list(i, got) == REG_OK; i++)
		if (strcmp(got, name) == 0)
			return 1;
	return 0;
}

/* Ends the machine once every program but the services has stopped (and
 * there was one). */
static void maybe_done(void)
{
	unsigned bad = 0;

	if (nkids < 2)
		return;
	for (unsigned i = 0; i < nkids; i++) {
		struct child *c = &kids[i];

		if (c->is_registry)
			continue;
		if (c->state == CHILD_RUNNING && !c->is_service)
			return;
		if (c->state != CHILD_RUNNING)
			bad += c->state != CHILD_EXITED || c->status != 0;
	}
	halt(bad ? 1 : 0);
}

int main(uint64_t info)
{
	static char cmdline[CMDLINE_MAX];
	struct uk_msg m;
	enum uk_err e;

	printf_log_only();      /* never wait on a program I supervise */
	read_cmdline(info, cmdline, sizeof cmdline);
	devices_probe();
	setup(cmdline);
	registry_ep = uk_slot_alloc();
	registered_ntfn = uk_slot_alloc();
	if (uk_obj_create(registry_ep, UK_CAP_ENDPOINT) != UK_OK ||
	    uk_obj_create(registered_ntfn, UK_CAP_NTFN) != UK_OK ||
	    uk_cap_mint(registry_ep, UK_SLOT_REGISTRY, UK_R_SEND | UK_R_GRANT,
			REG_BADGE_ADMIN) != UK_OK) {
		printf("init: cannot create the registry endpoint\n");
		halt(1);
	}
	start(&kids[0]);
	if (kids[0].state != CHILD_RUNNING)
		halt(1);
	for (unsigned i = 1; i < nkids && kids[i].is_service; i++)
		start(&kids[i]);
	wait_services();
	if (opt_flag(cmdline, "bootonly"))
		halt(0);
	for (unsigned i = 1; i < nkids; i++)
		if (!kids[i].is_service)
			start(&kids[i]);
	maybe_done();           /* when none would start */

	for (;;) {
		e = uk_recv(UK_SLOT_INIT_FAULT, &m);
		if (e != UK_OK) {
			printf("init: receive: %s\n", uk_strerror(e));
			halt(1);
		}
		handle(&m);
		maybe_done();
	}
}

/* A message on the supervisor endpoint: a child's request (refused), or
 * the kernel's word that a child stopped. */
static void handle(const struct uk_msg *m)
{
	struct child *c;

	if (m->badge & SPAWN_SUPERVISOR_BIT) {
		struct uk_msg no = { .label = 1, .cap = UK_NO_CAP };

		uk_reply(&no);
		return;
	}
	c = (m->badge & ~0xffffffull) == SPAWN_FAULT_BADGE ?
	    by_id(m->badge & 0xffffff) : NULL;
	if (!c || c->state != CHILD_RUNNING ||
	    (m->label != UK_LABEL_FAULT && m->label != UK_LABEL_EXIT)) {
		printf("init: unexpected message 0x%lx, badge 0x%lx\n",
		       m->label, m->badge);
		return;
	}
	stopped(c, m);
}
