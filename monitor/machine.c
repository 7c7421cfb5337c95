#include "machine.h"

void machine_init(struct machine *m)
{
	bus_init(&m->pio, BUS_PIO);
	bus_init(&m->mmio, BUS_MMIO);
	m->stop = false;
	m->status = 0;
}

void machine_request_stop(struct machine *m, int status)
{
	m->stop = true;
	m->status = status;
}
