#include "lapic.h"

#include "arch.h"
#include "platform.h"

#define REG_EOI         0x0b0
#define REG_SVR         0x0f0
#define REG_LVT_TIMER   0x320
#define REG_LVT_LINT0   0x350
#define REG_LVT_LINT1   0x360
#define REG_TIMER_INIT  0x380
#define REG_TIMER_CUR   0x390
#define REG_TIMER_DIV   0x3e0

#define SVR_ENABLE      0x100
#define LVT_MASKED      0x10000
#define LVT_PERIODIC    0x20000
#define DIV_BY_1        0x0b

static volatile uint32_t *reg(unsigned off)
{
	return (volatile uint32_t *)((char *)phys_to_virt(PLAT_LAPIC_BASE) +
				     off);
}

void lapic_init(void)
{
	*reg(REG_SVR) = SVR_ENABLE | SPURIOUS_VECTOR;
	*reg(REG_LVT_LINT0) = LVT_MASKED;
	*reg(REG_LVT_LINT1) = LVT_MASKED;
}

void lapic_eoi(void)
{
	*reg(REG_EOI) = 0;
}

void lapic_timer_oneshot(uint32_t count)
{
	*reg(REG_TIMER_DIV) = DIV_BY_1;
	*reg(REG_LVT_TIMER) = LVT_MASKED | TIMER_VECTOR;
	*reg(REG_TIMER_INIT) = count;
}

void lapic_timer_periodic(uint8_t vector, uint32_t count)
{
	*reg(REG_TIMER_DIV) = DIV_BY_1;
	*reg(REG_LVT_TIMER) = LVT_PERIODIC | vector;
	*reg(REG_TIMER_INIT) = count;
}

uint32_t lapic_timer_count(void)
{
	return *reg(REG_TIMER_CUR);
}
