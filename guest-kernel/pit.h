/* The i8254 PIT, channel 0, as a free-running reference clock. */
#ifndef KERNEL_PIT_H
#define KERNEL_PIT_H

#include <stdint.h>

/* Starts channel 0 counting down from 0xffff at PLAT_PIT_HZ; it wraps
 * every 55 ms and keeps counting (mode 0: one IRQ 0, left masked). */
void pit_start(void);

/* The latched channel-0 count. Elapsed ticks between two reads a and b
 * (less than 55 ms apart) are (uint16_t)(a - b). */
uint16_t pit_read(void);

#endif
