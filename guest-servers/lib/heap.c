/*
 * The process heap: alloc.c over memory regions from the kernel, mapped
 * one after another in a window from UMAP_HEAP, so that each growth
 * extends the arena before it. Each growth costs one capability slot, so
 * it asks for at least as much as the heap has already (doubling).
 */
#include "alloc.h"
#include "uk.h"
#include "ulib.h"
#include "umap.h"

#define HEAP_MIN_GROW   (16 * UK_PAGE_SIZE)
#define HEAP_MAX_GROW   (1024 * UK_PAGE_SIZE)

static struct alloc_heap heap;
static int heap_ready;
static uint64_t heap_top = UMAP_HEAP;   /* next address to map at */

static void *more_core(void *ctx, size_t *bytes)
{
	uint64_t want = *bytes, have = heap_top - UMAP_HEAP;
	uint64_t slot, pages;
	enum uk_err e;

	(void)ctx;
	if (want < HEAP_MIN_GROW)
		want = HEAP_MIN_GROW;
	if (want < have)
		want = have < HEAP_MAX_GROW ? have : HEAP_MAX_GROW;
	pages = (want + UK_PAGE_SIZE - 1) / UK_PAGE_SIZE;
	if (*bytes > UMAP_HEAP_END - heap_top ||
	    pages * UK_PAGE_SIZE > UMAP_HEAP_END - heap_top)
		return NULL;
	slot = uk_slot_alloc();
	if (slot == UK_NO_CAP)
		return NULL;
	e = uk_mem_alloc(slot, pages);
	if (e == UK_OK) {
		e = uk_mem_map(UK_SELF, slot, heap_top, UK_R_READ | UK_R_WRITE);
		if (e != UK_OK)
			uk_cap_delete(slot);
	}
	if (e != UK_OK) {
		uk_slot_free(slot);
		return NULL;
	}
	*bytes = pages * UK_PAGE_SIZE;
	heap_top += *bytes;
	return (void *)(uintptr_t)(heap_top - *bytes);
}

/* A misuse of the heap is a bug of this program: say so and stop. */
static void heap_fault(void *ctx, const char *what, const void *p)
{
	(void)ctx;
	printf("heap: %s at %p\n", what, p);
	uk_abort("heap misuse");
}

static struct alloc_heap *the_heap(void)
{
	if (!heap_ready) {
		alloc_init(&heap, more_core, heap_fault, NULL);
		heap_ready = 1;
	}
	return &heap;
}

void *malloc(size_t n)
{
	return alloc_malloc(the_heap(), n);
}

void free(void *p)
{
	alloc_free(the_heap(), p);
}

void *calloc(size_t n, size_t size)
{
	return alloc_calloc(the_heap(), n, size);
}

void *realloc(void *p, size_t n)
{
	return alloc_realloc(the_heap(), p, n);
}
