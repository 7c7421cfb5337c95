/*
 * The virtio-blk device's side of the contract (virtio 1.x, 5.2):
 * feature bits, configuration offsets, the request header and status.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <stdint.h>

#define VIRTIO_BLK_F_SIZE_MAX   (1ull << 1)     /* size_max is valid */
#define VIRTIO_BLK_F_RO         (1ull << 5)     /* the disk is read-only */
#define VIRTIO_BLK_F_BLK_SIZE   (1ull << 6)     /* blk_size is valid */
#define VIRTIO_BLK_F_FLUSH      (1ull << 9)     /* VIRTIO_BLK_T_FLUSH */

/* Configuration (from VIRTIO_MMIO_CONFIG). */
#define VIRTIO_BLK_CFG_CAPACITY 0       /* le64: 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 8       /* le32: bytes in one segment */
#define VIRTIO_BLK_CFG_BLK_SIZE 20      /* le32: the disk's block size */

#define VIRTIO_BLK_T_IN         0       /* read */
#define VIRTIO_BLK_T_OUT        1       /* write */
#define VIRTIO_BLK_T_FLUSH      4
#define VIRTIO_BLK_T_GET_ID     8       /* 20 bytes of serial number */

#define VIRTIO_BLK_S_OK         0
#define VIRTIO_BLK_S_IOERR      1
#define VIRTIO_BLK_S_UNSUPP     2

/* One request in DMA memory: the header the device reads (16 bytes)
 * and the status byte it writes when done (a descriptor each). */
struct disk_req {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
	uint8_t status;
	uint8_t pad[15];
};

#define DISK_REQ_STATUS         16      /* offset of status */

_Static_assert(sizeof(struct disk_req) == 32, "two per 64-byte line");

#endif
