/*
 * report_rom: reports in, ROMs out, as Genode's report_rom. Clients publish documents through
 * "Report" sessions (include/gneiss/report_session.h); other clients read them through "ROM"
 * sessions, whose label selects a <policy> of the config naming the report they get:
 *
 *   <config verbose="no">
 *     <policy label="consumer -> state" report="producer -> state"/>
 *     <policy label_prefix="monitor" report="producer -> state"/>
 *     <default-policy report="..."/>
 *   </config>
 *
 * A report's name is its Report session's label as report_rom sees it. Policies are chosen by
 * gn_policy_select (label, label_prefix, label_suffix, label_last; <default-policy> as fallback); a
 * ROM session without a matching policy is refused (DENIED). The config is read once at start.
 *
 * Invariants:
 * - Consistency. Each report has one private copy, taken during submit (report.c); the writer's
 *   buffer is never read after that. Each ROM session has a dataspace of its own (rom.c), changed
 *   only during that client's own `dataspace` call, which copies the current report into it and
 *   puts a NUL after it. So no reader ever sees a report half-written, and no reader can change
 *   what another reads (components cannot seal a dataspace, so one shared dataspace could be
 *   written by any of its readers). Every submit signals every ROM session of that report. Until
 *   the first report, and after the session of the last submit closed (Genode clears the content
 *   then, too), a ROM is empty: size 0 in a valid one-page dataspace.
 * - Quota. Every dataspace is charged to the session it serves and paid from that session's
 *   donation, which init moved into report_rom's PD: a Report session pays its buffer and the copy
 *   of its last report (gn_report_session_ram), a ROM session the page-rounded content plus its NUL.
 *   Session state lives in fixed tables (MAX_REPORTS, GN_ROM_SERVER_SESSIONS), part of report_rom's own RAM; a
 *   full table refuses. Genode's report_rom pays the report copies from its own RAM; here, a ROM
 *   session whose donation cannot hold a new, larger report gets OUT_OF_RAM from `dataspace` and
 *   keeps its old content until the client upgrades the session (gn_session_upgrade) and asks
 *   again. A session's capability price counts its RPC object as well as its dataspaces.
 * - Validation. Session arguments are checked whole before anything is allocated; `submit` of more
 *   than the buffer is refused and changes nothing; a ROM `sigh` must be a signal capability.
 * Everything runs in the main thread's entrypoint: session requests as signals, RPCs in between.
 */
#include <gneiss/dataspace.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>

#include "report_rom.h"

typedef struct {
	char label[GN_LABEL_MAX];
	char prefix[GN_LABEL_MAX];
	char suffix[GN_LABEL_MAX];
	char last[GN_LABEL_MAX];
	char report[GN_LABEL_MAX];
} policy_t;

gn_env_t *rr_env;
bool rr_verbose;
static policy_t policies[MAX_POLICIES];
static gn_policy_candidate_t candidates[MAX_POLICIES];
static size_t num_policies;

/* ---- shared helpers ---------------------------------------------------------------------------- */

gn_err_t session_args(char const *args, session_args_t *out)
{
	gn_err_t err = gn_args_get_label(args, out->label, sizeof(out->label));

	if (err == GN_OK)
		err = gn_args_get_num(args, "ram_quota", &out->ram);
	if (err == GN_ERR_NOT_FOUND) {
		out->ram = 0;
		err = GN_OK;
	}
	if (err == GN_OK)
		err = gn_args_get_num(args, "cap_quota", &out->caps);
	if (err == GN_ERR_NOT_FOUND) {
		out->caps = 0;
		err = GN_OK;
	}
	return err == GN_OK ? GN_OK : GN_ERR_DENIED;
}

uint64_t page_round(uint64_t size)
{
	return size > UINT64_MAX - (PAGE - 1) ? 0 : (size + PAGE - 1) / PAGE * PAGE;
}

gn_err_t buffer_alloc(buffer_t *b, uint64_t size)
{
	gn_pd_alloc_ram_res_t alloc;
	gn_rpc_void_t none = {0};
	void *addr;
	size_t mapped;
	bool writable;

	gn_err_t err = gn_pd_session_alloc_ram(
		rr_env->pd, &(gn_pd_alloc_ram_args_t){size}, &alloc, NULL, &b->cap);
	if (err != GN_OK) {
		b->cap = GN_CAP_INVALID;
		return err;
	}
	err = gn_ds_attach(b->cap, &addr, &mapped, &writable);
	if (err == GN_OK && (mapped != size || !writable)) {
		gn_ds_detach(addr, mapped);
		err = GN_ERR_IO;
	}
	if (err != GN_OK) {
		gn_ignore(gn_pd_session_free_ram(rr_env->pd, &none, &none, &b->cap, NULL));
		gn_cap_drop(b->cap);
		*b = (buffer_t){GN_CAP_INVALID, NULL, 0};
		return err;
	}
	*b = (buffer_t){b->cap, addr, size};
	return GN_OK;
}

void buffer_free(buffer_t *b)
{
	gn_rpc_void_t none = {0};

	if (!gn_cap_valid(b->cap))
		return;
	gn_ds_detach(b->addr, b->size);
	gn_ignore(gn_pd_session_free_ram(rr_env->pd, &none, &none, &b->cap, NULL));
	gn_cap_drop(b->cap);
	*b = (buffer_t){GN_CAP_INVALID, NULL, 0};
}

