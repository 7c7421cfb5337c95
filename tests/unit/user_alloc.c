/* The user-space heap (guest-servers/lib/alloc.c) on host memory. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"

#define POOL    (1u << 20)

/* more_core over a static pool: hands out `chunk` bytes at a time (at
 * least the request), contiguous unless `gap` is set, up to `limit`. */
struct core {
	_Alignas(16) unsigned char pool[POOL];
	size_t used, chunk, limit;
	int gap, calls;
};

static struct core core;
static int reports;
static const char *last_what;
static const void *last_ptr;

static void *more(void *ctx, size_t *bytes)
{
	struct core *c = ctx;
	size_t n = *bytes > c->chunk ? *bytes : c->chunk;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (c->gap)
		c->used += 64;
	if (c->used + n > c->limit)
		return NULL;
	p = c->pool + c->used;
	c->used += n;
	c->calls++;
	*bytes = n;
	return p;
}

static void on_report(void *ctx, const char *what, const void *p)
{
	(void)ctx;
	reports++;
	last_what = what;
	last_ptr = p;
}

static struct alloc_heap heap;

static void setup(void)
{
	memset(&core, 0, sizeof core);
	core.chunk = 4096;
	core.limit = POOL;
	reports = 0;
	last_what = NULL;
	alloc_init(&heap, more, on_report, &core);
}

static void check(struct alloc_stats *st)
{
	cr_assert_eq(alloc_check(&heap, st), 0, "heap inconsistent: %s",
		     last_what ? last_what : "?");
}

TestSuite(user_alloc, .init = setup);

Test(user_alloc, alignment_and_sizes)
{
	size_t sizes[] = { 0, 1, 7, 15, 16, 17, 31, 32, 33, 100, 1000, 4000 };
	void *p[sizeof sizes / sizeof *sizes];

	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		p[i] = alloc_malloc(&heap, sizes[i]);
		cr_assert_not_null(p[i]);
		cr_assert_eq((uintptr_t)p[i] % 16, 0, "size %zu misaligned",
			     sizes[i]);
		cr_assert_geq(alloc_usable(&heap, p[i]), sizes[i]);
		memset(p[i], 0xa5, sizes[i]);
	}
	check(NULL);
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
		alloc_free(&heap, p[i]);
	cr_assert_eq(reports, 0);
}

Test(user_alloc, blocks_do_not_overlap)
{
	unsigned char *p[64];

	for (int i = 0; i < 64; i++) {
		p[i] = alloc_malloc(&heap, 40 + i);
		memset(p[i], i, 40 + i);
	}
	for (int i = 0; i < 64; i++)
		for (int k = 0; k < 40 + i; k++)
			cr_assert_eq(p[i][k], i);
	check(NULL);
}

Test(user_alloc, coalesces_with_both_neighbours)
{
	struct alloc_stats st;
	void *a = alloc_malloc(&heap, 100);
	void *b = alloc_malloc(&heap, 100);
	void *c = alloc_malloc(&heap, 100);
	void *guard = alloc_malloc(&heap, 100);

	(void)guard;
	check(&st);
	cr_assert_eq(st.free_blocks, 1);        /* the tail of the arena */
	alloc_free(&heap, a);
	alloc_free(&heap, c);
	check(&st);
	cr_assert_eq(st.free_blocks, 3);        /* a, c, tail */
	alloc_free(&heap, b);                   /* joins a and c */
	check(&st);
	cr_assert_eq(st.free_blocks, 2);
	/* The merged hole serves a request as big as a + b + c. */
	void *big = alloc_malloc(&heap, 3 * 112 + 16);
	cr_assert_eq(big, a);
	cr_assert_eq(reports, 0);
}

Test(user_alloc, everything_freed_is_one_block)
{
	struct alloc_stats st;
	void *p[50];

	for (int i = 0; i < 50; i++)
		p[i] = alloc_malloc(&heap, 24 * (i % 7 + 1));
	for (int i = 0; i < 50; i += 2)
		alloc_free(&heap, p[i]);
	for (int i = 1; i < 50; i += 2)
		alloc_free(&heap, p[i]);
	check(&st);
	cr_assert_eq(st.used_blocks, 0);
	cr_assert_eq(st.free_blocks, st.arenas);
}

Test(user_alloc, reuses_freed_memory_first_fit)
{
	void *a = alloc_malloc(&heap, 64);
	void *b = alloc_malloc(&heap, 64);

	(void)b;
	alloc_free(&heap, a);
	cr_assert_eq(alloc_malloc(&heap, 64), a);
	alloc_free(&heap, a);
	cr_assert_eq(alloc_malloc(&heap, 32), a, "a smaller one fits too");
	check(NULL);
}

