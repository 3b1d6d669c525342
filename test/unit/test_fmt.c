/*
 * gn_fmt, gn_vfmt and gn_fmt_buf: every conversion and flag against hand-written expectations and
 * against the host's snprintf, each output checked at every buffer size from 0 to past its length
 * (result, out_len, prefix, terminator, no write past the buffer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/fmt.h>

enum {
	GUARD = 0x5a,
	OUT_MAX = 512
};

/* Formats fmt at one buffer size and checks everything gn_vfmt promises against want. */
static void check_size(char const *want, size_t want_len, size_t size, char const *fmt, va_list ap)
{
	char guarded[OUT_MAX + 16];
	char *exact = malloc(size ? size : 1); /* ASan reports any write past size */
	size_t n = 0xdead, kept = want_len < size ? want_len : (size ? size - 1 : 0);
	gn_err_t want_err = want_len < size ? GN_OK : GN_ERR_TRUNCATED;
	gn_err_t err;
	va_list aq;

	assert_non_null(exact);
	assert_true(size <= OUT_MAX);
	va_copy(aq, ap);
	err = gn_vfmt(size ? exact : NULL, size, &n, fmt, aq);
	va_end(aq);
	if (err != want_err || n != want_len || (size && memcmp(exact, want, kept) != 0) ||
		(size && exact[kept] != 0)) {
		print_error("format \"%s\" size %zu: err %d n %zu, want err %d n %zu \"%s\"\n", fmt,
			size, err, n, want_err, want_len, want);
		fail();
	}
	free(exact);

	memset(guarded, GUARD, sizeof(guarded));
	va_copy(aq, ap);
	err = gn_vfmt(guarded, size, NULL, fmt, aq);
	va_end(aq);
	assert_int_equal(err, want_err);
	if (size)
		assert_memory_equal(guarded, want, kept);
	for (size_t i = size; i < sizeof(guarded); i++)
		if ((unsigned char)guarded[i] != GUARD) {
			print_error("format \"%s\" size %zu wrote byte %zu\n", fmt, size, i);
			fail();
		}
}

static void check_all_sizes(char const *want, size_t want_len, char const *fmt, va_list ap)
{
	assert_true(want_len + 3 <= OUT_MAX);
	for (size_t size = 0; size <= want_len + 2; size++)
		check_size(want, want_len, size, fmt, ap);
}

/* want may hold NUL bytes (from %c), hence the explicit length. */
static void expect_n(char const *want, size_t want_len, char const *fmt, ...) GN_PRINTF(3, 4);
static void expect_n(char const *want, size_t want_len, char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_all_sizes(want, want_len, fmt, ap);
	va_end(ap);
}

#define EXPECT(want, ...) expect_n(want, sizeof(want) - 1, __VA_ARGS__)

/* For formats the compiler's check rejects but gn_fmt defines (%s of NULL, '0' with %p, ...). */
static void expect_unchecked(char const *want, char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_all_sizes(want, strlen(want), fmt, ap);
	va_end(ap);
}

/* Compares with the host's vsnprintf at every size. */
static void vsame_as_libc(char const *fmt, va_list ap)
{
	char want[OUT_MAX];
	va_list aq;
	int len;

	va_copy(aq, ap);
	len = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	assert_true(len >= 0 && (size_t)len < sizeof(want));
	check_all_sizes(want, (size_t)len, fmt, ap);
}

static void same(char const *fmt, ...) GN_PRINTF(1, 2);
static void same(char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsame_as_libc(fmt, ap);
	va_end(ap);
}

/* For generated formats, which the compiler cannot check. */
static void same_unchecked(char const *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsame_as_libc(fmt, ap);
	va_end(ap);
}

/* gn_fmt for formats it must reject, hidden from the compiler's format check. */
static gn_err_t fmt_unchecked(char *buf, size_t size, size_t *out_len, char const *fmt, ...)
{
	va_list ap;
	gn_err_t err;

	va_start(ap, fmt);
	err = gn_vfmt(buf, size, out_len, fmt, ap);
	va_end(ap);
	return err;
}

