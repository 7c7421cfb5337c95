/*
 * System calls from user space (ukern/abi.h is the contract).
 *
 * Every call goes through uk_syscall_regs(): one asm statement that loads
 *   in:  rax number, rdi slot, rsi, rdx, r8, r9, r10, r12, r14
 *   out: rax error, rsi, rdx, r8, r9, r10, r12, r13
 * and calls the entry page at UK_ENTRY_VA (`movabs $UK_ENTRY_VA, %rcx;
 * call *%rcx`). rdi and r14 are preserved by the kernel; rcx and r11 are
 * clobbered; "memory" because the kernel reads and writes user buffers.
 * The call pushes a return address below rsp: user code is built with
 * -mno-red-zone, so nothing lives there.
 *
 * The typed wrappers return enum uk_err. A message's outputs are stored
 * back into *m even on an error; they mean nothing then.
 */
#ifndef UK_H
#define UK_H

#include <stdint.h>
#include <stddef.h>
#include <ukern/abi.h>

/* Every register of a system call; the raw form for tests and fuzzing. */
struct uk_regs {
	uint64_t rax, rdi, rsi, rdx, r8, r9, r10, r12, r13, r14;
};

/* Enters the kernel with r's registers and stores the results back in r
 * (rax, rsi, rdx, r8, r9, r10, r12, r13; rdi and r14 are left as given). */
static inline void uk_syscall_regs(struct uk_regs *r)
{
	register uint64_t rax __asm__("rax") = r->rax;
	register uint64_t rdi __asm__("rdi") = r->rdi;
	register uint64_t rsi __asm__("rsi") = r->rsi;
	register uint64_t rdx __asm__("rdx") = r->rdx;
	register uint64_t r8 __asm__("r8") = r->r8;
	register uint64_t r9 __asm__("r9") = r->r9;
	register uint64_t r10 __asm__("r10") = r->r10;
	register uint64_t r12 __asm__("r12") = r->r12;
	register uint64_t r13 __asm__("r13");
	register uint64_t r14 __asm__("r14") = r->r14;

	__asm__ volatile("movabs %[entry], %%rcx\n\t"
			 "call *%%rcx"
			 : "+r"(rax), "+r"(rsi), "+r"(rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r12), "=r"(r13)
			 : "r"(rdi), "r"(r14), [entry] "i"(UK_ENTRY_VA)
			 : "rcx", "r11", "cc", "memory");
	r->rax = rax;
	r->rsi = rsi;
	r->rdx = rdx;
	r->r8 = r8;
	r->r9 = r9;
	r->r10 = r10;
	r->r12 = r12;
	r->r13 = r13;
}

/* A raw system call: n in rax, a0..a5 in rdi, rsi, rdx, r8, r9, r10, no
 * capability sent or accepted (r12 = r14 = UK_NO_CAP). Returns rax. */
static inline uint64_t uk_syscall(uint64_t n, uint64_t a0, uint64_t a1,
				  uint64_t a2, uint64_t a3, uint64_t a4,
				  uint64_t a5)
{
	struct uk_regs r = {
		.rax = n, .rdi = a0, .rsi = a1, .rdx = a2, .r8 = a3,
		.r9 = a4, .r10 = a5, .r12 = UK_NO_CAP, .r14 = UK_NO_CAP,
	};

	uk_syscall_regs(&r);
	return r.rax;
}

/* ---- IPC ------------------------------------------------------------ */

/* One IPC system call: sends m (label, words, m->cap or UK_NO_CAP) when
 * the call sends, accepts a capability into rcv_slot (UK_NO_CAP: none)
 * when it receives, and stores what arrived in *m. */
static inline enum uk_err uk_ipc(enum uk_sys sys, uint64_t ep,
				 struct uk_msg *m, uint64_t rcv_slot)
{
	struct uk_regs r = {
		.rax = sys, .rdi = ep, .rsi = m->label, .rdx = m->w[0],
		.r8 = m->w[1], .r9 = m->w[2], .r10 = m->w[3],
		.r12 = m->cap, .r14 = rcv_slot,
	};

	uk_syscall_regs(&r);
	m->label = r.rsi;
	m->w[0] = r.rdx;
	m->w[1] = r.r8;
	m->w[2] = r.r9;
	m->w[3] = r.r10;
	m->cap = r.r12;
	m->badge = r.r13;
	return (enum uk_err)r.rax;
}

