/*
 * trace_monitor: Gneiss's tracer (Genode's trace_logger and trace_fs in one). It opens a TRACE
 * session at its parent, traces the subjects its config's <trace> rules select with the config's
 * <policy> definitions, and every period_ms reads their buffers: a summary line per subject
 * (events by kind, RPCs, CPU time, bytes the ring overwrote unread) and, with dump="yes", every
 * record in the form tool/trace turns into Chrome JSON and CTF. README.md has the config language.
 *
 * The config ROM is followed: rules and policies change at run time (a policy is rewritten in
 * place, so the threads using it record differently at once; a subject no rule selects any more
 * stops being traced). An invalid config is refused whole and the previous one stays.
 */
#include <gneiss/dataspace.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>
#include <gneiss/timer_session.h>

#include "monitor.h"

enum {
	CONFIG_MAX = 16 * 1024
};

gn_env_t *monitor_env;
gn_trace_session_cap_t monitor_trace;

static gn_cap_t config_rom;
static char config_text[CONFIG_MAX];
static config_t configs[2];
static config_t *cfg; /* in force, NULL before the first valid one */
static gn_timer_t timer;
static gn_cap_t tick_sig;
static uint64_t round_no, period_armed;

static gn_err_t open_trace(config_t const *c)
{
	char args[GN_SESSION_ARGS_MAX];
	uint32_t id;

	gn_err_t err = gn_fmt(args, sizeof(args), NULL,
		"ram_quota=%llu, cap_quota=4, parent_levels=%llu, label=\"\"",
		(unsigned long long)c->session_ram, (unsigned long long)c->parent_levels);
	return err == GN_OK ? gn_session(monitor_env, "TRACE", args, &monitor_trace.cap, &id) : err;
}

static void arm(uint64_t period_ms)
{
	gn_rpc_void_t none = {0};

	if (period_ms == period_armed)
		return;
	gn_ignore(gn_timer_session_trigger_periodic(
		timer.session.cap, &(gn_timer_us_args_t){period_ms * 1000}, &none, NULL, NULL));
	period_armed = period_ms;
}

static void tick(void *ctx, uint64_t count)
{
	(void)ctx;
	(void)count;
	if (!cfg)
		return;
	subjects_round(cfg, ++round_no);
	if (cfg->rounds && round_no >= cfg->rounds) {
		gn_log("done after %llu rounds", (unsigned long long)round_no);
		gn_exit(monitor_env, 0);
	}
}

static void config_changed(void *ctx, uint64_t count)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t ds;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t node;
	gn_xml_error_t xml_err;

	(void)ctx;
	(void)count;
	if (gn_rom_session_dataspace(config_rom, &none, &info, NULL, &ds) != GN_OK ||
		gn_ds_attach(ds, &addr, &size, &writable) != GN_OK) {
		gn_error("config ROM unreadable");
		return;
	}
	size_t const len = info.size < size ? info.size : size;
	bool const fits = len < sizeof(config_text);
	if (fits)
		gn_memcpy(config_text, addr, len);
	gn_ds_detach(addr, size);
	gn_cap_drop(ds);
	config_t *next = cfg == &configs[0] ? &configs[1] : &configs[0];
	if (!fits || gn_xml_parse(config_text, len, &node, &xml_err) != GN_OK) {
		if (fits)
			gn_error("config:%u:%u: %s", xml_err.line, xml_err.column, xml_err.what);
		gn_error("config refused%s", cfg ? ", the previous one stays" : "");
		return;
	}
	if (!config_read(&node, next)) {
		gn_error("config refused%s", cfg ? ", the previous one stays" : "");
		return;
	}
	gn_err_t const err = cfg ? GN_OK : open_trace(next);
	if (err != GN_OK) {
		gn_error("no TRACE session: %s", gn_err_name(err));
		gn_exit(monitor_env, 1);
	}
	if (policies_apply(next) != GN_OK)
		return;
	if (cfg)
		gn_log("config updated");
	cfg = next;
	arm(cfg->period_ms);
}

void gn_component_construct(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	uint32_t id;
	gn_cap_t config_sig;

	monitor_env = env;
	if (gn_session(env, "ROM", "ram_quota=20K, cap_quota=2, label=\"config\"", &config_rom,
		    &id) != GN_OK ||
		gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &config_sig) != GN_OK ||
		gn_ep_sigh(env->ep, config_sig, config_changed, NULL) != GN_OK ||
		gn_rom_session_sigh(config_rom, &none, &none, &config_sig, NULL) != GN_OK ||
		gn_timer_open(env, "period", &timer) != GN_OK ||
		gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &tick_sig) != GN_OK ||
		gn_ep_sigh(env->ep, tick_sig, tick, NULL) != GN_OK ||
		gn_timer_session_sigh(timer.session.cap, &none, &none, &tick_sig, NULL) != GN_OK) {
		gn_error("cannot start: needs its config ROM and a Timer session");
		gn_exit(env, 1);
	}
	config_changed(NULL, 0);
	if (!cfg)
		gn_exit(env, 1);
}