static void literal_text(void **state)
{
	(void)state;
	expect_n("", 0, "%s", "");
	EXPECT("abc", "abc");
	EXPECT("100%", "100%%");
	EXPECT("%%", "%%%%");
	EXPECT("a%b", "a%%%s", "b");
	assert_int_equal(fmt_unchecked(NULL, 0, NULL, ""), GN_ERR_TRUNCATED);
}

static void strings(void **state)
{
	char *raw = malloc(4); /* no NUL: ASan catches a read past the precision */

	(void)state;
	assert_non_null(raw);
	memcpy(raw, "wxyz", 4);
	EXPECT("hello", "%s", "hello");
	EXPECT("   hi", "%5s", "hi");
	EXPECT("hi   |", "%-5s|", "hi");
	EXPECT("hello", "%3s", "hello");
	EXPECT("he", "%.2s", "hello");
	EXPECT("", "%.0s", "hello");
	EXPECT("hello", "%.9s", "hello");
	EXPECT("  he", "%4.2s", "hello");
	EXPECT("he  |", "%-4.2s|", "hello");
	EXPECT("wxyz", "%.*s", 4, raw);
	EXPECT("wx", "%.*s", 2, raw);
	EXPECT("  wxy", "%*.*s", 5, 3, raw);
	EXPECT("hi   |", "%*s|", -5, "hi");
	EXPECT("hello", "%.*s", -1, "hello");
	expect_unchecked("(null)", "%s", (char *)NULL);
	expect_unchecked("(nu", "%.3s", (char *)NULL);
	expect_unchecked("  (null)", "%8s", (char *)NULL);
	EXPECT("ab", "%.*s%s", 1, "ax", "b");
	free(raw);
}

static void chars(void **state)
{
	(void)state;
	EXPECT("x", "%c", 'x');
	EXPECT("  x", "%3c", 'x');
	EXPECT("x  |", "%-3c|", 'x');
	EXPECT("A", "%c", 0x141);
	EXPECT("\xff", "%c", -1);
	expect_n("a\0b", 3, "a%cb", 0);
	EXPECT("abc", "%c%c%c", 'a', 'b', 'c');
}

