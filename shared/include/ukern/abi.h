/*
 * The system-call ABI between the kernel and user space.
 *
 * User code enters the kernel by calling the entry page (UK_ENTRY_VA),
 * which the kernel maps read-only into every address space and fills at
 * boot with the sequence a self-test chose: `syscall; ret` where syscall
 * and sysret work, `int3; ret` (a DPL-3 breakpoint gate, back with iretq)
 * where they do not (KVM PVM). User code never names the instruction.
 *
 * Registers (in -> out):
 *   rax  system call number          -> error (enum uk_err)
 *   rdi  capability slot             -> preserved
 *   rsi  message label / argument    -> message label / result
 *   rdx, r8, r9, r10  message words 0..3 (in and out)
 *   r12  slot of a capability to send, or UK_NO_CAP -> slot the received
 *        capability was put in, or UK_NO_CAP
 *   r13  -                           -> badge of the sender
 *   r14  slot where a received capability goes, or UK_NO_CAP
 *   rcx, r11 are clobbered; every other register is preserved.
 *
 * The kernel checks every argument before it changes anything. A rights
 * mask, flag word, type, selector, priority, name or status with a bit
 * or value outside the set defined here is refused with UK_E_ARG, never
 * masked or ignored, so that such bits can get a meaning later.
 */
#ifndef UKERN_ABI_H
#define UKERN_ABI_H

#include <stdint.h>
#include <stddef.h>

/*
 * Every user program carries the ABI version it was built for in an ELF
 * note (a PT_NOTE segment): name UK_NOTE_NAME, type UK_NOTE_ABI, a
 * 4-byte descriptor holding the version. libuk puts it there; init
 * refuses to start a program without it or with another version. The
 * version changes whenever a program built for the old one could
 * misbehave on the new (version 2: unknown argument bits are refused;
 * 3: minting a badge needs UK_R_MINT; 4: a `syscall` outside the entry
 * page is a Linux call, and UK_SYS_PROC_CREATE reads r9).
 */
#define UK_ABI_VERSION          4
#define UK_NOTE_NAME            "ukern"
#define UK_NOTE_ABI             1

/* ---- user address space (lower half) ----------------------------- */
#define UK_USER_MIN             0x0000000000400000ull  /* below: guard */
#define UK_USER_MAX             0x00007ffffff00000ull  /* exclusive */
#define UK_ENTRY_VA             0x00007ffffff00000ull  /* entry page */
#define UK_STACK_TOP            0x00007fffff000000ull  /* initial rsp */
#define UK_STACK_PAGES          16
/* init's boot info page (read-only): the kernel command line, NUL-
 * terminated; init starts with rdi = UK_BOOTINFO_VA. */
#define UK_BOOTINFO_VA          0x00007ffffe000000ull
#define UK_PAGE_SIZE            4096ull
/* A `syscall` instruction that is not the entry page's own is a Linux
 * system call: the program continues at UK_LINUX_ENTRY_VA, in user
 * mode, with rcx = the address after the instruction, r11 = its rflags,
 * every other register as it was (the state `syscall` itself leaves).
 * The Linux personality maps its entry there; in any other process
 * the jump faults. Under KVM PVM the CPU does this itself (LSTAR points
 * there); elsewhere the kernel reflects the call, entering no handler.
 * Where neither works, `syscall` outside the entry page is #UD. */
#define UK_LINUX_ENTRY_VA       0x0000000070000000ull
/* The personality's own window, which a program's memory never enters:
 * in the lowest 2 GiB, where code built without -fpie can live. */
#define UK_LINUX_AREA_END       0x0000000080000000ull

