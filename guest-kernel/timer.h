/* The kernel clock: the LAPIC timer, at the rate the monitor states or
 * calibrated against the PIT. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

/* Takes the LAPIC timer's rate from CPUID leaf 0x40000010 when the
 * monitor gives it, else calibrates it (about 1 ms of PIT time), and
 * starts it periodic at hz (>= 1) on TIMER_VECTOR. Returns LAPIC ticks per
 * ms, or 0 (timer not started) if the PIT or the LAPIC timer does not
 * count. */
uint32_t timer_init(unsigned hz);

/* TSC ticks per millisecond, from the same source as the LAPIC's. */
extern uint64_t timer_tsc_khz;
/* Where the rates came from: "CPUID" or "PIT". */
extern const char *timer_source;

/* The timer interrupt: counts a tick, EOI. */
void timer_irq(void);

/* Timer interrupts since timer_init. */
uint64_t timer_ticks(void);

/* Enables interrupts and halts until n more ticks have passed. */
void timer_wait(uint64_t n);

#endif
