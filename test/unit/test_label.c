/* Session labels, session-argument strings and policy selection (gneiss/label.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <gneiss/label.h>

/* A string of n copies of c (n < 400). */
static char const *repeat(char c, size_t n)
{
	static char buf[400];

	assert_true(n < sizeof(buf));
	memset(buf, c, n);
	buf[n] = 0;
	return buf;
}

/* ---- labels ------------------------------------------------------------------------------------ */

static void prefix_joins_with_separator(void **state)
{
	char buf[GN_LABEL_MAX];

	(void)state;
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), "init", "timer"), GN_OK);
	assert_string_equal(buf, "init -> timer");
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), "init", "app -> config"), GN_OK);
	assert_string_equal(buf, "init -> app -> config");
}

static void prefix_with_empty_parts(void **state)
{
	char buf[GN_LABEL_MAX];

	(void)state;
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), "client", ""), GN_OK);
	assert_string_equal(buf, "client");
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), "", "x"), GN_OK);
	assert_string_equal(buf, "x");
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), "", ""), GN_OK);
	assert_string_equal(buf, "");
}

static void prefix_truncation(void **state)
{
	char buf[GN_LABEL_MAX + 40], child[200];

	(void)state;
	/* 151 + 4 + 4 = 159 characters: the longest label */
	strcpy(child, repeat('c', 151));
	assert_int_equal(gn_label_prefix(buf, GN_LABEL_MAX, "init", child), GN_OK);
	assert_int_equal(strlen(buf), GN_LABEL_MAX - 1);
	assert_memory_equal(buf, "init -> ccc", 11);
	/* one more does not fit, even in a bigger buffer: GN_LABEL_MAX is the limit */
	strcpy(child, repeat('c', 152));
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), "init", child), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "");
	/* the buffer given is the limit when it is smaller */
	assert_int_equal(gn_label_prefix(buf, 9, "init", "abcd"), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "");
	assert_int_equal(gn_label_prefix(buf, 12, "init", "abcd"), GN_ERR_TRUNCATED);
	assert_int_equal(gn_label_prefix(buf, 13, "init", "abcd"), GN_OK);
	assert_string_equal(buf, "init -> abcd");
	/* a size of 0 writes nothing */
	buf[0] = 'q';
	assert_int_equal(gn_label_prefix(buf, 0, "", ""), GN_ERR_TRUNCATED);
	assert_int_equal(buf[0], 'q');
	/* inputs longer than any label are never read to their end */
	strcpy(child, repeat('d', 199));
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), child, ""), GN_ERR_TRUNCATED);
}

static void prefix_in_place(void **state)
{
	char buf[GN_LABEL_MAX] = "x -> y";

	(void)state;
	assert_int_equal(gn_label_prefix(buf, sizeof(buf), "app", buf), GN_OK);
	assert_string_equal(buf, "app -> x -> y");
}

/* Checks last element and first part of label. */
static void expect_split(char const *label, char const *first, char const *last)
{
	size_t len = strlen(label), last_len;
	char const *l = gn_label_last(label, len, &last_len);

	assert_int_equal(last_len, strlen(last));
	assert_memory_equal(l, last, last_len);
	assert_true(l >= label && l + last_len == label + len);
	assert_int_equal(gn_label_first(label, len), strlen(first));
	assert_memory_equal(label, first, strlen(first));
}

static void last_and_first_elements(void **state)
{
	(void)state;
	expect_split("init -> app -> config", "init -> app", "config");
	expect_split("init -> app", "init", "app");
	expect_split("config", "", "config");
	expect_split("", "", "");
	expect_split("app -> ", "app", "");
	expect_split(" -> x", "", "x");
	expect_split(" -> ", "", "");
	expect_split("a ->  -> b", "a -> ", "b");
	/* "->" without both spaces is no separator */
	expect_split("a->b", "", "a->b");
	expect_split("a ->b", "", "a ->b");
	expect_split("a-> b", "", "a-> b");
	expect_split("x -> a->b", "x", "a->b");
	expect_split("abc", "", "abc");
	expect_split("->", "", "->");
}

static void skip_prefix(void **state)
{
	char const *label = "init -> app -> config";
	size_t rest_len = 99;
	char const *rest;

	(void)state;
	rest = gn_label_skip_prefix(label, strlen(label), "init", 4, &rest_len);
	assert_ptr_equal(rest, label + 8);
	assert_int_equal(rest_len, strlen("app -> config"));
	rest = gn_label_skip_prefix("init", 4, "init", 4, &rest_len);
	assert_non_null(rest);
	assert_int_equal(rest_len, 0);
	assert_null(gn_label_skip_prefix("initx -> y", 10, "init", 4, &rest_len));
	assert_int_equal(rest_len, 0);
	assert_null(gn_label_skip_prefix("init->y", 7, "init", 4, &rest_len));
	assert_null(gn_label_skip_prefix("init -", 6, "init", 4, &rest_len));
	assert_null(gn_label_skip_prefix("ini", 3, "init", 4, &rest_len));
	assert_null(gn_label_skip_prefix("app -> init -> x", 16, "init", 4, &rest_len));
	rest = gn_label_skip_prefix("x -> y", 6, "", 0, &rest_len);
	assert_int_equal(rest_len, 6);
	assert_memory_equal(rest, "x -> y", 6);
}

