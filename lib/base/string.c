/*
 * String and memory helpers. The freestanding build compiles this without builtins and without
 * loop-to-call transformations, so these loops never turn into calls of themselves.
 */
#include <gneiss/error.h>
#include <gneiss/string.h>

/* word access to bytes of any type: the compiler must not assume it aliases nothing */
typedef uint64_t __attribute__((may_alias)) word_t;

/*
 * Large copies and fills in components use the string instructions, which x86_64 CPUs with ERMS
 * run at full memory bandwidth (faster than word loops, and than libc's memcpy on these hosts).
 * Host builds keep the loops, so the sanitizers see every access.
 */
#if defined(__x86_64__) && !__STDC_HOSTED__
#define STRING_INSNS 1
enum {
	STRING_INSNS_MIN = 256
};
#else
#define STRING_INSNS 0
#endif

void *gn_memcpy(void *dst, void const *src, size_t n)
{
	unsigned char *d = dst;
	unsigned char const *s = src;

#if STRING_INSNS
	if (n >= STRING_INSNS_MIN) {
		__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		return dst;
	}
#endif
	/* word copies when both are aligned alike: dataspace copies go through here */
	if ((((uintptr_t)d ^ (uintptr_t)s) & (sizeof(word_t) - 1)) == 0) {
		while (n && ((uintptr_t)d & (sizeof(word_t) - 1))) {
			*d++ = *s++;
			n--;
		}
		for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
			*(word_t *)(void *)d = *(word_t const *)(void const *)s;
			d += sizeof(word_t);
			s += sizeof(word_t);
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *gn_memmove(void *dst, void const *src, size_t n)
{
	unsigned char *d = dst;
	unsigned char const *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return gn_memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *gn_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

#if STRING_INSNS
	if (n >= STRING_INSNS_MIN) {
		__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
		return dst;
	}
#endif
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int gn_memcmp(void const *a, void const *b, size_t n)
{
	unsigned char const *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t gn_strlen(char const *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t gn_strnlen(char const *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int gn_strcmp(char const *a, char const *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int gn_strncmp(char const *a, char const *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

gn_err_t gn_strlcpy(char *dst, char const *src, size_t size)
{
	size_t i = 0;

	if (size == 0)
		return src[0] ? GN_ERR_TRUNCATED : GN_OK;
	for (; i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
	return src[i] ? GN_ERR_TRUNCATED : GN_OK;
}

bool gn_str_eq_n(char const *s, size_t n, char const *lit)
{
	return gn_strnlen(lit, n + 1) == n && gn_memcmp(s, lit, n) == 0;
}

bool gn_str_starts_with(char const *s, char const *prefix)
{
	return gn_strncmp(s, prefix, gn_strlen(prefix)) == 0;
}

bool gn_str_ends_with(char const *s, char const *suffix)
{
	size_t ls = gn_strlen(s), lx = gn_strlen(suffix);

	return lx <= ls && gn_memcmp(s + ls - lx, suffix, lx) == 0;
}

char const *gn_memchr(char const *s, int c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] == (unsigned char)c)
			return s + i;
	return NULL;
}