/* ---- system calls ------------------------------------------------- */
enum uk_sys {
	UK_SYS_NONE = 0,        /* reserved: always UK_E_SYSCALL */
	UK_SYS_CALL,            /* rdi ep: send, then wait for the reply */
	UK_SYS_REPLY_RECV,      /* reply to the last caller, wait on rdi ep */
	UK_SYS_RECV,            /* rdi ep: wait for a message */
	UK_SYS_SEND,            /* rdi ep: send, blocking until received */
	UK_SYS_REPLY,           /* reply to the last caller, do not wait */
	UK_SYS_SIGNAL,          /* rdi ntfn, rsi bits: OR bits in */
	UK_SYS_WAIT,            /* rdi ntfn: -> rsi bits (cleared) */
	UK_SYS_POLL,            /* rdi ntfn: like wait, never blocks */
	UK_SYS_YIELD,
	UK_SYS_CAP_COPY,        /* rdi src, rsi dst, rdx rights mask (bits
	                           of UK_R_ALL) */
	UK_SYS_CAP_MINT,        /* rdi src, rsi dst, rdx rights mask, r8
	                           badge (not 0) */
	UK_SYS_CAP_DELETE,      /* rdi slot */
	UK_SYS_CAP_INFO,        /* rdi slot -> rsi type, rdx rights, r8 badge */
	UK_SYS_CAP_GIVE,        /* rdi proc, rsi src, rdx dst in proc, r8
	                           rights mask */
	UK_SYS_OBJ_CREATE,      /* rdi dst slot, rsi type (endpoint, ntfn) */
	UK_SYS_MEM_ALLOC,       /* rdi dst slot, rsi pages: zeroed region */
	UK_SYS_MEM_MAP,         /* rdi proc (UK_SELF), rsi region, rdx va,
	                           r8 rights: READ, WRITE, EXEC; the cap
	                           must have them and READ (a mapping is
	                           always readable) */
	UK_SYS_MEM_UNMAP,       /* rdi proc (UK_SELF), rsi va: the whole
	                           mapping that starts there */
	UK_SYS_MEM_INFO,        /* rdi region -> rsi pages, rdx phys */
	UK_SYS_PROC_CREATE,     /* rdi dst slot, rsi fault ep slot, rdx prio
	                           0..7, r8 name (7 chars packed, top byte
	                           0, for the log), r9 the pages its
	                           regions may hold (0: 16 MiB's worth;
	                           at most 2^32 - 1; with it one more
	                           object per 4 MiB) -> rsi pid */
	UK_SYS_PROC_START,      /* rdi proc, rsi entry (below UK_USER_MAX),
	                           rdx stack (at most UK_USER_MAX), r8 arg */
	UK_SYS_PROC_KILL,       /* rdi proc */
	UK_SYS_EXIT,            /* rsi status: stop this process */
	UK_SYS_DEBUG_WRITE,     /* rsi user buffer, rdx length (<= 256);
	                           rdi flags: 0, or UK_DEBUG_ALWAYS: even
	                           when quiet */
	UK_SYS_INFO,            /* rsi UK_INFO_* -> rsi value */
	UK_SYS_MACHINE_EXIT,    /* rdi control cap, rsi status 0..255 */
	UK_SYS_IRQ_BIND,        /* rdi irq cap, rsi ntfn cap (send right),
	                           rdx bits: each interrupt signals them */
	UK_SYS_NTFN_BIND,       /* rdi ntfn cap (receive right), or
	                           UK_NO_CAP to unbind: while this thread
	                           waits in recv/reply_recv, a signal of the
	                           notification ends the wait with a
	                           UK_LABEL_NOTIFY message (w0 = the bits) */
	UK_SYS_FS_BASE,         /* rsi: this thread's FS base (a user
	                           address, or 0), for thread-local storage */
	UK_SYS_MAX
};

#define UK_DEBUG_ALWAYS         1

/* UK_INFO_ENTRY_MODE values. */
#define UK_ENTRY_SYSCALL        1
#define UK_ENTRY_TRAP           2

enum uk_info {
	UK_INFO_TSC_KHZ = 1,    /* TSC ticks per millisecond */
	UK_INFO_ENTRY_MODE,     /* 1 syscall, 2 trap */
	UK_INFO_TICKS,          /* timer ticks since boot */
	UK_INFO_FREE_PAGES,
	UK_INFO_CR3_PAIR_TICKS, /* TSC ticks of two address-space switches */
};