static void signed_ints(void **state)
{
	(void)state;
	EXPECT("0", "%d", 0);
	EXPECT("-1", "%d", -1);
	EXPECT("42", "%i", 42);
	EXPECT("-2147483648", "%d", INT_MIN);
	EXPECT("2147483647", "%i", INT_MAX);
	EXPECT("-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("9223372036854775807", "%lli", (long long)INT64_MAX);
	EXPECT("-1", "%zd", (ptrdiff_t)-1);
	EXPECT("-9223372036854775808", "%zd", (ptrdiff_t)PTRDIFF_MIN);
	EXPECT("-7", "%li", -7L);
}

static void unsigned_ints(void **state)
{
	(void)state;
	EXPECT("0", "%u", 0u);
	EXPECT("4294967295", "%u", UINT_MAX);
	EXPECT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("18446744073709551615", "%zu", (size_t)SIZE_MAX);
	EXPECT("0", "%x", 0u);
	EXPECT("deadbeef", "%x", 0xdeadbeefu);
	EXPECT("DEADBEEF", "%X", 0xdeadbeefu);
	EXPECT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	EXPECT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	EXPECT("FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
	EXPECT("8000000000000000", "%llx", 1ull << 63);
	EXPECT("1000", "%zx", (size_t)0x1000);
	EXPECT("ABC", "%zX", (size_t)0xabc);
}

static void pointers(void **state)
{
	(void)state;
	EXPECT("0x1234", "%p", (void *)0x1234);
	EXPECT("0x0", "%p", (void *)NULL);
	EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	EXPECT("    0x1234", "%10p", (void *)0x1234);
	EXPECT("0x1234    |", "%-10p|", (void *)0x1234);
	expect_unchecked("0x00001234", "%010p", (void *)0x1234);
	EXPECT("0xabc", "%2p", (void *)0xabc);
}

static void flags_and_width(void **state)
{
	(void)state;
	EXPECT("-0042", "%05d", -42);
	EXPECT("00042", "%05u", 42u);
	EXPECT("-42  |", "%-5d|", -42);
	expect_unchecked("-42  |", "%-05d|", -42);
	expect_unchecked("-42  |", "%0-5d|", -42);
	EXPECT("   -42", "%*d", 6, -42);
	EXPECT("-42   |", "%*d|", -6, -42);
	EXPECT("-42   |", "%0*d|", -6, -42);
	EXPECT("-00042", "%0*d", 6, -42);
	EXPECT("12345", "%03d", 12345);
	EXPECT("12345", "%5d", 12345);
	EXPECT(" 12345", "%6d", 12345);
	EXPECT("  042", "%5.3d", 42);
	expect_unchecked("  042", "%05.3d", 42);
	EXPECT(" -042", "%5.3d", -42);
	EXPECT("-042 |", "%-5.3d|", -42);
	EXPECT("00000042", "%.8x", 0x42u);
	EXPECT("00000042", "%.*x", 8, 0x42u);
	EXPECT("42", "%.*x", -8, 0x42u);
	EXPECT("", "%.0d", 0);
	EXPECT("", "%.d", 0);
	EXPECT("     ", "%5.0d", 0);
	expect_unchecked("     ", "%05.0x", 0u);
	EXPECT("1", "%.0x", 1u);
	EXPECT("0", "%0d", 0);
	EXPECT("000000000000000000000000000000ff", "%032llx", 255ull);
	EXPECT("-9223372036854775808     |", "%-25lld|", (long long)INT64_MIN);
	EXPECT("-00009223372036854775808", "%024lld", (long long)INT64_MIN);
	EXPECT("[  ab][ 3][-0004][ff  ]", "[%4s][%2d][%05d][%-4x]", "ab", 3, -4, 0xffu);
}

/* Padding to INT_MAX bytes is counted, not stored, and stops at the buffer's end. */
static void huge_width(void **state)
{
	char buf[16];
	size_t n = 0;

	(void)state;
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(gn_fmt(buf, 8, &n, "%*d", INT_MAX, 7), GN_ERR_TRUNCATED);
	assert_int_equal(n, INT_MAX);
	assert_string_equal(buf, "       ");
	assert_int_equal((unsigned char)buf[8], GUARD);
	assert_int_equal(gn_fmt(buf, 8, &n, "%.*d", INT_MAX, 7), GN_ERR_TRUNCATED);
	assert_int_equal(n, INT_MAX);
	assert_string_equal(buf, "0000000");
	assert_int_equal(
		fmt_unchecked(NULL, 0, &n, "%2147483647s|%2147483647s", "", ""), GN_ERR_TRUNCATED);
	assert_int_equal(n, 2ull * INT_MAX + 1);
	assert_int_equal(fmt_unchecked(buf, 8, &n, "ab%2147483648d", 1), GN_ERR_INVALID_ARG);
	assert_string_equal(buf, "ab");
	assert_int_equal(n, 2);
	assert_int_equal(fmt_unchecked(buf, 8, &n, "%.2147483648s", "x"), GN_ERR_INVALID_ARG);
	assert_int_equal(fmt_unchecked(buf, 8, &n, "%*d", INT_MIN, 1), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_fmt(buf, 8, &n, "%*d", INT_MIN + 1, 1), GN_ERR_TRUNCATED);
	assert_int_equal(n, INT_MAX);
	assert_string_equal(buf, "1      ");
}

static void small_buffers(void **state)
{
	char buf[4] = {'x', 'x', 'x', 'x'};
	size_t n = 99;

	(void)state;
	assert_int_equal(gn_fmt(NULL, 0, &n, "abc"), GN_ERR_TRUNCATED);
	assert_int_equal(n, 3);
	assert_int_equal(gn_fmt(buf, 0, &n, "abc"), GN_ERR_TRUNCATED);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(fmt_unchecked(buf, 0, &n, ""), GN_ERR_TRUNCATED); /* no room for the NUL */
	assert_int_equal(n, 0);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(gn_fmt(buf, 1, &n, "abc"), GN_ERR_TRUNCATED);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[1], 'x');
	assert_int_equal(n, 3);
	assert_int_equal(fmt_unchecked(buf, 1, &n, ""), GN_OK);
	assert_int_equal(n, 0);
	assert_int_equal(gn_fmt(NULL, 1, &n, "abc"), GN_ERR_INVALID_ARG);
	assert_int_equal(n, 0);
}

static void exact_fit_and_one_short(void **state)
{
	char buf[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(gn_fmt(buf, 6, &n, "%s", "hello"), GN_OK);
	assert_string_equal(buf, "hello");
	assert_int_equal(n, 5);
	assert_int_equal(gn_fmt(buf, 5, &n, "%s", "hello"), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "hell");
	assert_int_equal(n, 5);
	assert_int_equal(gn_fmt(buf, 5, &n, "%d", -123), GN_OK);
	assert_string_equal(buf, "-123");
	assert_int_equal(n, 4);
	assert_int_equal(gn_fmt(buf, 4, &n, "%d", -123), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "-12");
	assert_int_equal(n, 4);
	assert_int_equal(gn_fmt(buf, 4, NULL, "%d", 12345), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "123");
	assert_int_equal(gn_fmt(buf, 8, NULL, "%d", 12345), GN_OK);
	assert_string_equal(buf, "12345");
}

static void unknown_conversions(void **state)
{
	static char const *const bad[] = {"%q", "%hd", "%hhd", "%+d", "% d", "%#x", "%f", "%n",
		"%ls", "%lc", "%lp", "%zs", "%zc", "%llls", "%lf", "%.3c", "%.*p", "%jd", "%td",
		"%Lf", "%", "%5", "%-", "%.", "%.*", "%l", "%ll", "%z", "%5%", "%-%", "%.2%", "%l%",
		"%o", "%e", "%a", "%C", "%S", "%D", "%U", "%m", "%'d", "%I", "%1$d"};
	char buf[32];
	size_t n;

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(bad); i++) {
		char f[16];

		snprintf(f, sizeof(f), "ab%s", bad[i]);
		memset(buf, GUARD, sizeof(buf));
		n = 99;
		if (fmt_unchecked(buf, sizeof(buf), &n, f, 1, 2, 3) != GN_ERR_INVALID_ARG) {
			print_error("format \"%s\" accepted\n", f);
			fail();
		}
		assert_string_equal(buf, "ab");
		assert_int_equal(n, 2);
	}
	/* conversions before the bad one are kept, also when they were cut off */
	assert_int_equal(
		fmt_unchecked(buf, sizeof(buf), &n, "%d-%s-%q%d", 7, "x", 8), GN_ERR_INVALID_ARG);
	assert_string_equal(buf, "7-x-");
	assert_int_equal(n, 4);
	assert_int_equal(fmt_unchecked(buf, 3, &n, "abcdef%q"), GN_ERR_INVALID_ARG);
	assert_string_equal(buf, "ab");
	assert_int_equal(n, 6);
	assert_int_equal(fmt_unchecked(NULL, 0, &n, "abc%q"), GN_ERR_INVALID_ARG);
	assert_int_equal(n, 3);
	assert_int_equal(fmt_unchecked(buf, sizeof(buf), NULL, "%y"), GN_ERR_INVALID_ARG);
	assert_string_equal(buf, "");
	n = 99;
	memset(buf, GUARD, sizeof(buf));
	assert_int_equal(fmt_unchecked(buf, sizeof(buf), &n, NULL), GN_ERR_INVALID_ARG);
	assert_string_equal(buf, "");
	assert_int_equal(n, 0);
}

/* A table of formats compared with the host's snprintf. */
static void table_against_libc(void **state)
{
	static int const ints[] = {0, 1, -1, 9, 10, -10, 99, 100, 12345, -12345, INT_MAX, INT_MIN};
	static long long const lls[] = {0, 1, -1, 255, 256, 0x7fffffff, -0x80000000ll, INT64_MAX,
		INT64_MIN, 1000000000000ll, -999999999999ll};
	static char const *const strs[] = {"", "a", "hello", "a longer string, with spaces"};
	static char const *const int_fmts[] = {"%d", "%i", "%5d", "%-5d|", "%05d", "%.3d", "%8.3d",
		"%-8.3d|", "%08.3d", "%.0d", "%1d", "%012d", "%-012d|", "%u", "%x", "%X", "%08x",
		"%-8X|", "%.5u", "%12u", "%.0x", "%4.0u"};

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(ints); i++) {
		for (size_t f = 0; f < GN_ARRAY_SIZE(int_fmts); f++)
			same_unchecked(int_fmts[f], ints[i]);
		same("%*d|%-*d|%0*d", 7, ints[i], 7, ints[i], 7, ints[i]);
		same("%.*d|%*.*d", 6, ints[i], 9, 4, ints[i]);
		same("%c|%3c|%-3c|", ints[i] & 0x7f ? ints[i] & 0x7f : 'z', 'q', 'r');
	}
	for (size_t i = 0; i < GN_ARRAY_SIZE(lls); i++) {
		long long v = lls[i];
		unsigned long long u = (unsigned long long)v;

		same("%lld %lli %llu %llx %llX", v, v, u, u, u);
		same("%ld %li %lu %lx %lX", (long)v, (long)v, (unsigned long)u, (unsigned long)u,
			(unsigned long)u);
		same("%zd %zi %zu %zx %zX", (ptrdiff_t)v, (ptrdiff_t)v, (size_t)u, (size_t)u,
			(size_t)u);
		same("[%25lld][%-25lld][%025lld][%.22lld][%26.22lld]", v, v, v, v, v);
		same("[%20llx][%-20llu][%020llX][%.18llx]", u, u, u, u);
		same("%p %20p %-20p|", (void *)(uintptr_t)(u | 1), (void *)(uintptr_t)(u | 1),
			(void *)(uintptr_t)(u | 1));
	}
	for (size_t i = 0; i < GN_ARRAY_SIZE(strs); i++) {
		char const *s = strs[i];

		same("%s|%10s|%-10s|%.3s|%10.3s|%-10.3s|%.0s|%.40s", s, s, s, s, s, s, s, s);
		same("%*s|%-*s|%.*s|%*.*s", 12, s, 12, s, 2, s, -12, 4, s);
	}
	same("%%|%5d%%|%-3s%%|%c%%", 5, "x", 'y');
	same("%s=%d (%s), %zu bytes at %p", "ram", 42, "ok", (size_t)4096, (void *)0x7fff1000);
	same("label=\"%s\" ram_quota=%zuK cap_quota=%u", "init -> app", (size_t)8, 4u);
}