Test(user_alloc, grows_through_the_callback)
{
	struct alloc_stats st;

	cr_assert_eq(core.calls, 0, "no memory asked before the first malloc");
	for (int i = 0; i < 100; i++)
		cr_assert_not_null(alloc_malloc(&heap, 1000));
	cr_assert_gt(core.calls, 1);
	check(&st);
	/* Contiguous memory extends one arena instead of adding more. */
	cr_assert_eq(st.arenas, 1);
	cr_assert_eq(st.bytes, core.used);
}

Test(user_alloc, separate_arenas_when_not_contiguous)
{
	struct alloc_stats st;

	core.gap = 1;
	for (int i = 0; i < 20; i++)
		cr_assert_not_null(alloc_malloc(&heap, 3000));
	check(&st);
	cr_assert_gt(st.arenas, 1);
}

Test(user_alloc, big_request_in_one_growth)
{
	void *p = alloc_malloc(&heap, 100000);

	cr_assert_not_null(p);
	memset(p, 1, 100000);
	check(NULL);
}

Test(user_alloc, out_of_memory_is_null)
{
	core.limit = 8192;
	cr_assert_null(alloc_malloc(&heap, 10000));
	cr_assert_not_null(alloc_malloc(&heap, 1000));
	cr_assert_null(alloc_malloc(&heap, (size_t)1 << 40));
	cr_assert_null(alloc_malloc(&heap, SIZE_MAX));
	check(NULL);
	cr_assert_eq(reports, 0);
}

Test(user_alloc, no_callback_no_growth)
{
	alloc_init(&heap, NULL, on_report, NULL);
	cr_assert_null(alloc_malloc(&heap, 1));
}

Test(user_alloc, double_free_is_reported)
{
	void *a = alloc_malloc(&heap, 50);
	void *b = alloc_malloc(&heap, 50);
	struct alloc_stats before, after;

	(void)b;
	alloc_free(&heap, a);
	check(&before);
	alloc_free(&heap, a);
	cr_assert_eq(reports, 1);
	cr_assert_str_eq(last_what, "double free");
	cr_assert_eq(last_ptr, a);
	check(&after);
	cr_assert_eq(memcmp(&before, &after, sizeof before), 0,
		     "a reported free changes nothing");
}

Test(user_alloc, double_free_after_merge_is_reported)
{
	void *a = alloc_malloc(&heap, 50);
	void *b = alloc_malloc(&heap, 50);
	void *c = alloc_malloc(&heap, 50);

	(void)c;
	alloc_free(&heap, a);
	alloc_free(&heap, b);                   /* merged into a */
	alloc_free(&heap, b);
	cr_assert_eq(reports, 1);
	cr_assert_str_eq(last_what, "double free");
	check(NULL);
}

Test(user_alloc, bad_pointers_are_reported)
{
	static char outside[64];
	char *a = alloc_malloc(&heap, 200);

	alloc_free(&heap, a + 1);
	cr_assert_str_eq(last_what, "misaligned pointer");
	alloc_free(&heap, a + 32);              /* inside the block */
	cr_assert_eq(reports, 2);
	alloc_free(&heap, outside + 16 - (uintptr_t)outside % 16);
	cr_assert_str_eq(last_what, "pointer outside the heap");
	cr_assert_eq(reports, 3);
	alloc_free(&heap, NULL);                /* allowed */
	cr_assert_eq(reports, 3);
	check(NULL);
	alloc_free(&heap, a);                   /* still a good block */
	cr_assert_eq(reports, 3);
}

Test(user_alloc, overwritten_header_is_reported)
{
	char *a = alloc_malloc(&heap, 64);
	char *b = alloc_malloc(&heap, 64);

	memset(a, 0x41, 64 + 16);               /* runs into b's header */
	alloc_free(&heap, b);
	cr_assert_eq(reports, 1);
	cr_assert_eq(last_ptr, b);
}

Test(user_alloc, calloc_zeroes_and_checks_overflow)
{
	unsigned char *p = alloc_malloc(&heap, 256);

	memset(p, 0xff, 256);
	alloc_free(&heap, p);
	p = alloc_calloc(&heap, 16, 16);        /* reuses the dirty block */
	cr_assert_not_null(p);
	for (int i = 0; i < 256; i++)
		cr_assert_eq(p[i], 0);
	cr_assert_null(alloc_calloc(&heap, SIZE_MAX / 2, 3));
	cr_assert_null(alloc_calloc(&heap, (size_t)1 << 33, (size_t)1 << 33));
}

