/* CPUID filtering, the PVH entry registers and the register dump. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "cpu_x86.h"

static struct kvm_cpuid_entry2 entry(uint32_t fn, uint32_t idx)
{
	return (struct kvm_cpuid_entry2){
		.function = fn, .index = idx,
		.eax = 0xaaaaaaaa, .ebx = 0xbbbbbbbb,
		.ecx = 0xcccccccc, .edx = 0xdddddddd,
	};
}

static struct kvm_cpuid_entry2 *find(struct kvm_cpuid_entry2 *e, unsigned n,
				     uint32_t fn, uint32_t idx)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (e[i].function == fn && e[i].index == idx)
			return &e[i];
	cr_assert_fail("no leaf %x.%u", fn, idx);
	return NULL;
}

Test(cpuid, leaf1)
{
	struct kvm_cpuid_entry2 e[1] = { entry(1, 0) };
	struct cpu_features on = { .tsc_deadline = true };
	struct cpu_features off = { .tsc_deadline = false };

	e[0].ebx = 0x12345678;  /* APIC id 0x12, 0x34 logical CPUs */
	e[0].ecx = 0xffffffff & ~(1u << 31);
	e[0].edx = 0xffffffff;
	cpu_filter_cpuid(e, 1, &on);
	cr_assert_eq(e[0].ebx, 0x00015678, "APIC id 0, 1 CPU, CLFLUSH kept");
	cr_assert(e[0].ecx & (1u << 31), "hypervisor");
	cr_assert(!(e[0].ecx & (1u << 17)), "PCID");
	cr_assert(!(e[0].ecx & (1u << 21)), "x2APIC");
	cr_assert(!(e[0].ecx & (1u << 3)), "MONITOR");
	cr_assert(!(e[0].ecx & (1u << 5)), "VMX");
	cr_assert(!(e[0].ecx & (1u << 15)), "PDCM");
	cr_assert(e[0].ecx & (1u << 24), "TSC deadline with the cap");
	cr_assert(e[0].ecx & (1u << 0), "SSE3 kept");
	cr_assert(e[0].ecx & (1u << 26), "XSAVE kept");
	cr_assert(!(e[0].edx & (1u << 28)), "HTT");
	cr_assert(e[0].edx & (1u << 25), "SSE kept");
	cr_assert(e[0].edx & (1u << 9), "APIC kept");

	cpu_filter_cpuid(e, 1, &off);
	cr_assert(!(e[0].ecx & (1u << 24)), "no TSC deadline without cap");
}

Test(cpuid, other_leaves)
{
	struct kvm_cpuid_entry2 e[] = {
		entry(0, 0), entry(4, 0), entry(5, 0), entry(7, 0),
		entry(7, 1), entry(0xa, 0), entry(0xd, 0),
		entry(0x40000000, 0), entry(0x40000001, 0),
		entry(0x80000001, 0), entry(0x80000008, 0),
		entry(0x8000001e, 0),
	};
	unsigned n = sizeof(e) / sizeof(e[0]);
	struct cpu_features f = { 0 };
	struct kvm_cpuid_entry2 *p;

	e[7].ebx = 0x4b4d564b;          /* "KVMK" */
	cpu_filter_cpuid(e, n, &f);

	p = find(e, n, 0, 0);
	cr_assert_eq(p->eax, 0xaaaaaaaa, "max leaf kept");
	p = find(e, n, 4, 0);
	cr_assert_eq(p->eax, 0xaaaaaaaa & 0x00003fff, "1 core, 1 thread");
	p = find(e, n, 5, 0);
	cr_assert_eq(p->eax | p->ebx | p->ecx | p->edx, 0, "MWAIT leaf");
	p = find(e, n, 7, 0);
	cr_assert_eq(p->ebx, 0xbbbbbbbb & ~(1u << 10), "INVPCID");
	cr_assert_eq(p->ecx, 0xcccccccc);
	p = find(e, n, 7, 1);
	cr_assert_eq(p->ebx, 0xbbbbbbbb, "only subleaf 0 edited");
	p = find(e, n, 0xa, 0);
	cr_assert_eq(p->eax | p->ebx | p->ecx | p->edx, 0, "no PMU");
	p = find(e, n, 0xd, 0);
	cr_assert_eq(p->eax, 0xaaaaaaaa, "XSAVE leaf kept");
	p = find(e, n, 0x40000000, 0);
	cr_assert_eq(p->ebx, 0x4b4d564b, "KVM signature kept");
	p = find(e, n, 0x40000001, 0);
	cr_assert_eq(p->eax, 0xaaaaaaaa, "KVM features kept");
	p = find(e, n, 0x80000001, 0);
	cr_assert(!(p->ecx & (1u << 2)), "SVM");
	cr_assert(!(p->ecx & (1u << 22)), "TOPOEXT");
	cr_assert_eq(p->edx, 0xdddddddd, "LM, NX, ... kept");
	p = find(e, n, 0x80000008, 0);
	cr_assert_eq(p->ecx & 0xf0ff, 0, "one core");
	cr_assert_eq(p->eax, 0xaaaaaaaa, "address sizes kept");
	p = find(e, n, 0x8000001e, 0);
	cr_assert_eq(p->eax | p->ebx | p->ecx | p->edx, 0);
}