/* xorshift64*: reproducible across hosts, unlike rand(). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A value to be cast to the argument's type: edges and small numbers more often than chance. */
static uint64_t rnd_value(void)
{
	static uint64_t const edges[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
		INT64_MAX, (uint64_t)INT64_MIN, UINT64_MAX, 10, 99, 100, 1000000};

	switch (below(4)) {
	case 0: return edges[below(GN_ARRAY_SIZE(edges))];
	case 1: return rnd() % 1000;
	case 2: return 0 - rnd() % 1000; /* small negative */
	default: return rnd() >> below(64);
	}
}

static size_t rnd_text(char *out)
{
	static char const set[] = "ab =:[]-0";
	size_t n = below(4);

	for (size_t i = 0; i < n; i++)
		out[i] = set[below(sizeof(set) - 1)];
	if (below(8) == 0) {
		out[n++] = '%';
		out[n++] = '%';
	}
	return n;
}

typedef struct {
	char const *conv;
	char kind; /* i int, u unsigned, l long, L unsigned long, q long long, Q unsigned long long,
	            * z ptrdiff_t, Z size_t, s string, c char, p pointer */
} conv_t;

static conv_t const convs[] = {{"d", 'i'}, {"i", 'i'}, {"u", 'u'}, {"x", 'u'}, {"X", 'u'},
	{"ld", 'l'}, {"li", 'l'}, {"lu", 'L'}, {"lx", 'L'}, {"lX", 'L'}, {"lld", 'q'}, {"lli", 'q'},
	{"llu", 'Q'}, {"llx", 'Q'}, {"llX", 'Q'}, {"zd", 'z'}, {"zi", 'z'}, {"zu", 'Z'},
	{"zx", 'Z'}, {"zX", 'Z'}, {"s", 's'}, {"c", 'c'}, {"p", 'p'}};

