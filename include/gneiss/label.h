/*
 * Session labels, session-argument strings and policy selection by label.
 *
 * A session label names the chain of components a session request passed through, separated by
 * " -> ": "init -> app -> config". Each parent puts its child's name in front of what the child
 * asked for, so no component can forge the part of a label left of its own (DESIGN.md §3). Servers
 * and init pick a policy by matching the label (see "Policy selection" below).
 *
 * Label rules (as Genode's Session_label):
 * - the separator is exactly " -> "; "a->b" or "a ->b" are one element;
 * - the last element is what follows the last separator (the whole label when there is none, the
 *   empty string when the label ends in the separator);
 * - the first part ("prefix" in Genode) is what precedes the last separator, empty when there is
 *   none;
 * - label_prefix / label_suffix matching is plain byte-wise starts-with / ends-with, not aligned to
 *   elements: the prefix "init -> app" matches "init -> application".
 * Differences to Genode: prefixing an empty child label yields just the parent's name (Genode
 * yields "parent -> "), an empty parent name leaves the label alone (as Genode's sandbox), and a
 * label that does not fit is an error, never silently cut.
 *
 * Session-argument strings are what a client passes with a session request, e.g.
 * `ram_quota=8K, cap_quota=4, label="x -> y"`. They come from untrusted clients, so every function
 * here checks the whole string before it answers and never reads past GN_ARGS_MAX bytes. Grammar:
 *
 *   args  := ws* [ arg ( ws* "," ws* arg )* ] ws*          ws := " " | "\t" | "\n"
 *   arg   := key ws* "=" ws* value                         key := [A-Za-z_][A-Za-z0-9_]*
 *   value := quoted | bare                                 bare := [A-Za-z0-9_.+:/-]+
 *   quoted := '"' text '"'
 *
 * Quote rules (Genode's): a quoted value ends at the first '"' not preceded by a backslash; the pair
 * \" stands for '"', every other backslash is itself. So a decoded value never ends in a backslash,
 * and a value ending in one cannot be written. Gneiss is stricter than Genode in these points, all
 * of them answered with GN_ERR_INVALID_ARG: a key appears at most once (so a client cannot smuggle a
 * second label past the parent's rewrite); quoted text holds no control characters (bytes below
 * 0x20 and 0x7f, which could forge log lines; bytes >= 0x80 pass); empty values, trailing commas and
 * stray characters are malformed; numbers that overflow 64 bits are malformed. Unquoted values are
 * read as strings whole (Genode cuts them at the first non-identifier character).
 *
 * Numbers: decimal or 0x-prefixed hexadecimal digits with an optional leading '+', then optionally
 * one of the suffixes K, M, G (2^10, 2^20, 2^30), e.g. "8K", "0x1000", "2M".
 *
 * Nothing here allocates or keeps state; strings passed in are only read during the call. On any
 * error an output buffer holds the empty string (when it has room for one), never a partial result.
 */
#ifndef GNEISS_LABEL_H
#define GNEISS_LABEL_H

#include <gneiss/error.h>
#include <gneiss/string.h>
#include <gneiss/types.h>

#define GN_LABEL_SEP " -> "

enum {
	GN_LABEL_SEP_LEN = 4,
	GN_LABEL_MAX = 160, /* bytes of a label, NUL included: at most 159 characters */
	GN_ARGS_MAX = 160,  /* bytes of a session-argument string on the wire, NUL included */
};

/* ---- labels ------------------------------------------------------------------------------------ */

/*
 * Writes "parent_name -> child_label" to buf of the given size; just parent_name when child_label is
 * empty and just child_label when parent_name is empty. Both inputs are NUL-terminated.
 * Errors: GN_ERR_TRUNCATED when the result with its NUL exceeds size or GN_LABEL_MAX.
 */
gn_err_t gn_label_prefix(
	char *buf, size_t size, char const *parent_name, char const *child_label) GN_MUST_CHECK;

/*
 * Last element of the label of len bytes at label: returns a pointer into label and its length in
 * *last_len.
 */
char const *gn_label_last(char const *label, size_t len, size_t *last_len);

/* Length of the part of the label before its last separator (all but the last element). */
size_t gn_label_first(char const *label, size_t len);

/*
 * When label is `name` followed by " -> " or is `name` itself, returns the rest (the label as the
 * child named `name` chose it) and its length in *rest_len; otherwise NULL. The label is how the
 * parent of `name` sees it: this undoes gn_label_prefix.
 */
char const *gn_label_skip_prefix(
	char const *label, size_t len, char const *name, size_t name_len, size_t *rest_len);

/* Byte-wise tests of the label of len bytes against a pattern of pat_len bytes. */
bool gn_label_matches_exact(char const *label, size_t len, char const *pat, size_t pat_len);
bool gn_label_matches_prefix(char const *label, size_t len, char const *pat, size_t pat_len);
bool gn_label_matches_suffix(char const *label, size_t len, char const *pat, size_t pat_len);
/* The label's last element equals the pattern. */
bool gn_label_matches_last(char const *label, size_t len, char const *pat, size_t pat_len);

/* ---- session arguments ------------------------------------------------------------------------- */

/*
 * Checks that args is a well-formed argument string (grammar above) NUL-terminated within
 * GN_ARGS_MAX bytes. Errors: GN_ERR_INVALID_ARG.
 */
