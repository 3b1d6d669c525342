/*
 * Session labels, session-argument strings and policy selection (rules in gneiss/label.h).
 *
 * Everything here may be handed bytes from an untrusted client, so:
 * - no input is read past its bound: labels at most GN_LABEL_MAX bytes, argument strings at most
 *   GN_ARGS_MAX bytes, each scanned with gn_strnlen before anything else;
 * - every query checks the whole argument string first (check_args), so a malformed string gets the
 *   same error from every function, and the value found for a key is the only one (keys are unique);
 * - writers assemble their result in an out_t, which stops at its capacity and remembers that it
 *   overflowed, in a buffer of their own; the caller's buffer is written only once the result is
 *   known to be complete (validate, then commit), and on error holds the empty string;
 * - no recursion, no allocation, no state between calls.
 */
#include <gneiss/label.h>

/* ---- bounded output ---------------------------------------------------------------------------- */

typedef struct {
	char *buf;
	size_t cap; /* characters that fit, NUL excluded */
	size_t len;
	bool overflow;
} out_t;

static out_t out_make(char *buf, size_t size, size_t limit)
{
	out_t o = {buf, 0, 0, false};

	if (size > limit)
		size = limit;
	o.cap = size ? size - 1 : 0;
	return o;
}

static void put_n(out_t *o, char const *s, size_t n)
{
	if (n > o->cap - o->len) {
		o->overflow = true;
		return;
	}
	gn_memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_c(out_t *o, char c)
{
	put_n(o, &c, 1);
}

/* Empties dst (of the given size) for an error. */
static void clear(char *dst, size_t size)
{
	if (size)
		dst[0] = 0;
}

/* Copies the finished result in o to dst of the given size, or reports that it did not fit. */
static gn_err_t commit(out_t const *o, char *dst, size_t size)
{
	if (o->overflow || size == 0) {
		clear(dst, size);
		return GN_ERR_TRUNCATED;
	}
	gn_memmove(dst, o->buf, o->len);
	dst[o->len] = 0;
	return GN_OK;
}

/* ---- labels ------------------------------------------------------------------------------------ */

gn_err_t gn_label_prefix(char *buf, size_t size, char const *parent_name, char const *child_label)
{
	char tmp[GN_LABEL_MAX];
	out_t o = out_make(tmp, size, sizeof(tmp));
	size_t const pn = gn_strnlen(parent_name, GN_LABEL_MAX);
	size_t const cn = gn_strnlen(child_label, GN_LABEL_MAX);

	put_n(&o, parent_name, pn);
	if (pn && cn)
		put_n(&o, GN_LABEL_SEP, GN_LABEL_SEP_LEN);
	put_n(&o, child_label, cn);
	return commit(&o, buf, size);
}

/* Position of the last separator in label, or len when there is none. */
static size_t last_sep(char const *label, size_t len)
{
	for (size_t i = len; i >= GN_LABEL_SEP_LEN; i--)
		if (gn_memcmp(label + i - GN_LABEL_SEP_LEN, GN_LABEL_SEP, GN_LABEL_SEP_LEN) == 0)
			return i - GN_LABEL_SEP_LEN;
	return len;
}

char const *gn_label_last(char const *label, size_t len, size_t *last_len)
{
	size_t const sep = last_sep(label, len);
	size_t const start = sep == len ? 0 : sep + GN_LABEL_SEP_LEN;

	*last_len = len - start;
	return label + start;
}

size_t gn_label_first(char const *label, size_t len)
{
	size_t const sep = last_sep(label, len);

	return sep == len ? 0 : sep;
}

char const *gn_label_skip_prefix(
	char const *label, size_t len, char const *name, size_t name_len, size_t *rest_len)
{
	*rest_len = 0;
	if (name_len == 0) {
		*rest_len = len;
		return label;
	}
	if (!gn_label_matches_prefix(label, len, name, name_len))
		return NULL;
	if (len == name_len)
		return label + len;
	if (len - name_len < GN_LABEL_SEP_LEN ||
		gn_memcmp(label + name_len, GN_LABEL_SEP, GN_LABEL_SEP_LEN) != 0)
		return NULL;
	*rest_len = len - name_len - GN_LABEL_SEP_LEN;
	return label + name_len + GN_LABEL_SEP_LEN;
}

bool gn_label_matches_exact(char const *label, size_t len, char const *pat, size_t pat_len)
{
	return len == pat_len && gn_memcmp(label, pat, len) == 0;
}

bool gn_label_matches_prefix(char const *label, size_t len, char const *pat, size_t pat_len)
{
	return len >= pat_len && gn_memcmp(label, pat, pat_len) == 0;
}

bool gn_label_matches_suffix(char const *label, size_t len, char const *pat, size_t pat_len)
{
	return len >= pat_len && gn_memcmp(label + len - pat_len, pat, pat_len) == 0;
}

bool gn_label_matches_last(char const *label, size_t len, char const *pat, size_t pat_len)
{
	size_t last_len;
	char const *last = gn_label_last(label, len, &last_len);

	return gn_label_matches_exact(last, last_len, pat, pat_len);
}

/* ---- argument syntax --------------------------------------------------------------------------- */

typedef struct {
	char const *key;
	size_t key_len;
	char const *val; /* raw: quotes and escapes included when quoted */
	size_t val_len;
	bool quoted;
} arg_t;

typedef struct {
	char const *s;
	size_t n;
	size_t pos;
	bool first;
} cursor_t;

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_bare(char c)
{
	return is_alpha(c) || is_digit(c) || c == '.' || c == '+' || c == '-' || c == ':' ||
	       c == '/';
}

/* Allowed inside quotes: anything but control characters. */
static bool is_text(char c)
{
	return (unsigned char)c >= 0x20 && c != 0x7f;
}

static size_t skip_ws(cursor_t const *c, size_t p)
{
	while (p < c->n && is_ws(c->s[p]))
		p++;
	return p;
}

/* Length of the identifier at s (n bytes available), 0 when there is none. */
static size_t ident_len(char const *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_alpha(s[0]))
		return 0;
	while (i < n && (is_alpha(s[i]) || is_digit(s[i])))
		i++;
	return i;
}

