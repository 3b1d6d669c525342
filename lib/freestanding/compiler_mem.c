/*
 * The four functions a C compiler may emit calls to even in freestanding code (struct copies,
 * zero-initialisers). Linked only into freestanding binaries: host builds use libc's.
 */
#include <gneiss/string.h>

void *memcpy(void *dst, void const *src, size_t n);
void *memmove(void *dst, void const *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(void const *a, void const *b, size_t n);

void *memcpy(void *dst, void const *src, size_t n)
{
	return gn_memcpy(dst, src, n);
}

void *memmove(void *dst, void const *src, size_t n)
{
	return gn_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return gn_memset(dst, c, n);
}

int memcmp(void const *a, void const *b, size_t n)
{
	return gn_memcmp(a, b, n);
}
