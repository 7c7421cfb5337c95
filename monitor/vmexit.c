#include "vmexit.h"

#include <errno.h>
#include <string.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "exit data is copied in host byte order"
#endif

static uint64_t vmexit_load(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);
	return v;
}

static void vmexit_store(uint8_t *p, unsigned size, uint64_t v)
{
	memcpy(p, &v, size);
}

int vmexit_io(struct machine *m, struct kvm_run *run, size_t run_size)
{
	unsigned size = run->io.size;
	uint32_t count = run->io.count, i;
	uint64_t off = run->io.data_offset, val;
	uint8_t *data;

	if ((size != 1 && size != 2 && size != 4) || count == 0 ||
	    off > run_size || (uint64_t)count * size > run_size - off)
		return -EINVAL;
	data = (uint8_t *)run + off;
	/* A string instruction (rep outs/ins) is count accesses; the first
	 * one that asks the machine to stop ends it, so the first status
	 * written to the exit port wins and no device sees what follows. */
	for (i = 0; i < count && !m->stop; i++, data += size) {
		if (run->io.direction == KVM_EXIT_IO_OUT) {
			bus_write(&m->pio, run->io.port, size,
				  vmexit_load(data, size));
		} else {
			bus_read(&m->pio, run->io.port, size, &val);
			vmexit_store(data, size, val);
		}
	}
	return 0;
}

int vmexit_mmio(struct machine *m, struct kvm_run *run)
{
	unsigned len = run->mmio.len;
	uint64_t val;

	if (len == 0 || len > sizeof(run->mmio.data))
		return -EINVAL;
	if (run->mmio.is_write) {
		bus_write(&m->mmio, run->mmio.phys_addr, len,
			  vmexit_load(run->mmio.data, len));
	} else {
		bus_read(&m->mmio, run->mmio.phys_addr, len, &val);
		vmexit_store(run->mmio.data, len, val);
	}
	return 0;
}

const char *vmexit_fail_entry_hint(uint64_t reason)
{
	/* AMD: KVM passes on the VMCB exit code, VMEXIT_INVALID (-1), as
	 * 32 or 64 bits depending on the kernel. */
	if ((reason & 0xffffffffull) == 0xffffffffull)
		return "SVM: VMRUN rejected the guest state";
	/* Intel: the exit reason with bit 31 (VM-entry failure) set. */
	if ((reason >> 31) == 1) {
		switch (reason & 0xffff) {
		case 33:
			return "VMX: invalid guest state";
		case 34:
			return "VMX: MSR loading";
		case 41:
			return "VMX: machine-check event";
		}
	}
	return NULL;
}

#define VMEXIT_NAME(x) [KVM_EXIT_##x] = "KVM_EXIT_" #x

static const char *const vmexit_names[] = {
	VMEXIT_NAME(UNKNOWN),
	VMEXIT_NAME(EXCEPTION),
	VMEXIT_NAME(IO),
	VMEXIT_NAME(HYPERCALL),
	VMEXIT_NAME(DEBUG),
	VMEXIT_NAME(HLT),
	VMEXIT_NAME(MMIO),
	VMEXIT_NAME(IRQ_WINDOW_OPEN),
	VMEXIT_NAME(SHUTDOWN),
	VMEXIT_NAME(FAIL_ENTRY),
	VMEXIT_NAME(INTR),
	VMEXIT_NAME(SET_TPR),
	VMEXIT_NAME(TPR_ACCESS),
	VMEXIT_NAME(NMI),
	VMEXIT_NAME(INTERNAL_ERROR),
	VMEXIT_NAME(SYSTEM_EVENT),
	VMEXIT_NAME(IOAPIC_EOI),
	VMEXIT_NAME(HYPERV),
	VMEXIT_NAME(X86_RDMSR),
	VMEXIT_NAME(X86_WRMSR),
	VMEXIT_NAME(DIRTY_RING_FULL),
	VMEXIT_NAME(XEN),
	VMEXIT_NAME(NOTIFY),
};

const char *vmexit_name(uint32_t reason)
{
	if (reason < sizeof(vmexit_names) / sizeof(vmexit_names[0]) &&
	    vmexit_names[reason])
		return vmexit_names[reason];
	return "unknown";
}

static const char *const vmexit_internal_errors[] = {
	[KVM_INTERNAL_ERROR_EMULATION] = "emulation failure",
	[KVM_INTERNAL_ERROR_SIMUL_EX] = "simultaneous exceptions",
	[KVM_INTERNAL_ERROR_DELIVERY_EV] = "exit while delivering an event",
	[KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "unexpected exit reason",
};

const char *vmexit_internal_error_name(uint32_t suberror)
{
	if (suberror < sizeof(vmexit_internal_errors) /
		       sizeof(vmexit_internal_errors[0]) &&
	    vmexit_internal_errors[suberror])
		return vmexit_internal_errors[suberror];
	return "unknown";
}
