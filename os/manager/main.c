/*
 * manager: closes the data-centric loop of DESIGN.md §1.5 for one init, as Genode's sculpt_manager
 * and depot_deploy do: reports in, config out. It reads the managed init's state report (a ROM
 * "state", e.g. from report_rom), and writes the managed init's config (a Report "config", which
 * report_rom serves that init as its config ROM): the base config of its own config's <managed>
 * node, with the quota of children that asked for more raised by its <grow> rules (plan.c,
 * generate.c; the language is in README.md).
 *
 * Invariants:
 * - What is written is always generated from a config that passed plan_read, so init gets no
 *   config the manager has not checked (with init's own checker). The first is written at start,
 *   before the state report is read; another only when a value changed or the manager's own config
 *   did.
 * - Everything read is untrusted: the state report and the manager's own config are copied out of
 *   their dataspaces before they are parsed, and a malformed one is refused with a labelled error;
 *   decisions are made on a copy of the plan, committed only when the whole report was read and
 *   the new config generated. The config written before stays in force.
 * - Quota: the Report session pays report_rom for a buffer of OUTPUT_MAX bytes and its copy; a ROM
 *   session whose report outgrows the donation is upgraded (doubling, up to ROM_DONATION_MAX) when
 *   the manager's own account can pay, else the read fails and is logged.
 * - Handlers do not nest: opening a session or upgrading one dispatches signals while it waits, so
 *   a signal then only marks its ROM stale, and run() handles it after the current one.
 */
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/report_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>

#include "manager.h"

enum {
	CONFIG_MAX = 32 * GN_KIB, /* the manager's own config */
	STATE_MAX = 32 * GN_KIB,  /* the state report */
	OUTPUT_MAX = 32 * GN_KIB, /* the config written: the Report buffer */
	ROM_DONATION = 8 * GN_KIB,
	ROM_DONATION_MAX = 256 * GN_KIB,
};

typedef struct {
	char const *label;
	gn_cap_t cap;
	uint32_t id;
	uint64_t donated;
} rom_t;

static gn_env_t *env;
static rom_t config_rom = {.label = "config"}, state_rom = {.label = "state"};
static char config_buf[2][CONFIG_MAX]; /* the config in force and the next one */
static unsigned config_in_force;
static char state_buf[STATE_MAX];
static plan_t plan, scratch; /* in force; the next one (static: too big for a stack) */
static bool planned;         /* plan holds a config that passed plan_read */
static gn_cap_t report;
static uint32_t report_id;
static char *output; /* the Report buffer, attached */
static size_t output_size;
static bool busy, config_stale, state_stale;

static bool rom_open(rom_t *r, gn_signal_fn_t changed)
{
	char args[GN_SESSION_ARGS_MAX];
	gn_rpc_void_t none = {0};
	gn_cap_t sig;

	if (gn_fmt(args, sizeof(args), NULL, "ram_quota=%u, cap_quota=2, label=\"%s\"",
		    (unsigned)ROM_DONATION, r->label) != GN_OK ||
		gn_session(env, "ROM", args, &r->cap, &r->id) != GN_OK)
		return false;
	r->donated = ROM_DONATION;
	return gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &sig) == GN_OK &&
	       gn_ep_sigh(env->ep, sig, changed, NULL) == GN_OK &&
	       gn_rom_session_sigh(r->cap, &none, &none, &sig, NULL) == GN_OK;
}

/* Doubles r's donation, if the manager's own account can pay it without asking its parent. */
static bool rom_upgrade(rom_t *r)
{
	gn_rpc_void_t none = {0};
	gn_pd_quota_res_t q;

	if (r->donated >= ROM_DONATION_MAX ||
		gn_pd_session_quota(env->pd, &none, &q, NULL, NULL) != GN_OK ||
		q.ram_quota - q.ram_used < r->donated ||
		gn_session_upgrade(env, r->id, r->donated, 0) != GN_OK)
		return false;
	r->donated *= 2;
	return true;
}

/*
 * Copies r's content into buf (size bytes); *len is its length. Errors: the ROM's (OUT_OF_RAM when
 * its donation could not be raised enough), GN_ERR_LIMIT when it does not fit buf.
 */
static gn_err_t rom_read(rom_t *r, char *buf, size_t size, size_t *len)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t ds;
	void *addr;
	size_t mapped;
	bool writable;
	gn_err_t err;

	while ((err = gn_rom_session_dataspace(r->cap, &none, &info, NULL, &ds)) ==
			GN_ERR_OUT_OF_RAM &&
		rom_upgrade(r))
		; /* report_rom holds no more than the donation pays: pay more */
	if (err != GN_OK)
		return err;
	err = gn_ds_attach(ds, &addr, &mapped, &writable);
	gn_cap_drop(ds);
	if (err != GN_OK)
		return err;
	*len = info.size < mapped ? (size_t)info.size : mapped;
	if (*len < size)
		gn_memcpy(buf, addr, *len);
	gn_ds_detach(addr, mapped);
	return *len < size ? GN_OK : GN_ERR_LIMIT;
}

