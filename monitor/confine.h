/*
 * The monitor confines itself once the VM is built: each thread sets
 * no_new_privs and loads a seccomp allow-list of the system calls it
 * makes from then on (a BPF program of our own: see the README for
 * why not libseccomp), the vCPU thread's and the I/O
 * thread's each their own. A call outside the list is not made: the
 * thread gets SIGSYS, and the monitor prints one line naming the call,
 * puts the terminal back and dies of SIGSYS.
 *
 * For the tests, VMM_SECCOMP_SELFTEST=vcpu (or io) makes that thread
 * call getppid(), which neither list allows, right after loading its
 * list: the monitor must die of SIGSYS, saying "getppid".
 */
#ifndef VMM_CONFINE_H
#define VMM_CONFINE_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

enum confine_role {
	CONFINE_VCPU,           /* main(): KVM_RUN, the exits, the end */
	CONFINE_IO,             /* the I/O thread: the virtio devices */
	CONFINE_ROLES
};

/* Build both lists and catch SIGSYS, before any thread is started or
 * confined; kvm_stats: the vCPU thread may get KVM's statistics fds
 * (--kvm-stats). 0, or -1 with err. */
int confine_prepare(bool kvm_stats, struct errmsg *err);

/* Load role's list on the calling thread (after confine_prepare). 0, or
 * -errno with err. */
int confine_thread(enum confine_role role, struct errmsg *err);

/* The same for the I/O thread's start hook (iothread.h): 0 or -errno. */
int confine_io_thread(void);

/* Microseconds spent in confine_prepare and confine_thread so far (the
 * I/O thread's included once iothread_start has returned). */
uint64_t confine_cost_us(void);

/* role's program, after confine_prepare (for the tests): *len
 * instructions. */
struct sock_filter;
const struct sock_filter *confine_program(enum confine_role role,
					  unsigned *len);

/* The system call name for nr, or NULL (async-signal-safe). */
const char *confine_syscall_name(long nr);

#endif