/* Length of the quoted value at s[0] == '"' (n bytes available), quotes included; 0 if invalid. */
static size_t quoted_len(char const *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (!is_text(s[i]))
			return 0;
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '"')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* Parses `key = value` at position p. */
static gn_err_t parse_arg(cursor_t *c, size_t p, arg_t *arg)
{
	arg->key = c->s + p;
	arg->key_len = ident_len(arg->key, c->n - p);
	if (!arg->key_len)
		return GN_ERR_INVALID_ARG;
	p = skip_ws(c, p + arg->key_len);
	if (p == c->n || c->s[p] != '=')
		return GN_ERR_INVALID_ARG;
	p = skip_ws(c, p + 1);
	arg->val = c->s + p;
	arg->quoted = p < c->n && c->s[p] == '"';
	if (arg->quoted) {
		arg->val_len = quoted_len(arg->val, c->n - p);
	} else {
		for (arg->val_len = 0; p + arg->val_len < c->n && is_bare(arg->val[arg->val_len]);)
			arg->val_len++;
	}
	if (!arg->val_len)
		return GN_ERR_INVALID_ARG;
	c->pos = p + arg->val_len;
	return GN_OK;
}

/* Next argument: GN_OK, GN_ERR_NOT_FOUND at the end of the string, or GN_ERR_INVALID_ARG. */
static gn_err_t next_arg(cursor_t *c, arg_t *arg)
{
	size_t p = skip_ws(c, c->pos);

	if (p == c->n)
		return GN_ERR_NOT_FOUND;
	if (!c->first) {
		if (c->s[p] != ',')
			return GN_ERR_INVALID_ARG;
		p = skip_ws(c, p + 1);
	}
	c->first = false;
	return parse_arg(c, p, arg);
}

