#include "pit.h"

#include "arch.h"

#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define CMD_CH0_LOHI_MODE0 0x30
#define CMD_CH0_LATCH   0x00

void pit_start(void)
{
	outb(PIT_CMD, CMD_CH0_LOHI_MODE0);
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);
}

uint16_t pit_read(void)
{
	uint8_t lo, hi;

	outb(PIT_CMD, CMD_CH0_LATCH);
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	return (uint16_t)(lo | hi << 8);
}