static void skip_prefix_undoes_prefix(void **state)
{
	char const *children[] = {"x", "", "a -> b", "a->b", " -> "};
	char buf[GN_LABEL_MAX];
	size_t rest_len;

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(children); i++) {
		char const *rest;

		assert_int_equal(gn_label_prefix(buf, sizeof(buf), "parent", children[i]), GN_OK);
		rest = gn_label_skip_prefix(buf, strlen(buf), "parent", 6, &rest_len);
		assert_non_null(rest);
		assert_int_equal(rest_len, strlen(children[i]));
		assert_memory_equal(rest, children[i], rest_len);
	}
}

static void matching(void **state)
{
	char const *l = "init -> application -> log";
	size_t n = strlen(l);

	(void)state;
	assert_true(gn_label_matches_exact(l, n, l, n));
	assert_false(gn_label_matches_exact(l, n, l, n - 1));
	assert_false(gn_label_matches_exact(l, n - 1, l, n));
	assert_true(gn_label_matches_exact("", 0, "", 0));
	/* prefixes and suffixes are byte-wise, not whole elements */
	assert_true(gn_label_matches_prefix(l, n, "init -> app", 11));
	assert_true(gn_label_matches_prefix(l, n, "", 0));
	assert_true(gn_label_matches_prefix(l, n, l, n));
	assert_false(gn_label_matches_prefix(l, n, "init -> b", 9));
	assert_false(gn_label_matches_prefix("in", 2, "init", 4));
	assert_true(gn_label_matches_suffix(l, n, "og", 2));
	assert_true(gn_label_matches_suffix(l, n, "", 0));
	assert_false(gn_label_matches_suffix(l, n, "lo", 2));
	assert_false(gn_label_matches_suffix("og", 2, "log", 3));
	assert_true(gn_label_matches_last(l, n, "log", 3));
	assert_false(gn_label_matches_last(l, n, "og", 2));
	assert_false(gn_label_matches_last(l, n, "application -> log", 18));
	assert_true(gn_label_matches_last("a->b", 4, "a->b", 4));
	assert_false(gn_label_matches_last("a->b", 4, "b", 1));
	assert_true(gn_label_matches_last("x -> ", 5, "", 0));
}

/* ---- session arguments: syntax ----------------------------------------------------------------- */

static void check_accepts_well_formed(void **state)
{
	char const *good[] = {
		"",
		"   ",
		"ram_quota=8K, cap_quota=4, label=\"x -> y\"",
		"a=1,b=2",
		" a = 1 ,\tb=\"x\"\n, _c9=y ",
		"label=\"\"",
		"label=\"say \\\"hi\\\"\"",
		"label=\"back\\slash\"",
		"label=\"\xc3\xa4\"",
		"k=-1",
		"k=a.b/c:d-e",
	};

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(good); i++)
		assert_int_equal(gn_args_check(good[i]), GN_OK);
}

static void check_rejects_malformed(void **state)
{
	char const *bad[] = {
		"a",
		"a=",
		"a= ",
		"=1",
		"1a=2",
		"a=1,",
		",a=1",
		"a=1,,b=2",
		"a=1 b=2",
		"a=1;b=2",
		"a=\"unterminated",
		"a=\"escaped end\\\"",
		"a=\"x\"y",
		"a=x\"y\"",
		"a=\"x\" \"y\"",
		"a=1, a=2",
		"a=1, b=2, a=\"1\"",
		"a=\"line\nbreak\"",
		"a=\"tab\there\"",
		"a=\"del\x7f\"",
		"a-b=1",
		"a=\x01",
		"a=x\x80",
		"a:1",
		"a=b=c",
		"a=x@y",
		"a=x'y'",
		"a=(1)",
	};

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(bad); i++)
		if (gn_args_check(bad[i]) != GN_ERR_INVALID_ARG)
			fail_msg("accepted: %s", bad[i]);
}

static void check_bounds_the_length(void **state)
{
	char buf[GN_ARGS_MAX + 1];

	(void)state;
	/* "k=" plus 157 bytes: 159 characters and the NUL, exactly the wire limit */
	snprintf(buf, sizeof(buf), "k=%s", repeat('v', GN_ARGS_MAX - 3));
	assert_int_equal(strlen(buf), GN_ARGS_MAX - 1);
	assert_int_equal(gn_args_check(buf), GN_OK);
	/* one more and no NUL within the limit: rejected without reading further */
	snprintf(buf, sizeof(buf), "k=%s", repeat('v', GN_ARGS_MAX - 2));
	assert_int_equal(gn_args_check(buf), GN_ERR_INVALID_ARG);
}

/* ---- session arguments: numbers ---------------------------------------------------------------- */

