/*
 * The string and memory helpers, against libc's as the reference. Inputs without a terminator live
 * in heap blocks of exactly their size, so ASan reports any read past the bound a helper promises.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/string.h>

enum {
	GUARD = 0xa5,
	MAX_OFS = 16,
	MAX_LEN = 100,
	AREA = MAX_OFS + MAX_LEN + MAX_OFS
};

/* A heap copy of n bytes without terminator; free() it. */
static char *exact(char const *bytes, size_t n)
{
	char *p = malloc(n ? n : 1);

	assert_non_null(p);
	memcpy(p, bytes, n);
	return p;
}

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + seed * 13 + 1);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Every source and destination alignment, every length to MAX_LEN; nothing around dst changes. */
static void memcpy_alignments(void **state)
{
	_Alignas(16) unsigned char src[AREA], dst[AREA], want[AREA];

	(void)state;
	fill_pattern(src, sizeof(src), 1);
	for (size_t so = 0; so < MAX_OFS; so++)
		for (size_t d_o = 0; d_o < MAX_OFS; d_o++)
			for (size_t n = 0; n <= MAX_LEN; n++) {
				memset(dst, GUARD, sizeof(dst));
				memset(want, GUARD, sizeof(want));
				memcpy(want + d_o, src + so, n);
				assert_ptr_equal(gn_memcpy(dst + d_o, src + so, n), dst + d_o);
				if (memcmp(dst, want, sizeof(dst)) != 0) {
					print_error("src offset %zu dst offset %zu length %zu\n",
						so, d_o, n);
					fail();
				}
			}
}

/* Moves n bytes from area + from to area + to and compares with libc's memmove. */
static void check_move(size_t from, size_t to, size_t n)
{
	_Alignas(16) unsigned char area[AREA + 32], want[AREA + 32];

	fill_pattern(area, sizeof(area), (unsigned)n);
	memcpy(want, area, sizeof(area));
	memmove(want + to, want + from, n);
	assert_ptr_equal(gn_memmove(area + to, area + from, n), area + to);
	if (memcmp(area, want, sizeof(area)) != 0) {
		print_error("from %zu to %zu length %zu\n", from, to, n);
		fail();
	}
}

/* Overlapping moves in both directions, at every distance up to 20 and every alignment. */
static void memmove_overlaps(void **state)
{
	(void)state;
	for (size_t from = 20; from < 20 + MAX_OFS; from++)
		for (size_t to = from - 20; to <= from + 20; to++)
			for (size_t n = 0; n <= 64; n++)
				check_move(from, to, n);
}

static void memmove_disjoint(void **state)
{
	char a[8] = "abcdefg", b[8] = "1234567";

	(void)state;
	assert_ptr_equal(gn_memmove(a, b, 3), a);
	assert_string_equal(a, "123defg");
	assert_ptr_equal(gn_memmove(b + 4, a + 4, 3), b + 4);
	assert_string_equal(b, "1234efg");
	assert_ptr_equal(gn_memmove(a, a, 7), a);
	assert_string_equal(a, "123defg");
}

static void memset_fills_exactly(void **state)
{
	unsigned char buf[40];

	(void)state;
	for (size_t ofs = 0; ofs < 8; ofs++)
		for (size_t n = 0; n + ofs <= 32; n++) {
			memset(buf, GUARD, sizeof(buf));
			assert_ptr_equal(gn_memset(buf + ofs, 0x1ff, n), buf + ofs); /* byte 0xff */
			for (size_t i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i], i >= ofs && i < ofs + n ? 0xff : GUARD);
		}
	assert_ptr_equal(gn_memset(buf, 0, 5), buf);
	assert_memory_equal(buf, "\0\0\0\0\0", 5);
}

static void memcmp_sign(void **state)
{
	(void)state;
	assert_int_equal(sign(gn_memcmp("abc", "abd", 3)), -1);
	assert_int_equal(sign(gn_memcmp("abd", "abc", 3)), 1);
	assert_int_equal(gn_memcmp("abc", "abd", 2), 0);
	assert_int_equal(gn_memcmp("x", "y", 0), 0);
	/* bytes compare as unsigned char */
	assert_true(gn_memcmp("\x80", "\x01", 1) > 0);
	assert_true(gn_memcmp("\x01", "\xff", 1) < 0);
	assert_int_equal(sign(gn_memcmp("a\0b", "a\0c", 3)), -1);
	for (int x = 0; x < 256; x += 15)
		for (int y = 0; y < 256; y += 17) {
			unsigned char a[2] = {'q', (unsigned char)x};
			unsigned char b[2] = {'q', (unsigned char)y};

			assert_int_equal(sign(gn_memcmp(a, b, 2)), sign(memcmp(a, b, 2)));
		}
}

