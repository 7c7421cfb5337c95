/* System calls that end a process or the machine, and the log and
 * information calls. */
#include "sys.h"
#include "cap.h"
#include "console.h"
#include "frame.h"
#include "panic.h"
#include "proc.h"
#include "syscall.h"
#include "sysarg.h"
#include "timer.h"
#include "vm.h"

#define DEBUG_WRITE_MAX 256

/* t never runs again: what it returns is never read. */
enum uk_err sys_exit(struct thread *t, struct trap_frame *r)
{
	uint64_t w[4] = { r->rsi, 0, 0, 0 };

	kprintf("exit: %s (pid %lu) status %lu\n", t->proc->name,
		(unsigned long)t->proc->pid, (unsigned long)r->rsi);
	proc_stop(t, UK_LABEL_EXIT, w);
	return UK_OK;
}

enum uk_err sys_debug_write(struct thread *t, struct trap_frame *r)
{
	char buf[DEBUG_WRITE_MAX + 1];
	uint64_t n = r->rdx;

	if (!sysarg_debug_flags_ok(r->rdi) || n > DEBUG_WRITE_MAX ||
	    vm_copy_in(t->proc->pml4, buf, r->rsi, n) < 0)
		return UK_E_ARG;
	buf[n] = 0;
	if (r->rdi == UK_DEBUG_ALWAYS)
		kerror("%s", buf);
	else
		kprintf("%s", buf);
	return UK_OK;
}

enum uk_err sys_info(struct thread *t, struct trap_frame *r)
{
	switch (r->rsi) {
	case UK_INFO_TSC_KHZ:    r->rsi = timer_tsc_khz; break;
	case UK_INFO_ENTRY_MODE: r->rsi = (uint64_t)syscall_entry_mode; break;
	case UK_INFO_TICKS:      r->rsi = timer_ticks(); break;
	case UK_INFO_FREE_PAGES: r->rsi = frame_free_count(); break;
	case UK_INFO_CR3_PAIR_TICKS: r->rsi = vm_switch_cost(t->proc->pml4); break;
	default:                 return UK_E_ARG;
	}
	return UK_OK;
}

enum uk_err sys_fs_base(struct thread *t, struct trap_frame *r)
{
	if (!sysarg_fs_base_ok(r->rsi))
		return UK_E_ARG;
	t->fs_base = r->rsi;            /* loaded on the way out */
	return UK_OK;
}

enum uk_err sys_machine_exit(struct thread *t, struct trap_frame *r)
{
	enum uk_err err;

	if (!cap_lookup(t->proc, r->rdi, UK_CAP_CONTROL, 0, &err))
		return err;
	if (!sysarg_status_ok(r->rsi))
		return UK_E_ARG;
	kexit((int)r->rsi);
}
