/*
 * virtio-blk (device 2) over a host file: `--disk PATH[,ro]`, which
 * virtio_blk.c registers (devices.h). Capacity is
 * the file's size in whole 512-byte sectors (a partial tail sector is not
 * visible). IN, OUT, FLUSH (fdatasync before the status says OK) and
 * GET_ID; read-only offers VIRTIO_BLK_F_RO and refuses OUT with IOERR.
 * Requests are processed when the driver notifies, on the caller's thread.
 */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H

#include <stdbool.h>
#include "log.h"
#include "virtio_mmio.h"

struct vblk {
	struct virtio_dev dev;
	int fd;
	bool ro;
	uint64_t sectors;
};

/* Parse "PATH[,ro]" into path (size bytes) and ro; 0, or -1 with err. */
int vblk_parse(const char *spec, char *path, unsigned size, bool *ro,
	       struct errmsg *err);
/* Open the image and set up the device over guest RAM m; 0 or -1 with
 * err naming the file. */
int vblk_open(struct vblk *b, const char *path, bool ro,
	      const struct mem *m, struct errmsg *err);
void vblk_close(struct vblk *b);

#endif