static gn_err_t num(char const *args, uint64_t *v)
{
	return gn_args_get_num(args, "n", v);
}

static void numbers_with_suffixes(void **state)
{
	struct {
		char const *args;
		uint64_t want;
	} const good[] = {
		{"n=0", 0},
		{"n=123", 123},
		{"n=8K", 8192},
		{"n=2M", 2 * 1024 * 1024},
		{"n=3G", 3ull << 30},
		{"n=0x1000", 0x1000},
		{"n=0XfF", 255},
		{"n=0x10K", 16 * 1024},
		{"n=+5", 5},
		{"n = 7 ", 7},
		{"a=\"x\", n=1, b=2", 1},
		{"n=007", 7},
		{"n=18446744073709551615", UINT64_MAX},
		{"n=0xffffffffffffffff", UINT64_MAX},
		{"n=17179869183G", 17179869183ull << 30},
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(good); i++) {
		v = 42;
		assert_int_equal(num(good[i].args, &v), GN_OK);
		assert_int_equal(v, good[i].want);
	}
}

static void numbers_malformed_or_absent(void **state)
{
	char const *bad[] = {
		"n=-1",
		"n=8k",
		"n=8KB",
		"n=8T",
		"n=0x",
		"n=0xg",
		"n=x",
		"n=+",
		"n=K",
		"n=1.5",
		"n=\"8\"",
		"n=18446744073709551616",
		"n=0x10000000000000000",
		"n=17179869184G",
		"n=16777216T",
		"n=1, n=2",
		"n=1,",
	};
	uint64_t v = 42;

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(bad); i++)
		if (num(bad[i], &v) != GN_ERR_INVALID_ARG)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(v, 42);
	assert_int_equal(num("", &v), GN_ERR_NOT_FOUND);
	assert_int_equal(num("nn=1, m=2", &v), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_args_get_num("ram_quota=1", "ram", &v), GN_ERR_NOT_FOUND);
	assert_int_equal(gn_args_get_num("a=1", "1a", &v), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_args_get_num("a=1", "", &v), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_args_get_num("a=1", "a b", &v), GN_ERR_INVALID_ARG);
	/* a key no argument string could hold, or without NUL within the limit (found by fuzzing) */
	assert_int_equal(gn_args_get_num("a=1", repeat('k', GN_ARGS_MAX), &v), GN_ERR_INVALID_ARG);
	assert_int_equal(
		gn_args_get_num("a=1", repeat('k', GN_ARGS_MAX - 1), &v), GN_ERR_NOT_FOUND);
	assert_int_equal(v, 42);
}

/* ---- session arguments: strings ---------------------------------------------------------------- */

static void strings_unquoted_and_quoted(void **state)
{
	struct {
		char const *args;
		char const *want;
	} const good[] = {
		{"s=\"x -> y\"", "x -> y"},
		{"s=\"\"", ""},
		{"s=plain", "plain"},
		{"s=foo-bar.1", "foo-bar.1"},
		{"s=8K", "8K"},
		{"s=\"say \\\"hi\\\"\"", "say \"hi\""},
		{"s=\"a\\b\"", "a\\b"},
		{"s=\"\\\\\"\"", "\\\""},
		{"s=\"\\\"\"", "\""},
		{"s=\"a,b=c\"", "a,b=c"},
		{"t=1, s = \"v\" , u=2", "v"},
	};
	char buf[GN_ARGS_MAX];

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(good); i++) {
		assert_int_equal(gn_args_get_string(good[i].args, "s", buf, sizeof(buf)), GN_OK);
		assert_string_equal(buf, good[i].want);
	}
}

