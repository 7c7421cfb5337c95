/*
 * guest-servers/init/opts.c is pure user-space code (no system calls) that
 * the Makefile's USER_PURE does not list yet; it is compiled into the unit
 * tests from here. Delete this file in the same change that adds
 * guest-servers/init/opts.c to USER_PURE (else: duplicate symbols).
 */
#include "../../guest-servers/init/opts.c"
