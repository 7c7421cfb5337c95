/*
 * --kvm-stats: KVM's own counters for the run, read from the binary
 * statistics of KVM_GET_STATS_FD (Linux 5.14 and later): the exits KVM
 * handled without the monitor, the instructions it emulated (on KVM PVM,
 * every guest kernel instruction), page faults, writes to shadowed page
 * tables. One line on stderr after the guest stopped:
 *
 *   vmm: kvm-stats: exits=N insn_emulation=N ... vm.mmu_pte_write=N ...
 *
 * the nonzero single-value counters of the vCPU, then the VM's (prefixed
 * "vm."); histograms and times are left out.
 */
#ifndef VMM_KSTATS_H
#define VMM_KSTATS_H

#include <stddef.h>
#include <stdio.h>

#include "log.h"

/*
 * Append to line (size n, NUL-terminated, truncated to fit) " NAME=VALUE"
 * for each counter of the statistics file fd, NAME prefixed by prefix.
 * Returns 0, or -errno with the reason in err (a file that is not what
 * KVM's header and descriptors say it is: -EINVAL).
 */
int kstats_append(char *line, size_t n, int fd, const char *prefix,
		  struct errmsg *err);

/* Print the "vmm: kvm-stats:" line for a vCPU and its VM. */
void kstats_print(FILE *out, int vcpu_fd, int vm_fd);

#endif
