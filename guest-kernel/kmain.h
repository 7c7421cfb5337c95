/* The kernel's C entry, called by entry.S in long mode on the boot stack. */
#ifndef KERNEL_KMAIN_H
#define KERNEL_KMAIN_H

#include <stdint.h>

/* Boots from the PVH start info at physical start_info_phys; never
 * returns (exits through the exit port). */
_Noreturn void kmain(uint32_t start_info_phys);

#endif