static bool open_report(void)
{
	char args[GN_SESSION_ARGS_MAX];
	gn_rpc_void_t none = {0};
	gn_report_dataspace_res_t info;
	gn_cap_t ds;
	void *addr;
	size_t mapped;
	bool writable = false;

	if (gn_fmt(args, sizeof(args), NULL,
		    "ram_quota=%llu, cap_quota=%u, buffer_size=%u, label=\"config\"",
		    (unsigned long long)gn_report_session_ram(OUTPUT_MAX),
		    (unsigned)GN_REPORT_SESSION_CAPS, (unsigned)OUTPUT_MAX) != GN_OK ||
		gn_session(env, "Report", args, &report, &report_id) != GN_OK ||
		gn_report_session_dataspace(report, &none, &info, NULL, &ds) != GN_OK)
		return false;
	gn_err_t const err = gn_ds_attach(ds, &addr, &mapped, &writable);
	gn_cap_drop(ds);
	if (err != GN_OK || !writable)
		return false;
	output = addr;
	output_size = info.size < mapped ? (size_t)info.size : mapped;
	return true;
}

/* Generates the config of p into the Report buffer (not yet submitted); false when it cannot. */
static bool generate(plan_t const *p, size_t *len)
{
	gn_err_t const err = plan_generate(p, output, output_size, len);

	if (err != GN_OK)
		gn_error("cannot generate the managed config (%s), the previous one stays",
			err == GN_ERR_TRUNCATED ? "it exceeds the report buffer"
						: gn_err_name(err));
	return err == GN_OK;
}

static void submit(size_t len)
{
	gn_rpc_void_t none = {0};
	gn_err_t const err = gn_report_session_submit(
		report, &(gn_report_submit_args_t){len}, &none, NULL, NULL);

	if (err != GN_OK)
		gn_error("the managed config was refused by the Report server: %s",
			gn_err_name(err));
}

static GN_NORETURN void give_up(char const *why)
{
	gn_error("%s", why);
	gn_exit(env, 1);
}

static void config_rejected(void)
{
	gn_error("config rejected, %s",
		planned ? "keeping the previous one" : "waiting for a valid one");
}

/* Reads the manager's own config; when valid, it is in force and its managed config written. */
static void load_config(void)
{
	unsigned const spare = config_in_force ^ 1;
	gn_xml_node_t root;
	gn_xml_error_t xml_err;
	size_t len = 0, out = 0;

	gn_err_t const err = rom_read(&config_rom, config_buf[spare], CONFIG_MAX, &len);
	if (err != GN_OK) {
		gn_error("config unreadable: %s",
			err == GN_ERR_LIMIT ? "too big" : gn_err_name(err));
		config_rejected();
		return;
	}
	if (len == 0 && !planned) { /* not written yet, e.g. by a report_rom before the report */
		gn_log("config is empty, waiting for one");
		return;
	}
	if (gn_xml_parse(config_buf[spare], len, &root, &xml_err) != GN_OK) {
		gn_error("config:%u:%u: %s", xml_err.line, xml_err.column, xml_err.what);
		config_rejected();
		return;
	}
	if (!plan_read(&root, &scratch)) {
		config_rejected();
		return;
	}
	if (planned)
		plan_carry(&scratch, &plan);
	if (!report && !open_report())
		give_up("cannot open the Report session for the managed config");
	if (!generate(&scratch, &out)) {
		config_rejected();
		return;
	}
	gn_log("%s: %u grow rule%s, managed config of %zu bytes",
		planned ? "config updated" : "config", scratch.num_rules,
		scratch.num_rules == 1 ? "" : "s", out);
	submit(out);
	plan = scratch;
	config_in_force = spare;
	planned = true;
	state_stale = true; /* the new rules may grant what the old ones refused */
}

static void state_changed(void *ctx, uint64_t count);

/* Reads the state report and raises what the rules allow. */
static void load_state(void)
{
	gn_xml_node_t root;
	gn_xml_error_t xml_err;
	size_t len = 0, out = 0;
	bool changed = false;

	if (!state_rom.cap && !rom_open(&state_rom, state_changed))
		give_up("cannot open the ROM session for the state report");
	gn_err_t const err = rom_read(&state_rom, state_buf, STATE_MAX, &len);
	if (err != GN_OK) {
		gn_error("state report unreadable: %s",
			err == GN_ERR_LIMIT ? "too big" : gn_err_name(err));
		return;
	}
	if (len == 0)
		return; /* nothing reported yet */
	if (gn_xml_parse(state_buf, len, &root, &xml_err) != GN_OK) {
		gn_error("state report:%u:%u: %s", xml_err.line, xml_err.column, xml_err.what);
		gn_error("state report ignored");
		return;
	}
	scratch = plan;
	if (!plan_decide(&scratch, &root, &changed)) {
		gn_error("state report ignored");
		return;
	}
	if (changed && !generate(&scratch, &out))
		return;
	plan_log(&scratch);
	if (changed)
		submit(out);
	plan = scratch;
}

/* Handles what is stale, unless a handler further up the stack is at it already. */
static void run(void)
{
	if (busy)
		return;
	busy = true;
	while (config_stale || (state_stale && planned)) {
		if (config_stale) {
			config_stale = false;
			load_config();
		} else {
			state_stale = false;
			load_state();
		}
	}
	busy = false;
}

static void config_changed(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	config_stale = true;
	run();
}

static void state_changed(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	state_stale = true;
	run();
}

void gn_component_construct(gn_env_t *e)
{
	env = e;
	if (!rom_open(&config_rom, config_changed))
		give_up("no config");
	config_changed(NULL, 0);
}
