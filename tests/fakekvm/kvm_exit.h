/*
 * Exits made up on the host, as KVM_RUN leaves them in the vCPU's
 * struct kvm_run: for the fake KVM (fakekvm.c) and the unit tests of
 * the monitor's exit handling (tests/unit/vmm_vmexit.c).
 */
#ifndef TEST_KVM_EXIT_H
#define TEST_KVM_EXIT_H

#include <stdint.h>
#include <string.h>

#include <linux/kvm.h>

/* KVM_EXIT_IO: count items of size bytes for port, at run + data_off. */
static inline void kvm_exit_io(struct kvm_run *run, uint8_t dir,
			       uint16_t port, uint8_t size, uint32_t count,
			       uint64_t data_off)
{
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = dir;
	run->io.port = port;
	run->io.size = size;
	run->io.count = count;
	run->io.data_offset = data_off;
}

/* KVM_EXIT_MMIO: len bytes at addr, a write of the low bytes of v or a
 * read (data zeroed). */
static inline void kvm_exit_mmio(struct kvm_run *run, uint64_t addr,
				 uint32_t len, int is_write, uint64_t v)
{
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = addr;
	run->mmio.len = len;
	run->mmio.is_write = (uint8_t)is_write;
	memset(run->mmio.data, 0, sizeof run->mmio.data);
	if (is_write)
		memcpy(run->mmio.data, &v, sizeof v);
}

#endif
