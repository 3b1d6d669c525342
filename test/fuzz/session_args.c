/*
 * Fuzz target for session-argument strings, labels and policy selection (gneiss/label.h).
 *
 * Input layout: 20 control bytes, then up to four parts separated by NUL bytes: an argument string,
 * a key, a value and a label. Every part lives in a heap block of exactly its size, NUL-terminated
 * only when shorter than the wire limit, so ASan catches any read past the bounds the API promises.
 * Besides not crashing, results are checked against properties and against simple independent
 * models (the naive split of a label, the ranking of policies as a tuple order).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/label.h>

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

enum {
	CTRL = 20,
	PARTS = 4
};

typedef struct {
	char *s;
	size_t len;
} part_t;

/* A heap copy of n bytes; NUL-terminated unless n reaches limit (then exactly limit bytes). */
static char *bounded_copy(uint8_t const *p, size_t n, size_t limit)
{
	char *s;

	if (n >= limit) {
		s = malloc(limit);
		memcpy(s, p, limit);
		return s;
	}
	s = malloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static void split(uint8_t const *data, size_t size, part_t *parts)
{
	size_t start = 0;

	for (int i = 0; i < PARTS; i++) {
		size_t end = start;

		while (end < size && data[end] != 0)
			end++;
		parts[i].len = end - start;
		parts[i].s = bounded_copy(data + start, end - start, GN_ARGS_MAX);
		start = end < size ? end + 1 : end;
	}
}

/* ---- labels ------------------------------------------------------------------------------------ */

static void fuzz_label(char const *label, size_t len)
{
	size_t last_len, first_len = gn_label_first(label, len), naive = len;
	char const *last = gn_label_last(label, len, &last_len);

	/* model: the rightmost " -> " found by brute force */
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(label + i, " -> ", 4) == 0)
			naive = i;
	if (naive == len) {
		CHECK(first_len == 0 && last == label && last_len == len);
	} else {
		CHECK(first_len == naive && last == label + naive + 4 &&
			last_len == len - naive - 4);
	}
	CHECK(gn_label_matches_last(label, len, last, last_len));
	CHECK(gn_label_matches_prefix(label, len, label, first_len));
	CHECK(gn_label_matches_suffix(label, len, last, last_len));
	CHECK(gn_label_matches_exact(label, len, label, len));
	CHECK(!gn_label_matches_exact(label, len, label, len / 2) || len == 0);
}

static void fuzz_prefix(char const *parent, char const *child, size_t size)
{
	char buf[GN_LABEL_MAX + 8], want[2 * GN_ARGS_MAX + 8];
	size_t pn = strnlen(parent, GN_ARGS_MAX), cn = strnlen(child, GN_ARGS_MAX), rest_len;
	gn_err_t err;

	if (size > sizeof(buf))
		size = sizeof(buf);
	memcpy(want, parent, pn);
	memcpy(want + pn, pn && cn ? " -> " : "", pn && cn ? 4 : 0);
	memcpy(want + pn + (pn && cn ? 4 : 0), child, cn);
	want[pn + (pn && cn ? 4 : 0) + cn] = 0;
	err = gn_label_prefix(buf, size, parent, child);
	if (pn < GN_ARGS_MAX && cn < GN_ARGS_MAX && strlen(want) < size &&
		strlen(want) < GN_LABEL_MAX) {
		CHECK(err == GN_OK && strcmp(buf, want) == 0);
		if (pn) {
			char const *rest =
				gn_label_skip_prefix(buf, strlen(buf), parent, pn, &rest_len);

			CHECK(rest && rest_len == cn && memcmp(rest, child, cn) == 0);
		}
	} else {
		CHECK(err == GN_ERR_TRUNCATED);
		CHECK(size == 0 || buf[0] == 0);
	}
}

/* ---- arguments --------------------------------------------------------------------------------- */