Test(cpuid, topology)
{
	struct kvm_cpuid_entry2 e[] = {
		entry(0xb, 0), entry(0xb, 1), entry(0xb, 2), entry(0x1f, 0),
	};
	struct cpu_features f = { 0 };

	cpu_filter_cpuid(e, 4, &f);
	cr_assert_eq(e[0].ebx, 1);
	cr_assert_eq(e[0].ecx, 0x100, "level 0, SMT");
	cr_assert_eq(e[0].edx, 0, "x2APIC id 0");
	cr_assert_eq(e[0].eax, 0);
	cr_assert_eq(e[1].ebx, 1);
	cr_assert_eq(e[1].ecx, 0x201, "level 1, core");
	cr_assert_eq(e[2].ebx, 0);
	cr_assert_eq(e[2].ecx, 2, "level 2 invalid");
	cr_assert_eq(e[3].ecx, 0x100);
}

Test(cpuid, timing_leaf_appended)
{
	struct kvm_cpuid_entry2 e[3] = { entry(1, 0), entry(0x40000000, 0) };
	unsigned n = 2;

	e[1].eax = 0x40000001;
	cr_assert(cpu_add_timing_leaf(e, &n, 2600000));
	cr_assert_eq(n, 3);
	cr_assert_eq(e[1].eax, 0x40000010, "the range reaches the leaf");
	cr_assert_eq(e[1].ebx, 0xbbbbbbbb, "signature kept");
	cr_assert_eq(e[2].function, 0x40000010);
	cr_assert_eq(e[2].index, 0);
	cr_assert_eq(e[2].eax, 2600000, "TSC kHz");
	cr_assert_eq(e[2].ebx, 1000000, "LAPIC timer kHz: KVM's 1 GHz");
	cr_assert_eq(e[2].ecx | e[2].edx | e[2].flags, 0);
}

Test(cpuid, timing_leaf_replaced_range_kept)
{
	struct kvm_cpuid_entry2 e[3] = {
		entry(0x40000000, 0), entry(0x40000010, 0), entry(7, 0),
	};

	unsigned n = 3;

	e[0].eax = 0x40000020;  /* a longer range stays as long */
	cr_assert(cpu_add_timing_leaf(e, &n, 1000), "given, in place");
	cr_assert_eq(n, 3, "no second copy");
	cr_assert_eq(e[0].eax, 0x40000020);
	cr_assert_eq(e[1].eax, 1000);
	cr_assert_eq(e[1].ebx, 1000000);
	cr_assert_eq(e[2].eax, 0xaaaaaaaa, "others untouched");
}