static cursor_t cursor(char const *s, size_t n)
{
	cursor_t c = {s, n, 0, true};

	return c;
}

/* True when an argument before `arg` has the same key. */
static bool key_seen_before(char const *s, size_t n, arg_t const *arg)
{
	cursor_t c = cursor(s, n);
	arg_t a;

	while (next_arg(&c, &a) == GN_OK && a.key != arg->key)
		if (gn_label_matches_exact(a.key, a.key_len, arg->key, arg->key_len))
			return true;
	return false;
}

/* Length of args, which must be NUL-terminated within min(size, GN_ARGS_MAX) bytes. */
static gn_err_t args_len(char const *args, size_t size, size_t *len)
{
	size_t const limit = size < GN_ARGS_MAX ? size : GN_ARGS_MAX;

	*len = gn_strnlen(args, limit);
	return *len < limit ? GN_OK : GN_ERR_INVALID_ARG;
}

/* Checks syntax, bound and unique keys of args; returns its length in *len. */
static gn_err_t check_args(char const *args, size_t size, size_t *len)
{
	gn_err_t err = args_len(args, size, len);
	cursor_t c = cursor(args, *len);
	arg_t a;

	while (err == GN_OK && (err = next_arg(&c, &a)) == GN_OK)
		if (key_seen_before(args, *len, &a))
			err = GN_ERR_INVALID_ARG;
	return err == GN_ERR_NOT_FOUND ? GN_OK : err;
}

static bool valid_key(char const *key)
{
	size_t const n = gn_strnlen(key, GN_ARGS_MAX);

	return n > 0 && n < GN_ARGS_MAX && ident_len(key, n) == n;
}

/* Finds argument `key` in the well-formed args. */
static gn_err_t find_arg(char const *args, size_t size, char const *key, arg_t *arg)
{
	size_t len;
	gn_err_t err = check_args(args, size, &len);
	cursor_t c = cursor(args, len);

	if (err != GN_OK)
		return err;
	if (!valid_key(key))
		return GN_ERR_INVALID_ARG;
	while ((err = next_arg(&c, arg)) == GN_OK)
		if (gn_str_eq_n(arg->key, arg->key_len, key))
			return GN_OK;
	return err;
}

gn_err_t gn_args_check(char const *args)
{
	size_t len;

	return check_args(args, GN_ARGS_MAX, &len);
}

/* ---- argument values --------------------------------------------------------------------------- */

static int hex_digit(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static unsigned suffix_shift(char c)
{
	return c == 'K' ? 10 : c == 'M' ? 20 : c == 'G' ? 30 : 0;
}

/* Parses a number with optional suffix that fills all n bytes at s. */
static gn_err_t parse_num(char const *s, size_t n, uint64_t *value)
{
	size_t i = (n && s[0] == '+') ? 1 : 0, digits = 0;
	unsigned base = 10, shift;
	uint64_t v = 0;
	int d;

	if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	for (; i < n && (d = hex_digit(s[i])) >= 0 && (unsigned)d < base; i++, digits++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return GN_ERR_INVALID_ARG;
		v = v * base + (uint64_t)d;
	}
	shift = i < n ? suffix_shift(s[i]) : 0;
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return GN_ERR_INVALID_ARG;
		v <<= shift;
		i++;
	}
	if (!digits || i != n)
		return GN_ERR_INVALID_ARG;
	*value = v;
	return GN_OK;
}

gn_err_t gn_args_get_num(char const *args, char const *key, uint64_t *value)
{
	arg_t a;
	gn_err_t err = find_arg(args, GN_ARGS_MAX, key, &a);

	if (err != GN_OK)
		return err;
	if (a.quoted)
		return GN_ERR_INVALID_ARG;
	return parse_num(a.val, a.val_len, value);
}

