#include "cpu_x86.h"

#include <string.h>

#include "bootinfo.h"

#define BIT(n)                  (1u << (n))

/* CPUID leaf 1 */
#define CPUID1_ECX_MONITOR      BIT(3)
#define CPUID1_ECX_VMX          BIT(5)
#define CPUID1_ECX_PDCM         BIT(15)
#define CPUID1_ECX_PCID         BIT(17)
#define CPUID1_ECX_X2APIC       BIT(21)
#define CPUID1_ECX_TSC_DEADLINE BIT(24)
#define CPUID1_ECX_HYPERVISOR   BIT(31)
#define CPUID1_EDX_HTT          BIT(28)
/* CPUID leaf 7, subleaf 0 */
#define CPUID7_EBX_INVPCID      BIT(10)
/* CPUID leaf 0x80000001 */
#define CPUIDX1_ECX_CMP_LEGACY  BIT(1)
#define CPUIDX1_ECX_SVM         BIT(2)
#define CPUIDX1_ECX_TOPOEXT     BIT(22)
#define CPUIDX1_ECX_PERFCTR_CORE BIT(23)

#define CR0_PE                  0x1ull
#define CR0_ET                  0x10ull
#define RFLAGS_RESERVED1        0x2ull

static void cpu_zero(struct kvm_cpuid_entry2 *e)
{
	e->eax = e->ebx = e->ecx = e->edx = 0;
}

/* Extended topology (0xb, 0x1f): one thread in one core in one package. */
static void cpu_topology(struct kvm_cpuid_entry2 *e)
{
	e->edx = 0;                     /* x2APIC id of this CPU */
	switch (e->index) {
	case 0:                         /* SMT level: 1 thread */
		e->eax = 0;             /* no APIC id bits for threads */
		e->ebx = 1;
		e->ecx = 1u << 8 | 0;   /* type SMT */
		break;
	case 1:                         /* core level: 1 core */
		e->eax = 0;
		e->ebx = 1;
		e->ecx = 2u << 8 | 1;   /* type core */
		break;
	default:                        /* no further levels */
		e->eax = e->ebx = 0;
		e->ecx = e->index & 0xff;       /* type 0: invalid */
		break;
	}
}

void cpu_filter_cpuid(struct kvm_cpuid_entry2 *e, unsigned n,
		      const struct cpu_features *f)
{
	unsigned i;

	for (i = 0; i < n; i++, e++) {
		switch (e->function) {
		case 1:
			/* APIC id 0 (bits 31:24), one logical processor per
			 * package (23:16), so no HTT. */
			e->ebx = (e->ebx & 0x0000ffff) | 1u << 16;
			e->edx &= ~CPUID1_EDX_HTT;
			/* We are a hypervisor; say so. */
			e->ecx |= CPUID1_ECX_HYPERVISOR;
			/* No PCID: KVM PVM (a software KVM that runs the
			 * guest in ring 3 with shadow page tables) lacks it,
			 * and the kernel should take the same path
			 * everywhere. */
			e->ecx &= ~CPUID1_ECX_PCID;
			/* xAPIC only: platform.h gives the LAPIC as MMIO at
			 * 0xfee00000, one interface to test. */
			e->ecx &= ~CPUID1_ECX_X2APIC;
			/* No MONITOR/MWAIT: KVM does not run them natively
			 * by default, idle is HLT. */
			e->ecx &= ~CPUID1_ECX_MONITOR;
			/* No nested virtualization, no perf capabilities
			 * MSR (no PMU, see leaf 0xa). */
			e->ecx &= ~(CPUID1_ECX_VMX | CPUID1_ECX_PDCM);
			/* TSC-deadline timer: KVM never reports it here;
			 * the in-kernel LAPIC (KVM_CREATE_IRQCHIP) gives it
			 * when KVM_CAP_TSC_DEADLINE_TIMER says so. */
			if (f->tsc_deadline)
				e->ecx |= CPUID1_ECX_TSC_DEADLINE;
			else
				e->ecx &= ~CPUID1_ECX_TSC_DEADLINE;
			break;
		case 4:
			/* Intel cache leaves: one core per package (31:26)
			 * and one thread sharing each cache (25:14). */
			e->eax &= ~(0x3fu << 26 | 0xfffu << 14);
			break;
		case 5:
			/* MONITOR/MWAIT leaf: hidden with MONITOR. */
			cpu_zero(e);
			break;
		case 7:
			/* INVPCID goes with PCID. */
			if (e->index == 0)
				e->ebx &= ~CPUID7_EBX_INVPCID;
			break;
		case 0xa:
			/* Architectural PMU: none (version 0). */
			cpu_zero(e);
			break;
		case 0xb:
		case 0x1f:
			cpu_topology(e);
			break;
		case 0x80000001:
			/* No SVM (nested), no AMD core performance
			 * counters; single core, so no CmpLegacy and no
			 * topology extensions (leaf 0x8000001e). */
			e->ecx &= ~(CPUIDX1_ECX_SVM | CPUIDX1_ECX_PERFCTR_CORE |
				    CPUIDX1_ECX_CMP_LEGACY |
				    CPUIDX1_ECX_TOPOEXT);
			break;
		case 0x80000008:
			/* AMD: one core (NC, bits 7:0 = 0) and no APIC id
			 * bits for cores (ApicIdSize, 15:12). */
			e->ecx &= ~(0xffu | 0xfu << 12);
			break;
		case 0x8000001e:
			/* AMD topology: hidden with TOPOEXT. */
			cpu_zero(e);
			break;
		case 0x80000022:
			/* AMD PMU v2: none. */
			cpu_zero(e);
			break;
		default:
			/* Everything else as KVM supports it, including the
			 * KVM leaves 0x40000000 (signature) and 0x40000001
			 * (paravirtual features such as kvmclock). */
			break;
		}
	}
}