Test(cpuid, timing_leaf_not_without_rate_or_range)
{
	struct kvm_cpuid_entry2 e[2] = { entry(1, 0) };
	struct kvm_cpuid_entry2 k[2] = { entry(0x40000000, 0) };
	static struct kvm_cpuid_entry2 full[CPU_KVM_CPUID_MAX + 1];
	unsigned n = 1;

	cr_assert(!cpu_add_timing_leaf(e, &n, 2600000),
		  "no hypervisor range: nothing added");
	cr_assert_eq(n, 1);
	k[0].eax = 0x40000001;
	cr_assert(!cpu_add_timing_leaf(k, &n, 0), "no rate: nothing");
	cr_assert_eq(n, 1);
	cr_assert_eq(k[0].eax, 0x40000001);
	full[0] = entry(0x40000000, 0);
	full[0].eax = 0x40000001;
	n = CPU_KVM_CPUID_MAX;
	cr_assert(!cpu_add_timing_leaf(full, &n, 2600000),
		  "a full table: KVM would refuse one more");
	cr_assert_eq(n, CPU_KVM_CPUID_MAX);
	cr_assert_eq(full[0].eax, 0x40000001, "the range left alone too");
}

/* Decode a GDT descriptor into what a segment cache would hold. */
static void expect_matches_gdt(const struct kvm_segment *s, uint64_t d)
{
	uint32_t limit = (uint32_t)((d & 0xffff) | ((d >> 48) & 0xf) << 16);
	uint64_t base = ((d >> 16) & 0xffffff) | ((d >> 56) & 0xff) << 24;
	unsigned access = (unsigned)(d >> 40) & 0xff;
	unsigned flags = (unsigned)(d >> 52) & 0xf;

	if (flags & 0x8)
		limit = limit << 12 | 0xfff;
	cr_assert_eq(s->base, base);
	cr_assert_eq(s->limit, limit);
	cr_assert_eq(s->type, access & 0xf);
	cr_assert_eq(s->s, (access >> 4) & 1);
	cr_assert_eq(s->dpl, (access >> 5) & 3);
	cr_assert_eq(s->present, access >> 7);
	cr_assert_eq(s->l, (flags >> 1) & 1);
	cr_assert_eq(s->db, (flags >> 2) & 1);
	cr_assert_eq(s->g, flags >> 3);
}

Test(boot_state, sregs)
{
	struct kvm_sregs s;
	struct mem mem;
	struct errmsg err;
	gpa_t si;
	const uint64_t *gdt;

	memset(&s, 0xff, sizeof(s));
	s.apic_base = 0xfee00900;
	cpu_boot_sregs(&s);

	cr_assert_eq(s.cs.selector, 0x08);
	cr_assert_eq(s.cs.base, 0);
	cr_assert_eq(s.cs.limit, 0xffffffff);
	cr_assert_eq(s.cs.type, 0xb);
	cr_assert_eq(s.cs.present, 1);
	cr_assert_eq(s.cs.dpl, 0);
	cr_assert_eq(s.cs.db, 1);
	cr_assert_eq(s.cs.s, 1);
	cr_assert_eq(s.cs.l, 0);
	cr_assert_eq(s.cs.g, 1);
	cr_assert_eq(s.cs.unusable, 0);
	cr_assert_eq(s.ds.type, 0x3);
	cr_assert_eq(s.ds.selector, 0x10);
	cr_assert_eq(memcmp(&s.ds, &s.es, sizeof(s.ds)), 0);
	cr_assert_eq(memcmp(&s.ds, &s.fs, sizeof(s.ds)), 0);
	cr_assert_eq(memcmp(&s.ds, &s.gs, sizeof(s.ds)), 0);
	cr_assert_eq(memcmp(&s.ds, &s.ss, sizeof(s.ds)), 0);
	cr_assert_eq(s.tr.type, 0xb, "busy 32-bit TSS");
	cr_assert_eq(s.tr.selector, 0x18);
	cr_assert_eq(s.tr.present, 1);
	cr_assert_eq(s.tr.s, 0);
	cr_assert_eq(s.tr.base, 0);
	cr_assert_eq(s.tr.limit, 0x67);
	cr_assert_eq(s.tr.unusable, 0);
	cr_assert_eq(s.ldt.unusable, 1);
	cr_assert_eq(s.ldt.present, 0);
	cr_assert_eq(s.gdt.base, BOOT_GDT);
	cr_assert_eq(s.gdt.limit, BOOT_GDT_ENTRIES * 8 - 1);
	cr_assert_eq(s.idt.base, 0);
	cr_assert_eq(s.idt.limit, 0);
	cr_assert_eq(s.cr0, 0x11, "PE | ET, paging off");
	cr_assert_eq(s.cr3, 0);
	cr_assert_eq(s.cr4, 0);
	cr_assert_eq(s.efer, 0);
	cr_assert_eq(s.apic_base, 0xfee00900, "left alone");

	/* The caches match the descriptors of the boot GDT. */
	cr_assert_eq(mem_init(&mem, 4ull << 20), 0);
	cr_assert_eq(bootinfo_build(&mem, "", &si, &err), 0);
	gdt = mem_ptr(&mem, s.gdt.base, s.gdt.limit + 1u);
	cr_assert_not_null(gdt);
	expect_matches_gdt(&s.cs, gdt[s.cs.selector / 8]);
	expect_matches_gdt(&s.ds, gdt[s.ds.selector / 8]);
	expect_matches_gdt(&s.tr, gdt[s.tr.selector / 8]);
	mem_free(&mem);
}

