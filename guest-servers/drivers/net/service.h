/*
 * The net server's requests (proto/net.h): receive, check, do, reply.
 * main.c owns the loop; this file owns the capabilities clients send
 * and the ones it hands out.
 */
#ifndef NET_SERVICE_H
#define NET_SERVICE_H

#include <stdint.h>
#include <ukern/abi.h>
#include "stack.h"

/* Serves on ep (the unbadged endpoint) for the interface nif; sent()
 * says whether the device has sent every frame handed to it. */
void service_init(uint64_t ep, struct netif *nif, int (*sent)(void));

/* The empty slot where a client's capability lands (UK_NO_CAP: my table
 * is full; then none is accepted). */
uint64_t service_rcv(void);

/* Handles request m (a capability it carried is in its m->cap slot);
 * the reply replaces it. */
void service_serve(struct uk_msg *m);

/* After the reply went out: drops the temporary capability it carried. */
void service_sent(void);
/* Ends the sessions of clients that have died (a death notice came). */
void service_reap(void);

#endif
