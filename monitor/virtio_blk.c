#include "virtio_blk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"

#define BLK_F_RO        (1ull << 5)
#define BLK_F_FLUSH     (1ull << 9)
#define T_IN            0
#define T_OUT           1
#define T_FLUSH         4
#define T_GET_ID        8
#define S_OK            0
#define S_IOERR         1
#define S_UNSUPP        2
#define SECTOR          512ull
#define ID              "ukern-vmm-blk"       /* 20 bytes, NUL-padded */

struct req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

int vblk_parse(const char *spec, char *path, unsigned size, bool *ro,
	       struct errmsg *err)
{
	const char *comma = strrchr(spec, ',');
	size_t n = comma ? (size_t)(comma - spec) : strlen(spec);

	*ro = false;
	if (comma && strcmp(comma + 1, "ro") != 0) {
		errmsg_set(err, "--disk %s: unknown option '%s' (only ro)",
			   spec, comma + 1);
		return -1;
	}
	*ro = comma != NULL;
	if (n == 0 || n >= size) {
		errmsg_set(err, "--disk: %s", n ? "path too long" : "no path");
		return -1;
	}
	memcpy(path, spec, n);
	path[n] = '\0';
	return 0;
}

/* pread/pwrite all of len at off; 0 or -1. */
static int io(struct vblk *b, bool write, void *buf, uint64_t len, uint64_t off)
{
	while (len) {
		ssize_t r = write ? pwrite(b->fd, buf, len, (off_t)off)
				  : pread(b->fd, buf, len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf = (uint8_t *)buf + r;
		len -= (uint64_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

/* Bytes of c in one direction (device-writable or not), in chain order. */
static uint64_t total(const struct virtq_chain *c, bool write)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < c->n; i++)
		if (c->seg[i].write == write)
			n += c->seg[i].len;
	return n;
}

/*
 * Walk len bytes of c's segments of one direction, from byte skip of
 * that direction's stream: copy them to or from buf (when buf is set), or
 * move them between the guest and the image at off (when fd_off is set).
 * Any layout of descriptors works (VERSION_1 implies it). 0, or -1 on a
 * host I/O error.
 */
static int walk(struct vblk *b, const struct virtq_chain *c, bool write,
		uint64_t skip, uint64_t len, uint8_t *buf, const uint64_t *fd_off)
{
	uint64_t off = fd_off ? *fd_off : 0;

	for (unsigned i = 0; i < c->n && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t n = s->len;
		uint8_t *p;

		if (s->write != write)
			continue;
		if (skip >= n) {
			skip -= n;
			continue;
		}
		p = (uint8_t *)mem_ptr(b->dev.mem, s->addr, s->len) + skip;
		n -= skip;
		skip = 0;
		if (n > len)
			n = len;
		if (fd_off) {
			if (io(b, !write, p, n, off) < 0)
				return -1;
			off += n;
		} else if (write) {
			memcpy(p, buf, n);
			buf += n;
		} else {
			memcpy(buf, p, n);
			buf += n;
		}
		len -= n;
	}
	return 0;
}

/* Serve one chain (a virtio_chain_fn): the device-readable bytes are
 * the 16-byte header then OUT data; the device-writable bytes are IN
 * data then the status byte. Returns the bytes written into the chain,
 * or -1 when the chain cannot be a request at all (the device must then
 * be reset). */
static int64_t serve(struct virtio_dev *d, const struct virtq_chain *c,
		     const char **why)
{
	struct vblk *b = d->opaque;
	uint64_t rd = total(c, false), wr = total(c, true);
	uint64_t cap = b->sectors * SECTOR, off, len = 0;
	uint8_t status = S_OK, id[20] = ID;
	struct req_hdr h;

	*why = "a malformed block request";
	if (rd < sizeof h || wr < 1)
		return -1;
	walk(b, c, false, 0, sizeof h, (uint8_t *)&h, NULL);
	/* Only OUT carries data the device reads; only IN and GET_ID carry
	 * space the device writes besides the status byte. */
	if (h.type == T_IN || h.type == T_OUT || h.type == T_FLUSH ||
	    h.type == T_GET_ID) {
		if ((h.type != T_OUT && rd != sizeof h) ||
		    (h.type != T_IN && h.type != T_GET_ID && wr != 1))
			return -1;
	}
	off = h.sector <= b->sectors ? h.sector * SECTOR : UINT64_MAX;
	switch (h.type) {
	case T_IN:
	case T_OUT:
		len = h.type == T_IN ? wr - 1 : rd - sizeof h;
		if (len % SECTOR || off > cap || len > cap - off)
			status = S_IOERR;       /* not whole sectors, or past the end */
		else if (h.type == T_OUT && b->ro)
			status = S_IOERR;
		else if (walk(b, c, h.type == T_IN, h.type == T_IN ? 0 : sizeof h,
			      len, NULL, &off) < 0)
			status = S_IOERR;
		break;
	case T_FLUSH:
		if (fdatasync(b->fd) < 0)
			status = S_IOERR;
		break;
	case T_GET_ID:
		len = wr - 1 < sizeof id ? wr - 1 : sizeof id;
		walk(b, c, true, 0, len, id, NULL);
		break;
	default:
		status = S_UNSUPP;
		break;
	}
	walk(b, c, true, wr - 1, 1, &status, NULL);
	return (int64_t)(h.type == T_OUT ? 0 : len) + 1;
}

static void notify(struct virtio_dev *d, unsigned qi)
{
	static struct virtq_chain c;    /* one I/O thread serves all disks */

	virtio_serve(d, qi, &c, serve);
}

static uint64_t config_read(struct virtio_dev *d, uint64_t off, unsigned size)
{
	struct vblk *b = d->opaque;
	uint64_t v = 0;

	if (off + size <= 8) {                  /* capacity, le64 */
		v = b->sectors >> (8 * off);
		if (size < 8)
			v &= (1ull << (8 * size)) - 1;
	}
	return v;
}

static const struct virtio_ops blk_ops = {
	.device_id = 2, .nqueues = 1, .config_read = config_read,
	.notify = notify,
};

int vblk_open(struct vblk *b, const char *path, bool ro,
	      const struct mem *m, struct errmsg *err)
{
	struct stat st;

	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errmsg_set(err, "%s: %s", path, b->fd < 0 ? strerror(errno) :
			   "not a regular file");
		vblk_close(b);
		return -1;
	}
	b->ro = ro;
	b->sectors = (uint64_t)st.st_size / SECTOR;
	virtio_init(&b->dev, &blk_ops, b, m, BLK_F_FLUSH | (ro ? BLK_F_RO : 0));
	return 0;
}

void vblk_close(struct vblk *b)
{
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

/* --disk: one disk per run, the first window (order 10) as on QEMU
 * microvm, where the disk comes before the network and the console. */
static struct vblk disk = { .fd = -1 };

static int disk_open(const char *spec, const struct mem *m,
		     struct virtio_dev **dev, struct errmsg *err)
{
	char path[4096];
	bool ro;

	if (!spec)
		return 0;
	if (vblk_parse(spec, path, sizeof path, &ro, err) < 0 ||
	    vblk_open(&disk, path, ro, m, err) < 0)
		return -1;
	*dev = &disk.dev;
	return 0;
}

static void disk_close(void)
{
	vblk_close(&disk);
}

DEVICE_TYPE(disk,
	.option = "disk",
	.has_value = true,
	.usage =
"  --disk PATH[,ro]   a raw image as a virtio-blk device (read-only with\n"
"                     ,ro); announced on the kernel command line\n",
	.what = "the disk",
	.order = 10,
	.one = "disk",
	.open = disk_open,
	.close = disk_close,
);