Test(boot_state, regs)
{
	struct kvm_regs r;

	memset(&r, 0xff, sizeof(r));
	cpu_boot_regs(&r, 0x100010, 0x1000);
	cr_assert_eq(r.rip, 0x100010);
	cr_assert_eq(r.rbx, 0x1000);
	cr_assert_eq(r.rflags, 0x2);
	cr_assert_eq(r.rax | r.rcx | r.rdx | r.rsi | r.rdi | r.rsp | r.rbp |
		     r.r8 | r.r15, 0);
}

Test(boot_state, dump)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	char *buf = NULL, *line;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned lines = 0;

	memset(&s, 0, sizeof(s));
	cpu_boot_sregs(&s);
	cpu_boot_regs(&r, 0x100010, 0x1000);
	cpu_dump(f, &r, &s);
	fclose(f);
	cr_assert(strstr(buf, "rip 0000000000100010"), "%s", buf);
	cr_assert(strstr(buf, "rbx 0000000000001000"), "%s", buf);
	cr_assert(strstr(buf, "cr0 0000000000000011"), "%s", buf);
	cr_assert(strstr(buf, "efer 0000000000000000"), "%s", buf);
	cr_assert(strstr(buf, "gdt 1100/1f"), "%s", buf);
	cr_assert(strstr(buf, "cs 0008 base 0 limit ffffffff type b s 1 dpl 0 "
			 "p 1 db 1 l 0 g 1\n"), "%s", buf);
	cr_assert(strstr(buf, "ss 0010 base 0 limit ffffffff type 3 "), "%s",
		  buf);
	cr_assert(strstr(buf, "tr 0018 base 0 limit 67 type b s 0 "), "%s", buf);
	cr_assert(strstr(buf, "ldt 0000 ") && strstr(buf, " unusable\n"), "%s",
		  buf);
	for (line = buf; *line; line = strchr(line, '\n') + 1) {
		cr_assert_eq(strncmp(line, "vmm:   ", 7), 0, "%s", line);
		lines++;
	}
	cr_assert_eq(lines, 15, "5 general, 2 control, 8 segments");
	free(buf);
}

Test(boot_state, misc_enable_fast_strings)
{
	/* KVM's reset value: BTS and PEBS unavailable (bits 11, 12). */
	cr_assert_eq(cpu_misc_enable(0x1800), 0x1801);
	cr_assert_eq(cpu_misc_enable(0x1801), 0x1801);
	cr_assert_eq(cpu_misc_enable(0), CPU_MISC_ENABLE_FAST_STRING);
	cr_assert_eq(CPU_MSR_MISC_ENABLE, 0x1a0);
}
