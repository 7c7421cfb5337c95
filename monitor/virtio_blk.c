#include "virtio_blk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
#define ID              "ukern-vmm-blk"

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

/* Serve one chain: header (readable), data, status (writable). Returns
 * the bytes written into the chain, or -1 when the chain breaks the
 * rules (the device must then be reset). */
static int64_t serve(struct vblk *b, const struct virtq_chain *c)
{
	const struct mem *m = b->dev.mem;
	const struct virtq_seg *st = &c->seg[c->n - 1];
	struct req_hdr h;
	uint64_t off, done = 0, cap = b->sectors * SECTOR;
	uint8_t status = S_OK;

	if (c->n < 2 || c->seg[0].write || c->seg[0].len < sizeof h ||
	    !st->write || st->len < 1)
		return -1;
	memcpy(&h, mem_ptr(m, c->seg[0].addr, sizeof h), sizeof h);
	off = h.sector <= b->sectors ? h.sector * SECTOR : UINT64_MAX;
	for (unsigned i = 1; i + 1 < c->n; i++) {
		const struct virtq_seg *s = &c->seg[i];
		bool in = h.type == T_IN || h.type == T_GET_ID;

		if ((h.type == T_IN || h.type == T_OUT || h.type == T_GET_ID) &&
		    s->write != in)
			return -1;      /* data in the wrong direction */
		if (status != S_OK)
			continue;
		if (h.type == T_GET_ID) {
			uint8_t *p = mem_ptr(m, s->addr, s->len);
			memset(p, 0, s->len);
			memcpy(p, ID, s->len < sizeof ID ? s->len : sizeof ID);
			done += s->len;
		} else if (h.type == T_IN || h.type == T_OUT) {
			if (s->len % SECTOR || off > cap || s->len > cap - off)
				status = S_IOERR;       /* past the end */
			else if (h.type == T_OUT && b->ro)
				status = S_IOERR;
			else if (io(b, h.type == T_OUT,
				    mem_ptr(m, s->addr, s->len), s->len, off) < 0)
				status = S_IOERR;
			else
				done += h.type == T_IN ? s->len : 0;
			off += s->len;
		}
	}
	if (h.type == T_FLUSH && status == S_OK && fdatasync(b->fd) < 0)
		status = S_IOERR;
	else if (h.type != T_IN && h.type != T_OUT && h.type != T_FLUSH &&
		 h.type != T_GET_ID)
		status = S_UNSUPP;
	*(uint8_t *)mem_ptr(m, st->addr + st->len - 1, 1) = status;
	return (int64_t)done + 1;
}

static void notify(struct virtio_dev *d, unsigned qi)
{
	struct vblk *b = d->opaque;
	struct virtq *q = &d->q[qi];
	static struct virtq_chain c;    /* one vCPU, one device loop */
	const char *why = "";
	int r, any = 0;

	while ((r = virtq_pop(q, d->mem, &c, &why)) > 0) {
		int64_t n = serve(b, &c);

		if (n < 0 || virtq_push(q, d->mem, c.head, (uint32_t)n) < 0) {
			virtio_broken(d, n < 0 ? "a malformed block request"
					       : "the used ring is outside RAM");
			return;
		}
		any = 1;
	}
	if (r < 0)
		virtio_broken(d, why);
	else if (any)
		virtio_interrupt(d);
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
