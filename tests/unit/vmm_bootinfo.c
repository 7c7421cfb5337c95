/* The PVH start info, memory map, command line and boot GDT. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <pvh.h>

#include "bootinfo.h"
#include "mem.h"

#define RAM (64ull << 20)

static struct mem mem;

static void setup(void)
{
	cr_assert_eq(mem_init(&mem, RAM), 0);
	/* Poison, to see exactly what the builder writes. */
	memset(mem.host, 0xaa, RAM);
}

static void teardown(void)
{
	mem_free(&mem);
}

static const struct pvh_start_info *start_info(gpa_t gpa)
{
	const struct pvh_start_info *si = mem_ptr(&mem, gpa, sizeof(*si));

	cr_assert_not_null(si, "start info outside RAM");
	return si;
}

/* Build the boot structures for cmdline; the start info. */
static const struct pvh_start_info *build(const char *cmdline)
{
	struct errmsg err = { .text = "" };
	gpa_t gpa = 0;

	cr_assert_eq(bootinfo_build(&mem, cmdline, &gpa, &err), 0, "%s",
		     err.text);
	cr_assert_eq(gpa, BOOT_START_INFO);
	return start_info(gpa);
}

TestSuite(bootinfo, .init = setup, .fini = teardown);

Test(bootinfo, start_info)
{
	const struct pvh_start_info *si = build("console=ttyS0 quiet");

	cr_assert_eq(BOOT_START_INFO % 8, 0, "start info is 8-byte aligned");
	cr_assert_eq(si->magic, 0x336ec578u);
	cr_assert_eq(si->version, 1);
	cr_assert_eq(si->flags, 0);
	cr_assert_eq(si->nr_modules, 0);
	cr_assert_eq(si->modlist_paddr, 0);
	cr_assert_eq(si->rsdp_paddr, 0);
	cr_assert_eq(si->_reserved, 0);
}

Test(bootinfo, cmdline_copied)
{
	const struct pvh_start_info *si = build("console=ttyS0 quiet");
	const char *s;

	cr_assert_eq(si->cmdline_paddr, BOOT_CMDLINE);
	s = mem_ptr(&mem, si->cmdline_paddr, 20);
	cr_assert_not_null(s);
	cr_assert_str_eq(s, "console=ttyS0 quiet");
	cr_assert_eq(s[19], '\0', "NUL-terminated");
}

Test(bootinfo, empty_cmdline)
{
	const struct pvh_start_info *si = build("");

	cr_assert_str_eq((const char *)mem_ptr(&mem, si->cmdline_paddr, 1),
			 "");
}

Test(bootinfo, longest_cmdline)
{
	static char line[BOOT_CMDLINE_SIZE + 1];
	const struct pvh_start_info *si;
	const char *s;

	memset(line, 'x', BOOT_CMDLINE_SIZE - 1);
	line[BOOT_CMDLINE_SIZE - 1] = '\0';
	si = build(line);
	s = mem_ptr(&mem, si->cmdline_paddr, BOOT_CMDLINE_SIZE);
	cr_assert_not_null(s);
	cr_assert_eq(s[BOOT_CMDLINE_SIZE - 1], '\0');
	cr_assert_eq(strlen(s), BOOT_CMDLINE_SIZE - 1);
	/* The byte after the area is untouched. */
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, BOOT_AREA_END, 1), 0xaa);
}

Test(bootinfo, cmdline_too_long)
{
	static char line[BOOT_CMDLINE_SIZE + 1];
	struct errmsg err;
	gpa_t gpa = 77;

	memset(line, 'x', BOOT_CMDLINE_SIZE);
	line[BOOT_CMDLINE_SIZE] = '\0';
	cr_assert_eq(bootinfo_build(&mem, line, &gpa, &err), -E2BIG);
	cr_assert(strstr(err.text, "too long"), "%s", err.text);
	cr_assert_eq(gpa, 77);
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, BOOT_START_INFO, 1), 0xaa,
		     "nothing written on failure");
}

