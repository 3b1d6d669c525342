/*
 * gn_route_resolve: every selector and target, first-match order, <route> versus <default-route>,
 * parent-provides, any-child with 0/1/several providers, aliases, label rewriting, the requests init
 * answers itself, the world callbacks, denials and malformed configs, and Genode's own test
 * runtimes when ../shared/genode-configs is there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "genode_configs.h"
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gneiss/route.h>

/* A parsed copy of a config, in a heap buffer of exactly its length. */
typedef struct {
	char *buf;
	gn_xml_node_t root;
} cfg_t;

static void load_n(cfg_t *c, char const *text, size_t len)
{
	gn_xml_error_t err;

	c->buf = malloc(len ? len : 1);
	assert_non_null(c->buf);
	memcpy(c->buf, text, len);
	if (gn_xml_parse(c->buf, len, &c->root, &err) != GN_OK) {
		print_error("%u:%u: %s\n", err.line, err.column, err.what);
		fail();
	}
}

static void load(cfg_t *c, char const *text)
{
	load_n(c, text, strlen(text));
}

static void unload(cfg_t *c)
{
	free(c->buf);
}

static gn_err_t resolve_w(cfg_t const *c, char const *child, char const *service, char const *label,
	bool env, gn_route_world_t const *world, gn_route_t *out)
{
	gn_route_request_t const req = {child, service, label, env};

	return gn_route_resolve(&c->root, NULL, &req, world, out);
}

static gn_err_t resolve(
	cfg_t const *c, char const *child, char const *service, char const *label, gn_route_t *out)
{
	return resolve_w(c, child, service, label, false, NULL, out);
}

static void expect_parent(cfg_t const *c, char const *child, char const *service, char const *label,
	char const *want_label)
{
	gn_route_t r;
	gn_err_t const err = resolve(c, child, service, label, &r);

	if (err != GN_OK)
		print_error("%s %s \"%s\": %s; %s\n", child, service, label, r.reason, r.detail);
	assert_int_equal(err, GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_PARENT);
	assert_string_equal(r.server, "");
	assert_string_equal(r.label, want_label);
	assert_true(gn_xml_node_valid(&r.rule));
	assert_true(gn_xml_has_type(&r.target, "parent"));
}

static void expect_child(cfg_t const *c, char const *child, char const *service, char const *label,
	char const *want_server, char const *want_label)
{
	gn_route_t r;
	gn_err_t const err = resolve(c, child, service, label, &r);

	if (err != GN_OK)
		print_error("%s %s \"%s\": %s; %s\n", child, service, label, r.reason, r.detail);
	assert_int_equal(err, GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_CHILD);
	assert_string_equal(r.server, want_server);
	assert_string_equal(r.label, want_label);
	assert_int_equal(r.to_self, strcmp(child, want_server) == 0);
}

/* Denied with the reason init logs; returns the detail for further checks. */
static char const *expect_denied(
	cfg_t const *c, char const *child, char const *service, char const *label, gn_route_t *r)
{
	char want[GN_ROUTE_MSG_MAX];

	assert_int_equal(resolve(c, child, service, label, r), GN_ERR_DENIED);
	assert_int_equal(r->kind, GN_ROUTE_DENIED);
	assert_string_equal(r->server, "");
	assert_string_equal(r->label, "");
	assert_false(gn_xml_node_valid(&r->target));
	snprintf(want, sizeof(want), "no route to service \"%s\" (label \"%s\")", service, label);
	assert_string_equal(r->reason, want);
	assert_true(r->detail[0] != 0);
	return r->detail;
}

static void assert_contains(char const *s, char const *part)
{
	if (!strstr(s, part))
		print_error("\"%s\" lacks \"%s\"\n", s, part);
	assert_non_null(strstr(s, part));
}

/* ---- targets ----------------------------------------------------------------------------------- */

static void parent_target(void **state)
{
	cfg_t c;

	(void)state;
	load(&c, "<config>"
		 " <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> "
		 "</parent-provides>"
		 " <start name=\"app\"> <route> <any-service> <parent/> </any-service> </route> "
		 "</start>"
		 "</config>");
	expect_parent(&c, "app", "LOG", "", "app");
	expect_parent(&c, "app", "LOG", "x", "app -> x");
	expect_parent(&c, "app", "ROM", "sub -> config", "app -> sub -> config");
	unload(&c);
}

static void parent_needs_parent_provides(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	/* no <parent-provides> at all: nothing goes to the parent */
	load(&c, "<config>"
		 " <start name=\"app\"> <route> <any-service> <parent/> </any-service> </route> "
		 "</start>"
		 "</config>");
	assert_contains(expect_denied(&c, "app", "LOG", "", &r), "not in <parent-provides>");
	assert_string_equal(r.reason, "no route to service \"LOG\" (label \"\")");
	unload(&c);

	/* listed services only; several <parent-provides> nodes all count */
	load(&c, "<config>"
		 " <parent-provides> <service name=\"LOG\"/> </parent-provides>"
		 " <parent-provides> <service name=\"PD\"/> </parent-provides>"
		 " <start name=\"app\"> <route> <any-service> <parent/> </any-service> </route> "
		 "</start>"
		 "</config>");
	expect_parent(&c, "app", "LOG", "", "app");
	expect_parent(&c, "app", "PD", "", "app");
	expect_denied(&c, "app", "Timer", "t", &r);
	assert_string_equal(r.reason, "no route to service \"Timer\" (label \"t\")");
	unload(&c);
}

