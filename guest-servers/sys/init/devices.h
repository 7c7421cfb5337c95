/*
 * The virtio-mmio devices the kernel handed init, and which driver gets
 * which. For device i of the command line the kernel put the page
 * holding its registers in UK_SLOT_INIT_DEV(i) and its interrupt in the
 * next slot. A manifest names the driver programs and the virtio device
 * type each drives ("blk" -> block); a driver gets the first device of
 * its type no other driver holds, copied into its UK_SLOT_DEV_MMIO and
 * UK_SLOT_DEV_IRQ (spawn.c), and keeps it across restarts.
 */
#ifndef DEVICES_H
#define DEVICES_H

#include "spawn.h"

/* Reads the header of every device init holds and logs what it is. A
 * device that is not virtio-mmio version 2 is never given out. */
void devices_probe(void);

/* Gives c (a program about to start) its device: c->dev = its index,
 * or -1 when c drives none. Returns 0, or -1 after logging why when c
 * is a driver and no device of its type is free (c must not start). */
int devices_claim(struct child *c);

/* Resets device dev so that it stops all DMA: call when its driver has
 * stopped, before the driver's memory is freed. */
void devices_reset(int dev);

/* How many usable devices of virtio type id were found. */
unsigned devices_count(uint32_t id);

#endif