static void strings_errors_and_truncation(void **state)
{
	char buf[8];

	(void)state;
	strcpy(buf, "junk");
	assert_int_equal(gn_args_get_string("t=1", "s", buf, sizeof(buf)), GN_ERR_NOT_FOUND);
	assert_string_equal(buf, "");
	strcpy(buf, "junk");
	assert_int_equal(gn_args_get_string("s=\"x", "s", buf, sizeof(buf)), GN_ERR_INVALID_ARG);
	assert_string_equal(buf, "");
	assert_int_equal(gn_args_get_string("s=x", "s s", buf, sizeof(buf)), GN_ERR_INVALID_ARG);
	/* 7 characters fit 8 bytes, 8 do not; escapes count decoded */
	assert_int_equal(gn_args_get_string("s=\"1234567\"", "s", buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, "1234567");
	assert_int_equal(
		gn_args_get_string("s=\"12345678\"", "s", buf, sizeof(buf)), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "");
	assert_int_equal(gn_args_get_string("s=\"\\\"\\\"\\\"4567\"", "s", buf, 8), GN_OK);
	assert_string_equal(buf, "\"\"\"4567");
	assert_int_equal(gn_args_get_string("s=12345678", "s", buf, sizeof(buf)), GN_ERR_TRUNCATED);
	assert_int_equal(gn_args_get_string("s=\"\"", "s", buf, 1), GN_OK);
	assert_string_equal(buf, "");
	buf[0] = 'q';
	assert_int_equal(gn_args_get_string("s=\"\"", "s", buf, 0), GN_ERR_TRUNCATED);
	assert_int_equal(buf[0], 'q');
}

static void label_argument(void **state)
{
	char buf[GN_LABEL_MAX];

	(void)state;
	assert_int_equal(
		gn_args_get_label("ram_quota=8K, label=\"a -> b\"", buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, "a -> b");
	strcpy(buf, "junk");
	assert_int_equal(gn_args_get_label("ram_quota=8K", buf, sizeof(buf)), GN_OK);
	assert_string_equal(buf, "");
	assert_int_equal(gn_args_get_label("label=\"abc\"", buf, 3), GN_ERR_TRUNCATED);
	assert_string_equal(buf, "");
	assert_int_equal(gn_args_get_label("label=\"x\", label=\"y\"", buf, sizeof(buf)),
		GN_ERR_INVALID_ARG);
	assert_int_equal(gn_args_get_label("label=x", buf, 0), GN_ERR_TRUNCATED);
	assert_int_equal(gn_args_get_label("", buf, 0), GN_ERR_TRUNCATED);
}

/* ---- session arguments: rewriting -------------------------------------------------------------- */

static void set_string_replaces_and_appends(void **state)
{
	char args[GN_ARGS_MAX] = "ram_quota=8K, label=\"x\", cap_quota=4";

	(void)state;
	assert_int_equal(gn_args_set_string(args, sizeof(args), "label", "init -> x"), GN_OK);
	assert_string_equal(args, "ram_quota=8K, cap_quota=4, label=\"init -> x\"");
	assert_int_equal(gn_args_set_string(args, sizeof(args), "diag", "yes"), GN_OK);
	assert_string_equal(args, "ram_quota=8K, cap_quota=4, label=\"init -> x\", diag=\"yes\"");
	strcpy(args, "");
	assert_int_equal(gn_args_set_string(args, sizeof(args), "label", ""), GN_OK);
	assert_string_equal(args, "label=\"\"");
	strcpy(args, " a = 1 ,b=\"2\"  ");
	assert_int_equal(gn_args_set_string(args, sizeof(args), "c", "3"), GN_OK);
	assert_string_equal(args, "a = 1, b=\"2\", c=\"3\"");
}

static void set_string_escapes_quotes(void **state)
{
	char const *values[] = {"say \"hi\"", "\"", "a\\b", "\\\"", "a\\\\\"b", "", "x -> y"};
	char args[GN_ARGS_MAX], out[GN_ARGS_MAX];

	(void)state;
	for (size_t i = 0; i < GN_ARRAY_SIZE(values); i++) {
		strcpy(args, "ram_quota=1");
		assert_int_equal(gn_args_set_string(args, sizeof(args), "label", values[i]), GN_OK);
		assert_int_equal(gn_args_check(args), GN_OK);
		assert_int_equal(gn_args_get_string(args, "label", out, sizeof(out)), GN_OK);
		assert_string_equal(out, values[i]);
	}
	strcpy(args, "");
	assert_int_equal(gn_args_set_string(args, sizeof(args), "s", "a\"b"), GN_OK);
	assert_string_equal(args, "s=\"a\\\"b\"");
}

static void set_string_rejects_and_leaves_args_unchanged(void **state)
{
	char args[GN_ARGS_MAX] = "a=1, label=\"x\"";
	char small[16] = "a=1";

	(void)state;
	assert_int_equal(
		gn_args_set_string(args, sizeof(args), "label", "ends in \\"), GN_ERR_INVALID_ARG);
	assert_int_equal(
		gn_args_set_string(args, sizeof(args), "label", "new\nline"), GN_ERR_INVALID_ARG);
	assert_int_equal(
		gn_args_set_string(args, sizeof(args), "bad key", "x"), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_args_set_string(args, sizeof(args), "", "x"), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_args_set_string(args, sizeof(args), repeat('k', GN_ARGS_MAX), "x"),
		GN_ERR_INVALID_ARG);
	assert_int_equal(
		gn_args_remove(args, sizeof(args), repeat('k', GN_ARGS_MAX)), GN_ERR_INVALID_ARG);
	assert_string_equal(args, "a=1, label=\"x\"");
	/* "a=1, s=\"" + 6 + "\"" = 15 characters fit 16 bytes, 7 do not */
	assert_int_equal(
		gn_args_set_string(small, sizeof(small), "s", "1234567"), GN_ERR_TRUNCATED);
	assert_string_equal(small, "a=1");
	assert_int_equal(gn_args_set_string(small, sizeof(small), "s", "123456"), GN_OK);
	assert_string_equal(small, "a=1, s=\"123456\"");
	/* the string must be terminated within the buffer given */
	memset(small, 'a', sizeof(small));
	assert_int_equal(gn_args_set_string(small, sizeof(small), "s", "x"), GN_ERR_INVALID_ARG);
	strcpy(args, "a=1, a=2");
	assert_int_equal(gn_args_set_string(args, sizeof(args), "a", "x"), GN_ERR_INVALID_ARG);
	assert_string_equal(args, "a=1, a=2");
}

static void set_respects_wire_limit(void **state)
{
	char args[2 * GN_ARGS_MAX] = "";
	char value[GN_ARGS_MAX];

	(void)state;
	/* k="...": 4 + 155 = 159 characters is the most a session-argument string may have */
	strcpy(value, repeat('v', GN_ARGS_MAX - 5));
	assert_int_equal(gn_args_set_string(args, sizeof(args), "k", value), GN_OK);
	assert_int_equal(strlen(args), GN_ARGS_MAX - 1);
	strcpy(args, "");
	strcpy(value, repeat('v', GN_ARGS_MAX - 4));
	assert_int_equal(gn_args_set_string(args, sizeof(args), "k", value), GN_ERR_TRUNCATED);
	assert_string_equal(args, "");
	/* a value too long to be in any argument string */
	assert_int_equal(
		gn_args_set_string(args, sizeof(args), "k", repeat('w', 300)), GN_ERR_INVALID_ARG);
}

static void set_num_and_read_back(void **state)
{
	char args[GN_ARGS_MAX] = "ram_quota=8K, cap_quota=4, label=\"x\"";
	uint64_t const values[] = {0, 1, 10, 4096, UINT64_MAX};
	uint64_t v;

	(void)state;
	assert_int_equal(gn_args_set_num(args, sizeof(args), "ram_quota", 4096), GN_OK);
	assert_string_equal(args, "cap_quota=4, label=\"x\", ram_quota=4096");
	for (size_t i = 0; i < GN_ARRAY_SIZE(values); i++) {
		assert_int_equal(
			gn_args_set_num(args, sizeof(args), "ram_quota", values[i]), GN_OK);
		assert_int_equal(gn_args_get_num(args, "ram_quota", &v), GN_OK);
		assert_int_equal(v, values[i]);
	}
	assert_string_equal(args, "cap_quota=4, label=\"x\", ram_quota=18446744073709551615");
	assert_int_equal(gn_args_set_num(args, 20, "q", 1), GN_ERR_INVALID_ARG); /* unterminated */
	strcpy(args, "a=1");
	assert_int_equal(gn_args_set_num(args, 8, "b", 22), GN_ERR_TRUNCATED);
	assert_string_equal(args, "a=1");
	assert_int_equal(gn_args_set_num(args, 9, "b", 2), GN_OK);
	assert_string_equal(args, "a=1, b=2");
	assert_int_equal(gn_args_set_num(args, sizeof(args), "9", 2), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_args_set_num(args, sizeof(args), "b", 3), GN_OK);
	assert_string_equal(args, "a=1, b=3");
}

static void remove_argument(void **state)
{
	char args[GN_ARGS_MAX] = "a=1, b=\"x, y\", c=3";

	(void)state;
	assert_int_equal(gn_args_remove(args, sizeof(args), "b"), GN_OK);
	assert_string_equal(args, "a=1, c=3");
	assert_int_equal(gn_args_remove(args, sizeof(args), "b"), GN_ERR_NOT_FOUND);
	assert_string_equal(args, "a=1, c=3");
	assert_int_equal(gn_args_remove(args, sizeof(args), "a"), GN_OK);
	assert_int_equal(gn_args_remove(args, sizeof(args), "c"), GN_OK);
	assert_string_equal(args, "");
	assert_int_equal(gn_args_remove(args, sizeof(args), "c"), GN_ERR_NOT_FOUND);
	strcpy(args, "a=1,");
	assert_int_equal(gn_args_remove(args, sizeof(args), "a"), GN_ERR_INVALID_ARG);
	assert_string_equal(args, "a=1,");
	assert_int_equal(gn_args_remove(args, sizeof(args), "-"), GN_ERR_INVALID_ARG);
}

static void remove_that_would_grow_is_refused(void **state)
{
	/* normalising 11 separators "," to ", " outgrows the removed argument: 51 -> 58 */
	char args[64] = "z=1,a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1,i=1,j=1,k=1,l=1";
	char copy[64];

	(void)state;
	strcpy(copy, args);
	assert_int_equal(gn_args_remove(args, 58, "z"), GN_ERR_TRUNCATED);
	assert_string_equal(args, copy);
	assert_int_equal(gn_args_remove(args, 59, "z"), GN_OK);
	assert_string_equal(args, "a=1, b=1, c=1, d=1, e=1, f=1, g=1, h=1, i=1, j=1, k=1, l=1");
	strcpy(args, copy);
	assert_string_equal(args, copy);
	assert_int_equal(gn_args_remove(args, sizeof(args), "z"), GN_OK);
	assert_string_equal(args, "a=1, b=1, c=1, d=1, e=1, f=1, g=1, h=1, i=1, j=1, k=1, l=1");
}

/* The parent's path: read the child's label, prefix it, write it back; the server reads it. */
static void parent_rewrites_label(void **state)
{
	char args[GN_ARGS_MAX] = "ram_quota=8K, cap_quota=4, label=\"x\"";
	char label[GN_LABEL_MAX], prefixed[GN_LABEL_MAX];
	uint64_t ram;

	(void)state;
	assert_int_equal(gn_args_get_label(args, label, sizeof(label)), GN_OK);
	assert_int_equal(gn_label_prefix(prefixed, sizeof(prefixed), "client", label), GN_OK);
	assert_int_equal(gn_args_set_string(args, sizeof(args), "label", prefixed), GN_OK);
	assert_int_equal(gn_args_get_num(args, "ram_quota", &ram), GN_OK);
	assert_int_equal(gn_args_set_num(args, sizeof(args), "ram_quota", ram - 1024), GN_OK);
	assert_string_equal(args, "cap_quota=4, label=\"client -> x\", ram_quota=7168");
	assert_int_equal(gn_args_get_label(args, label, sizeof(label)), GN_OK);
	assert_string_equal(label, "client -> x");
	/* a client cannot slip in a second label for the server to read instead */
	strcpy(args, "label=\"x\", label=\"init -> core\"");
	assert_int_equal(gn_args_get_label(args, label, sizeof(label)), GN_ERR_INVALID_ARG);
	assert_int_equal(
		gn_args_set_string(args, sizeof(args), "label", "client -> x"), GN_ERR_INVALID_ARG);
}

/* ---- policy selection -------------------------------------------------------------------------- */

static gn_policy_candidate_t pol(
	char const *label, char const *prefix, char const *suffix, char const *last)
{
	gn_policy_candidate_t c = {gn_label_attr(label), gn_label_attr(prefix),
		gn_label_attr(suffix), gn_label_attr(last), false};

	return c;
}

static gn_policy_candidate_t dflt(void)
{
	gn_policy_candidate_t c = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}, true};

	return c;
}