static char const children_config[] =
	"<config>"
	" <parent-provides> <service name=\"LOG\"/> <service name=\"Timer\"/> </parent-provides>"
	" <start name=\"timer\"> <provides> <service name=\"Timer\"/> </provides> </start>"
	" <start name=\"fs1\"> <provides> <service name=\"File_system\"/> </provides> </start>"
	" <start name=\"fs2\"> <provides> <service name=\"File_system\"/> </provides> </start>"
	" <start name=\"app\"> <route>"
	"  <service name=\"Timer\" label=\"a\"> <child name=\"timer\"/> </service>"
	"  <service name=\"Timer\" label=\"b\"> <child name=\"fs1\"/> </service>"
	"  <service name=\"Timer\" label=\"c\"> <child name=\"nobody\"/> </service>"
	"  <service name=\"Timer\" label=\"d\"> <child/> </service>"
	"  <service name=\"Timer\" label=\"e\"> <child name=\"\"/> </service>"
	"  <service name=\"Timer\" label=\"f\"> <parent/> <child name=\"timer\"/> </service>"
	"  <service name=\"Timer\" label=\"g\"> <child name=\"timer\"/> <parent/> </service>"
	"  <service name=\"Timer\" label=\"h\"> <child name=\"nobody\"/> <parent/> </service>"
	"  <service name=\"Timer\" label=\"i\"> <bogus/> <child name=\"timer\"/> </service>"
	"  <service name=\"File_system\" label=\"one\"> <child name=\"fs1\"/> </service>"
	"  <service name=\"File_system\" label=\"any\"> <any-child/> </service>"
	"  <service name=\"File_system\" label=\"any-then-parent\"> <any-child/> <parent/> "
	"</service>"
	"  <service name=\"File_system\" label=\"any-then-child\"> <any-child/> <child "
	"name=\"fs2\"/>"
	"  </service>"
	"  <any-service> <any-child/> </any-service>"
	" </route> </start>"
	"</config>";

static void child_target(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, children_config);
	expect_child(&c, "app", "Timer", "a", "timer", "app -> a");
	expect_child(&c, "app", "File_system", "one", "fs1", "app -> one");

	/* a child that does not list the service in <provides>, or does not exist */
	assert_contains(expect_denied(&c, "app", "Timer", "b", &r),
		"no child \"fs1\" that provides the service");
	assert_contains(expect_denied(&c, "app", "Timer", "c", &r), "no child \"nobody\"");

	/* <child/> without a name, or with an empty one: denied, never a crash */
	assert_contains(expect_denied(&c, "app", "Timer", "d", &r), "<child> without a name");
	assert_contains(expect_denied(&c, "app", "Timer", "e", &r), "no child \"\"");
	unload(&c);
}

static void target_order(void **state)
{
	cfg_t c;

	(void)state;
	load(&c, children_config);
	/* the first target that accepts wins, in document order */
	expect_parent(&c, "app", "Timer", "f", "app -> f");
	expect_child(&c, "app", "Timer", "g", "timer", "app -> g");
	expect_parent(&c, "app", "Timer", "h", "app -> h");
	/* an unknown target type fails like any other */
	expect_child(&c, "app", "Timer", "i", "timer", "app -> i");
	unload(&c);
}

static void any_child(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, children_config);
	/* one provider */
	expect_child(&c, "app", "Timer", "zzz", "timer", "app -> zzz");
	assert_int_equal(resolve(&c, "app", "Timer", "zzz", &r), GN_OK);
	assert_string_equal(r.warning, "");
	assert_true(gn_xml_has_type(&r.rule, "any-service"));
	assert_true(gn_xml_has_type(&r.target, "any-child"));

	/* no provider */
	assert_contains(expect_denied(&c, "app", "Nic", "", &r), "no child provides");

	/* several providers: ambiguous, logged, and this target fails */
	assert_contains(expect_denied(&c, "app", "File_system", "any", &r), "several children");
	assert_string_equal(r.warning, "ambiguous routes to service \"File_system\"");

	/* ... then the next target is tried; the warning stays */
	assert_int_equal(resolve(&c, "app", "File_system", "any-then-child", &r), GN_OK);
	assert_string_equal(r.server, "fs2");
	assert_string_equal(r.warning, "ambiguous routes to service \"File_system\"");
	assert_int_equal(resolve(&c, "app", "File_system", "any-then-parent", &r), GN_ERR_DENIED);
	unload(&c);

	/* a later start node of the same name is not a second provider (Genode defers it) */
	load(&c, "<config>"
		 " <start name=\"s\"> <provides> <service name=\"X\"/> </provides> </start>"
		 " <start name=\"s\"> <provides> <service name=\"X\"/> </provides> </start>"
		 " <start> <provides> <service name=\"X\"/> </provides> </start>"
		 " <start name=\"app\"> <route> <any-service> <any-child/> </any-service> </route>"
		 " </start>"
		 "</config>");
	expect_child(&c, "app", "X", "", "s", "app");
	unload(&c);
}

static void self_route(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, "<config>"
		 " <start name=\"srv\"> <provides> <service name=\"X\"/> </provides>"
		 "  <route> <service name=\"X\"> <child name=\"srv\"/> </service>"
		 "   <any-service> <any-child/> </any-service> </route> </start>"
		 "</config>");
	expect_child(&c, "srv", "X", "", "srv", "srv");
	assert_int_equal(resolve(&c, "srv", "X", "", &r), GN_OK);
	assert_true(r.to_self);
	unload(&c);
}

/* ---- rules ------------------------------------------------------------------------------------- */