/* Sends *m on ep and waits for the reply, which replaces *m. A capability
 * in the reply is refused; uk_call_rcv accepts one into rcv_slot. */
static inline enum uk_err uk_call(uint64_t ep, struct uk_msg *m)
{
	return uk_ipc(UK_SYS_CALL, ep, m, UK_NO_CAP);
}

static inline enum uk_err uk_call_rcv(uint64_t ep, struct uk_msg *m,
				      uint64_t rcv_slot)
{
	return uk_ipc(UK_SYS_CALL, ep, m, rcv_slot);
}

/* Replies *m to the last caller, then waits on ep; the next request
 * replaces *m (its badge in m->badge). */
static inline enum uk_err uk_reply_recv(uint64_t ep, struct uk_msg *m)
{
	return uk_ipc(UK_SYS_REPLY_RECV, ep, m, UK_NO_CAP);
}

static inline enum uk_err uk_reply_recv_rcv(uint64_t ep, struct uk_msg *m,
					    uint64_t rcv_slot)
{
	return uk_ipc(UK_SYS_REPLY_RECV, ep, m, rcv_slot);
}

/* Waits for a message on ep. */
static inline enum uk_err uk_recv(uint64_t ep, struct uk_msg *m)
{
	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	return uk_ipc(UK_SYS_RECV, ep, m, UK_NO_CAP);
}

static inline enum uk_err uk_recv_rcv(uint64_t ep, struct uk_msg *m,
				      uint64_t rcv_slot)
{
	*m = (struct uk_msg){ .cap = UK_NO_CAP };
	return uk_ipc(UK_SYS_RECV, ep, m, rcv_slot);
}

/* Sends *m on ep, blocking until it is received; *m is left unchanged. */
static inline enum uk_err uk_send(uint64_t ep, const struct uk_msg *m)
{
	struct uk_msg t = *m;

	return uk_ipc(UK_SYS_SEND, ep, &t, UK_NO_CAP);
}

/* Replies *m to the last caller without waiting. */
static inline enum uk_err uk_reply(const struct uk_msg *m)
{
	struct uk_msg t = *m;

	return uk_ipc(UK_SYS_REPLY, UK_NO_CAP, &t, UK_NO_CAP);
}

/* ---- notifications -------------------------------------------------- */

static inline enum uk_err uk_signal(uint64_t ntfn, uint64_t bits)
{
	return (enum uk_err)uk_syscall(UK_SYS_SIGNAL, ntfn, bits, 0, 0, 0, 0);
}

/* Waits until a bit is set on ntfn; stores the bits (now cleared). */
static inline enum uk_err uk_wait(uint64_t ntfn, uint64_t *bits)
{
	struct uk_regs r = { .rax = UK_SYS_WAIT, .rdi = ntfn,
			     .r12 = UK_NO_CAP, .r14 = UK_NO_CAP };

	uk_syscall_regs(&r);
	*bits = r.rsi;
	return (enum uk_err)r.rax;
}

/* Like uk_wait, but UK_E_AGAIN at once when no bit is set. */
static inline enum uk_err uk_poll(uint64_t ntfn, uint64_t *bits)
{
	struct uk_regs r = { .rax = UK_SYS_POLL, .rdi = ntfn,
			     .r12 = UK_NO_CAP, .r14 = UK_NO_CAP };

	uk_syscall_regs(&r);
	*bits = r.rsi;
	return (enum uk_err)r.rax;
}