void log_report(char const *what, char const *label, char const *data, uint64_t len)
{
	enum {
		EXCERPT = 60
	};
	char excerpt[EXCERPT + 1];
	size_t const n = len < EXCERPT ? (size_t)len : EXCERPT;

	for (size_t i = 0; i < n; i++) /* reports are any bytes; the log gets printable ones */
		excerpt[i] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.';
	excerpt[n] = 0;
	gn_log("%s \"%s\" (%llu bytes): %s%s", what, label, (unsigned long long)len, excerpt,
		len > n ? "..." : "");
}

/* ---- policies ---------------------------------------------------------------------------------- */

gn_err_t policy_report(char const *label, char *report)
{
	size_t index;

	if (gn_policy_select(candidates, num_policies, label, &index) != GN_OK)
		return GN_ERR_DENIED;
	gn_memcpy(report, policies[index].report, GN_LABEL_MAX);
	return GN_OK;
}

/* Decodes the optional attribute name of node into buf; false when it does not fit. */
static bool policy_attr(
	gn_xml_node_t const *node, char const *name, char *buf, gn_label_attr_t *attr)
{
	gn_xml_attr_t a;

	*attr = gn_label_attr(NULL);
	if (!gn_xml_attr(node, name, &a))
		return true;
	if (gn_xml_value_str(&a, buf, GN_LABEL_MAX) != GN_OK)
		return false;
	*attr = gn_label_attr(buf);
	return true;
}

/* Takes one <policy> or <default-policy> node into the table; false (and logs) when it is bad. */
static bool add_policy(gn_xml_node_t const *node)
{
	policy_t *p = &policies[num_policies];
	gn_policy_candidate_t *c = &candidates[num_policies];
	gn_xml_attr_t report;

	if (num_policies == MAX_POLICIES) {
		gn_error("config: more than %u policies", (unsigned)MAX_POLICIES);
		return false;
	}
	c->is_default = gn_xml_has_type(node, "default-policy");
	if (!policy_attr(node, "label", p->label, &c->label) ||
		!policy_attr(node, "label_prefix", p->prefix, &c->label_prefix) ||
		!policy_attr(node, "label_suffix", p->suffix, &c->label_suffix) ||
		!policy_attr(node, "label_last", p->last, &c->label_last) ||
		!gn_xml_attr(node, "report", &report) ||
		gn_xml_value_str(&report, p->report, sizeof(p->report)) != GN_OK || !p->report[0]) {
		gn_error("config: line %u: a policy needs a report name, and labels of at most %u "
			 "characters",
			gn_xml_line(node), (unsigned)GN_LABEL_MAX - 1);
		return false;
	}
	num_policies++;
	return true;
}

/* Reads the config ROM once: verbose and the policies. False (and logs) when it is unusable. */
static bool read_config(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t rom, ds = GN_CAP_INVALID;
	uint32_t id;
	void *addr = NULL;
	size_t size = 0;
	bool writable, ok = false;
	gn_xml_node_t config, node;
	gn_xml_error_t xerr;

	gn_err_t err =
		gn_session(env, "ROM", "ram_quota=4K, cap_quota=2, label=\"config\"", &rom, &id);
	if (err != GN_OK) {
		gn_error("no config ROM: %s", gn_err_name(err));
		return false;
	}
	err = gn_rom_session_dataspace(rom, &none, &info, NULL, &ds);
	if (err == GN_OK)
		err = gn_ds_attach(ds, &addr, &size, &writable);
	if (err != GN_OK)
		gn_error("config ROM unreadable: %s", gn_err_name(err));
	else if (info.size > size)
		gn_error("config ROM: %llu bytes in a dataspace of %zu",
			(unsigned long long)info.size, size);
	else if (gn_xml_parse(addr, info.size, &config, &xerr) != GN_OK)
		gn_error("config: line %u: %s", xerr.line, xerr.what);
	else if (gn_xml_attr_bool(&config, "verbose", false, &rr_verbose) != GN_OK)
		gn_error("config: verbose is neither yes nor no");
	else {
		ok = true;
		GN_XML_FOR_EACH_SUB(&config, NULL, node)
		if (ok && (gn_xml_has_type(&node, "policy") ||
				  gn_xml_has_type(&node, "default-policy")))
			ok = add_policy(&node);
	}
	if (addr)
		gn_ds_detach(addr, size);
	gn_cap_drop(ds);
	gn_session_close(env, id, rom); /* everything needed is copied out */
	return ok;
}

void gn_component_construct(gn_env_t *env)
{
	rr_env = env;
	if (!read_config(env))
		gn_exit(env, 1);
	gn_err_t err = gn_service_announce(env, "Report", &report_service_ops, NULL);
	if (err == GN_OK)
		err = gn_service_announce(env, "ROM", &rom_service_ops, NULL);
	if (err != GN_OK) {
		gn_error("could not announce Report and ROM: %s", gn_err_name(err));
		gn_exit(env, 1);
	}
	if (rr_verbose)
		gn_log("serving Report and ROM, %zu policies", num_policies);
}