/*
 * Appends flags, width and precision for a conversion of the given kind, in the ranges where C
 * defines the result; the '*' values go to stars[] and their count is returned.
 */
static int rnd_spec(char *f, size_t *at, char kind, int *stars)
{
	int nstars = 0;
	unsigned prec;
	bool num = kind != 's' && kind != 'c' && kind != 'p';

	for (unsigned i = below(3); i > 0; i--)
		f[(*at)++] = (num || kind == 'p') && below(2) ? '0' : '-';
	if (below(3) == 1) {
		*at += (size_t)sprintf(f + *at, "%u", 1 + below(30));
	} else if (below(2)) {
		f[(*at)++] = '*';
		stars[nstars++] = (int)below(61) - 30;
	}
	if (kind == 'c' || kind == 'p')
		return nstars;
	prec = below(4);
	if (prec == 1) {
		f[(*at)++] = '.';
	} else if (prec == 2) {
		*at += (size_t)sprintf(f + *at, ".%u", below(26));
	} else if (prec == 3) {
		*at += (size_t)sprintf(f + *at, ".*");
		stars[nstars++] = (int)below(31) - 5; /* negative: as if there were no precision */
	}
	return nstars;
}

/* Calls same_unchecked with the '*' arguments first, then the value. */
#define CALL_WITH_STARS(f, n, stars, value)                               \
	do {                                                              \
		if ((n) == 0)                                             \
			same_unchecked(f, value);                         \
		else if ((n) == 1)                                        \
			same_unchecked(f, (stars)[0], value);             \
		else                                                      \
			same_unchecked(f, (stars)[0], (stars)[1], value); \
	} while (0)

