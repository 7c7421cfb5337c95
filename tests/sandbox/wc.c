/*
 * wc for the sandbox's tests: lines, words and bytes of stdin, and an
 * FNV-1a hash of its bytes, so that the same program run natively on the
 * host gives the line to compare with.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	static unsigned char buf[65536];
	uint64_t lines = 0, words = 0, bytes = 0;
	uint64_t h = 0xcbf29ce484222325ull;
	int in_word = 0;
	ssize_t n;

	while ((n = read(0, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = buf[i];

			h = (h ^ c) * 0x100000001b3ull;
			lines += c == '\n';
			if (isspace(c))
				in_word = 0;
			else if (!in_word) {
				in_word = 1;
				words++;
			}
		}
		bytes += (uint64_t)n;
	}
	if (n < 0) {
		perror("wc: read");
		return 1;
	}
	printf("%llu %llu %llu %016llx\n", (unsigned long long)lines,
	       (unsigned long long)words, (unsigned long long)bytes,
	       (unsigned long long)h);
	return 0;
}
