/*
 * What the files of the init config checker share (the interface is gneiss/init_config.h): the
 * node specs that drive the walk, the walk's frame and the checker's state, and the helpers the
 * hooks need. init_config.c holds the vocabulary, the walk and the entry points;
 * init_config_report.c says problems; init_config_lookup.c reads attribute values and finds the
 * nodes a name refers to; init_config_hooks.c holds the checks that depend on other nodes, which
 * the vocabulary names. Everything here lives for one call of the checker and allocates nothing.
 * The functions shared between the files carry the prefix gn_icfg_ (init config).
 */
#ifndef GN_INIT_CONFIG_CHECK_H
#define GN_INIT_CONFIG_CHECK_H

#include <gneiss/init_config.h>
#include <gneiss/types.h>
#include <gneiss/xml.h>

enum kind {
	STR,     /* any text */
	NAME,    /* a child, alias or binary name: not empty, GN_INIT_CONFIG_NAME_MAX */
	SERVICE, /* a service name: not empty, GN_SERVICE_NAME_MAX */
	LABEL,   /* a session label or part of one: GN_LABEL_MAX */
	NUM,     /* gn_xml_value_u64 */
	BOOL,    /* gn_xml_value_bool */
	INT,     /* decimal, optionally negative */
};

enum {
	ONCE = 1,     /* at most one such node in its parent */
	NEED_SUB = 2, /* must have a sub-node */
	ANY = 4,      /* any attributes and any content: not checked */
	OWNER = 8,    /* messages about it and its sub-nodes name it by its name attribute */
};

enum {
	WHERE_MAX = 96, /* "start \"" + a shown name + "\"" */
	SHOW_MAX = 48,  /* bytes of a value shown in a message, NUL included */
	TYPE_SHOW = 32, /* characters of an unknown node's or attribute's name shown */
	INT_MAX_DIGITS = 18,
};

typedef struct {
	char const *name;
	unsigned char kind;
	bool required;
} attr_spec_t;

typedef struct checker checker_t;
typedef struct frame frame_t;
typedef struct node_spec node_spec_t;

struct node_spec {
	char const *type;
	attr_spec_t const *attrs;       /* ends with {NULL} */
	attr_spec_t const *more;        /* a second list shared by several nodes, or NULL */
	node_spec_t const *const *subs; /* ends with NULL; NULL: no sub-nodes */
	unsigned flags;
	char const *missing;                           /* with NEED_SUB: what it lacks */
	void (*check)(checker_t *c, frame_t const *f); /* semantic checks, after the attributes */
};

struct frame {
	gn_xml_node_t node;
	frame_t const *up;
	char const *where; /* own, or an ancestor's */
	bool named;        /* where names the node: start "x" */
	char own[WHERE_MAX];
};

struct checker {
	gn_xml_node_t config;
	gn_init_config_report_fn report;
	void *ctx;
	unsigned count;
	uint64_t avail_ram, avail_caps, reserve_ram, reserve_caps;
	uint64_t sum_ram, sum_caps;
	bool ram_over, caps_over;
};

/* An attribute value as written (entities not decoded); {NULL, 0} for an absent one. */
typedef struct {
	char const *s;
	size_t len;
} view_t;

typedef enum {
	NO_CHILD,
	CHILD,
	BROKEN_ALIAS, /* an alias whose child is no <start> (reported at the alias) */
} lookup_t;

/* ---- reporting (init_config_report.c) -------------------------------------------------------- */

void GN_PRINTF(4, 5) gn_icfg_at_node(
	checker_t *c, gn_xml_node_t const *node, char const *where, char const *fmt, ...);
void GN_PRINTF(5, 6) gn_icfg_at_attr(checker_t *c, gn_xml_node_t const *node,
	gn_xml_attr_t const *a, char const *where, char const *fmt, ...);
char const *gn_icfg_show(view_t v, char *buf, size_t size);
char const *gn_icfg_show_attr(gn_xml_node_t const *node, char const *name, char *buf, size_t size);

/* ---- values and lookups (init_config_lookup.c) ----------------------------------------------- */

bool gn_icfg_view_of(gn_xml_node_t const *node, char const *name, view_t *v);
bool gn_icfg_view_is(view_t v, char const *lit);
bool gn_icfg_attr_is_lit(gn_xml_node_t const *node, char const *name, char const *lit);
bool gn_icfg_name_of(gn_xml_node_t const *node, char const *name, view_t *v);
bool gn_icfg_num_of(gn_xml_node_t const *node, char const *name, uint64_t *v);
bool gn_icfg_int_value(gn_xml_attr_t const *a, long long *v);
bool gn_icfg_find_named(checker_t const *c, char const *type, view_t name,
	gn_xml_node_t const *before, gn_xml_node_t *out);
lookup_t gn_icfg_lookup_child(checker_t const *c, view_t name, gn_xml_node_t *start);
bool gn_icfg_child_provides(gn_xml_node_t const *start, view_t service);
bool gn_icfg_parent_provides(checker_t const *c, view_t service);
void gn_icfg_unique_among_siblings(
	checker_t *c, frame_t const *f, char const *type, char const *what);

/* ---- the hooks the vocabulary names (init_config_hooks.c) ------------------------------------ */

void gn_icfg_check_config(checker_t *c, frame_t const *f);
void gn_icfg_check_unique_service(checker_t *c, frame_t const *f);
void gn_icfg_check_alias(checker_t *c, frame_t const *f);
void gn_icfg_check_top_resource(checker_t *c, frame_t const *f);
void gn_icfg_check_start(checker_t *c, frame_t const *f);
void gn_icfg_check_start_resource(checker_t *c, frame_t const *f);
void gn_icfg_check_rule(checker_t *c, frame_t const *f);
void gn_icfg_check_parent_target(checker_t *c, frame_t const *f);
void gn_icfg_check_child_target(checker_t *c, frame_t const *f);
void gn_icfg_check_any_child_target(checker_t *c, frame_t const *f);
void gn_icfg_check_policy_child(checker_t *c, frame_t const *f);

#endif
