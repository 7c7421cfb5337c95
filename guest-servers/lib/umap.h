/*
 * The user address-space map: every fixed virtual address that user
 * space uses, in one place. The kernel fixes a few (ukern/abi.h: the
 * first user page UK_USER_MIN, where programs are linked; the stack top
 * UK_STACK_TOP; the entry page UK_ENTRY_VA; init's boot info). The rest
 * is user space's own convention, below. Different programs use the
 * same window for different things; one program never uses two names
 * of one window.
 */
#ifndef UMAP_H
#define UMAP_H

#include <ukern/abi.h>

/* Every program: the heap grows up from here (heap.c), 1 GiB at most. */
#define UMAP_HEAP               0x0010000000ull
#define UMAP_HEAP_END           0x0050000000ull

/* Every program: its own buffers, shared with servers by capability
 * (blkclient.c's, a test's, a client's buffers one after another). */
#define UMAP_BUF                0x0100000000ull

/* A driver: its device's register page, then DMA memory. */
#define UMAP_DEV_MMIO           0x0100000000ull
#define UMAP_DEV_DMA            0x0100001000ull

/* A server: the buffers its clients share with it, one after another
 * (fs, blk and net sessions and sockets). */
#define UMAP_CLIENTS            0x0200000000ull

/* init: the boot archive, the window it writes a program's pages
 * through, and the window it reads a device's header through. */
#define UMAP_INIT_BOOTFS        0x0100000000ull
#define UMAP_INIT_SCRATCH       0x0200000000ull
#define UMAP_INIT_DEVICE        0x0300000000ull

_Static_assert(UMAP_HEAP >= UK_USER_MIN, "the heap above the program");
_Static_assert(UMAP_INIT_DEVICE < UK_STACK_TOP, "windows below the stack");

#endif
