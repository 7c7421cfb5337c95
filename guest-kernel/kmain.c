/*
 * Boot, in order: check the start info, copy and parse the command line
 * (quiet), log, set up the frame allocator, enable the LAPIC, start the
 * timer, then run `test=NAME` (a kernel self-test) or start init, the
 * only process the kernel starts. The GDT, TSS and IDT are static and
 * already loaded (entry.S). `quiet bootonly` is the benchmark path: no
 * output; init exits as soon as every boot server has registered.
 */
#include "kmain.h"

#include "arch.h"
#include "cmdline.h"
#include "console.h"
#include "frame.h"
#include "lapic.h"
#include "memmap.h"
#include "panic.h"
#include "platform.h"
#include "pvh.h"
#include "selftest.h"
#include "timer.h"
#include "boot_init.h"

#define HZ_DEFAULT      100
#define HZ_MAX          1000
#define EXCL_MAX        (5 + MEMMAP_MODULES_MAX)

static char raw_cmdline[CMDLINE_MAX];
static struct cmdline cl;
static struct mem_range ram[MEMMAP_RANGES_MAX];

static const char *const mem_types[] = {
	[PVH_MEMMAP_RAM] = "ram", [PVH_MEMMAP_RESERVED] = "reserved",
	[PVH_MEMMAP_ACPI] = "acpi", [PVH_MEMMAP_NVS] = "nvs",
	[PVH_MEMMAP_UNUSABLE] = "unusable",
};

static _Noreturn void bad_boot(const char *why)
{
	kerror("boot: %s\n", why);
	kexit(KEXIT_BAD_BOOT);
}

/* What must never be handed out: the image and the boot info (already
 * checked by memmap_check). Returns the count written to x. */
static unsigned exclusions(const struct pvh_start_info *si, uint64_t si_phys,
			   size_t cmdlen, struct mem_range *x)
{
	unsigned n = 0;

	x[n++] = (struct mem_range){ virt_to_phys(__kernel_start),
				     virt_to_phys(__kernel_end) };
	x[n++] = mem_range_of(si_phys, sizeof *si);
	x[n++] = mem_range_of(si->memmap_paddr, si->memmap_entries *
			      sizeof(struct pvh_memmap_entry));
	if (si->cmdline_paddr)
		x[n++] = mem_range_of(si->cmdline_paddr, cmdlen + 1);
	if (si->nr_modules) {
		const struct pvh_module *m = phys_to_virt(si->modlist_paddr);

		x[n++] = mem_range_of(si->modlist_paddr,
				      si->nr_modules * sizeof *m);
		for (unsigned i = 0; i < si->nr_modules; i++)
			x[n++] = mem_range_of(m[i].paddr, m[i].size);
	}
	return n;
}

static void log_boot(const struct pvh_start_info *si)
{
	const struct pvh_memmap_entry *e = phys_to_virt(si->memmap_paddr);
	uint64_t frames = frame_free_count();

	kprintf("ukern " KERNEL_VERSION " (x86-64, PVH)\n");
	kprintf("cmdline: %s\n", raw_cmdline);
	for (unsigned i = 0; i < si->memmap_entries; i++) {
		const char *type = e[i].type < sizeof mem_types /
				   sizeof *mem_types && mem_types[e[i].type] ?
				   mem_types[e[i].type] : "other";

		if (e[i].size)
			kprintf("mem: %016lx-%016lx %s\n", e[i].addr,
				e[i].addr + e[i].size - 1, type);
		else
			kprintf("mem: %016lx empty %s\n", e[i].addr, type);
	}
	kprintf("frames: %lu free (%lu MiB)\n", frames, frames >> 8);
	for (unsigned i = 0; i < cl.ndev; i++)
		kprintf("virtio-mmio: %lu@0x%lx irq %u\n", cl.dev[i].size,
			cl.dev[i].base, cl.dev[i].irq);
}

/* Complaints about the command line: shown even when quiet. */
static void check_cmdline(bool truncated)
{
	if (truncated)
		kerror("cmdline: longer than %d bytes, cut\n", CMDLINE_MAX - 1);
	if (cl.devs_bad)
		kerror("virtio-mmio: %u malformed entries ignored, first: %s\n",
		       cl.devs_bad, cl.first_bad);
	if (cl.devs_dup)
		kerror("virtio-mmio: %u entries overlapping an earlier one "
		       "ignored\n", cl.devs_dup);
	if (cl.devs_dropped)
		kerror("virtio-mmio: %u devices beyond %d ignored\n",
		       cl.devs_dropped, PLAT_VIRTIO_MMIO_MAX);
	if (cl.opts_dropped)
		kerror("cmdline: %u options beyond %d ignored\n",
		       cl.opts_dropped, CMDLINE_OPTS_MAX);
}

static unsigned parse_hz(void)
{
	const char *v = cmdline_get(&cl, "hz");
	uint64_t hz;

	if (!v)
		return HZ_DEFAULT;
	if (cmdline_num(v, &hz) && hz >= 1 && hz <= HZ_MAX)
		return (unsigned)hz;
	kerror("timer: hz=%s is not 1-%d, using %d\n", v, HZ_MAX, HZ_DEFAULT);
	return HZ_DEFAULT;
}

void kmain(uint32_t si_phys)
{
	const struct pvh_start_info *si = phys_to_virt(si_phys);
	struct mem_range excl[EXCL_MAX];
	struct selftest_env env = { &cl, ram, 0, 0 };
	static const struct pvh_module none;
	const struct pvh_module *m;
	const char *why, *test;
	bool truncated;
	size_t cmdlen;
	uint32_t per_ms;

	if (!memmap_in_low_ram(si_phys, sizeof *si))
		bad_boot("start info outside low RAM");
	why = memmap_check(si);
	if (why)
		bad_boot(why);
	cmdlen = cmdline_copy(raw_cmdline, sizeof raw_cmdline,
			      si->cmdline_paddr ?
			      phys_to_virt(si->cmdline_paddr) : "", &truncated);
	cmdline_parse(raw_cmdline, &cl);
	console_quiet = cmdline_flag(&cl, "quiet");

	env.nram = memmap_usable(phys_to_virt(si->memmap_paddr),
				 si->memmap_entries, excl,
				 exclusions(si, si_phys, cmdlen, excl),
				 ram, MEMMAP_RANGES_MAX);
	if (!env.nram)
		bad_boot("no usable RAM");
	frame_init(ram, env.nram, KERNEL_VMA);
	if (!console_quiet)
		log_boot(si);
	check_cmdline(truncated);
	lapic_init();

	env.hz = parse_hz();
	per_ms = timer_init(env.hz);
	if (!per_ms) {
		kerror("timer: calibration failed: the PIT or the LAPIC timer "
		       "does not count\n");
		kexit(KEXIT_PANIC);
	}
	kprintf("timer: lapic %u ticks/ms (%s), %u Hz\n", per_ms, timer_source,
		env.hz);

	test = cmdline_get(&cl, "test");
	if (test)
		kexit(selftest_run(test, &env));
	/* User space: init decides when the system is up (bootonly); the
	 * first module, if any, is the sandbox's program. */
	m = si->nr_modules ? phys_to_virt(si->modlist_paddr) : &none;
	boot_init(raw_cmdline, &cl, m->paddr, m->size);
}