gn_err_t gn_args_check(char const *args) GN_MUST_CHECK;

/*
 * Reads the number of argument `key` into *value. Errors: GN_ERR_NOT_FOUND when there is no such
 * argument; GN_ERR_INVALID_ARG when args is malformed, key is no identifier or the value is no
 * number or overflows.
 */
gn_err_t gn_args_get_num(char const *args, char const *key, uint64_t *value) GN_MUST_CHECK;

/*
 * Copies the value of argument `key`, unquoted, into buf of the given size. Errors:
 * GN_ERR_NOT_FOUND, GN_ERR_INVALID_ARG as gn_args_get_num; GN_ERR_TRUNCATED when it does not fit.
 */
gn_err_t gn_args_get_string(
	char const *args, char const *key, char *buf, size_t size) GN_MUST_CHECK;

/*
 * Copies the "label" argument into buf (of at most GN_LABEL_MAX bytes used); an absent label reads
 * as the empty label. Errors: as gn_args_get_string, except GN_ERR_NOT_FOUND.
 */
gn_err_t gn_args_get_label(char const *args, char *buf, size_t size) GN_MUST_CHECK;

/*
 * Replace argument `key` of the argument string in args (a buffer of the given size) by `value`: as
 * in Genode, the old argument is removed and the new one appended at the end, so "a=1, b=2" with a
 * new a becomes "b=2, a=...". The string is rewritten with ", " between arguments. set_string writes
 * a quoted value, escaping '"'; set_num writes decimal digits. The result must fit size and
 * GN_ARGS_MAX. Errors (args is then unchanged): GN_ERR_INVALID_ARG when args is malformed, key is no
 * identifier, or value holds a control character or ends in a backslash; GN_ERR_TRUNCATED when the
 * result does not fit.
 */
gn_err_t gn_args_set_string(
	char *args, size_t size, char const *key, char const *value) GN_MUST_CHECK;
gn_err_t gn_args_set_num(char *args, size_t size, char const *key, uint64_t value) GN_MUST_CHECK;

/*
 * Removes argument `key` from args (a buffer of the given size). Errors (args then unchanged):
 * GN_ERR_NOT_FOUND when there is no such argument; GN_ERR_INVALID_ARG as gn_args_get_num.
 */
gn_err_t gn_args_remove(char *args, size_t size, char const *key) GN_MUST_CHECK;

/* ---- policy selection -------------------------------------------------------------------------- */

/* An attribute value as a zero-copy parser returns it; str == NULL when the attribute is absent. */
typedef struct {
	char const *str;
	size_t len;
} gn_label_attr_t;

/*
 * One <policy> (or <default-policy>, is_default) node of a server's config, or one <service> node of
 * a route. The attributes of a default candidate are ignored.
 */
typedef struct {
	gn_label_attr_t label;
	gn_label_attr_t label_prefix;
	gn_label_attr_t label_suffix;
	gn_label_attr_t label_last;
	bool is_default;
} gn_policy_candidate_t;

/* Attribute from a NUL-terminated string; NULL gives an absent attribute. */
static inline gn_label_attr_t gn_label_attr(char const *s)
{
	gn_label_attr_t a = {s, s ? gn_strlen(s) : 0};

	return a;
}

/*
 * Policy selection, following Genode's session_policy.h (Node_label_score):
 * 1. Leading and trailing spaces of the label and of every attribute value are ignored.
 * 2. A candidate conflicts when any attribute it has disagrees with the label: `label` differs from
 *    it, it does not start with `label_prefix`, does not end with `label_suffix`, or its last
 *    element differs from `label_last`. A conflicting candidate never matches; nor does a
 *    non-default candidate without any of the four attributes. Empty values are legal: an empty
 *    label_prefix matches every label, an empty label only the empty label.
 * 3. Among matching candidates, attributes rank in the order label, label_prefix, label_suffix,
 *    label_last. Comparing two candidates, the first attribute in that order that one has and the
 *    other lacks decides for the one that has it; when both have label_prefix (or label_suffix),
 *    the longer value wins; when both have `label`, they tie. So an exact label beats any prefix,
 *    a prefix plus a suffix beats the same prefix alone, and the longest prefix beats a suffix.
 * 4. Ties go to the candidate that comes first.
 * 5. Only when no candidate matches, the first is_default candidate is selected.
 * label_last is a Gneiss addition to the score: Genode's session_policy ignores it (a policy with
 * only label_last never matches there), and Genode's init routing compares label_last alone,
 * ignoring the other attributes of the same node.
 */

/* True when the non-default candidate c matches the NUL-terminated label (rules 1 and 2). */
bool gn_policy_matches(gn_policy_candidate_t const *c, char const *label);

/*
 * Selects the best of count candidates for the NUL-terminated label by the rules above and returns
 * its position in *index. Errors: GN_ERR_NOT_FOUND when nothing matches and there is no default;
 * GN_ERR_INVALID_ARG when the label is longer than GN_LABEL_MAX - 1 characters.
 */
gn_err_t gn_policy_select(gn_policy_candidate_t const *candidates, size_t count, char const *label,
	size_t *index) GN_MUST_CHECK;

#endif