Test(user_alloc, realloc_grows_shrinks_and_moves)
{
	unsigned char *a = alloc_malloc(&heap, 64), *b, *c;

	for (int i = 0; i < 64; i++)
		a[i] = (unsigned char)i;
	/* Nothing after a is in use: it grows in place. */
	b = alloc_realloc(&heap, a, 500);
	cr_assert_eq(b, a);
	/* Shrinking stays in place and frees the tail. */
	b = alloc_realloc(&heap, a, 32);
	cr_assert_eq(b, a);
	c = alloc_malloc(&heap, 16);            /* right after a now */
	cr_assert_eq(c, a + 48);
	/* Blocked by c: it moves, keeping the bytes. */
	b = alloc_realloc(&heap, a, 300);
	cr_assert_neq(b, a);
	for (int i = 0; i < 32; i++)
		cr_assert_eq(b[i], i);
	check(NULL);
	cr_assert_null(alloc_realloc(&heap, b, 0), "realloc to 0 frees");
	cr_assert_null(alloc_realloc(&heap, b, 10), "b was freed");
	cr_assert_str_eq(last_what, "double free");
	cr_assert_not_null(alloc_realloc(&heap, NULL, 10), "NULL: malloc");
	check(NULL);
}

Test(user_alloc, realloc_failure_keeps_the_block)
{
	unsigned char *a;

	core.limit = 4096;
	a = alloc_malloc(&heap, 100);
	memset(a, 7, 100);
	cr_assert_null(alloc_realloc(&heap, a, 100000));
	for (int i = 0; i < 100; i++)
		cr_assert_eq(a[i], 7);
	check(NULL);
	alloc_free(&heap, a);
	cr_assert_eq(reports, 0);
}

/* more_core callbacks that break their contract. */
static void *misaligned_more(void *ctx, size_t *bytes)
{
	static _Alignas(16) unsigned char odd[8192 + 16];

	(void)ctx;
	*bytes = 8192;
	return odd + 8;
}

static void *stingy_more(void *ctx, size_t *bytes)
{
	static _Alignas(16) unsigned char few[64];

	(void)ctx;
	*bytes = sizeof few;            /* less than asked */
	return few;
}

Test(user_alloc, unusable_core_is_reported)
{
	alloc_init(&heap, misaligned_more, on_report, NULL);
	cr_assert_null(alloc_malloc(&heap, 10));
	cr_assert_eq(reports, 1);
	cr_assert_str_eq(last_what, "more_core gave unusable memory");
	alloc_init(&heap, stingy_more, on_report, NULL);
	cr_assert_null(alloc_malloc(&heap, 100));
	cr_assert_eq(reports, 2);
}

Test(user_alloc, stress_against_a_model)
{
	struct { unsigned char *p; size_t n; unsigned char v; } live[128];
	unsigned seed = 12345;

	core.chunk = 1024;
	memset(live, 0, sizeof live);
	for (int step = 0; step < 20000; step++) {
		unsigned i;

		seed = seed * 1103515245 + 12345;
		i = (seed >> 8) % 128;
		if (live[i].p) {
			for (size_t k = 0; k < live[i].n; k++)
				cr_assert_eq(live[i].p[k], live[i].v);
			if (seed & 1) {
				alloc_free(&heap, live[i].p);
				live[i].p = NULL;
				continue;
			}
			size_t n = (seed >> 16) % 700;
			unsigned char *q = alloc_realloc(&heap, live[i].p, n);

			if (n == 0) {
				live[i].p = NULL;
				continue;
			}
			cr_assert_not_null(q);
			for (size_t k = 0; k < n && k < live[i].n; k++)
				cr_assert_eq(q[k], live[i].v, "realloc kept bytes");
			live[i].p = q;
			memset(q, live[i].v, n);
			live[i].n = n;
		} else {
			size_t n = (seed >> 16) % 700 + 1;

			live[i].p = alloc_malloc(&heap, n);
			cr_assert_not_null(live[i].p);
			live[i].n = n;
			live[i].v = (unsigned char)step;
			memset(live[i].p, live[i].v, n);
		}
		if (step % 1000 == 0)
			check(NULL);
	}
	check(NULL);
	cr_assert_eq(reports, 0);
}
