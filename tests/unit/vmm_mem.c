/* Guest RAM and its one checked translator. */
#include <criterion/criterion.h>
#include <errno.h>

#include "mem.h"

#define SIZE (4ull << 20)

Test(mem, init_rejects_bad_sizes)
{
	struct mem m;

	cr_assert_eq(mem_init(&m, 0), -EINVAL);
	cr_assert_null(m.host);
	cr_assert_eq(mem_init(&m, 4095), -EINVAL);
	cr_assert_eq(mem_init(&m, SIZE + 1), -EINVAL);
}

Test(mem, zeroed_and_writable)
{
	struct mem m;
	uint8_t *p;

	cr_assert_eq(mem_init(&m, SIZE), 0);
	cr_assert_eq(m.size, SIZE);
	p = mem_ptr(&m, 0, SIZE);
	cr_assert_not_null(p);
	cr_assert_eq(p[0], 0);
	cr_assert_eq(p[SIZE - 1], 0);
	p[SIZE - 1] = 0xab;
	cr_assert_eq(*(uint8_t *)mem_ptr(&m, SIZE - 1, 1), 0xab);
	mem_free(&m);
	cr_assert_null(m.host);
	mem_free(&m);           /* twice is fine */
}

Test(mem, ptr_bounds)
{
	struct mem m;

	cr_assert_eq(mem_init(&m, SIZE), 0);
	cr_assert_eq(mem_ptr(&m, 0, 1), m.host);
	cr_assert_eq(mem_ptr(&m, 0x1234, 16), m.host + 0x1234);
	cr_assert_not_null(mem_ptr(&m, SIZE - 1, 1));
	cr_assert_not_null(mem_ptr(&m, 0, SIZE));
	cr_assert_not_null(mem_ptr(&m, SIZE, 0), "empty range at the end");
	cr_assert_null(mem_ptr(&m, SIZE, 1));
	cr_assert_null(mem_ptr(&m, SIZE - 1, 2));
	cr_assert_null(mem_ptr(&m, 0, SIZE + 1));
	cr_assert_null(mem_ptr(&m, SIZE + 1, 0));
	cr_assert_null(mem_ptr(&m, 0xfee00000, 4), "MMIO is not RAM");
	mem_free(&m);
}

Test(mem, ptr_overflow)
{
	struct mem m;

	cr_assert_eq(mem_init(&m, SIZE), 0);
	cr_assert_null(mem_ptr(&m, UINT64_MAX, 2), "gpa + len wraps");
	cr_assert_null(mem_ptr(&m, UINT64_MAX, 0));
	cr_assert_null(mem_ptr(&m, 1, UINT64_MAX), "len wraps");
	cr_assert_null(mem_ptr(&m, 0x1000, UINT64_MAX - 0xfff));
	cr_assert_null(mem_ptr(&m, SIZE - 1, UINT64_MAX));
	mem_free(&m);
}

Test(mem, ptr_on_unmapped)
{
	struct mem m = { 0 };

	cr_assert_null(mem_ptr(&m, 0, 0));
}