/* One conversion of any type per format, with text around it. */
static void random_single_against_libc(void **state)
{
	static char const *const strs[] = {"", "x", "gneiss", "init -> app -> config", "%d"};

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		conv_t const *c = &convs[below(GN_ARRAY_SIZE(convs))];
		char f[64];
		int stars[2];
		size_t at = rnd_text(f);
		int n;
		uint64_t v = rnd_value();

		f[at++] = '%';
		n = rnd_spec(f, &at, c->kind, stars);
		at += (size_t)sprintf(f + at, "%s", c->conv);
		at += rnd_text(f + at);
		f[at] = 0;
		switch (c->kind) {
		case 'i': CALL_WITH_STARS(f, n, stars, (int)v); break;
		case 'u': CALL_WITH_STARS(f, n, stars, (unsigned)v); break;
		case 'l': CALL_WITH_STARS(f, n, stars, (long)v); break;
		case 'L': CALL_WITH_STARS(f, n, stars, (unsigned long)v); break;
		case 'q': CALL_WITH_STARS(f, n, stars, (long long)v); break;
		case 'Q': CALL_WITH_STARS(f, n, stars, (unsigned long long)v); break;
		case 'z': CALL_WITH_STARS(f, n, stars, (ptrdiff_t)v); break;
		case 'Z': CALL_WITH_STARS(f, n, stars, (size_t)v); break;
		case 's': CALL_WITH_STARS(f, n, stars, strs[v % GN_ARRAY_SIZE(strs)]); break;
		case 'c': CALL_WITH_STARS(f, n, stars, (int)(v & 0xff)); break;
		default: CALL_WITH_STARS(f, n, stars, (void *)(uintptr_t)(v | 1)); break;
		}
	}
}

