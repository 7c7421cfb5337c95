/*
 * What the vCPU loop does with the exits it can handle: port I/O and
 * MMIO go to the machine's buses. Pure functions of a struct kvm_run,
 * so that tests can feed them exits made up on the host.
 */
#ifndef VMM_VMEXIT_H
#define VMM_VMEXIT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "machine.h"

/*
 * Handle KVM_EXIT_IO: count items of size bytes (1, 2 or 4) at
 * run + io.data_offset, to or from io.port, stopping after the item that
 * made a device request a stop (m->stop). run_size is the size of the
 * run mapping. Returns 0, or -EINVAL if the exit is malformed (bad size,
 * no items, data outside the mapping); nothing is done then.
 */
int vmexit_io(struct machine *m, struct kvm_run *run, size_t run_size);

/*
 * Handle KVM_EXIT_MMIO: mmio.len (1..8) bytes at mmio.phys_addr.
 * Returns 0, or -EINVAL for a bad length.
 */
int vmexit_mmio(struct machine *m, struct kvm_run *run);

/*
 * What the hardware_entry_failure_reason of KVM_EXIT_FAIL_ENTRY means
 * ("VMX: invalid guest state", ...), or NULL if it is none we know.
 */
const char *vmexit_fail_entry_hint(uint64_t reason);

/* "KVM_EXIT_IO" etc., or "unknown" for a reason this build cannot name. */
const char *vmexit_name(uint32_t reason);

/* What the suberror of KVM_EXIT_INTERNAL_ERROR means ("emulation
 * failure", ...), or "unknown". */
const char *vmexit_internal_error_name(uint32_t suberror);

#endif
