/*
 * libtest: libuk in a real process. The heap grows through
 * UK_SYS_MEM_ALLOC / MEM_MAP and keeps its blocks apart, printf splits
 * what does not fit one kernel write, the string functions behave, and
 * slot bookkeeping matches the kernel's table. Prints `utest libuk: ok`
 * and exits 0, or names each failure and exits 1.
 */
#include "alloc.h"
#include "check.h"

static void test_heap(void)
{
	enum { N = 64 };
	unsigned char *p[N];
	uint64_t free_before, free_after;
	char *big;

	CHECK(uk_info(UK_INFO_FREE_PAGES, &free_before) == UK_OK);
	for (int i = 0; i < N; i++) {
		p[i] = malloc(1000 + 37 * (size_t)i);
		CHECK(p[i] && (uintptr_t)p[i] % 16 == 0);
		if (p[i])
			memset(p[i], i, 1000 + 37 * (size_t)i);
	}
	for (int i = 0; i < N; i++)
		for (size_t k = 0; p[i] && k < 1000 + 37 * (size_t)i; k++)
			if (p[i][k] != i) {
				CHECK(!"blocks overlap");
				break;
			}
	/* Past the first growths: the heap doubles, slots stay few. */
	big = malloc(3 << 20);
	CHECK(big != NULL);
	if (big) {
		memset(big, 0x5a, 3 << 20);
		CHECK(big[(3 << 20) - 1] == 0x5a);
	}
	CHECK(uk_info(UK_INFO_FREE_PAGES, &free_after) == UK_OK);
	CHECK(free_after < free_before);
	big = realloc(big, 4 << 20);
	CHECK(big && big[0] == 0x5a && big[(3 << 20) - 1] == 0x5a);
	free(big);
	for (int i = 0; i < N; i++)
		free(p[i]);
	p[0] = calloc(100, 10);
	CHECK(p[0] && p[0][0] == 0 && p[0][999] == 0);
	free(p[0]);
}

static void test_strings(void)
{
	char buf[16];
	char a[8] = "abcdefg", b[8];

	CHECK(strlen("hello") == 5 && strlen("") == 0);
	CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0);
	CHECK(strcmp("same", "same") == 0 && strncmp("abcX", "abcY", 3) == 0);
	CHECK(strlcpy(buf, "a string longer than buf", sizeof buf) == 24);
	CHECK(strlen(buf) == 15);
	CHECK(strchr("registry", 'g') && *strchr("registry", 'g') == 'g');
	CHECK(strchr("abc", 'z') == NULL && strchr("abc", 0) != NULL);
	memcpy(b, a, sizeof a);
	CHECK(memcmp(a, b, sizeof a) == 0);
	memmove(a + 1, a, 6);                   /* overlapping, upwards */
	CHECK(memcmp(a, "aabcdef", 7) == 0);
	memmove(a, a + 1, 6);                   /* and downwards */
	CHECK(memcmp(a, "abcdeff", 7) == 0);
	CHECK(snprintf(buf, sizeof buf, "%d-%x-%s", -5, 255u, "z") == 7);
	CHECK(strcmp(buf, "-5-ff-z") == 0);
}

static void test_printf(void)
{
	char line[600];

	/* One line longer than a kernel write (256): sent in pieces. */
	memset(line, '=', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	CHECK(puts(line) == (int)sizeof line);
	CHECK(uk_debug_write(line, 257) == UK_E_ARG);
	CHECK(uk_debug_write("", 0) == UK_OK);
}

static void test_slots(void)
{
	uint64_t s = uk_slot_alloc(), t = uk_slot_alloc(), type, rights, badge;

	CHECK(s != UK_NO_CAP && t != UK_NO_CAP && s != t);
	CHECK(uk_obj_create(s, UK_CAP_NTFN) == UK_OK);
	CHECK(uk_cap_info(s, &type, &rights, &badge) == UK_OK &&
	      type == UK_CAP_NTFN);
	CHECK(uk_obj_create(s, UK_CAP_NTFN) == UK_E_BUSY);
	CHECK(uk_signal(s, 5) == UK_OK);
	CHECK(uk_poll(s, &badge) == UK_OK && badge == 5);
	CHECK(uk_poll(s, &badge) == UK_E_AGAIN);
	CHECK(uk_cap_delete(s) == UK_OK);
	CHECK(uk_cap_info(s, &type, &rights, &badge) == UK_E_CAP);
	uk_slot_free(s);
	CHECK(uk_slot_alloc() == s);
	CHECK(uk_slot_reserve(s) == -1 && uk_slot_reserve(UK_CAP_SLOTS) == -1);
	CHECK(uk_syscall(UK_SYS_NONE, 0, 0, 0, 0, 0, 0) == UK_E_SYSCALL);
	CHECK(uk_syscall(UK_SYS_MAX, 0, 0, 0, 0, 0, 0) == UK_E_SYSCALL);
	CHECK(uk_syscall(~0ull, 0, 0, 0, 0, 0, 0) == UK_E_SYSCALL);
}

int main(uint64_t arg)
{
	(void)arg;
	test_strings();
	test_printf();
	test_slots();
	test_heap();
	return check_verdict("libuk");
}