static void first_match(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, "<config>"
		 " <parent-provides> <service name=\"LOG\"/> <service name=\"Timer\"/>"
		 "  <service name=\"ROM\"/> <service name=\"PD\"/> </parent-provides>"
		 " <start name=\"log\"> <provides> <service name=\"LOG\"/> </provides> </start>"
		 " <start name=\"app\"> <route>"
		 "  <bogus> <parent/> </bogus>"
		 "  <service> <parent/> </service>"
		 "  <service name=\"LOG\"> <child name=\"log\"/> </service>"
		 "  <service name=\"Timer\"> <child name=\"nobody\"/> </service>"
		 "  <service name=\"ROM\"/>"
		 "  <any-service> <child name=\"nobody\"/> </any-service>"
		 "  <any-service> <parent/> </any-service>"
		 " </route> </start>"
		 "</config>");
	/* the explicit rule shadows the wildcard */
	expect_child(&c, "app", "LOG", "", "log", "app");
	/* a <service> rule whose targets all fail denies: no fall-through */
	assert_contains(expect_denied(&c, "app", "Timer", "", &r), "no child \"nobody\"");
	assert_true(gn_xml_has_type(&r.rule, "service"));
	/* ... also one without targets */
	assert_contains(expect_denied(&c, "app", "ROM", "", &r), "the rule has no target");
	/* an <any-service> rule whose targets all fail falls through to the next rule */
	expect_parent(&c, "app", "PD", "", "app");
	unload(&c);
}

static char const default_route_config[] =
	"<config>"
	" <parent-provides> <service name=\"LOG\"/> <service name=\"ROM\"/> </parent-provides>"
	" <default-route> <service name=\"ROM\"> <parent label=\"first\"/> </service> "
	"</default-route>"
	" <default-route> <any-service> <parent/> </any-service> </default-route>"
	" <start name=\"plain\"/>"
	" <start name=\"own\"> <route> <service name=\"ROM\"> <parent/> </service> </route> "
	"</start>"
	" <start name=\"empty\"> <route/> </start>"
	"</config>";

static void default_route(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, default_route_config);
	/* without <route>: the (last) <default-route> */
	expect_parent(&c, "plain", "LOG", "", "plain");
	expect_parent(&c, "plain", "ROM", "x", "plain -> x");
	/* with <route>: only the <route>, never the default route as well */
	expect_parent(&c, "own", "ROM", "x", "own -> x");
	expect_denied(&c, "own", "LOG", "", &r);
	expect_denied(&c, "empty", "LOG", "", &r);
	unload(&c);

	/* neither */
	load(&c, "<config> <parent-provides> <service name=\"LOG\"/> </parent-provides>"
		 " <start name=\"app\"/> </config>");
	assert_contains(expect_denied(&c, "app", "LOG", "", &r), "no <default-route>");
	unload(&c);
}

static char const selector_config[] =
	"<config>"
	" <parent-provides> <service name=\"ROM\"/> <service name=\"LOG\"/> </parent-provides>"
	" <start name=\"app\"> <route>"
	"  <service name=\"ROM\" label=\"exact\"> <parent label=\"label\"/> </service>"
	"  <service name=\"ROM\" label=\" padded \"> <parent label=\"padded\"/> </service>"
	"  <service name=\"ROM\" label=\"\"> <parent label=\"empty\"/> </service>"
	"  <service name=\"ROM\" label_prefix=\"pre\"> <parent label=\"prefix\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\".png\"> <parent label=\"suffix\"/> </service>"
	"  <service name=\"ROM\" label_prefix=\" both \" label_suffix=\" .so \">"
	"   <parent label=\"prefix+suffix\"/> </service>"
	"  <service name=\"ROM\" label=\" lp \" label_prefix=\"\"> <parent label=\"label+prefix\"/>"
	"  </service>"
	"  <service name=\"ROM\" label_last=\"last\" label=\"ignored\"> <parent label=\"last\"/>"
	"  </service>"
	"  <service name=\"ROM\" unscoped_label=\"app -> un\"> <parent label=\"unscoped\"/>"
	"  </service>"
	"  <service name=\"ROM\" unscoped_label=\"un2\"> <parent label=\"unscoped2\"/> </service>"
	"  <any-service> <parent label=\"fallback\"/> </any-service>"
	" </route> </start>"
	"</config>";

/* The label the selector_config routes the ROM request with the given label to. */
static void expect_selected(cfg_t const *c, char const *label, char const *want)
{
	expect_parent(c, "app", "ROM", label, want);
}

static void selectors(void **state)
{
	cfg_t c;

	(void)state;
	load(&c, selector_config);
	/* label alone: exact, against the label the child chose, no trimming (Genode's pre-check) */
	expect_selected(&c, "exact", "label");
	expect_selected(&c, "app -> exact", "fallback");
	expect_selected(&c, " exact", "fallback");
	expect_selected(&c, " padded ", "padded");
	expect_selected(&c, "padded", "fallback");
	expect_selected(&c, "", "empty");
	/* label_prefix, label_suffix: byte-wise, not element-aligned */
	expect_selected(&c, "prefix", "prefix");
	expect_selected(&c, "pre", "prefix");
	expect_selected(&c, "x -> pre", "fallback");
	expect_selected(&c, "icon.png", "suffix");
	/* with several, all must agree; values and label trimmed (Node_label_score) */
	expect_selected(&c, "both-lib.so", "prefix+suffix");
	expect_selected(&c, " both-lib.so ", "prefix+suffix");
	expect_selected(&c, "both-lib.sox", "fallback");
	expect_selected(&c, "lp", "label+prefix");
	expect_selected(&c, "  lp", "label+prefix");
	/* label_last: the last element only, other selectors of the node ignored */
	expect_selected(&c, "last", "last");
	expect_selected(&c, "sub -> last", "last");
	expect_selected(&c, "last -> x", "fallback");
	/* unscoped_label: the whole label, child's name in front */
	expect_selected(&c, "app -> un", "fallback");
	expect_selected(&c, "un", "unscoped");
	expect_selected(&c, "un2", "fallback");
	unload(&c);
}