/* Index selected for label, or -1 for GN_ERR_NOT_FOUND. */
static int sel(gn_policy_candidate_t const *c, size_t n, char const *label)
{
	size_t index = 999;
	gn_err_t err = gn_policy_select(c, n, label, &index);

	if (err == GN_ERR_NOT_FOUND) {
		assert_int_equal(index, 999);
		return -1;
	}
	assert_int_equal(err, GN_OK);
	assert_true(index < n);
	return (int)index;
}

static void precedence_table(void **state)
{
	gn_policy_candidate_t const c[] = {
		dflt(),                                      /* 0 */
		pol(NULL, NULL, NULL, "log"),                /* 1 */
		pol(NULL, NULL, "-> log", NULL),             /* 2 */
		pol(NULL, "init", NULL, NULL),               /* 3 */
		pol(NULL, "init -> app", NULL, NULL),        /* 4 */
		pol("init -> app -> log", NULL, NULL, NULL), /* 5 */
		pol(NULL, NULL, "pp -> log", NULL),          /* 6 */
	};
	size_t const n = GN_ARRAY_SIZE(c);

	(void)state;
	assert_int_equal(sel(c, n, "init -> app -> log"), 5);    /* exact label wins */
	assert_int_equal(sel(c, n, "init -> app -> config"), 4); /* then the longest prefix */
	assert_int_equal(sel(c, n, "init -> apple -> log"), 4);  /* prefixes are byte-wise */
	assert_int_equal(sel(c, n, "init -> other -> log"), 3);  /* a prefix beats any suffix */
	assert_int_equal(sel(c, n, "x -> app -> log"), 6);       /* then the longest suffix */
	assert_int_equal(sel(c, n, "x -> log"), 2);
	assert_int_equal(sel(c, n, "log"), 1);             /* then label_last */
	assert_int_equal(sel(c, n, "x -> y"), 0);          /* the default comes last */
	assert_int_equal(sel(c + 1, n - 1, "x -> y"), -1); /* and without it, nothing */
}