static inline enum uk_err uk_yield(void)
{
	return (enum uk_err)uk_syscall(UK_SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

/* ---- capabilities --------------------------------------------------- */

static inline enum uk_err uk_cap_copy(uint64_t src, uint64_t dst,
				      uint64_t rights)
{
	return (enum uk_err)uk_syscall(UK_SYS_CAP_COPY, src, dst, rights, 0,
				       0, 0);
}

static inline enum uk_err uk_cap_mint(uint64_t src, uint64_t dst,
				      uint64_t rights, uint64_t badge)
{
	return (enum uk_err)uk_syscall(UK_SYS_CAP_MINT, src, dst, rights,
				       badge, 0, 0);
}

static inline enum uk_err uk_cap_delete(uint64_t slot)
{
	return (enum uk_err)uk_syscall(UK_SYS_CAP_DELETE, slot, 0, 0, 0, 0, 0);
}

/* Stores the type (enum uk_cap_type), rights and badge of slot's cap. */
static inline enum uk_err uk_cap_info(uint64_t slot, uint64_t *type,
				      uint64_t *rights, uint64_t *badge)
{
	struct uk_regs r = { .rax = UK_SYS_CAP_INFO, .rdi = slot,
			     .r12 = UK_NO_CAP, .r14 = UK_NO_CAP };

	uk_syscall_regs(&r);
	*type = r.rsi;
	*rights = r.rdx;
	*badge = r.r8;
	return (enum uk_err)r.rax;
}

/* Copies my cap src into slot dst of process proc, with rights masked. */
static inline enum uk_err uk_cap_give(uint64_t proc, uint64_t src,
				      uint64_t dst, uint64_t rights)
{
	return (enum uk_err)uk_syscall(UK_SYS_CAP_GIVE, proc, src, dst, rights,
				       0, 0);
}

/* Creates an endpoint or a notification (type) in slot dst. */
static inline enum uk_err uk_obj_create(uint64_t dst, uint64_t type)
{
	return (enum uk_err)uk_syscall(UK_SYS_OBJ_CREATE, dst, type, 0, 0, 0,
				       0);
}

/* ---- memory --------------------------------------------------------- */

/* A region of `pages` zeroed pages; its capability goes in slot dst. */
static inline enum uk_err uk_mem_alloc(uint64_t dst, uint64_t pages)
{
	return (enum uk_err)uk_syscall(UK_SYS_MEM_ALLOC, dst, pages, 0, 0, 0,
				       0);
}

/* Maps region at va in proc (UK_SELF: me) with rights (UK_R_READ...). */
static inline enum uk_err uk_mem_map(uint64_t proc, uint64_t region,
				     uint64_t va, uint64_t rights)
{
	return (enum uk_err)uk_syscall(UK_SYS_MEM_MAP, proc, region, va,
				       rights, 0, 0);
}

static inline enum uk_err uk_mem_unmap(uint64_t proc, uint64_t va,
				       uint64_t pages)
{
	return (enum uk_err)uk_syscall(UK_SYS_MEM_UNMAP, proc, va, pages, 0, 0,
				       0);
}

/* Stores the size in pages and the physical address of region. */
static inline enum uk_err uk_mem_info(uint64_t region, uint64_t *pages,
				      uint64_t *phys)
{
	struct uk_regs r = { .rax = UK_SYS_MEM_INFO, .rdi = region,
			     .r12 = UK_NO_CAP, .r14 = UK_NO_CAP };

	uk_syscall_regs(&r);
	*pages = r.rsi;
	*phys = r.rdx;
	return (enum uk_err)r.rax;
}

/* ---- processes ------------------------------------------------------ */

/* Packs the first seven bytes of name (the kernel log's process name). */
static inline uint64_t uk_name7(const char *name)
{
	uint64_t v = 0;

	for (int i = 0; i < 7 && name[i]; i++)
		v |= (uint64_t)(unsigned char)name[i] << (8 * i);
	return v;
}

/* An empty process in slot dst; its faults go to my endpoint fault_ep. */
static inline enum uk_err uk_proc_create(uint64_t dst, uint64_t fault_ep,
					 uint64_t prio, uint64_t name7)
{
	return (enum uk_err)uk_syscall(UK_SYS_PROC_CREATE, dst, fault_ep, prio,
				       name7, 0, 0);
}

/* Like uk_proc_create, with a quota of pages for its regions (0: the
 * kernel's default). */
static inline enum uk_err uk_proc_create_quota(uint64_t dst, uint64_t fault_ep,
					       uint64_t prio, uint64_t name7,
					       uint64_t pages)
{
	return (enum uk_err)uk_syscall(UK_SYS_PROC_CREATE, dst, fault_ep, prio,
				       name7, pages, 0);
}

/* Sets this thread's FS base (thread-local storage). */
static inline enum uk_err uk_fs_base(uint64_t base)
{
	return (enum uk_err)uk_syscall(UK_SYS_FS_BASE, 0, base, 0, 0, 0, 0);
}

static inline enum uk_err uk_proc_start(uint64_t proc, uint64_t entry,
					uint64_t stack, uint64_t arg)
{
	return (enum uk_err)uk_syscall(UK_SYS_PROC_START, proc, entry, stack,
				       arg, 0, 0);
}

static inline enum uk_err uk_proc_kill(uint64_t proc)
{
	return (enum uk_err)uk_syscall(UK_SYS_PROC_KILL, proc, 0, 0, 0, 0, 0);
}

/* Stops this process with status; never returns. */
__attribute__((noreturn)) static inline void uk_exit(int64_t status)
{
	for (;;)
		uk_syscall(UK_SYS_EXIT, 0, (uint64_t)status, 0, 0, 0, 0);
}

/* ---- devices -------------------------------------------------------- */

/* Each interrupt of irq (an IRQ cap) will OR bits into ntfn (a
 * notification cap with the send right); replaces an earlier binding. */
static inline enum uk_err uk_irq_bind(uint64_t irq, uint64_t ntfn,
				      uint64_t bits)
{
	return (enum uk_err)uk_syscall(UK_SYS_IRQ_BIND, irq, ntfn, bits, 0, 0,
				       0);
}

/* ---- misc ----------------------------------------------------------- */

/* Writes len (<= 256) bytes of buf to the kernel's log. */
static inline enum uk_err uk_debug_write(const void *buf, size_t len)
{
	return (enum uk_err)uk_syscall(UK_SYS_DEBUG_WRITE, 0, (uintptr_t)buf,
				       len, 0, 0, 0);
}

/* Stores the value of what (enum uk_info). */
static inline enum uk_err uk_info(uint64_t what, uint64_t *value)
{
	struct uk_regs r = { .rax = UK_SYS_INFO, .rsi = what,
			     .r12 = UK_NO_CAP, .r14 = UK_NO_CAP };

	uk_syscall_regs(&r);
	*value = r.rsi;
	return (enum uk_err)r.rax;
}

/* While I wait in a receive, a signal of notification ntfn ends the wait
 * with a UK_LABEL_NOTIFY message (w0 = its bits); UK_NO_CAP unbinds. */
static inline enum uk_err uk_ntfn_bind(uint64_t ntfn)
{
	return (enum uk_err)uk_syscall(UK_SYS_NTFN_BIND, ntfn, 0, 0, 0, 0, 0);
}

/* Ends the whole system with status; needs a UK_CAP_CONTROL cap. */
static inline enum uk_err uk_machine_exit(uint64_t control, uint64_t status)
{
	return (enum uk_err)uk_syscall(UK_SYS_MACHINE_EXIT, control, status, 0,
				       0, 0, 0);
}

/* ---- the rest of libuk (slot.c, crt.c) ------------------------------ */

/* A free slot of my capability table (from UK_SLOT_FIRST_FREE up), or
 * UK_NO_CAP when all are in use. */
uint64_t uk_slot_alloc(void);
/* Returns slot to the free pool (it must be empty: delete the cap first). */
void uk_slot_free(uint64_t slot);
/* Deletes the capability in *slot and frees the slot, if *slot is one
 * (not UK_NO_CAP); *slot is UK_NO_CAP after. */
void uk_slot_drop(uint64_t *slot);
/* Marks slot as in use (a capability someone put there for me). Returns 0,
 * or -1 when it is out of range or taken already. */
int uk_slot_reserve(uint64_t slot);

/* init starts each program with its name (its boot archive entry,
 * NUL-terminated) in the top UK_START_NAME_MAX bytes of its stack and
 * rsp = UK_START_SP just below them. The kernel starts init itself at
 * UK_STACK_TOP: no name. */
#define UK_START_NAME_MAX       32
#define UK_START_SP             (UK_STACK_TOP - UK_START_NAME_MAX)

/* The C entry (start.S calls it with the rsp I started with): takes my
 * name when sp is UK_START_SP, runs main(arg), then uk_exit(its status). */
__attribute__((noreturn)) void uk_start(uint64_t arg, uint64_t sp);
int main(uint64_t arg);

/* My program name as init gave it ("hello"), or "" when it gave none. */
const char *uk_progname(void);

/* A readable name of e, "UK_E_CAP" and so on. */
const char *uk_strerror(uint64_t e);

#endif
