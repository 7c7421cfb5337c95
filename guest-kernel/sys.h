/* The system-call handlers outside syscall.c (the table lives there). */
#ifndef SYS_H
#define SYS_H

#include "kobj.h"

/* A system-call handler: checks every argument in t's saved registers r
 * before it changes anything, then acts. Returns the caller's error,
 * which syscall_dispatch stores in rax; other results go straight into
 * r. A handler that blocks t returns UK_OK, and whoever wakes t sets its
 * rax then. */
typedef enum uk_err sys_fn(struct thread *t, struct trap_frame *r);

sys_fn sys_fs_base;
sys_fn sys_cap_copy;
sys_fn sys_cap_mint;
sys_fn sys_cap_delete;
sys_fn sys_cap_info;
sys_fn sys_cap_give;
sys_fn sys_obj_create;
sys_fn sys_mem_alloc;
sys_fn sys_mem_map;
sys_fn sys_mem_unmap;
sys_fn sys_mem_info;
sys_fn sys_proc_create;
sys_fn sys_proc_start;
sys_fn sys_proc_kill;
sys_fn sys_exit;
sys_fn sys_debug_write;
sys_fn sys_info;
sys_fn sys_machine_exit;

#endif
