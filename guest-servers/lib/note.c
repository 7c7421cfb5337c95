#include "uk.h"

/* The ABI version a program was built for (abi.h), in an ELF note that
 * init checks before it starts the program. The linker scripts pull it
 * in (EXTERN). */
const struct {
	uint32_t namesz, descsz, type;
	char name[(sizeof UK_NOTE_NAME + 3) & ~3u];
	uint32_t version;
} uk_abi_note __attribute__((used, section(".note.ukern"), aligned(4))) = {
	sizeof UK_NOTE_NAME, sizeof(uint32_t), UK_NOTE_ABI, UK_NOTE_NAME,
	UK_ABI_VERSION,
};