static void strlen_counts(void **state)
{
	(void)state;
	assert_int_equal(gn_strlen(""), 0);
	assert_int_equal(gn_strlen("a"), 1);
	assert_int_equal(gn_strlen("hello\0world"), 5);
	assert_int_equal(gn_strlen("\xff\x80"), 2);
}

static void strnlen_stops_at_max(void **state)
{
	char *raw = exact("abcdef", 6);

	(void)state;
	assert_int_equal(gn_strnlen(raw, 6), 6);
	assert_int_equal(gn_strnlen(raw, 3), 3);
	assert_int_equal(gn_strnlen(raw + 6, 0), 0); /* must not read even one byte */
	assert_int_equal(gn_strnlen("ab", 10), 2);
	assert_int_equal(gn_strnlen("ab", 2), 2);
	assert_int_equal(gn_strnlen("", 5), 0);
	assert_int_equal(gn_strnlen("a\0bc", 4), 1);
	free(raw);
}

static void strcmp_order(void **state)
{
	(void)state;
	assert_int_equal(gn_strcmp("", ""), 0);
	assert_int_equal(gn_strcmp("abc", "abc"), 0);
	assert_true(gn_strcmp("abc", "abd") < 0);
	assert_true(gn_strcmp("abd", "abc") > 0);
	assert_true(gn_strcmp("ab", "abc") < 0);
	assert_true(gn_strcmp("abc", "ab") > 0);
	assert_true(gn_strcmp("\x80", "\x7f") > 0);
	assert_true(gn_strcmp("", "\x01") < 0);
}

static void strncmp_bounded(void **state)
{
	char *a = exact("abcX", 4), *b = exact("abcY", 4);

	(void)state;
	assert_int_equal(gn_strncmp(a, b, 3), 0); /* reads no further than n */
	assert_true(gn_strncmp(a, b, 4) < 0);
	assert_true(gn_strncmp(b, a, 4) > 0);
	assert_int_equal(gn_strncmp(a, b, 0), 0);
	assert_int_equal(gn_strncmp("ab", "ab", 100), 0); /* stops at the NUL */
	assert_true(gn_strncmp("ab", "abc", 3) < 0);
	assert_true(gn_strncmp("abc", "ab", 3) > 0);
	assert_int_equal(gn_strncmp("abc", "ab", 2), 0);
	assert_true(gn_strncmp("\xff", "a", 1) > 0);
	free(a);
	free(b);
}

static void strlcpy_truncates(void **state)
{
	char dst[8];

	(void)state;
	memset(dst, 'x', sizeof(dst));
	assert_int_equal(gn_strlcpy(dst, "abc", 0), GN_ERR_TRUNCATED);
	assert_int_equal(dst[0], 'x');
	assert_int_equal(gn_strlcpy(dst, "", 0), GN_OK);
	assert_int_equal(dst[0], 'x');
	assert_int_equal(gn_strlcpy(dst, "abc", 1), GN_ERR_TRUNCATED);
	assert_string_equal(dst, "");
	assert_int_equal(dst[1], 'x');
	assert_int_equal(gn_strlcpy(dst, "abc", 3), GN_ERR_TRUNCATED);
	assert_string_equal(dst, "ab");
	assert_int_equal(dst[3], 'x');
	assert_int_equal(gn_strlcpy(dst, "abc", 4), GN_OK); /* exact fit */
	assert_string_equal(dst, "abc");
	assert_int_equal(dst[4], 'x');
	assert_int_equal(gn_strlcpy(dst, "ab", 8), GN_OK);
	assert_string_equal(dst, "ab");
	assert_int_equal(dst[3], 0); /* the earlier terminator, not padding */
	assert_int_equal(dst[4], 'x');
	assert_int_equal(gn_strlcpy(dst, "", 8), GN_OK);
	assert_string_equal(dst, "");
}

