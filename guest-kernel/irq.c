#include "irq.h"
#include "arch.h"
#include "ipc.h"
#include "lapic.h"
#include "obj.h"
#include "platform.h"

#define IOREGSEL        0x00
#define IOWIN           0x10
#define IOREDTBL(n)     (0x10 + 2 * (n))

static struct irq irqs[IRQ_COUNT];

static void ioapic_write(uint32_t reg, uint32_t v)
{
	volatile uint32_t *io = phys_to_virt(PLAT_IOAPIC_BASE);

	io[IOREGSEL / 4] = reg;
	io[IOWIN / 4] = v;
}

int irq_route(unsigned gsi)
{
	if (gsi >= IRQ_COUNT)
		return -1;
	/* Fixed delivery, physical destination APIC 0, edge, active high. */
	ioapic_write(IOREDTBL(gsi) + 1, 0);
	ioapic_write(IOREDTBL(gsi), IRQ_VECTOR0 + gsi);
	return 0;
}

struct irq *irq_get(unsigned gsi)
{
	return gsi < IRQ_COUNT ? &irqs[gsi] : NULL;
}

void irq_bind(struct irq *q, struct ntfn *n, uint64_t bits)
{
	obj_ref(UK_CAP_NTFN, n);
	if (q->ntfn)
		obj_unref(UK_CAP_NTFN, q->ntfn);
	q->ntfn = n;
	q->bits = bits;
}

void irq_handle(unsigned gsi)
{
	struct irq *q = &irqs[gsi];

	lapic_eoi();
	if (q->ntfn)
		ipc_signal(q->ntfn, q->bits);
}
