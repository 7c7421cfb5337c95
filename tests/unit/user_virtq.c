/* The split virtqueue (guest-servers/lib/virtq.c), against a fake device
 * that completes chains in any order and sometimes lies. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../guest-servers/lib/virtq.h"

static struct virtq q;
static void *mem;

static void setup_q(unsigned size)
{
	free(mem);
	mem = aligned_alloc(4096, 4 * 4096);
	memset(mem, 0, 4 * 4096);
	cr_assert_eq(virtq_init(&q, mem, 0x100000, size), 0);
}

/* The device finishes the chain at head: one used entry. */
static void dev_done(uint16_t head, uint32_t len)
{
	q.used->ring[q.used->idx % q.size] =
		(struct virtq_used_elem){ .id = head, .len = len };
	q.used->idx++;
}

/* A chain of n buffers; returns its head. */
static int add(unsigned n, uint64_t phys)
{
	struct virtq_buf b[8];

	for (unsigned i = 0; i < n; i++)
		b[i] = (struct virtq_buf){ phys + i * 0x1000, 16 + i, i == 1 };
	return virtq_add(&q, b, n);
}

Test(user_virtq, sizes_and_layout)
{
	void *m = calloc(1, 8192);

	cr_assert_eq(virtq_init(&q, m, 0, 0), -1);
	cr_assert_eq(virtq_init(&q, m, 0, 3), -1, "not a power of two");
	cr_assert_eq(virtq_init(&q, m, 0, 512), -1, "above the maximum");
	cr_assert_leq(virtq_bytes(64), 4096);
	cr_assert_leq(virtq_bytes(128), 4096);
	cr_assert_eq(virtq_init(&q, m, 0x5000, 64), 0);
	cr_assert_eq(q.avail_phys, 0x5000 + 16 * 64);
	cr_assert_eq(q.used_phys % 4, 0);
	cr_assert_geq(q.used_phys, q.avail_phys + 6 + 2 * 64);
	cr_assert_eq(q.nfree, 64);
	free(m);
}

Test(user_virtq, a_chain_as_the_device_sees_it)
{
	int h;
	uint16_t d;

	setup_q(16);
	h = add(3, 0x7000);
	cr_assert_geq(h, 0);
	cr_assert_eq(q.avail->idx, 1);
	cr_assert_eq(q.avail->ring[0], h);
	d = (uint16_t)h;
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(q.desc[d].addr, 0x7000 + i * 0x1000);
		cr_assert_eq(q.desc[d].len, 16 + i);
		cr_assert_eq(!!(q.desc[d].flags & VIRTQ_DESC_F_WRITE), i == 1);
		cr_assert_eq(!!(q.desc[d].flags & VIRTQ_DESC_F_NEXT), i < 2);
		d = q.desc[d].next;
	}
	cr_assert_eq(q.nfree, 13);
}

Test(user_virtq, full_queue)
{
	setup_q(4);
	cr_assert_geq(add(3, 0), 0);
	cr_assert_eq(add(3, 0), -1, "one descriptor left");
	cr_assert_eq(add(0, 0), -1);
	cr_assert_geq(add(1, 0), 0);
	cr_assert_eq(add(1, 0), -1);
}

Test(user_virtq, completions_out_of_order)
{
	int h[5];
	uint32_t len;

	setup_q(16);
	for (int round = 0; round < 40; round++) {
		for (int i = 0; i < 5; i++)
			cr_assert_geq(h[i] = add(3, 0x1000 * i), 0);
		cr_assert_eq(q.nfree, 1);
		cr_assert_eq(virtq_get(&q, &len), -1, "nothing used yet");
		/* The device finishes them 3, 0, 4, 1, 2. */
		dev_done(h[3], 30);
		dev_done(h[0], 0);
		cr_assert_eq(virtq_get(&q, &len), h[3]);
		cr_assert_eq(len, 30);
		cr_assert_eq(virtq_get(&q, &len), h[0]);
		dev_done(h[4], 4);
		dev_done(h[1], 1);
		dev_done(h[2], 2);
		cr_assert_eq(virtq_get(&q, &len), h[4]);
		cr_assert_eq(virtq_get(&q, &len), h[1]);
		cr_assert_eq(virtq_get(&q, &len), h[2]);
		cr_assert_eq(virtq_get(&q, &len), -1);
		cr_assert_eq(q.nfree, 16, "every descriptor is back");
	}
}

Test(user_virtq, a_lying_device)
{
	int h;
	uint32_t len;

	setup_q(8);
	h = add(2, 0);
	dev_done(8, 0);                 /* past the table */
	cr_assert_eq(virtq_get(&q, &len), -2);
	setup_q(8);
	h = add(2, 0);
	dev_done((uint16_t)(h + 1), 0); /* inside a chain, not its head */
	cr_assert_eq(virtq_get(&q, &len), -2);
	setup_q(8);
	h = add(2, 0);
	dev_done((uint16_t)h, 0);
	dev_done((uint16_t)h, 0);       /* the same chain twice */
	cr_assert_eq(virtq_get(&q, &len), -2, "more used than offered");
	setup_q(8);
	h = add(2, 0);
	q.used->idx = 1000;             /* an index from nowhere */
	cr_assert_eq(virtq_get(&q, &len), -2);
	cr_assert_eq(q.nfree, 6, "nothing was freed");
}

Test(user_virtq, notify_suppression)
{
	setup_q(8);
	cr_assert_eq(virtq_notify_off(&q), 0);
	q.used->flags = VIRTQ_USED_F_NO_NOTIFY;
	cr_assert_neq(virtq_notify_off(&q), 0);
}