/* Destination of exactly size bytes on the heap: ASan sees any write past it. */
static void strlcpy_never_writes_past(void **state)
{
	static char const src[] = "capability";

	(void)state;
	for (size_t size = 1; size <= sizeof(src) + 2; size++) {
		char *dst = malloc(size);
		size_t len = sizeof(src) - 1;
		size_t kept = len < size ? len : size - 1;

		assert_non_null(dst);
		assert_int_equal(gn_strlcpy(dst, src, size), len < size ? GN_OK : GN_ERR_TRUNCATED);
		assert_int_equal(strlen(dst), kept);
		assert_memory_equal(dst, src, kept);
		free(dst);
	}
}

static void str_eq_n_matches(void **state)
{
	char *raw = exact("rom_x", 3); /* "rom", no terminator */

	(void)state;
	assert_true(gn_str_eq_n(raw, 3, "rom"));
	assert_false(gn_str_eq_n(raw, 3, "ro"));
	assert_false(gn_str_eq_n(raw, 3, "roms"));
	assert_false(gn_str_eq_n(raw, 3, "rot"));
	assert_false(gn_str_eq_n(raw, 3, "Rom"));
	assert_true(gn_str_eq_n(raw, 2, "ro"));
	assert_false(gn_str_eq_n(raw, 2, "rom"));
	assert_true(gn_str_eq_n(raw, 0, ""));
	assert_false(gn_str_eq_n(raw, 0, "r"));
	assert_false(gn_str_eq_n(raw, 1, ""));
	assert_false(gn_str_eq_n("a\0c", 3, "a")); /* a NUL inside the n bytes is not the end */
	free(raw);
}

static void starts_and_ends_with(void **state)
{
	(void)state;
	assert_true(gn_str_starts_with("label_prefix", "label"));
	assert_true(gn_str_starts_with("label", "label"));
	assert_true(gn_str_starts_with("label", ""));
	assert_true(gn_str_starts_with("", ""));
	assert_false(gn_str_starts_with("lab", "label"));
	assert_false(gn_str_starts_with("label", "lAbel"));
	assert_false(gn_str_starts_with("", "a"));
	assert_false(gn_str_starts_with("xlabel", "label"));

	assert_true(gn_str_ends_with("init -> app", "app"));
	assert_true(gn_str_ends_with("app", "app"));
	assert_true(gn_str_ends_with("app", ""));
	assert_true(gn_str_ends_with("", ""));
	assert_false(gn_str_ends_with("pp", "app"));
	assert_false(gn_str_ends_with("init -> apx", "app"));
	assert_false(gn_str_ends_with("appx", "app"));
	assert_false(gn_str_ends_with("", "a"));
}

static void memchr_finds_first(void **state)
{
	char *raw = exact("abcabc\xff", 7);
	char const nul[5] = {'a', 'b', 0, 'c', 'd'};

	(void)state;
	assert_ptr_equal(gn_memchr(raw, 'b', 7), raw + 1);
	assert_ptr_equal(gn_memchr(raw, 'a', 7), raw);
	assert_ptr_equal(gn_memchr(raw, 'c', 2), NULL); /* 'c' lies beyond n */
	assert_ptr_equal(gn_memchr(raw, 'c', 3), raw + 2);
	assert_ptr_equal(gn_memchr(raw, 'z', 7), NULL);
	assert_ptr_equal(gn_memchr(raw, 'a', 0), NULL);
	assert_ptr_equal(gn_memchr(raw, 0xff, 7), raw + 6);
	assert_ptr_equal(gn_memchr(raw, -1, 7), raw + 6); /* c converts to unsigned char */
	assert_ptr_equal(gn_memchr(raw, 0x162, 7), raw + 1);
	assert_ptr_equal(gn_memchr(nul, 0, sizeof(nul)), nul + 2);
	assert_ptr_equal(gn_memchr(nul, 'd', sizeof(nul)), nul + 4); /* looks past a NUL */
	free(raw);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(memcpy_alignments),
		cmocka_unit_test(memmove_overlaps),
		cmocka_unit_test(memmove_disjoint),
		cmocka_unit_test(memset_fills_exactly),
		cmocka_unit_test(memcmp_sign),
		cmocka_unit_test(strlen_counts),
		cmocka_unit_test(strnlen_stops_at_max),
		cmocka_unit_test(strcmp_order),
		cmocka_unit_test(strncmp_bounded),
		cmocka_unit_test(strlcpy_truncates),
		cmocka_unit_test(strlcpy_never_writes_past),
		cmocka_unit_test(str_eq_n_matches),
		cmocka_unit_test(starts_and_ends_with),
		cmocka_unit_test(memchr_finds_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