static void selector_edge_cases(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c,
		"<config>"
		" <parent-provides> <service name=\"LOG\"/> </parent-provides>"
		" <start name=\"app\"> <route>"
		"  <service name=\"LOG\" label_last=\"\"> <parent label=\"last-empty\"/> </service>"
		"  <service name=\"LOG\" unscoped_label=\"app -> z\" label=\"q\">"
		"   <parent label=\"mixed\"/> </service>"
		"  <service name=\"LOG\" unscoped_label=\"app\"> <parent label=\"bare\"/> "
		"</service>"
		"  <any-service> <parent/> </any-service>"
		" </route> </start>"
		"</config>");
	/* an empty label's last element is empty, as in Genode ("app -> ") */
	expect_parent(&c, "app", "LOG", "", "last-empty");
	expect_parent(&c, "app", "LOG", "x -> ", "last-empty");
	/* unscoped_label wins over the scoped selectors of the same node, with a warning */
	assert_int_equal(resolve(&c, "app", "LOG", "z", &r), GN_OK);
	assert_string_equal(r.label, "mixed");
	assert_contains(r.warning, "both scoped and unscoped");
	assert_int_equal(resolve(&c, "app", "LOG", "q", &r), GN_OK);
	assert_string_equal(r.label, "app -> q");
	unload(&c);

	/* an empty label is "app" in Gneiss's form and "app -> " in Genode's: both select it */
	load(&c, "<config>"
		 " <parent-provides> <service name=\"LOG\"/> </parent-provides>"
		 " <start name=\"app\"> <route>"
		 "  <service name=\"LOG\" unscoped_label=\"app\"> <parent label=\"gneiss\"/> "
		 "</service>"
		 " </route> </start>"
		 " <start name=\"b\"> <route>"
		 "  <service name=\"LOG\" unscoped_label=\"b -&gt; \"> <parent label=\"raw\"/>"
		 "  </service>"
		 "  <service name=\"LOG\" unscoped_label=\"b -> \"> <parent label=\"genode\"/> "
		 "</service>"
		 " </route> </start>"
		 "</config>");
	expect_parent(&c, "app", "LOG", "", "gneiss");
	/* attribute values are compared verbatim, entities not decoded (as Genode) */
	expect_parent(&c, "b", "LOG", "", "genode");
	unload(&c);
}

/* ---- environment requests and requests init answers itself ------------------------------------ */

static void env_requests(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, "<config>"
		 " <parent-provides> <service name=\"ROM\"/> <service name=\"PD\"/> "
		 "</parent-provides>"
		 " <start name=\"app\"> <route>"
		 "  <service name=\"PD\" label=\"app\"> <parent label=\"scoped\"/> </service>"
		 "  <service name=\"PD\" label_last=\"app\"> <parent label=\"last\"/> </service>"
		 "  <service name=\"ROM\" unscoped_label=\"app\"> <parent label=\"unscoped\"/>"
		 "  </service>"
		 "  <service name=\"ROM\" label=\"\"> <parent label=\"scoped-empty\"/> </service>"
		 "  <any-service> <parent/> </any-service>"
		 " </route> </start>"
		 "</config>");
	/* the label is not prefixed: scoped selectors never match, label_last does */
	assert_int_equal(resolve_w(&c, "app", "PD", "app", true, NULL, &r), GN_OK);
	assert_string_equal(r.label, "last");
	assert_int_equal(resolve_w(&c, "app", "ROM", "app", true, NULL, &r), GN_OK);
	assert_string_equal(r.label, "unscoped");
	assert_int_equal(resolve_w(&c, "app", "ROM", "other", true, NULL, &r), GN_OK);
	assert_string_equal(r.label, "other");
	/* the same label chosen by the child is the empty label, prefixed */
	expect_parent(&c, "app", "ROM", "", "unscoped");
	unload(&c);
}