/* Appends the value of a to o, unquoted. */
static void put_value(out_t *o, arg_t const *a)
{
	if (!a->quoted) {
		put_n(o, a->val, a->val_len);
		return;
	}
	for (size_t i = 1; i + 1 < a->val_len; i++) {
		if (a->val[i] == '\\' && a->val[i + 1] == '"')
			i++;
		put_c(o, a->val[i]);
	}
}

gn_err_t gn_args_get_string(char const *args, char const *key, char *buf, size_t size)
{
	char tmp[GN_ARGS_MAX];
	out_t o = out_make(tmp, size, sizeof(tmp));
	arg_t a;
	gn_err_t err = find_arg(args, GN_ARGS_MAX, key, &a);

	if (err != GN_OK) {
		clear(buf, size);
		return err;
	}
	put_value(&o, &a);
	return commit(&o, buf, size);
}

gn_err_t gn_args_get_label(char const *args, char *buf, size_t size)
{
	gn_err_t err =
		gn_args_get_string(args, "label", buf, size < GN_LABEL_MAX ? size : GN_LABEL_MAX);

	if (err == GN_ERR_NOT_FOUND) {
		if (size == 0)
			return GN_ERR_TRUNCATED;
		return GN_OK;
	}
	return err;
}

/* ---- rewriting arguments ----------------------------------------------------------------------- */

/* Starts o with every argument of the well-formed args except `key`; tells whether key was there. */
static bool put_args_without(out_t *o, char const *args, size_t len, char const *key)
{
	cursor_t c = cursor(args, len);
	bool found = false;
	arg_t a;

	while (next_arg(&c, &a) == GN_OK) {
		if (gn_str_eq_n(a.key, a.key_len, key)) {
			found = true;
			continue;
		}
		if (o->len)
			put_n(o, ", ", 2);
		put_n(o, a.key, (size_t)(a.val + a.val_len - a.key));
	}
	return found;
}

/* Common part of the setters: checks args and key, then copies the other arguments to o. */
static gn_err_t begin_set(out_t *o, char const *args, size_t size, char const *key)
{
	size_t len;
	gn_err_t err = check_args(args, size, &len);

	if (err != GN_OK)
		return err;
	if (!valid_key(key))
		return GN_ERR_INVALID_ARG;
	put_args_without(o, args, len, key);
	if (o->len)
		put_n(o, ", ", 2);
	put_n(o, key, gn_strlen(key));
	put_c(o, '=');
	return GN_OK;
}

/* Whether value can be written quoted: text only, not ending in a backslash. */
static bool quotable(char const *value)
{
	size_t const n = gn_strnlen(value, GN_ARGS_MAX);

	if (n == GN_ARGS_MAX || (n && value[n - 1] == '\\'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_text(value[i]))
			return false;
	return true;
}

gn_err_t gn_args_set_string(char *args, size_t size, char const *key, char const *value)
{
	char tmp[GN_ARGS_MAX];
	out_t o = out_make(tmp, size, sizeof(tmp));
	gn_err_t err = begin_set(&o, args, size, key);

	if (err == GN_OK && !quotable(value))
		err = GN_ERR_INVALID_ARG;
	if (err != GN_OK)
		return err;
	put_c(&o, '"');
	for (size_t i = 0; value[i]; i++) {
		if (value[i] == '"')
			put_c(&o, '\\');
		put_c(&o, value[i]);
	}
	put_c(&o, '"');
	return o.overflow ? GN_ERR_TRUNCATED : commit(&o, args, size);
}

gn_err_t gn_args_set_num(char *args, size_t size, char const *key, uint64_t value)
{
	char tmp[GN_ARGS_MAX], digits[20];
	out_t o = out_make(tmp, size, sizeof(tmp));
	gn_err_t err = begin_set(&o, args, size, key);
	size_t n = 0;

	if (err != GN_OK)
		return err;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n)
		put_c(&o, digits[--n]);
	return o.overflow ? GN_ERR_TRUNCATED : commit(&o, args, size);
}

