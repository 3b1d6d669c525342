/*
 * Validation of init configurations: the language of Genode's init (DESIGN.md §7), checked offline
 * by `gneiss check` and online by init before it applies a new config.
 *
 * A check reports every problem it finds through a callback as (line, column, message) and returns
 * how many it reported; 0 means the config is valid. Lines and columns count from 1 as in
 * gn_xml_error_t (columns count bytes) and point at the node's '<' or the attribute's name. Messages
 * start with the part of the config they concern and quote its values, e.g.
 *	start "timer": attribute "caps" is not a number
 *	start "app": child "timer" does not provide service "Nic" (not in its <provides>)
 * Values from the document are shown decoded, control characters replaced by '?' and long ones cut
 * with "...", so a message is one printable line of less than GN_INIT_CONFIG_MSG_MAX bytes.
 * Problems are reported node by node in document order (a node's own before its sub-nodes'); a
 * malformed document yields exactly one report, the parser's.
 *
 * What is checked (each an error; there are no warnings):
 * - the vocabulary: every node and attribute outside a <start>'s inline <config> must be one that
 *   Genode's init understands (lib/base/init_config.c lists them with their sources), and a node
 *   that Genode reads once (<binary>, <route>, <default-route>, ...) must not appear twice;
 * - values: numbers (decimal or 0x hex, suffix K/M/G) and booleans (yes/no, true/false, on/off)
 *   parse; names are not empty and fit (child and alias names GN_INIT_CONFIG_NAME_MAX - 1
 *   characters, service names GN_SERVICE_NAME_MAX - 1, labels GN_LABEL_MAX - 1); required
 *   attributes are present; priorities are 0 or negative and within prio_levels, which is a power of
 *   two; resource names are known; a CPU quantum is at most 100 percent; an <affinity> has an
 *   <affinity-space> and lies inside it;
 * - names: no two <start>/<alias> share a name, an alias names a <start>, parent-provides and
 *   provides list no service twice;
 * - routes: a <child name> target names a <start> or <alias>, not the routed child itself; a
 *   target of a <service name="X"> rule can serve X: the parent lists X in <parent-provides>, the
 *   child lists X in its <provides> (a service it does not list can never be announced: Genode's
 *   init refuses the announcement, so the route is dead and this is an error, not a warning),
 *   <any-child/> finds exactly one child providing X (none: dead; several: Genode's init denies
 *   the session as ambiguous); a rule has at least one target and does not mix unscoped_label with
 *   scoped label attributes; the policies of a re-exported <service> name children providing it;
 * - quotas: every child has a RAM and a cap quota (its attribute, its <resource>, or <default>),
 *   given only one way; when the available quota is known, the children's quotas added in document
 *   order plus what init keeps for itself fit it (reported once, at the first child that does not).
 *
 * The root node is <config>. A <runtime> document (a Genode package runtime) is accepted too: its
 * binary must be "init" and its <config> sub-node is checked, with positions in the whole file.
 *
 * Nothing here allocates or keeps state; the buffer and the nodes are only read during the call.
 * The callback is called synchronously and may be NULL (then problems are only counted).
 */
#ifndef GNEISS_INIT_CONFIG_H
#define GNEISS_INIT_CONFIG_H

#include <gneiss/types.h>
#include <gneiss/xml.h>

enum {
	GN_INIT_CONFIG_MSG_MAX = 256, /* bytes of a message, NUL included */
	GN_INIT_CONFIG_NAME_MAX = 64, /* bytes of a child or alias name, NUL included */
	GN_INIT_CONFIG_RESERVE_RAM_DEFAULT = 320 * GN_KIB, /* what Genode's init keeps (64 bit) */
	GN_INIT_CONFIG_RESERVE_CAPS_DEFAULT = 20,
};

/* An available quota that is not checked. */
#define GN_INIT_CONFIG_UNLIMITED UINT64_MAX

typedef struct {
	/* What init may hand to its children; GN_INIT_CONFIG_UNLIMITED: sums are not checked. */
	uint64_t avail_ram, avail_caps;
	/* What init keeps for itself, unless the config's <resource name="RAM|CAP" preserve> says. */
	uint64_t reserve_ram, reserve_caps;
	/* In a <runtime> document, its ram and caps attributes are the available quota. */
	bool runtime_quota;
} gn_init_config_opts_t;

/* Unlimited, Genode's reserves, no runtime quota: what a NULL opts means. */
void gn_init_config_opts_default(gn_init_config_opts_t *opts);

/* Receives one problem; message is valid during the call only. */
typedef void (*gn_init_config_report_fn)(
	void *ctx, unsigned line, unsigned column, char const *message);

/*
 * Checks the len bytes at buf (not necessarily NUL-terminated) as an init config with the default
 * options. Returns the number of problems reported.
 */
unsigned gn_init_config_check(
	char const *buf, size_t len, gn_init_config_report_fn report, void *ctx);

/* As gn_init_config_check(), with the given options (NULL: the defaults). */
unsigned gn_init_config_check_opts(char const *buf, size_t len, gn_init_config_opts_t const *opts,
	gn_init_config_report_fn report, void *ctx);

/*
 * Checks a document parsed already (by gn_xml_parse()); root is its root node, <config> or
 * <runtime>. For init, which has parsed its new config ROM and must decide whether to apply it.
 * An invalid root node is one problem, reported at 0:0.
 */
unsigned gn_init_config_check_node(gn_xml_node_t const *root, gn_init_config_opts_t const *opts,
	gn_init_config_report_fn report, void *ctx);

#endif
