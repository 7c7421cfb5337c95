#include "virtq.h"

/* Compiler barrier; x86 keeps stores in order and loads in order, which
 * is all the split ring needs without event indexes. */
#define barrier()       __asm__ volatile("" ::: "memory")
/* Orders our avail->idx store before the used->flags load. */
#define full_barrier()  __asm__ volatile("mfence" ::: "memory")

static size_t used_offset(unsigned size)
{
	size_t avail_end = 16 * (size_t)size + 4 + 2 * (size_t)size + 2;

	return (avail_end + 3) & ~(size_t)3;
}

size_t virtq_bytes(unsigned size)
{
	return used_offset(size) + 4 + 8 * (size_t)size + 2;
}

int virtq_init(struct virtq *q, void *mem, uint64_t phys, unsigned size)
{
	unsigned char *base = mem;

	if (size == 0 || size > VIRTQ_SIZE_MAX || (size & (size - 1)))
		return -1;
	q->size = size;
	q->desc = (volatile struct virtq_desc *)(void *)base;
	q->avail = (volatile struct virtq_avail *)(void *)(base + 16 * size);
	q->used = (volatile struct virtq_used *)(void *)
		(base + used_offset(size));
	q->desc_phys = phys;
	q->avail_phys = phys + 16 * size;
	q->used_phys = phys + used_offset(size);
	q->free_head = 0;
	q->nfree = (uint16_t)size;
	q->avail_idx = 0;
	q->last_used = 0;
	q->inflight = 0;
	for (unsigned i = 0; i < size; i++) {
		q->next[i] = (uint16_t)(i + 1);
		q->chain[i] = 0;
	}
	return 0;
}

int virtq_add(struct virtq *q, const struct virtq_buf *b, unsigned n)
{
	uint16_t head = q->free_head, d = head;

	if (n == 0 || n > q->nfree)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		volatile struct virtq_desc *v = &q->desc[d];

		v->addr = b[i].phys;
		v->len = b[i].len;
		v->flags = (uint16_t)((i + 1 < n ? VIRTQ_DESC_F_NEXT : 0) |
				      (b[i].device_writes ?
				       VIRTQ_DESC_F_WRITE : 0));
		v->next = q->next[d];
		if (i + 1 < n)
			d = q->next[d];
	}
	q->free_head = q->next[d];
	q->nfree = (uint16_t)(q->nfree - n);
	q->chain[head] = (uint16_t)n;
	q->inflight++;
	q->avail->ring[q->avail_idx & (q->size - 1)] = head;
	barrier();              /* the entry before the index */
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
	return head;
}

int virtq_get(struct virtq *q, uint32_t *len)
{
	uint16_t idx = q->used->idx, n, len_chain, d;
	struct virtq_used_elem e;

	if (idx == q->last_used)
		return -1;
	/* More finished than offered: the index is garbage. */
	if ((uint16_t)(idx - q->last_used) > q->inflight)
		return -2;
	barrier();              /* the index before the entry */
	e.id = q->used->ring[q->last_used & (q->size - 1)].id;
	e.len = q->used->ring[q->last_used & (q->size - 1)].len;
	if (e.id >= q->size || q->chain[e.id] == 0)
		return -2;
	q->last_used++;
	q->inflight--;
	len_chain = n = q->chain[e.id];
	q->chain[e.id] = 0;
	for (d = (uint16_t)e.id; --n; )
		d = q->next[d];
	q->next[d] = q->free_head;      /* the chain goes back whole */
	q->free_head = (uint16_t)e.id;
	q->nfree = (uint16_t)(q->nfree + len_chain);
	*len = e.len;
	return (int)e.id;
}

int virtq_notify_off(const struct virtq *q)
{
	full_barrier();
	return q->used->flags & VIRTQ_USED_F_NO_NOTIFY;
}