/* Several int conversions per format; every argument is an int, so any count can be passed. */
static void random_multi_against_libc(void **state)
{
	static char const int_convs[] = "diuxXc";

	(void)state;
	for (int iter = 0; iter < 5000; iter++) {
		char f[160];
		int a[12] = {0};
		size_t at = 0;
		int used = 0;

		for (unsigned k = 1 + below(4); k > 0; k--) {
			char conv = int_convs[below(sizeof(int_convs) - 1)];
			int stars[2];
			int n;

			at += rnd_text(f + at);
			f[at++] = '%';
			n = rnd_spec(f, &at, conv == 'c' ? 'c' : 'i', stars);
			for (int s = 0; s < n; s++)
				a[used++] = stars[s];
			f[at++] = conv;
			a[used] = (int)rnd_value();
			if (conv == 'u' || conv == 'x' || conv == 'X')
				a[used] &= INT_MAX; /* representable as int and as unsigned */
			used++;
		}
		f[at] = 0;
		same_unchecked(f, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
			a[11]);
	}
}

static gn_err_t vfmt_twice(char *buf, size_t size, char const *fmt, ...) GN_PRINTF(3, 4);
static gn_err_t vfmt_twice(char *buf, size_t size, char const *fmt, ...)
{
	va_list ap;
	gn_err_t err;
	size_t half = size / 2;

	va_start(ap, fmt);
	err = gn_vfmt(buf, half, NULL, fmt, ap);
	if (err == GN_OK)
		err = gn_vfmt(buf + half, size - half, NULL, fmt, ap);
	va_end(ap);
	return err;
}

/* gn_vfmt reads a copy of the caller's va_list, so the caller can pass it again. */
static void vfmt_leaves_va_list(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(vfmt_twice(buf, sizeof(buf), "%d,%s", 12, "ab"), GN_OK);
	assert_string_equal(buf, "12,ab");
	assert_string_equal(buf + 16, "12,ab");
}

static gn_err_t vappend(gn_fmt_buf_t *b, char const *fmt, ...) GN_PRINTF(2, 3);
static gn_err_t vappend(gn_fmt_buf_t *b, char const *fmt, ...)
{
	va_list ap;
	gn_err_t err;

	va_start(ap, fmt);
	err = gn_fmt_buf_vappend(b, fmt, ap);
	va_end(ap);
	return err;
}

static gn_err_t append_unchecked(gn_fmt_buf_t *b, char const *fmt, ...)
{
	va_list ap;
	gn_err_t err;

	va_start(ap, fmt);
	err = gn_fmt_buf_vappend(b, fmt, ap);
	va_end(ap);
	return err;
}

static void buf_appends(void **state)
{
	char mem[12];
	gn_fmt_buf_t b;

	(void)state;
	memset(mem, GUARD, sizeof(mem));
	gn_fmt_buf_init(&b, mem, 10);
	assert_ptr_equal(b.buf, mem);
	assert_int_equal(b.size, 10);
	assert_int_equal(b.len, 0);
	assert_false(b.truncated);
	assert_string_equal(mem, "");
	assert_int_equal(gn_fmt_buf_append(&b, "%s=", "ram"), GN_OK);
	assert_int_equal(vappend(&b, "%d", 42), GN_OK);
	assert_int_equal(append_unchecked(&b, ""), GN_OK);
	assert_string_equal(mem, "ram=42");
	assert_int_equal(b.len, 6);
	assert_int_equal(gn_fmt_buf_append(&b, "%s", "abc"), GN_OK); /* exactly fills */
	assert_int_equal(b.len, 9);
	assert_false(b.truncated);
	assert_int_equal(append_unchecked(&b, ""), GN_OK);
	assert_int_equal(gn_fmt_buf_append(&b, "%c", 'x'), GN_ERR_TRUNCATED);
	assert_true(b.truncated);
	assert_int_equal(b.len, 9);
	assert_string_equal(mem, "ram=42abc");
	assert_int_equal((unsigned char)mem[10], GUARD);
}

