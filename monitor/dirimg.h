/*
 * --dir HOSTDIR: the program's / is a read-only copy of HOSTDIR, taken
 * at start. The copy is an ext2 image that Debian's mke2fs makes from
 * the directory (-d) in a temporary file; the monitor serves it as a
 * read-only disk and removes the file as soon as the device has it open,
 * so nothing is left behind, whatever way the run ends.
 */
#ifndef VMM_DIRIMG_H
#define VMM_DIRIMG_H

#include <stddef.h>

#include "log.h"

/* Makes the image of dir; its path in path (cap bytes). 0, or -errno
 * with err ("--dir DIR: reason"). */
int dirimg_make(const char *dir, char *path, size_t cap, struct errmsg *err);

#endif
