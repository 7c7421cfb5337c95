/*
 * The sandbox's program, as the monitor hands it to the guest: one PVH
 * module (QEMU: -initrd) holding a header, the strings of argv and of the
 * environment, and the static Linux ELF file. The kernel gives init its
 * pages read-only (UK_SLOT_INIT_APP); init checks everything here before
 * it uses any of it, and the personality reads it again in the program's
 * own address space.
 *
 *   offset 0            struct uk_app
 *   strings_off         argc NUL-terminated strings, then envc more
 *   elf_off             the ELF file, elf_size bytes
 *
 * Every offset is from the start of the module; the whole is `size`
 * bytes. The monitor writes realtime_ns (the host's CLOCK_REALTIME) as
 * late as it can before the guest runs; the guest's clock starts there.
 */
#ifndef UKERN_APP_H
#define UKERN_APP_H

#include <stdint.h>

#define UK_APP_MAGIC            0x70616b75u     /* "ukap" */
#define UK_APP_VERSION          1
#define UK_APP_ARGS_MAX         4096u   /* argc + envc */
#define UK_APP_STRINGS_MAX      (256u << 10)
#define UK_APP_SIZE_MAX         (64u << 20)     /* the whole module */

/* flags */
#define UK_APP_VERBOSE          0x1u    /* -v: name unsupported calls */
#define UK_APP_ROOT_RW          0x2u    /* / is writable (--disk) */
#define UK_APP_TTY_IN           0x4u    /* the monitor's stdin is a tty */
#define UK_APP_TTY_OUT          0x8u    /* ... its stdout */
#define UK_APP_TTY_ERR          0x10u   /* ... its stderr */
#define UK_APP_FLAGS            0x1fu

/*
 * The program's process (init builds it, the personality fills it):
 *   UK_LINUX_ENTRY_VA   the personality (guest-servers/sandbox/app),
 *                       linked there, entered there for each call; up
 *                       to UK_LINUX_AREA_END, out of the program's reach
 *   UK_APP_BUNDLE_VA    this module, read-only
 *   UK_APP_STACK_TOP    the program's stack, UK_APP_STACK_SIZE below
 *   UK_APP_MMAP_BASE    anonymous mmap, upwards
 *   UK_APP_PIE_BASE     where a static-pie program is loaded
 * The personality's own stack is the usual one (UK_STACK_TOP).
 */
#define UK_APP_BUNDLE_VA        0x00007ff100000000ull
#define UK_APP_STACK_TOP        0x00007fe000000000ull
#define UK_APP_STACK_SIZE       (2ull << 20)
#define UK_APP_MMAP_BASE        0x0000600000000000ull
#define UK_APP_PIE_BASE         0x0000555555554000ull
/* A program's segments must lie in [UK_USER_MIN, UK_APP_LOAD_END). */
#define UK_APP_LOAD_END         0x0000580000000000ull

struct uk_app {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t argc;          /* >= 1: argv[0] is the program's name */
	uint32_t envc;
	uint32_t strings_size;  /* bytes: argc + envc strings, each ending
	                           in NUL, nothing else */
	uint64_t strings_off;
	uint64_t elf_off;
	uint64_t elf_size;
	uint64_t size;          /* of the module */
	uint64_t realtime_ns;   /* host time, nanoseconds since 1970 */
	uint16_t rows, cols;    /* the terminal's size, 0 if none */
	uint32_t _reserved;
	uint8_t seed[32];       /* from the host's getrandom */
};

_Static_assert(sizeof(struct uk_app) == 104, "struct uk_app");

#endif
