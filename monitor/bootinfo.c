#include "bootinfo.h"

#include <errno.h>
#include <string.h>

#include <pvh.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the boot structures are written in host byte order"
#endif

_Static_assert(BOOT_START_INFO + sizeof(struct pvh_start_info) <=
	       BOOT_MEMMAP, "start info overlaps the memory map");
_Static_assert(BOOT_MEMMAP + BOOT_MEMMAP_MAX *
	       sizeof(struct pvh_memmap_entry) <= BOOT_GDT,
	       "memory map overlaps the GDT");
_Static_assert(BOOT_GDT + BOOT_GDT_ENTRIES * 8 <= BOOT_MODLIST,
	       "GDT overlaps the module list");
_Static_assert(BOOT_MODLIST + sizeof(struct pvh_module) <= BOOT_CMDLINE,
	       "module list overlaps the command line");
_Static_assert(BOOT_CMDLINE + BOOT_CMDLINE_SIZE <= BOOT_AREA_END,
	       "command line leaves the boot area");
_Static_assert(BOOT_AREA_END <= BOOT_LOW_RAM_END, "boot area not in RAM");

uint64_t bootinfo_gdt_entry(uint32_t base, uint32_t limit, uint8_t access,
			    uint8_t flags)
{
	return (uint64_t)(limit & 0xffff) |
	       (uint64_t)(base & 0xffffff) << 16 |
	       (uint64_t)access << 40 |
	       (uint64_t)((limit >> 16) & 0xf) << 48 |
	       (uint64_t)(flags & 0xf) << 52 |
	       (uint64_t)(base >> 24) << 56;
}

static unsigned bootinfo_memmap(struct pvh_memmap_entry *e, uint64_t ram)
{
	unsigned n = 0;

	e[n++] = (struct pvh_memmap_entry){
		.addr = 0, .size = BOOT_LOW_RAM_END, .type = PVH_MEMMAP_RAM };
	e[n++] = (struct pvh_memmap_entry){
		.addr = BOOT_LOW_RAM_END,
		.size = BOOT_HIGH_RAM_START - BOOT_LOW_RAM_END,
		.type = PVH_MEMMAP_RESERVED };
	e[n++] = (struct pvh_memmap_entry){
		.addr = BOOT_HIGH_RAM_START,
		.size = ram - BOOT_HIGH_RAM_START, .type = PVH_MEMMAP_RAM };
	e[n++] = (struct pvh_memmap_entry){
		.addr = BOOT_KVM_IDENTITY_MAP, .size = BOOT_KVM_PRIVATE_SIZE,
		.type = PVH_MEMMAP_RESERVED };
	return n;
}

int bootinfo_build(struct mem *m, const char *cmdline, gpa_t *start_info,
		   struct errmsg *err)
{
	struct pvh_memmap_entry map[BOOT_MEMMAP_MAX];
	struct pvh_start_info si;
	uint64_t gdt[BOOT_GDT_ENTRIES];
	size_t len = strlen(cmdline);
	uint8_t *area;
	unsigned n;

	/* Check everything first. */
	if (len >= BOOT_CMDLINE_SIZE) {
		errmsg_set(err, "kernel command line too long (%zu bytes, "
			   "at most %llu)", len, BOOT_CMDLINE_SIZE - 1);
		return -E2BIG;
	}
	area = mem_ptr(m, BOOT_AREA_START, BOOT_AREA_END - BOOT_AREA_START);
	if (!area || m->size <= BOOT_HIGH_RAM_START ||
	    m->size > BOOT_KVM_IDENTITY_MAP) {
		errmsg_set(err, "guest RAM of %llu bytes cannot hold the "
			   "boot memory map", (unsigned long long)m->size);
		return -EINVAL;
	}

	n = bootinfo_memmap(map, m->size);
	si = (struct pvh_start_info){
		.magic = PVH_START_MAGIC,
		.version = PVH_START_VERSION,
		.flags = 0,
		.nr_modules = 0,
		.modlist_paddr = 0,
		.cmdline_paddr = BOOT_CMDLINE,
		.rsdp_paddr = 0,
		.memmap_paddr = BOOT_MEMMAP,
		.memmap_entries = n,
	};
	gdt[0] = 0;
	/* P=1 DPL=0 S=1 type 0xb (code, execute/read, accessed); G=1 D=1 */
	gdt[BOOT_SEL_CODE32 / 8] = bootinfo_gdt_entry(0, 0xfffff, 0x9b, 0xc);
	/* P=1 DPL=0 S=1 type 0x3 (data, read/write, accessed); G=1 B=1 */
	gdt[BOOT_SEL_DATA32 / 8] = bootinfo_gdt_entry(0, 0xfffff, 0x93, 0xc);
	/* P=1 DPL=0 S=0 type 0xb (busy 32-bit TSS); byte granularity */
	gdt[BOOT_SEL_TSS32 / 8] = bootinfo_gdt_entry(0, BOOT_TSS_LIMIT,
						     0x8b, 0x0);

	/* Then write. */
	memset(area, 0, BOOT_AREA_END - BOOT_AREA_START);
	memcpy(area + (BOOT_START_INFO - BOOT_AREA_START), &si, sizeof(si));
	memcpy(area + (BOOT_MEMMAP - BOOT_AREA_START), map,
	       n * sizeof(map[0]));
	memcpy(area + (BOOT_GDT - BOOT_AREA_START), gdt, sizeof(gdt));
	memcpy(area + (BOOT_CMDLINE - BOOT_AREA_START), cmdline, len + 1);
	*start_info = BOOT_START_INFO;
	return 0;
}

void bootinfo_add_module(struct mem *m, gpa_t paddr, uint64_t size)
{
	struct pvh_start_info *si = mem_ptr(m, BOOT_START_INFO, sizeof *si);
	struct pvh_module *mod = mem_ptr(m, BOOT_MODLIST, sizeof *mod);

	*mod = (struct pvh_module){ .paddr = paddr, .size = size };
	si->nr_modules = 1;
	si->modlist_paddr = BOOT_MODLIST;
}