gn_err_t gn_args_remove(char *args, size_t size, char const *key)
{
	char tmp[GN_ARGS_MAX];
	out_t o = out_make(tmp, size, sizeof(tmp));
	size_t len;
	gn_err_t err = check_args(args, size, &len);

	if (err != GN_OK)
		return err;
	if (!valid_key(key))
		return GN_ERR_INVALID_ARG;
	if (!put_args_without(&o, args, len, key))
		return GN_ERR_NOT_FOUND;
	return o.overflow ? GN_ERR_TRUNCATED : commit(&o, args, size);
}

/* ---- policy selection -------------------------------------------------------------------------- */

typedef struct {
	bool match; /* no conflict, and at least one attribute */
	bool label, prefix, suffix, last;
	size_t prefix_len, suffix_len;
} score_t;

/* The attribute without leading and trailing spaces; present stays present. */
static gn_label_attr_t trimmed(gn_label_attr_t a)
{
	while (a.str && a.len && a.str[0] == ' ') {
		a.str++;
		a.len--;
	}
	while (a.str && a.len && a.str[a.len - 1] == ' ')
		a.len--;
	return a;
}

static score_t score(gn_policy_candidate_t const *c, gn_label_attr_t l)
{
	gn_label_attr_t const label = trimmed(c->label), prefix = trimmed(c->label_prefix);
	gn_label_attr_t const suffix = trimmed(c->label_suffix), last = trimmed(c->label_last);
	score_t s = {false, label.str != NULL, prefix.str != NULL, suffix.str != NULL,
		last.str != NULL, prefix.len, suffix.len};

	if (c->is_default || !(s.label || s.prefix || s.suffix || s.last))
		return s;
	s.match = (!s.label || gn_label_matches_exact(l.str, l.len, label.str, label.len)) &&
		  (!s.prefix || gn_label_matches_prefix(l.str, l.len, prefix.str, prefix.len)) &&
		  (!s.suffix || gn_label_matches_suffix(l.str, l.len, suffix.str, suffix.len)) &&
		  (!s.last || gn_label_matches_last(l.str, l.len, last.str, last.len));
	return s;
}

/* Whether a ranks strictly above b (rule 3 of label.h); b need not match. */
static bool stronger(score_t const *a, score_t const *b)
{
	if (!a->match)
		return false;
	if (!b->match)
		return true;
	if (a->label || b->label)
		return !b->label;
	if (a->prefix != b->prefix)
		return a->prefix;
	if (a->prefix && a->prefix_len != b->prefix_len)
		return a->prefix_len > b->prefix_len;
	if (a->suffix != b->suffix)
		return a->suffix;
	if (a->suffix && a->suffix_len != b->suffix_len)
		return a->suffix_len > b->suffix_len;
	return a->last && !b->last;
}

/* The NUL-terminated label as a trimmed attribute; str == NULL when it is too long. */
static gn_label_attr_t label_attr(char const *label)
{
	gn_label_attr_t l = {label, gn_strnlen(label, GN_LABEL_MAX)};

	if (l.len == GN_LABEL_MAX)
		l.str = NULL;
	return trimmed(l);
}

bool gn_policy_matches(gn_policy_candidate_t const *c, char const *label)
{
	gn_label_attr_t const l = label_attr(label);

	return l.str && score(c, l).match;
}

gn_err_t gn_policy_select(
	gn_policy_candidate_t const *candidates, size_t count, char const *label, size_t *index)
{
	gn_label_attr_t const l = label_attr(label);
	score_t best = {false};
	size_t best_index = count, default_index = count;

	if (!l.str)
		return GN_ERR_INVALID_ARG;
	for (size_t i = 0; i < count; i++) {
		score_t const s = score(&candidates[i], l);

		if (candidates[i].is_default && default_index == count)
			default_index = i;
		if (stronger(&s, &best)) {
			best = s;
			best_index = i;
		}
	}
	if (best_index == count)
		best_index = default_index;
	if (best_index == count)
		return GN_ERR_NOT_FOUND;
	*index = best_index;
	return GN_OK;
}
