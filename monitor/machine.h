/*
 * The machine the guest sees, apart from the CPU and RAM: its two buses
 * and a stop request that any device may raise (the exit port does).
 * The vCPU loop dispatches exits to the buses and stops when asked; it
 * knows no device.
 */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdbool.h>

#include "bus.h"

struct machine {
	struct bus pio;
	struct bus mmio;
	bool stop;              /* a device asked to end the run */
	int status;             /* exit status for the monitor, 0..255 */
};

/* Empty buses, no stop requested. */
void machine_init(struct machine *m);

/* Ask the vCPU loop to stop after this exit; the monitor exits status. */
void machine_request_stop(struct machine *m, int status);

#endif
