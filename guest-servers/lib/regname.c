#include "regname.h"

enum reg_err reg_name_pack(const char *name, uint64_t w[4])
{
	size_t n = 0;

	for (int i = 0; i < 4; i++)
		w[i] = 0;
	while (n <= REG_NAME_MAX && name[n])
		n++;
	if (n == 0 || n > REG_NAME_MAX)
		return REG_E_BAD_NAME;
	for (size_t i = 0; i < n; i++)
		w[i / 8] |= (uint64_t)(unsigned char)name[i] << (8 * (i % 8));
	return REG_OK;
}

enum reg_err reg_name_unpack(const uint64_t w[4], char out[REG_NAME_MAX + 1])
{
	size_t len = REG_NAME_MAX;

	for (size_t i = 0; i < REG_NAME_MAX; i++) {
		char c = (char)(w[i / 8] >> (8 * (i % 8)));

		out[i] = c;
		if (c == '\0' && len == REG_NAME_MAX)
			len = i;
		else if (c != '\0' && len != REG_NAME_MAX)
			goto bad;       /* a byte after the end */
	}
	out[len] = '\0';
	if (len == 0)
		goto bad;
	return REG_OK;
bad:
	out[0] = '\0';
	return REG_E_BAD_NAME;
}