static void exact_label_beats_any_combination(void **state)
{
	gn_policy_candidate_t const c[] = {
		pol(NULL, "a -> b", "c", "c"),
		pol("a -> b -> c", NULL, NULL, NULL),
	};

	(void)state;
	assert_int_equal(sel(c, 2, "a -> b -> c"), 1);
}

static void conflicting_attribute_rules_out(void **state)
{
	gn_policy_candidate_t const c[] = {
		pol("a -> b", "x", NULL, NULL), /* label matches, prefix conflicts */
		pol(NULL, "a", "q", NULL),      /* prefix matches, suffix conflicts */
		pol(NULL, "a", NULL, "c"),      /* prefix matches, last conflicts */
		pol(NULL, NULL, "b", "a -> b"), /* suffix matches, last conflicts */
		pol(NULL, NULL, NULL, "b"),
	};

	(void)state;
	assert_int_equal(sel(c, GN_ARRAY_SIZE(c), "a -> b"), 4);
	assert_int_equal(sel(c, 4, "a -> b"), -1);
	assert_false(gn_policy_matches(&c[0], "a -> b"));
	assert_true(gn_policy_matches(&c[4], "a -> b"));
}

static void combinations_rank_by_attribute_order(void **state)
{
	gn_policy_candidate_t const c[] = {
		pol(NULL, "a -> b", NULL, NULL),   /* 0 */
		pol(NULL, "a -> b", "z", NULL),    /* 1: same prefix plus a suffix */
		pol(NULL, "a -> b", NULL, "z"),    /* 2: same prefix plus a last */
		pol(NULL, "a -> b -", NULL, NULL), /* 3: longer prefix alone */
	};

	(void)state;
	assert_int_equal(sel(c, 3, "a -> b -> z"), 1);
	assert_int_equal(sel(c, 4, "a -> b -> z"), 3);
	assert_int_equal(sel(c, 1, "a -> b -> z"), 0);
	/* a prefix plus last beats the same prefix alone, loses to prefix plus suffix */
	assert_int_equal(sel((gn_policy_candidate_t[]){c[0], c[2]}, 2, "a -> b -> z"), 1);
	assert_int_equal(sel((gn_policy_candidate_t[]){c[2], c[1]}, 2, "a -> b -> z"), 1);
	/* suffix plus last beats the same suffix alone */
	assert_int_equal(sel((gn_policy_candidate_t[]){pol(NULL, NULL, "z", NULL),
				     pol(NULL, NULL, "z", "z")},
				 2, "b -> z"),
		1);
	/* a longer suffix beats a shorter suffix plus last */
	assert_int_equal(sel((gn_policy_candidate_t[]){pol(NULL, NULL, "z", "z"),
				     pol(NULL, NULL, "> z", NULL)},
				 2, "b -> z"),
		1);
}

