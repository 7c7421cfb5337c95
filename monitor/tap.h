/*
 * A host TAP device for virtio-net: frames without a packet-information
 * header (IFF_NO_PI) and without a virtio-net header (no IFF_VNET_HDR:
 * the device offers no offloads, so there is nothing to pass on).
 */
#ifndef VMM_TAP_H
#define VMM_TAP_H

#include "log.h"

/*
 * Attach to TAP device name, creating it if it does not exist (which
 * needs CAP_NET_ADMIN; an existing persistent device owned by the user
 * does not). The fd is non-blocking and close-on-exec. Returns it, or
 * -1 with err naming the device and the reason.
 */
int tap_open(const char *name, struct errmsg *err);

#endif