static void binary_rom(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	/* Genode's test-init "binary re-routed to same route" */
	load(&c, "<config>"
		 " <parent-provides> <service name=\"ROM\"/> </parent-provides>"
		 " <start name=\"test\"> <binary name=\"renamed_dummy\"/> <route>"
		 "  <service name=\"ROM\" unscoped_label=\"renamed_dummy\"> <parent "
		 "label=\"dummy\"/>"
		 "  </service>"
		 "  <any-service> <parent/> </any-service>"
		 " </route> </start>"
		 " <start name=\"plain\" ld=\"no\"> <binary name=\"plain_bin\"/> </start>"
		 " <start name=\"same\"> <binary name=\"same\"/> </start>"
		 " <default-route> <any-service> <parent/> </any-service> </default-route>"
		 "</config>");
	assert_int_equal(resolve_w(&c, "test", "ROM", "test", true, NULL, &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_PARENT);
	assert_string_equal(r.label, "dummy");
	/* the child's own request for a ROM of its binary's name is routed normally */
	expect_parent(&c, "test", "ROM", "test", "test -> test");
	/* without a rule for it, the binary's name is the label presented */
	assert_int_equal(resolve_w(&c, "plain", "ROM", "plain", true, NULL, &r), GN_OK);
	assert_string_equal(r.label, "plain_bin");
	/* ld="no": ld.lib.so is the binary itself */
	assert_int_equal(resolve_w(&c, "plain", "ROM", "ld.lib.so", true, NULL, &r), GN_OK);
	assert_string_equal(r.label, "plain_bin");
	assert_int_equal(resolve_w(&c, "test", "ROM", "ld.lib.so", true, NULL, &r), GN_OK);
	assert_string_equal(r.label, "ld.lib.so");
	/* binary name equal to the child's name: no substitution */
	assert_int_equal(resolve_w(&c, "same", "ROM", "same", true, NULL, &r), GN_OK);
	assert_string_equal(r.label, "same");
	unload(&c);
}

static void init_answers_itself(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, "<config>"
		 " <parent-provides> <service name=\"ROM\"/> <service name=\"LOG\"/> "
		 "</parent-provides>"
		 " <default-route> <any-service> <parent/> </any-service> </default-route>"
		 " <start name=\"with\"> <config> <x/> </config> <route>"
		 "  <service name=\"ROM\" label=\"config\"> <parent label=\"routed\"/> </service>"
		 "  <any-service> <parent/> </any-service> </route> </start>"
		 " <start name=\"without\"> <route>"
		 "  <service name=\"ROM\" label=\"config\"> <parent label=\"routed\"/> </service>"
		 "  <service name=\"ROM\"> <parent/> </service> </route> </start>"
		 "</config>");
	/* an inline <config> answers every ROM request whose last element is "config" */
	assert_int_equal(resolve(&c, "with", "ROM", "config", &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_CONFIG);
	assert_string_equal(r.label, "with -> config");
	assert_false(gn_xml_node_valid(&r.rule));
	assert_int_equal(resolve(&c, "with", "ROM", "sub -> config", &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_CONFIG);
	/* other services and labels are routed */
	expect_parent(&c, "with", "LOG", "config", "with -> config");
	expect_parent(&c, "with", "ROM", "config.x", "with -> config.x");
	/* without an inline <config>, the request is routed */
	expect_parent(&c, "without", "ROM", "config", "routed");
	/* session_requests, whatever the route, with an empty label */
	assert_int_equal(resolve(&c, "without", "ROM", "session_requests", &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_SESSION_REQUESTS);
	assert_string_equal(r.label, "");
	assert_int_equal(resolve(&c, "with", "ROM", "a -> session_requests", &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_SESSION_REQUESTS);
	unload(&c);
}

/* ---- label rewriting --------------------------------------------------------------------------- */

static char const rewrite_config[] =
	"<config>"
	" <parent-provides> <service name=\"ROM\"/> </parent-provides>"
	" <start name=\"srv\"> <provides> <service name=\"ROM\"/> </provides> </start>"
	" <start name=\"app\"> <route>"
	"  <service name=\"ROM\" label=\"l\"> <parent label=\"fixed\"/> </service>"
	"  <service name=\"ROM\" label=\"c\"> <child name=\"srv\" label=\"from child\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\"id\"> <parent identity=\"who\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\"res\"> <parent resource=\"what\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\"pre\"> <parent prepend_resource=\"/dir/\"/>"
	"  </service>"
	"  <service name=\"ROM\" label_suffix=\"nil\"> <parent identity=\"\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\"all\">"
	"   <child name=\"srv\" identity=\"i\" resource=\"r\" prepend_resource=\"p/\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\"blank\"> <parent resource=\"\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\"wins\"> <parent label=\"L\" identity=\"I\"/>"
	"  </service>"
	"  <service name=\"ROM\" label_suffix=\"empty\"> <parent label=\"\"/> </service>"
	"  <service name=\"ROM\" label_suffix=\"long\"> <parent prepend_resource=\""
	"0123456789012345678901234567890123456789012345678901234567890123456789"
	"0123456789012345678901234567890123456789012345678901234567890123456789"
	"0123456789012345678901234567890123456789012345678901234567890123456789\"/>"
	"   <parent/> </service>"
	"  <service name=\"ROM\" label_suffix=\"ctl\"> <parent label=\"a\nb\"/> </service>"
	"  <any-service> <any-child/> </any-service>"
	" </route> </start>"
	"</config>";

static void label_rewriting(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, rewrite_config);
	/* label replaces the whole label, for a parent or a child target */
	expect_parent(&c, "app", "ROM", "l", "fixed");
	expect_child(&c, "app", "ROM", "c", "srv", "from child");
	expect_parent(&c, "app", "ROM", "wins", "L");
	expect_parent(&c, "app", "ROM", "empty", "");
	/* identity replaces everything but the last element */
	expect_parent(&c, "app", "ROM", "id", "who -> id");
	expect_parent(&c, "app", "ROM", "sub -> id", "who -> id");
	/* resource replaces the last element */
	expect_parent(&c, "app", "ROM", "res", "app -> what");
	expect_parent(&c, "app", "ROM", "sub -> res", "app -> sub -> what");
	/* prepend_resource goes in front of the last element */
	expect_parent(&c, "app", "ROM", "pre", "app -> /dir/pre");
	expect_parent(&c, "app", "ROM", "sub -> pre", "app -> sub -> /dir/pre");
	/* an empty identity leaves the resource alone; an empty resource the identity */
	expect_parent(&c, "app", "ROM", "x -> nil", "nil");
	expect_parent(&c, "app", "ROM", "blank", "app");
	expect_child(&c, "app", "ROM", "all", "srv", "i -> p/r");
	/* no rewriting attribute: unchanged */
	expect_child(&c, "app", "ROM", "other", "srv", "app -> other");
	expect_child(&c, "app", "ROM", "", "srv", "app");

	/* a rewritten label that does not fit, or holds control characters: denied, not cut */
	assert_contains(expect_denied(&c, "app", "ROM", "long", &r), "too long");
	assert_true(gn_xml_node_valid(&r.rule));
	assert_contains(expect_denied(&c, "app", "ROM", "ctl", &r), "control characters");
	unload(&c);
}

/* ---- aliases ----------------------------------------------------------------------------------- */

static void aliases(void **state)
{
	cfg_t c;
	gn_route_t r;

	(void)state;
	load(&c, "<config>"
		 " <alias name=\"log\" child=\"log_server\"/>"
		 " <alias name=\"ghost\" child=\"nobody\"/>"
		 " <alias name=\"broken\"/>"
		 " <alias name=\"chain\" child=\"log\"/>"
		 " <alias name=\"also_log\" child=\"log_server\"/>"
		 " <start name=\"log_server\"> <provides> <service name=\"LOG\"/> </provides> "
		 "</start>"
		 " <start name=\"app\"> <route>"
		 "  <service name=\"LOG\" label=\"a\"> <child name=\"log\"/> </service>"
		 "  <service name=\"LOG\" label=\"b\"> <child name=\"ghost\"/> </service>"
		 "  <service name=\"LOG\" label=\"c\"> <child name=\"broken\"/> </service>"
		 "  <service name=\"LOG\" label=\"d\"> <child name=\"chain\"/> </service>"
		 "  <service name=\"LOG\" label=\"e\"> <child name=\"log_server\"/> </service>"
		 "  <any-service> <any-child/> </any-service>"
		 " </route> </start>"
		 "</config>");
	expect_child(&c, "app", "LOG", "a", "log_server", "app -> a");
	expect_child(&c, "app", "LOG", "e", "log_server", "app -> e");
	assert_contains(expect_denied(&c, "app", "LOG", "b", &r), "no child \"nobody\"");
	assert_contains(expect_denied(&c, "app", "LOG", "c", &r), "no child \"\"");
	/* one step only, as Genode's deref_alias */
	assert_contains(expect_denied(&c, "app", "LOG", "d", &r), "no child \"log\"");
	/* aliases are no providers: two aliases of one server are not ambiguous */
	expect_child(&c, "app", "LOG", "z", "log_server", "app -> z");
	unload(&c);
}

/* ---- the world --------------------------------------------------------------------------------- */

typedef struct {
	char const *children[4];
	char const *provider; /* the only child that provides anything */
	char const *local;    /* the service init implements itself */
	bool parent_all;      /* init's parent offers everything */
	unsigned provides_calls;
} world_ctx_t;

static char const *w_child(void *ctx, size_t i)
{
	world_ctx_t *w = ctx;

	return i < 4 ? w->children[i] : NULL;
}

static bool w_provides(void *ctx, char const *child, char const *service)
{
	world_ctx_t *w = ctx;

	(void)service;
	w->provides_calls++;
	return w->provider && strcmp(child, w->provider) == 0;
}

static bool w_parent(void *ctx, char const *service)
{
	(void)service;
	return ((world_ctx_t *)ctx)->parent_all;
}

static bool w_local(void *ctx, char const *service)
{
	world_ctx_t *w = ctx;

	return w->local && strcmp(service, w->local) == 0;
}

static void world_callbacks(void **state)
{
	cfg_t c;
	gn_route_t r;
	world_ctx_t w = {{"a", "b", "app", NULL}, "b", "Report", false, 0};
	gn_route_world_t const world = {&w, w_child, w_provides, w_parent, w_local};

	(void)state;
	load(&c, "<config>"
		 " <start name=\"a\"> <provides> <service name=\"X\"/> </provides> </start>"
		 " <start name=\"app\"> <route>"
		 "  <service name=\"X\" label=\"named\"> <child name=\"a\"/> <child name=\"b\"/>"
		 "  </service>"
		 "  <service name=\"Report\"> <parent/> <local/> </service>"
		 "  <any-service> <parent/> <any-child/> </any-service>"
		 " </route> </start>"
		 "</config>");
	/* the world, not the config, says who is alive and provides what */
	assert_int_equal(resolve_w(&c, "app", "X", "named", false, &world, &r), GN_OK);
	assert_string_equal(r.server, "b");
	assert_int_equal(resolve_w(&c, "app", "X", "", false, &world, &r), GN_OK);
	assert_string_equal(r.server, "b");
	assert_true(w.provides_calls > 0);
	/* <local/> */
	assert_int_equal(resolve_w(&c, "app", "Report", "", false, &world, &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_LOCAL);
	assert_string_equal(r.label, "app");
	/* the parent offers all */
	w.parent_all = true;
	assert_int_equal(resolve_w(&c, "app", "Report", "", false, &world, &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_PARENT);
	/* nobody alive provides anything, the parent nothing */
	w.parent_all = false;
	w.provider = NULL;
	assert_int_equal(resolve_w(&c, "app", "X", "", false, &world, &r), GN_ERR_DENIED);
	/* without the world: the config decides, and <local/> never takes a request */
	assert_int_equal(resolve(&c, "app", "X", "named", &r), GN_OK);
	assert_string_equal(r.server, "a");
	assert_int_equal(resolve(&c, "app", "Report", "", &r), GN_ERR_DENIED);
	unload(&c);
}

/* ---- malformed requests ------------------------------------------------------------------------ */

static void invalid_requests(void **state)
{
	cfg_t c;
	gn_route_t r;
	gn_route_request_t req = {"app", "LOG", "", false};
	char label[GN_LABEL_MAX + 8];

	(void)state;
	load(&c, "<config> <parent-provides> <service name=\"LOG\"/> </parent-provides>"
		 " <start name=\"app\"> <route> <any-service> <parent/> </any-service> </route>"
		 " </start> </config>");
	assert_int_equal(gn_route_resolve(&c.root, NULL, &req, NULL, NULL), GN_ERR_INVALID_ARG);
	assert_int_equal(gn_route_resolve(&c.root, NULL, NULL, NULL, &r), GN_ERR_INVALID_ARG);
	assert_int_equal(r.kind, GN_ROUTE_DENIED);
	assert_contains(r.reason, "invalid request");
	assert_int_equal(resolve(&c, "app", "", "", &r), GN_ERR_INVALID_ARG);
	assert_int_equal(resolve(&c, "", "LOG", "", &r), GN_ERR_INVALID_ARG);
	req.label = NULL;
	assert_int_equal(gn_route_resolve(&c.root, NULL, &req, NULL, &r), GN_ERR_INVALID_ARG);
	assert_int_equal(resolve(&c, "nobody", "LOG", "", &r), GN_ERR_INVALID_ARG);
	assert_contains(r.reason, "no start node");

	/* the label must carry the child's name within GN_LABEL_MAX */
	memset(label, 'x', sizeof(label));
	label[GN_LABEL_MAX - 1 - strlen("app -> ")] = 0;
	assert_int_equal(resolve(&c, "app", "LOG", label, &r), GN_OK);
	assert_int_equal(strlen(r.label), GN_LABEL_MAX - 1);
	label[GN_LABEL_MAX - 1 - strlen("app -> ")] = 'x';
	label[GN_LABEL_MAX - strlen("app -> ")] = 0;
	assert_int_equal(resolve(&c, "app", "LOG", label, &r), GN_ERR_INVALID_ARG);
	assert_int_equal(r.kind, GN_ROUTE_DENIED);
	unload(&c);
}

static void explicit_start_and_no_config(void **state)
{
	cfg_t c;
	gn_route_t r;
	gn_xml_node_t start;
	gn_route_request_t const req = {"anyname", "LOG", "x", false};
	world_ctx_t w = {{NULL}, NULL, NULL, true, 0};
	gn_route_world_t const world = {&w, NULL, NULL, w_parent, NULL};

	(void)state;
	load(&c, "<start name=\"other\"> <route> <any-service> <parent/> </any-service> </route>"
		 "</start>");
	/* the start node given wins over a lookup; no config: no parent-provides */
	assert_int_equal(gn_route_resolve(NULL, &c.root, &req, NULL, &r), GN_ERR_DENIED);
	assert_int_equal(gn_route_resolve(NULL, &c.root, &req, &world, &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_PARENT);
	assert_string_equal(r.label, "anyname -> x");
	/* the invalid node as start node: no route */
	start = (gn_xml_node_t){0};
	assert_int_equal(gn_route_resolve(NULL, &start, &req, &world, &r), GN_ERR_DENIED);
	unload(&c);
}

static void kind_names(void **state)
{
	(void)state;
	assert_string_equal(gn_route_kind_name(GN_ROUTE_DENIED), "denied");
	assert_string_equal(gn_route_kind_name(GN_ROUTE_PARENT), "parent");
	assert_string_equal(gn_route_kind_name(GN_ROUTE_CHILD), "child");
	assert_string_equal(gn_route_kind_name(GN_ROUTE_LOCAL), "local");
	assert_string_equal(gn_route_kind_name(GN_ROUTE_CONFIG), "config");
	assert_string_equal(gn_route_kind_name(GN_ROUTE_SESSION_REQUESTS), "session_requests");
	assert_string_equal(gn_route_kind_name((gn_route_kind_t)99), "unknown");
}

/* ---- Genode's test runtimes -------------------------------------------------------------------- */

typedef struct {
	unsigned configs, requests, routed, denied, ambiguous;
} stats_t;

static char const *const probe_services[] = {"LOG", "ROM", "PD", "CPU", "Timer", "Report",
	"File_system", "Nic", "Uplink", "Gui", "Rtc", "Terminal", "Block", "Audio_out", "Nope"};
static char const *const probe_labels[] = {
	"", "config", "x", "sub -> config", "a -> b -> c", "session_requests", "  padded  "};

/* A copy of the attribute's raw value (config names are plain ASCII). */
static void attr_copy(gn_xml_node_t const *node, char const *name, char *buf, size_t size)
{
	gn_xml_attr_t a;

	buf[0] = 0;
	if (gn_xml_attr(node, name, &a))
		snprintf(buf, size, "%.*s", (int)a.value_len, a.value);
}

/* Checks one decision against the config it came from. */
static void check_route(cfg_t const *c, gn_xml_node_t const *config, gn_route_request_t const *req,
	gn_err_t err, gn_route_t const *r, stats_t *s)
{
	gn_xml_node_t server;

	s->requests++;
	s->ambiguous += strstr(r->warning, "ambiguous") != NULL;
	(void)c;
	if (err == GN_ERR_DENIED) {
		s->denied++;
		assert_int_equal(r->kind, GN_ROUTE_DENIED);
		assert_non_null(strstr(r->reason, "no route to service"));
		return;
	}
	if (err != GN_OK)
		print_error("%s %s \"%s\": %s\n", req->child, req->service, req->label, r->reason);
	assert_int_equal(err, GN_OK);
	s->routed++;
	assert_true(r->kind > GN_ROUTE_DENIED && r->kind <= GN_ROUTE_SESSION_REQUESTS);
	assert_true(strlen(r->label) < GN_LABEL_MAX);
	if (r->kind != GN_ROUTE_CHILD)
		return;
	/* the server is a start node of this config that provides the service */
	assert_true(strlen(r->server) > 0);
	GN_XML_FOR_EACH_SUB(config, "start", server)
	{
		char name[GN_ROUTE_NAME_MAX];

		attr_copy(&server, "name", name, sizeof(name));
		if (strcmp(name, r->server) == 0)
			break;
	}
	assert_true(gn_xml_node_valid(&server));
}

static void route_all(cfg_t const *c, gn_xml_node_t const *config, stats_t *s);

/* Every Genode component needs these; in an init config every child gets them routed. */
static void check_essentials(
	gn_xml_node_t const *config, gn_xml_node_t const *start, char const *name)
{
	gn_route_request_t const reqs[] = {
		{name, "LOG", "", false},
		{name, "PD", name, true},
		{name, "CPU", name, true},
		{name, "ROM", name, true},
	};

	for (size_t i = 0; i < GN_ARRAY_SIZE(reqs); i++) {
		gn_route_t r;
		gn_err_t const err = gn_route_resolve(config, start, &reqs[i], NULL, &r);

		if (err != GN_OK)
			print_error("%s: %s; %s\n", name, r.reason, r.detail);
		assert_int_equal(err, GN_OK);
	}
}

/* The start node runs Genode's init (the others with <start> nodes, e.g. sequence, do not route). */
static bool runs_init(gn_xml_node_t const *start)
{
	gn_xml_node_t binary;
	char name[GN_ROUTE_NAME_MAX];

	if (gn_xml_first_sub_type(start, "binary", &binary))
		attr_copy(&binary, "name", name, sizeof(name));
	else
		attr_copy(start, "name", name, sizeof(name));
	return strcmp(name, "init") == 0;
}

/* Every probe request of one start node, plus one per <service> rule of its <route>. */
static void route_start(
	cfg_t const *c, gn_xml_node_t const *config, gn_xml_node_t const *start, stats_t *s)
{
	char name[GN_ROUTE_NAME_MAX], service[64], label[GN_LABEL_MAX];
	gn_xml_node_t route, rule, sub;
	gn_route_t r;

	attr_copy(start, "name", name, sizeof(name));
	if (!name[0])
		return;
	check_essentials(config, start, name);
	/* each service with every probe label, and once as an environment request */
	for (size_t i = 0; i < GN_ARRAY_SIZE(probe_services); i++)
		for (size_t j = 0; j <= GN_ARRAY_SIZE(probe_labels); j++) {
			bool const env = j == GN_ARRAY_SIZE(probe_labels);
			gn_route_request_t const req = {
				name, probe_services[i], env ? name : probe_labels[j], env};

			check_route(c, config, &req,
				gn_route_resolve(config, start, &req, NULL, &r), &r, s);
		}
	if (gn_xml_first_sub_type(start, "route", &route)) {
		GN_XML_FOR_EACH_SUB(&route, "service", rule)
		{
			attr_copy(&rule, "name", service, sizeof(service));
			attr_copy(&rule, "label", label, sizeof(label));
			if (!service[0])
				continue;
			gn_route_request_t const req = {name, service, label, false};
			check_route(c, config, &req,
				gn_route_resolve(config, start, &req, NULL, &r), &r, s);
		}
	}
	/* a nested init: its own config */
	if (runs_init(start) && gn_xml_first_sub_type(start, "config", &sub))
		route_all(c, &sub, s);
}

static void route_all(cfg_t const *c, gn_xml_node_t const *config, stats_t *s)
{
	gn_xml_node_t start;

	s->configs++;
	GN_XML_FOR_EACH_SUB(config, "start", start)
	{
		route_start(c, config, &start, s);
	}
}

static bool read_file(char const *path, cfg_t *c)
{
	FILE *f = fopen(path, "rb");
	long size;
	char *text;
	bool ok;

	if (!f)
		return false;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	text = malloc(size > 0 ? (size_t)size : 1);
	assert_non_null(text);
	ok = fread(text, 1, (size_t)size, f) == (size_t)size;
	fclose(f);
	if (ok)
		load_n(c, text, (size_t)size);
	free(text);
	return ok;
}

/* Known decisions in test-init.runtime (Genode's own init test). */
static void check_test_init(cfg_t const *c, gn_xml_node_t const *config)
{
	gn_route_t r;
	gn_route_request_t const ti_config = {"test-init", "ROM", "config", false};
	gn_route_request_t const ti_state = {"test-init", "ROM", "state", false};
	gn_route_request_t const init_config = {"init", "ROM", "config", false};
	gn_route_request_t const init_log = {"init", "LOG", "", false};
	gn_route_request_t const rr_timer = {"report_rom", "Timer", "", false};

	(void)c;
	assert_int_equal(gn_route_resolve(config, NULL, &ti_config, NULL, &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_PARENT);
	assert_string_equal(r.label, "test-init.config");
	assert_int_equal(gn_route_resolve(config, NULL, &ti_state, NULL, &r), GN_OK);
	assert_string_equal(r.server, "report_rom");
	assert_string_equal(r.label, "test-init -> state");
	assert_int_equal(gn_route_resolve(config, NULL, &init_config, NULL, &r), GN_OK);
	assert_string_equal(r.server, "report_rom");
	assert_int_equal(gn_route_resolve(config, NULL, &init_log, NULL, &r), GN_OK);
	assert_string_equal(r.server, "test-init");
	/* the default route: <parent/> first, Timer is in <parent-provides> */
	assert_int_equal(gn_route_resolve(config, NULL, &rr_timer, NULL, &r), GN_OK);
	assert_int_equal(r.kind, GN_ROUTE_PARENT);
}

static void genode_runtimes(void **state)
{
	char dir_path[PATH_MAX + 64 + 32];
	DIR *dir = open_genode_configs(dir_path, sizeof(dir_path));
	struct dirent *e;
	stats_t s = {0};
	unsigned files = 0;

	(void)state;
	if (!dir) {
		print_message("../shared/genode-configs not found: skipping the Genode runtimes\n");
		skip();
	}
	while ((e = readdir(dir))) {
		char path[sizeof(dir_path) + 256];
		size_t len = strlen(e->d_name);
		cfg_t c;
		gn_xml_node_t config;

		if (len < 8 || strcmp(e->d_name + len - 8, ".runtime") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, e->d_name);
		assert_true(read_file(path, &c));
		assert_true(gn_xml_first_sub_type(&c.root, "config", &config));
		route_all(&c, &config, &s);
		if (strcmp(e->d_name, "test-init.runtime") == 0)
			check_test_init(&c, &config);
		files++;
		unload(&c);
	}
	closedir(dir);
	print_message("%u runtimes, %u configs: %u requests, %u routed, %u denied, %u ambiguous\n",
		files, s.configs, s.requests, s.routed, s.denied, s.ambiguous);
	assert_true(files > 0);
	assert_true(s.routed > 0 && s.denied > 0);
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(parent_target),
		cmocka_unit_test(parent_needs_parent_provides),
		cmocka_unit_test(child_target),
		cmocka_unit_test(target_order),
		cmocka_unit_test(any_child),
		cmocka_unit_test(self_route),
		cmocka_unit_test(first_match),
		cmocka_unit_test(default_route),
		cmocka_unit_test(selectors),
		cmocka_unit_test(selector_edge_cases),
		cmocka_unit_test(env_requests),
		cmocka_unit_test(binary_rom),
		cmocka_unit_test(init_answers_itself),
		cmocka_unit_test(label_rewriting),
		cmocka_unit_test(aliases),
		cmocka_unit_test(world_callbacks),
		cmocka_unit_test(invalid_requests),
		cmocka_unit_test(explicit_start_and_no_config),
		cmocka_unit_test(kind_names),
		cmocka_unit_test(genode_runtimes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