static void ties_go_to_the_first(void **state)
{
	gn_policy_candidate_t const c[] = {
		pol("a", NULL, NULL, NULL), pol("a", NULL, NULL, NULL),
		pol("a", "a", NULL, NULL), /* more attributes, but label ties label */
	};
	gn_policy_candidate_t const p[] = {
		pol(NULL, "ab", NULL, NULL),
		pol(NULL, "ab", NULL, NULL),
		pol(NULL, NULL, "c", NULL),
		pol(NULL, NULL, "c", NULL),
	};

	(void)state;
	assert_int_equal(sel(c, 3, "a"), 0);
	assert_int_equal(sel(c + 1, 2, "a"), 0);
	assert_int_equal(sel((gn_policy_candidate_t[]){c[2], c[0]}, 2, "a"), 0);
	assert_int_equal(sel(p, 4, "abc"), 0);
	assert_int_equal(sel(p + 1, 3, "abc"), 0);
	assert_int_equal(sel(p + 2, 2, "abc"), 0);
	assert_int_equal(sel(p + 3, 1, "abc"), 0);
}

static void default_only_when_nothing_matches(void **state)
{
	gn_policy_candidate_t c[] = {
		dflt(),
		pol(NULL, NULL, NULL, NULL), /* no attribute: never matches */
		pol("a", NULL, NULL, NULL),
		dflt(),
	};

	(void)state;
	assert_int_equal(sel(c, 4, "a"), 2);
	assert_int_equal(sel(c, 4, "b"), 0);     /* the first default */
	assert_int_equal(sel(c + 1, 3, "b"), 2); /* position-independent */
	assert_int_equal(sel(c + 1, 2, "b"), -1);
	assert_int_equal(sel(c + 1, 1, ""), -1);
	assert_int_equal(sel(c, 0, "a"), -1);
	/* a default's own attributes are ignored */
	c[0].label = gn_label_attr("a");
	assert_int_equal(sel(c, 2, "a"), 0);
	assert_int_equal(sel(c, 2, "zzz"), 0);
	assert_int_equal(sel((gn_policy_candidate_t[]){c[0], c[2]}, 2, "a"), 1);
	assert_false(gn_policy_matches(&c[0], "a"));
	assert_false(gn_policy_matches(&c[1], "a"));
}

static void empty_values_and_empty_label(void **state)
{
	gn_policy_candidate_t const c[] = {
		pol(NULL, NULL, NULL, "x"), /* 0 */
		pol(NULL, "", NULL, NULL),  /* 1: matches everything */
		pol("", NULL, NULL, NULL),  /* 2: only the empty label */
		pol(NULL, NULL, "", NULL),  /* 3 */
		pol(NULL, NULL, NULL, ""),  /* 4 */
	};

	(void)state;
	assert_int_equal(sel(c, 5, ""), 2);
	assert_int_equal(sel(c, 5, "x"), 1);
	assert_int_equal(sel(c + 2, 3, "x"), 1); /* the empty suffix */
	assert_int_equal(sel(c + 3, 2, "x"), 0);
	assert_int_equal(sel(c + 4, 1, "x"), -1); /* x's last element is not empty */
	/* trimmed, "x -> " becomes "x ->", whose last element is all of it */
	assert_int_equal(sel(c + 4, 1, "x -> "), -1);
	assert_int_equal(sel(c + 4, 1, ""), 0);
	assert_true(gn_policy_matches(&c[1], ""));
	assert_false(gn_policy_matches(&c[0], ""));
}

