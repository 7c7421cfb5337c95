/*
 * The LAPIC timer's rate is unknown and differs between hardware KVM, KVM
 * PVM and QEMU TCG. Where the monitor states it (CPUID leaf 0x40000010,
 * the timing leaf VMware defined: TSC and LAPIC timer kHz), ./vmm does,
 * that is taken as is, with no PIT at all. Otherwise it is measured
 * against the PIT: kvmclock would give it without waiting, but QEMU TCG
 * has no kvmclock, and QEMU microvm under TCG has no port 0x61 (the PIT
 * channel 2 gate), so channel 0 read through the latch command is the
 * one reference present on both monitors' machines. Both reads of a pair
 * (PIT, then LAPIC) sit next to each other, so the result depends on the
 * PIT ticks actually elapsed, not on the poll rate.
 */
#include "timer.h"

#include "arch.h"
#include "lapic.h"
#include "pit.h"
#include "platform.h"

#define CAL_PIT_TICKS   (PLAT_PIT_HZ / 1000)    /* about 1 ms */
#define CAL_SPINS_MAX   100000                  /* PIT never moves */
#define CAL_LAPIC_MAX   0x40000000u             /* LAPIC way too fast */

#define CPUID_HV_BASE   0x40000000u
#define CPUID_HV_TIMING 0x40000010u
#define CPUID1_ECX_HV   (1u << 31)

static volatile uint64_t ticks;
uint64_t timer_tsc_khz;
const char *timer_source = "PIT";

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]),
			 "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* The timing leaf under a hypervisor that defines it (KVM as ./vmm sets
 * it up, VMware): LAPIC timer ticks per ms (its bus kHz, at divide 1) and
 * timer_tsc_khz; else 0. */
static uint32_t rates_from_cpuid(void)
{
	uint32_t r[4];

	cpuid(1, r);
	if (!(r[2] & CPUID1_ECX_HV))
		return 0;
	cpuid(CPUID_HV_BASE, r);
	if (r[0] < CPUID_HV_TIMING || r[0] >= CPUID_HV_BASE + 0x10000)
		return 0;
	if (!(r[1] == 0x4b4d564b && r[2] == 0x564b4d56 && r[3] == 0x4d) &&
	    !(r[1] == 0x61774d56 && r[2] == 0x4d566572 && r[3] == 0x65726177))
		return 0;       /* not "KVMKVMKVM\0\0\0" nor "VMwareVMware" */
	cpuid(CPUID_HV_TIMING, r);
	if (!r[0] || !r[1])
		return 0;
	timer_tsc_khz = r[0];
	timer_source = "CPUID";
	return r[1];
}

/* Also measures the TSC rate over the same window (timer_tsc_khz), for
 * user-mode timing: user code reads the TSC natively. */
static uint32_t calibrate(void)
{
	uint32_t l0, l, spins = 0;
	uint16_t p0, p;
	uint64_t t0;

	pit_start();
	lapic_timer_oneshot(0xffffffff);
	p0 = pit_read();
	t0 = rdtsc();
	l0 = lapic_timer_count();
	do {
		p = pit_read();
		l = lapic_timer_count();
		if (++spins > CAL_SPINS_MAX || l0 - l > CAL_LAPIC_MAX)
			return 0;
	} while ((uint16_t)(p0 - p) < CAL_PIT_TICKS);
	timer_tsc_khz = (rdtsc() - t0) * PLAT_PIT_HZ /
			((uint64_t)(uint16_t)(p0 - p) * 1000);
	return (uint32_t)((uint64_t)(l0 - l) * PLAT_PIT_HZ /
			  ((uint64_t)(uint16_t)(p0 - p) * 1000));
}

uint32_t timer_init(unsigned hz)
{
	uint32_t per_ms = hz ? rates_from_cpuid() : 0;
	uint64_t count = per_ms ? (uint64_t)per_ms * 1000 / hz : 0;

	if (hz && !count) {             /* none stated, or no use */
		timer_source = "PIT";
		per_ms = calibrate();
		count = per_ms ? (uint64_t)per_ms * 1000 / hz : 0;
	}
	if (!count)
		return 0;
	lapic_timer_periodic(TIMER_VECTOR,
			     count > 0xffffffff ? 0xffffffff : (uint32_t)count);
	return per_ms;
}

void timer_irq(void)
{
	ticks++;
	lapic_eoi();
}

uint64_t timer_ticks(void)
{
	return ticks;
}

void timer_wait(uint64_t n)
{
	uint64_t end = ticks + n;

	for (;;) {
		cpu_cli();
		if (ticks >= end)
			break;
		cpu_sti_hlt();
	}
	cpu_sti();
}