enum uk_err {
	UK_OK = 0,
	UK_E_SYSCALL,           /* no such system call */
	UK_E_CAP,               /* slot out of range or empty */
	UK_E_TYPE,              /* capability of the wrong type */
	UK_E_RIGHTS,            /* capability lacks a right */
	UK_E_ARG,               /* an argument is invalid */
	UK_E_NOMEM,             /* out of memory or over quota */
	UK_E_BUSY,              /* destination slot or address in use */
	UK_E_DEAD,              /* the peer died or the object is gone */
	UK_E_NOREPLY,           /* nobody to reply to */
	UK_E_AGAIN,             /* nothing pending (poll) */
	UK_E_MAX
};

/* ---- capabilities ------------------------------------------------- */
#define UK_CAP_SLOTS            64
#define UK_NO_CAP               0xffffffffffffffffull
#define UK_SELF                 0xfffffffffffffffeull  /* "my process" */

enum uk_cap_type {
	UK_CAP_NULL = 0,
	UK_CAP_ENDPOINT,
	UK_CAP_NTFN,
	UK_CAP_MEMORY,
	UK_CAP_IRQ,
	UK_CAP_PROCESS,
	UK_CAP_CONTROL,         /* machine control: exit the whole system */
	UK_CAP_TYPE_MAX
};

/* Rights: endpoints use SEND/RECV/GRANT/MINT, memory READ/WRITE/EXEC.
 * MINT lets a holder of an unbadged endpoint capability make badged
 * copies (UK_SYS_CAP_MINT): only whoever created the endpoint has it
 * until they give it away, so a badge names whom its maker gave it. */
#define UK_R_SEND               0x01u
#define UK_R_RECV               0x02u
#define UK_R_GRANT              0x04u
#define UK_R_READ               0x08u
#define UK_R_WRITE              0x10u
#define UK_R_EXEC               0x20u
#define UK_R_MINT               0x40u
#define UK_R_ALL                0x7fu

/* Slots every process starts with; init fills them for its children. */
#define UK_SLOT_SUPERVISOR      1       /* endpoint to init (send) */
#define UK_SLOT_REGISTRY        2       /* endpoint to the registry */
#define UK_SLOT_FIRST_FREE      8
/* init's own boot slots, filled by the kernel. */
#define UK_SLOT_INIT_CONTROL    3       /* UK_CAP_CONTROL */
#define UK_SLOT_INIT_BOOTFS     4       /* memory: the boot archive (R) */
#define UK_SLOT_INIT_FAULT      5       /* endpoint: children's faults */
/* For each virtio-mmio device on the command line, in its order (at most
 * UK_DEVICES_MAX): the page holding its registers (memory, R|W, mapped
 * uncached; UK_SYS_MEM_INFO gives the registers' exact address, so their
 * offset in the page) in UK_SLOT_INIT_DEV(i), and its interrupt
 * (UK_CAP_IRQ) in the next slot. */
#define UK_DEVICES_MAX          8
#define UK_SLOT_INIT_DEV(i)     (16 + 2 * (i))
/* The sandbox's program (ukern/app.h), when the boot loader passed one
 * as the first PVH module: its pages, read-only. */
#define UK_SLOT_INIT_APP        6
/* Where init puts a driver's device in the driver's own table. */
#define UK_SLOT_DEV_MMIO        4
#define UK_SLOT_DEV_IRQ         5

/* Labels of messages the kernel sends on a process's behalf. */
/* The badge is that of the fault endpoint capability given to
 * UK_SYS_PROC_CREATE: the supervisor mints one per child. */
#define UK_LABEL_FAULT          0xfa17u /* w0 vector, w1 error code,
                                           w2 rip, w3 cr2 */
#define UK_LABEL_EXIT           0xe417u /* w0 status */
/* A bound notification fired while receiving: w0 = its bits, badge 0. */
#define UK_LABEL_NOTIFY         0x4e7fu

/* A message in registers. */
struct uk_msg {
	uint64_t label;
	uint64_t w[4];
	uint64_t cap;           /* send: slot or UK_NO_CAP; recv: slot */
	uint64_t badge;         /* recv only */
};

#endif