static void spaces_around_values_are_ignored(void **state)
{
	gn_policy_candidate_t const c[] = {
		pol(" a -> b ", NULL, NULL, NULL),
		pol(NULL, " a -> b -> ", NULL, NULL),
		pol(NULL, NULL, " c", NULL),
		pol(NULL, NULL, NULL, "c  "),
	};

	(void)state;
	assert_int_equal(sel(c, 4, "a -> b"), 0);
	assert_int_equal(sel(c, 4, "  a -> b "), 0);
	/* the trimmed prefix "a -> b ->" has no trailing space left */
	assert_int_equal(sel(c + 1, 3, "a -> b ->c"), 0);
	assert_int_equal(sel(c + 2, 2, "x -> c"), 0);
	assert_int_equal(sel(c + 3, 1, "x -> c "), 0);
	assert_int_equal(sel(c + 3, 1, "x -> cc"), -1);
}

static void arrows_without_spaces(void **state)
{
	gn_policy_candidate_t const c[] = {
		pol(NULL, NULL, NULL, "b"),
		pol(NULL, NULL, NULL, "a->b"),
	};

	(void)state;
	assert_int_equal(sel(c, 2, "a->b"), 1);
	assert_int_equal(sel(c, 2, "x -> a->b"), 1);
	assert_int_equal(sel(c, 2, "a -> b"), 0);
	assert_int_equal(sel(c, 1, "a->b"), -1);
}

static void overlong_label_is_refused(void **state)
{
	gn_policy_candidate_t const c[] = {pol(NULL, "", NULL, NULL)};
	size_t index = 7;

	(void)state;
	assert_int_equal(sel(c, 1, repeat('l', GN_LABEL_MAX - 1)), 0);
	assert_int_equal(
		gn_policy_select(c, 1, repeat('l', GN_LABEL_MAX), &index), GN_ERR_INVALID_ARG);
	assert_int_equal(index, 7);
	assert_false(gn_policy_matches(&c[0], repeat('l', GN_LABEL_MAX)));
	assert_true(gn_policy_matches(&c[0], repeat('l', GN_LABEL_MAX - 1)));
}

static void attributes_with_lengths(void **state)
{
	/* zero-copy attributes: views into a larger buffer, not NUL-terminated */
	char const doc[] = "label_prefix=\"init -> app\" other";
	gn_policy_candidate_t c = pol(NULL, NULL, NULL, NULL);

	(void)state;
	c.label_prefix.str = doc + 14;
	c.label_prefix.len = 11;
	assert_true(gn_policy_matches(&c, "init -> app -> x"));
	assert_false(gn_policy_matches(&c, "init -> ap"));
	assert_int_equal(gn_label_attr(NULL).len, 0);
	assert_null(gn_label_attr(NULL).str);
	assert_int_equal(gn_label_attr("abc").len, 3);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(prefix_joins_with_separator),
		cmocka_unit_test(prefix_with_empty_parts),
		cmocka_unit_test(prefix_truncation),
		cmocka_unit_test(prefix_in_place),
		cmocka_unit_test(last_and_first_elements),
		cmocka_unit_test(skip_prefix),
		cmocka_unit_test(skip_prefix_undoes_prefix),
		cmocka_unit_test(matching),
		cmocka_unit_test(check_accepts_well_formed),
		cmocka_unit_test(check_rejects_malformed),
		cmocka_unit_test(check_bounds_the_length),
		cmocka_unit_test(numbers_with_suffixes),
		cmocka_unit_test(numbers_malformed_or_absent),
		cmocka_unit_test(strings_unquoted_and_quoted),
		cmocka_unit_test(strings_errors_and_truncation),
		cmocka_unit_test(label_argument),
		cmocka_unit_test(set_string_replaces_and_appends),
		cmocka_unit_test(set_string_escapes_quotes),
		cmocka_unit_test(set_string_rejects_and_leaves_args_unchanged),
		cmocka_unit_test(set_respects_wire_limit),
		cmocka_unit_test(set_num_and_read_back),
		cmocka_unit_test(remove_argument),
		cmocka_unit_test(remove_that_would_grow_is_refused),
		cmocka_unit_test(parent_rewrites_label),
		cmocka_unit_test(precedence_table),
		cmocka_unit_test(exact_label_beats_any_combination),
		cmocka_unit_test(conflicting_attribute_rules_out),
		cmocka_unit_test(combinations_rank_by_attribute_order),
		cmocka_unit_test(ties_go_to_the_first),
		cmocka_unit_test(default_only_when_nothing_matches),
		cmocka_unit_test(empty_values_and_empty_label),
		cmocka_unit_test(spaces_around_values_are_ignored),
		cmocka_unit_test(arrows_without_spaces),
		cmocka_unit_test(overlong_label_is_refused),
		cmocka_unit_test(attributes_with_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