Test(bootinfo, memory_map)
{
	const struct pvh_start_info *si = build("");
	const struct pvh_memmap_entry *e;
	unsigned i;

	cr_assert_eq(si->memmap_paddr, BOOT_MEMMAP);
	cr_assert_eq(si->memmap_entries, 4);
	e = mem_ptr(&mem, si->memmap_paddr,
		    si->memmap_entries * sizeof(*e));
	cr_assert_not_null(e, "memory map outside RAM");

	cr_assert_eq(e[0].addr, 0);
	cr_assert_eq(e[0].size, 0xa0000);
	cr_assert_eq(e[0].type, PVH_MEMMAP_RAM);
	cr_assert_eq(e[1].addr, 0xa0000);
	cr_assert_eq(e[1].size, 0x60000);
	cr_assert_eq(e[1].type, PVH_MEMMAP_RESERVED);
	cr_assert_eq(e[2].addr, 0x100000);
	cr_assert_eq(e[2].size, RAM - 0x100000);
	cr_assert_eq(e[2].type, PVH_MEMMAP_RAM);
	cr_assert_eq(e[3].addr, 0xfffbc000);
	cr_assert_eq(e[3].size, 0x4000);
	cr_assert_eq(e[3].type, PVH_MEMMAP_RESERVED);
	for (i = 0; i < si->memmap_entries; i++) {
		cr_assert_eq(e[i]._reserved, 0);
		if (i > 0)
			cr_assert_geq(e[i].addr, e[i - 1].addr + e[i - 1].size,
				      "entries sorted, no overlap");
	}
	/* Every RAM entry lies inside guest RAM. */
	for (i = 0; i < si->memmap_entries; i++)
		if (e[i].type == PVH_MEMMAP_RAM)
			cr_assert_leq(e[i].addr + e[i].size, RAM);
}

Test(bootinfo, boot_structures_in_ram_and_inside_area)
{
	const struct pvh_start_info *si = build("a");

	cr_assert_geq(BOOT_START_INFO, BOOT_AREA_START);
	cr_assert_leq(BOOT_START_INFO + sizeof(*si), BOOT_AREA_END);
	cr_assert_geq(si->memmap_paddr, BOOT_AREA_START);
	cr_assert_leq(si->memmap_paddr + si->memmap_entries *
		      sizeof(struct pvh_memmap_entry), BOOT_AREA_END);
	cr_assert_geq(si->cmdline_paddr, BOOT_AREA_START);
	cr_assert_leq(si->cmdline_paddr + BOOT_CMDLINE_SIZE, BOOT_AREA_END);
	/* Nothing written outside the area. */
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, BOOT_AREA_START - 1, 1), 0xaa);
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, BOOT_AREA_END, 1), 0xaa);
	cr_assert_eq(*(uint8_t *)mem_ptr(&mem, 0, 1), 0xaa);
}

Test(bootinfo, gdt)
{
	const uint64_t *gdt;

	build("");
	gdt = mem_ptr(&mem, BOOT_GDT, BOOT_GDT_ENTRIES * 8);
	cr_assert_not_null(gdt);
	cr_assert_eq(gdt[0], 0);
	/* The classic flat descriptors. */
	cr_assert_eq(gdt[BOOT_SEL_CODE32 / 8], 0x00cf9b000000ffffull);
	cr_assert_eq(gdt[BOOT_SEL_DATA32 / 8], 0x00cf93000000ffffull);
	cr_assert_eq(gdt[BOOT_SEL_TSS32 / 8], 0x00008b0000000067ull);
}

Test(bootinfo, gdt_entry_encoding)
{
	cr_assert_eq(bootinfo_gdt_entry(0x12345678, 0xabcde, 0x9a, 0xc),
		     0x12ca9a345678bcdeull);
}

Test(bootinfo, ram_too_small)
{
	struct mem small;
	struct errmsg err;
	gpa_t gpa;

	cr_assert_eq(mem_init(&small, 0x100000), 0);
	cr_assert_eq(bootinfo_build(&small, "", &gpa, &err), -EINVAL);
	mem_free(&small);
	cr_assert_eq(mem_init(&small, 0x2000), 0);
	cr_assert_eq(bootinfo_build(&small, "", &gpa, &err), -EINVAL);
	mem_free(&small);
}

Test(bootinfo, smallest_ram)
{
	const struct pvh_start_info *si;
	const struct pvh_memmap_entry *e;
	struct mem small;
	struct errmsg err;
	gpa_t gpa;

	cr_assert_eq(mem_init(&small, 4ull << 20), 0);
	cr_assert_eq(bootinfo_build(&small, "", &gpa, &err), 0);
	si = mem_ptr(&small, gpa, sizeof(*si));
	e = mem_ptr(&small, si->memmap_paddr, 4 * sizeof(*e));
	cr_assert_eq(e[2].size, (4ull << 20) - 0x100000);
	mem_free(&small);
}