bool cpu_add_timing_leaf(struct kvm_cpuid_entry2 *e, unsigned *n,
			 uint32_t tsc_khz)
{
	struct kvm_cpuid_entry2 *base = NULL, *timing = NULL;

	for (unsigned i = 0; i < *n; i++) {
		if (e[i].function == CPU_LEAF_HV_BASE)
			base = &e[i];
		if (e[i].function == CPU_LEAF_HV_TIMING)
			timing = &e[i];
	}
	if (!base || !tsc_khz || (!timing && *n >= CPU_KVM_CPUID_MAX))
		return false;
	if (base->eax < CPU_LEAF_HV_TIMING)
		base->eax = CPU_LEAF_HV_TIMING;
	if (!timing)
		timing = &e[(*n)++];
	*timing = (struct kvm_cpuid_entry2){
		.function = CPU_LEAF_HV_TIMING,
		.eax = tsc_khz,
		.ebx = CPU_KVM_LAPIC_KHZ,
	};
	return true;
}

static struct kvm_segment cpu_flat_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = 1,                /* 32-bit */
		.s = 1,                 /* code or data */
		.l = 0,
		.g = 1,                 /* 4 KiB granularity */
		.avl = 0,
		.unusable = 0,
	};
}

void cpu_boot_sregs(struct kvm_sregs *s)
{
	struct kvm_segment data;

	/* Code: type 0xb, execute/read, accessed. */
	s->cs = cpu_flat_segment(BOOT_SEL_CODE32, 0xb);
	/* Data: type 0x3, read/write, accessed. */
	data = cpu_flat_segment(BOOT_SEL_DATA32, 0x3);
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	/* TR: a busy 32-bit TSS, base 0, limit 0x67 (the PVH rule). */
	s->tr = (struct kvm_segment){
		.base = 0, .limit = BOOT_TSS_LIMIT,
		.selector = BOOT_SEL_TSS32, .type = 0xb, .present = 1,
		.s = 0, .g = 0, .db = 0,
	};
	/* No LDT. */
	s->ldt = (struct kvm_segment){
		.selector = 0, .type = 0x2, .present = 0, .unusable = 1,
	};
	s->gdt.base = BOOT_GDT;
	s->gdt.limit = BOOT_GDT_ENTRIES * 8 - 1;
	memset(s->gdt.padding, 0, sizeof(s->gdt.padding));
	/* No IDT: the kernel loads its own before enabling interrupts. */
	s->idt.base = 0;
	s->idt.limit = 0;
	memset(s->idt.padding, 0, sizeof(s->idt.padding));
	/* Protected mode, paging off (the PVH rule: PE and ET only). */
	s->cr0 = CR0_PE | CR0_ET;
	s->cr2 = 0;
	s->cr3 = 0;
	s->cr4 = 0;
	s->cr8 = 0;
	s->efer = 0;
}

void cpu_boot_regs(struct kvm_regs *r, gpa_t entry, gpa_t start_info)
{
	memset(r, 0, sizeof(*r));
	r->rip = entry;
	r->rbx = start_info;
	r->rflags = RFLAGS_RESERVED1;   /* IF clear */
}

uint64_t cpu_misc_enable(uint64_t kvm_value)
{
	return kvm_value | CPU_MISC_ENABLE_FAST_STRING;
}

static void cpu_dump_seg(FILE *out, const char *name,
			 const struct kvm_segment *g)
{
	fprintf(out, "vmm:   %s %04x base %llx limit %x type %x s %u dpl %u "
		"p %u db %u l %u g %u%s\n", name, g->selector, g->base,
		g->limit, g->type, g->s, g->dpl, g->present, g->db, g->l, g->g,
		g->unusable ? " unusable" : "");
}

void cpu_dump(FILE *out, const struct kvm_regs *r, const struct kvm_sregs *s)
{
	fprintf(out,
		"vmm:   rip %016llx  rflags %016llx\n"
		"vmm:   rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n"
		"vmm:   rsi %016llx  rdi %016llx  rsp %016llx  rbp %016llx\n"
		"vmm:   r8  %016llx  r9  %016llx  r10 %016llx  r11 %016llx\n"
		"vmm:   r12 %016llx  r13 %016llx  r14 %016llx  r15 %016llx\n",
		r->rip, r->rflags, r->rax, r->rbx, r->rcx, r->rdx,
		r->rsi, r->rdi, r->rsp, r->rbp, r->r8, r->r9, r->r10, r->r11,
		r->r12, r->r13, r->r14, r->r15);
	fprintf(out,
		"vmm:   cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx\n"
		"vmm:   efer %016llx  apic_base %llx  gdt %llx/%x  idt %llx/%x\n",
		s->cr0, s->cr2, s->cr3, s->cr4, s->efer, s->apic_base,
		s->gdt.base, s->gdt.limit, s->idt.base, s->idt.limit);
	/* All of them: a failed VM entry is usually one bad segment. */
	cpu_dump_seg(out, "cs", &s->cs);
	cpu_dump_seg(out, "ss", &s->ss);
	cpu_dump_seg(out, "ds", &s->ds);
	cpu_dump_seg(out, "es", &s->es);
	cpu_dump_seg(out, "fs", &s->fs);
	cpu_dump_seg(out, "gs", &s->gs);
	cpu_dump_seg(out, "tr", &s->tr);
	cpu_dump_seg(out, "ldt", &s->ldt);
}
