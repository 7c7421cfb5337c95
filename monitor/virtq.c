#include "virtq.h"

#define VRING_DESC_F_NEXT       1
#define VRING_DESC_F_WRITE      2
#define VRING_DESC_F_INDIRECT   4

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

bool virtq_num_ok(uint32_t num)
{
	return num && num <= VIRTQ_MAX && (num & (num - 1)) == 0;
}

/* The three rings, or NULL if any lies outside RAM. */
static int rings(const struct virtq *q, const struct mem *m,
		 struct vring_desc **d, uint16_t **avail, uint8_t **used)
{
	*d = mem_ptr(m, q->desc, 16ull * q->num);
	*avail = mem_ptr(m, q->avail, 6 + 2ull * q->num);
	*used = mem_ptr(m, q->used, 6 + 8ull * q->num);
	return *d && *avail && *used ? 0 : -1;
}

int virtq_pop(struct virtq *q, const struct mem *m, struct virtq_chain *c,
	      const char **why)
{
	struct vring_desc *d;
	uint16_t *avail, idx, i;
	uint8_t *used;

	if (!q->ready || !virtq_num_ok(q->num))
		return 0;
	if ((q->desc & 15) || (q->avail & 1) || (q->used & 3)) {
		*why = "a misaligned ring";
		return -1;
	}
	if (rings(q, m, &d, &avail, &used) < 0) {
		*why = "a ring lies outside guest RAM";
		return -1;
	}
	idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
	if (idx == q->last_avail)
		return 0;
	if ((uint16_t)(idx - q->last_avail) > q->num) {
		*why = "the available index ran ahead of the queue";
		return -1;
	}
	i = avail[2 + q->last_avail % q->num];
	c->head = i;
	c->n = 0;
	for (;;) {
		struct vring_desc e;

		if (i >= q->num || c->n == q->num) {
			*why = i >= q->num ? "a descriptor index past the queue"
					   : "a descriptor chain loops";
			return -1;
		}
		e = d[i];
		if (e.flags & VRING_DESC_F_INDIRECT) {
			*why = "an indirect descriptor (not offered)";
			return -1;
		}
		if (!mem_ptr(m, e.addr, e.len)) {
			*why = "a buffer outside guest RAM";
			return -1;
		}
		if (c->n && c->seg[c->n - 1].write &&
		    !(e.flags & VRING_DESC_F_WRITE)) {
			*why = "a device-readable buffer after a writable one";
			return -1;
		}
		c->seg[c->n++] = (struct virtq_seg){
			e.addr, e.len, (e.flags & VRING_DESC_F_WRITE) != 0 };
		if (!(e.flags & VRING_DESC_F_NEXT))
			break;
		i = e.next;
	}
	q->last_avail++;
	return 1;
}

int virtq_push(struct virtq *q, const struct mem *m, uint16_t head,
	       uint32_t len)
{
	uint8_t *used = mem_ptr(m, q->used, 6 + 8ull * q->num);
	uint32_t *e;

	if (!used)
		return -1;
	e = (uint32_t *)(used + 4 + 8 * (q->used_idx % q->num));
	e[0] = head;
	e[1] = len;
	q->used_idx++;
	__atomic_store_n((uint16_t *)(used + 2), q->used_idx, __ATOMIC_RELEASE);
	return 0;
}

bool virtq_chain_is(const struct virtq_chain *c, bool write)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->seg[i].write != write)
			return false;
	return true;
}