static void buf_truncation_is_sticky(void **state)
{
	char mem[8];
	gn_fmt_buf_t b;

	(void)state;
	gn_fmt_buf_init(&b, mem, sizeof(mem));
	assert_int_equal(gn_fmt_buf_append(&b, "%s", "abc"), GN_OK);
	assert_int_equal(gn_fmt_buf_append(&b, "%s", "defghij"), GN_ERR_TRUNCATED);
	assert_true(b.truncated);
	assert_int_equal(b.len, 7);
	assert_string_equal(mem, "abcdefg");
	mem[3] = 'X'; /* later appends must not touch the buffer */
	assert_int_equal(append_unchecked(&b, ""), GN_ERR_TRUNCATED);
	assert_int_equal(gn_fmt_buf_append(&b, "%d", 1), GN_ERR_TRUNCATED);
	assert_string_equal(mem, "abcXefg");
	assert_int_equal(b.len, 7);
	assert_true(b.truncated);
}

static void buf_invalid_format_leaves_line(void **state)
{
	char mem[16];
	gn_fmt_buf_t b;

	(void)state;
	gn_fmt_buf_init(&b, mem, sizeof(mem));
	assert_int_equal(gn_fmt_buf_append(&b, "%s", "ab"), GN_OK);
	assert_int_equal(append_unchecked(&b, "cd%qef"), GN_ERR_INVALID_ARG);
	assert_string_equal(mem, "ab");
	assert_int_equal(b.len, 2);
	assert_false(b.truncated);
	assert_int_equal(append_unchecked(&b, NULL), GN_ERR_INVALID_ARG);
	assert_string_equal(mem, "ab");
	assert_int_equal(gn_fmt_buf_append(&b, "%d", 3), GN_OK);
	assert_string_equal(mem, "ab3");
}

static void buf_tiny(void **state)
{
	char one = 'x';
	gn_fmt_buf_t b;

	(void)state;
	gn_fmt_buf_init(&b, NULL, 0);
	assert_int_equal(append_unchecked(&b, ""), GN_OK);
	assert_false(b.truncated);
	assert_int_equal(gn_fmt_buf_append(&b, "%c", 'a'), GN_ERR_TRUNCATED);
	assert_true(b.truncated);
	assert_int_equal(b.len, 0);

	gn_fmt_buf_init(&b, &one, 1);
	assert_int_equal(one, 0);
	assert_int_equal(append_unchecked(&b, ""), GN_OK);
	assert_int_equal(gn_fmt_buf_append(&b, "%s", "a"), GN_ERR_TRUNCATED);
	assert_int_equal(one, 0);
	assert_int_equal(b.len, 0);
	assert_true(b.truncated);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(literal_text),
		cmocka_unit_test(strings),
		cmocka_unit_test(chars),
		cmocka_unit_test(signed_ints),
		cmocka_unit_test(unsigned_ints),
		cmocka_unit_test(pointers),
		cmocka_unit_test(flags_and_width),
		cmocka_unit_test(huge_width),
		cmocka_unit_test(small_buffers),
		cmocka_unit_test(exact_fit_and_one_short),
		cmocka_unit_test(unknown_conversions),
		cmocka_unit_test(table_against_libc),
		cmocka_unit_test(random_single_against_libc),
		cmocka_unit_test(random_multi_against_libc),
		cmocka_unit_test(vfmt_leaves_va_list),
		cmocka_unit_test(buf_appends),
		cmocka_unit_test(buf_truncation_is_sticky),
		cmocka_unit_test(buf_invalid_format_leaves_line),
		cmocka_unit_test(buf_tiny),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
