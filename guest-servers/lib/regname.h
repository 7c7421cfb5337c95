/*
 * Registry names in message words (proto/registry.h): up to REG_NAME_MAX
 * bytes, little-endian in w0..w3, NUL-padded. Pure (host-tested).
 */
#ifndef REGNAME_H
#define REGNAME_H

#include <stddef.h>
#include <stdint.h>
#include <proto/registry.h>

/* Packs name into w. Returns REG_OK, or REG_E_BAD_NAME (w zeroed) when
 * name is empty or longer than REG_NAME_MAX bytes. */
enum reg_err reg_name_pack(const char *name, uint64_t w[4]);

/* Unpacks w into out (NUL-terminated). Returns REG_OK, or REG_E_BAD_NAME
 * (out empty) when the name is empty or a byte after its end is not NUL. */
enum reg_err reg_name_unpack(const uint64_t w[4],
			     char out[REG_NAME_MAX + 1]);

#endif