static bool is_key(char const *key)
{
	size_t n = strnlen(key, GN_ARGS_MAX);

	if (n == 0 || n == GN_ARGS_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

		if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

/*
 * Rewriting args (well-formed) keeps it well-formed and the value readable; a failure leaves args
 * unchanged. A value read from a well-formed string (read_back) can always be written back.
 */
static void fuzz_set(
	char const *args, char const *key, char const *value, size_t size, bool read_back)
{
	char buf[GN_ARGS_MAX + 16], out[GN_ARGS_MAX], before[GN_ARGS_MAX + 16];
	uint64_t n;
	gn_err_t err;

	if (size > sizeof(buf))
		size = sizeof(buf);
	if (strlen(args) >= size)
		return;
	strcpy(buf, args);
	strcpy(before, buf);
	err = gn_args_set_string(buf, size, key, value);
	if (err == GN_OK) {
		CHECK(gn_args_check(buf) == GN_OK);
		CHECK(gn_args_get_string(buf, key, out, sizeof(out)) == GN_OK);
		CHECK(strcmp(out, value) == 0);
	} else {
		CHECK(err == GN_ERR_TRUNCATED || (err == GN_ERR_INVALID_ARG && !read_back));
		CHECK(strcmp(buf, before) == 0);
	}
	strcpy(buf, args);
	n = strnlen(value, GN_ARGS_MAX) * 977u;
	err = gn_args_set_num(buf, size, key, n);
	if (err == GN_OK) {
		uint64_t m;

		CHECK(gn_args_get_num(buf, key, &m) == GN_OK && m == n);
		CHECK(gn_args_remove(buf, size, key) == GN_OK);
		CHECK(gn_args_get_num(buf, key, &m) == GN_ERR_NOT_FOUND);
	} else {
		CHECK(err == GN_ERR_TRUNCATED || !is_key(key));
		CHECK(strcmp(buf, args) == 0);
	}
}

static void fuzz_args(char const *args, char const *key, char const *value, size_t size)
{
	char const *keys[] = {key, "label", "ram_quota", "cap_quota"};
	gn_err_t const valid = gn_args_check(args);
	char buf[GN_ARGS_MAX];
	uint64_t n;

	CHECK(valid == GN_OK || valid == GN_ERR_INVALID_ARG);
	for (size_t i = 0; i < 4; i++) {
		gn_err_t err = gn_args_get_string(args, keys[i], buf, sizeof(buf));
		gn_err_t nerr = gn_args_get_num(args, keys[i], &n);

		if (valid != GN_OK || !is_key(keys[i])) {
			CHECK(err == GN_ERR_INVALID_ARG && nerr == GN_ERR_INVALID_ARG);
			continue;
		}
		CHECK(err == GN_OK || err == GN_ERR_NOT_FOUND);
		CHECK(nerr == GN_OK ||
			nerr == (err == GN_OK ? GN_ERR_INVALID_ARG : GN_ERR_NOT_FOUND));
		if (err == GN_OK) {
			/* what was read can be written back and read again */
			fuzz_set(args, keys[i], buf, GN_ARGS_MAX, true);
			fuzz_label(buf, strlen(buf));
		}
		fuzz_set(args, keys[i], value, size, false);
	}
	if (gn_args_get_label(args, buf, sizeof(buf)) == GN_OK)
		CHECK(valid == GN_OK);
	if (valid == GN_OK && is_key(key)) {
		char copy[GN_ARGS_MAX];
		gn_err_t err;

		strcpy(copy, args);
		err = gn_args_remove(copy, sizeof(copy), key);
		CHECK(err == GN_OK || err == GN_ERR_NOT_FOUND || err == GN_ERR_TRUNCATED);
		if (err == GN_OK)
			CHECK(gn_args_get_string(copy, key, buf, sizeof(buf)) == GN_ERR_NOT_FOUND);
		else
			CHECK(strcmp(copy, args) == 0);
	}
}

/* ---- policy selection -------------------------------------------------------------------------- */

typedef struct {
	int label, prefix;
	size_t prefix_len;
	int suffix;
	size_t suffix_len;
	int last;
} rank_t;

/* The Genode ranking as a lexicographic order: an exact label ties with every other exact label. */
static int rank_cmp(rank_t const *a, rank_t const *b)
{
	size_t const x[6] = {(size_t)a->label, (size_t)a->prefix, a->prefix_len, (size_t)a->suffix,
		a->suffix_len, (size_t)a->last};
	size_t const y[6] = {(size_t)b->label, (size_t)b->prefix, b->prefix_len, (size_t)b->suffix,
		b->suffix_len, (size_t)b->last};

	if (a->label && b->label)
		return 0;
	for (int i = 0; i < 6; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static gn_label_attr_t trim(gn_label_attr_t a)
{
	while (a.str && a.len && a.str[0] == ' ') {
		a.str++;
		a.len--;
	}
	while (a.str && a.len && a.str[a.len - 1] == ' ')
		a.len--;
	return a;
}

/* Attribute k of a candidate as the control bytes choose: absent, a piece of label, or value. */
static gn_label_attr_t make_attr(uint8_t mode, uint8_t cut, char const *label, char const *value)
{
	size_t len = strnlen(label, GN_LABEL_MAX - 1);
	gn_label_attr_t a = {NULL, 0};

	switch (mode & 3) {
	case 1: a.str = label, a.len = cut % (len + 1); break;
	case 2: a.len = cut % (len + 1), a.str = label + len - a.len; break;
	case 3: a.str = value, a.len = strnlen(value, GN_LABEL_MAX); break;
	default: break;
	}
	return a;
}

static void fuzz_policy(uint8_t const *ctrl, char const *label, char const *value)
{
	gn_policy_candidate_t c[4];
	size_t index = 99, want = 4, dflt = 4;
	size_t const label_len = strnlen(label, GN_LABEL_MAX);
	gn_label_attr_t l = trim((gn_label_attr_t){label, label_len});
	rank_t best = {0};
	gn_err_t err;

	for (int j = 0; j < 4; j++) {
		gn_label_attr_t *attrs[4] = {
			&c[j].label, &c[j].label_prefix, &c[j].label_suffix, &c[j].label_last};

		for (int k = 0; k < 4; k++)
			*attrs[k] = make_attr(
				(uint8_t)(ctrl[j] >> (2 * k)), ctrl[4 + 4 * j + k], label, value);
		c[j].is_default = j == (ctrl[0] & 7) - 1 && (ctrl[1] & 0x80);
	}
	err = gn_policy_select(c, 4, label, &index);
	if (label_len == GN_LABEL_MAX) {
		CHECK(err == GN_ERR_INVALID_ARG);
		return;
	}
	for (size_t j = 0; j < 4; j++) {
		gn_label_attr_t a[4] = {trim(c[j].label), trim(c[j].label_prefix),
			trim(c[j].label_suffix), trim(c[j].label_last)};
		size_t ll;
		char const *last = gn_label_last(l.str, l.len, &ll);
		bool match = !c[j].is_default && (a[0].str || a[1].str || a[2].str || a[3].str);
		rank_t r = {a[0].str != NULL, a[1].str != NULL, a[1].len, a[2].str != NULL,
			a[2].len, a[3].str != NULL};

		if (c[j].is_default && dflt == 4)
			dflt = j;
		match = match &&
			(!a[0].str || (a[0].len == l.len && !memcmp(a[0].str, l.str, l.len)));
		match = match &&
			(!a[1].str || (a[1].len <= l.len && !memcmp(a[1].str, l.str, a[1].len)));
		match = match && (!a[2].str || (a[2].len <= l.len &&
						       !memcmp(a[2].str, l.str + l.len - a[2].len,
							       a[2].len)));
		match = match && (!a[3].str || (a[3].len == ll && !memcmp(a[3].str, last, ll)));
		CHECK(match == gn_policy_matches(&c[j], label));
		if (match && (want == 4 || rank_cmp(&r, &best) > 0)) {
			want = j;
			best = r;
		}
	}
	if (want == 4)
		want = dflt;
	if (want == 4) {
		CHECK(err == GN_ERR_NOT_FOUND && index == 99);
	} else {
		CHECK(err == GN_OK && index == want);
	}
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	uint8_t ctrl[CTRL] = {0};
	part_t p[PARTS];

	memcpy(ctrl, data, size < CTRL ? size : CTRL);
	data += size < CTRL ? size : CTRL;
	size -= size < CTRL ? size : CTRL;
	split(data, size, p);

	fuzz_args(p[0].s, p[1].s, p[2].s, ctrl[2]);
	fuzz_label(p[3].s, strnlen(p[3].s, GN_ARGS_MAX));
	fuzz_prefix(p[1].s, p[3].s, ctrl[3]);
	fuzz_prefix(p[3].s, p[2].s, GN_LABEL_MAX);
	fuzz_policy(ctrl, p[3].s, p[2].s);
	for (int i = 0; i < PARTS; i++)
		free(p[i].s);
	return 0;
}
