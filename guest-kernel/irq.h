/*
 * Device interrupts: the IOAPIC routes input (GSI) n to vector
 * IRQ_VECTOR0 + n, edge-triggered, to this CPU. An interrupt signals the
 * notification its IRQ capability was bound to; the driver, in user space,
 * does the rest. The kernel knows no device.
 */
#ifndef IRQ_H
#define IRQ_H

#include "kobj.h"

struct irq {
	struct ntfn *ntfn;      /* bound, or NULL */
	uint64_t bits;
};

/* Route gsi (< IRQ_COUNT) through the IOAPIC; 0, or -1 if out of range. */
int irq_route(unsigned gsi);
/* The object behind IRQ capabilities for gsi. */
struct irq *irq_get(unsigned gsi);
/* Bind: each interrupt ORs bits into n (replaces an earlier binding). */
void irq_bind(struct irq *q, struct ntfn *n, uint64_t bits);
/* Vector IRQ_VECTOR0 + gsi arrived: signal, EOI. */
void irq_handle(unsigned gsi);

#endif
