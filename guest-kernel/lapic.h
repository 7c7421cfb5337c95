/* The local APIC (xAPIC MMIO at PLAT_LAPIC_BASE, via the direct map). */
#ifndef KERNEL_LAPIC_H
#define KERNEL_LAPIC_H

#include <stdint.h>

/* Software-enables the LAPIC (spurious vector 0xff), masks LINT0/LINT1. */
void lapic_init(void);

/* Acknowledges the interrupt in service. */
void lapic_eoi(void);

/* Starts the timer counting down once from count (divide by 1, masked). */
void lapic_timer_oneshot(uint32_t count);

/* Starts the timer firing vector every count ticks (divide by 1). */
void lapic_timer_periodic(uint8_t vector, uint32_t count);

/* The timer's current count. */
uint32_t lapic_timer_count(void);

#endif
